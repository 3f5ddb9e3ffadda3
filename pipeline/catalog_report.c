/* catalog_report.c - counts by state and listings for `luutru status`. */
#include "catalog_int.h"

#include <stdio.h>
#include <string.h>

/* Reads the counters schemas/catalog/011-health.sql keeps exact with
 * triggers: a dozen rows, whatever the size of the archive. */
int lt_catalog_status(struct lt_catalog *cat, struct lt_status *stat, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, s = SQLITE_DONE;

	memset(stat, 0, sizeof(*stat));
	rc = lt_cat_prepare(cat, "SELECT name, n FROM counts", &st, err);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = lt_cat_col_text(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		enum lt_doc_state state;

		if (strncmp(name, "documents:", 10) == 0 && lt_doc_state_parse(name + 10, &state))
			stat->documents[state] = n;
		else if (strncmp(name, "pages:", 6) == 0 && lt_doc_state_parse(name + 6, &state))
			stat->pages[state] = n;
		else if (strcmp(name, "review") == 0)
			stat->pages_to_review = n;
		else if (strcmp(name, "bundles") == 0)
			stat->bundles = n;
		else if (strcmp(name, "bundle_bytes") == 0)
			stat->bundle_bytes = n;
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot read the catalog's counts"));
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_each_in_state(struct lt_catalog *cat, enum lt_doc_state state, int limit,
			     void (*fn)(void *ud, const char *id, const char *label,
					const char *failure, int pages),
			     void *ud, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT d.id, d.label, d.failure, "
			      "(SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id) "
			      "FROM documents d WHERE d.state = ? ORDER BY d.updated, d.rowid LIMIT ?",
			 &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, lt_doc_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ud, lt_cat_col_text(st, 0), lt_cat_col_text(st, 1), lt_cat_col_text(st, 2), sqlite3_column_int(st, 3));
	rc = rc == SQLITE_DONE ? LT_OK : lt_cat_db_error(cat, err, N_("cannot list documents"));
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_each_review(struct lt_catalog *cat, int limit,
			   void (*fn)(void *ud, const struct lt_review_item *item), void *ud,
			   struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT d.id, d.label, p.number, p.quality, p.review "
				"FROM pages p JOIN documents d ON d.id = p.document_id "
				"WHERE p.review IS NOT NULL AND d.state = ? "
				"ORDER BY d.updated, d.rowid, p.number LIMIT ?", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, lt_doc_state_name(LT_ARCHIVED), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_review_item item = {
			.document = lt_cat_col_text(st, 0),
			.label = lt_cat_col_text(st, 1),
			.page = sqlite3_column_int(st, 2),
			.quality = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1
				: sqlite3_column_double(st, 3),
			.reason = lt_cat_col_text(st, 4),
		};

		fn(ud, &item);
	}
	rc = rc == SQLITE_DONE ? LT_OK : lt_cat_db_error(cat, err,
							 N_("cannot list the pages to review"));
	sqlite3_finalize(st);
	return rc;
}
