/* catalog_rebuild.c - a document found in its bundles enters a new catalog
 * whole: row, sources, pages and texts, bundles, history, in one transaction.
 * Its state comes through state.h's table like every other move ((new) ->
 * archived by rebuild, written by catalog_state.c); rebuild.c decides what
 * goes in, this only writes it. */
#include "catalog_int.h"

#include <stdio.h>
#include <string.h>

#include "luutru/fsutil.h"

static void bind_real_or_null(sqlite3_stmt *st, int col, double v)
{
	if (v >= 0)
		sqlite3_bind_double(st, col, v);
	else
		sqlite3_bind_null(st, col);
}

/* Pages and their full-text entries: the index's rowid is the page's. */
static int insert_pages(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL, *idx = NULL, *xidx = NULL;
	int rc = lt_cat_prepare(cat, "INSERT INTO pages(document_id, number, source_seq, source_index, "
				"width, height, dpi, confidence, text, lang, preprocessing, quality, review, "
				"technical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, lt_text_pack(?), ?, ?, ?, ?, lt_meta_pack(?))", &st, err);

	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_PAGE_INDEX, &idx, err);
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_EXACT_INDEX, &xidx, err);
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, p->number);
		sqlite3_bind_int(st, 3, p->source + 1);
		sqlite3_bind_int(st, 4, p->index_in_source);
		sqlite3_bind_int(st, 5, p->width);
		sqlite3_bind_int(st, 6, p->height);
		sqlite3_bind_int(st, 7, p->dpi);
		bind_real_or_null(st, 8, p->confidence);
		sqlite3_bind_text(st, 9, p->text ? p->text : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, p->lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 11, p->preprocessing, -1, SQLITE_STATIC);
		bind_real_or_null(st, 12, p->quality);
		sqlite3_bind_text(st, 13, p->review, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 14, p->technical, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot add a page"), err);
		if (rc)
			break;
		sqlite3_int64 rowid = sqlite3_last_insert_rowid(cat->db);

		sqlite3_reset(idx);
		sqlite3_bind_int64(idx, 1, rowid);
		sqlite3_bind_text(idx, 2, p->text ? p->text : "", -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, idx, N_("cannot index a page's text"), err);
		if (!rc) {
			sqlite3_reset(xidx);
			sqlite3_bind_int64(xidx, 1, rowid);
			sqlite3_bind_text(xidx, 2, p->text ? p->text : "", -1, SQLITE_STATIC);
			rc = lt_cat_step_done(cat, xidx, N_("cannot index a page's text"), err);
		}
		if (!rc)
			rc = lt_cat_note_words(cat, p->text ? p->text : "", err);
	}
	sqlite3_finalize(st);
	lt_cat_put(idx);
	lt_cat_put(xidx);
	return rc;
}

int lt_catalog_rebuild_add(struct lt_catalog *cat, const struct lt_doc *doc, const char *created,
			   const struct lt_bundle *bundles, size_t n_bundles, struct lt_err *err)
{
	const struct lt_transition *t = NULL;
	struct lt_event archived = { 0 };
	char detail[512];
	int rc;

	if (n_bundles == 0 || !bundles[n_bundles - 1].path)
		return lt_err_set(err, LT_EINTERNAL, "document %s has no bundle to rebuild from", doc->id);
	for (size_t i = 1; i < n_bundles; i++)
		if (bundles[i].version <= bundles[i - 1].version)
			return lt_err_set(err, LT_EINTERNAL, "document %s: bundles not in ascending "
					  "versions (%d after %d)", doc->id, bundles[i].version,
					  bundles[i - 1].version);
	rc = lt_cat_begin(cat, err);
	if (!rc)
		rc = lt_cat_insert_rebuilt(cat, doc, created, &t, err);
	if (!rc)
		rc = lt_cat_insert_sources(cat, doc, err);
	if (!rc)
		rc = insert_pages(cat, doc, err);
	if (!rc && doc->meta.n)
		rc = lt_cat_save_meta(cat, doc->id, &doc->meta, err);
	for (size_t i = 0; !rc && i < doc->n_events; i++)
		rc = lt_cat_add_event(cat, doc->id, &doc->events[i], err);
	for (size_t i = 0; !rc && i < n_bundles; i++)
		rc = lt_cat_insert_bundle(cat, doc->id, &bundles[i], err);
	/* The move's own event, worded as the run's commit words it. */
	if (!rc) {
		snprintf(detail, sizeof(detail), "bundle version %d: %s", bundles[n_bundles - 1].version,
			 bundles[n_bundles - 1].path);
		archived.type = (char *)t->event;
		archived.outcome = (char *)t->outcome;
		archived.detail = detail;
		lt_now_iso8601(archived.at);
		rc = lt_cat_add_event(cat, doc->id, &archived, err);
	}
	rc = lt_cat_end(cat, rc, err);
	if (rc)
		lt_err_prefix(err, "rebuilding document %s: ", doc->id);
	return rc;
}

int lt_catalog_rebuild_seal(struct lt_catalog *cat, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_exec(cat, "PRAGMA wal_checkpoint(TRUNCATE)", err);

	/* Leaving WAL mode checkpoints and deletes the log: one file to rename.
	 * SQLite answers with the mode it is in, and stays in WAL if it cannot. */
	if (!rc)
		rc = lt_cat_prepare(cat, "PRAGMA journal_mode = DELETE", &st, err);
	if (!rc && (sqlite3_step(st) != SQLITE_ROW || strcmp(lt_cat_col_text(st, 0), "delete") != 0))
		rc = lt_cat_db_error(cat, err,
				     N_("cannot fold the write-ahead log into the new catalog"));
	sqlite3_finalize(st);
	return rc;
}
