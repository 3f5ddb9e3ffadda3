/* test_shard.c - unit tests for shard.h on a real catalog and real files in
 * a temp folder: document records round-trip (a path that is not UTF-8
 * included) and bad ones are refused; a plan leases the queue balanced by
 * pages and a claim then finds nothing; a shard's run reads its work list,
 * keeps its journal across a line cut short by a kill, removes bundles no
 * line names, and writes DONE; merge fails what the shard failed, refuses a
 * bundle that is not there, closes the plan, and a second merge and a
 * cancel change nothing more. No OCR, no images: the documents are built by
 * hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/shard.h"

struct fx {
	char dir[64];
	char archive[128];
	char plan[128];
	struct lt_catalog *cat;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct lt_err err = { 0 };

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lt-test-shard.XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->archive, sizeof(fx->archive), "%s/archive", fx->dir);
	snprintf(fx->plan, sizeof(fx->plan), "%s/plan", fx->dir);
	if (lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &fx->cat, &err) != LT_OK) {
		print_error("open: %s\n", err.msg);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	int rc;

	lt_catalog_close(fx->cat);
	rc = lt_remove_tree(fx->dir, &err) == LT_OK ? 0 : -1;
	free(fx);
	return rc;
}

static struct lt_doc *make_doc(const char *label, const int *pages, size_t n_sources)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };
	char origin[256];

	assert_non_null(doc);
	snprintf(origin, sizeof(origin), "/srv/inbox/%s", label);
	for (size_t i = 0; i < n_sources; i++) {
		char path[300], seed[300], sha[LT_SHA256_HEX];

		snprintf(path, sizeof(path), "%s/page-%zu.png", origin, i + 1);
		snprintf(seed, sizeof(seed), "%s#%zu", label, i);
		assert_int_equal(lt_sha256_mem(seed, strlen(seed), sha, &err), LT_OK);
		assert_int_equal(lt_doc_add_source(doc, path, sha, 1000 * (i + 1), pages[i], "png", &err), LT_OK);
		assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	}
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup(label, &doc->label, &err), LT_OK);
	assert_int_equal(lt_strdup(origin, &doc->origin, &err), LT_OK);
	return doc;
}

static void queue(struct fx *fx, const char *label, int pages, char id[LT_DOC_ID_LEN + 1])
{
	struct lt_doc *doc = make_doc(label, &pages, 1);
	struct lt_err err = { 0 };
	int64_t batch = 0;
	int added = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	assert_int_equal(lt_catalog_add_document(fx->cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	memcpy(id, doc->id, LT_DOC_ID_LEN + 1);
	lt_doc_free(doc);
}

static int64_t raw_int(const struct fx *fx, const char *sql)
{
	char path[200];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v;

	snprintf(path, sizeof(path), "%s/catalog.sqlite", fx->archive);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* ---- records ---- */

static void test_record_round_trip(void **state)
{
	const int pages[] = { 2 };
	struct lt_doc *doc = make_doc("cong-van-12", pages, 1), *back = NULL;
	struct lt_err err = { 0 };
	char sha[LT_SHA256_HEX];
	json_t *j;

	(void)state;
	/* A scan's path is bytes on Linux: not UTF-8 must come back the same. */
	free(doc->sources[0].path);
	assert_int_equal(lt_strdup("/srv/inbox/c\xf4ng-v\xe3n/page-1.png", &doc->sources[0].path, &err), LT_OK);
	for (size_t i = 0; i < doc->n_pages; i++) {
		doc->pages[i].width = 2480;
		doc->pages[i].dpi = 300;
		doc->pages[i].quality = 0.75;
		assert_int_equal(lt_strdup(i ? "Nơi nhận:\n- Như trên;" : "ỦY BAN NHÂN DÂN", &doc->pages[i].text,
					   &err), LT_OK);
	}
	assert_int_equal(lt_strdup("{\"dpi\":300}", &doc->pages[1].technical, &err), LT_OK);
	assert_int_equal(lt_strdup("blank", &doc->pages[1].review, &err), LT_OK);
	assert_int_equal(lt_doc_add_event(doc, "ocr", "2026-12-01T04:00:00Z", "warning", "page 2 blank",
					  &err), LT_OK);
	assert_int_equal(lt_meta_set(&doc->meta, "codeNumber", "12", LT_META_EXTRACTED, NULL, "so-line",
				     0.93, 0, &err), LT_OK);
	doc->bundle.version = 1;
	assert_int_equal(lt_strdup("bundles/ab/x.tar", &doc->bundle.path, &err), LT_OK);
	assert_int_equal(lt_sha256_mem("x", 1, doc->bundle.sha256, &err), LT_OK);
	assert_int_equal(lt_sha256_mem("f", 1, sha, &err), LT_OK);
	assert_int_equal(lt_bundle_add_file(&doc->bundle, "data/METS.xml", 42, sha, &err), LT_OK);

	j = lt_shard_doc_json(doc, 1);
	assert_non_null(j);
	assert_int_equal(lt_shard_doc_parse(j, "test", &back, &err), LT_OK);
	assert_string_equal(back->id, doc->id);
	assert_string_equal(back->sources[0].path, doc->sources[0].path);
	assert_string_equal(back->sources[0].sha256, doc->sources[0].sha256);
	assert_int_equal(back->n_pages, 2);
	assert_string_equal(back->pages[1].text, "Nơi nhận:\n- Như trên;");
	assert_string_equal(back->pages[1].review, "blank");
	assert_string_equal(back->pages[1].technical, "{\"dpi\":300}");
	assert_true(back->pages[0].quality > 0.74 && back->pages[0].quality < 0.76);
	assert_true(back->pages[0].confidence < 0);  /* unknown stays unknown */
	assert_int_equal(back->n_events, 1);
	assert_string_equal(back->events[0].detail, "page 2 blank");
	assert_string_equal(lt_meta_value(&back->meta, "codeNumber"), "12");
	assert_int_equal(lt_meta_get(&back->meta, "codeNumber")->source, LT_META_EXTRACTED);
	assert_string_equal(back->bundle.path, "bundles/ab/x.tar");
	assert_int_equal(back->bundle.n_files, 1);
	assert_int_equal(back->bundle.files[0].size, 42);
	lt_doc_free(back);

	/* Refused, naming what was read: a page count the sources do not have,
	 * an id that is not one. */
	json_array_remove(json_object_get(j, "pages"), 1);
	assert_int_equal(lt_shard_doc_parse(j, "worklist.json", &back, &err), LT_EINPUT);
	assert_null(back);
	assert_non_null(strstr(err.msg, "worklist.json"));
	json_object_set_new(j, "id", json_string("../../etc"));
	assert_int_equal(lt_shard_doc_parse(j, "worklist.json", &back, &err), LT_EINPUT);
	json_decref(j);
	lt_doc_free(doc);
}

/* ---- plan, shard run, merge ---- */

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void test_plan_run_merge(void **state)
{
	struct fx *fx = *state;
	struct lt_shard_opts opts = { .archive = fx->archive, .dir = fx->plan, .tasks = 2 };
	struct lt_plan plan, again;
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;
	struct lt_shard_run *sr = NULL;
	struct lt_merge_report rep;
	char ids[4][LT_DOC_ID_LEN + 1], path[300], stray[300];
	int wait = 0, left = 0, left_pages = 0, done = 0, returned = 0;
	struct lt_plan_status *plans = NULL;
	size_t n_plans = 0;

	queue(fx, "a", 5, ids[0]);
	queue(fx, "b", 3, ids[1]);
	queue(fx, "c", 2, ids[2]);
	queue(fx, "d", 1, ids[3]);
	assert_int_equal(lt_shard_plan(fx->cat, &opts, &plan, &err), LT_OK);
	/* Longest first into the lightest shard (fewer documents on a tie):
	 * 5 | 3, then 2 beside the 3, then 1 beside the 5. */
	assert_int_equal(plan.tasks, 2);
	assert_int_equal(plan.shards[0].pages, 6);
	assert_int_equal(plan.shards[0].documents, 2);
	assert_int_equal(plan.shards[1].pages, 5);
	assert_int_equal(plan.shards[1].documents, 2);
	assert_int_equal(raw_int(fx, "SELECT COUNT(*) FROM documents WHERE lease IS NOT NULL"), 4);
	/* A local run finds nothing to claim. */
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_null(doc);
	assert_int_equal(wait, 0);
	/* Nothing left: a second plan is refused and leases nothing. */
	opts.dir = path;
	snprintf(path, sizeof(path), "%s/plan-b", fx->dir);
	assert_int_equal(lt_shard_plan(fx->cat, &opts, &again, &err), LT_ENOTFOUND);
	assert_int_equal(access(path, F_OK), -1);
	/* Nor into a folder that holds a plan. */
	opts.dir = fx->plan;
	assert_int_equal(lt_shard_plan(fx->cat, &opts, &again, &err), LT_EINPUT);

	/* Shard 1: a kill left a line cut short and a bundle no line names. */
	snprintf(path, sizeof(path), "%s/1", fx->plan);
	assert_int_equal(lt_shard_run_open(path, &sr, &err), LT_OK);
	assert_int_equal(lt_shard_run_recover(sr, &err), LT_OK);
	assert_int_equal(lt_shard_run_next(sr, &doc, &err), LT_OK);
	assert_non_null(doc);
	assert_string_equal(doc->id, ids[1]);
	assert_int_equal(doc->n_events, 0);
	assert_int_equal(lt_shard_run_failed(sr, doc, "load", "cannot decode 'page-1.png'", &err), LT_OK);
	lt_doc_free(doc);
	lt_shard_run_free(sr);
	snprintf(path, sizeof(path), "%s/1/journal.jsonl", fx->plan);
	append(path, "{\"id\":\"");
	snprintf(path, sizeof(path), "%s/1/bundles/ab", fx->plan);
	assert_int_equal(lt_mkdir_p(path, 0755, &err), LT_OK);
	snprintf(stray, sizeof(stray), "%s/1/bundles/ab/%s.tar", fx->plan, ids[2]);
	write_file(stray, "half", 4);

	snprintf(path, sizeof(path), "%s/1", fx->plan);
	assert_int_equal(lt_shard_run_open(path, &sr, &err), LT_OK);
	assert_int_equal(lt_shard_run_recover(sr, &err), LT_OK);
	assert_false(exists(stray));
	lt_shard_run_left(sr, &left, &left_pages);
	assert_int_equal(left, 1);
	assert_int_equal(left_pages, 2);
	assert_int_equal(lt_shard_run_finish(sr, &done, &err), LT_OK);
	assert_int_equal(done, 0);
	assert_int_equal(lt_shard_run_next(sr, &doc, &err), LT_OK);
	assert_non_null(doc);
	assert_string_equal(doc->id, ids[2]);
	assert_int_equal(lt_shard_run_failed(sr, doc, "load", "gone", &err), LT_OK);
	lt_doc_free(doc);
	assert_int_equal(lt_shard_run_next(sr, &doc, &err), LT_OK);
	assert_null(doc);
	assert_int_equal(lt_shard_run_finish(sr, &done, &err), LT_OK);
	assert_int_equal(done, 1);
	lt_shard_run_free(sr);

	/* Shard 0: an archived line whose bundle is not there. */
	snprintf(path, sizeof(path), "%s/0", fx->plan);
	assert_int_equal(lt_shard_run_open(path, &sr, &err), LT_OK);
	assert_int_equal(lt_shard_run_recover(sr, &err), LT_OK);
	assert_int_equal(lt_shard_run_next(sr, &doc, &err), LT_OK);
	assert_string_equal(doc->id, ids[0]);
	doc->bundle.version = 1;
	assert_int_equal(lt_strdup("bundles/zz/none.tar", &doc->bundle.path, &err), LT_OK);
	assert_int_equal(lt_sha256_mem("none", 4, doc->bundle.sha256, &err), LT_OK);
	assert_int_equal(lt_shard_run_archived(sr, doc, &err), LT_OK);
	lt_doc_free(doc);
	assert_int_equal(lt_shard_run_finish(sr, &done, &err), LT_OK);
	assert_int_equal(done, 0);
	assert_int_equal(lt_shard_run_next(sr, &doc, &err), LT_OK);
	assert_string_equal(doc->id, ids[3]);
	assert_int_equal(lt_shard_run_failed(sr, doc, "load", "gone", &err), LT_OK);
	lt_doc_free(doc);
	assert_int_equal(lt_shard_run_finish(sr, &done, &err), LT_OK);
	assert_int_equal(done, 1);
	lt_shard_run_free(sr);

	assert_int_equal(lt_catalog_plans_in_flight(fx->cat, &plans, &n_plans, &err), LT_OK);
	assert_int_equal(n_plans, 1);
	assert_int_equal(plans[0].shards[1].leased, 2);
	assert_int_equal(plans[0].shards[1].done, 1);
	lt_plan_statuses_free(plans, n_plans);

	assert_int_equal(lt_shard_merge(fx->cat, fx->archive, fx->plan, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.failed, 3);
	assert_int_equal(rep.refused, 1);
	assert_int_equal(rep.archived, 0);
	assert_int_equal(rep.closed, 1);
	assert_int_equal(raw_int(fx, "SELECT COUNT(*) FROM documents WHERE state = 'failed' "
				 "AND failure LIKE 'load: %'"), 3);
	assert_int_equal(raw_int(fx, "SELECT COUNT(*) FROM documents WHERE state = 'queued' "
				 "AND lease IS NULL"), 1);
	assert_int_equal(raw_int(fx, "SELECT COUNT(*) FROM events WHERE type = 'requeued' "
				 "AND detail LIKE '%missing%'"), 1);
	/* Again: the plan is closed, nothing changes. */
	assert_int_equal(lt_shard_merge(fx->cat, fx->archive, fx->plan, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.failed + rep.refused + rep.archived, 0);
	assert_int_equal(lt_catalog_plans_in_flight(fx->cat, &plans, &n_plans, &err), LT_OK);
	assert_int_equal(n_plans, 0);
	lt_plan_statuses_free(plans, n_plans);
	/* A closed plan has nothing to give back. */
	assert_int_equal(lt_shard_cancel(fx->cat, fx->plan, &returned, &err), LT_OK);
	assert_int_equal(returned, 0);

	/* The refused document can be planned again, and cancelled. */
	opts.dir = path;
	snprintf(path, sizeof(path), "%s/plan-c", fx->dir);
	assert_int_equal(lt_shard_plan(fx->cat, &opts, &again, &err), LT_OK);
	/* Made in the same second by the same process as the first: its own id. */
	assert_string_not_equal(again.id, plan.id);
	assert_int_equal(again.shards[0].documents + again.shards[1].documents, 1);
	assert_int_equal(lt_shard_cancel(fx->cat, path, &returned, &err), LT_OK);
	assert_int_equal(returned, 1);
	assert_int_equal(raw_int(fx, "SELECT COUNT(*) FROM documents WHERE lease IS NOT NULL"), 0);
	assert_int_equal(lt_shard_merge(fx->cat, fx->archive, path, NULL, NULL, &rep, &err), LT_EINPUT);
	lt_plan_release(&again);
	lt_plan_release(&plan);
}

/* A leased document superseded meanwhile (its folder ingested again with
 * other content) only leaves the plan: the merge goes on. */
static void test_superseded_while_leased(void **state)
{
	struct fx *fx = *state;
	struct lt_shard_opts opts = { .archive = fx->archive, .dir = fx->plan, .tasks = 1 };
	struct lt_plan plan;
	struct lt_err err = { 0 };
	struct lt_shard_run *sr = NULL;
	struct lt_doc *doc = NULL;
	struct lt_merge_report rep;
	char id[LT_DOC_ID_LEN + 1], newer[LT_DOC_ID_LEN + 1], path[300];
	int done = 0;

	queue(fx, "a", 2, id);
	assert_int_equal(lt_shard_plan(fx->cat, &opts, &plan, &err), LT_OK);
	queue(fx, "a", 3, newer);   /* same folder, other content: supersedes the leased one */
	assert_int_equal(raw_int(fx, "SELECT COUNT(*) FROM documents WHERE state = 'superseded'"), 1);
	snprintf(path, sizeof(path), "%s/0", fx->plan);
	assert_int_equal(lt_shard_run_open(path, &sr, &err), LT_OK);
	assert_int_equal(lt_shard_run_recover(sr, &err), LT_OK);
	assert_int_equal(lt_shard_run_next(sr, &doc, &err), LT_OK);
	assert_string_equal(doc->id, id);
	assert_int_equal(lt_shard_run_failed(sr, doc, "load", "gone", &err), LT_OK);
	lt_doc_free(doc);
	assert_int_equal(lt_shard_run_finish(sr, &done, &err), LT_OK);
	lt_shard_run_free(sr);
	assert_int_equal(lt_shard_merge(fx->cat, fx->archive, fx->plan, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.refused, 1);
	assert_int_equal(rep.closed, 1);
	assert_int_equal(raw_int(fx, "SELECT COUNT(*) FROM documents WHERE state = 'superseded' "
				 "AND lease IS NULL"), 1);
	/* The newer document was never leased: a local run takes it. */
	assert_int_equal(raw_int(fx, "SELECT COUNT(*) FROM documents WHERE state = 'queued' "
				 "AND lease IS NULL"), 1);
	lt_plan_release(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test_setup_teardown(test_plan_run_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_superseded_while_leased, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
