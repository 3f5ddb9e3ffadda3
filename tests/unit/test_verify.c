/* test_verify.c - unit tests for verify.h on real bundles (BagIt tars made by
 * bag.c) in a temp archive, each corruption made by the test itself: a sound
 * bundle; a flipped byte in a payload file, in a manifest and in bag-info; a
 * truncated tar; a deleted bundle; another document's sound bundle at this
 * document's path; a file the catalog does not list; files under bundles/
 * that the catalog does not know; many bundles on several threads; and
 * with a real catalog: each check recorded (event, last check), oldest-
 * checked first, --since's filter, failed bundles always due, no state
 * change. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/verify.h"
#include "helpers.h"

#define ID_A "abcd000000000001"
#define ID_B "ef01000000000002"

struct fx {
	char dir[64];               /* the archive */
	char *tar_a, *tar_b;        /* absolute paths */
	struct lt_bundle a, b;      /* as the catalog would record them */
};

static void make_bundle(struct fx *fx, const char *id, const char *rel, char **abs_path,
			struct lt_bundle *out)
{
	static const char text[] = "Văn phòng Tỉnh ủy\n";
	unsigned char big[70000];
	const char *info[] = { "External-Identifier", id, NULL, NULL };
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };

	fill_pattern(big, sizeof(big), (uint32_t)id[3]);
	assert_int_equal(lt_path(abs_path, NULL, "%s/%s", fx->dir, rel), LT_OK);
	assert_int_equal(lt_bag_create(*abs_path, id, &bag, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, "data/0001.txt", text, sizeof(text) - 1, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, "data/0001.png", big, sizeof(big), &err), LT_OK);
	assert_int_equal(lt_bag_finish(bag, info, out, &err), LT_OK);
	lt_bag_free(bag);
	assert_int_equal(lt_strdup(rel, &out->path, NULL), LT_OK);
	out->version = 1;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char *dir = NULL;

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/lt-test-verify-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(lt_path(&dir, NULL, "%s/bundles/ab", fx->dir), LT_OK);
	assert_int_equal(lt_mkdir_p(dir, 0755, NULL), LT_OK);
	free(dir);
	assert_int_equal(lt_path(&dir, NULL, "%s/bundles/ef", fx->dir), LT_OK);
	assert_int_equal(lt_mkdir_p(dir, 0755, NULL), LT_OK);
	free(dir);
	make_bundle(fx, ID_A, "bundles/ab/" ID_A ".tar", &fx->tar_a, &fx->a);
	make_bundle(fx, ID_B, "bundles/ef/" ID_B ".tar", &fx->tar_b, &fx->b);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	lt_remove_tree(fx->dir, NULL);
	free(fx->tar_a);
	free(fx->tar_b);
	lt_bundle_release(&fx->a);
	lt_bundle_release(&fx->b);
	free(fx);
	return 0;
}

/* Is there a problem naming `file` whose `found` holds `needle`? */
static int has_problem(const struct lt_verify_result *r, const char *file, const char *needle)
{
	for (size_t i = 0; i < r->n_problems; i++)
		if (strcmp(r->problems[i].file, file) == 0 &&
		    (!needle || strstr(r->problems[i].found, needle) ||
		     strstr(r->problems[i].expected, needle)))
			return 1;
	return 0;
}

/* Offset of the first occurrence of needle in the file, for a targeted flip. */
static long offset_of(const char *path, const char *needle)
{
	struct lt_buf b = { 0 };
	const char *hit;
	long off;

	read_file(path, &b);
	hit = memmem(b.data, b.len, needle, strlen(needle));
	assert_non_null(hit);
	off = (long)(hit - (const char *)b.data);
	lt_buf_release(&b);
	return off;
}

static void flip_byte(const char *path, long off)
{
	FILE *f;
	int c;

	chmod(path, 0644);
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	c = fgetc(f);
	assert_int_not_equal(c, EOF);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	fputc(c ^ 0x01, f);
	assert_int_equal(fclose(f), 0);
}

static void check(struct fx *fx, const struct lt_bundle *b, const char *id,
		  struct lt_verify_result *r)
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_verify_bundle(fx->dir, b, id, r, &err), LT_OK);
}

static void test_sound(void **state)
{
	struct fx *fx = *state;
	struct lt_verify_result r;

	lt_verify_result_init(&r);
	check(fx, &fx->a, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_OK);
	assert_int_equal(r.n_problems, 0);
	assert_int_equal(r.bytes, fx->a.size);
	assert_true(r.n_files >= 6);   /* 2 payload + bagit, bag-info, 2 manifests */
	assert_string_equal(lt_verdict_name(r.verdict), "ok");
	lt_verify_result_release(&r);
	lt_verify_result_release(NULL);
}

static void test_flipped_payload(void **state)
{
	struct fx *fx = *state;
	struct lt_verify_result r;

	flip_byte(fx->tar_a, offset_of(fx->tar_a, "phòng"));
	lt_verify_result_init(&r);
	check(fx, &fx->a, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_DAMAGED);
	assert_true(has_problem(&r, "", fx->a.sha256));          /* the tar against the catalog */
	assert_true(has_problem(&r, "data/0001.txt", NULL));      /* against the manifest */
	assert_false(has_problem(&r, "data/0001.png", NULL));     /* the other file is sound */
	lt_verify_result_release(&r);
}

static void test_flipped_in_big_file(void **state)
{
	struct fx *fx = *state;
	struct lt_verify_result r;
	struct stat st;

	/* Deep inside the 70 kB file: its tar header is at most a few kB in. */
	assert_int_equal(stat(fx->tar_a, &st), 0);
	flip_byte(fx->tar_a, offset_of(fx->tar_a, "0001.png") + 40000);
	lt_verify_result_init(&r);
	check(fx, &fx->a, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_DAMAGED);
	assert_true(has_problem(&r, "data/0001.png", NULL));
	lt_verify_result_release(&r);
}

static void test_edited_manifest(void **state)
{
	struct fx *fx = *state;
	struct lt_verify_result r;

	/* The manifest's line for data/0001.txt starts with its digest. */
	flip_byte(fx->tar_a, offset_of(fx->tar_a, "  data/0001.txt") - 1);
	lt_verify_result_init(&r);
	check(fx, &fx->a, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_DAMAGED);
	assert_true(has_problem(&r, "manifest-sha256.txt", NULL));  /* catalog and tag manifest */
	lt_verify_result_release(&r);
}

static void test_truncated(void **state)
{
	struct fx *fx = *state;
	struct lt_verify_result r;

	chmod(fx->tar_a, 0644);
	assert_int_equal(truncate(fx->tar_a, (off_t)fx->a.size / 2), 0);
	lt_verify_result_init(&r);
	check(fx, &fx->a, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_DAMAGED);
	assert_true(r.n_problems >= 1);
	assert_string_equal(r.problems[0].file, "");
	lt_verify_result_release(&r);
}

static void test_missing(void **state)
{
	struct fx *fx = *state;
	struct lt_verify_result r;

	assert_int_equal(unlink(fx->tar_a), 0);
	lt_verify_result_init(&r);
	check(fx, &fx->a, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_MISSING);
	assert_int_equal(r.n_problems, 1);
	assert_string_equal(r.problems[0].found, "no such file");
	assert_string_equal(lt_verdict_name(r.verdict), "missing");
	lt_verify_result_release(&r);
}

/* A sound bag, the right tar for its catalog record, but not this
 * document's: its top directory and External-Identifier give it away. */
static void test_wrong_document(void **state)
{
	struct fx *fx = *state;
	struct lt_verify_result r;

	lt_verify_result_init(&r);
	check(fx, &fx->b, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_DAMAGED);
	assert_true(has_problem(&r, "", "top directory " ID_B));
	assert_true(has_problem(&r, "bag-info.txt", "External-Identifier " ID_B));
	lt_verify_result_release(&r);
	/* And a swapped file at A's path: the tar's digest differs too. */
	chmod(fx->tar_a, 0644);
	assert_int_equal(rename(fx->tar_b, fx->tar_a), 0);
	check(fx, &fx->a, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_DAMAGED);
	assert_true(has_problem(&r, "", fx->a.sha256));
	assert_true(has_problem(&r, "bag-info.txt", "External-Identifier " ID_B));
	lt_verify_result_release(&r);
}

/* The catalog lists a file the bag does not have, and misses one it has:
 * both reported even though the bag itself is sound. */
static void test_catalog_files(void **state)
{
	struct fx *fx = *state;
	struct lt_verify_result r;
	struct lt_bundle *a = &fx->a;

	free(a->files[0].path);
	assert_int_equal(lt_strdup("data/0009.txt", &a->files[0].path, NULL), LT_OK);
	lt_verify_result_init(&r);
	check(fx, a, ID_A, &r);
	assert_int_equal(r.verdict, LT_VERDICT_DAMAGED);
	assert_true(has_problem(&r, "data/0009.txt", "not in the bundle"));
	assert_int_equal(r.n_problems, 2);
	lt_verify_result_release(&r);
}

static void test_strays(void **state)
{
	struct fx *fx = *state;
	char *known[] = { "bundles/ef/" ID_B ".tar", "bundles/ab/" ID_A ".tar" };
	char **strays = NULL, *extra = NULL;

	assert_int_equal(lt_verify_strays(fx->dir, known, 2, &strays, NULL), LT_OK);
	assert_null(strays[0]);
	lt_verify_strays_free(strays);
	/* The catalog forgot B, and something was dropped in a new folder. */
	assert_int_equal(lt_path(&extra, NULL, "%s/bundles/zz", fx->dir), LT_OK);
	assert_int_equal(lt_mkdir_p(extra, 0755, NULL), LT_OK);
	free(extra);
	assert_int_equal(lt_path(&extra, NULL, "%s/bundles/zz/x.tar", fx->dir), LT_OK);
	write_file(extra, "x", 1);
	free(extra);
	assert_int_equal(lt_verify_strays(fx->dir, known + 1, 1, &strays, NULL), LT_OK);
	assert_non_null(strays[0]);
	assert_string_equal(strays[0], "bundles/ef/" ID_B ".tar");
	assert_string_equal(strays[1], "bundles/zz/x.tar");
	assert_null(strays[2]);
	lt_verify_strays_free(strays);
	/* An archive with no bundles/ yet has none. */
	assert_int_equal(lt_verify_strays("/tmp/lt-test-verify-no-such", known, 0, &strays, NULL),
			 LT_OK);
	assert_null(strays[0]);
	lt_verify_strays_free(strays);
}

struct seen {
	size_t ok, damaged, missing;
};

static void on_done(void *ud, const struct lt_bundle_ref *ref, const struct lt_verify_result *res)
{
	struct seen *s = ud;

	assert_non_null(ref->bundle.path);
	if (res->verdict == LT_VERDICT_OK)
		s->ok++;
	else if (res->verdict == LT_VERDICT_MISSING)
		s->missing++;
	else
		s->damaged++;
}

/* Forty bundles on four threads, two of them bad; then a deadline already
 * past starts none. */
static void test_many(void **state)
{
	struct fx *fx = *state;
	struct lt_bundle_ref refs[40];
	struct seen seen = { 0 };
	struct lt_verify_opts opts = { .jobs = 4, .done = on_done, .ud = &seen };
	struct lt_verify_totals tot;
	struct lt_err err = { 0 };

	memset(refs, 0, sizeof(refs));
	for (int i = 0; i < 40; i++) {
		refs[i].bundle = i % 2 ? fx->b : fx->a;   /* shallow: fx keeps ownership */
		snprintf(refs[i].document, sizeof(refs[i].document), "%s", i % 2 ? ID_B : ID_A);
	}
	refs[7].bundle.size++;                          /* the catalog disagrees */
	snprintf(refs[12].document, sizeof(refs[12].document), "%s", ID_B); /* wrong document */
	assert_int_equal(lt_verify_many(NULL, fx->dir, refs, 40, &opts, &tot, &err), LT_OK);
	assert_int_equal(tot.checked, 40);
	assert_int_equal(tot.ok, 38);
	assert_int_equal(tot.damaged, 2);
	assert_int_equal(tot.not_started, 0);
	assert_int_equal(seen.ok, 38);
	assert_int_equal(seen.damaged, 2);
	assert_int_equal(tot.bytes, 20 * fx->a.size + 20 * fx->b.size);

	opts.deadline = lt_monotonic_seconds() - 1;
	assert_int_equal(lt_verify_many(NULL, fx->dir, refs, 40, &opts, &tot, &err), LT_OK);
	assert_int_equal(tot.checked, 0);
	assert_int_equal(tot.not_started, 40);
}

/* A document (its one scan's content: `scan`) archived in the catalog of
 * fx's archive (opened if *cat is NULL), its bundle a real bag made for its
 * id. Returns the catalog; id and tar filled. */
static struct lt_catalog *archived_doc(struct fx *fx, struct lt_catalog *cat, const char *scan,
				       char id[LT_DOC_ID_LEN + 1], char **tar)
{
	struct lt_doc *doc = lt_doc_new(), *claimed = NULL;
	struct lt_err err = { 0 };
	char sha[LT_SHA256_HEX], rel[64], *dir = NULL;
	int64_t batch = 0;
	int added = 0, wait = 0;

	if (!cat)
		assert_int_equal(lt_catalog_open(fx->dir, LT_CATALOG_CREATE, &cat, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(cat, "/srv/inbox", &batch, &err), LT_OK);
	assert_non_null(doc);
	assert_int_equal(lt_sha256_mem(scan, strlen(scan), sha, &err), LT_OK);
	assert_int_equal(lt_doc_add_source(doc, "/srv/inbox/a.png", sha, strlen(scan), 1, "png", &err), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup("a.png", &doc->label, &err), LT_OK);
	assert_int_equal(lt_strdup("/srv/inbox/a.png", &doc->origin, &err), LT_OK);
	assert_int_equal(lt_catalog_add_document(cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	memcpy(id, doc->id, LT_DOC_ID_LEN + 1);
	lt_doc_free(doc);
	assert_int_equal(lt_catalog_claim(cat, &claimed, &wait, &err), LT_OK);
	assert_non_null(claimed);
	assert_int_equal(lt_strdup("một hai", &claimed->pages[0].text, &err), LT_OK);
	snprintf(rel, sizeof(rel), "bundles/%.2s", id);
	assert_int_equal(lt_path(&dir, NULL, "%s/%s", fx->dir, rel), LT_OK);
	assert_int_equal(lt_mkdir_p(dir, 0755, NULL), LT_OK);
	free(dir);
	snprintf(rel, sizeof(rel), "bundles/%.2s/%s.tar", id, id);
	make_bundle(fx, id, rel, tar, &claimed->bundle);
	assert_int_equal(lt_catalog_archive(cat, claimed, &err), LT_OK);
	lt_doc_free(claimed);
	return cat;
}

static void list(struct lt_catalog *cat, const char *doc, const char *before,
		 struct lt_bundle_ref **refs, size_t *n)
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_catalog_bundles_to_verify(cat, doc, before, refs, n, &err), LT_OK);
}

static size_t count_events(const struct lt_doc *doc, const char *type, const char *outcome)
{
	size_t n = 0;

	for (size_t i = 0; i < doc->n_events; i++)
		n += strcmp(doc->events[i].type, type) == 0 &&
		     strcmp(doc->events[i].outcome, outcome) == 0;
	return n;
}

static void test_catalog_record(void **state)
{
	struct fx *fx = *state;
	char id[LT_DOC_ID_LEN + 1], *tar = NULL, at[32], **paths = NULL;
	struct lt_catalog *cat = archived_doc(fx, NULL, "scan", id, &tar);
	struct lt_bundle_ref *refs = NULL;
	struct lt_verify_opts opts = { .jobs = 2, .record = 1 };
	struct lt_verify_totals tot;
	struct lt_err err = { 0 };
	struct lt_doc *doc = NULL;
	size_t n = 0, n_paths = 0;
	int ok = 0;

	list(cat, NULL, NULL, &refs, &n);
	assert_int_equal(n, 1);
	assert_string_equal(refs[0].document, id);
	assert_int_equal(refs[0].verified_ok, -1);
	assert_string_equal(refs[0].verified_at, "");
	assert_int_equal(refs[0].bundle.n_files, 6);
	assert_int_equal(lt_catalog_bundle_fixity(cat, refs[0].bundle.path, at, &ok, &err), LT_OK);
	assert_int_equal(ok, -1);

	assert_int_equal(lt_verify_many(cat, fx->dir, refs, n, &opts, &tot, &err), LT_OK);
	assert_int_equal(tot.ok, 1);
	lt_bundle_refs_free(refs, n);
	list(cat, id, NULL, &refs, &n);
	assert_int_equal(n, 1);
	assert_int_equal(refs[0].verified_ok, 1);
	assert_int_equal(strlen(refs[0].verified_at), 20);  /* 2026-11-30T16:10:00Z */
	assert_int_equal(lt_catalog_bundle_fixity(cat, refs[0].bundle.path, at, &ok, &err), LT_OK);
	assert_int_equal(ok, 1);
	assert_string_equal(at, refs[0].verified_at);
	lt_bundle_refs_free(refs, n);
	/* Checked since 2000: not due; checked before 9999: due. */
	list(cat, NULL, "2000-01-01T00:00:00Z", &refs, &n);
	assert_int_equal(n, 0);
	lt_bundle_refs_free(refs, n);
	list(cat, NULL, "9999-01-01T00:00:00Z", &refs, &n);
	assert_int_equal(n, 1);
	/* Damaged: recorded as a failure, and always due. */
	flip_byte(tar, offset_of(tar, "phòng"));
	assert_int_equal(lt_verify_many(cat, fx->dir, refs, n, &opts, &tot, &err), LT_OK);
	assert_int_equal(tot.damaged, 1);
	lt_bundle_refs_free(refs, n);
	list(cat, NULL, "2000-01-01T00:00:00Z", &refs, &n);
	assert_int_equal(n, 1);
	assert_int_equal(refs[0].verified_ok, 0);
	lt_bundle_refs_free(refs, n);
	list(cat, "0000000000000000", NULL, &refs, &n);
	assert_int_equal(n, 0);
	lt_bundle_refs_free(refs, n);

	assert_int_equal(lt_catalog_load(cat, id, &doc, &err), LT_OK);
	assert_int_equal(doc->state, LT_ARCHIVED);
	assert_int_equal(count_events(doc, "fixity", "success"), 1);
	assert_int_equal(count_events(doc, "fixity", "failure"), 1);
	for (size_t i = 0; i < doc->n_events; i++)
		if (strcmp(doc->events[i].outcome, "failure") == 0)
			assert_non_null(strstr(doc->events[i].detail, "data/0001.txt"));
	lt_doc_free(doc);

	assert_int_equal(lt_catalog_bundle_paths(cat, &paths, &n_paths, &err), LT_OK);
	assert_int_equal(n_paths, 1);
	assert_non_null(strstr(tar, paths[0]));
	free(paths[0]);
	free(paths);
	lt_catalog_close(cat);
	free(tar);
}

/* Oldest-checked first, never-checked before all; --since's cut-off. */
static void test_catalog_order(void **state)
{
	struct fx *fx = *state;
	char id1[LT_DOC_ID_LEN + 1], id2[LT_DOC_ID_LEN + 1], id3[LT_DOC_ID_LEN + 1];
	char *tar1 = NULL, *tar2 = NULL, *tar3 = NULL;
	struct lt_catalog *cat = archived_doc(fx, NULL, "one", id1, &tar1);
	struct lt_bundle_ref *refs = NULL, gone;
	struct lt_err err = { 0 };
	size_t n = 0;

	archived_doc(fx, cat, "two", id2, &tar2);
	archived_doc(fx, cat, "three", id3, &tar3);
	list(cat, NULL, NULL, &refs, &n);
	assert_int_equal(n, 3);
	/* 1 checked lately, 2 long ago, 3 never. */
	for (size_t i = 0; i < n; i++) {
		const char *at = strcmp(refs[i].document, id1) == 0 ? "2026-06-01T00:00:00Z"
				 : strcmp(refs[i].document, id2) == 0 ? "2026-01-01T00:00:00Z" : NULL;

		if (at)
			assert_int_equal(lt_catalog_record_fixity(cat, &refs[i], 1, at, "ok", &err), LT_OK);
	}
	/* A row that is not there is an error, not a silent no-op. */
	gone = refs[0];
	gone.id = 999;
	assert_int_equal(lt_catalog_record_fixity(cat, &gone, 1, "2026-01-02T00:00:00Z", "ok", &err),
			 LT_ENOTFOUND);
	lt_bundle_refs_free(refs, n);
	list(cat, NULL, NULL, &refs, &n);
	assert_int_equal(n, 3);
	assert_string_equal(refs[0].document, id3);
	assert_string_equal(refs[1].document, id2);
	assert_string_equal(refs[2].document, id1);
	lt_bundle_refs_free(refs, n);
	list(cat, NULL, "2026-03-01T00:00:00Z", &refs, &n);
	assert_int_equal(n, 2);
	assert_string_equal(refs[0].document, id3);
	assert_string_equal(refs[1].document, id2);
	lt_bundle_refs_free(refs, n);
	lt_catalog_close(cat);
	free(tar1);
	free(tar2);
	free(tar3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_in_big_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_document, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
