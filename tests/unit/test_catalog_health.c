/* test_catalog_health.c - catalog_health.c and schemas/catalog/011-health.sql:
 * the status counters kept by triggers stay equal to full counts through
 * ingest, claims, archiving, failure, requeue, supersede, a flagged page and
 * a nested (savepoint) rollback; lt_catalog_maintain() merges the full-text
 * index's segments without losing a word, stops at its time budget, and
 * optimizes to one segment when asked. Real SQLite files in a temp archive,
 * documents built by hand (no OCR). */
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
#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/fts.h"
#include "luutru/hash.h"

struct fx {
	char dir[64];
	char archive[128];
	char db[160];
	struct lt_catalog *cat;
	int64_t batch;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct lt_err err = { 0 };

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lt-test-health.XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->archive, sizeof(fx->archive), "%s/archive", fx->dir);
	snprintf(fx->db, sizeof(fx->db), "%s/catalog.sqlite", fx->archive);
	*state = fx;
	if (lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &fx->cat, &err) != LT_OK ||
	    lt_catalog_add_batch(fx->cat, "/srv/inbox", &fx->batch, &err) != LT_OK) {
		print_error("open: %s\n", err.msg);
		return -1;
	}
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

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* lt_catalog_status() (the counters) against counts made by scanning every
 * row, on a connection of its own. */
static void counts_exact(struct fx *fx)
{
	struct lt_status st;
	struct lt_err err = { 0 };
	sqlite3 *db = NULL;

	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(sqlite3_open_v2(fx->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (int s = 0; s < LT_N_STATES; s++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM documents WHERE state = '%s'",
			 lt_doc_state_name((enum lt_doc_state)s));
		assert_int_equal(st.documents[s], raw_int(db, sql));
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM pages p JOIN documents d "
			 "ON d.id = p.document_id WHERE d.state = '%s'",
			 lt_doc_state_name((enum lt_doc_state)s));
		assert_int_equal(st.pages[s], raw_int(db, sql));
	}
	assert_int_equal(st.bundles, raw_int(db, "SELECT COUNT(*) FROM bundles"));
	assert_int_equal(st.bundle_bytes, raw_int(db, "SELECT COALESCE(SUM(size), 0) FROM bundles"));
	assert_int_equal(st.pages_to_review,
			 raw_int(db, "SELECT COUNT(*) FROM pages p JOIN documents d ON d.id = "
				 "p.document_id WHERE p.review IS NOT NULL AND d.state = 'archived'"));
	sqlite3_close(db);
}

static void fake_sha(const char *seed, char hex[LT_SHA256_HEX])
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_sha256_mem(seed, strlen(seed), hex, &err), LT_OK);
}

/* Queues document `label` (origin /srv/inbox/ORIGIN) of `pages` pages, one
 * source each; `variant` changes its content (a new id, same origin). */
static void queue(struct fx *fx, const char *label, const char *origin, int pages, int variant,
		  char id[LT_DOC_ID_LEN + 1])
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };
	char path[256];
	int added = 0;

	assert_non_null(doc);
	for (int i = 0; i < pages; i++) {
		char src[300], seed[300], sha[LT_SHA256_HEX];

		snprintf(src, sizeof(src), "/srv/inbox/%s/%d.png", origin, i + 1);
		snprintf(seed, sizeof(seed), "%s#%d#%d", label, i, variant);
		fake_sha(seed, sha);
		assert_int_equal(lt_doc_add_source(doc, src, sha, 1000, 1, "png", &err), LT_OK);
		assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	}
	snprintf(path, sizeof(path), "/srv/inbox/%s", origin);
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup(label, &doc->label, &err), LT_OK);
	assert_int_equal(lt_strdup(path, &doc->origin, &err), LT_OK);
	assert_int_equal(lt_catalog_add_document(fx->cat, fx->batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	memcpy(id, doc->id, LT_DOC_ID_LEN + 1);
	lt_doc_free(doc);
}

/* Claims the next document and archives it with `text` on every page, a
 * flag on page 1 when flag is set, bundle version `version`. Returns
 * lt_catalog_archive()'s code. */
static int claim_and_archive(struct fx *fx, const char *text, int flag, int version)
{
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	char bundle[96], sha[LT_SHA256_HEX];
	int wait = 0, rc;

	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_non_null(doc);
	for (size_t i = 0; i < doc->n_pages; i++)
		assert_int_equal(lt_strdup(text, &doc->pages[i].text, &err), LT_OK);
	if (flag)
		assert_int_equal(lt_strdup("blank page", &doc->pages[0].review, &err), LT_OK);
	snprintf(bundle, sizeof(bundle), "bundles/%s-%d.tar", doc->id, version);
	doc->bundle.version = version;
	assert_int_equal(lt_strdup(bundle, &doc->bundle.path, &err), LT_OK);
	doc->bundle.size = 1000 + doc->n_pages;
	fake_sha(bundle, doc->bundle.sha256);
	snprintf(doc->bundle.created, sizeof(doc->bundle.created), "2026-12-01T00:00:00+07:00");
	fake_sha("bagit", sha);
	assert_int_equal(lt_bundle_add_file(&doc->bundle, "bagit.txt", 55, sha, &err), LT_OK);
	rc = lt_catalog_archive(fx->cat, doc, &err);
	lt_doc_free(doc);
	return rc;
}

static void claim_and_fail(struct fx *fx)
{
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	int wait = 0;

	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_non_null(doc);
	assert_int_equal(lt_catalog_fail(fx->cat, doc->id, "ocr", "unreadable scan", &err), LT_OK);
	lt_doc_free(doc);
}

static void test_counts_follow_every_move(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_doc *scanned = NULL;
	char a[LT_DOC_ID_LEN + 1], b[LT_DOC_ID_LEN + 1], c[LT_DOC_ID_LEN + 1], d[LT_DOC_ID_LEN + 1];
	struct lt_status st;
	int requeued = 0, superseded = 0;

	counts_exact(fx);
	queue(fx, "a", "a", 3, 0, a);
	queue(fx, "b", "b", 2, 0, b);
	queue(fx, "c", "c", 1, 0, c);
	counts_exact(fx);
	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.documents[LT_QUEUED], 3);
	assert_int_equal(st.pages[LT_QUEUED], 6);

	assert_int_equal(claim_and_archive(fx, "Quyết định về lưu trữ", 1, 1), LT_OK); /* a */
	counts_exact(fx);
	claim_and_fail(fx); /* b */
	counts_exact(fx);
	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.pages[LT_ARCHIVED], 3);
	assert_int_equal(st.pages[LT_FAILED], 2);
	assert_int_equal(st.pages_to_review, 1);
	assert_int_equal(st.bundles, 1);
	assert_int_equal(st.bundle_bytes, 1003);

	/* b comes back (requeue), then its origin is ingested with other
	 * content: b is superseded by d. */
	assert_int_equal(lt_catalog_load(fx->cat, b, &scanned, &err), LT_OK);
	assert_int_equal(lt_catalog_retry(fx->cat, scanned, &requeued, &superseded, &err), LT_OK);
	lt_doc_free(scanned);
	assert_int_equal(requeued, 1);
	counts_exact(fx);
	queue(fx, "b again", "b", 4, 1, d);
	counts_exact(fx);
	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.documents[LT_SUPERSEDED], 1);
	assert_int_equal(st.pages[LT_SUPERSEDED], 2);

	/* A flag cleared on an archived page, set on another. */
	assert_int_equal(lt_cat_exec(fx->cat, "UPDATE pages SET review = NULL WHERE review IS NOT NULL", &err), LT_OK);
	counts_exact(fx);
	assert_int_equal(lt_cat_exec(fx->cat, "UPDATE pages SET review = 'garbage' WHERE number = 2 "
				     "AND document_id IN (SELECT id FROM documents WHERE state = 'archived')",
				     &err), LT_OK);
	counts_exact(fx);

	/* c, then d (four pages, queued after the supersede) archived. */
	assert_int_equal(claim_and_archive(fx, "Chỉ thị", 0, 1), LT_OK);
	assert_int_equal(claim_and_archive(fx, "Báo cáo", 1, 1), LT_OK);
	counts_exact(fx);
	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.pages[LT_ARCHIVED], 3 + 1 + 4);
	assert_int_equal(st.documents[LT_QUEUED], 0);
	(void)c;
}

/* A document archived inside a bulk load's transaction is a savepoint: a
 * refused one rolls back alone, its counts with it. */
static void test_nested_rollback_keeps_counts(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_status st;
	char a[LT_DOC_ID_LEN + 1], b[LT_DOC_ID_LEN + 1];

	queue(fx, "a", "a", 2, 0, a);
	queue(fx, "b", "b", 3, 0, b);
	assert_int_equal(lt_cat_exec(fx->cat, "BEGIN IMMEDIATE", &err), LT_OK);
	assert_int_equal(claim_and_archive(fx, "một", 0, 1), LT_OK);
	/* Version 5 is not the next bundle version: refused, rolled back. */
	assert_int_equal(claim_and_archive(fx, "hai", 0, 5), LT_EINTERNAL);
	assert_false(sqlite3_get_autocommit(fx->cat->db));
	assert_int_equal(lt_cat_exec(fx->cat, "COMMIT", &err), LT_OK);
	counts_exact(fx);
	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.documents[LT_ARCHIVED], 1);
	assert_int_equal(st.documents[LT_PROCESSING], 1);
	assert_int_equal(st.bundles, 1);
}

static int64_t segments(struct fx *fx)
{
	sqlite3 *db = NULL;
	int64_t n;

	assert_int_equal(sqlite3_open_v2(fx->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	n = raw_int(db, "SELECT COUNT(DISTINCT segid) FROM page_text_idx");
	sqlite3_close(db);
	return n;
}

static size_t hits(struct fx *fx, const char *q)
{
	struct lt_err err = { 0 };
	struct lt_hit *h = NULL;
	size_t n = 0;

	assert_int_equal(lt_catalog_search(fx->cat, q, 100, &h, &n, &err), LT_OK);
	lt_hits_free(h, n);
	return n;
}

static void integrity_ok(struct fx *fx)
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_cat_exec(fx->cat, "INSERT INTO page_text(page_text, rank) "
				     "VALUES ('integrity-check', 1)", &err), LT_OK);
}

/* 20 documents, one commit each: the index holds several segments. */
static void archive_twenty(struct fx *fx)
{
	for (int i = 0; i < 20; i++) {
		char label[32], id[LT_DOC_ID_LEN + 1], text[128];

		snprintf(label, sizeof(label), "doc-%02d", i);
		queue(fx, label, label, 1, 0, id);
		snprintf(text, sizeof(text), "Công văn số %d về chỉnh lý tài liệu %s", i,
			 i % 2 ? "Đà Nẵng" : "Quảng Ngãi");
		assert_int_equal(claim_and_archive(fx, text, 0, 1), LT_OK);
	}
}

static void test_maintain_merges(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_upkeep up = { 0 };
	int64_t before;

	archive_twenty(fx);
	before = segments(fx);
	print_message("segments before: %lld\n", (long long)before);
	assert_true(before >= 3);
	assert_int_equal(hits(fx, "chinh ly"), 20);
	assert_int_equal(hits(fx, "Đà Nẵng"), 10);

	/* No time at all: stops before any step, and says it did not finish. */
	assert_int_equal(lt_catalog_maintain(fx->cat, 0, 1e-9, &up, &err), LT_OK);
	assert_int_equal(up.merge_steps, 0);
	assert_int_equal(up.finished, 0);
	assert_int_equal(segments(fx), before);

	assert_int_equal(lt_catalog_maintain(fx->cat, 0, 0, &up, &err), LT_OK);
	print_message("segments after: %lld in %d steps\n", (long long)segments(fx), up.merge_steps);
	assert_int_equal(up.finished, 1);
	assert_true(up.merge_steps > 0);
	assert_true(segments(fx) < before);
	assert_int_equal(hits(fx, "chinh ly"), 20);
	assert_int_equal(hits(fx, "Đà Nẵng"), 10);
	integrity_ok(fx);
	/* ANALYZE ran: the planner has statistics. */
	assert_int_equal(lt_cat_exec(fx->cat, "SELECT * FROM sqlite_stat1 LIMIT 1", &err), LT_OK);

	/* Nothing left: a second upkeep finds no work. */
	assert_int_equal(lt_catalog_maintain(fx->cat, 0, 0, &up, &err), LT_OK);
	assert_int_equal(up.merge_steps, 0);
	assert_int_equal(up.finished, 1);
}

static void test_maintain_full_and_after_run(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_upkeep up = { 0 };

	archive_twenty(fx);
	assert_true(segments(fx) > 1);
	assert_int_equal(lt_catalog_maintain(fx->cat, 1, 0, &up, &err), LT_OK);
	assert_int_equal(segments(fx), 1);
	assert_int_equal(hits(fx, "quang ngai"), 10);
	integrity_ok(fx);

	/* The run's upkeep opens the archive itself, beside this connection. */
	for (int i = 20; i < 30; i++) {
		char label[32], id[LT_DOC_ID_LEN + 1];

		snprintf(label, sizeof(label), "doc-%02d", i);
		queue(fx, label, label, 1, 0, id);
		assert_int_equal(claim_and_archive(fx, "Biên bản bàn giao", 0, 1), LT_OK);
	}
	assert_true(segments(fx) > 1);
	lt_catalog_maintain_after_run(fx->archive, 10);
	assert_true(segments(fx) <= 2);
	assert_int_equal(hits(fx, "bien ban"), 10);
	integrity_ok(fx);
	/* Nothing archived: nothing done (and no catalog opened). */
	lt_catalog_maintain_after_run("/nonexistent/archive", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_follow_every_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_rollback_keeps_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maintain_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maintain_full_and_after_run, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
