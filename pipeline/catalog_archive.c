/* catalog_archive.c - committing a run's results: page texts and their
 * full-text entries, the bundle and its files, the run's events, and the
 * move to archived, in one transaction. Bundle rows are immutable: a newer
 * bundle is a new row (version latest + 1, a path of its own). */
#include "catalog_int.h"

#include <stdio.h>
#include <string.h>

#include "luutru/fts.h"
#include "luutru/hash.h"

static int store_pages(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *old = NULL, *upd = NULL, *del = NULL, *ins = NULL, *xdel = NULL, *xins = NULL;
	int rc;

	/* pages is the external content of page_text: an old entry must be
	 * deleted with its old text before the text changes, or the index rots. */
	rc = lt_cat_stmt(cat, LT_ST_PAGE_OLD, &old, err);
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_PAGE_UNINDEX, &del, err);
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_PAGE_STORE, &upd, err);
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_PAGE_INDEX, &ins, err);
	/* page_exact, the exact spellings' index, has the same content. */
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_EXACT_UNINDEX, &xdel, err);
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_EXACT_INDEX, &xins, err);
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];
		sqlite3_int64 rowid;

		sqlite3_reset(old);
		sqlite3_bind_text(old, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(old, 2, p->number);
		if (sqlite3_step(old) != SQLITE_ROW) {
			rc = lt_err_set(err, LT_EDB, "document %s has no page %d in the catalog",
					doc->id, p->number);
			break;
		}
		rowid = sqlite3_column_int64(old, 0);
		if (sqlite3_column_type(old, 1) != SQLITE_NULL) {
			sqlite3_reset(del);
			sqlite3_bind_int64(del, 1, rowid);
			sqlite3_bind_value(del, 2, sqlite3_column_value(old, 1));
			rc = lt_cat_step_done(cat, del, N_("cannot update the full-text index"),
					      err);
			if (rc)
				break;
			sqlite3_reset(xdel);
			sqlite3_bind_int64(xdel, 1, rowid);
			sqlite3_bind_value(xdel, 2, sqlite3_column_value(old, 1));
			rc = lt_cat_step_done(cat, xdel, N_("cannot update the full-text index"),
					      err);
			if (rc)
				break;
		}
		sqlite3_reset(upd);
		sqlite3_bind_int(upd, 1, p->width);
		sqlite3_bind_int(upd, 2, p->height);
		sqlite3_bind_int(upd, 3, p->dpi);
		if (p->confidence >= 0)
			sqlite3_bind_double(upd, 4, p->confidence);
		else
			sqlite3_bind_null(upd, 4);
		sqlite3_bind_text(upd, 5, p->text ? p->text : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(upd, 6, p->lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(upd, 7, p->preprocessing, -1, SQLITE_STATIC);
		if (p->quality >= 0)
			sqlite3_bind_double(upd, 8, p->quality);
		else
			sqlite3_bind_null(upd, 8);
		sqlite3_bind_text(upd, 9, p->review, -1, SQLITE_STATIC);
		sqlite3_bind_text(upd, 10, p->technical, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 11, rowid);
		rc = lt_cat_step_done(cat, upd, N_("cannot store a page's text"), err);
		if (rc)
			break;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, rowid);
		sqlite3_bind_text(ins, 2, p->text ? p->text : "", -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, ins, N_("cannot index a page's text"), err);
		if (!rc) {
			sqlite3_reset(xins);
			sqlite3_bind_int64(xins, 1, rowid);
			sqlite3_bind_text(xins, 2, p->text ? p->text : "", -1, SQLITE_STATIC);
			rc = lt_cat_step_done(cat, xins, N_("cannot index a page's text"), err);
		}
		if (!rc)
			rc = lt_cat_note_words(cat, p->text ? p->text : "", err);
	}
	lt_cat_put(old);
	lt_cat_put(del);
	lt_cat_put(upd);
	lt_cat_put(ins);
	lt_cat_put(xdel);
	lt_cat_put(xins);
	return rc;
}

int lt_cat_insert_bundle(struct lt_catalog *cat, const char *id, const struct lt_bundle *b,
			 struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 bundle_id;
	unsigned char digest[32];
	int rc = lt_cat_stmt(cat, LT_ST_BUNDLE_ADD, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, b->version);
	sqlite3_bind_text(st, 3, b->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)b->size);
	sqlite3_bind_text(st, 5, b->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, b->created, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(cat->db) == SQLITE_CONSTRAINT_UNIQUE) {
			rc = lt_err_set(err, LT_EDB, "bundle '%s' is already recorded: bundles are never "
					"replaced, a new version needs a path of its own", b->path);
			if (err)
				err->cause = SQLITE_CONSTRAINT_UNIQUE;
		} else {
			rc = lt_cat_db_error(cat, err, N_("cannot record the bundle"));
		}
	}
	lt_cat_put(st);
	if (rc)
		return rc;
	bundle_id = sqlite3_last_insert_rowid(cat->db);
	rc = lt_cat_stmt(cat, LT_ST_FILE_ADD, &st, err);
	for (size_t i = 0; !rc && i < b->n_files; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, bundle_id);
		sqlite3_bind_text(st, 2, b->files[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)b->files[i].size);
		/* Kept as its 32 bytes (015-compact-index.sql). */
		if (lt_sha256_pack(b->files[i].sha256, digest) == 0)
			sqlite3_bind_blob(st, 4, digest, sizeof(digest), SQLITE_TRANSIENT);
		else
			sqlite3_bind_text(st, 4, b->files[i].sha256, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot record a bundle file"), err);
	}
	lt_cat_put(st);
	return rc;
}

static int store_bundle(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err)
{
	const struct lt_bundle *b = &doc->bundle;
	int latest = 0, rc = lt_catalog_latest_bundle_version(cat, doc->id, &latest, err);

	if (!rc && b->version != latest + 1)
		rc = lt_err_set(err, LT_EINTERNAL, "bundle '%s' is version %d, but the next bundle of "
				"document %s must be version %d (bundles are never replaced)",
				b->path, b->version, doc->id, latest + 1);
	return rc ? rc : lt_cat_insert_bundle(cat, doc->id, b, err);
}

int lt_catalog_archive(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char detail[512];
	int rc;

	if (!doc->bundle.path)
		return lt_err_set(err, LT_EINTERNAL, "document %s has no bundle to commit", doc->id);
	snprintf(detail, sizeof(detail), "bundle version %d: %s", doc->bundle.version, doc->bundle.path);
	rc = lt_cat_begin(cat, err);
	if (!rc)
		rc = store_pages(cat, doc, err);
	if (!rc)
		rc = lt_cat_save_meta(cat, doc->id, &doc->meta, err);
	if (!rc)
		rc = store_bundle(cat, doc, err);
	for (size_t i = 0; !rc && i < doc->n_events; i++)
		rc = lt_cat_add_event(cat, doc->id, &doc->events[i], err);
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE documents SET lang = ? WHERE id = ?", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, doc->lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, doc->id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot record the document's languages"), err);
	}
	sqlite3_finalize(st);
	/* Last, so its event follows the run's; refused, it rolls all back. */
	if (!rc)
		rc = lt_cat_move(cat, doc->id, LT_ARCHIVED, LT_BY_RUN, detail, err);
	rc = lt_cat_end(cat, rc, err);
	if (rc)
		lt_err_prefix(err, "committing document %s: ", doc->id);
	return rc;
}

int lt_catalog_latest_bundle_version(struct lt_catalog *cat, const char *id, int *version,
				     struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_stmt(cat, LT_ST_BUNDLE_LATEST, &st, err);

	*version = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	else
		rc = lt_cat_db_error(cat, err, N_("cannot read the document's bundle versions"));
	lt_cat_put(st);
	return rc;
}
