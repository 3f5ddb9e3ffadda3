/* catalog_load.c - resolving ids and loading documents (also what a claim
 * hands its worker). */
#include "catalog_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lt_catalog_resolve(struct lt_catalog *cat, const char *id_or_prefix,
		       char id[LT_DOC_ID_LEN + 1], struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t len = strlen(id_or_prefix);
	char lower[LT_DOC_ID_LEN + 1];
	int rc, matches = 0;

	if (len < 4 || len > LT_DOC_ID_LEN || strspn(id_or_prefix, "0123456789abcdefABCDEF") != len)
		return lt_err_set(err, LT_EUSAGE,
				  "'%s' is not a document id (16 hex digits, or a unique prefix of 4 or more)",
				  id_or_prefix);
	/* Ids are stored in lower case; E424 (copied from a listing that
	 * upper-cased it) names the same document as e424. */
	for (size_t i = 0; i <= len; i++)
		lower[i] = (char)tolower((unsigned char)id_or_prefix[i]);
	id_or_prefix = lower;
	/* Hex only (checked above), so the prefix cannot contain LIKE wildcards. */
	rc = lt_cat_prepare(cat, "SELECT id FROM documents WHERE id LIKE ? || '%' LIMIT 2", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id_or_prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (matches++ == 0)
			snprintf(id, LT_DOC_ID_LEN + 1, "%s", lt_cat_col_text(st, 0));
	}
	rc = rc == SQLITE_DONE ? LT_OK : lt_cat_db_error(cat, err,
							 N_("cannot look the document up"));
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (matches == 0)
		return lt_err_set(err, LT_ENOTFOUND, "no document '%s' in the catalog", id_or_prefix);
	if (matches > 1)
		return lt_err_set(err, LT_EUSAGE, "'%s' matches several documents: give more of the id",
				  id_or_prefix);
	return LT_OK;
}

int lt_cat_load_row(struct lt_catalog *cat, const char *id, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_stmt(cat, LT_ST_LOAD_ROW, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		snprintf(doc->id, sizeof(doc->id), "%s", lt_cat_col_text(st, 0));
		doc->attempts = sqlite3_column_int(st, 6);
		if (!lt_doc_state_parse(lt_cat_col_text(st, 3), &doc->state))
			rc = lt_err_set(err, LT_EDB, "document %s has an unknown state '%s'", id,
					lt_cat_col_text(st, 3));
		if (!rc)
			rc = lt_strdup(lt_cat_col_text(st, 1), &doc->label, err);
		if (!rc)
			rc = lt_strdup(lt_cat_col_text(st, 2), &doc->origin, err);
		if (!rc)
			rc = lt_strdup((const char *)sqlite3_column_text(st, 4), &doc->failure, err);
		if (!rc)
			rc = lt_strdup((const char *)sqlite3_column_text(st, 5), &doc->lang, err);
		break;
	case SQLITE_DONE:
		rc = lt_err_set(err, LT_ENOTFOUND, "no document '%s' in the catalog", id);
		break;
	default:
		rc = lt_cat_db_error(cat, err, N_("cannot read a document"));
	}
	lt_cat_put(st);
	return rc;
}

int lt_cat_load_sources_and_pages(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_stmt(cat, LT_ST_LOAD_SOURCES, &st, err);

	if (!rc)
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	while (!rc) {
		int s = sqlite3_step(st);

		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = lt_cat_db_error(cat, err, N_("cannot read a document's sources"));
			break;
		}
		char sha[LT_SHA256_HEX];
		snprintf(sha, sizeof(sha), "%s", lt_cat_col_text(st, 1));
		rc = lt_doc_add_source(doc, lt_cat_col_text(st, 0), sha, (uint64_t)sqlite3_column_int64(st, 2),
				       sqlite3_column_int(st, 3), lt_cat_col_text(st, 4), err);
		if (!rc)
			rc = lt_doc_add_pages_of_last_source(doc, err);
	}
	lt_cat_put(st);
	st = NULL;
	/* Pages were derived from the sources above; fill in what a run stored. */
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_LOAD_PAGES, &st, err);
	if (!rc)
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	while (!rc) {
		int s = sqlite3_step(st), number;

		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = lt_cat_db_error(cat, err, N_("cannot read a document's pages"));
			break;
		}
		number = sqlite3_column_int(st, 0);
		if (number < 1 || (size_t)number > doc->n_pages) {
			rc = lt_err_set(err, LT_EDB, "document %s: page %d does not match its sources",
					doc->id, number);
			break;
		}
		struct lt_page *p = &doc->pages[number - 1];
		p->width = sqlite3_column_int(st, 1);
		p->height = sqlite3_column_int(st, 2);
		p->dpi = sqlite3_column_int(st, 3);
		p->confidence = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1
			: sqlite3_column_double(st, 4);
		p->quality = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1
			: sqlite3_column_double(st, 8);
		/* NULL stays NULL: a page not yet read has no text, a fine page no review. */
		rc = lt_strdup((const char *)sqlite3_column_text(st, 5), &p->text, err);
		if (!rc)
			rc = lt_strdup((const char *)sqlite3_column_text(st, 6), &p->lang, err);
		if (!rc)
			rc = lt_strdup((const char *)sqlite3_column_text(st, 7), &p->preprocessing, err);
		if (!rc)
			rc = lt_strdup((const char *)sqlite3_column_text(st, 9), &p->review, err);
		if (!rc)
			rc = lt_strdup((const char *)sqlite3_column_text(st, 10), &p->technical, err);
	}
	lt_cat_put(st);
	return rc;
}

static int load_bundle(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 bundle_id = 0;
	int s = SQLITE_DONE, rc = lt_cat_prepare(cat, "SELECT id, path, size, sha256, created, version FROM bundles "
			      "WHERE document_id = ? ORDER BY version DESC LIMIT 1", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot read the document's bundle"));
	if (s == SQLITE_ROW) {
		bundle_id = sqlite3_column_int64(st, 0);
		doc->bundle.version = sqlite3_column_int(st, 5);
		rc = lt_strdup(lt_cat_col_text(st, 1), &doc->bundle.path, err);
		doc->bundle.size = (uint64_t)sqlite3_column_int64(st, 2);
		snprintf(doc->bundle.sha256, sizeof(doc->bundle.sha256), "%s", lt_cat_col_text(st, 3));
		snprintf(doc->bundle.created, sizeof(doc->bundle.created), "%s", lt_cat_col_text(st, 4));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc || !bundle_id)
		return rc;
	rc = lt_cat_prepare(cat, "SELECT path, size, " LT_CAT_SHA256_HEX " FROM files "
			    "WHERE bundle_id = ? ORDER BY path", &st, err);
	if (!rc)
		sqlite3_bind_int64(st, 1, bundle_id);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		char sha[LT_SHA256_HEX];

		snprintf(sha, sizeof(sha), "%s", lt_cat_col_text(st, 2));
		rc = lt_bundle_add_file(&doc->bundle, lt_cat_col_text(st, 0),
					(uint64_t)sqlite3_column_int64(st, 1), sha, err);
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot read the bundle's files"));
	sqlite3_finalize(st);
	return rc;
}

static int load_events(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int s = SQLITE_DONE;
	int rc = lt_cat_prepare(cat, "SELECT type, at, outcome, detail FROM events WHERE document_id = ? "
			      "ORDER BY id", &st, err);

	if (!rc)
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = lt_doc_add_event(doc, lt_cat_col_text(st, 0), lt_cat_col_text(st, 1), lt_cat_col_text(st, 2),
				      lt_cat_col_text(st, 3), err);
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot read the document's events"));
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_load(struct lt_catalog *cat, const char *id, struct lt_doc **out, struct lt_err *err)
{
	struct lt_doc *doc = lt_doc_new();
	int rc;

	*out = NULL;
	if (!doc)
		return lt_err_set(err, LT_ENOMEM, "out of memory loading document %s", id);
	rc = lt_cat_load_row(cat, id, doc, err);
	if (!rc)
		rc = lt_cat_load_sources_and_pages(cat, doc, err);
	if (!rc)
		rc = lt_cat_load_meta(cat, doc, err);
	if (!rc)
		rc = load_bundle(cat, doc, err);
	if (!rc)
		rc = load_events(cat, doc, err);
	if (rc) {
		lt_doc_free(doc);
		return rc;
	}
	*out = doc;
	return LT_OK;
}
