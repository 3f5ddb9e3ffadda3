/* test_catalog.c - unit tests for catalog.h on real SQLite files in a temp
 * archive: opening and schema versioning (checked with a separate raw
 * sqlite3 connection), ingest, claiming, archiving with page text and a
 * bundle, full-text search with and without diacritics, status counts, id
 * prefixes, loading, failing and requeueing. Documents are built by hand;
 * no OCR, no images. */
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
#include <sys/stat.h>
#include <zlib.h>

#include "../../pipeline/catalog_int.h"
#include "luutru/catalog.h"
#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/fts.h"
#include "luutru/hash.h"
#include "luutru/text.h"

/* lt_catalog_claim()'s "wait" output, where a test does not look at it. */
static int claim_wait;

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct fx {
	char dir[64];
	char archive[128];
	char db[160];
	struct lt_catalog *cat;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lt-test-catalog.XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->archive, sizeof(fx->archive), "%s/archive", fx->dir);
	snprintf(fx->db, sizeof(fx->db), "%s/catalog.sqlite", fx->archive);
	*state = fx;
	return 0;
}

/* setup + an open, empty catalog. */
static int setup_open(void **state)
{
	struct fx *fx;
	struct lt_err err = { 0 };

	if (setup(state))
		return -1;
	fx = *state;
	if (lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &fx->cat, &err) != LT_OK) {
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

/* ---- raw SQLite, to check what the module wrote ---- */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	return db;
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

static void raw_text(sqlite3 *db, const char *sql, char *out, size_t outsize)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, outsize, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* ---- documents built by hand ---- */

static void fake_sha(const char *seed, char hex[LT_SHA256_HEX])
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_sha256_mem(seed, strlen(seed), hex, &err), LT_OK);
}

/* A queued-to-be document `label` with one source per entry of pages[]. */
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
		fake_sha(seed, sha);
		assert_int_equal(lt_doc_add_source(doc, path, sha, 1000 * (i + 1), pages[i], "png", &err), LT_OK);
		assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	}
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup(label, &doc->label, &err), LT_OK);
	assert_int_equal(lt_strdup(origin, &doc->origin, &err), LT_OK);
	return doc;
}

/* Adds a document and returns its id in id (borrowed doc freed). */
static void add_doc(struct lt_catalog *cat, int64_t batch, const char *label, const int *pages,
		    size_t n, char id[LT_DOC_ID_LEN + 1])
{
	struct lt_doc *doc = make_doc(label, pages, n);
	struct lt_err err = { 0 };
	int added = 0;

	assert_int_equal(lt_catalog_add_document(cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	memcpy(id, doc->id, LT_DOC_ID_LEN + 1);
	lt_doc_free(doc);
}

static enum lt_doc_state state_of(struct lt_catalog *cat, const char *id)
{
	struct lt_err err = { 0 };
	enum lt_doc_state s = (enum lt_doc_state)99;
	int found = 0;

	assert_int_equal(lt_catalog_find(cat, id, &found, &s, &err), LT_OK);
	assert_int_equal(found, 1);
	return s;
}

/* Fills a claimed document as the stages of a run would. */
static void fill_run_results(struct lt_doc *doc, const char *const *texts, const char *bundle_path)
{
	struct lt_err err = { 0 };
	char sha[LT_SHA256_HEX];

	for (size_t i = 0; i < doc->n_pages; i++) {
		doc->pages[i].width = 2480;
		doc->pages[i].height = 3508;
		doc->pages[i].dpi = 300;
		doc->pages[i].confidence = 90.5 + (double)i;
		free(doc->pages[i].text);
		assert_int_equal(lt_strdup(texts[i], &doc->pages[i].text, &err), LT_OK);
	}
	free(doc->lang);
	assert_int_equal(lt_strdup("vie+eng", &doc->lang, &err), LT_OK);
	lt_bundle_release(&doc->bundle);
	doc->bundle.version = 1;
	assert_int_equal(lt_strdup(bundle_path, &doc->bundle.path, &err), LT_OK);
	doc->bundle.size = 12345;
	fake_sha(bundle_path, doc->bundle.sha256);
	snprintf(doc->bundle.created, sizeof(doc->bundle.created), "2026-11-27T10:15:02+07:00");
	fake_sha("ocr 1", sha);
	assert_int_equal(lt_bundle_add_file(&doc->bundle, "data/representations/ocr/data/0001.txt",
					    40, sha, &err), LT_OK);
	fake_sha("bagit", sha);
	assert_int_equal(lt_bundle_add_file(&doc->bundle, "bagit.txt", 55, sha, &err), LT_OK);
	assert_int_equal(lt_doc_add_event(doc, "ocr", "2026-11-27T10:15:01+07:00", "success",
					  "2 pages", &err), LT_OK);
	assert_int_equal(lt_doc_add_event(doc, "packaged", "2026-11-27T10:15:02+07:00", "success",
					  bundle_path, &err), LT_OK);
}

/* ---- opening ---- */

static void test_open_read_missing(void **state)
{
	struct fx *fx = *state;
	struct lt_catalog *cat = (struct lt_catalog *)fx;   /* must be reset to NULL */
	struct lt_err err = { 0 };

	/* An existing but empty directory. */
	assert_int_equal(lt_catalog_open(fx->dir, LT_CATALOG_READ, &cat, &err), LT_ENOTFOUND);
	assert_null(cat);
	assert_non_null(strstr(err.msg, "catalog.sqlite"));
	/* A directory that does not exist is not created by READ. */
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &cat, &err), LT_ENOTFOUND);
	assert_null(cat);
	assert_false(exists(fx->archive));
	lt_catalog_close(NULL);
}

static void test_open_errors(void **state)
{
	struct fx *fx = *state;
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	FILE *f;

	/* The archive path is a file: CREATE cannot make the directory. */
	f = fopen(fx->archive, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &cat, &err), LT_EIO);
	assert_null(cat);
	assert_non_null(strstr(err.msg, fx->archive));
	assert_int_equal(remove(fx->archive), 0);

	/* A catalog file that is not a database. */
	assert_int_equal(mkdir(fx->archive, 0755), 0);
	f = fopen(fx->db, "w");
	assert_non_null(f);
	fputs("this is not an SQLite database, just some text long enough to have a header........\n", f);
	fclose(f);
	lt_err_clear(&err);
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &cat, &err), LT_EDB);
	assert_null(cat);
	assert_non_null(strstr(err.msg, fx->db));
}

static void test_open_create(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	sqlite3 *db;
	char mode[16];

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &fx->cat, &err), LT_OK);
	assert_non_null(fx->cat);
	assert_true(exists(fx->db));

	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), LT_CATALOG_VERSION);
	raw_text(db, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	/* 16 KB pages: ~2 KB page rows pack without a quarter of each page
	 * left empty (issue #11). */
	assert_int_equal(raw_int(db, "PRAGMA page_size"), 16384);
	assert_int_equal(raw_int(db, "PRAGMA auto_vacuum"), 2);   /* incremental */
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
				 "('batches', 'documents', 'sources', 'pages', 'bundles', 'files', "
				 "'events', 'page_text')"), 8);
	sqlite3_close(db);

	/* Opening again, either way, keeps the schema as it is. */
	lt_catalog_close(fx->cat);
	fx->cat = NULL;
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &fx->cat, &err), LT_OK);
	lt_catalog_close(fx->cat);
	fx->cat = NULL;
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &fx->cat, &err), LT_OK);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), LT_CATALOG_VERSION);
	sqlite3_close(db);
	assert_string_equal(lt_catalog_agent(), "luutru 0.1.0");
}

static void test_newer_schema_refused(void **state)
{
	struct fx *fx = *state;
	static const enum lt_catalog_mode modes[] = { LT_CATALOG_READ, LT_CATALOG_CREATE };
	struct lt_err err = { 0 };
	char sql[64];
	sqlite3 *db;

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &fx->cat, &err), LT_OK);
	lt_catalog_close(fx->cat);
	fx->cat = NULL;
	db = raw_open(fx->db);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", LT_CATALOG_VERSION + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	for (size_t i = 0; i < N_ELEMS(modes); i++) {
		struct lt_catalog *cat = NULL;

		lt_err_clear(&err);
		assert_int_equal(lt_catalog_open(fx->archive, modes[i], &cat, &err), LT_EDB);
		assert_null(cat);
		assert_non_null(strstr(err.msg, "newer luutru"));
		assert_non_null(strstr(err.msg, fx->db));
	}
	/* Refusing did not touch the version. */
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), LT_CATALOG_VERSION + 1);
	sqlite3_close(db);
}

/* ---- one document from ingest to retrieval ---- */

static const char *const texts_a[] = {
	"Văn phòng Tỉnh ủy\nBáo cáo hội nghị của Đảng bộ",
	"Đà Nẵng, ngày 14 tháng 7 năm 2016\nBan Chấp hành Đảng bộ",
};

/* Snippets mark matches with [ ] around the original, accented words;
 * adjacent matched words share one mark ("[Đà Nẵng]"). */
static const struct {
	const char *query;
	int page;
	const char *in_snippet;
} searches_a[] = {
	{ "van phong", 1, "[Văn phòng] Tỉnh ủy" },
	{ "Văn phòng", 1, "[Văn phòng] Tỉnh ủy" },
	{ "VAN PHONG tinh uy", 1, "[Văn phòng Tỉnh ủy]" },
	{ "da nang", 2, "[Đà Nẵng], ngày" },
	{ "Đà Nẵng", 2, "[Đà Nẵng]" },
	{ "đà nẵng", 2, "[Đà Nẵng]" },
	{ "\"thang 7 nam 2016\"", 2, "ngày 14 [tháng 7 năm 2016]" },
	{ "ban chap hanh", 2, "[Ban Chấp hành] Đảng bộ" },
};

static void test_lifecycle(void **state)
{
	struct fx *fx = *state;
	static const int pages[] = { 1, 1 };
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL, *none = (struct lt_doc *)fx, *loaded = NULL;
	struct lt_hit *hits = NULL;
	struct lt_status st;
	char id[LT_DOC_ID_LEN + 1], got[LT_DOC_ID_LEN + 1], prefix[5], bundle[64];
	enum lt_doc_state s;
	int64_t batch = 0;
	size_t n = 99;
	int found = 42, added = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	assert_true(batch > 0);

	/* Ingest. */
	doc = make_doc("bao-cao-2016", pages, 2);
	memcpy(id, doc->id, sizeof(id));
	assert_int_equal(lt_catalog_find(fx->cat, id, &found, &s, &err), LT_OK);
	assert_int_equal(found, 0);
	assert_int_equal(lt_catalog_add_document(fx->cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	assert_int_equal(lt_catalog_find(fx->cat, id, &found, &s, &err), LT_OK);
	assert_int_equal(found, 1);
	assert_int_equal(s, LT_QUEUED);
	assert_int_equal(lt_catalog_find(fx->cat, id, &found, NULL, &err), LT_OK);   /* state optional */
	/* The same document again (say a concurrent ingest) adds nothing and
	 * leaves the first intact. */
	assert_int_equal(lt_catalog_add_document(fx->cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 0);
	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.documents[LT_QUEUED], 1);
	assert_int_equal(st.pages[LT_QUEUED], 2);
	lt_doc_free(doc);

	/* Claim: the document comes back as processing with sources and pages. */
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	assert_string_equal(doc->id, id);
	assert_int_equal(doc->state, LT_PROCESSING);
	assert_string_equal(doc->label, "bao-cao-2016");
	assert_string_equal(doc->origin, "/srv/inbox/bao-cao-2016");
	assert_int_equal(doc->n_sources, 2);
	assert_string_equal(doc->sources[1].path, "/srv/inbox/bao-cao-2016/page-2.png");
	assert_int_equal(doc->sources[1].size, 2000);
	assert_int_equal(doc->sources[1].page_count, 1);
	{
		char sha[LT_SHA256_HEX];

		fake_sha("bao-cao-2016#1", sha);
		assert_string_equal(doc->sources[1].sha256, sha);
	}
	assert_int_equal(doc->n_pages, 2);
	assert_int_equal(doc->pages[1].number, 2);
	assert_int_equal(doc->pages[1].source, 1);
	assert_int_equal(state_of(fx->cat, id), LT_PROCESSING);
	/* Nothing else queued. */
	assert_int_equal(lt_catalog_claim(fx->cat, &none, &claim_wait, &err), LT_OK);
	assert_null(none);

	/* Archive it with its text, bundle and events. */
	snprintf(bundle, sizeof(bundle), "bundles/%.2s/%s.tar", id, id);
	fill_run_results(doc, texts_a, bundle);
	assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_OK);
	assert_int_equal(state_of(fx->cat, id), LT_ARCHIVED);
	lt_doc_free(doc);
	doc = NULL;

	/* Search, with and without diacritics and đ/d. */
	for (size_t i = 0; i < N_ELEMS(searches_a); i++) {
		print_message("search: %s\n", searches_a[i].query);
		assert_int_equal(lt_catalog_search(fx->cat, searches_a[i].query, 10, &hits, &n, &err), LT_OK);
		assert_int_equal(n, 1);
		assert_string_equal(hits[0].document, id);
		assert_int_equal(hits[0].page, searches_a[i].page);
		assert_string_equal(hits[0].label, "bao-cao-2016");
		assert_non_null(strstr(hits[0].snippet, searches_a[i].in_snippet));
		assert_true(hits[0].score > 0);
		lt_hits_free(hits, n);
	}
	/* Both pages mention the Party (Đảng): limit applies. */
	assert_int_equal(lt_catalog_search(fx->cat, "dang bo", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 2);
	assert_true(hits[0].score >= hits[1].score);
	lt_hits_free(hits, n);
	assert_int_equal(lt_catalog_search(fx->cat, "dang bo", 1, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	lt_hits_free(hits, n);
	/* No hit is not an error; no words is. */
	assert_int_equal(lt_catalog_search(fx->cat, "xyzzy không thấy", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 0);
	lt_hits_free(hits, n);
	assert_int_equal(lt_catalog_search(fx->cat, "- / ,", 10, &hits, &n, &err), LT_EUSAGE);
	assert_null(hits);
	assert_int_equal(n, 0);

	/* Status. */
	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.documents[LT_QUEUED], 0);
	assert_int_equal(st.documents[LT_PROCESSING], 0);
	assert_int_equal(st.documents[LT_ARCHIVED], 1);
	assert_int_equal(st.documents[LT_FAILED], 0);
	assert_int_equal(st.pages[LT_ARCHIVED], 2);
	assert_int_equal(st.bundles, 1);
	assert_int_equal(st.bundle_bytes, 12345);

	/* Resolve by a 4-character prefix and by the full id. */
	memcpy(prefix, id, 4);
	prefix[4] = '\0';
	assert_int_equal(lt_catalog_resolve(fx->cat, prefix, got, &err), LT_OK);
	assert_string_equal(got, id);
	assert_int_equal(lt_catalog_resolve(fx->cat, id, got, &err), LT_OK);
	assert_string_equal(got, id);

	/* Load: everything back. */
	assert_int_equal(lt_catalog_load(fx->cat, id, &loaded, &err), LT_OK);
	assert_non_null(loaded);
	assert_string_equal(loaded->id, id);
	assert_int_equal(loaded->state, LT_ARCHIVED);
	assert_string_equal(loaded->label, "bao-cao-2016");
	assert_string_equal(loaded->lang, "vie+eng");
	assert_null(loaded->failure);
	assert_int_equal(loaded->n_sources, 2);
	assert_int_equal(loaded->n_pages, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(loaded->pages[i].text, texts_a[i]);
		assert_int_equal(loaded->pages[i].width, 2480);
		assert_int_equal(loaded->pages[i].dpi, 300);
		assert_true(loaded->pages[i].confidence > 90.0);
	}
	assert_string_equal(loaded->bundle.path, bundle);
	assert_int_equal(loaded->bundle.size, 12345);
	{
		char sha[LT_SHA256_HEX];

		fake_sha(bundle, sha);
		assert_string_equal(loaded->bundle.sha256, sha);
		assert_string_equal(loaded->bundle.created, "2026-11-27T10:15:02+07:00");
		assert_int_equal(loaded->bundle.n_files, 2);
		assert_string_equal(loaded->bundle.files[0].path, "bagit.txt");
		assert_int_equal(loaded->bundle.files[0].size, 55);
		fake_sha("bagit", sha);
		assert_string_equal(loaded->bundle.files[0].sha256, sha);
		assert_string_equal(loaded->bundle.files[1].path, "data/representations/ocr/data/0001.txt");
	}
	/* Every state change with its event: ingested, claimed, ..., archived. */
	assert_int_equal(loaded->n_events, 5);
	assert_string_equal(loaded->events[0].type, "ingested");
	assert_string_equal(loaded->events[0].outcome, "success");
	assert_string_equal(loaded->events[0].detail, "2 files, 2 pages");
	assert_string_equal(loaded->events[1].type, "claimed");
	assert_string_equal(loaded->events[1].detail, "attempt 1");
	assert_string_equal(loaded->events[2].type, "ocr");
	assert_string_equal(loaded->events[2].at, "2026-11-27T10:15:01+07:00");
	assert_string_equal(loaded->events[3].type, "packaged");
	assert_string_equal(loaded->events[3].detail, bundle);
	assert_string_equal(loaded->events[4].type, "archived");
	assert_non_null(strstr(loaded->events[4].detail, bundle));
	assert_int_equal(loaded->bundle.version, 1);
	lt_doc_free(loaded);

	/* The events carry the agent. */
	{
		sqlite3 *db = raw_open(fx->db);

		assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM events WHERE agent = 'luutru 0.1.0'"), 5);
		sqlite3_close(db);
	}
}

static void test_load_unknown(void **state)
{
	struct fx *fx = *state;
	struct lt_doc *doc = (struct lt_doc *)fx;
	struct lt_err err = { 0 };

	assert_int_equal(lt_catalog_load(fx->cat, "0123456789abcdef", &doc, &err), LT_ENOTFOUND);
	assert_null(doc);
	assert_non_null(strstr(err.msg, "0123456789abcdef"));
}

/* ---- failing and requeueing ---- */

struct each_seen {
	char id[4][LT_DOC_ID_LEN + 1];
	char failure[4][256];
	int pages[4];
	int n;
};

static void collect(void *ud, const char *id, const char *label, const char *failure, int pages)
{
	struct each_seen *seen = ud;

	(void)label;
	if (seen->n < 4) {
		snprintf(seen->id[seen->n], sizeof(seen->id[0]), "%s", id);
		snprintf(seen->failure[seen->n], sizeof(seen->failure[0]), "%s", failure);
		seen->pages[seen->n] = pages;
	}
	seen->n++;
}

static void test_fail_and_requeue(void **state)
{
	struct fx *fx = *state;
	static const int one[] = { 1 }, three[] = { 3 };
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;
	struct lt_status st;
	struct each_seen seen = { 0 };
	char a[LT_DOC_ID_LEN + 1], b[LT_DOC_ID_LEN + 1], c[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	int count = -1, given_up = -1;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "a.tif", three, 1, a);
	add_doc(fx->cat, batch, "b.png", one, 1, b);
	add_doc(fx->cat, batch, "c.png", one, 1, c);

	/* b fails, with its reason kept; only a document in hand can fail. */
	assert_int_equal(lt_catalog_fail(fx->cat, b, "ocr", "page 1: Tesseract found no text", &err),
			 LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "queued to failed"));
	assert_int_equal(state_of(fx->cat, b), LT_QUEUED);
	/* Claimed in order: a, then b. */
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	assert_string_equal(doc->id, a);
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	assert_string_equal(doc->id, b);
	lt_doc_free(doc);
	doc = NULL;
	assert_int_equal(lt_catalog_fail(fx->cat, b, "ocr", "page 1: Tesseract found no text", &err), LT_OK);
	assert_int_equal(state_of(fx->cat, b), LT_FAILED);
	assert_int_equal(lt_catalog_load(fx->cat, b, &doc, &err), LT_OK);
	assert_int_equal(doc->state, LT_FAILED);
	assert_non_null(doc->failure);
	assert_non_null(strstr(doc->failure, "page 1: Tesseract found no text"));
	assert_non_null(strstr(doc->failure, "ocr"));
	assert_int_equal(doc->n_events, 3);
	assert_string_equal(doc->events[1].type, "claimed");
	assert_string_equal(doc->events[2].type, "failed");
	assert_string_equal(doc->events[2].outcome, "failure");
	assert_non_null(strstr(doc->events[2].detail, "Tesseract found no text"));
	lt_doc_free(doc);
	doc = NULL;
	assert_int_equal(lt_catalog_each_in_state(fx->cat, LT_FAILED, 0, collect, &seen, &err), LT_OK);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.id[0], b);
	assert_non_null(strstr(seen.failure[0], "Tesseract found no text"));
	assert_int_equal(seen.pages[0], 1);

	/* Claims skip the failed one and go oldest first. */
	assert_int_equal(lt_catalog_load(fx->cat, a, &doc, &err), LT_OK);
	assert_int_equal(doc->n_pages, 3);
	assert_int_equal(doc->pages[2].index_in_source, 2);
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	assert_string_equal(doc->id, c);
	lt_doc_free(doc);
	assert_int_equal(state_of(fx->cat, a), LT_PROCESSING);
	assert_int_equal(state_of(fx->cat, c), LT_PROCESSING);

	/* One requeued by id; a crashed run leaves the other: both back to queued. */
	assert_int_equal(lt_catalog_requeue(fx->cat, c, &err), LT_OK);
	assert_int_equal(state_of(fx->cat, c), LT_QUEUED);
	assert_int_equal(lt_catalog_requeue_interrupted(fx->cat, 0, &count, &given_up, &err), LT_OK);
	assert_int_equal(count, 1);
	assert_int_equal(given_up, 0);
	assert_int_equal(state_of(fx->cat, a), LT_QUEUED);
	assert_int_equal(state_of(fx->cat, b), LT_FAILED);   /* failed stays failed */
	assert_int_equal(lt_catalog_requeue_interrupted(fx->cat, 0, &count, &given_up, &err), LT_OK);
	assert_int_equal(count, 0);

	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.documents[LT_QUEUED], 2);
	assert_int_equal(st.pages[LT_QUEUED], 4);
	assert_int_equal(st.documents[LT_PROCESSING], 0);
	assert_int_equal(st.documents[LT_FAILED], 1);
	assert_int_equal(st.pages[LT_FAILED], 1);
	assert_int_equal(st.documents[LT_ARCHIVED], 0);
	assert_int_equal(st.bundles, 0);
	assert_int_equal(st.bundle_bytes, 0);

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(lt_catalog_each_in_state(fx->cat, LT_QUEUED, 1, collect, &seen, &err), LT_OK);
	assert_int_equal(seen.n, 1);
}

static void test_two_workers_claim_distinct(void **state)
{
	struct fx *fx = *state;
	static const int one[] = { 1 };
	struct lt_catalog *other = NULL;
	struct lt_err err = { 0 };
	struct lt_doc *d1 = NULL, *d2 = NULL, *d3 = (struct lt_doc *)fx;
	char a[LT_DOC_ID_LEN + 1], b[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "a.png", one, 1, a);
	add_doc(fx->cat, batch, "b.png", one, 1, b);
	/* A second connection, as a second worker has. */
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_WRITE, &other, &err), LT_OK);
	assert_int_equal(lt_catalog_claim(fx->cat, &d1, &claim_wait, &err), LT_OK);
	assert_int_equal(lt_catalog_claim(other, &d2, &claim_wait, &err), LT_OK);
	assert_non_null(d1);
	assert_non_null(d2);
	assert_string_equal(d1->id, a);
	assert_string_equal(d2->id, b);
	assert_int_equal(lt_catalog_claim(other, &d3, &claim_wait, &err), LT_OK);
	assert_null(d3);
	lt_doc_free(d1);
	lt_doc_free(d2);
	lt_catalog_close(other);
}

/* ---- ids and prefixes ---- */

static void add_doc_with_id(struct lt_catalog *cat, int64_t batch, const char *id, const char *label)
{
	static const int one[] = { 1 };
	struct lt_doc *doc = make_doc(label, one, 1);
	struct lt_err err = { 0 };

	snprintf(doc->id, sizeof(doc->id), "%s", id);
	int added = 0;
	assert_int_equal(lt_catalog_add_document(cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	lt_doc_free(doc);
}

static const struct {
	const char *typed;
	int rc;
	const char *want;
} resolve_cases[] = {
	{ "ef01", LT_OK, "ef0123456789abcd" },
	{ "ef0123456789abcd", LT_OK, "ef0123456789abcd" },
	{ "abcd000000000001", LT_OK, "abcd000000000001" },
	{ "abcd0000000000020", LT_EUSAGE, NULL },      /* 17 characters: not an id */
	{ "abcd", LT_EUSAGE, NULL },                   /* ambiguous */
	{ "abcd00000000000", LT_EUSAGE, NULL },
	{ "0000", LT_ENOTFOUND, NULL },                /* could be one; is not */
	{ "zz", LT_EUSAGE, NULL },
	{ "zzzz", LT_EUSAGE, NULL },
	{ "abc", LT_EUSAGE, NULL },                    /* too short */
	{ "", LT_EUSAGE, NULL },
	{ "ef%", LT_EUSAGE, NULL },                    /* no LIKE wildcards */
	{ "ef0_", LT_EUSAGE, NULL },
	{ "%%%%", LT_EUSAGE, NULL },
};

static void test_resolve(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	int64_t batch = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc_with_id(fx->cat, batch, "abcd000000000001", "one");
	add_doc_with_id(fx->cat, batch, "abcd000000000002", "two");
	add_doc_with_id(fx->cat, batch, "ef0123456789abcd", "three");
	for (size_t i = 0; i < N_ELEMS(resolve_cases); i++) {
		char id[LT_DOC_ID_LEN + 1] = "";

		print_message("resolve: '%s'\n", resolve_cases[i].typed);
		lt_err_clear(&err);
		assert_int_equal(lt_catalog_resolve(fx->cat, resolve_cases[i].typed, id, &err),
				 resolve_cases[i].rc);
		if (resolve_cases[i].want)
			assert_string_equal(id, resolve_cases[i].want);
		else
			assert_true(err.msg[0] != '\0');
	}
}

/* ---- archiving again ---- */

static void fts_integrity_ok(const char *dbpath)
{
	sqlite3 *db = raw_open(dbpath);
	struct lt_err err = { 0 };
	char *msg = NULL;
	int rc;

	assert_int_equal(lt_fts_register(db, &err), LT_OK);
	/* Both indexes of the pages' text, against it (015-compact-index.sql). */
	rc = sqlite3_exec(db, "INSERT INTO page_text(page_text, rank) VALUES ('integrity-check', 1); "
			  "INSERT INTO page_exact(page_exact, rank) VALUES ('integrity-check', 1)",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		print_error("integrity-check: %s\n", msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(rc, SQLITE_OK);
}

static size_t hit_count(struct lt_catalog *cat, const char *q)
{
	struct lt_err err = { 0 };
	struct lt_hit *hits = NULL;
	size_t n = 0;

	assert_int_equal(lt_catalog_search(cat, q, 10, &hits, &n, &err), LT_OK);
	lt_hits_free(hits, n);
	return n;
}

static void test_rearchive_new_version(void **state)
{
	struct fx *fx = *state;
	static const int two[] = { 2 };
	static const char *const v1[] = { "Quyết định thành lập", "Sở Tài chính" };
	static const char *const v2[] = { "Quyết định giải thể", "Sở Xây dựng" };
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL, *loaded = NULL;
	struct lt_status st;
	char id[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "quyet-dinh.tif", two, 1, id);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	fill_run_results(doc, v1, "bundles/v1.tar");
	assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_OK);
	assert_int_equal(hit_count(fx->cat, "thanh lap"), 1);
	assert_int_equal(hit_count(fx->cat, "tai chinh"), 1);

	/* Bundle rows are immutable: the same path again, or a version that
	 * does not follow the latest, is refused and changes nothing. */
	{
		int latest = -1;

		assert_int_equal(lt_catalog_latest_bundle_version(fx->cat, id, &latest, &err), LT_OK);
		assert_int_equal(latest, 1);
		doc->bundle.version = 2;        /* new version, recorded path */
		lt_err_clear(&err);
		assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_EDB);
		assert_non_null(strstr(err.msg, "bundles/v1.tar"));
		assert_non_null(strstr(err.msg, "already recorded"));
		fill_run_results(doc, v2, "bundles/v2.tar");
		for (int v = 1; v <= 3; v += 2) {   /* 1: taken; 3: skips 2 */
			doc->bundle.version = v;
			lt_err_clear(&err);
			assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_EINTERNAL);
			assert_non_null(strstr(err.msg, "must be version 2"));
		}
		assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
		assert_int_equal(st.bundles, 1);
		assert_int_equal(hit_count(fx->cat, "thanh lap"), 1);
		assert_int_equal(hit_count(fx->cat, "giai the"), 0);
		assert_int_equal(lt_catalog_load(fx->cat, id, &loaded, &err), LT_OK);
		assert_string_equal(loaded->bundle.path, "bundles/v1.tar");
		assert_int_equal(loaded->n_events, 5);   /* ingested claimed ocr packaged archived */
		lt_doc_free(loaded);
		loaded = NULL;
	}

	/* A re-OCR: new text, newer bundle. The old words leave the index. */
	fill_run_results(doc, v2, "bundles/v2.tar");
	doc->bundle.version = 2;
	assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_OK);
	assert_int_equal(hit_count(fx->cat, "thanh lap"), 0);
	assert_int_equal(hit_count(fx->cat, "tai chinh"), 0);
	assert_int_equal(hit_count(fx->cat, "giai the"), 1);
	assert_int_equal(hit_count(fx->cat, "xay dung"), 1);
	assert_int_equal(hit_count(fx->cat, "quyet dinh"), 1);
	lt_doc_free(doc);
	fts_integrity_ok(fx->db);

	assert_int_equal(lt_catalog_load(fx->cat, id, &loaded, &err), LT_OK);
	assert_string_equal(loaded->bundle.path, "bundles/v2.tar");
	assert_int_equal(loaded->bundle.version, 2);
	assert_string_equal(loaded->pages[1].text, "Sở Xây dựng");
	lt_doc_free(loaded);
	assert_int_equal(lt_catalog_status(fx->cat, &st, &err), LT_OK);
	assert_int_equal(st.bundles, 2);
	assert_int_equal(st.documents[LT_ARCHIVED], 1);
}

static void test_snippet_keeps_literal_brackets(void **state)
{
	struct fx *fx = *state;
	static const int one[] = { 1 };
	static const char *const text[] = { "Căn cứ mục [a] [b] Điều 5, Đà Nẵng" };
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;
	struct lt_hit *hits = NULL;
	char id[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	size_t n = 0;
	int mangled;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "can-cu.png", one, 1, id);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	fill_run_results(doc, text, "bundles/can-cu.tar");
	assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_OK);
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_search(fx->cat, "da nang", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	print_message("snippet: %s\n", hits[0].snippet);
	assert_non_null(strstr(hits[0].snippet, "[Đà Nẵng]"));
	mangled = strstr(hits[0].snippet, "[a] [b]") == NULL;
	lt_hits_free(hits, n);
	/* Brackets in the page text are text, not match marks. */
	assert_false(mangled);
}

/* Archives one single-page document with `text`; returns its id in id. */
static void archive_text(struct lt_catalog *cat, int64_t batch, const char *label, const char *text,
			 char id[LT_DOC_ID_LEN + 1])
{
	static const int one[] = { 1 };
	const char *const texts[] = { text };
	char bundle[64];
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;

	add_doc(cat, batch, label, one, 1, id);
	assert_int_equal(lt_catalog_claim(cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	assert_string_equal(doc->id, id);
	snprintf(bundle, sizeof(bundle), "bundles/%s.tar", label);
	fill_run_results(doc, texts, bundle);
	assert_int_equal(lt_catalog_archive(cat, doc, &err), LT_OK);
	lt_doc_free(doc);
}

static void test_exact_diacritics_rank_first(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_hit *hits = NULL;
	char exact_id[LT_DOC_ID_LEN + 1], folded_id[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	size_t n = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	/* The folded-only page is short and repeats the words, so bm25 alone
	 * would put it first. */
	archive_text(fx->cat, batch, "da-nang.png",
		     "Báo cáo của Văn phòng Tỉnh ủy gửi Thành ủy Đà Nẵng về công tác lưu trữ "
		     "hồ sơ, tài liệu trong năm 2016 và phương hướng năm 2017", exact_id);
	archive_text(fx->cat, batch, "da-nang-2.png", "đã nàng đã nàng", folded_id);

	assert_int_equal(lt_catalog_search(fx->cat, "Đà Nẵng", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 2);
	assert_string_equal(hits[0].document, exact_id);
	assert_true(hits[0].exact);
	assert_string_equal(hits[1].document, folded_id);
	assert_false(hits[1].exact);
	lt_hits_free(hits, n);

	/* Typed without diacritics: nothing is asked of the spelling, so both
	 * pages are as typed (issue 11: "exact" is an index query over the
	 * words typed with diacritics); bm25 decides. */
	assert_int_equal(lt_catalog_search(fx->cat, "da nang", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 2);
	assert_true(hits[0].exact && hits[1].exact);
	assert_string_equal(hits[0].document, folded_id);
	assert_true(hits[0].score >= hits[1].score);
	lt_hits_free(hits, n);

	/* The limit applies after re-ranking: the exact page survives it. */
	assert_int_equal(lt_catalog_search(fx->cat, "ĐÀ NẴNG", 1, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].document, exact_id);
	lt_hits_free(hits, n);

	/* With a filter too, in every plan (the pages as typed are then
	 * looked for among the window's own). */
	for (int plan = LT_PLAN_AUTO; plan <= LT_PLAN_MATCH_CHECKED; plan++) {
		struct lt_search q = { 0 };

		q.text = "Đà Nẵng";
		q.batch = batch;
		q.limit = 1;
		q.plan = plan;
		assert_int_equal(lt_catalog_find_hits(fx->cat, &q, &hits, &n, &err), LT_OK);
		assert_int_equal(n, 1);
		assert_string_equal(hits[0].document, exact_id);
		assert_true(hits[0].exact);
		lt_hits_free(hits, n);
	}
}

/* Archives a claimed document with made-up results and frees it. */
static void archive_claimed(struct lt_catalog *cat, struct lt_doc *doc)
{
	static const char *const texts[] = { "một", "hai", "ba" };
	char bundle[64];
	struct lt_err err = { 0 };

	snprintf(bundle, sizeof(bundle), "bundles/%s.tar", doc->id);
	assert_true(doc->n_pages <= 3);
	fill_run_results(doc, texts, bundle);
	assert_int_equal(lt_catalog_archive(cat, doc, &err), LT_OK);
	lt_doc_free(doc);
}

static void test_attempts_give_up(void **state)
{
	struct fx *fx = *state;
	static const int one[] = { 1 };
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL, *scanned = NULL;
	char id[LT_DOC_ID_LEN + 1], found_id[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	int requeued = -1, given_up = -1, found = 0, again = 0, wait = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "killer.png", one, 1, id);
	/* Claimed by LT_MAX_ATTEMPTS runs that each died while processing it. */
	for (int run = 1; run <= LT_MAX_ATTEMPTS; run++) {
		assert_int_equal(lt_catalog_requeue_interrupted(fx->cat, 0, &requeued, &given_up, &err), LT_OK);
		assert_int_equal(given_up, 0);
		assert_int_equal(requeued, run == 1 ? 0 : 1);
		assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
		assert_non_null(doc);
		assert_int_equal(doc->attempts, run);
		lt_doc_free(doc);
	}
	assert_int_equal(lt_catalog_requeue_interrupted(fx->cat, 0, &requeued, &given_up, &err), LT_OK);
	assert_int_equal(given_up, 1);
	assert_int_equal(requeued, 0);
	assert_int_equal(state_of(fx->cat, id), LT_FAILED);
	assert_int_equal(lt_catalog_load(fx->cat, id, &doc, &err), LT_OK);
	assert_non_null(strstr(doc->failure, "died"));
	assert_string_equal(doc->events[doc->n_events - 1].type, "failed");
	lt_doc_free(doc);

	/* --retry with the scans found elsewhere: queued, attempts reset, and
	 * the run will read them where they are now. */
	scanned = make_doc("killer.png", one, 1);
	assert_string_equal(scanned->id, id);
	free(scanned->sources[0].path);
	scanned->sources[0].path = strdup("/mnt/moved/killer.png");
	free(scanned->origin);
	scanned->origin = strdup("/mnt/moved/killer.png");
	assert_int_equal(lt_catalog_retry(fx->cat, scanned, &again, NULL, &err), LT_OK);
	assert_int_equal(again, 1);
	assert_int_equal(state_of(fx->cat, id), LT_QUEUED);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_non_null(doc);
	assert_int_equal(doc->attempts, 1);
	assert_string_equal(doc->sources[0].path, "/mnt/moved/killer.png");
	assert_string_equal(doc->origin, "/mnt/moved/killer.png");
	lt_doc_free(doc);
	/* Only failed documents are retried. */
	assert_int_equal(lt_catalog_retry(fx->cat, scanned, &again, NULL, &err), LT_OK);
	assert_int_equal(again, 0);

	/* A run-wide error puts it back without counting the attempt. */
	assert_int_equal(lt_catalog_requeue(fx->cat, id, &err), LT_OK);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_non_null(doc);
	assert_int_equal(doc->attempts, 1);
	lt_doc_free(doc);

	/* The document is found by where it came from. */
	assert_int_equal(lt_catalog_find_origin(fx->cat, "/mnt/moved/killer.png", &found, found_id, &err),
			 LT_OK);
	assert_int_equal(found, 1);
	assert_string_equal(found_id, id);
	assert_int_equal(lt_catalog_find_origin(fx->cat, "/srv/inbox/other", &found, found_id, &err), LT_OK);
	assert_int_equal(found, 0);
	lt_doc_free(scanned);
}

/* A document that was in hand when a run died is claimed only alone, after
 * the fresh ones, and nothing is claimed beside it. */
static void test_suspects_run_alone(void **state)
{
	struct fx *fx = *state;
	static const int one[] = { 1 }, two[] = { 2 };
	struct lt_err err = { 0 };
	struct lt_doc *a = NULL, *b = NULL, *c = NULL, *none = NULL;
	char suspect[LT_DOC_ID_LEN + 1], fresh1[LT_DOC_ID_LEN + 1], fresh2[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	int requeued = 0, given_up = 0, wait = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "suspect.png", one, 1, suspect);
	/* In hand when two runs died; a third stopped on purpose (forgiven). */
	for (int run = 0; run < 3; run++) {
		assert_int_equal(lt_catalog_claim(fx->cat, &a, &wait, &err), LT_OK);
		assert_non_null(a);
		lt_doc_free(a);
		assert_int_equal(lt_catalog_requeue_interrupted(fx->cat, run == 2, &requeued, &given_up,
								&err), LT_OK);
		assert_int_equal(requeued, 1);
		assert_int_equal(given_up, 0);
	}
	add_doc(fx->cat, batch, "fresh-1.png", one, 1, fresh1);
	add_doc(fx->cat, batch, "fresh-2.png", two, 1, fresh2);

	/* Fresh documents first, though the suspect is older; the longer first. */
	assert_int_equal(lt_catalog_claim(fx->cat, &a, &wait, &err), LT_OK);
	assert_non_null(a);
	assert_string_equal(a->id, fresh2);
	assert_int_equal(lt_catalog_claim(fx->cat, &b, &wait, &err), LT_OK);
	assert_non_null(b);
	assert_string_equal(b->id, fresh1);
	/* The suspect waits while anything is in hand. */
	assert_int_equal(lt_catalog_claim(fx->cat, &none, &wait, &err), LT_OK);
	assert_null(none);
	assert_int_equal(wait, 1);
	archive_claimed(fx->cat, a);
	assert_int_equal(lt_catalog_claim(fx->cat, &none, &wait, &err), LT_OK);
	assert_null(none);
	assert_int_equal(wait, 1);
	archive_claimed(fx->cat, b);
	/* Alone now. */
	assert_int_equal(lt_catalog_claim(fx->cat, &c, &wait, &err), LT_OK);
	assert_non_null(c);
	assert_string_equal(c->id, suspect);
	assert_int_equal(c->attempts, 3);
	/* Nothing beside it, and once it is done, the queue is empty. */
	add_doc(fx->cat, batch, "late.png", (const int[]){ 3 }, 1, fresh1);
	assert_int_equal(lt_catalog_claim(fx->cat, &none, &wait, &err), LT_OK);
	assert_null(none);
	assert_int_equal(wait, 1);
	archive_claimed(fx->cat, c);
	assert_int_equal(lt_catalog_claim(fx->cat, &a, &wait, &err), LT_OK);
	assert_non_null(a);
	assert_string_equal(a->id, fresh1);
	archive_claimed(fx->cat, a);
	assert_int_equal(lt_catalog_claim(fx->cat, &none, &wait, &err), LT_OK);
	assert_null(none);
	assert_int_equal(wait, 0);
}

static void test_supersede(void **state)
{
	struct fx *fx = *state;
	static const int one[] = { 1 }, two[] = { 2 };
	struct lt_err err = { 0 };
	struct lt_doc *newer = NULL, *doc = NULL;
	char older[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	int added = 0, count = -1, again = 0, wait = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "dossier", one, 1, older);
	/* The same folder with a page more: a document of its own. */
	newer = make_doc("dossier", two, 1);
	assert_string_not_equal(newer->id, older);
	assert_int_equal(lt_catalog_add_document(fx->cat, batch, newer, &added, &count, &err), LT_OK);
	assert_int_equal(added, 1);
	assert_int_equal(count, 1);
	assert_int_equal(state_of(fx->cat, older), LT_SUPERSEDED);
	assert_int_equal(state_of(fx->cat, newer->id), LT_QUEUED);
	assert_int_equal(lt_catalog_load(fx->cat, older, &doc, &err), LT_OK);
	assert_string_equal(doc->events[doc->n_events - 1].type, "superseded");
	assert_non_null(strstr(doc->events[doc->n_events - 1].detail, newer->id));
	lt_doc_free(doc);
	/* The older content back at the origin (a page taken out again): the
	 * older document is current again, and the newer one superseded. */
	doc = make_doc("dossier", one, 1);
	assert_string_equal(doc->id, older);
	assert_int_equal(lt_catalog_retry(fx->cat, doc, &again, &count, &err), LT_OK);
	assert_int_equal(again, 1);
	assert_int_equal(count, 1);
	lt_doc_free(doc);
	assert_int_equal(state_of(fx->cat, older), LT_QUEUED);
	assert_int_equal(state_of(fx->cat, newer->id), LT_SUPERSEDED);
	/* Only the current one is claimed. */
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_non_null(doc);
	assert_string_equal(doc->id, older);
	assert_null(doc->failure);
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_null(doc);
	lt_doc_free(newer);
}

static void test_read_mode_is_read_only(void **state)
{
	struct fx *fx = *state;
	struct lt_catalog *ro = NULL;
	struct lt_status st;
	struct lt_err err = { 0 };
	int64_t batch = 0;

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &ro, &err), LT_OK);
	assert_int_equal(lt_catalog_status(ro, &st, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(ro, "/srv/inbox", &batch, &err), LT_EDB);
	assert_non_null(strstr(err.msg, "readonly"));
	lt_catalog_close(ro);
}

static void test_archive_without_bundle(void **state)
{
	struct fx *fx = *state;
	static const int one[] = { 1 };
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;
	char id[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "x.png", one, 1, id);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	assert_int_not_equal(lt_catalog_archive(fx->cat, doc, &err), LT_OK);
	assert_int_equal(state_of(fx->cat, id), LT_PROCESSING);
	lt_doc_free(doc);
}


/* Metadata: given at ingest, back on the claimed document, the run's
 * extracted values added at commit, all loaded with their provenance; a
 * save inside an open transaction joins it. */
static void test_metadata(void **state)
{
	struct fx *fx = *state;
	static const int pages[] = { 1 };
	static const char *const texts[] = { "Số: 174/QĐ-STC" };
	struct lt_err err = { 0 };
	struct lt_doc *doc = make_doc("quyet-dinh-1127", pages, 1), *got = NULL;
	const struct lt_meta_field *f;
	int64_t batch = 0;
	int added = 0;
	char id[LT_DOC_ID_LEN + 1], text[64];
	sqlite3 *db;

	memcpy(id, doc->id, sizeof(id));
	assert_int_equal(lt_meta_set(&doc->meta, "organName", "Sở Tài chính", LT_META_MANIFEST,
				     "list.csv row 3", NULL, 1, 1, &err), LT_OK);
	assert_int_equal(lt_meta_set(&doc->meta, "maintenance", "01", LT_META_DEFAULT, "--set", NULL,
				     1, 1, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	assert_int_equal(lt_catalog_add_document(fx->cat, batch, doc, &added, NULL, &err), LT_OK);
	lt_doc_free(doc);

	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	assert_int_equal(doc->meta.n, 2);
	f = lt_meta_get(&doc->meta, "organName");
	assert_non_null(f);
	assert_string_equal(f->value, "Sở Tài chính");
	assert_int_equal(f->source, LT_META_MANIFEST);
	assert_string_equal(f->origin, "list.csv row 3");
	assert_int_equal(f->confirmed, 1);
	assert_int_equal(lt_meta_offer(&doc->meta, "codeNumber", "174", LT_META_EXTRACTED, NULL,
				       "state-number", 0.9, NULL, NULL, &err), LT_OK);
	fill_run_results(doc, texts, "bundles/aa/meta.tar");
	assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_OK);
	lt_doc_free(doc);

	assert_int_equal(lt_catalog_load(fx->cat, id, &got, &err), LT_OK);
	assert_int_equal(got->meta.n, 3);
	assert_string_equal(got->meta.fields[0].key, "organName"); /* in the order set */
	f = lt_meta_get(&got->meta, "codeNumber");
	assert_non_null(f);
	assert_int_equal(f->source, LT_META_EXTRACTED);
	assert_string_equal(f->rule, "state-number");
	assert_true(f->confidence > 0.89 && f->confidence < 0.91);
	assert_int_equal(f->confirmed, 0);
	assert_null(f->origin);

	/* The folded copy the search filters use. */
	db = raw_open(fx->db);
	raw_text(db, "SELECT folded FROM metadata WHERE key = 'organName'", text, sizeof(text));
	assert_string_equal(text, "so tai chinh");
	sqlite3_close(db);

	/* Inside a transaction the caller rolls back: nothing stays. */
	lt_meta_unset(&got->meta, "codeNumber");
	assert_int_equal(lt_cat_begin(fx->cat, &err), LT_OK);
	assert_int_equal(lt_catalog_save_meta(fx->cat, id, &got->meta, &err), LT_OK);
	assert_int_equal(lt_cat_end(fx->cat, LT_EINTERNAL, &err), LT_EINTERNAL);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM metadata"), 3);
	sqlite3_close(db);
	/* On its own it commits, and replaces the rows. */
	assert_int_equal(lt_catalog_save_meta(fx->cat, id, &got->meta, &err), LT_OK);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM metadata"), 2);
	sqlite3_close(db);

	/* A secret document is left out of searches unless asked for. */
	{
		struct lt_hit *hits = NULL;
		size_t n = 0;

		assert_int_equal(lt_catalog_search(fx->cat, "STC", 10, &hits, &n, &err), LT_OK);
		assert_int_equal(n, 1);
		lt_hits_free(hits, n);
		assert_int_equal(lt_meta_set(&got->meta, LT_SECRECY_KEY, "mat", LT_META_EXTRACTED, NULL,
					     "stamp", 0.7, 0, &err), LT_OK);
		assert_int_equal(lt_catalog_save_meta(fx->cat, id, &got->meta, &err), LT_OK);
		assert_int_equal(lt_catalog_search(fx->cat, "STC", 10, &hits, &n, &err), LT_OK);
		assert_int_equal(n, 0);
		lt_hits_free(hits, n);
		assert_int_equal(lt_catalog_search_with(fx->cat, "STC", 10, 1, &hits, &n, &err), LT_OK);
		assert_int_equal(n, 1);
		assert_string_equal(hits[0].document, id);
		lt_hits_free(hits, n);
	}
	lt_doc_free(got);
}


/* The search filters of #11 find a key's values through an index, never a
 * scan of the metadata table. */
static void test_metadata_filters_use_index(void **state)
{
	static const struct { const char *sql, *index; } cases[] = {
		/* The documents of a type, a date range or an organ name read off
		 * an index alone (016): no table row per document. */
		{ "SELECT document_id FROM metadata WHERE key = 'issuedDate' "
		  "AND value BETWEEN '2016-01-01' AND '2016-12-31'", "COVERING INDEX metadata_filter" },
		{ "SELECT document_id FROM metadata WHERE key = 'typeName' AND value = '03'",
		  "COVERING INDEX metadata_filter" },
		{ "SELECT document_id FROM metadata WHERE key = 'organName' "
		  "AND folded >= 'tinh uy' AND folded < 'tinh uz'", "COVERING INDEX metadata_organ" },
		{ "SELECT document_id FROM metadata WHERE key = 'organName' AND folded IN "
		  "(SELECT folded FROM organs WHERE instr(folded, 'quang ngai') > 0)",
		  "COVERING INDEX metadata_organ" },
		/* --number: the two keys it reads by their folded value (017). */
		{ "SELECT n.document_id FROM metadata n WHERE n.key = 'codeNumber' "
		  "AND n.folded IN ('5', '05')", "COVERING INDEX metadata_number" },
		{ "SELECT c.document_id FROM metadata c WHERE c.key = 'codeNotation' "
		  "AND replace(c.folded, '/', '') = 'cttw'", "COVERING INDEX metadata_number" },
		{ "SELECT 1 FROM metadata WHERE document_id = 'x' AND key = 'secrecyLevel'",
		  "sqlite_autoindex_metadata_1" },
		/* What a full-text window reads per match (catalog_search.c). */
		{ "SELECT 1 FROM metadata x INDEXED BY metadata_secret WHERE x.document_id = 'x' "
		  "AND x.key = 'secrecyLevel'", "metadata_secret" },
		{ "SELECT 1 FROM documents o INDEXED BY documents_unarchived WHERE o.id = 'x' "
		  "AND o.state <> 'archived'", "documents_unarchived" },
		{ "SELECT document_id, number FROM pages p INDEXED BY pages_window WHERE p.id = 5",
		  "COVERING INDEX pages_window" },
		{ "SELECT 1 FROM metadata INDEXED BY metadata_check WHERE document_id = 'x' "
		  "AND key = 'issuedDate' AND value >= '2016'", "COVERING INDEX metadata_check" },
		{ "SELECT 1 FROM metadata INDEXED BY metadata_check WHERE document_id = 'x' "
		  "AND key = 'organName' AND instr(folded, 'da nang') > 0",
		  "COVERING INDEX metadata_check" },
	};
	struct fx *fx = *state;
	sqlite3 *db = raw_open(fx->db);

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct lt_buf sql = LT_BUF_INIT, plan = LT_BUF_INIT;
		sqlite3_stmt *st = NULL;

		assert_int_equal(lt_buf_printf(&sql, NULL, "EXPLAIN QUERY PLAN %s", cases[i].sql), LT_OK);
		assert_int_equal(sqlite3_prepare_v2(db, sql.data, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW)
			assert_int_equal(lt_buf_puts(&plan, (const char *)sqlite3_column_text(st, 3), NULL), LT_OK);
		sqlite3_finalize(st);
		if (!strstr(lt_buf_str(&plan), cases[i].index))
			fail_msg("%s: plan '%s' does not use %s", cases[i].sql, lt_buf_str(&plan), cases[i].index);
		lt_buf_release(&sql);
		lt_buf_release(&plan);
	}
	sqlite3_close(db);
}

/* ---- schema versions ---- */

/* Made by luutru at 265e336 (schema version 1): ingest + run of
 * chi-thi-05-CT-TW.tif (2 pages) and letter-en.png, then checkpointed into one
 * file. Relative to the repository root, where tests/run.sh runs the tests. */
#define V1_FIXTURE "tests/fixtures/catalog-v1.sqlite"

static void put_v1_fixture(struct fx *fx)
{
	struct lt_buf data = LT_BUF_INIT;

	read_file(V1_FIXTURE, &data);
	assert_true(data.len > 0);
	assert_int_equal(mkdir(fx->archive, 0755), 0);
	write_file(fx->db, data.data, data.len);
	lt_buf_release(&data);
}

static void test_migrations_in_order(void **state)
{
	(void)state;
	assert_int_equal(lt_catalog_n_migrations, LT_CATALOG_VERSION);
	for (int i = 0; i < lt_catalog_n_migrations; i++) {
		assert_int_equal(lt_catalog_migrations[i].version, i + 1);
		assert_non_null(lt_catalog_migrations[i].sql);
	}
}

static void test_upgrade_v1(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_catalog *cat = NULL;
	struct lt_hit *hits = NULL;
	struct lt_doc *doc = NULL;
	size_t n = 0;
	sqlite3 *db;

	put_v1_fixture(fx);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 1);
	sqlite3_close(db);

	/* Read-only cannot upgrade: a clear error, and the file stays at 1. */
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &cat, &err), LT_EDB);
	assert_null(cat);
	assert_non_null(strstr(err.msg, "needs upgrading"));
	assert_non_null(strstr(err.msg, fx->db));

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_WRITE, &fx->cat, &err), LT_OK);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), LT_CATALOG_VERSION);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM documents WHERE state = 'archived'"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sources"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM pages WHERE text IS NOT NULL"), 3);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM events"), 6);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM bundles WHERE version = 1"), 2);
	assert_true(raw_int(db, "SELECT COUNT(*) FROM files") > 10);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'documents_claim'"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM metadata"), 0);
	sqlite3_close(db);

	/* The upgraded catalog serves as before: search, load. */
	assert_int_equal(lt_catalog_search(fx->cat, "records transfer", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].label, "letter-en.png");
	lt_hits_free(hits, n);
	assert_int_equal(lt_catalog_search(fx->cat, "van phong trung uong", 10, &hits, &n, &err), LT_OK);
	assert_true(n >= 1);
	assert_string_equal(hits[0].label, "chi-thi-05-CT-TW.tif");
	lt_hits_free(hits, n);
	/* Re-indexed by 015: the exact spellings in page_exact. */
	assert_int_equal(lt_catalog_search(fx->cat, "Văn phòng Trung ương", 10, &hits, &n, &err), LT_OK);
	assert_true(n >= 1);
	assert_string_equal(hits[0].label, "chi-thi-05-CT-TW.tif");
	assert_true(hits[0].exact);
	lt_hits_free(hits, n);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM files WHERE typeof(sha256) <> 'blob' "
				 "OR length(sha256) <> 32"), 0);
	sqlite3_close(db);
	assert_int_equal(lt_catalog_load(fx->cat, "4a9541e44cf01cfc", &doc, &err), LT_OK);
	assert_int_equal(doc->state, LT_ARCHIVED);
	assert_int_equal(doc->n_pages, 2);
	assert_int_equal(doc->bundle.version, 1);
	assert_string_equal(doc->bundle.path, "bundles/4a/4a9541e44cf01cfc.tar");
	assert_int_equal(doc->meta.n, 0); /* archived before metadata: none */
	assert_int_equal(lt_meta_set(&doc->meta, "typeName", "03", LT_META_CORRECTED, NULL, NULL, 1, 1,
				     &err), LT_OK);
	assert_int_equal(lt_catalog_save_meta(fx->cat, doc->id, &doc->meta, &err), LT_OK);
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_load(fx->cat, "4a9541e44cf01cfc", &doc, &err), LT_OK);
	assert_string_equal(lt_meta_value(&doc->meta, "typeName"), "03");
	lt_doc_free(doc);
	fts_integrity_ok(fx->db);

	/* And READ opens it now. */
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &cat, &err), LT_OK);
	lt_catalog_close(cat);
}

/* Among documents with as many attempts, the one with the most pages comes
 * first (a long document started last would keep one worker busy alone at
 * the end of a run), then the oldest; fewer attempts still come before. */
static void test_claim_longest_first(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;
	char one_page[LT_DOC_ID_LEN + 1], three_pages[LT_DOC_ID_LEN + 1];
	char two_pages[LT_DOC_ID_LEN + 1], tried_three_pages[LT_DOC_ID_LEN + 1];
	char other_one_page[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	int wait = 0, requeued = 0, given_up = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "tried.tif", (const int[]){ 3 }, 1, tried_three_pages);
	/* Tried once by a run that crashed: it waits behind the untried. */
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_non_null(doc);
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_requeue_interrupted(fx->cat, 0, &requeued, &given_up, &err), LT_OK);
	assert_int_equal(requeued, 1);
	add_doc(fx->cat, batch, "one.png", (const int[]){ 1 }, 1, one_page);
	add_doc(fx->cat, batch, "three", (const int[]){ 1, 2 }, 2, three_pages);
	add_doc(fx->cat, batch, "two", (const int[]){ 1, 1 }, 2, two_pages);
	add_doc(fx->cat, batch, "other-one.png", (const int[]){ 1 }, 1, other_one_page);

	const char *const expected[] = { three_pages, two_pages, one_page, other_one_page,
					tried_three_pages };

	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
		assert_non_null(doc);
		assert_string_equal(doc->id, expected[i]);
		archive_claimed(fx->cat, doc);
	}
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &wait, &err), LT_OK);
	assert_null(doc);
}

/* EXPLAIN QUERY PLAN of sql with state bound to ?1: must be a seek in
 * documents_claim, with no scan and no sort of the table. */
static void assert_claim_seek(sqlite3 *db, const char *sql, enum lt_doc_state state)
{
	sqlite3_stmt *st = NULL;
	struct lt_buf plan = LT_BUF_INIT;
	struct lt_buf explain = LT_BUF_INIT;

	assert_int_equal(lt_buf_printf(&explain, NULL, "EXPLAIN QUERY PLAN %s", sql), LT_OK);
	assert_int_equal(sqlite3_prepare_v2(db, lt_buf_str(&explain), -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, lt_doc_state_name(state), -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_int_equal(lt_buf_puts(&plan, (const char *)sqlite3_column_text(st, 3), NULL), LT_OK);
		assert_int_equal(lt_buf_puts(&plan, "\n", NULL), LT_OK);
	}
	sqlite3_finalize(st);
	print_message("%s", lt_buf_str(&plan));
	assert_non_null(strstr(lt_buf_str(&plan), "SEARCH documents USING"));
	assert_non_null(strstr(lt_buf_str(&plan), "documents_claim (state=?"));
	assert_null(strstr(lt_buf_str(&plan), "SCAN"));
	assert_null(strstr(lt_buf_str(&plan), "TEMP B-TREE"));
	lt_buf_release(&plan);
	lt_buf_release(&explain);
}

/* The claim's queries walk documents_claim instead of sorting the queue:
 * the same SQL as catalog_open.c's LT_ST_CLAIM_NEXT and LT_ST_CLAIM_IN_HAND. */
static void test_claim_uses_index(void **state)
{
	struct fx *fx = *state;
	sqlite3 *db = raw_open(fx->db);

	assert_claim_seek(db, "SELECT id, attempts FROM documents WHERE state = ? AND lease IS NULL "
			  "ORDER BY attempts, page_count DESC, created, rowid LIMIT 1", LT_QUEUED);
	assert_claim_seek(db, "SELECT COUNT(*), COALESCE(MAX(attempts), 0) FROM documents "
			  "WHERE state = ?", LT_PROCESSING);
	sqlite3_close(db);
}

/* Archives a one-page document and gives it a type and an issued date. */
static void archive_typed(struct lt_catalog *cat, int64_t batch, const char *label,
			  const char *text, const char *type, const char *issued,
			  char id[LT_DOC_ID_LEN + 1])
{
	struct lt_meta meta = LT_META_INIT;
	struct lt_err err = { 0 };

	archive_text(cat, batch, label, text, id);
	assert_int_equal(lt_meta_set(&meta, "typeName", type, LT_META_MANIFEST, NULL, NULL, 1, 1,
				     &err), LT_OK);
	assert_int_equal(lt_meta_set(&meta, "issuedDate", issued, LT_META_MANIFEST, NULL, NULL, 1,
				     1, &err), LT_OK);
	assert_int_equal(lt_catalog_save_meta(cat, id, &meta, &err), LT_OK);
	lt_meta_release(&meta);
}

/* The hits of q as "document page exact pages..." lines, for comparing. */
static char *hits_digest(struct lt_catalog *cat, const struct lt_search *q)
{
	struct lt_err err = { 0 };
	struct lt_hit *hits = NULL;
	struct lt_buf out = LT_BUF_INIT;
	size_t n = 0;

	assert_int_equal(lt_catalog_find_hits(cat, q, &hits, &n, &err), LT_OK);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(lt_buf_printf(&out, &err, "%s p%d e%d m%d %.6f [%s] |", hits[i].document,
					       hits[i].page, hits[i].exact, hits[i].matching_pages,
					       hits[i].score, hits[i].snippet), LT_OK);
		for (int k = 0; k < hits[i].n_pages; k++)
			assert_int_equal(lt_buf_printf(&out, &err, " %d", hits[i].pages[k]), LT_OK);
		assert_int_equal(lt_buf_puts(&out, "\n", &err), LT_OK);
	}
	lt_hits_free(hits, n);
	return lt_buf_detach(&out);
}

/* A text query with filters gives the same hits, in the same order, with
 * the same scores, whether the filtered documents are read first or the
 * matches are walked first. */
static void test_filter_first_same_hits(void **state)
{
	struct fx *fx = *state;
	static const char *const texts[] = {
		"Chỉ thị về công tác lưu trữ tài liệu tại Đà Nẵng",
		"Báo cáo công tác lưu trữ năm 2016, lưu trữ lịch sử",
		"Quyết định về công tác văn thư, không nói về kho",
		"Chỉ thị về luu tru hồ sơ điện tử và lưu trữ số",
		"Kế hoạch lưu trữ năm 2017",
		"Chỉ thị lưu trữ, lưu trữ, lưu trữ: ba lần",
	};
	static const char *const types[] = { "03", "22", "02", "03", "14", "03" };
	static const char *const issued[] = { "2016-03-01", "2016-12-20", "2016-05-05",
					      "2015-01-10", "2017-02-02", "2016-08-08" };
	static const char *const queries[] = { "lưu trữ", "luu tru", "\"công tác\"", "lưu*", NULL };
	char ids[6][LT_DOC_ID_LEN + 1], label[32];
	struct lt_err err = { 0 };
	int64_t batch = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	for (int i = 0; i < 6; i++) {
		snprintf(label, sizeof(label), "doc-%d.png", i);
		archive_typed(fx->cat, batch, label, texts[i], types[i], issued[i], ids[i]);
	}
	for (int i = 0; queries[i]; i++) {
		for (int pages = 0; pages < 2; pages++) {
			struct lt_search q = { 0 };
			char *match_first, *filter_first, *auto_plan, *checked;

			q.text = queries[i];
			q.type = "03";
			q.from = "2016";
			q.limit = 10;
			q.pages = pages;
			q.plan = LT_PLAN_MATCH_FIRST;
			match_first = hits_digest(fx->cat, &q);
			q.plan = LT_PLAN_FILTER_FIRST;
			filter_first = hits_digest(fx->cat, &q);
			q.plan = LT_PLAN_AUTO;
			auto_plan = hits_digest(fx->cat, &q);
			q.plan = LT_PLAN_MATCH_CHECKED;
			checked = hits_digest(fx->cat, &q);
			print_message("%s (pages %d):\n%s", queries[i], pages, match_first);
			assert_string_equal(match_first, filter_first);
			assert_string_equal(match_first, auto_plan);
			assert_string_equal(match_first, checked);
			/* Documents 0 and 5: type 03, issued in 2016, holding the words. */
			if (strcmp(queries[i], "\"công tác\"") != 0) {
				assert_non_null(strstr(match_first, ids[0]));
				assert_non_null(strstr(match_first, ids[5]));
				assert_null(strstr(match_first, ids[3]));   /* 2015 */
				assert_null(strstr(match_first, ids[1]));   /* type 22 */
			}
			free(match_first);
			free(filter_first);
			free(auto_plan);
			free(checked);
		}
	}
}

/* A listing of the filters alone that reads the documents of --type off
 * its index (streams_type) lists the same documents, in id order, as a
 * check of every document would; its pages in page order; and each
 * --offset window is a slice of the whole. */
static void test_type_listing_in_id_order(void **state)
{
	struct fx *fx = *state;
	static const char *const types[] = { "03", "22", "03", "03", "14", "03", "03", "02" };
	static const char *const issued[] = { "2016-03-01", "2016-12-20", "2015-05-05", "2017-01-10",
					      "2017-02-02", "2016-08-08", "2019-09-09", "2016-01-01" };
	char ids[8][LT_DOC_ID_LEN + 1], label[32], expected[8][LT_DOC_ID_LEN + 1];
	struct lt_err err = { 0 };
	int64_t batch = 0;
	size_t n_expected = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	for (int i = 0; i < 8; i++) {
		snprintf(label, sizeof(label), "doc-%d.png", i);
		archive_typed(fx->cat, batch, label, "Chỉ thị về công tác lưu trữ", types[i], issued[i],
			      ids[i]);
		if (strcmp(types[i], "03") == 0 && strcmp(issued[i], "2016") >= 0)
			memcpy(expected[n_expected++], ids[i], LT_DOC_ID_LEN + 1);
	}
	qsort(expected, n_expected, sizeof(expected[0]), (int (*)(const void *, const void *))strcmp);
	assert_int_equal(n_expected, 4);
	for (int pages = 0; pages < 2; pages++) {
		for (int offset = 0; offset < 5; offset++) {
			struct lt_search q = { 0 };
			struct lt_hit *hits = NULL;
			size_t n = 0;

			q.type = "03";
			q.from = "2016";
			q.pages = pages;
			q.limit = 2;
			q.offset = offset;
			assert_int_equal(lt_catalog_find_hits(fx->cat, &q, &hits, &n, &err), LT_OK);
			/* One page per document here: a page hit is a document hit. */
			assert_int_equal(n, offset >= 4 ? 0 : offset == 3 ? 1 : 2);
			for (size_t i = 0; i < n; i++)
				assert_string_equal(hits[i].document, expected[offset + i]);
			lt_hits_free(hits, n);
		}
	}
}

/* A full-text window walked match first reads no row of documents (016):
 * a document that is no longer archived, or that has a secrecy level, is
 * still left out, with and without filters, in every plan, and counted
 * alike. */
static void test_window_leaves_out_unarchived_and_secret(void **state)
{
	struct fx *fx = *state;
	char ids[4][LT_DOC_ID_LEN + 1], label[32], sql[128];
	struct lt_meta meta = LT_META_INIT;
	struct lt_err err = { 0 };
	int64_t batch = 0;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	for (int i = 0; i < 4; i++) {
		char text[64];

		snprintf(label, sizeof(label), "doc-%d.png", i);
		snprintf(text, sizeof(text), "Chỉ thị về lưu trữ tài liệu số %d", i);
		archive_typed(fx->cat, batch, label, text, "03", "2016-03-01", ids[i]);
	}
	/* 1: secret (its metadata replaced whole, the filters' fields kept). */
	assert_int_equal(lt_meta_set(&meta, "typeName", "03", LT_META_MANIFEST, NULL, NULL, 1, 1,
				     &err), LT_OK);
	assert_int_equal(lt_meta_set(&meta, "issuedDate", "2016-03-01", LT_META_MANIFEST, NULL, NULL,
				     1, 1, &err), LT_OK);
	assert_int_equal(lt_meta_set(&meta, LT_SECRECY_KEY, "mat", LT_META_MANIFEST, NULL, NULL, 1,
				     1, &err), LT_OK);
	assert_int_equal(lt_catalog_save_meta(fx->cat, ids[1], &meta, &err), LT_OK);
	lt_meta_release(&meta);
	/* 2: no longer archived, its pages still in the index. */
	snprintf(sql, sizeof(sql), "UPDATE documents SET state = 'failed' WHERE id = '%s'", ids[2]);
	assert_int_equal(sqlite3_exec(fx->cat->db, sql, NULL, NULL, NULL), SQLITE_OK);

	for (int secret = 0; secret < 2; secret++) {
		for (int filtered = 0; filtered < 2; filtered++) {
			for (int pages = 0; pages < 2; pages++) {
				for (int plan = LT_PLAN_AUTO; plan <= LT_PLAN_MATCH_CHECKED; plan++) {
					struct lt_search q = { 0 };
					int64_t count = 0;
					char *got;

					q.text = plan % 2 ? "lưu trữ" : "luu tru";
					q.type = filtered ? "03" : NULL;
					q.from = filtered ? "2016" : NULL;
					q.include_secret = secret;
					q.pages = pages;
					q.limit = 10;
					q.plan = plan;
					got = hits_digest(fx->cat, &q);
					assert_non_null(strstr(got, ids[0]));
					assert_non_null(strstr(got, ids[3]));
					assert_null(strstr(got, ids[2]));
					if (secret)
						assert_non_null(strstr(got, ids[1]));
					else
						assert_null(strstr(got, ids[1]));
					free(got);
					assert_int_equal(lt_catalog_count_hits(fx->cat, &q, 0, &count, &err),
							 LT_OK);
					assert_int_equal(count, secret ? 3 : 2);
				}
			}
		}
	}
}

/* The documents whose organName holds `organ` as the filter matched before
 * the list of organs (014): a match inside each document's folded name. */
static char *organ_documents_by_scan(const char *db_path, const char *organ)
{
	struct lt_buf folded = LT_BUF_INIT, out = LT_BUF_INIT;
	sqlite3 *db = raw_open(db_path);
	sqlite3_stmt *st = NULL;

	assert_int_equal(lt_text_fold(organ, strlen(organ), &folded, NULL), LT_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT document_id FROM metadata WHERE "
					    "key = 'organName' AND instr(folded, ?1) > 0 "
					    "ORDER BY document_id", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, lt_buf_str(&folded), -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		assert_int_equal(lt_buf_printf(&out, NULL, "%s\n", sqlite3_column_text(st, 0)), LT_OK);
	sqlite3_finalize(st);
	sqlite3_close(db);
	lt_buf_release(&folded);
	if (!out.data)
		assert_int_equal(lt_buf_puts(&out, "", NULL), LT_OK);
	return lt_buf_detach(&out);
}

/* The documents of q's hits, sorted, one a line. */
static char *hit_documents(struct lt_catalog *cat, const struct lt_search *q)
{
	struct lt_err err = { 0 };
	struct lt_hit *hits = NULL;
	struct lt_buf out = LT_BUF_INIT;
	size_t n = 0;

	assert_int_equal(lt_catalog_find_hits(cat, q, &hits, &n, &err), LT_OK);
	for (size_t i = 1; i < n; i++)  /* a few hits: insertion sort by document */
		for (size_t k = i; k > 0 && strcmp(hits[k - 1].document, hits[k].document) > 0; k--) {
			struct lt_hit t = hits[k];

			hits[k] = hits[k - 1];
			hits[k - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		assert_int_equal(lt_buf_printf(&out, &err, "%s\n", hits[i].document), LT_OK);
	lt_hits_free(hits, n);
	if (!out.data)
		assert_int_equal(lt_buf_puts(&out, "", &err), LT_OK);
	return lt_buf_detach(&out);
}

/* --organ looks the name up among the distinct organs, then reads their
 * documents through the index: the same documents as a match inside every
 * document's name, for names spelt in capitals, with and without
 * diacritics, alone and with text, whichever plan runs. */
static void test_organ_filter_same_as_scan(void **state)
{
	struct fx *fx = *state;
	static const char *const organs[] = {
		"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
		"Ủy ban nhân dân tỉnh Quảng Ngãi",
		"UY BAN NHAN DAN TINH QUANG NGAI",
		"TỈNH ỦY ĐÀ NẴNG",
		"Sở Tài chính thành phố Đà Nẵng",
		NULL,                            /* no organ given */
	};
	static const char *const asked[] = {
		"quang ngai", "QUẢNG NGÃI", "Quảng Ngãi", "đà nẵng", "DA NANG", "tỉnh",
		"ban nhan", "Sở Tài", "Hà Nội", NULL,
	};
	static const char *const texts[] = { NULL, "lưu trữ", "luu tru" };
	char ids[6][LT_DOC_ID_LEN + 1], label[32];
	struct lt_err err = { 0 };
	int64_t batch = 0;
	sqlite3 *db;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	for (int i = 0; i < 6; i++) {
		snprintf(label, sizeof(label), "organ-%d.png", i);
		archive_typed(fx->cat, batch, label, "Báo cáo công tác lưu trữ năm 2016", "22",
			      "2016-03-01", ids[i]);
		if (organs[i]) {
			struct lt_meta meta = LT_META_INIT;

			assert_int_equal(lt_meta_set(&meta, "organName", organs[i], LT_META_MANIFEST,
						     NULL, NULL, 1, 1, &err), LT_OK);
			assert_int_equal(lt_meta_set(&meta, "typeName", "22", LT_META_MANIFEST, NULL,
						     NULL, 1, 1, &err), LT_OK);
			assert_int_equal(lt_catalog_save_meta(fx->cat, ids[i], &meta, &err), LT_OK);
			lt_meta_release(&meta);
		}
	}
	/* Three spellings of one body fold to one name. */
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM organs"), 3);
	sqlite3_close(db);

	for (int a = 0; asked[a]; a++) {
		char *expected = organ_documents_by_scan(fx->db, asked[a]);

		for (int t = 0; t < 3; t++) {
			for (int plan = LT_PLAN_AUTO; plan <= LT_PLAN_MATCH_CHECKED; plan++) {
				struct lt_search q = { 0 };
				char *got;

				q.text = texts[t];
				q.organ = asked[a];
				q.limit = 50;
				q.plan = plan;
				got = hit_documents(fx->cat, &q);
				if (strcmp(got, expected) != 0)
					fail_msg("--organ '%s' text '%s' plan %d: got\n%s\nexpected\n%s",
						 asked[a], texts[t] ? texts[t] : "", plan, got, expected);
				free(got);
			}
		}
		{
			struct lt_search q = { 0 };
			int64_t count = 0;
			size_t lines = 0;

			q.organ = asked[a];
			assert_int_equal(lt_catalog_count_hits(fx->cat, &q, 0, &count, &err), LT_OK);
			for (const char *c = expected; *c; c++)
				lines += *c == '\n';
			assert_int_equal(count, (int64_t)lines);
		}
		free(expected);
	}
	/* The scan itself is not empty: the comparison above means something. */
	{
		char *qn = organ_documents_by_scan(fx->db, "QUẢNG NGÃI");

		assert_non_null(strstr(qn, ids[0]));
		assert_non_null(strstr(qn, ids[1]));
		assert_non_null(strstr(qn, ids[2]));
		assert_null(strstr(qn, ids[3]));
		free(qn);
	}
}

/* A prefix typed with diacritics finds the words that start so in any
 * spelling (it is expanded over the catalog's words, page_words), and
 * marks them in the snippet; a prefix no word has finds nothing. */
static void test_prefix_expansion(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_hit *hits = NULL;
	char a[LT_DOC_ID_LEN + 1], b[LT_DOC_ID_LEN + 1], c[LT_DOC_ID_LEN + 1];
	int64_t batch = 0, count = 0;
	size_t n = 0;
	struct lt_search q = { 0 };

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	archive_text(fx->cat, batch, "nghi-quyet.png", "NGHỊ QUYẾT của Hội đồng nhân dân", a);
	archive_text(fx->cat, batch, "nghia.png", "Cộng hòa xã hội chủ nghĩa Việt Nam", b);
	archive_text(fx->cat, batch, "khac.png", "Báo cáo công tác văn thư", c);

	assert_int_equal(lt_catalog_search(fx->cat, "nghị*", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_true(strcmp(hits[i].document, a) == 0 || strcmp(hits[i].document, b) == 0);
		assert_true(strstr(hits[i].snippet, "[NGHỊ]") || strstr(hits[i].snippet, "[nghĩa]"));
	}
	lt_hits_free(hits, n);
	assert_int_equal(lt_catalog_search(fx->cat, "\"chủ nghi\"*", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].document, b);
	assert_non_null(strstr(hits[0].snippet, "[chủ nghĩa]"));
	lt_hits_free(hits, n);
	assert_int_equal(lt_catalog_search(fx->cat, "nghiz*", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 0);
	lt_hits_free(hits, n);

	/* --count: exact without a bound, "more than bound" past one. */
	q.text = "nghi*";
	assert_int_equal(lt_catalog_count_hits(fx->cat, &q, 0, &count, &err), LT_OK);
	assert_int_equal(count, 2);
	assert_int_equal(lt_catalog_count_hits(fx->cat, &q, 1, &count, &err), LT_OK);
	assert_int_equal(count, 2);   /* bound + 1 */
	q.text = "văn";
	assert_int_equal(lt_catalog_count_hits(fx->cat, &q, 5, &count, &err), LT_OK);
	assert_int_equal(count, 1);
}

/* Migration 013 converts a catalog of version 12 in place: its pages' text
 * packed (and read back the same), the words of its index listed (not the
 * exact forms, not numbers), the index reading its content through the
 * unpacking view, and a prefix search expanding over the words. */
static void test_upgrade_compacts(void **state)
{
	static const char text[] = "Nghị định số 05 về công tác lưu trữ tài liệu của các cơ quan "
				   "nhà nước, văn thư và lưu trữ hồ sơ. Công tác lưu trữ tài liệu "
				   "của các cơ quan nhà nước, văn thư và lưu trữ hồ sơ điện tử; "
				   "công tác lưu trữ tài liệu của các cơ quan nhà nước.";
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_hit *hits = NULL;
	struct lt_doc *doc = NULL;
	char id[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	size_t n = 0;
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	archive_text(fx->cat, batch, "nghi-dinh.png", text, id);
	lt_catalog_close(fx->cat);
	fx->cat = NULL;
	/* Back to version 12: plain text, the index over pages, no word list. */
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	assert_int_equal(lt_fts_register(db, &err), LT_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE pages SET text = lt_text_unpack(text); "
				      "DROP VIEW page_text_source; DROP TABLE page_words; "
				      "PRAGMA writable_schema = ON; "
				      "UPDATE sqlite_master SET sql = replace(sql, "
				      "'content = ''page_text_source''', 'content = ''pages''') "
				      "WHERE name = 'page_text'; PRAGMA writable_schema = OFF; "
				      "PRAGMA user_version = 12;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT typeof(text) FROM pages", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "text");
	sqlite3_finalize(st);
	sqlite3_close(db);

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_WRITE, &fx->cat, &err), LT_OK);
	assert_int_equal(sqlite3_prepare_v2(fx->cat->db, "SELECT typeof(text), length(text) < ?1, "
					    "lt_text_unpack(text) = ?2 FROM pages", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int(st, 1, (int)strlen(text));
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "blob");
	assert_int_equal(sqlite3_column_int(st, 1), 1);
	assert_int_equal(sqlite3_column_int(st, 2), 1);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(fx->cat->db, "SELECT group_concat(word, ' ') FROM "
					    "(SELECT word FROM page_words WHERE word < 'd' "
					    "ORDER BY word)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "cac co cong cua");
	sqlite3_finalize(st);
	/* FTS5's own snippet() reads the text through the view. */
	assert_int_equal(sqlite3_prepare_v2(fx->cat->db, "SELECT snippet(page_text, 0, '[', ']', "
					    "'…', 4) FROM page_text WHERE page_text MATCH 'dinh'",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 0), "[định]"));
	sqlite3_finalize(st);
	assert_int_equal(lt_catalog_load(fx->cat, id, &doc, &err), LT_OK);
	assert_string_equal(doc->pages[0].text, text);
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_search(fx->cat, "nghị*", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].document, id);
	lt_hits_free(hits, n);
}

/* A page's text is stored packed and read back byte for byte by every
 * reader (load, search's snippet); a short one stays as it is. */
static void test_text_round_trip(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;
	struct lt_buf long_text = LT_BUF_INIT;
	struct lt_hit *hits = NULL;
	char id[LT_DOC_ID_LEN + 1], short_id[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	size_t n = 0;

	for (int i = 0; i < 200; i++)
		assert_int_equal(lt_buf_printf(&long_text, &err, "Dòng %d: Ủy ban nhân dân tỉnh "
					       "Quảng Ngãi, “trích yếu” \t\n", i), LT_OK);
	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	archive_text(fx->cat, batch, "dai.png", lt_buf_str(&long_text), id);
	archive_text(fx->cat, batch, "ngan.png", "Số 5", short_id);
	assert_int_equal(lt_catalog_load(fx->cat, id, &doc, &err), LT_OK);
	assert_string_equal(doc->pages[0].text, lt_buf_str(&long_text));
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_load(fx->cat, short_id, &doc, &err), LT_OK);
	assert_string_equal(doc->pages[0].text, "Số 5");
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_search(fx->cat, "\"Dòng 199\"", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(hits[0].snippet, "[Dòng 199]"));
	lt_hits_free(hits, n);
	lt_buf_release(&long_text);
}

/* Since version 17 a page's text is packed with zlib primed with a
 * dictionary (fts.c): smaller than zlib alone on an administrative page;
 * a row packed without one before is still read, and 017 packs it again;
 * a stream naming a dictionary luutru does not have is refused, not
 * read as something else. */
static void test_text_dictionary(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_buf text = LT_BUF_INIT;
	struct lt_doc *doc = NULL;
	char id[LT_DOC_ID_LEN + 1];
	unsigned char *plain;
	uLongf plain_len;
	int64_t batch = 0, stored;
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(lt_buf_puts(&text, "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 127/KH-UBND\n"
				     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
				     "Quảng Ngãi, ngày 14 tháng 7 năm 2016\nKẾ HOẠCH\nThực hiện công "
				     "tác văn thư, lưu trữ năm 2016\nCăn cứ Luật Lưu trữ; theo đề nghị "
				     "của Giám đốc Sở Nội vụ, Ủy ban nhân dân tỉnh ban hành kế hoạch "
				     "tổ chức thực hiện như sau: các sở, ban, ngành, đoàn thể; Ủy ban "
				     "nhân dân các huyện, thị xã, thành phố có trách nhiệm triển khai.\n"
				     "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\n"
				     "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n", &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	archive_text(fx->cat, batch, "ke-hoach.png", lt_buf_str(&text), id);
	lt_catalog_close(fx->cat);
	fx->cat = NULL;

	plain_len = compressBound(text.len);
	plain = malloc(4 + plain_len);
	assert_non_null(plain);
	assert_int_equal(compress2(plain + 4, &plain_len, (const Bytef *)text.data, text.len, 6), Z_OK);
	db = raw_open(fx->db);
	/* The dictionary's flag is set and the row is the smaller for it. */
	stored = raw_int(db, "SELECT length(text) FROM pages");
	assert_true(stored < (int64_t)(4 + plain_len));
	assert_int_equal(raw_int(db, "SELECT substr(hex(text), 7, 2) >= '80' FROM pages"), 1);
	/* A row as lt_text_pack wrote it before 017: zlib alone. */
	for (int i = 0; i < 4; i++)
		plain[i] = (unsigned char)(text.len >> (8 * i));
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE pages SET text = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, plain, (int)(4 + plain_len), SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 16", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_WRITE, &fx->cat, &err), LT_OK);
	assert_int_equal(lt_catalog_load(fx->cat, id, &doc, &err), LT_OK);
	assert_string_equal(doc->pages[0].text, lt_buf_str(&text));
	lt_doc_free(doc);
	doc = NULL;
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "SELECT length(text) FROM pages"), stored);
	/* The stream's dictionary id (after its 2-byte header) made wrong. */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT text FROM pages", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), (int)stored);
	memcpy(plain, sqlite3_column_blob(st, 0), (size_t)stored);
	sqlite3_finalize(st);
	plain[6] ^= 0xff;
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE pages SET text = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, plain, (int)stored, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(lt_catalog_load(fx->cat, id, &doc, &err), LT_EDB);
	assert_non_null(strstr(err.msg, "damaged"));
	free(plain);
	lt_buf_release(&text);
}

/* Migration 017 indexes the pages again: an index written before numbers
 * were indexed as pairs (fts.c) does not find "127/KH-UBND" as asked for
 * now; after the upgrade it does. */
static void test_upgrade_indexes_pairs(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_hit *hits = NULL;
	char id[LT_DOC_ID_LEN + 1];
	int64_t batch = 0;
	size_t n = 0;
	sqlite3 *db;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	archive_text(fx->cat, batch, "ke-hoach.png", "Kế hoạch số 127/KH-UBND ngày 14/7/2016", id);
	lt_catalog_close(fx->cat);
	fx->cat = NULL;
	/* The index as a tokenizer without pairs wrote it: page_text's
	 * tokenizer set to the one of catalogs before 15 for a rebuild. */
	for (int step = 0; step < 2; step++) {
		assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
		assert_int_equal(lt_fts_register(db, &err), LT_OK);
		assert_int_equal(sqlite3_exec(db, step == 0
					      ? "PRAGMA writable_schema = ON; UPDATE sqlite_master SET "
						"sql = replace(sql, '''luutru folded''', '''luutru''') "
						"WHERE name = 'page_text'; PRAGMA writable_schema = OFF;"
					      : "INSERT INTO page_text(page_text) VALUES ('rebuild'); "
						"PRAGMA writable_schema = ON; UPDATE sqlite_master SET "
						"sql = replace(sql, '''luutru''', '''luutru folded''') "
						"WHERE name = 'page_text'; PRAGMA writable_schema = OFF; "
						"PRAGMA user_version = 16;", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	db = raw_open(fx->db);
	assert_int_equal(lt_fts_register(db, &err), LT_OK);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM page_text WHERE page_text MATCH "
				 "'\"127/KH-UBND\"'"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM page_text WHERE page_text MATCH "
				 "'\"127 KH UBND\"'"), 1);
	sqlite3_close(db);

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_WRITE, &fx->cat, &err), LT_OK);
	assert_int_equal(lt_catalog_search(fx->cat, "127/KH-UBND", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].document, id);
	lt_hits_free(hits, n);
	assert_int_equal(lt_catalog_search(fx->cat, "14/7/2016", 10, &hits, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	lt_hits_free(hits, n);
}

/* What 015-compact-index.sql and 018 keep smaller is read back as it was
 * written: the technical JSON (packed with its dictionary), the bundle
 * files' and the scans' SHA-256 (32 bytes), and the exact spellings
 * (page_exact). */
static void test_compact_storage(void **state)
{
	static const char tech[] = "{\"format\":\"tiff\",\"mime\":\"image/tiff\",\"width\":2480,"
				   "\"height\":3508,\"xres\":300,\"yres\":300,\"bits_per_sample\":1,"
				   "\"samples_per_pixel\":1,\"colour\":\"bitonal\",\"compression\":\"group4\","
				   "\"scanner_make\":\"Fujitsu\",\"file_size\":81234,\"sha256\":"
				   "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}";
	static const int one[] = { 1 };
	const char *const texts[] = { "Ủy ban nhân dân thành phố Đà Nẵng" };
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;
	char id[LT_DOC_ID_LEN + 1], sha[LT_SHA256_HEX];
	int64_t batch = 0;
	sqlite3 *db;

	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(fx->cat, batch, "tech.tif", one, 1, id);
	assert_int_equal(lt_catalog_claim(fx->cat, &doc, &claim_wait, &err), LT_OK);
	assert_non_null(doc);
	fill_run_results(doc, texts, "bundles/tech.tar");
	free(doc->pages[0].technical);
	assert_int_equal(lt_strdup(tech, &doc->pages[0].technical, &err), LT_OK);
	assert_int_equal(lt_catalog_archive(fx->cat, doc, &err), LT_OK);
	lt_doc_free(doc);
	doc = NULL;

	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "SELECT typeof(technical) = 'blob' AND length(technical) < 140 "
				 "FROM pages"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM files WHERE typeof(sha256) = 'blob' "
				 "AND length(sha256) = 32"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM files"), 2);
	/* The scan's digest too (018). */
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sources WHERE typeof(sha256) = 'blob' "
				 "AND length(sha256) = 32"), 1);
	sqlite3_close(db);

	assert_int_equal(lt_catalog_load(fx->cat, id, &doc, &err), LT_OK);
	assert_string_equal(doc->pages[0].technical, tech);
	assert_int_equal(doc->bundle.n_files, 2);
	fake_sha("bagit", sha);
	assert_string_equal(doc->bundle.files[0].sha256, sha);
	fake_sha("ocr 1", sha);
	assert_string_equal(doc->bundle.files[1].sha256, sha);
	fake_sha("tech.tif#0", sha);
	assert_string_equal(doc->sources[0].sha256, sha);
	lt_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_read_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compact_storage, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_text_dictionary, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_indexes_pairs, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_metadata, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_metadata_filters_use_index, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_load_unknown, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_fail_and_requeue, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_two_workers_claim_distinct, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_rearchive_new_version, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_snippet_keeps_literal_brackets, setup_open, teardown),
cmocka_unit_test_setup_teardown(test_exact_diacritics_rank_first, setup_open, teardown),
cmocka_unit_test_setup_teardown(test_attempts_give_up, setup_open, teardown),
cmocka_unit_test_setup_teardown(test_suspects_run_alone, setup_open, teardown),
cmocka_unit_test_setup_teardown(test_supersede, setup_open, teardown),
cmocka_unit_test_setup_teardown(test_read_mode_is_read_only, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_archive_without_bundle, setup_open, teardown),
		cmocka_unit_test(test_migrations_in_order),
		cmocka_unit_test_setup_teardown(test_upgrade_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_uses_index, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_claim_longest_first, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_filter_first_same_hits, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_type_listing_in_id_order, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_window_leaves_out_unarchived_and_secret, setup_open,
						teardown),
		cmocka_unit_test_setup_teardown(test_organ_filter_same_as_scan, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_expansion, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_compacts, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_text_round_trip, setup_open, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
