/* catalog_shard.c - the catalog's side of sharded runs: plans, leases, and
 * merge's one transaction per document. A leased document stays queued
 * (documents.lease names the plan, so claims skip it); merge makes the moves
 * a local run would have made (claimed, then archived or failed, or back in
 * the queue) through the same writers (lt_cat_move, lt_catalog_archive,
 * lt_catalog_fail, lt_catalog_requeue_because), nested in its transaction
 * with the lease cleared and the plan's row settled. */
#include "catalog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "luutru/fsutil.h"
#include "luutru/shard.h"

static void utc_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int lt_catalog_plan_begin(struct lt_catalog *cat, struct lt_err *err)
{
	return lt_cat_begin(cat, err);
}

int lt_catalog_plan_end(struct lt_catalog *cat, int rc, struct lt_err *err)
{
	return lt_cat_end(cat, rc, err);
}

int lt_catalog_leasable(struct lt_catalog *cat, struct lt_lease_item **items, size_t *n,
			struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	struct lt_lease_item *list = NULL;
	size_t len = 0, cap = 0;
	int rc, s = SQLITE_DONE;

	*items = NULL;
	*n = 0;
	/* The claim's own order: the planner then deals the longest out first. */
	rc = lt_cat_prepare(cat, "SELECT id, page_count FROM documents WHERE state = ? AND lease IS NULL "
			    "ORDER BY attempts, page_count DESC, created, rowid", &st, err);
	if (!rc)
		sqlite3_bind_text(st, 1, lt_doc_state_name(LT_QUEUED), -1, SQLITE_STATIC);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct lt_lease_item *grown = realloc(list, ncap * sizeof(*list));

			if (!grown) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory listing the queue");
				break;
			}
			list = grown;
			cap = ncap;
		}
		snprintf(list[len].id, sizeof(list[len].id), "%s", lt_cat_col_text(st, 0));
		list[len].pages = sqlite3_column_int(st, 1);
		list[len].task = -1;
		len++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, "cannot list the queue");
	sqlite3_finalize(st);
	if (rc) {
		free(list);
		return rc;
	}
	*items = list;
	*n = len;
	return LT_OK;
}

int lt_catalog_plan_record(struct lt_catalog *cat, const struct lt_plan *plan,
			   const struct lt_lease_item *items, size_t n, struct lt_err *err)
{
	sqlite3_stmt *st = NULL, *lease = NULL;
	int rc = lt_cat_prepare(cat, "INSERT INTO plans(id, dir, tasks, created) VALUES (?, ?, ?, ?)",
				&st, err);

	if (!rc) {
		sqlite3_bind_text(st, 1, plan->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, plan->dir, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, plan->tasks);
		sqlite3_bind_text(st, 4, plan->created, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, "cannot record the plan", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = lt_cat_prepare(cat, "INSERT INTO plan_shards(plan_id, task, documents, pages) "
				    "VALUES (?, ?, ?, ?)", &st, err);
	for (int k = 0; !rc && k < plan->tasks; k++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, plan->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, k);
		sqlite3_bind_int(st, 3, plan->shards[k].documents);
		sqlite3_bind_int64(st, 4, plan->shards[k].pages);
		rc = lt_cat_step_done(cat, st, "cannot record a shard of the plan", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = lt_cat_prepare(cat, "INSERT INTO plan_documents(plan_id, document_id, task) "
				    "VALUES (?, ?, ?)", &st, err);
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE documents SET lease = ? WHERE id = ? AND state = ? "
				    "AND lease IS NULL", &lease, err);
	for (size_t i = 0; !rc && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, plan->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, items[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, items[i].task);
		rc = lt_cat_step_done(cat, st, "cannot record a leased document", err);
		if (rc)
			break;
		sqlite3_reset(lease);
		sqlite3_bind_text(lease, 1, plan->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(lease, 2, items[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(lease, 3, lt_doc_state_name(LT_QUEUED), -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, lease, "cannot lease a document", err);
		if (!rc && sqlite3_changes(cat->db) != 1)
			rc = lt_err_set(err, LT_EINTERNAL, "document %s is no longer queued: not leased",
					items[i].id);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(lease);
	return rc;
}

int lt_catalog_plan_state(struct lt_catalog *cat, const char *plan_id, int *found, int *closed,
			  struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT CASE WHEN closed IS NULL THEN 0 WHEN outcome = 'cancelled' "
				"THEN 2 ELSE 1 END FROM plans WHERE id = ?", &st, err), s;

	*found = *closed = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*found = 1;
		*closed = sqlite3_column_int(st, 0);
	} else if (s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, "cannot read the plan");
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_plan_leased(struct lt_catalog *cat, const char *plan_id, const char *id, int *leased,
			   struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT outcome = 'leased' FROM plan_documents "
				"WHERE plan_id = ? AND document_id = ?", &st, err), s;

	*leased = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*leased = sqlite3_column_int(st, 0);
	else if (s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, "cannot read the plan's documents");
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_plan_pending(struct lt_catalog *cat, const char *plan_id, int *pending,
			    struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT COUNT(*) FROM plan_documents WHERE plan_id = ? "
				"AND outcome = 'leased'", &st, err);

	*pending = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*pending = sqlite3_column_int(st, 0);
	else
		rc = lt_cat_db_error(cat, err, "cannot count the plan's documents");
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_leased(struct lt_catalog *cat, int64_t *documents, int64_t *pages,
		      struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*documents = *pages = 0;
	/* A range of documents_claim: as many rows as are leased, no more. */
	rc = lt_cat_prepare(cat, "SELECT COUNT(*), COALESCE(SUM(page_count), 0) FROM documents "
			    "WHERE state = ? AND lease IS NOT NULL", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, lt_doc_state_name(LT_QUEUED), -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*documents = sqlite3_column_int64(st, 0);
		*pages = sqlite3_column_int64(st, 1);
	} else
		rc = lt_cat_db_error(cat, err, "cannot count leased documents");
	sqlite3_finalize(st);
	return rc;
}

/* Inside the caller's transaction: the document leaves the plan (lease
 * cleared, its row settled as `outcome`). Refused (LT_EINPUT) when it is no
 * longer leased to this plan: merged or cancelled before. */
static int settle(struct lt_catalog *cat, const char *plan_id, const char *id, const char *outcome,
		  const char *detail, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = lt_cat_prepare(cat, "UPDATE plan_documents SET outcome = ?, at = ?, detail = ? "
				"WHERE plan_id = ? AND document_id = ? AND outcome = 'leased'", &st, err);

	utc_now(now);
	if (!rc) {
		sqlite3_bind_text(st, 1, outcome, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, plan_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, "cannot settle a leased document", err);
	}
	if (!rc && sqlite3_changes(cat->db) != 1)
		rc = lt_err_set(err, LT_EINPUT, "document %s is not leased to plan %s any more", id,
				plan_id);
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE documents SET lease = NULL WHERE id = ? AND lease = ?",
				    &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, plan_id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, "cannot clear a lease", err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Inside the caller's transaction: the claim the shard run made on its
 * node, recorded now (queued -> processing, attempts + 1). */
static int claim(struct lt_catalog *cat, const char *plan_id, int task, const char *id,
		 struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char detail[160];
	int attempts = 0, rc = lt_cat_prepare(cat, "SELECT attempts FROM documents WHERE id = ?", &st, err);

	if (!rc) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			attempts = sqlite3_column_int(st, 0);
		else
			rc = lt_cat_db_error(cat, err, "cannot read a document's attempts");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc)
		return rc;
	lt_shard_claim_detail(attempts + 1, plan_id, task, detail);
	rc = lt_cat_move(cat, id, LT_PROCESSING, LT_BY_RUN, detail, err);
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_CLAIM_COUNT, &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, "cannot count the attempt", err);
		lt_cat_put(st);
	}
	return rc;
}

int lt_catalog_merge_archived(struct lt_catalog *cat, const char *plan_id, int task,
			      const struct lt_doc *doc, struct lt_err *err)
{
	int rc = lt_cat_begin(cat, err);

	if (!rc)
		rc = settle(cat, plan_id, doc->id, "merged", NULL, err);
	if (!rc)
		rc = claim(cat, plan_id, task, doc->id, err);
	if (!rc)
		rc = lt_catalog_archive(cat, doc, err);
	return lt_cat_end(cat, rc, err);
}

int lt_catalog_merge_failed(struct lt_catalog *cat, const char *plan_id, int task, const char *id,
			    const char *stage, const char *reason, struct lt_err *err)
{
	int rc = lt_cat_begin(cat, err);

	if (!rc)
		rc = settle(cat, plan_id, id, "failed", reason, err);
	if (!rc)
		rc = claim(cat, plan_id, task, id, err);
	if (!rc)
		rc = lt_catalog_fail(cat, id, stage, reason, err);
	return lt_cat_end(cat, rc, err);
}

int lt_catalog_merge_refused(struct lt_catalog *cat, const char *plan_id, int task, const char *id,
			     const char *why, struct lt_err *err)
{
	enum lt_doc_state state = LT_QUEUED;
	int found = 0, rc = lt_cat_begin(cat, err);

	if (!rc)
		rc = settle(cat, plan_id, id, "refused", why, err);
	if (!rc)
		rc = lt_catalog_find(cat, id, &found, &state, err);
	/* Superseded meanwhile (its folder ingested again with other content):
	 * it only leaves the plan. */
	if (!rc && found && state == LT_QUEUED) {
		rc = claim(cat, plan_id, task, id, err);
		if (!rc)
			rc = lt_catalog_requeue_because(cat, id, why, err);
	}
	return lt_cat_end(cat, rc, err);
}

static int close_plan(struct lt_catalog *cat, const char *plan_id, const char *outcome,
		      struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = lt_cat_prepare(cat, "UPDATE plans SET closed = ?, outcome = ? WHERE id = ? "
				"AND closed IS NULL", &st, err);

	utc_now(now);
	if (!rc) {
		sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, outcome, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, plan_id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, "cannot close the plan", err);
	}
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_plan_close_if_merged(struct lt_catalog *cat, const char *plan_id, int *closed,
				    struct lt_err *err)
{
	int pending = 0, rc = lt_cat_begin(cat, err);

	*closed = 0;
	if (!rc)
		rc = lt_catalog_plan_pending(cat, plan_id, &pending, err);
	if (!rc && pending == 0) {
		rc = close_plan(cat, plan_id, "merged", err);
		*closed = !rc;
	}
	return lt_cat_end(cat, rc, err);
}

int lt_catalog_plan_cancel(struct lt_catalog *cat, const char *plan_id, int *returned,
			   struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = lt_cat_begin(cat, err);

	*returned = 0;
	utc_now(now);
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE documents SET lease = NULL WHERE lease = ?", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, "cannot give leased documents back", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE plan_documents SET outcome = 'cancelled', at = ? "
				    "WHERE plan_id = ? AND outcome = 'leased'", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, plan_id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, "cannot settle the plan's documents", err);
		if (!rc)
			*returned = sqlite3_changes(cat->db);
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = close_plan(cat, plan_id, "cancelled", err);
	rc = lt_cat_end(cat, rc, err);
	if (rc)
		*returned = 0;
	return rc;
}

void lt_plan_statuses_free(struct lt_plan_status *plans, size_t n)
{
	for (size_t i = 0; plans && i < n; i++) {
		free(plans[i].dir);
		free(plans[i].shards);
	}
	free(plans);
}

int lt_catalog_plans_in_flight(struct lt_catalog *cat, struct lt_plan_status **out, size_t *n,
			       struct lt_err *err)
{
	sqlite3_stmt *st = NULL, *sh = NULL;
	struct lt_plan_status *plans = NULL;
	size_t len = 0;
	int rc = LT_OK, s = SQLITE_DONE;

	*out = NULL;
	*n = 0;
	/* Before schema 12 (a read-only look at an old catalog): no plans. */
	if (sqlite3_table_column_metadata(cat->db, NULL, "plans", "id", NULL, NULL, NULL, NULL, NULL)
	    != SQLITE_OK)
		return LT_OK;
	rc = lt_cat_prepare(cat, "SELECT id, dir, created, tasks FROM plans WHERE closed IS NULL "
			    "ORDER BY created, rowid", &st, err);
	if (!rc)
		rc = lt_cat_prepare(cat, "SELECT s.task, s.documents, s.pages, "
				    "(SELECT COUNT(*) FROM plan_documents d WHERE d.plan_id = s.plan_id "
				    " AND d.task = s.task AND d.outcome = 'leased'), "
				    "(SELECT COUNT(*) FROM plan_documents d WHERE d.plan_id = s.plan_id "
				    " AND d.task = s.task AND d.outcome = 'merged'), "
				    "(SELECT COUNT(*) FROM plan_documents d WHERE d.plan_id = s.plan_id "
				    " AND d.task = s.task AND d.outcome = 'failed'), "
				    "(SELECT COUNT(*) FROM plan_documents d WHERE d.plan_id = s.plan_id "
				    " AND d.task = s.task AND d.outcome = 'refused') "
				    "FROM plan_shards s WHERE s.plan_id = ? ORDER BY s.task", &sh, err);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_plan_status *grown = realloc(plans, (len + 1) * sizeof(*plans)), *p;
		int tasks = sqlite3_column_int(st, 3), k = 0, s2;

		if (!grown) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory listing plans");
			break;
		}
		plans = grown;
		p = &plans[len++];
		memset(p, 0, sizeof(*p));
		snprintf(p->id, sizeof(p->id), "%s", lt_cat_col_text(st, 0));
		snprintf(p->created, sizeof(p->created), "%s", lt_cat_col_text(st, 2));
		p->tasks = tasks > 0 ? tasks : 0;
		p->shards = calloc(p->tasks ? (size_t)p->tasks : 1, sizeof(*p->shards));
		rc = p->shards ? lt_strdup(lt_cat_col_text(st, 1), &p->dir, err)
			: lt_err_set(err, LT_ENOMEM, "out of memory listing plans");
		if (rc)
			break;
		sqlite3_reset(sh);
		sqlite3_bind_text(sh, 1, p->id, -1, SQLITE_TRANSIENT);
		while ((s2 = sqlite3_step(sh)) == SQLITE_ROW && k < p->tasks) {
			struct lt_plan_progress *g = &p->shards[k++];
			char *done = NULL;

			g->task = sqlite3_column_int(sh, 0);
			g->documents = sqlite3_column_int(sh, 1);
			g->pages = sqlite3_column_int(sh, 2);
			g->leased = sqlite3_column_int(sh, 3);
			g->merged = sqlite3_column_int(sh, 4);
			g->failed = sqlite3_column_int(sh, 5);
			g->refused = sqlite3_column_int(sh, 6);
			if (lt_path(&done, NULL, "%s/%d/%s", p->dir, g->task, LT_SHARD_DONE) == LT_OK)
				g->done = access(done, F_OK) == 0;
			free(done);
		}
		if (s2 != SQLITE_DONE && s2 != SQLITE_ROW)
			rc = lt_cat_db_error(cat, err, "cannot read the plan's shards");
	}
	if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
		rc = lt_cat_db_error(cat, err, "cannot list plans");
	sqlite3_finalize(st);
	sqlite3_finalize(sh);
	if (rc) {
		lt_plan_statuses_free(plans, len);
		return rc;
	}
	*out = plans;
	*n = len;
	return LT_OK;
}
