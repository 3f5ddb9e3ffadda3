/* test_state.c - the document state machine: state.h's table against an
 * independent list of the legal moves, every (from, to) pair tried on a real
 * catalog through its one writer (legal: moved with its event; illegal:
 * refused, nothing changed), and the schema's CHECK list of states against
 * the C table of names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/catalog_int.h"
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/state.h"

#define Q LT_QUEUED
#define P LT_PROCESSING
#define A LT_ARCHIVED
#define F LT_FAILED
#define S LT_SUPERSEDED
#define NEW LT_STATE_NEW

/* Written out here, not taken from state.c: the table must say this. */
static const struct {
	int from;
	enum lt_doc_state to;
	const char *event;
	unsigned actors;
} legal[] = {
	{ NEW, Q, "ingested", LT_BY_INGEST },
	{ Q, P, "claimed", LT_BY_RUN },
	{ P, A, "archived", LT_BY_RUN },
	{ A, A, "archived", LT_BY_RUN },
	{ P, F, "failed", LT_BY_RUN | LT_BY_RECOVERY },
	{ P, Q, "requeued", LT_BY_RUN | LT_BY_RECOVERY },
	{ Q, S, "superseded", LT_BY_INGEST | LT_BY_RETRY },
	{ F, S, "superseded", LT_BY_INGEST | LT_BY_RETRY },
	{ F, Q, "requeued", LT_BY_RETRY },
	{ S, Q, "requeued", LT_BY_RETRY },
	{ NEW, A, "archived", LT_BY_REBUILD },
};
static const enum lt_actor actors[] = { LT_BY_INGEST, LT_BY_RUN, LT_BY_RECOVERY, LT_BY_RETRY,
						LT_BY_REBUILD };

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int expected(int from, enum lt_doc_state to, unsigned *who, const char **event)
{
	for (size_t i = 0; i < N_ELEMS(legal); i++)
		if (legal[i].from == from && legal[i].to == to) {
			*who = legal[i].actors;
			*event = legal[i].event;
			return 1;
		}
	return 0;
}

static void test_table_is_the_list(void **state)
{
	(void)state;
	assert_int_equal(lt_n_transitions, N_ELEMS(legal));
	for (int from = 0; from <= NEW; from++) {
		for (int to = 0; to < LT_N_STATES; to++) {
			const struct lt_transition *t = lt_state_transition(from, (enum lt_doc_state)to);
			const char *event = NULL;
			unsigned who = 0;

			if (!expected(from, (enum lt_doc_state)to, &who, &event)) {
				assert_null(t);
				for (size_t a = 0; a < N_ELEMS(actors); a++) {
					struct lt_err err = { 0 };

					assert_int_equal(lt_state_check("0123456789abcdef", from,
									(enum lt_doc_state)to, actors[a],
									NULL, &err), LT_EINTERNAL);
					assert_non_null(strstr(err.msg, "0123456789abcdef"));
					assert_non_null(strstr(err.msg, "state table"));
				}
				continue;
			}
			assert_non_null(t);
			assert_string_equal(t->event, event);
			assert_int_equal(t->actors, who);
			for (size_t a = 0; a < N_ELEMS(actors); a++)
				assert_int_equal(lt_state_check("x", from, (enum lt_doc_state)to, actors[a],
								NULL, NULL) == LT_OK,
						 (who & (unsigned)actors[a]) != 0);
		}
	}
	/* Names round-trip; nothing else parses. */
	for (int i = 0; i < LT_N_STATES; i++) {
		enum lt_doc_state s = (enum lt_doc_state)99;

		assert_true(lt_doc_state_parse(lt_doc_state_name((enum lt_doc_state)i), &s));
		assert_int_equal(s, i);
	}
	assert_string_equal(lt_doc_state_name((enum lt_doc_state)LT_N_STATES), "unknown");
}

/* ---- on a real catalog ---- */

struct fx {
	char dir[64];
	char archive[128];
	struct lt_catalog *cat;
	int64_t batch;
	int n;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct lt_err err = { 0 };

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lt-test-state.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->archive, sizeof(fx->archive), "%s/archive", fx->dir);
	if (lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &fx->cat, &err) ||
	    lt_catalog_add_batch(fx->cat, "/srv/inbox", &fx->batch, &err)) {
		print_error("%s\n", err.msg);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	int rc;

	lt_catalog_close(fx->cat);
	rc = lt_remove_tree(fx->dir, NULL) == LT_OK ? 0 : -1;
	free(fx);
	return rc;
}

/* A new one-page document from its own origin, label "doc-N". */
static struct lt_doc *new_doc(struct fx *fx, const char *origin)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };
	char label[32], path[300], sha[LT_SHA256_HEX];

	assert_non_null(doc);
	snprintf(label, sizeof(label), "doc-%d", ++fx->n);
	snprintf(path, sizeof(path), "/srv/inbox/%s.png", label);
	assert_int_equal(lt_sha256_mem(label, strlen(label), sha, &err), LT_OK);
	assert_int_equal(lt_doc_add_source(doc, path, sha, 100, 1, "png", &err), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup(label, &doc->label, &err), LT_OK);
	assert_int_equal(lt_strdup(origin ? origin : path, &doc->origin, &err), LT_OK);
	return doc;
}

static enum lt_doc_state state_of(struct fx *fx, const char *id)
{
	enum lt_doc_state s = (enum lt_doc_state)99;
	int found = 0;

	assert_int_equal(lt_catalog_find(fx->cat, id, &found, &s, NULL), LT_OK);
	assert_int_equal(found, 1);
	return s;
}

static void archive(struct fx *fx, struct lt_doc *doc)
{
	struct lt_err err = { 0 };
	char path[64];
	int latest = 0;

	assert_int_equal(lt_catalog_latest_bundle_version(fx->cat, doc->id, &latest, &err), LT_OK);
	lt_bundle_release(&doc->bundle);
	doc->bundle.version = latest + 1;
	snprintf(path, sizeof(path), "bundles/%s-v%d.tar", doc->id, latest + 1);
	assert_int_equal(lt_strdup(path, &doc->bundle.path, &err), LT_OK);
	assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_OK);
}

/* A document in state `s` through the public API; its id in id. */
static void doc_in_state(struct fx *fx, enum lt_doc_state s, char id[LT_DOC_ID_LEN + 1])
{
	struct lt_err err = { 0 };
	struct lt_doc *doc = new_doc(fx, s == S ? "/srv/inbox/shared" : NULL), *claimed = NULL;
	int added = 0, wait = 0;

	memcpy(id, doc->id, LT_DOC_ID_LEN + 1);
	assert_int_equal(lt_catalog_add_document(fx->cat, fx->batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	if (s == S) {
		struct lt_doc *other = new_doc(fx, "/srv/inbox/shared");

		assert_int_equal(lt_catalog_add_document(fx->cat, fx->batch, other, &added, NULL, &err),
				 LT_OK);
		lt_doc_free(other);
	}
	if (s == P || s == A || s == F) {
		/* Nothing else is queued at this point: the claim takes this one. */
		assert_int_equal(lt_catalog_claim(fx->cat, &claimed, &wait, &err), LT_OK);
		assert_non_null(claimed);
		assert_string_equal(claimed->id, id);
	}
	if (s == A)
		archive(fx, claimed);
	if (s == F)
		assert_int_equal(lt_catalog_fail(fx->cat, id, "ocr", "no text", &err), LT_OK);
	lt_doc_free(claimed);
	lt_doc_free(doc);
	assert_int_equal(state_of(fx, id), s);
}

static int64_t count(struct fx *fx, const char *sql, const char *id)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(fx->cat->db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Takes every queued document out of the way (superseded), so the next
 * claim in doc_in_state() takes the document it made. */
static void clear_queue(struct fx *fx)
{
	sqlite3_stmt *st = NULL;
	struct lt_buf ids = LT_BUF_INIT;

	assert_int_equal(sqlite3_prepare_v2(fx->cat->db, "SELECT id FROM documents WHERE state = 'queued'",
					    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		assert_int_equal(lt_buf_append(&ids, sqlite3_column_text(st, 0), LT_DOC_ID_LEN + 1, NULL),
				 LT_OK);
	sqlite3_finalize(st);
	for (size_t i = 0; i < ids.len; i += LT_DOC_ID_LEN + 1) {
		assert_int_equal(lt_cat_begin(fx->cat, NULL), LT_OK);
		assert_int_equal(lt_cat_end(fx->cat, lt_cat_move(fx->cat, ids.data + i, S, LT_BY_INGEST,
								 "out of the way", NULL), NULL), LT_OK);
	}
	lt_buf_release(&ids);
}

static void test_every_pair_on_a_catalog(void **state)
{
	struct fx *fx = *state;

	for (int from = 0; from < LT_N_STATES; from++) {
		for (int to = 0; to < LT_N_STATES; to++) {
			const char *event = NULL;
			unsigned who = 0;
			int ok = expected(from, (enum lt_doc_state)to, &who, &event);

			for (size_t a = 0; a < N_ELEMS(actors); a++) {
				struct lt_err err = { 0 };
				char id[LT_DOC_ID_LEN + 1], before[64], after[64];
				int64_t events;
				int allowed = ok && (who & (unsigned)actors[a]), rc;

				clear_queue(fx);
				doc_in_state(fx, (enum lt_doc_state)from, id);
				events = count(fx, "SELECT COUNT(*) FROM events WHERE document_id = ?", id);
				snprintf(before, sizeof(before), "%lld/%lld",
					 (long long)count(fx, "SELECT attempts FROM documents WHERE id = ?", id),
					 (long long)count(fx, "SELECT failure IS NULL FROM documents WHERE id = ?", id));
				print_message("%s -> %s by %s: %s\n", lt_doc_state_name((enum lt_doc_state)from),
					      lt_doc_state_name((enum lt_doc_state)to), lt_actor_name(actors[a]),
					      allowed ? "legal" : "refused");
				assert_int_equal(lt_cat_begin(fx->cat, &err), LT_OK);
				rc = lt_cat_move(fx->cat, id, (enum lt_doc_state)to, actors[a], "why", &err);
				assert_int_equal(lt_cat_end(fx->cat, rc, &err), rc);
				if (!allowed) {
					assert_int_equal(rc, LT_EINTERNAL);
					assert_non_null(strstr(err.msg, id));
					assert_int_equal(state_of(fx, id), from);
					assert_int_equal(count(fx, "SELECT COUNT(*) FROM events WHERE document_id = ?",
							       id), events);
					snprintf(after, sizeof(after), "%lld/%lld",
						 (long long)count(fx, "SELECT attempts FROM documents WHERE id = ?", id),
						 (long long)count(fx, "SELECT failure IS NULL FROM documents WHERE id = ?", id));
					assert_string_equal(after, before);
					continue;
				}
				assert_int_equal(rc, LT_OK);
				assert_int_equal(state_of(fx, id), to);
				assert_int_equal(count(fx, "SELECT COUNT(*) FROM events WHERE document_id = ?", id),
						 events + 1);
				{
					struct lt_doc *loaded = NULL;

					assert_int_equal(lt_catalog_load(fx->cat, id, &loaded, &err), LT_OK);
					assert_string_equal(loaded->events[loaded->n_events - 1].type, event);
					assert_string_equal(loaded->events[loaded->n_events - 1].detail, "why");
					if (to == F)
						assert_string_equal(loaded->failure, "why");
					lt_doc_free(loaded);
				}
			}
		}
	}
}

/* (new) -> queued is the insert; a second insert of the id changes nothing. */
static void test_new_to_queued(void **state)
{
	struct fx *fx = *state;
	struct lt_doc *doc = new_doc(fx, NULL);
	struct lt_err err = { 0 };
	int added = -1;

	assert_int_equal(lt_cat_begin(fx->cat, &err), LT_OK);
	assert_int_equal(lt_cat_end(fx->cat, lt_cat_insert_queued(fx->cat, fx->batch, doc, "d", &added,
								  &err), &err), LT_OK);
	assert_int_equal(added, 1);
	assert_int_equal(state_of(fx, doc->id), Q);
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM events WHERE document_id = ? AND type = 'ingested'",
			       doc->id), 1);
	assert_int_equal(lt_cat_begin(fx->cat, &err), LT_OK);
	assert_int_equal(lt_cat_end(fx->cat, lt_cat_insert_queued(fx->cat, fx->batch, doc, "d", &added,
								  &err), &err), LT_OK);
	assert_int_equal(added, 0);
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM events WHERE document_id = ?", doc->id), 1);
	/* No such document: not found, not a move. */
	assert_int_equal(lt_cat_begin(fx->cat, &err), LT_OK);
	assert_int_equal(lt_cat_end(fx->cat, lt_cat_move(fx->cat, "ffffffffffffffff", Q, LT_BY_RETRY,
							 NULL, &err), &err), LT_ENOTFOUND);
	lt_doc_free(doc);
}

/* The schema's CHECK (state IN (...)) lists exactly the C table's names. */
static void test_schema_states_are_the_c_table(void **state)
{
	struct fx *fx = *state;
	sqlite3_stmt *st = NULL;
	char list[256] = "", want[256] = "";
	const char *sql, *p, *end;

	assert_int_equal(sqlite3_prepare_v2(fx->cat->db, "SELECT sql FROM sqlite_master WHERE name = 'documents'",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	sql = (const char *)sqlite3_column_text(st, 0);
	p = strstr(sql, "CHECK (state IN (");
	assert_non_null(p);
	p += strlen("CHECK (state IN (");
	end = strchr(p, ')');
	assert_non_null(end);
	snprintf(list, sizeof(list), "%.*s", (int)(end - p), p);
	sqlite3_finalize(st);
	for (int i = 0; i < LT_N_STATES; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s'%s'", i ? ", " : "",
			 lt_doc_state_name((enum lt_doc_state)i));
	assert_string_equal(list, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_the_list),
		cmocka_unit_test_setup_teardown(test_every_pair_on_a_catalog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_to_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_states_are_the_c_table, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
