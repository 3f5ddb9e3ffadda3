/* catalog_meta.c - a document's metadata fields in the catalog: written
 * whole (a document's rows replaced in one go, so a field that was dropped
 * does not linger), read back into doc->meta in the order they were set. */
#include "catalog_int.h"

#include <stdlib.h>
#include <string.h>

#include "luutru/profile.h"

int lt_cat_save_meta(struct lt_catalog *cat, const char *doc_id, const struct lt_meta *m,
		     struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char *folded = NULL;
	int rc = lt_cat_prepare(cat, "DELETE FROM metadata WHERE document_id = ?", &st, err);

	if (!rc) {
		sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot replace the document's metadata"), err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc && m->n)
		rc = lt_cat_prepare(cat, "INSERT INTO metadata(document_id, key, value, folded, source, "
				    "origin, rule, confidence, confirmed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				    &st, err);
	for (size_t i = 0; !rc && i < m->n; i++) {
		const struct lt_meta_field *f = &m->fields[i];

		rc = lt_profile_fold(f->value, &folded, err);
		if (rc)
			break;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, f->value, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, folded, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, lt_meta_source_name(f->source), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, f->origin, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, f->rule, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 8, f->confidence);
		sqlite3_bind_int(st, 9, f->confirmed ? 1 : 0);
		rc = lt_cat_step_done(cat, st, N_("cannot record a metadata field"), err);
		free(folded);
		folded = NULL;
	}
	sqlite3_finalize(st);
	if (rc)
		lt_err_prefix(err, "metadata of document %s: ", doc_id);
	return rc;
}

int lt_catalog_save_meta(struct lt_catalog *cat, const char *doc_id, const struct lt_meta *m,
			 struct lt_err *err)
{
	int rc;

	/* Inside the caller's transaction when there is one: a correction
	 * saves its fields with its event and bundle, all or nothing. */
	if (!sqlite3_get_autocommit(cat->db))
		return lt_cat_save_meta(cat, doc_id, m, err);
	rc = lt_cat_begin(cat, err);
	if (!rc)
		rc = lt_cat_save_meta(cat, doc_id, m, err);
	return lt_cat_end(cat, rc, err);
}

int lt_cat_load_meta(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT key, value, source, origin, rule, confidence, confirmed "
				"FROM metadata WHERE document_id = ? ORDER BY rowid", &st, err);

	if (!rc)
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	while (!rc) {
		enum lt_meta_source source;
		int s = sqlite3_step(st);

		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = lt_cat_db_error(cat, err, N_("cannot read a document's metadata"));
			break;
		}
		if (lt_meta_source_parse(lt_cat_col_text(st, 2), &source) != LT_OK) {
			rc = lt_err_set(err, LT_EDB, "document %s: metadata field %s has an unknown "
					"source '%s'", doc->id, lt_cat_col_text(st, 0), lt_cat_col_text(st, 2));
			break;
		}
		rc = lt_meta_set(&doc->meta, lt_cat_col_text(st, 0), lt_cat_col_text(st, 1), source,
				 (const char *)sqlite3_column_text(st, 3),
				 (const char *)sqlite3_column_text(st, 4), sqlite3_column_double(st, 5),
				 sqlite3_column_int(st, 6), err);
	}
	sqlite3_finalize(st);
	return rc;
}
