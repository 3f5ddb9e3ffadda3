/* catalog_state.c - the only code that writes documents.state. Each move is
 * looked up in state.h's table and recorded with its event, inside the
 * caller's transaction, so a state never changes without its history. */
#include "catalog_int.h"

#include <stdio.h>
#include <string.h>

#include "luutru/fsutil.h"

int lt_cat_add_event(struct lt_catalog *cat, const char *id, const struct lt_event *e,
		     struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_stmt(cat, LT_ST_EVENT, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, lt_catalog_agent(), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->detail ? e->detail : "", -1, SQLITE_STATIC);
	rc = lt_cat_step_done(cat, st, N_("cannot record an event"), err);
	lt_cat_put(st);
	return rc;
}

static int record(struct lt_catalog *cat, const char *id, const struct lt_transition *t,
		  const char *at, const char *detail, struct lt_err *err)
{
	struct lt_event e = { .type = (char *)t->event, .outcome = (char *)t->outcome,
			      .detail = (char *)detail };

	snprintf(e.at, sizeof(e.at), "%s", at);
	return lt_cat_add_event(cat, id, &e, err);
}

static int state_of(struct lt_catalog *cat, const char *id, enum lt_doc_state *s, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_stmt(cat, LT_ST_STATE_OF, &st, err), step;

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		rc = lt_err_set(err, LT_ENOTFOUND, "no document '%s' in the catalog", id);
	else if (step != SQLITE_ROW)
		rc = lt_cat_db_error(cat, err, N_("cannot read a document's state"));
	else if (!lt_doc_state_parse(lt_cat_col_text(st, 0), s))
		rc = lt_err_set(err, LT_EDB, "document %s has an unknown state '%s'", id,
				lt_cat_col_text(st, 0));
	lt_cat_put(st);
	return rc;
}

int lt_cat_move(struct lt_catalog *cat, const char *id, enum lt_doc_state to, enum lt_actor by,
		const char *detail, struct lt_err *err)
{
	const struct lt_transition *t = NULL;
	enum lt_doc_state from;
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = state_of(cat, id, &from, err);

	if (!rc)
		rc = lt_state_check(id, (int)from, to, by, &t, err);
	if (rc)
		return rc;
	lt_now_iso8601(now);
	rc = lt_cat_stmt(cat, LT_ST_MOVE, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, lt_doc_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, t->failure == LT_FAILURE_SET ? 1 : t->failure == LT_FAILURE_CLEAR ? 2 : 0);
	sqlite3_bind_text(st, 4, detail ? detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, lt_doc_state_name(from), -1, SQLITE_STATIC);
	rc = lt_cat_step_done(cat, st, N_("cannot change a document's state"), err);
	/* Read and written under the same write lock: nobody moved it between. */
	if (!rc && sqlite3_changes(cat->db) != 1)
		rc = lt_err_set(err, LT_EINTERNAL, "document %s left %s under our feet", id,
				lt_doc_state_name(from));
	lt_cat_put(st);
	if (!rc)
		rc = record(cat, id, t, now, detail, err);
	return rc;
}

int lt_cat_insert_queued(struct lt_catalog *cat, int64_t batch_id, const struct lt_doc *doc,
			 const char *detail, int *added, struct lt_err *err)
{
	const struct lt_transition *t = NULL;
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = lt_state_check(doc->id, LT_STATE_NEW, LT_QUEUED, LT_BY_INGEST, &t, err);

	*added = 0;
	if (rc)
		return rc;
	lt_now_iso8601(now);
	rc = lt_cat_prepare(cat, "INSERT INTO documents(id, batch_id, label, origin, state, created, updated) "
				 "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, batch_id);
	sqlite3_bind_text(st, 3, doc->label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, doc->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, lt_doc_state_name(t->to), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	rc = lt_cat_step_done(cat, st, N_("cannot add the document"), err);
	if (!rc)
		*added = sqlite3_changes(cat->db) > 0;
	sqlite3_finalize(st);
	if (!rc && *added)
		rc = record(cat, doc->id, t, now, detail, err);
	return rc;
}

int lt_cat_insert_rebuilt(struct lt_catalog *cat, const struct lt_doc *doc, const char *created,
			  const struct lt_transition **move, struct lt_err *err)
{
	const struct lt_transition *t = NULL;
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = lt_state_check(doc->id, LT_STATE_NEW, LT_ARCHIVED, LT_BY_REBUILD, &t, err);

	*move = t;
	if (rc)
		return rc;
	lt_now_iso8601(now);
	rc = lt_cat_prepare(cat, "INSERT INTO documents(id, batch_id, label, origin, state, lang, "
			    "created, updated) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, doc->label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, doc->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, lt_doc_state_name(t->to), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, doc->lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, created, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if ((sqlite3_extended_errcode(cat->db) & 0xff) == SQLITE_CONSTRAINT)
			rc = lt_err_set(err, LT_EDB, "document %s is already in the catalog", doc->id);
		else
			rc = lt_cat_db_error(cat, err, N_("cannot add the document"));
	}
	sqlite3_finalize(st);
	return rc;
}
