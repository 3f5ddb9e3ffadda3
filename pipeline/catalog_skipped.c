/* catalog_skipped.c - what each inbox's last ingest left out: skipped
 * entries and rejected documents with their reasons
 * (schemas/catalog/006-skipped.sql), so that `status --skipped` can show
 * that nothing in an inbox vanished without a word. */
#include "catalog_int.h"
#include "luutru/fsutil.h"

#include <stdio.h>
#include <string.h>

int lt_catalog_record_skipped(struct lt_catalog *cat, const char *inbox,
			      const struct lt_skipped *items, size_t n, struct lt_err *err)
{
	sqlite3_stmt *stale = NULL, *up = NULL, *gone = NULL;
	char now[32];
	int rc;

	/* The inbox's rows are marked stale (last_seen ''), the ones seen again
	 * get last_seen = now and keep first_seen, the rest are removed: all in
	 * one transaction, so a reader never sees the inbox half-recorded. */
	lt_now_iso8601(now);
	rc = lt_cat_begin(cat, err);
	if (rc)
		return rc;
	rc = lt_cat_prepare(cat, "UPDATE inbox_skipped SET last_seen = '' WHERE inbox = ?", &stale,
			    err);
	if (!rc) {
		sqlite3_bind_text(stale, 1, inbox, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, stale, N_("cannot mark an inbox's skipped entries"),
				      err);
	}
	if (!rc)
		rc = lt_cat_prepare(cat, "INSERT INTO inbox_skipped(inbox, path, kind, reason, warning, "
			    "first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
			    "ON CONFLICT(inbox, path) DO UPDATE SET kind = excluded.kind, "
			    "reason = excluded.reason, warning = excluded.warning, "
			    "last_seen = excluded.last_seen", &up, err);
	if (!rc)
		rc = lt_cat_prepare(cat, "DELETE FROM inbox_skipped WHERE inbox = ? AND last_seen = ''",
				    &gone, err);
	for (size_t i = 0; !rc && i < n; i++) {
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, inbox, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 2, items[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 3, items[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 4, items[i].reason, -1, SQLITE_STATIC);
		sqlite3_bind_int(up, 5, items[i].warning ? 1 : 0);
		sqlite3_bind_text(up, 6, now, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, up, N_("cannot record a skipped inbox entry"), err);
	}
	if (!rc) {
		sqlite3_bind_text(gone, 1, inbox, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, gone,
				      N_("cannot forget inbox entries no longer skipped"), err);
	}
	sqlite3_finalize(stale);
	sqlite3_finalize(up);
	sqlite3_finalize(gone);
	return lt_cat_end(cat, rc, err);
}

int lt_catalog_count_skipped(struct lt_catalog *cat, int64_t *total, int64_t *warnings,
			     struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*total = *warnings = 0;
	rc = lt_cat_prepare(cat, "SELECT count(*), coalesce(sum(warning), 0) FROM inbox_skipped",
			    &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*total = sqlite3_column_int64(st, 0);
		*warnings = sqlite3_column_int64(st, 1);
	} else {
		rc = lt_cat_db_error(cat, err, N_("cannot count skipped inbox entries"));
	}
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_each_skipped(struct lt_catalog *cat, int limit,
			    void (*fn)(void *ud, const struct lt_skipped *s), void *ud,
			    struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, s;

	rc = lt_cat_prepare(cat, "SELECT inbox, path, kind, reason, warning, first_seen, last_seen "
			    "FROM inbox_skipped ORDER BY inbox, path LIMIT ?", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const struct lt_skipped row = {
			.inbox = lt_cat_col_text(st, 0),
			.path = lt_cat_col_text(st, 1),
			.kind = lt_cat_col_text(st, 2),
			.reason = lt_cat_col_text(st, 3),
			.warning = sqlite3_column_int(st, 4),
			.first_seen = lt_cat_col_text(st, 5),
			.last_seen = lt_cat_col_text(st, 6),
		};

		fn(ud, &row);
	}
	if (s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot list skipped inbox entries"));
	sqlite3_finalize(st);
	return rc;
}
