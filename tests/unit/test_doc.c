/* test_doc.c - unit tests for doc.h and err.h: document ids (deterministic,
 * content-derived, pinned so stored ids never change silently), building a
 * document's sources/pages/events/bundle files, state names, and the error
 * record (lt_err_set truncation, lt_err_prefix keeping the prefix whole). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/doc.h"
#include "luutru/err.h"
#include "luutru/hash.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* A made-up but well-formed digest: sha256 of `seed`. */
static void fake_sha(const char *seed, char hex[LT_SHA256_HEX])
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_sha256_mem(seed, strlen(seed), hex, &err), LT_OK);
}

struct src_spec {
	const char *path;
	const char *seed;
	int pages;
};

static struct lt_doc *make_doc(const struct src_spec *specs, size_t n)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };

	assert_non_null(doc);
	for (size_t i = 0; i < n; i++) {
		char sha[LT_SHA256_HEX];

		fake_sha(specs[i].seed, sha);
		assert_int_equal(lt_doc_add_source(doc, specs[i].path, sha, 1000 + i,
						   specs[i].pages, NULL, &err), LT_OK);
		assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	}
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	return doc;
}

static int is_lower_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

/* ---- ids ---- */

static const struct src_spec base[] = {
	{ "/inbox/report/page-1.png", "page one", 1 },
	{ "/inbox/report/page-2.tif", "page two", 3 },
};

static void test_id_deterministic(void **state)
{
	struct lt_doc *a = make_doc(base, 2), *b = make_doc(base, 2);

	(void)state;
	assert_true(is_lower_hex(a->id, LT_DOC_ID_LEN));
	assert_string_equal(a->id, b->id);
	/* Recomputing gives the same again. */
	assert_int_equal(lt_doc_compute_id(a, NULL), LT_OK);
	assert_string_equal(a->id, b->id);
	lt_doc_free(a);
	lt_doc_free(b);
}

static void test_id_pinned(void **state)
{
	/* Ids are stored in catalogs and bundle names: this value must only
	 * change together with the "luutru-doc-vN" prefix in doc.c. */
	struct lt_doc *a = make_doc(base, 2);
	char want[LT_SHA256_HEX], sa[LT_SHA256_HEX], sb[LT_SHA256_HEX];
	char input[256];
	struct lt_err err = { 0 };

	(void)state;
	fake_sha("page one", sa);
	fake_sha("page two", sb);
	snprintf(input, sizeof(input), "luutru-doc-v1\n%s 1\n%s 3\n", sa, sb);
	assert_int_equal(lt_sha256_mem(input, strlen(input), want, &err), LT_OK);
	want[LT_DOC_ID_LEN] = '\0';
	assert_string_equal(a->id, want);
	assert_string_equal(a->id, "d3fdfabfc3ee429b");
	lt_doc_free(a);
}

struct id_change {
	const char *name;
	struct src_spec specs[2];
	size_t n;
	int same;   /* 1: must give base's id */
};

static const struct id_change id_changes[] = {
	{ "other digest of source 1", { { "/inbox/report/page-1.png", "page ONE", 1 }, base[1] }, 2, 0 },
	{ "other digest of source 2", { base[0], { "/inbox/report/page-2.tif", "page 2", 3 } }, 2, 0 },
	{ "other page count", { base[0], { "/inbox/report/page-2.tif", "page two", 2 } }, 2, 0 },
	{ "sources swapped", { base[1], base[0] }, 2, 0 },
	{ "one source fewer", { base[0] }, 1, 0 },
	/* The id is content-derived: moving or renaming the scans keeps it. */
	{ "other paths", { { "/elsewhere/a.png", "page one", 1 }, { "/x/B.TIF", "page two", 3 } }, 2, 1 },
};

static void test_id_changes(void **state)
{
	struct lt_doc *ref = make_doc(base, 2);

	(void)state;
	for (size_t i = 0; i < N_ELEMS(id_changes); i++) {
		const struct id_change *c = &id_changes[i];
		struct lt_doc *d = make_doc(c->specs, c->n);

		print_message("id: %s\n", c->name);
		if (c->same)
			assert_string_equal(d->id, ref->id);
		else
			assert_string_not_equal(d->id, ref->id);
		lt_doc_free(d);
	}
	lt_doc_free(ref);
}

/* ---- building a document ---- */

static void test_sources_and_pages(void **state)
{
	struct lt_doc *doc = make_doc(base, 2);
	struct lt_err err = { 0 };

	(void)state;
	assert_int_equal(doc->n_sources, 2);
	assert_string_equal(doc->sources[0].path, "/inbox/report/page-1.png");
	assert_string_equal(doc->sources[0].ext, "png");
	assert_string_equal(doc->sources[1].ext, "tif");
	assert_int_equal(doc->sources[1].size, 1001);
	assert_int_equal(doc->sources[1].page_count, 3);
	assert_int_equal(doc->n_pages, 4);
	for (size_t i = 0; i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		assert_int_equal(p->number, (int)i + 1);
		assert_int_equal(p->source, i == 0 ? 0 : 1);
		assert_int_equal(p->index_in_source, i == 0 ? 0 : (int)i - 1);
		assert_true(p->confidence < 0);
		assert_null(p->text);
		assert_null(p->pix);
	}
	/* The extension is lower-cased and kept only from the last component. */
	{
		char sha[LT_SHA256_HEX];

		fake_sha("x", sha);
		assert_int_equal(lt_doc_add_source(doc, "/in.box/Scan.TIFF", sha, 1, 1, NULL, &err), LT_OK);
		assert_string_equal(doc->sources[2].ext, "tiff");
		assert_int_equal(lt_doc_add_source(doc, "/in.box/noext", sha, 1, 1, NULL, &err), LT_OK);
		assert_string_equal(doc->sources[3].ext, "");
	}
	lt_doc_free(doc);
}

static void test_pages_without_source(void **state)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };

	(void)state;
	assert_non_null(doc);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_EINTERNAL);
	assert_int_equal(doc->n_pages, 0);
	lt_doc_free(doc);
	lt_doc_free(NULL);
}

static void test_events_and_bundle_files(void **state)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };
	char sha[LT_SHA256_HEX];

	(void)state;
	assert_int_equal(lt_doc_add_event(doc, "ocr", "2026-11-27T10:15:02+07:00", "success",
					  "2 pages, vie+eng", &err), LT_OK);
	assert_int_equal(lt_doc_add_event(doc, "packaged", "2026-11-27T10:15:03+07:00", "success",
					  NULL, &err), LT_OK);
	assert_int_equal(doc->n_events, 2);
	assert_string_equal(doc->events[0].type, "ocr");
	assert_string_equal(doc->events[0].at, "2026-11-27T10:15:02+07:00");
	assert_string_equal(doc->events[0].detail, "2 pages, vie+eng");
	assert_string_equal(doc->events[1].outcome, "success");
	assert_string_equal(doc->events[1].detail, "");   /* NULL detail stored as "" */

	fake_sha("file", sha);
	assert_int_equal(lt_bundle_add_file(&doc->bundle, "data/0001.txt", 12, sha, &err), LT_OK);
	assert_int_equal(lt_bundle_add_file(&doc->bundle, "bagit.txt", 55, sha, &err), LT_OK);
	assert_int_equal(doc->bundle.n_files, 2);
	assert_string_equal(doc->bundle.files[1].path, "bagit.txt");
	assert_int_equal(doc->bundle.files[1].size, 55);
	assert_string_equal(doc->bundle.files[1].sha256, sha);
	assert_int_equal(lt_strdup("bundles/ab/ab.tar", &doc->bundle.path, &err), LT_OK);
	lt_doc_free(doc);   /* frees events, files and path: checked by ASan */

	{
		struct lt_bundle b = { 0 };

		lt_bundle_release(&b);
		lt_bundle_release(NULL);
	}
}

static void test_strdup(void **state)
{
	struct lt_err err = { 0 };
	char *s = (char *)"garbage";

	(void)state;
	assert_int_equal(lt_strdup(NULL, &s, &err), LT_OK);
	assert_null(s);
	assert_int_equal(lt_strdup("Đà Nẵng", &s, &err), LT_OK);
	assert_string_equal(s, "Đà Nẵng");
	free(s);
}

/* ---- states ---- */

static void test_state_names(void **state)
{
	static const struct {
		enum lt_doc_state s;
		const char *name;
	} names[] = {
		{ LT_QUEUED, "queued" },
		{ LT_PROCESSING, "processing" },
		{ LT_ARCHIVED, "archived" },
		{ LT_FAILED, "failed" },
		{ LT_SUPERSEDED, "superseded" },
	};
	static const char *const bad[] = { "", "Queued", "QUEUED", "queued ", "archive", "done" };

	(void)state;
	for (size_t i = 0; i < N_ELEMS(names); i++) {
		enum lt_doc_state s = (enum lt_doc_state)99;

		assert_string_equal(lt_doc_state_name(names[i].s), names[i].name);
		assert_int_equal(lt_doc_state_parse(names[i].name, &s), 1);
		assert_int_equal(s, names[i].s);
		assert_int_equal(lt_doc_state_parse(lt_doc_state_name(s), &s), 1);
		assert_int_equal(s, names[i].s);
	}
	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		enum lt_doc_state s = LT_FAILED;

		assert_int_equal(lt_doc_state_parse(bad[i], &s), 0);
		assert_int_equal(s, LT_FAILED);   /* untouched */
	}
	assert_string_equal(lt_doc_state_name((enum lt_doc_state)LT_N_STATES), "unknown");
	assert_string_equal(lt_doc_state_name((enum lt_doc_state)-1), "unknown");
}

/* ---- errors ---- */

static void test_err_set(void **state)
{
	struct lt_err err;
	char longpath[1000];

	(void)state;
	memset(&err, 0x5a, sizeof(err));
	assert_int_equal(lt_err_set(&err, LT_EIO, "cannot open '%s': %s", "x.tif", "No such file"),
			 LT_EIO);
	assert_int_equal(err.code, LT_EIO);
	assert_int_equal(err.cause, 0);
	assert_string_equal(err.msg, "cannot open 'x.tif': No such file");
	/* NULL err: the code still comes back, for `return lt_err_set(...)`. */
	assert_int_equal(lt_err_set(NULL, LT_EDB, "x"), LT_EDB);

	/* Too long: cut, NUL-terminated inside the fixed buffer. */
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(lt_err_set(&err, LT_EINPUT, "bad '%s'", longpath), LT_EINPUT);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, "bad 'ppp", 8);

	lt_err_clear(&err);
	assert_int_equal(err.code, LT_OK);
	assert_string_equal(err.msg, "");
	lt_err_clear(NULL);
}

struct prefix_case {
	const char *name;
	size_t msg_len;      /* message of this many 'm' */
	size_t prefix_len;   /* prefix of this many 'P' (via "%s") */
};

static const struct prefix_case prefix_cases[] = {
	{ "short both", 10, 8 },
	{ "empty message", 0, 8 },
	{ "empty prefix", 10, 0 },
	{ "fits exactly", 500, 11 },
	{ "one over", 500, 12 },
	{ "long message", 511, 20 },
	{ "prefix fills the buffer", 100, 511 },
	{ "prefix longer than the buffer", 100, 900 },
};

static void test_err_prefix_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(prefix_cases); i++) {
		const struct prefix_case *c = &prefix_cases[i];
		struct lt_err err;
		char msg[1024], prefix[1024];
		size_t cap = sizeof(err.msg) - 1, plen, mlen;

		print_message("prefix: %s\n", c->name);
		memset(&err, 0x5a, sizeof(err));   /* bytes past the NUL must not leak in */
		memset(msg, 'm', c->msg_len);
		msg[c->msg_len] = '\0';
		memset(prefix, 'P', c->prefix_len);
		prefix[c->prefix_len] = '\0';
		lt_err_set(&err, LT_EOCR, "%s", msg);
		assert_int_equal(lt_err_prefix(&err, "%s", prefix), LT_EOCR);
		assert_int_equal(err.code, LT_EOCR);

		plen = c->prefix_len < cap ? c->prefix_len : cap;
		mlen = c->msg_len < cap - plen ? c->msg_len : cap - plen;
		assert_true(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		assert_int_equal(strlen(err.msg), plen + mlen);
		/* The prefix is whole (as far as it fits at all) and first. */
		assert_memory_equal(err.msg, prefix, plen);
		/* What follows is the start of the old message. */
		assert_int_equal(strspn(err.msg + plen, "m"), mlen);
	}
}

static void test_err_prefix_text(void **state)
{
	struct lt_err err = { 0 };

	(void)state;
	lt_err_set(&err, LT_EOCR, "Tesseract failed");
	lt_err_prefix(&err, "page %d: ", 3);
	lt_err_prefix(&err, "%s: ", "bao-cao-2016");
	assert_string_equal(err.msg, "bao-cao-2016: page 3: Tesseract failed");
	assert_int_equal(lt_err_prefix(NULL, "x"), LT_EINTERNAL);
}

static void test_codes(void **state)
{
	static const struct {
		enum lt_code code;
		int fatal;
	} codes[] = {
		{ LT_OK, 0 }, { LT_ENOMEM, 1 }, { LT_EIO, 1 }, { LT_EINPUT, 0 }, { LT_EOCR, 0 },
		{ LT_EARCHIVE, 0 }, { LT_EDB, 1 }, { LT_ENOTFOUND, 0 }, { LT_EVERIFY, 0 },
		{ LT_EUSAGE, 0 }, { LT_EINTERNAL, 1 },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(codes); i++) {
		const char *name = lt_code_name(codes[i].code);

		assert_non_null(name);
		assert_string_not_equal(name, "unknown error");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(name, lt_code_name(codes[j].code));
		assert_int_equal(lt_code_is_fatal(codes[i].code), codes[i].fatal);
	}
	assert_string_equal(lt_code_name((enum lt_code)1000), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_deterministic),
		cmocka_unit_test(test_id_pinned),
		cmocka_unit_test(test_id_changes),
		cmocka_unit_test(test_sources_and_pages),
		cmocka_unit_test(test_pages_without_source),
		cmocka_unit_test(test_events_and_bundle_files),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_err_set),
		cmocka_unit_test(test_err_prefix_table),
		cmocka_unit_test(test_err_prefix_text),
		cmocka_unit_test(test_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
