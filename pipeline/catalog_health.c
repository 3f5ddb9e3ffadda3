/* catalog_health.c - upkeep of the catalog after big batches: the
 * full-text index's segments merged, the planner's statistics refreshed.
 *
 * Each committed document leaves page_text a new small segment; FTS5's
 * automerge (schemas/catalog/011-health.sql) keeps their number in check
 * during a batch, but a search reads every segment, so after a batch the
 * leftovers are merged in small steps, each its own transaction. */
#include "catalog_int.h"

#include <stdio.h>

#include "luutru/fsutil.h"
#include "luutru/i18n.h"

/* Leaf pages (4 KB) written per merge step: about 8 MB, tens of ms. */
#define MERGE_STEP_PAGES 2000

/* Whether a merge step did any work: FTS5 writes at least two rows when it
 * does (its documented test). */
static int merge_step(struct lt_catalog *cat, const char *sql, int *worked, struct lt_err *err)
{
	int before = sqlite3_total_changes(cat->db);
	int rc = lt_cat_exec(cat, sql, err);

	*worked = !rc && sqlite3_total_changes(cat->db) - before >= 2;
	if (rc)
		lt_err_prefix(err, "merging the full-text index: ");
	return rc;
}

int lt_catalog_maintain(struct lt_catalog *cat, int full, double budget_seconds,
			struct lt_upkeep *report, struct lt_err *err)
{
	struct lt_upkeep up = { 0 };
	double t0 = lt_monotonic_seconds();
	char merge[96], merge_exact[96];
	int rc = LT_OK, worked = 1, worked_exact = 1;

	if (full) {
		rc = lt_cat_exec(cat, "INSERT INTO page_text(page_text) VALUES ('optimize'); "
				 "INSERT INTO page_exact(page_exact) VALUES ('optimize')", err);
		if (rc)
			lt_err_prefix(err, "optimizing the full-text index: ");
		up.merge_steps = !rc;
		worked = 0;
	}
	/* A positive count merges a level once it holds usermerge segments
	 * (2, set by 011-health.sql): the index ends with at most one segment
	 * per level, and its biggest, oldest segment is rewritten only when
	 * one as big has grown beside it. (A negative count would merge
	 * everything into one: the whole index rewritten after every batch.) */
	snprintf(merge, sizeof(merge), "INSERT INTO page_text(page_text, rank) VALUES ('merge', %d)",
		 MERGE_STEP_PAGES);
	/* page_exact, the exact spellings' index, grows a segment per
	 * document as well (015-compact-index.sql). */
	snprintf(merge_exact, sizeof(merge_exact),
		 "INSERT INTO page_exact(page_exact, rank) VALUES ('merge', %d)", MERGE_STEP_PAGES);
	worked_exact = worked;
	while (!rc && (worked || worked_exact)) {
		if (budget_seconds > 0 && lt_monotonic_seconds() - t0 >= budget_seconds)
			break;
		if (worked) {
			rc = merge_step(cat, merge, &worked, err);
			up.merge_steps += !rc && worked;
		}
		if (!rc && worked_exact) {
			rc = merge_step(cat, merge_exact, &worked_exact, err);
			up.merge_steps += !rc && worked_exact;
		}
	}
	up.finished = !rc && !worked && !worked_exact;
	/* analysis_limit bounds ANALYZE to about that many rows per index:
	 * milliseconds at any size, and close enough for the planner. */
	if (!rc)
		rc = lt_cat_exec(cat, "PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA optimize;", err);
	/* The pages the merges freed, given back to the file system (a
	 * catalog made with auto_vacuum = INCREMENTAL, catalog_open.c; a
	 * no-op on others). */
	if (!rc)
		rc = lt_cat_exec(cat, "PRAGMA incremental_vacuum", err);
	up.seconds = lt_monotonic_seconds() - t0;
	if (report)
		*report = up;
	return rc;
}

void lt_catalog_maintain_after_run(const char *archive_dir, int64_t pages)
{
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	/* A second per hundred pages, at least 10 s, at most 5 minutes: a
	 * nightly batch of 10,000 pages is merged in full, and what is left
	 * of a bigger one is finished after the next run. */
	double budget = pages / 100.0;
	int rc;

	if (pages <= 0)
		return;
	budget = budget < 10 ? 10 : budget > 300 ? 300 : budget;
	rc = lt_catalog_open(archive_dir, LT_CATALOG_WRITE, &cat, &err);
	if (!rc)
		rc = lt_catalog_maintain(cat, 0, budget, NULL, &err);
	if (rc)
		fprintf(stderr, _("warning: the catalog's upkeep after the run did not finish (the "
			"run's results are kept; the next run tries again): %s\n"), err.msg);
	lt_catalog_close(cat);
}
