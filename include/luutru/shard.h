/* shard.h - many machines: a plan of shards, their work lists, a shard's
 * run and its journal, and merging them back into the archive.
 *
 * The catalog stays on one machine (SQLite is not safe over NFS); the nodes
 * see only a plan folder on shared storage:
 *
 *   DIR/plan.json            {"plan", "tasks", "archive", "created",
 *                             "shards": [{"task", "documents", "pages"}]}
 *   DIR/K/worklist.json      shard K's documents, self-contained (below)
 *   DIR/K/journal.jsonl      one line per finished document (below)
 *   DIR/K/bundles/ab/<id>.tar the shard's bundles, at the path they get in
 *                            the archive (layout.h), fsync'ed and renamed
 *   DIR/K/DONE               every document of the shard has a journal line
 *
 * worklist.json: {"plan", "task", "organization" (or null), "documents":
 * [document record]} where a document record is the document as the catalog
 * holds it when leased: {"id", "label", "origin", "lang", "attempts",
 * "batch", "bundle_version" (the version its bundle will be), "sources":
 * [{"path", "sha256", "size", "page_count", "format"}], "pages": [{"number",
 * "source", "index"}], "events": [...], "fields": {TT05 key: {...}}} (the
 * fields as in metadata.json, rebuild.h). A journal line is
 * {"id", "outcome": "archived", "document": record} with the pages' results
 * (text, sizes, quality, review, technical ...) and "bundle": {"version",
 * "path", "size", "sha256", "created", "files": [{"path", "size",
 * "sha256"}]} — every row the commit stage writes — or {"id", "outcome":
 * "failed", "stage", "reason"}. Strings that are not UTF-8 (a scan's path)
 * go as their bytes in hex under KEY_hex.
 */
#ifndef LUUTRU_SHARD_H
#define LUUTRU_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "luutru/doc.h"
#include "luutru/err.h"

struct lt_catalog;

#define LT_SHARD_PLAN_FILE "plan.json"
#define LT_SHARD_WORKLIST  "worklist.json"
#define LT_SHARD_JOURNAL   "journal.jsonl"
#define LT_SHARD_DONE      "DONE"
/* More tasks than this is a mistake, not a cluster. */
#define LT_SHARD_MAX_TASKS 100000

/* ---- document records (the worklist's and the journal's) ---- */

/* doc as a JSON record (owned json_t *, as a void * so that this header
 * needs no jansson); results: with the pages' results and the bundle.
 * NULL on out-of-memory. */
void *lt_shard_doc_json(const struct lt_doc *doc, int results);
/* A record back into a new document. LT_EINPUT naming `what` when it is not
 * one. Returns: *out owned, lt_doc_free(). */
int lt_shard_doc_parse(const void *json, const char *what, struct lt_doc **out, struct lt_err *err);

/* ---- the plan ---- */

struct lt_shard_size {
	int documents;
	int64_t pages;
};

struct lt_plan {
	char id[64];
	int tasks;
	char *archive;                 /* absolute, owned */
	char *dir;                     /* absolute, owned (not in plan.json: where it was read) */
	char created[32];
	struct lt_shard_size *shards;  /* tasks of them, owned */
};

void lt_plan_release(struct lt_plan *plan);
/* Reads DIR/plan.json. LT_ENOTFOUND when there is none, LT_EINPUT naming
 * the file when it is not a plan. Fills *plan (release it). */
int lt_plan_read(const char *dir, struct lt_plan *plan, struct lt_err *err);

/* What `luutru shard` did: the plan it wrote (release it). */
struct lt_shard_opts {
	const char *archive;       /* the archive's directory */
	const char *dir;           /* DIR: created if missing; must hold no plan */
	int tasks;
	const char *organization;  /* for the bundles (bag-info, METS, PREMIS); may be NULL */
};

/* Leases every queued document (not leased already) into opts->tasks
 * shards balanced by page count (longest first into the lightest shard),
 * writes DIR/plan.json and DIR/K/worklist.json (each written under a
 * temporary name, fsync'ed, renamed), and records the plan and the leases
 * in one transaction, while holding the catalog's write lock from the
 * listing to the commit (so a local run cannot claim a document in
 * between). An empty queue is LT_ENOTFOUND and creates nothing; a DIR
 * holding a plan is LT_EINPUT. On failure nothing is leased and the files
 * written are removed. */
int lt_shard_plan(struct lt_catalog *cat, const struct lt_shard_opts *opts, struct lt_plan *plan,
		  struct lt_err *err);

/* `shard --cancel DIR`: the plan's documents not yet merged (leased) go back
 * to the queue, and the plan is closed as cancelled. *returned counts
 * them. LT_ENOTFOUND for a plan the catalog does not know; a closed plan
 * returns nothing (LT_OK, 0). */
int lt_shard_cancel(struct lt_catalog *cat, const char *dir, int *returned, struct lt_err *err);

/* ---- a shard's run (no catalog) ---- */

struct lt_shard_run;

/* Opens shard folder DIR/K for a run: reads its work list and journal.
 * Returns: *out owned, lt_shard_run_free(). */
int lt_shard_run_open(const char *shard_dir, struct lt_shard_run **out, struct lt_err *err);
/* Under DIR/K's run lock, before the first document (runner.c): reads the
 * journal again, cuts off a line cut short by a kill, opens it for
 * appending, and removes bundles under DIR/K/bundles that no journal line
 * names (a kill between a bundle's rename and its line: the document is
 * done again). */
int lt_shard_run_recover(struct lt_shard_run *sr, struct lt_err *err);
void lt_shard_run_free(struct lt_shard_run *sr);

/* Documents and pages left to do (no journal line yet). */
void lt_shard_run_left(const struct lt_shard_run *sr, int *documents, int *pages);
/* The organization the plan named (borrowed), or NULL. */
const char *lt_shard_run_organization(const struct lt_shard_run *sr);

/* The next document with no journal line, as the catalog had it (the
 * runner's claim); *doc NULL when none is left. Thread-safe.
 * Returns: *doc owned, lt_doc_free(). */
int lt_shard_run_next(struct lt_shard_run *sr, struct lt_doc **doc, struct lt_err *err);

/* The detail of the "claimed" event of a shard's document: "attempt N (plan
 * P, shard K)", in the bundle's history and in the catalog alike. */
void lt_shard_claim_detail(int attempt, const char *plan_id, int task, char out[160]);

/* What the package stage asks the catalog for, from the work list: the
 * version the bundle gets, the ingest batch and the document as known
 * before this run (its history and sources). LT_ENOTFOUND if id is not in
 * the shard. *known borrowed for the run's life. */
int lt_shard_run_document(struct lt_shard_run *sr, const char *id, int *version, int64_t *batch,
			  const struct lt_doc **known, struct lt_err *err);

/* Appends doc's journal line and fsyncs it: archived (the commit stage;
 * the bundle is installed already) or failed with stage and reason.
 * Thread-safe. */
int lt_shard_run_archived(struct lt_shard_run *sr, const struct lt_doc *doc, struct lt_err *err);
int lt_shard_run_failed(struct lt_shard_run *sr, const struct lt_doc *doc, const char *stage,
			const char *reason, struct lt_err *err);

/* After the run: writes DIR/K/DONE (fsync'ed) when every document of the
 * work list has a journal line; *done says whether it did. */
int lt_shard_run_finish(struct lt_shard_run *sr, int *done, struct lt_err *err);

/* ---- merge ---- */

enum lt_merge_outcome {
	LT_MERGE_ARCHIVED,  /* bundle verified, moved into the archive, rows committed */
	LT_MERGE_FAILED,    /* the shard failed it: failed in the catalog with its reason */
	LT_MERGE_REFUSED,   /* bundle failed verification: back in the queue with the reason */
};

/* Told of each document merge settles (all borrowed for the call). */
typedef void (*lt_merge_fn)(void *ud, enum lt_merge_outcome what, int task, const char *id,
			    const char *label, const char *why);

struct lt_merge_report {
	int archived, failed, refused;
	int skipped;             /* journal lines settled by an earlier merge */
	int pages;               /* pages archived */
	int tasks;               /* shards in the plan */
	int shards_done;         /* shards with DONE */
	int pending;             /* leased documents without a journal line yet */
	int closed;              /* 1: the plan is closed now (every shard done and merged) */
	double seconds;
};

/* Merges plan folder DIR into the archive cat belongs to (archive: its
 * directory): for each shard, each complete journal line whose document is
 * still leased to the plan: an archived line's bundle is verified
 * (lt_verify_bundle(): size, digest, every file against the line's list,
 * the bag sound and the document's; each page's text against the bundle's
 * digest of it), moved (or copied, across file systems) into the archive
 * without replacing anything, and committed with the line's rows in one
 * transaction; a failed line fails the document; a bundle that does not
 * verify is left where it is, and its document goes back to the queue with
 * the reason. Idempotent and resumable: a document settled before is
 * skipped. When every shard is DONE and no document is leased any more,
 * the plan is closed. A plan closed as merged merges nothing (report->closed
 * 1); a cancelled one is LT_EINPUT. One merge of a plan at a time
 * (DIR/merge.lock; another is LT_EBUSY). Errors of the catalog or
 * the disk stop the merge (what was merged stays merged). */
int lt_shard_merge(struct lt_catalog *cat, const char *archive, const char *dir, lt_merge_fn fn,
		   void *ud, struct lt_merge_report *report, struct lt_err *err);

/* ---- plans in flight, for status ---- */

struct lt_plan_progress {
	int task;
	int documents, pages;
	int leased, merged, failed, refused;
	int done;                /* DIR/K/DONE exists */
};

struct lt_plan_status {
	char id[64];
	char *dir;               /* owned */
	char created[32];
	int tasks;
	struct lt_plan_progress *shards; /* tasks of them, owned */
};

/* The plans not closed, oldest first. Returns: *plans owned, free with
 * lt_plan_statuses_free(*plans, *n). A catalog before schema 12 has none. */
int lt_catalog_plans_in_flight(struct lt_catalog *cat, struct lt_plan_status **plans, size_t *n,
			       struct lt_err *err);
void lt_plan_statuses_free(struct lt_plan_status *plans, size_t n);

/* ---- catalog_shard.c: the rows (used by the functions above) ---- */

/* A queued document not leased, for planning: id and page count. */
struct lt_lease_item {
	char id[LT_DOC_ID_LEN + 1];
	int pages;
	int task;                /* filled by the planner */
};

/* Opens the transaction a plan is made in (BEGIN IMMEDIATE: a run cannot
 * claim between the listing and the leases); every call ends with
 * lt_catalog_plan_end(). */
int lt_catalog_plan_begin(struct lt_catalog *cat, struct lt_err *err);
int lt_catalog_plan_end(struct lt_catalog *cat, int rc, struct lt_err *err);
/* Inside it: every queued document not leased, most pages first.
 * Returns: *items owned, free(). */
int lt_catalog_leasable(struct lt_catalog *cat, struct lt_lease_item **items, size_t *n,
			struct lt_err *err);
/* Inside it: the plan's rows and the leases (items' tasks set). */
int lt_catalog_plan_record(struct lt_catalog *cat, const struct lt_plan *plan,
			   const struct lt_lease_item *items, size_t n, struct lt_err *err);

/* The plan's state in the catalog: *found 0 if unknown; *closed 0 in
 * flight, 1 closed as merged, 2 cancelled. */
int lt_catalog_plan_state(struct lt_catalog *cat, const char *plan_id, int *found, int *closed,
			  struct lt_err *err);
/* Whether document id is still leased to plan_id (not settled). */
int lt_catalog_plan_leased(struct lt_catalog *cat, const char *plan_id, const char *id, int *leased,
			   struct lt_err *err);
/* One transaction each: a shard's archived document (doc as its journal
 * line gives it, its bundle installed) committed as lt_catalog_archive()
 * does, after the claim the shard run made; a failed one failed; a refused
 * one back in the queue with why. The lease is cleared and the plan's row
 * settled in the same transaction. */
int lt_catalog_merge_archived(struct lt_catalog *cat, const char *plan_id, int task,
			      const struct lt_doc *doc, struct lt_err *err);
int lt_catalog_merge_failed(struct lt_catalog *cat, const char *plan_id, int task, const char *id,
			    const char *stage, const char *reason, struct lt_err *err);
int lt_catalog_merge_refused(struct lt_catalog *cat, const char *plan_id, int task, const char *id,
			     const char *why, struct lt_err *err);
/* Closes the plan (outcome "merged") if no document of it is leased. */
int lt_catalog_plan_close_if_merged(struct lt_catalog *cat, const char *plan_id, int *closed,
				    struct lt_err *err);
/* Every leased document of the plan back to the queue; the plan closed as
 * cancelled. */
int lt_catalog_plan_cancel(struct lt_catalog *cat, const char *plan_id, int *returned,
			   struct lt_err *err);
/* Queued documents leased to any plan, and their pages: a local run's
 * queue is the queued ones less these. */
int lt_catalog_leased(struct lt_catalog *cat, int64_t *documents, int64_t *pages,
		      struct lt_err *err);
/* Leased documents of the plan (not settled). */
int lt_catalog_plan_pending(struct lt_catalog *cat, const char *plan_id, int *pending,
			    struct lt_err *err);

#endif
