/* catalog_queue.c - the run's side of the queue: claims (with suspects kept
 * alone), requeues after a crash or a run-wide error, failures. Every state
 * change goes through lt_cat_move() (state.h's table). */
#include "catalog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"

int lt_catalog_requeue_dead_run(struct lt_catalog *cat, enum lt_run_end how, const char *crashed,
				int *requeued, int *given_up, struct lt_err *err)
{
	struct lt_buf ids = LT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	char reason[200];
	/* Only a crash of the process's own doing counts against a document;
	 * with no thread to blame, every document in hand does (the suspects
	 * then run alone and the culprit is found). */
	int blame_all = how == LT_RUN_END_CRASHED && (!crashed || strchr(crashed, '?'));
	int forgive_all = how == LT_RUN_END_STOPPED || how == LT_RUN_END_KILLED;
	const char *why = how == LT_RUN_END_STOPPED
		? "the run that had it in hand was stopped (not counted)"
		: how == LT_RUN_END_KILLED
		? "the run that had it in hand was killed from outside: SIGKILL, out of memory or "
		  "power cut (not counted)"
		: "the run that had it in hand crashed";
	int rc, s = SQLITE_DONE, back = 0, gave_up = 0;

	*requeued = *given_up = 0;
	snprintf(reason, sizeof(reason), "run: %d runs died while processing it, each a crash of "
		 "its own (the last two with nothing else in hand): it is likely what crashes them",
		 LT_MAX_ATTEMPTS);
	rc = lt_cat_begin(cat, err);
	/* attempts counts claims that ended in a crash blamed on the document
	 * (or are in hand): an attempt not blamed is taken back. */
	if (!rc && !blame_all)
		rc = lt_cat_prepare(cat, "UPDATE documents SET attempts = MAX(attempts - 1, 0) "
				    "WHERE state = ? AND (?2 OR instr(?3, id) = 0)", &st, err);
	if (!rc && !blame_all) {
		sqlite3_bind_text(st, 1, lt_doc_state_name(LT_PROCESSING), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, forgive_all);
		sqlite3_bind_text(st, 3, crashed ? crashed : "", -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot forgive interrupted attempts"), err);
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Collected first: the moves write the rows this reads. Each entry is
	 * the id then '1' (give up) or '0' (requeue), NUL-terminated. */
	if (!rc)
		rc = lt_cat_prepare(cat, "SELECT id, attempts >= ? FROM documents WHERE state = ? "
				    "ORDER BY rowid", &st, err);
	if (!rc) {
		sqlite3_bind_int(st, 1, LT_MAX_ATTEMPTS);
		sqlite3_bind_text(st, 2, lt_doc_state_name(LT_PROCESSING), -1, SQLITE_STATIC);
	}
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		char entry[LT_DOC_ID_LEN + 2];

		snprintf(entry, sizeof(entry), "%-*.*s", LT_DOC_ID_LEN, LT_DOC_ID_LEN,
			 lt_cat_col_text(st, 0));
		entry[LT_DOC_ID_LEN] = sqlite3_column_int(st, 1) ? '1' : '0';
		entry[LT_DOC_ID_LEN + 1] = '\0';
		rc = lt_buf_append(&ids, entry, sizeof(entry), err);
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot list interrupted documents"));
	sqlite3_finalize(st);
	for (size_t i = 0; !rc && i < ids.len; i += LT_DOC_ID_LEN + 2) {
		char id[LT_DOC_ID_LEN + 1];
		int give_up = ids.data[i + LT_DOC_ID_LEN] == '1';

		memcpy(id, ids.data + i, LT_DOC_ID_LEN);
		id[LT_DOC_ID_LEN] = '\0';
		const char *this_why = why;

		if (how == LT_RUN_END_CRASHED && !blame_all && !strstr(crashed, id))
			this_why = "the run that had it in hand crashed on another document (not counted)";
		rc = lt_cat_move(cat, id, give_up ? LT_FAILED : LT_QUEUED, LT_BY_RECOVERY,
				 give_up ? reason : this_why, err);
		if (!rc)
			(*(give_up ? &gave_up : &back))++;
	}
	lt_buf_release(&ids);
	rc = lt_cat_end(cat, rc, err);
	if (rc)
		return rc;
	*requeued = back;
	*given_up = gave_up;
	return LT_OK;
}

int lt_catalog_requeue_interrupted(struct lt_catalog *cat, int forgive, int *requeued,
				   int *given_up, struct lt_err *err)
{
	return lt_catalog_requeue_dead_run(cat, forgive ? LT_RUN_END_STOPPED : LT_RUN_END_CRASHED,
					   NULL, requeued, given_up, err);
}

int lt_catalog_requeue_because(struct lt_catalog *cat, const char *id, const char *why,
			       struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_begin(cat, err);

	if (!rc)
		rc = lt_cat_move(cat, id, LT_QUEUED, LT_BY_RUN, why, err);
	if (!rc)
		rc = lt_cat_prepare(cat, "UPDATE documents SET attempts = MAX(attempts - 1, 0) "
				    "WHERE id = ?", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot uncount the attempt"), err);
	}
	sqlite3_finalize(st);
	return lt_cat_end(cat, rc, err);
}

int lt_catalog_requeue(struct lt_catalog *cat, const char *id, struct lt_err *err)
{
	return lt_catalog_requeue_because(cat, id, "a run-wide error stopped the run (not counted)",
					  err);
}

/* Claimed by this many runs that died: from now on it runs alone. Two, not
 * one: after a single crash the culprit cannot be told from its neighbours,
 * but a neighbour that reaches two runs alone next time and succeeds, while
 * the culprit dies alone and reaches LT_MAX_ATTEMPTS. */
#define SUSPECT_ATTEMPTS 2

int lt_catalog_claim(struct lt_catalog *cat, struct lt_doc **out, int *wait, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	struct lt_doc *doc = NULL;
	char id[LT_DOC_ID_LEN + 1] = "", detail[32];
	int rc, s, in_hand = 0, suspect_in_hand = 0, attempts = 0, relaxed;

	*out = NULL;
	*wait = 0;
	/* A claim need not wait for the disk: one lost to a power cut leaves
	 * the document queued, as the next run would put it back anyway (an
	 * outside kill is not counted against it), and WAL keeps the catalog
	 * consistent. The next commit with synchronous = FULL (the document's
	 * own archiving) makes it durable with itself. That keeps the fsync,
	 * milliseconds on most disks, out of the write lock workers share. */
	/* Inside a caller's transaction (lt_cat_begin nests as a savepoint)
	 * the safety level cannot change, and that commit is the caller's. */
	relaxed = sqlite3_get_autocommit(cat->db);
	rc = relaxed ? lt_cat_exec(cat, "PRAGMA synchronous = NORMAL", err) : LT_OK;
	if (!rc)
		rc = lt_cat_begin(cat, err);
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_CLAIM_IN_HAND, &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, lt_doc_state_name(LT_PROCESSING), -1, SQLITE_STATIC);
		if ((s = sqlite3_step(st)) == SQLITE_ROW) {
			in_hand = sqlite3_column_int(st, 0);
			suspect_in_hand = sqlite3_column_int(st, 1) > SUSPECT_ATTEMPTS;
		} else {
			rc = lt_cat_db_error(cat, err, N_("cannot read the queue"));
		}
		lt_cat_put(st);
	}
	if (!rc)
		rc = lt_cat_stmt(cat, LT_ST_CLAIM_NEXT, &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, lt_doc_state_name(LT_QUEUED), -1, SQLITE_STATIC);
		s = sqlite3_step(st);
		if (s == SQLITE_ROW) {
			snprintf(id, sizeof(id), "%s", lt_cat_col_text(st, 0));
			attempts = sqlite3_column_int(st, 1);
		} else if (s != SQLITE_DONE) {
			rc = lt_cat_db_error(cat, err, N_("cannot read the queue"));
		}
		lt_cat_put(st);
	}
	/* A suspect runs alone: wait while anything is in hand beside it. */
	if (!rc && id[0] && (suspect_in_hand || (attempts >= SUSPECT_ATTEMPTS && in_hand > 0))) {
		id[0] = '\0';
		*wait = 1;
	}
	if (!rc && id[0]) {
		snprintf(detail, sizeof(detail), "attempt %d", attempts + 1);
		rc = lt_cat_move(cat, id, LT_PROCESSING, LT_BY_RUN, detail, err);
	}
	if (!rc && id[0])
		rc = lt_cat_stmt(cat, LT_ST_CLAIM_COUNT, &st, err);
	if (!rc && id[0]) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot count the attempt"), err);
		lt_cat_put(st);
	}
	rc = lt_cat_end(cat, rc, err);
	if (relaxed && lt_cat_exec(cat, "PRAGMA synchronous = FULL", rc ? NULL : err) != LT_OK && !rc)
		rc = LT_EDB;
	if (rc)
		return rc;
	if (!id[0])
		return LT_OK;
	doc = lt_doc_new();
	rc = doc ? lt_cat_load_row(cat, id, doc, err)
		: lt_err_set(err, LT_ENOMEM, "out of memory loading document %s", id);
	if (!rc)
		rc = lt_cat_load_sources_and_pages(cat, doc, err);
	if (!rc)
		rc = lt_cat_load_meta(cat, doc, err);
	if (rc) {
		/* Not the document's fault: put it back, uncounted. */
		struct lt_err ignored = { 0 };
		char why[sizeof(ignored.msg) + 32];

		snprintf(why, sizeof(why), "could not be loaded: %s", err ? err->msg : "");
		lt_catalog_requeue_because(cat, id, why, &ignored);
		lt_doc_free(doc);
		return rc;
	}
	*out = doc;
	return LT_OK;
}

int lt_catalog_fail(struct lt_catalog *cat, const char *id, const char *stage,
		    const char *reason, struct lt_err *err)
{
	char detail[768];
	int rc;

	snprintf(detail, sizeof(detail), "%s: %s", stage, reason);
	rc = lt_cat_begin(cat, err);
	if (!rc)
		rc = lt_cat_move(cat, id, LT_FAILED, LT_BY_RUN, detail, err);
	return lt_cat_end(cat, rc, err);
}
