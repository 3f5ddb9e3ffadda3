/* catalog_int.h - what the catalog_*.c files share, behind catalog.h.
 *
 *   catalog_open.c    connection, schema migrations, statement cache, helpers
 *   catalog_state.c   the only writer of documents.state (state.h's table)
 *   catalog_ingest.c  batches, new documents, retries, lookups by id/origin
 *   catalog_queue.c   claims, suspects, requeues, failures
 *   catalog_archive.c committing pages, bundles, files and events
 *   catalog_load.c    resolving ids, loading documents
 *   catalog_search.c  full-text search
 *   catalog_report.c  status counts, listings
 *   catalog_rebuild.c a document read back from its bundles (rebuild-catalog)
 *
 * Every write that belongs together is one transaction (lt_cat_begin ...
 * lt_cat_end), so a crash leaves the catalog at the last document boundary.
 * Writers take the lock up front (BEGIN IMMEDIATE) so two workers never
 * deadlock upgrading a read lock.
 */
#ifndef LUUTRU_CATALOG_INT_H
#define LUUTRU_CATALOG_INT_H

#include <sqlite3.h>

#include "luutru/catalog.h"
#include "luutru/i18n.h"
#include "luutru/state.h"

/* The migrations, compiled in by the Makefile from schemas/catalog/NNN-*.sql
 * (build/schemas.c), in order: entry i takes a catalog to version i + 1. */
struct lt_migration {
	int version;
	const char *sql;
};
extern const struct lt_migration lt_catalog_migrations[];
extern const int lt_catalog_n_migrations;

/* Statements kept prepared for the connection's life: the hot paths of a
 * run. lt_cat_stmt() hands one out reset, with no bindings; give it back
 * with lt_cat_put() so it holds no read snapshot. */
enum lt_cat_stmt {
	LT_ST_STATE_OF,      /* a document's state: moves, lt_catalog_find */
	LT_ST_MOVE,          /* UPDATE state (catalog_state.c only) */
	LT_ST_EVENT,         /* INSERT an event */
	LT_ST_CLAIM_IN_HAND, /* documents processing, most attempts */
	LT_ST_CLAIM_NEXT,    /* next queued document */
	LT_ST_CLAIM_COUNT,   /* attempts + 1 */
	LT_ST_LOAD_ROW,
	LT_ST_LOAD_SOURCES,
	LT_ST_LOAD_PAGES,
	LT_ST_PAGE_OLD,      /* archive: a page's row id and old text */
	LT_ST_PAGE_UNINDEX,  /* archive: old text out of the full-text index */
	LT_ST_PAGE_STORE,    /* archive: a page's results */
	LT_ST_PAGE_INDEX,    /* archive: new text into the full-text index */
	LT_ST_EXACT_UNINDEX, /* the same two for page_exact (015-compact-index.sql) */
	LT_ST_EXACT_INDEX,
	LT_ST_BUNDLE_LATEST,
	LT_ST_BUNDLE_ADD,
	LT_ST_FILE_ADD,
	LT_ST_WORD_ADD,      /* a word into page_words (catalog_search.c) */
	LT_N_STMTS
};

/* A sha256 column as 64 hex digits: files.sha256 (since
 * 015-compact-index.sql) and sources.sha256 (since 018-source-digests.sql)
 * are kept as 32 bytes (lt_sha256_pack). */
#define LT_CAT_SHA256_HEX \
	"CASE typeof(sha256) WHEN 'blob' THEN lower(hex(sha256)) ELSE sha256 END"

struct lt_catalog {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmts[LT_N_STMTS]; /* prepared on first use, finalized by lt_catalog_close */
	/* lt_cat_begin() calls made inside a transaction someone else opened (a
	 * bulk load's, bench/search): each is a savepoint, ended by lt_cat_end(). */
	int nested;
};

/* Lists text's words in page_words (013-search-compact.sql); called with
 * every text put into page_text. */
int lt_cat_note_words(struct lt_catalog *cat, const char *text, struct lt_err *err);

/* err gets "catalog 'PATH': what: SQLite's message", cause the SQLite code. */
int lt_cat_db_error(struct lt_catalog *cat, struct lt_err *err, const char *what);
int lt_cat_exec(struct lt_catalog *cat, const char *sql, struct lt_err *err);
/* A one-off statement: finalize it yourself. */
int lt_cat_prepare(struct lt_catalog *cat, const char *sql, sqlite3_stmt **st, struct lt_err *err);
/* A cached statement (see enum lt_cat_stmt): borrowed, give back with lt_cat_put(). */
int lt_cat_stmt(struct lt_catalog *cat, enum lt_cat_stmt which, sqlite3_stmt **st,
		struct lt_err *err);
void lt_cat_put(sqlite3_stmt *st);
/* Steps a statement that returns no row or one row we ignore. */
int lt_cat_step_done(struct lt_catalog *cat, sqlite3_stmt *st, const char *what, struct lt_err *err);
/* BEGIN IMMEDIATE; a savepoint when a transaction is open already. */
int lt_cat_begin(struct lt_catalog *cat, struct lt_err *err);
/* Commits if rc is LT_OK, else rolls back; returns the first failure. Every
 * lt_cat_begin() ends here. */
int lt_cat_end(struct lt_catalog *cat, int rc, struct lt_err *err);
/* A column's text, "" for NULL. Borrowed until the next step. */
const char *lt_cat_col_text(sqlite3_stmt *st, int col);

/* ---- catalog_state.c: the only writer of documents.state ---- */

/* Inside the caller's transaction: document id moves to `to` as `by`, if
 * state.h's table allows it from the state it is in now, and the row's
 * event is recorded with `detail` (may be NULL). Refused (LT_EINTERNAL,
 * nothing changed) otherwise; LT_ENOTFOUND if there is no such document. */
int lt_cat_move(struct lt_catalog *cat, const char *id, enum lt_doc_state to, enum lt_actor by,
		const char *detail, struct lt_err *err);

/* Inside the caller's transaction: doc's sources (catalog_ingest.c). */
int lt_cat_insert_sources(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err);

/* Inside the caller's transaction: bundle b of document id and its files
 * (catalog_archive.c). A path already recorded is LT_EDB naming it (cause
 * SQLITE_CONSTRAINT_UNIQUE): bundles are never replaced. */
int lt_cat_insert_bundle(struct lt_catalog *cat, const char *id, const struct lt_bundle *b,
			 struct lt_err *err);

/* Inside the caller's transaction: the (new) -> queued transition, inserting
 * the document row with its "ingested" event. *added is 0 (and nothing
 * recorded) if the id is there already. */
int lt_cat_insert_queued(struct lt_catalog *cat, int64_t batch_id, const struct lt_doc *doc,
			 const char *detail, int *added, struct lt_err *err);

/* Inside the caller's transaction: the (new) -> archived move of a
 * document rebuilt from its bundles (LT_BY_REBUILD): its row, in the state
 * the table says. *move is the transition, whose event the caller records
 * once the bundles are in (same transaction). LT_EDB if the id is there. */
int lt_cat_insert_rebuilt(struct lt_catalog *cat, const struct lt_doc *doc, const char *created,
			  const struct lt_transition **move, struct lt_err *err);

/* The bundles recorded, of document doc_id (NULL: all), as struct
 * lt_bundle_ref (catalog_fixity.c). to_verify: only those checked before
 * checked_before (NULL: all), longest-unchecked first, with their files;
 * else by document and version, files not loaded.
 * Returns: *refs owned, free with lt_bundle_refs_free(). */
int lt_cat_list_bundles(struct lt_catalog *cat, const char *doc_id, const char *checked_before,
			int to_verify, struct lt_bundle_ref **refs, size_t *n, struct lt_err *err);

/* Records one event for document id (doc->events of a run, and moves). */
int lt_cat_add_event(struct lt_catalog *cat, const char *id, const struct lt_event *e,
		     struct lt_err *err);

/* ---- catalog_meta.c ---- */

/* Inside the caller's transaction: doc_id's metadata rows become m's. */
int lt_cat_save_meta(struct lt_catalog *cat, const char *doc_id, const struct lt_meta *m,
		     struct lt_err *err);
/* doc->id's metadata rows into doc->meta (which should be empty). */
int lt_cat_load_meta(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err);

/* ---- catalog_load.c, shared with claims ---- */

int lt_cat_load_row(struct lt_catalog *cat, const char *id, struct lt_doc *doc, struct lt_err *err);
int lt_cat_load_sources_and_pages(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err);

#endif
