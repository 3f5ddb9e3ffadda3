/* catalog.h - the SQLite catalog: documents, pages, bundles, files, events
 * and the full-text index (schemas/catalog/NNN-*.sql, applied in order).
 *
 * A document's state changes only as the transition table in state.h says:
 * each function below that moves documents makes one of its moves, refuses
 * an illegal one (LT_EINTERNAL, nothing changed) and records the move's
 * event in the same transaction.
 *
 * One struct lt_catalog is one SQLite connection: use it from one thread at a
 * time; each worker opens its own. Writers serialise on SQLite's lock (WAL
 * mode, busy timeout), so several workers and a reader can share an archive.
 * All strings passed in are borrowed; everything returned is owned by the
 * caller and documented with its free function.
 */
#ifndef LUUTRU_CATALOG_H
#define LUUTRU_CATALOG_H

#include <stdint.h>

#include "luutru/doc.h"
#include "luutru/err.h"

/* The schema version this build writes (PRAGMA user_version): the number of
 * the last schemas/catalog/NNN-*.sql (the build checks it). */
#define LT_CATALOG_VERSION 18

struct lt_catalog;

enum lt_catalog_mode {
	LT_CATALOG_READ,     /* read-only (search, show); must exist: LT_ENOTFOUND otherwise */
	LT_CATALOG_WRITE,    /* read-write; must exist */
	LT_CATALOG_CREATE,   /* read-write; creates the archive directory and catalog if missing */
};

/* A document claimed by this many runs that never finished it (each killed
 * while processing it) is failed rather than claimed again. */
#define LT_MAX_ATTEMPTS 3

/* Opens ARCHIVE/catalog.sqlite, bringing its schema up to date (WRITE and
 * CREATE; READ refuses an older catalog with a "needs upgrading" LT_EDB).
 * Returns: *out owned, close with lt_catalog_close(). */
int lt_catalog_open(const char *archive_dir, enum lt_catalog_mode mode,
		    struct lt_catalog **out, struct lt_err *err);
void lt_catalog_close(struct lt_catalog *cat);

/* The agent recorded on events: "luutru 0.1.0". Static. */
const char *lt_catalog_agent(void);

/* ---- ingest ---- */

/* Records the start of an ingest of `inbox`; *batch_id for lt_catalog_add_document. */
int lt_catalog_add_batch(struct lt_catalog *cat, const char *inbox, int64_t *batch_id,
			 struct lt_err *err);

/* Looks a document id up: *state set and 1 returned in *found if known. */
int lt_catalog_find(struct lt_catalog *cat, const char *id, int *found,
		    enum lt_doc_state *state, struct lt_err *err);

/* Queues a new document with its sources and pages and an "ingested" event,
 * in one transaction. If the id is already there (another ingest got there
 * first) nothing changes and *added is 0. In the same transaction, documents
 * from the same origin (folder or file) with other content that were never
 * archived (queued or failed) become superseded, with an event naming
 * doc->id; *superseded (may be NULL) says how many. */
int lt_catalog_add_document(struct lt_catalog *cat, int64_t batch_id, const struct lt_doc *doc,
			    int *added, int *superseded, struct lt_err *err);

/* A failed or superseded document goes back to the queue (attempts reset,
 * failure cleared) with a "requeued" event, its origin and source paths taken
 * from `scanned` (the same scans, found again, perhaps elsewhere), and its
 * metadata from scanned->meta when that holds any field; its
 * unfinished siblings from that origin are superseded as by
 * lt_catalog_add_document(). *requeued is 0 if it was in another state. */
int lt_catalog_retry(struct lt_catalog *cat, const struct lt_doc *scanned, int *requeued,
		     int *superseded, struct lt_err *err);

/* The id of the newest document ingested from `origin` (a folder or file
 * path), if any: *found set to 1 and id filled. */
int lt_catalog_find_origin(struct lt_catalog *cat, const char *origin, int *found,
			   char id[LT_DOC_ID_LEN + 1], struct lt_err *err);

/* Replaces document doc_id's metadata rows with m's fields (each with its
 * source, origin, rule, confidence, confirmation, and a folded copy of its
 * value for search). Inside the caller's transaction when one is open (a
 * correction's), else in one of its own. Ingest records the values given;
 * lt_catalog_archive() records doc->meta whole (extracted values too). */
int lt_catalog_save_meta(struct lt_catalog *cat, const char *doc_id, const struct lt_meta *m,
			 struct lt_err *err);

/* ---- run ---- */

/* Puts documents left "processing" by a crashed run back in the queue, or
 * fails those claimed LT_MAX_ATTEMPTS times (they may be what crashes runs).
 * forgive: the run was stopped on purpose (a signal), so this attempt does
 * not count against them. Call only while holding the archive's run lock. */
int lt_catalog_requeue_interrupted(struct lt_catalog *cat, int forgive, int *requeued,
				   int *given_up, struct lt_err *err);

/* How the run that left documents processing ended, as the next run finds
 * it (runner.c): stopped on purpose (run.stopping), crashed (a fault signal
 * recorded which documents' threads faulted), or killed from outside with
 * no trace (SIGKILL, the OOM killer, a power cut). */
enum lt_run_end { LT_RUN_END_STOPPED, LT_RUN_END_CRASHED, LT_RUN_END_KILLED };

/* As lt_catalog_requeue_interrupted(), but only a crash is counted against a
 * document: STOPPED and KILLED count against none; CRASHED against the ids
 * found in `crashed` (the ids that faulted, any separator; borrowed), or
 * against every document in hand when crashed is NULL or holds a '?' (a
 * thread with no document faulted). */
int lt_catalog_requeue_dead_run(struct lt_catalog *cat, enum lt_run_end how, const char *crashed,
				int *requeued, int *given_up, struct lt_err *err);

/* Claims the next queued document (queued -> processing, attempts + 1, a
 * "claimed" event naming the attempt) and
 * loads its sources and pages: fewest attempts first, then oldest. A suspect
 * (in hand when two runs died) is only claimed when nothing else is in hand,
 * and nothing is claimed beside it, so a scan that crashes runs reaches
 * LT_MAX_ATTEMPTS alone and takes no innocent neighbour with it. The
 * document's metadata (the values given at ingest) is in doc->meta. *doc is NULL when nothing can be
 * claimed now: *wait is then 1 if queued documents remain for later.
 * Returns: *doc owned, free with lt_doc_free(). */
int lt_catalog_claim(struct lt_catalog *cat, struct lt_doc **doc, int *wait, struct lt_err *err);

/* One transaction: the document (processing, or archived with an older
 * bundle) becomes archived with its page texts (and their full-text
 * entries), its metadata (doc->meta replaces what the catalog held), its
 * bundle, the bundle's files, doc->events and an "archived" event. Bundle rows are immutable: doc->bundle.version must be exactly
 * lt_catalog_latest_bundle_version() + 1 (LT_EINTERNAL otherwise), and a
 * doc->bundle.path already recorded is refused (LT_EDB naming the path), never
 * replaced. On any error nothing changes. */
int lt_catalog_archive(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err);

/* The ingest batch document id came in with (batches.id); 0 when it has
 * none (a rebuilt document) or is not in the catalog. */
int lt_catalog_document_batch(struct lt_catalog *cat, const char *id, int64_t *batch,
			      struct lt_err *err);

/* The newest bundle version recorded for document id, 0 if it has none:
 * a new bundle gets *version + 1, and a bundle file of that version already
 * on disk was left by a run that crashed before its commit. */
int lt_catalog_latest_bundle_version(struct lt_catalog *cat, const char *id, int *version,
				     struct lt_err *err);

/* The document (processing) becomes failed with `reason`; a "failed" event
 * names the stage. */
int lt_catalog_fail(struct lt_catalog *cat, const char *id, const char *stage,
		    const char *reason, struct lt_err *err);

/* A document whose run was interrupted by a run-wide error (disk full) goes
 * back to queued (processing only), its attempt not counted against it, with
 * a "requeued" event saying why. */
int lt_catalog_requeue(struct lt_catalog *cat, const char *id, struct lt_err *err);
/* The same with the reason for the event: `why`, e.g. "disk full: ...". */
int lt_catalog_requeue_because(struct lt_catalog *cat, const char *id, const char *why,
			       struct lt_err *err);

/* ---- retrieval ---- */

/* Resolves a full id or a unique prefix (at least 4 characters, in any
 * case: ids are lower-case hex) to an id.
 * LT_ENOTFOUND if none matches, LT_EUSAGE if several do or it cannot be an id. */
int lt_catalog_resolve(struct lt_catalog *cat, const char *id_or_prefix,
		       char id[LT_DOC_ID_LEN + 1], struct lt_err *err);

/* Loads a document with sources, pages (with text), metadata (doc->meta),
 * newest bundle (with its files) and events. Returns: *doc owned, free with lt_doc_free(). */
int lt_catalog_load(struct lt_catalog *cat, const char *id, struct lt_doc **doc,
		    struct lt_err *err);

/* What to look for (`luutru search`). Every string is borrowed and may be
 * NULL (no such filter); the filters are ANDed. */
struct lt_search {
	const char *text;        /* what a person typed (fts.h's query language); NULL
				  * or "": a query of the filters alone */
	const char *type;        /* typeName code, "03" (the caller resolves names) */
	const char *from, *to;   /* issuedDate bounds, inclusive: YYYY, YYYY-MM or
				  * YYYY-MM-DD (a partial bound takes its whole year or month) */
	const char *organ;       /* words of organName, folded as lt_text_fold() folds */
	const char *number;      /* a document number however typed: "05-CT/TW", "5",
				  * "CT/TW", "1127 QĐ UBND": codeNumber and codeNotation */
	int64_t batch;           /* ingest batch id; 0: any */
	const char *language;    /* a language code of the metadata ("01"), or an OCR
				  * language of the pages ("vie") */
	const char *state;       /* "archived" (NULL: the default), "queued", "failed",
				  * "processing", or "review" (archived, a page flagged) */
	int pages;               /* page hits; else one hit per document */
	int limit, offset;       /* the window of hits shown (limit < 1: 1) */
	int include_secret;      /* also documents with a secrecy level */
	/* How a query of text and filters is run: LT_PLAN_AUTO (0) picks by
	 * how many documents pass the filters; the others force one plan
	 * (all give the same hits: the tests compare them). MATCH_CHECKED
	 * walks the matches checking each filter per document, never through
	 * a list of the filter's documents. */
	int plan;
};
enum { LT_PLAN_AUTO, LT_PLAN_MATCH_FIRST, LT_PLAN_FILTER_FIRST, LT_PLAN_MATCH_CHECKED };

/* At most this many of a document's best pages in a document hit. */
#define LT_HIT_MAX_PAGES 5

struct lt_hit {
	char document[LT_DOC_ID_LEN + 1];
	int page;        /* best page; 0 for a query of filters alone */
	int pages[LT_HIT_MAX_PAGES]; /* document hits: the best pages, best first */
	int n_pages;
	int matching_pages; /* document hits: how many of its pages match */
	char *label;     /* owned */
	char *snippet;   /* owned; matches wrapped in \x01 \x02 (LT_HIT_MARK_*); NULL
			  * for a query of filters alone */
	double score;    /* higher is better (negated bm25); 0 without text */
	int exact;       /* the words typed with diacritics are on the page so spelt */
	char *state;     /* owned */
	/* The document's metadata, owned, NULL when it has none: */
	char *type, *type_label, *number, *notation, *issued, *organ, *subject;
};

/* Where a match starts and ends in hit->snippet: bytes that never occur in
 * page text (OCR emits no control characters). */
#define LT_HIT_MARK_OPEN '\x01'
#define LT_HIT_MARK_CLOSE '\x02'

/* The hits of q, best first: pages with the words spelt as typed first
 * (exact), then by bm25 score, then by document id and page; without text,
 * by document id. limit/offset apply after that order, so "exact first"
 * holds for every window. Matching ignores case, diacritics, đ/d and
 * leading zeros of numbers. Only the hits returned get a snippet.
 * Returns: *hits owned, free with lt_hits_free(*hits, *n). */
int lt_catalog_find_hits(struct lt_catalog *cat, const struct lt_search *q, struct lt_hit **hits,
			 size_t *n, struct lt_err *err);

/* How many documents (pages with q->pages) match q; limit/offset ignored.
 * bound > 0 stops counting past it: *count is then bound + 1, "more than
 * bound" (counting walks every match: seconds for a common word at a
 * million pages); 0 counts them all. */
int lt_catalog_count_hits(struct lt_catalog *cat, const struct lt_search *q, int64_t bound,
			  int64_t *count, struct lt_err *err);

/* Full-text search over archived pages, at most `limit` page hits, secret
 * documents left out: lt_catalog_find_hits() with text and pages set, the
 * matches in the snippets wrapped in [ ]. */
int lt_catalog_search(struct lt_catalog *cat, const char *query, int limit,
		      struct lt_hit **hits, size_t *n, struct lt_err *err);
void lt_hits_free(struct lt_hit *hits, size_t n);

/* The metadata key whose presence makes a document secret (the profile's
 * secrecy.key): search leaves such documents out unless asked. */
#define LT_SECRECY_KEY "secrecyLevel"

/* lt_catalog_search() with secret documents when include_secret is set. */
int lt_catalog_search_with(struct lt_catalog *cat, const char *query, int limit, int include_secret,
			   struct lt_hit **hits, size_t *n, struct lt_err *err);

struct lt_status {
	int64_t documents[LT_N_STATES]; /* indexed by enum lt_doc_state */
	int64_t pages[LT_N_STATES];
	int64_t bundles;
	int64_t bundle_bytes;
	int64_t pages_to_review;        /* flagged pages of archived documents (`luutru review`) */
};

int lt_catalog_status(struct lt_catalog *cat, struct lt_status *st, struct lt_err *err);

/* Calls fn for each document in `state`, oldest first, up to limit (0: all).
 * The strings passed to fn are borrowed for the call. */
int lt_catalog_each_in_state(struct lt_catalog *cat, enum lt_doc_state state, int limit,
			     void (*fn)(void *ud, const char *id, const char *label,
					const char *failure, int pages),
			     void *ud, struct lt_err *err);

/* A page flagged for a person to check (blank, low confidence, garbage,
 * recognition stopped): archived like any other, listed by `luutru review`.
 * Strings borrowed for the callback's call. */
struct lt_review_item {
	const char *document;
	const char *label;
	int page;
	double quality;      /* 0-1; -1 unknown */
	const char *reason;
};

/* Calls fn for each flagged page of archived documents, oldest document
 * first, then by page, up to limit (0: all). */
int lt_catalog_each_review(struct lt_catalog *cat, int limit,
			   void (*fn)(void *ud, const struct lt_review_item *item), void *ud,
			   struct lt_err *err);

/* ---- health (catalog_health.c): keeping searches fast as the archive grows ---- */

/* What lt_catalog_maintain() did. */
struct lt_upkeep {
	int merge_steps;      /* FTS5 'merge' commands that found work */
	int finished;         /* 1: no merge work left; 0: stopped at the time budget */
	double seconds;
};

/* After a run or a bulk load that added pages: merges the full-text
 * index's small segments (FTS5 'merge', one short transaction per step,
 * so a concurrent run or search waits milliseconds, never the whole
 * upkeep) until each level holds one segment or budget_seconds have passed
 * (<= 0: no limit), then refreshes the query planner's statistics
 * (bounded ANALYZE, PRAGMA optimize). full: merge the whole index into one
 * segment instead (FTS5 'optimize': rewrites it all, for a bulk load).
 * Safe to call at any time; *report may be NULL. */
int lt_catalog_maintain(struct lt_catalog *cat, int full, double budget_seconds,
			struct lt_upkeep *report, struct lt_err *err);

/* The end of a run that archived `pages` pages: opens the archive's catalog
 * and maintains it within a budget that grows with the batch. The run's
 * results are committed already, so a failure here is only a warning on
 * stderr (naming the catalog and the reason): the next run tries again. */
void lt_catalog_maintain_after_run(const char *archive_dir, int64_t pages);

/* ---- fixity (catalog_fixity.c, `luutru verify`) ---- */

/* A bundle as the catalog recorded it, with its last fixity check. */
struct lt_bundle_ref {
	int64_t id;                        /* bundles.id */
	char document[LT_DOC_ID_LEN + 1];
	struct lt_bundle bundle;           /* path, version, size, sha256, created, files */
	char verified_at[32];              /* UTC, "" if never checked */
	int verified_ok;                   /* 1 passed, 0 failed, -1 never checked */
};

/* The bundles to check, the ones checked longest ago first (never checked
 * before all), each with its files. doc_id: only that document's bundles
 * (every version), NULL: all. checked_before: only bundles never checked,
 * checked before that UTC time ("2026-11-01T00:00:00Z") or whose last check
 * failed; NULL: all.
 * Returns: *refs owned, free with lt_bundle_refs_free(*refs, *n). */
int lt_catalog_bundles_to_verify(struct lt_catalog *cat, const char *doc_id,
				 const char *checked_before, struct lt_bundle_ref **refs, size_t *n,
				 struct lt_err *err);
void lt_bundle_refs_free(struct lt_bundle_ref *refs, size_t n);

/* One transaction: bundle ref->id's last check becomes (at_utc, ok) and
 * its document gets a "fixity" event (outcome success or failure, this
 * agent, `detail`). The document's state does not change: a check is not a
 * transition. */
int lt_catalog_record_fixity(struct lt_catalog *cat, const struct lt_bundle_ref *ref, int ok,
			     const char *at_utc, const char *detail, struct lt_err *err);

/* The last check of the bundle at path (relative to the archive): at_utc
 * "" and *ok -1 if never checked. */
int lt_catalog_bundle_fixity(struct lt_catalog *cat, const char *path, char at_utc[32], int *ok,
			     struct lt_err *err);

/* Every bundle path the catalog knows. Returns: *paths owned, *n of them;
 * free each and the array. */
int lt_catalog_bundle_paths(struct lt_catalog *cat, char ***paths, size_t *n, struct lt_err *err);

/* ---- replicas (catalog_replica.c; the copying is replica.h's) ---- */

/* Every bundle recorded, every version of every document, by document and
 * version; or only those of document `id` when id is not NULL. Files are
 * not loaded (n_files 0): for copying, not for verifying (that is
 * lt_catalog_bundles_to_verify(), the same listing with files).
 * Returns: *refs owned, free with lt_bundle_refs_free(*refs, *n). */
int lt_catalog_bundles(struct lt_catalog *cat, const char *id, struct lt_bundle_ref **refs,
		       size_t *n, struct lt_err *err);

/* A second copy of the archive, as the catalog remembers it. */
struct lt_replica {
	int64_t id;
	char *path;              /* absolute, owned */
	char added[32];          /* first replicate to it */
	char last_sync[32];      /* end of the last complete replicate; "" if none */
	int64_t copied;          /* bundles the last replicate copied */
	int64_t problems;        /* bundles the last replicate could not copy or found damaged */
	int64_t held;            /* catalog bundles verified on it */
	int64_t behind;          /* catalog bundles it does not hold (now, not at its last sync) */
};

/* The replica at `path` (absolute), recorded now if new: *id its row. */
int lt_catalog_replica_add(struct lt_catalog *cat, const char *path, int64_t *id,
			   struct lt_err *err);

/* Records that replica `replica` holds (held 1, verified at `at`) or does
 * not hold (held 0) the bundle at bundle_path (relative, as in bundles).
 * An unknown bundle path is LT_ENOTFOUND. */
int lt_catalog_replica_mark(struct lt_catalog *cat, int64_t replica, const char *bundle_path,
			    int held, const char *at, struct lt_err *err);

/* A replicate to `replica` finished at `at`, having copied `copied` bundles
 * and met `problems`. */
int lt_catalog_replica_synced(struct lt_catalog *cat, int64_t replica, const char *at,
			      int64_t copied, int64_t problems, struct lt_err *err);

/* Every replica recorded, oldest first, with how far behind each is now: for
 * `status`, and for a repair looking for a good copy.
 * Returns: *out owned, free with lt_replicas_free(*out, *n). */
int lt_catalog_replicas(struct lt_catalog *cat, struct lt_replica **out, size_t *n,
			struct lt_err *err);
void lt_replicas_free(struct lt_replica *replicas, size_t n);

/* A consistent copy of the whole catalog, taken with SQLite's online backup
 * API while others may be writing, into dst (a new file in rollback-journal
 * mode: one file to carry away). dst is written under a temporary name in
 * its folder, fsync'ed and renamed over any older snapshot; the folder is
 * fsync'ed. On error dst is as it was. */
int lt_catalog_snapshot(struct lt_catalog *cat, const char *dst, struct lt_err *err);

/* Records a PREMIS "repair" event for document id: outcome "success" or
 * "failure", detail saying which bundle, from where, and why. */
int lt_catalog_record_repair(struct lt_catalog *cat, const char *id, const char *outcome,
			     const char *detail, struct lt_err *err);
/* ---- entries an inbox ingest left out (catalog_skipped.c, `status --skipped`) ---- */

/* An inbox entry that is no page of a queued document: skipped, or a
 * rejected document (kind "rejected"). All strings borrowed. */
struct lt_skipped {
	const char *path;        /* absolute */
	const char *kind;        /* lt_skip_kind_name() (inbox.h), or "rejected" */
	const char *reason;
	int warning;             /* 1: it may be a page someone expects archived */
	/* Filled by lt_catalog_each_skipped only (ignored when recording): */
	const char *inbox;
	const char *first_seen;  /* ISO 8601, local time like events */
	const char *last_seen;
};

/* One transaction: what the ingest of `inbox` (its resolved absolute path)
 * left out becomes exactly items[0..n): rows of earlier ingests of this
 * inbox that are not among them are removed (renamed, fixed, ingested
 * since); those still there keep their first_seen. A path given twice is
 * recorded once. */
int lt_catalog_record_skipped(struct lt_catalog *cat, const char *inbox,
			      const struct lt_skipped *items, size_t n, struct lt_err *err);

/* How many entries are recorded as left out, and how many of them warn. */
int lt_catalog_count_skipped(struct lt_catalog *cat, int64_t *total, int64_t *warnings,
			     struct lt_err *err);

/* Calls fn for each recorded entry, by inbox and then path, up to limit
 * (0: all). The struct and its strings are borrowed for the call. */
int lt_catalog_each_skipped(struct lt_catalog *cat, int limit,
			    void (*fn)(void *ud, const struct lt_skipped *s), void *ud,
			    struct lt_err *err);

/* ---- rebuild (catalog_rebuild.c): a catalog made from the bundles alone ---- */

/* One transaction, into a catalog that does not know doc->id (LT_EDB naming
 * it otherwise): the document enters archived through state.h's
 * (new) -> archived move by LT_BY_REBUILD - its row (label, origin, lang,
 * created; no batch), its sources, its pages with their text and full-text
 * entries, doc->events in order, bundles[0..n_bundles) (ascending versions,
 * each with its files; gaps allowed where a version was left out), and last
 * the move's "archived" event naming the last bundle, as a run's commit
 * names it; doc->meta as the metadata rows. created is the document's first ingest time (ISO 8601).
 * On any error nothing changes. */
int lt_catalog_rebuild_add(struct lt_catalog *cat, const struct lt_doc *doc, const char *created,
			   const struct lt_bundle *bundles, size_t n_bundles, struct lt_err *err);

/* Checkpoints the write-ahead log into the catalog file and leaves WAL mode,
 * so that the one file holds everything and can be renamed into place (the
 * next writer switches WAL back on). Only with no other connection open. */
int lt_catalog_rebuild_seal(struct lt_catalog *cat, struct lt_err *err);

#endif
