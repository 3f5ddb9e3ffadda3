/* ingest.h - the rules for taking scanned documents into the catalog, for
 * every front end (the ingest and batch commands, a web upload, a
 * spreadsheet import): what is new, what is known, what goes back in the
 * queue, and which unfinished predecessors a changed folder supersedes.
 *
 * Nothing here prints: outcomes are returned for the caller to report.
 */
#ifndef LUUTRU_INGEST_H
#define LUUTRU_INGEST_H

#include <stdint.h>

#include "luutru/doc.h"
#include "luutru/err.h"
#include "luutru/inbox.h"

struct lt_catalog;
struct lt_manifest;
struct lt_profile;

enum lt_ingest_result {
	LT_INGEST_QUEUED,    /* new in the catalog, queued */
	LT_INGEST_REQUEUED,  /* was failed (and retry asked) or superseded: queued again */
	LT_INGEST_KNOWN,     /* already there; left as it is */
	LT_INGEST_REJECTED,  /* (lt_ingest_inbox only) the inbox scan rejected it, or its
			      * metadata did (e->reason says why) */
	LT_INGEST_CHECKED,   /* (check only) it would be queued: its metadata is fine */
};

struct lt_ingest_outcome {
	enum lt_ingest_result result;
	/* KNOWN: its state now (read again after the decision, so a document a
	 * concurrent ingest added meanwhile shows as it is); REQUEUED: its
	 * state before. */
	enum lt_doc_state state;
	/* QUEUED, REQUEUED: unfinished documents from the same origin (folder or
	 * file) with other content that this one superseded. */
	int superseded;
	/* QUEUED: the origin was ingested before as document `before` with
	 * other content that was not superseded (it was archived, say): the new
	 * content is a document of its own. Worth telling the person. */
	int origin_seen_before;
	char before[LT_DOC_ID_LEN + 1];
	/* KNOWN with a spreadsheet row given this time: still queued, so the
	 * catalog's metadata was replaced by this ingest's (meta_updated), or
	 * past that, so it was not (meta_ignored: corrections are
	 * `luutru meta DOC --set`'s, which makes a new version). */
	int meta_updated;
	int meta_ignored;
};

/* One ingest: the catalog and the batch its new documents are recorded in.
 * The batch row is created on the first new document, so an ingest that
 * finds nothing new leaves no empty batch. */
struct lt_ingest {
	struct lt_catalog *cat;  /* borrowed, open read-write */
	const char *source;      /* borrowed: names the batch (the inbox folder) */
	int retry;               /* requeue failed documents found again */
	int64_t batch;           /* 0 until created */
};

/* Starts an ingest; nothing is written yet. */
void lt_ingest_init(struct lt_ingest *ing, struct lt_catalog *cat, const char *source, int retry);

/* Takes one scanned document (with its id computed, as lt_inbox_scan gives
 * it) into the catalog and says what became of it in *out. doc is borrowed.
 * Errors are run-scoped (the catalog): stop the ingest. */
int lt_ingest_document(struct lt_ingest *ing, const struct lt_doc *doc,
		       struct lt_ingest_outcome *out, struct lt_err *err);

/* ---- metadata given at ingest (the sources of meta.h above the page) ---- */

/* What an ingest is told about its documents, besides their scans. All
 * borrowed. */
struct lt_ingest_meta {
	const struct lt_profile *profile;  /* required when any of the rest is given */
	struct lt_manifest *manifest;      /* --manifest: rows get `matched`; may be NULL */
	const struct lt_meta *defaults;    /* --set and luutru.conf (defaults.h); may be NULL */
	int allow_refused_secrecy;         /* --allow-secret=tuyet-mat: take even what the
					    * profile's secrecy.refusedAtIngest lists */
	/* Told of a problem that refuses nothing: a spreadsheet row for a
	 * folder that is not in the inbox, a document with no row. May be
	 * NULL. msg borrowed for the call. */
	void (*warning)(void *ud, const char *msg);
	void *warning_ud;
};

/* The metadata a person gave for one inbox entry (path: its absolute path;
 * label: its folder or file name; folder: it is a folder), into *out
 * (empty), in order of precedence:
 *   1. PATH/metadata.json, for a folder: a JSON object of field name (TT05
 *      key, TT02 name or Vietnamese label) -> string or number
 *      (LT_META_SIDECAR, origin the file's path);
 *   2. the manifest's row for label (LT_META_MANIFEST, origin
 *      "FILE row N"), the row marked matched;
 *   3. im->defaults (LT_META_DEFAULT).
 * Each value validated and normalised by the profile. Then the secrecy
 * rules: any secret level makes mode 03 (a different mode given is an
 * error); a level the profile refuses at ingest (tuyet-mat) is an error
 * unless allowed; and the fields required at ingest (profile.h).
 * LT_EINPUT (the document is refused, the batch goes on) with a message
 * naming the file, row, column, value and rule; *out is then empty. */
int lt_ingest_describe(const struct lt_ingest_meta *im, const char *path, const char *label,
		       int folder, struct lt_meta *out, struct lt_err *err);

/* Counts of an inbox ingest. */
struct lt_ingest_totals {
	int queued;      /* QUEUED and REQUEUED */
	int known;
	int rejected;
	int superseded;  /* predecessors superseded, over all documents */
	size_t skipped;  /* entries that are not pages (files, folders, links) */
	size_t warnings; /* of those, the ones that may be pages someone expects archived */
	int checked;     /* check only: documents that would be queued */
	size_t meta_warnings; /* spreadsheet rows for no document, documents without a row */
};

/* Called as lt_ingest_inbox goes: each skipped file first, then each
 * document (e->doc is NULL and e->reason set for a rejected one). All
 * borrowed for the call. Either may be NULL. */
struct lt_ingest_report {
	void (*skipped)(void *ud, const struct lt_inbox_skip *skip);
	void (*document)(void *ud, const struct lt_inbox_entry *e, const struct lt_ingest_outcome *o);
	void *ud;
};

/* Scans inbox_dir (see lt_inbox_scan_with for opts, which may be NULL) and
 * ingests each document found, reporting each as it goes and counting in
 * *totals (zeroed first). Every entry of the inbox is accounted for: a page
 * of a document, a skipped entry or a rejected document. The skipped and
 * rejected ones are recorded in the catalog, before any document is queued,
 * as what this inbox's ingest left out (lt_catalog_record_skipped), so that
 * `status --skipped` lists them. Rejected documents are counted, not
 * errors. Errors are run-scoped: the inbox cannot be read, the catalog
 * fails; the documents reported before the error are in the catalog. */
int lt_ingest_inbox_with(struct lt_catalog *cat, const char *inbox_dir,
			 const struct lt_inbox_opts *opts, int retry,
			 const struct lt_ingest_report *report, struct lt_ingest_totals *totals,
			 struct lt_err *err);
/* The same, each document described first (lt_ingest_describe) when im is
 * not NULL: a document whose metadata is refused is rejected with that
 * reason, before anything is queued. With check set, nothing is written to
 * the catalog (cat may be NULL): each document is reported CHECKED or
 * REJECTED, so that every problem of a spreadsheet shows in one go. */
int lt_ingest_inbox_meta(struct lt_catalog *cat, const char *inbox_dir,
			 const struct lt_inbox_opts *opts, const struct lt_ingest_meta *im,
			 int retry, int check, const struct lt_ingest_report *report,
			 struct lt_ingest_totals *totals, struct lt_err *err);
/* The same with only min_age (links out of the inbox never followed). */
int lt_ingest_inbox(struct lt_catalog *cat, const char *inbox_dir, int min_age, int retry,
		    const struct lt_ingest_report *report, struct lt_ingest_totals *totals,
		    struct lt_err *err);

#endif
