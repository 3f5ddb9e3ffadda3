/* test_layout.c - unit tests for layout.h: the E-ARK names inside a bundle,
 * the bundle's path per version, and the move of a finished tar into place
 * on a real catalog in a temp archive: a free target is taken, an orphan
 * (its version not in the catalog) is replaced, a recorded bundle never is. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "luutru/catalog.h"
#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/layout.h"

#define ID "3f0c9a1b2c3d4e5f"

struct fx {
	char dir[64];
	char archive[128];
	struct lt_catalog *cat;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct lt_err err = { 0 };

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lt-test-layout.XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->archive, sizeof(fx->archive), "%s/archive", fx->dir);
	*state = fx;
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

/* ---- names ---- */

/* call fills s: it must succeed with the name want. */
#define EXPECT_NAME(call, want) do { \
		assert_int_equal((call), LT_OK); \
		assert_non_null(s); \
		assert_string_equal(s, (want)); \
		free(s); \
		s = NULL; \
	} while (0)

static void test_bag_names(void **state)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };
	char sha[LT_SHA256_HEX] = { 0 }, *s = NULL;

	(void)state;
	assert_non_null(doc);
	assert_int_equal(lt_doc_add_source(doc, "/in/a.tif", sha, 10, 3, "tif", &err), LT_OK);
	assert_int_equal(lt_doc_add_source(doc, "/in/b.png", sha, 10, 1, "png", &err), LT_OK);
	EXPECT_NAME(lt_layout_master(doc, 0, &s, &err), "data/representations/master/data/0001.tif");
	EXPECT_NAME(lt_layout_master(doc, 1, &s, &err), "data/representations/master/data/0002.png");
	lt_doc_free(doc);

	EXPECT_NAME(lt_layout_page(1, LT_PAGE_TEXT, &s, &err), "data/representations/ocr/data/0001.txt");
	EXPECT_NAME(lt_layout_page(12, LT_PAGE_HOCR, &s, &err), "data/representations/ocr/data/0012.hocr");
	EXPECT_NAME(lt_layout_page(345, LT_PAGE_ALTO, &s, &err), "data/representations/ocr/data/0345.alto.xml");
	EXPECT_NAME(lt_layout_page(12345, LT_PAGE_TEXT, &s, &err), "data/representations/ocr/data/12345.txt");
	EXPECT_NAME(lt_layout_access_pdf(ID, &s, &err), "data/representations/access/data/" ID ".pdf");
	EXPECT_NAME(lt_layout_schema("mets.xsd", &s, &err), "data/schemas/mets.xsd");
	assert_string_equal(LT_LAYOUT_METS, "data/METS.xml");
	assert_string_equal(LT_LAYOUT_EAD, "data/metadata/descriptive/EAD.xml");
	assert_string_equal(LT_LAYOUT_METADATA_JSON, "data/metadata/descriptive/metadata.json");
	assert_string_equal(LT_LAYOUT_PREMIS, "data/metadata/preservation/PREMIS.xml");

	/* Nonsense is refused, not turned into a name. */
	assert_int_equal(lt_layout_page(0, LT_PAGE_TEXT, &s, &err), LT_EINTERNAL);
	assert_null(s);
	assert_int_equal(lt_layout_page(1, (enum lt_layout_page_file)7, &s, &err), LT_EINTERNAL);
	assert_null(s);
	assert_int_equal(lt_layout_schema("../catalog.sqlite", &s, &err), LT_EINTERNAL);
	assert_null(s);
}

static void test_bundle_paths(void **state)
{
	struct lt_err err = { 0 };
	char *s = NULL;
	char longwork[5000];

	(void)state;
	EXPECT_NAME(lt_layout_bundle_dir(ID, &s, &err), "bundles/3f");
	/* Version 1 keeps the name archives always had. */
	EXPECT_NAME(lt_layout_bundle_path(ID, 1, &s, &err), "bundles/3f/" ID ".tar");
	EXPECT_NAME(lt_layout_bundle_path(ID, 2, &s, &err), "bundles/3f/" ID ".v2.tar");
	EXPECT_NAME(lt_layout_bundle_path(ID, 17, &s, &err), "bundles/3f/" ID ".v17.tar");
	assert_int_equal(lt_layout_bundle_path(ID, 0, &s, &err), LT_EINTERNAL);
	assert_null(s);
	assert_non_null(strstr(err.msg, ID));
	EXPECT_NAME(lt_layout_work_page("/a/work/r1/" ID, 3, LT_PAGE_HOCR, &s, &err),
		    "/a/work/r1/" ID "/0003.hocr");
	EXPECT_NAME(lt_layout_work_page("/a/work/r1/" ID, 12, LT_PAGE_ALTO, &s, &err),
		    "/a/work/r1/" ID "/0012.alto.xml");

	/* An over-long work folder is an error naming it, never a cut name. */
	memset(longwork, 'w', sizeof(longwork) - 1);
	longwork[0] = '/';
	longwork[sizeof(longwork) - 1] = '\0';
	lt_err_clear(&err);
	assert_int_equal(lt_layout_work_page(longwork, 1, LT_PAGE_HOCR, &s, &err), LT_EIO);
	assert_null(s);
	assert_non_null(strstr(err.msg, "/www"));
}

/* ---- moving a bundle into place ---- */

static void fake_sha(const char *seed, char hex[LT_SHA256_HEX])
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_sha256_mem(seed, strlen(seed), hex, &err), LT_OK);
}

/* Queues, claims and archives a one-page document whose bundle (version 1,
 * at its layout path) is recorded in the catalog. Returns its id in id. */
static void archive_one(struct lt_catalog *cat, char id[LT_DOC_ID_LEN + 1])
{
	struct lt_doc *doc = lt_doc_new(), *claimed = NULL;
	struct lt_err err = { 0 };
	char sha[LT_SHA256_HEX];
	int64_t batch = 0;
	int added = 0, wait = 0;

	assert_non_null(doc);
	fake_sha("scan", sha);
	assert_int_equal(lt_doc_add_source(doc, "/srv/inbox/x.png", sha, 100, 1, "png", &err), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup("x.png", &doc->label, &err), LT_OK);
	assert_int_equal(lt_strdup("/srv/inbox/x.png", &doc->origin, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(cat, "/srv/inbox", &batch, &err), LT_OK);
	assert_int_equal(lt_catalog_add_document(cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	memcpy(id, doc->id, LT_DOC_ID_LEN + 1);
	lt_doc_free(doc);

	assert_int_equal(lt_catalog_claim(cat, &claimed, &wait, &err), LT_OK);
	assert_non_null(claimed);
	assert_int_equal(lt_strdup("some text", &claimed->pages[0].text, &err), LT_OK);
	assert_int_equal(lt_layout_bundle_path(claimed->id, 1, &claimed->bundle.path, &err), LT_OK);
	claimed->bundle.version = 1;
	claimed->bundle.size = 5;
	fake_sha("bundle", claimed->bundle.sha256);
	snprintf(claimed->bundle.created, sizeof(claimed->bundle.created), "2026-11-27T10:15:02+07:00");
	assert_int_equal(lt_catalog_archive(cat, claimed, &err), LT_OK);
	lt_doc_free(claimed);
}

static char *path_in(const struct fx *fx, const char *id, int version)
{
	struct lt_err err = { 0 };
	char *rel = NULL, *abs = NULL;

	assert_int_equal(lt_layout_bundle_path(id, version, &rel, &err), LT_OK);
	assert_int_equal(lt_path(&abs, &err, "%s/%s", fx->archive, rel), LT_OK);
	free(rel);
	return abs;
}

static void expect_content(const char *path, const char *want)
{
	struct lt_buf b = LT_BUF_INIT;

	read_file(path, &b);
	assert_string_equal(lt_buf_str(&b), want);
	lt_buf_release(&b);
}

static void test_install(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	char id[LT_DOC_ID_LEN + 1], tmp[200], *shard = NULL, *rel = NULL, *v1, *v2, *v3;
	int latest = -1;

	archive_one(fx->cat, id);
	assert_int_equal(lt_catalog_latest_bundle_version(fx->cat, id, &latest, &err), LT_OK);
	assert_int_equal(latest, 1);
	v1 = path_in(fx, id, 1);
	v2 = path_in(fx, id, 2);
	v3 = path_in(fx, id, 3);
	assert_int_equal(lt_layout_bundle_dir(id, &rel, &err), LT_OK);
	assert_int_equal(lt_path(&shard, &err, "%s/%s", fx->archive, rel), LT_OK);
	assert_int_equal(lt_mkdir_p(shard, 0755, &err), LT_OK);
	snprintf(tmp, sizeof(tmp), "%s/new.tar.part", fx->dir);

	/* The recorded version 1 is on disk: never replaced, and the error names it. */
	write_file(v1, "recorded", 8);
	chmod(v1, 0444);
	write_file(tmp, "new", 3);
	assert_int_equal(lt_layout_install_bundle(fx->cat, id, 1, tmp, v1, &err), LT_EARCHIVE);
	assert_non_null(strstr(err.msg, v1));
	expect_content(v1, "recorded");
	expect_content(tmp, "new");

	/* Version 2 is on disk but not in the catalog: an orphan of a crashed
	 * run, replaced. */
	write_file(v2, "orphan", 6);
	chmod(v2, 0444);
	lt_err_clear(&err);
	assert_int_equal(lt_layout_install_bundle(fx->cat, id, 2, tmp, v2, &err), LT_OK);
	expect_content(v2, "new");
	assert_false(exists(tmp));
	expect_content(v1, "recorded");

	/* A free name is simply taken. */
	write_file(tmp, "third", 5);
	assert_int_equal(lt_layout_install_bundle(fx->cat, id, 3, tmp, v3, &err), LT_OK);
	expect_content(v3, "third");
	assert_false(exists(tmp));

	/* A missing part file is an I/O error naming it; nothing appears. */
	free(v3);
	v3 = path_in(fx, id, 4);
	lt_err_clear(&err);
	assert_int_equal(lt_layout_install_bundle(fx->cat, id, 4, tmp, v3, &err), LT_EIO);
	assert_non_null(strstr(err.msg, tmp));
	assert_false(exists(v3));

	free(v1);
	free(v2);
	free(v3);
	free(shard);
	free(rel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bag_names),
		cmocka_unit_test(test_bundle_paths),
		cmocka_unit_test_setup_teardown(test_install, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
