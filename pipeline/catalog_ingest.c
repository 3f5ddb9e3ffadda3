/* catalog_ingest.c - batches, new documents, documents coming back (retry),
 * and the lookups ingest makes (by id, by origin). */
#include "catalog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/fsutil.h"

int lt_catalog_add_batch(struct lt_catalog *cat, const char *inbox, int64_t *batch_id,
			 struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	lt_now_iso8601(now);
	rc = lt_cat_prepare(cat, "INSERT INTO batches(inbox, started) VALUES (?, ?)", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, inbox, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot record the batch"), err);
	}
	sqlite3_finalize(st);
	if (!rc)
		*batch_id = sqlite3_last_insert_rowid(cat->db);
	return rc;
}

int lt_catalog_find(struct lt_catalog *cat, const char *id, int *found,
		    enum lt_doc_state *state, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_stmt(cat, LT_ST_STATE_OF, &st, err);

	*found = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*found = 1;
		if (state && !lt_doc_state_parse(lt_cat_col_text(st, 0), state))
			rc = lt_err_set(err, LT_EDB, "document %s has an unknown state '%s'", id,
					lt_cat_col_text(st, 0));
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = lt_cat_db_error(cat, err, N_("cannot look a document up"));
	}
	lt_cat_put(st);
	return rc;
}

/* Inside the caller's transaction: see lt_catalog_add_document(). Every
 * sibling the state table lets `by` supersede is; the others stay. */
static int supersede_others(struct lt_catalog *cat, const struct lt_doc *doc, enum lt_actor by,
			    int *count, struct lt_err *err)
{
	struct lt_buf ids = LT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	char detail[96];
	int rc, s = SQLITE_DONE;

	*count = 0;
	snprintf(detail, sizeof(detail), "the same origin was ingested again with other content: %s",
		 doc->id);
	rc = lt_cat_prepare(cat, "SELECT id, state FROM documents WHERE origin = ? AND id != ? "
				 "ORDER BY rowid", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, doc->origin, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, doc->id, -1, SQLITE_STATIC);
	}
	/* Collected first: the moves write the rows this reads. */
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const struct lt_transition *t;
		enum lt_doc_state from;

		if (!lt_doc_state_parse(lt_cat_col_text(st, 1), &from))
			continue;
		t = lt_state_transition((int)from, LT_SUPERSEDED);
		if (t && (t->actors & (unsigned)by))
			rc = lt_buf_append(&ids, lt_cat_col_text(st, 0), strlen(lt_cat_col_text(st, 0)) + 1,
					   err);
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot look the origin's documents up"));
	sqlite3_finalize(st);
	for (size_t i = 0; !rc && i < ids.len; i += strlen(ids.data + i) + 1) {
		rc = lt_cat_move(cat, ids.data + i, LT_SUPERSEDED, by, detail, err);
		if (!rc)
			(*count)++;
	}
	lt_buf_release(&ids);
	return rc;
}

int lt_cat_insert_sources(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int pages = 0;
	int rc = lt_cat_prepare(cat, "INSERT INTO sources(document_id, seq, path, size, sha256, format, "
				"page_count) VALUES (?, ?, ?, ?, lt_sha256_pack(?), ?, ?)", &st, err);

	for (size_t i = 0; !rc && i < doc->n_sources; i++) {
		const struct lt_source *s = &doc->sources[i];

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, (int)i + 1);
		sqlite3_bind_text(st, 3, s->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)s->size);
		sqlite3_bind_text(st, 5, s->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, s->ext, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, s->page_count);
		rc = lt_cat_step_done(cat, st, N_("cannot add a source file"), err);
		pages += s->page_count;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Kept on the document for the claim order: the longest work first. */
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE documents SET page_count = ? WHERE id = ?", &st, err);
	if (!rc) {
		sqlite3_bind_int(st, 1, pages > 0 ? pages : 1);
		sqlite3_bind_text(st, 2, doc->id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot record the document's page count"), err);
	}
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_add_document(struct lt_catalog *cat, int64_t batch_id, const struct lt_doc *doc,
			    int *added, int *superseded, struct lt_err *err)
{
	int n_superseded = 0, is_new = 0;
	sqlite3_stmt *st = NULL;
	char detail[128];
	int rc;

	snprintf(detail, sizeof(detail), "%zu files, %zu pages", doc->n_sources, doc->n_pages);
	*added = 0;
	if (superseded)
		*superseded = 0;
	rc = lt_cat_begin(cat, err);
	if (!rc)
		rc = lt_cat_insert_queued(cat, batch_id, doc, detail, &is_new, err);
	if (!rc && !is_new) {
		/* Known already: a concurrent ingest of the same scans won. */
		return lt_cat_end(cat, rc, err);
	}
	if (!rc)
		rc = lt_cat_insert_sources(cat, doc, err);
	if (!rc)
		rc = lt_cat_prepare(cat, "INSERT INTO pages(document_id, number, source_seq, source_index) "
				    "VALUES (?, ?, ?, ?)", &st, err);
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, p->number);
		sqlite3_bind_int(st, 3, p->source + 1);
		sqlite3_bind_int(st, 4, p->index_in_source);
		rc = lt_cat_step_done(cat, st, N_("cannot add a page"), err);
	}
	sqlite3_finalize(st);
	if (!rc && doc->meta.n)
		rc = lt_cat_save_meta(cat, doc->id, &doc->meta, err);
	if (!rc)
		rc = supersede_others(cat, doc, LT_BY_INGEST, &n_superseded, err);
	rc = lt_cat_end(cat, rc, err);
	if (rc)
		return rc;
	*added = 1;
	if (superseded)
		*superseded = n_superseded;
	return LT_OK;
}

int lt_catalog_retry(struct lt_catalog *cat, const struct lt_doc *scanned, int *requeued,
		     int *superseded, struct lt_err *err)
{
	const struct lt_transition *t = NULL;
	enum lt_doc_state from = LT_QUEUED;
	sqlite3_stmt *st = NULL;
	int rc, found = 0, n_superseded = 0;

	*requeued = 0;
	if (superseded)
		*superseded = 0;
	rc = lt_cat_begin(cat, err);
	if (!rc)
		rc = lt_catalog_find(cat, scanned->id, &found, &from, err);
	if (!rc && found)
		t = lt_state_transition((int)from, LT_QUEUED);
	/* In any other state it is not ours to requeue: nothing changes. */
	if (rc || !t || !(t->actors & LT_BY_RETRY))
		return lt_cat_end(cat, rc, err);
	rc = lt_cat_move(cat, scanned->id, LT_QUEUED, LT_BY_RETRY, "ingested again", err);
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE documents SET attempts = 0, label = ?, origin = ? "
				    "WHERE id = ?", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, scanned->label, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, scanned->origin, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, scanned->id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot requeue the document"), err);
	}
	sqlite3_finalize(st);
	st = NULL;
	/* The scans may have moved since: the run must read them where they are now. */
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE sources SET path = ? WHERE document_id = ? AND seq = ?",
				    &st, err);
	for (size_t i = 0; !rc && i < scanned->n_sources; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, scanned->sources[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, scanned->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, (int)i + 1);
		rc = lt_cat_step_done(cat, st, N_("cannot update the document's sources"), err);
	}
	sqlite3_finalize(st);
	/* What this ingest gave (spreadsheet, sidecar, defaults) is what holds now. */
	if (!rc && scanned->meta.n)
		rc = lt_cat_save_meta(cat, scanned->id, &scanned->meta, err);
	if (!rc)
		rc = supersede_others(cat, scanned, LT_BY_RETRY, &n_superseded, err);
	rc = lt_cat_end(cat, rc, err);
	if (rc)
		return rc;
	*requeued = 1;
	if (superseded)
		*superseded = n_superseded;
	return LT_OK;
}

int lt_catalog_find_origin(struct lt_catalog *cat, const char *origin, int *found,
			   char id[LT_DOC_ID_LEN + 1], struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT id FROM documents WHERE origin = ? "
				     "ORDER BY created DESC, rowid DESC LIMIT 1", &st, err);

	*found = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*found = 1;
		snprintf(id, LT_DOC_ID_LEN + 1, "%s", lt_cat_col_text(st, 0));
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = lt_cat_db_error(cat, err, N_("cannot look a document up"));
	}
	sqlite3_finalize(st);
	return rc;
}
