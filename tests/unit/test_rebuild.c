/* test_rebuild.c - a catalog rebuilt from bundles written by the real bag
 * writer in a temporary archive: a damaged bundle is reported and left out,
 * the newest sound version wins, no bundle changes nothing, and the
 * metadata record's reader refuses what it cannot trust. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/rebuild.h"

#define ID_A "aaaa000011112222"
#define ID_B "bbbb000011112222"
#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct fx {
	char dir[64];
	char *archive;
	/* What left_out() was told. */
	char left[8][512];
	int n_left;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/luutru-test-rebuild.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(lt_path(&fx->archive, NULL, "%s/archive", fx->dir), LT_OK);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	lt_remove_tree(fx->dir, NULL);
	free(fx->archive);
	free(fx);
	return 0;
}

static void record_left_out(void *ud, const char *bundle, const char *why)
{
	struct fx *fx = ud;

	if (fx->n_left < 8)
		snprintf(fx->left[fx->n_left++], sizeof(fx->left[0]), "%s: %s", bundle, why);
}

/* A metadata record for a one-page document. */
static void record_of(char *out, size_t size, const char *id, const char *label, int version)
{
	snprintf(out, size,
		 "{\"format\": \"luutru-metadata\", \"format_version\": 1,\n"
		 " \"document\": {\"id\": \"%s\", \"label\": \"%s\", \"origin\": \"/scans/%s\","
		 " \"lang\": \"vie\", \"created\": \"2026-01-02T03:04:05+07:00\"},\n"
		 " \"sources\": [{\"seq\": 1, \"path\": \"/scans/%s/p1.png\", \"size\": 10,"
		 " \"sha256\": \"" SHA "\", \"format\": \"png\", \"page_count\": 1}],\n"
		 " \"pages\": [{\"number\": 1, \"source\": 1, \"index\": 0, \"width\": 100,"
		 " \"height\": 200, \"dpi\": 300, \"confidence\": 91.5, \"lang\": \"vie\","
		 " \"preprocessing\": \"as scanned\", \"quality\": null, \"review\": null}],\n"
		 " \"events\": [{\"type\": \"ingested\", \"at\": \"2026-01-02T03:04:05+07:00\","
		 " \"outcome\": \"success\", \"detail\": \"1 files, 1 pages\"}],\n"
		 " \"bundle\": {\"version\": %d, \"created\": \"2026-01-02T03:05:00+07:00\"}}\n",
		 id, label, label, label, version);
}

/* Writes ARCHIVE/bundles/<id[0:2]>/<name> as the package stage would, with
 * the record naming record_id, and returns its path (owned). */
static char *write_bundle(struct fx *fx, const char *id, const char *record_id, const char *label,
			  int version, const char *text)
{
	struct lt_bag *bag = NULL;
	struct lt_bundle b = { 0 };
	char *rel = NULL, *dir = NULL, *path = NULL, *page = NULL, json[4096];

	record_of(json, sizeof(json), record_id, label, version);
	assert_int_equal(lt_layout_bundle_path(id, version, &rel, NULL), LT_OK);
	assert_int_equal(lt_layout_bundle_dir(id, &dir, NULL), LT_OK);
	assert_int_equal(lt_path(&path, NULL, "%s/%s", fx->archive, dir), LT_OK);
	assert_int_equal(lt_mkdir_p(path, 0755, NULL), LT_OK);
	free(path);
	assert_int_equal(lt_path(&path, NULL, "%s/%s", fx->archive, rel), LT_OK);
	assert_int_equal(lt_layout_page(1, LT_PAGE_TEXT, &page, NULL), LT_OK);
	assert_int_equal(lt_bag_create(path, id, &bag, NULL), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, page, text, strlen(text), NULL), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, LT_LAYOUT_METADATA_JSON, json, strlen(json), NULL), LT_OK);
	assert_int_equal(lt_bag_finish(bag, NULL, &b, NULL), LT_OK);
	lt_bag_free(bag);
	lt_bundle_release(&b);
	free(rel);
	free(dir);
	free(page);
	return path;
}

/* Changes one byte of `needle` inside the file: its digest no longer matches. */
static void damage(const char *path, const char *needle)
{
	struct lt_buf data = LT_BUF_INIT;
	char *at;

	read_file(path, &data);
	at = memmem(data.data, data.len, needle, strlen(needle));
	assert_non_null(at);
	*at ^= 0x20;
	chmod(path, 0644);
	write_file(path, data.data, data.len);
	lt_buf_release(&data);
}

static int rebuild(struct fx *fx, struct lt_rebuild_stats *st, char **old)
{
	struct lt_rebuild_opts opts = { .left_out = record_left_out, .ud = fx };
	struct lt_err err = { 0 };
	int rc;

	fx->n_left = 0;
	rc = lt_rebuild_catalog(fx->archive, &opts, st, old, &err);
	if (rc && rc != LT_ENOTFOUND)
		print_error("rebuild: %s\n", err.msg);
	return rc;
}

static struct lt_doc *load(struct fx *fx, const char *id, int *found)
{
	struct lt_catalog *cat = NULL;
	struct lt_doc *doc = NULL;

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &cat, NULL), LT_OK);
	assert_int_equal(lt_catalog_find(cat, id, found, NULL, NULL), LT_OK);
	if (*found)
		assert_int_equal(lt_catalog_load(cat, id, &doc, NULL), LT_OK);
	lt_catalog_close(cat);
	return doc;
}

static void test_damaged_bundle_left_out(void **state)
{
	struct fx *fx = *state;
	struct lt_rebuild_stats st;
	struct lt_catalog *cat = NULL;
	struct lt_hit *hits = NULL;
	struct lt_doc *doc;
	size_t n = 0;
	int found = 0;
	char *a = write_bundle(fx, ID_A, ID_A, "cong-van", 1, "Văn phòng Trung ương Đảng");
	char *b = write_bundle(fx, ID_B, ID_B, "bao-cao", 1, "Báo cáo tổng kết năm");

	damage(b, "tổng kết");
	assert_int_equal(rebuild(fx, &st, NULL), LT_OK);
	assert_int_equal(st.bundles_found, 2);
	assert_int_equal(st.bundles_used, 1);
	assert_int_equal(st.bundles_left_out, 1);
	assert_int_equal(st.documents, 1);
	assert_int_equal(fx->n_left, 1);
	/* Reported by path, with the reader's reason. */
	assert_int_equal(strncmp(fx->left[0], b, strlen(b)), 0);
	assert_non_null(strstr(fx->left[0], lt_bag_problem_name(LT_BAG_MISMATCH)));
	assert_non_null(strstr(fx->left[0], "data/representations/ocr/data/0001.txt"));

	doc = load(fx, ID_B, &found);
	assert_int_equal(found, 0);
	doc = load(fx, ID_A, &found);
	assert_int_equal(found, 1);
	assert_int_equal(doc->state, LT_ARCHIVED);
	assert_string_equal(doc->label, "cong-van");
	assert_string_equal(doc->origin, "/scans/cong-van");
	assert_int_equal(doc->n_pages, 1);
	assert_string_equal(doc->pages[0].text, "Văn phòng Trung ương Đảng");
	assert_int_equal(doc->pages[0].dpi, 300);
	assert_true(doc->pages[0].quality < 0);
	assert_string_equal(doc->bundle.created, "2026-01-02T03:05:00+07:00");
	/* ingested (from the record), packaged and archived (made again). */
	assert_int_equal(doc->n_events, 3);
	assert_string_equal(doc->events[0].type, "ingested");
	assert_string_equal(doc->events[1].type, "packaged");
	assert_string_equal(doc->events[2].type, "archived");
	assert_string_equal(doc->events[2].detail, "bundle version 1: bundles/aa/" ID_A ".tar");
	lt_doc_free(doc);

	/* Searchable without diacritics, as the original was. */
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &cat, NULL), LT_OK);
	assert_int_equal(lt_catalog_search(cat, "van phong", 10, &hits, &n, NULL), LT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].document, ID_A);
	lt_hits_free(hits, n);
	lt_catalog_close(cat);
	free(a);
	free(b);
}

static void test_newest_sound_version_wins(void **state)
{
	struct fx *fx = *state;
	struct lt_rebuild_stats st;
	struct lt_doc *doc;
	char *old = NULL, *v2;
	int found = 0;

	free(write_bundle(fx, ID_A, ID_A, "first", 1, "lần đầu"));
	v2 = write_bundle(fx, ID_A, ID_A, "second", 2, "lần thứ hai");
	assert_int_equal(rebuild(fx, &st, &old), LT_OK);
	assert_null(old);
	assert_int_equal(st.bundles_used, 2);
	assert_int_equal(st.documents, 1);
	doc = load(fx, ID_A, &found);
	assert_string_equal(doc->label, "second");
	assert_int_equal(doc->bundle.version, 2);
	assert_string_equal(doc->pages[0].text, "lần thứ hai");
	lt_doc_free(doc);

	/* v2 damaged: v1 is what remains, and the first catalog is kept. */
	damage(v2, "thứ hai");
	assert_int_equal(rebuild(fx, &st, &old), LT_OK);
	assert_int_equal(st.bundles_left_out, 1);
	assert_int_equal(fx->n_left, 1);
	assert_non_null(old);
	assert_true(exists(old));
	doc = load(fx, ID_A, &found);
	assert_string_equal(doc->label, "first");
	assert_int_equal(doc->bundle.version, 1);
	lt_doc_free(doc);
	free(old);
	free(v2);
}

static void test_record_of_another_document_left_out(void **state)
{
	struct fx *fx = *state;
	struct lt_rebuild_stats st;

	free(write_bundle(fx, ID_A, ID_B, "swapped", 1, "text"));
	free(write_bundle(fx, ID_B, ID_B, "right", 1, "text"));
	assert_int_equal(rebuild(fx, &st, NULL), LT_OK);
	assert_int_equal(st.documents, 1);
	assert_int_equal(fx->n_left, 1);
	assert_non_null(strstr(fx->left[0], "not the " ID_A));
}

static void test_no_bundle_changes_nothing(void **state)
{
	struct fx *fx = *state;
	struct lt_rebuild_stats st;
	struct lt_catalog *cat = NULL;
	char *bundles = NULL, *catalog = NULL;
	struct stat before, after;

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &cat, NULL), LT_OK);
	lt_catalog_close(cat);
	assert_int_equal(lt_path(&bundles, NULL, "%s/bundles", fx->archive), LT_OK);
	assert_int_equal(lt_path(&catalog, NULL, "%s/catalog.sqlite", fx->archive), LT_OK);
	assert_int_equal(lt_mkdir_p(bundles, 0755, NULL), LT_OK);
	assert_int_equal(stat(catalog, &before), 0);
	assert_int_equal(rebuild(fx, &st, NULL), LT_ENOTFOUND);
	assert_int_equal(stat(catalog, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mtime, after.st_mtime);
	free(bundles);
	free(catalog);
}

static void test_metadata_parse(void **state)
{
	static const char *const bad[] = {
		"not json",
		"{\"format\": \"other\", \"format_version\": 1}",
		"{\"format\": \"luutru-metadata\", \"format_version\": 99}",
		/* no sources */
		"{\"format\": \"luutru-metadata\", \"format_version\": 1, \"document\": {\"id\": \""
		ID_A "\", \"label\": \"x\", \"origin\": \"/x\"}}",
		/* a bad id */
		"{\"format\": \"luutru-metadata\", \"format_version\": 1, \"document\": {\"id\": \"../etc\","
		" \"label\": \"x\", \"origin\": \"/x\"}}",
	};
	char json[4096], created[32], *p;
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(lt_metadata_parse(bad[i], strlen(bad[i]), "case", &doc, created, &err),
				 LT_EINPUT);
		assert_null(doc);
		assert_non_null(strstr(err.msg, "case"));
	}
	/* A path that is not UTF-8 comes back byte for byte from its hex. */
	record_of(json, sizeof(json), ID_A, "x", 1);
	p = strstr(json, "\"path\": \"/scans/x/p1.png\"");
	assert_non_null(p);
	memcpy(p, "\"path_hex\": \"2fff2f\"     ", 25);
	assert_int_equal(lt_metadata_parse(json, strlen(json), "case", &doc, created, &err), LT_OK);
	assert_string_equal(doc->sources[0].path, "/\xff/");
	assert_string_equal(created, "2026-01-02T03:04:05+07:00");
	assert_int_equal(doc->bundle.version, 1);
	lt_doc_free(doc);
	/* Pages that do not match the sources. */
	record_of(json, sizeof(json), ID_A, "x", 1);
	p = strstr(json, "\"index\": 0");
	p[9] = '3';
	assert_int_equal(lt_metadata_parse(json, strlen(json), "case", &doc, created, &err), LT_EINPUT);
}

/* Version 2 records carry the TT05 fields with their provenance; a version
 * 1 record (no "fields") still reads, with none; a version 1 record's
 * "fields", if any, are not read (they were not luutru's). */
static void test_metadata_fields(void **state)
{
	static const char fields[] =
		", \"fields\": {\"codeNumber\": {\"value\": \"05\", \"provenance\": \"extracted\","
		" \"origin\": null, \"rule\": \"so-ky-hieu\", \"confidence\": 0.93, \"confirmed\": false},"
		" \"subject\": {\"value\": \"Về công tác\", \"provenance\": \"sidecar\","
		" \"origin\": \"inbox/a/metadata.json\", \"rule\": null, \"confidence\": 1,"
		" \"confirmed\": true}}}\n";
	char json[4096], created[32], *end;
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	const struct lt_meta_field *f;

	(void)state;
	record_of(json, sizeof(json), ID_A, "x", 1);
	assert_int_equal(lt_metadata_parse(json, strlen(json), "v1", &doc, created, &err), LT_OK);
	assert_int_equal(doc->meta.n, 0);
	lt_doc_free(doc);
	/* The same record as version 2, with fields. */
	memcpy(strstr(json, "\"format_version\": 1") + 18, "2", 1);
	end = strrchr(json, '}');
	snprintf(end, sizeof(json) - (size_t)(end - json), "%s", fields);
	assert_int_equal(lt_metadata_parse(json, strlen(json), "v2", &doc, created, &err), LT_OK);
	assert_int_equal(doc->meta.n, 2);
	f = lt_meta_get(&doc->meta, "codeNumber");
	assert_non_null(f);
	assert_string_equal(f->value, "05");
	assert_int_equal(f->source, LT_META_EXTRACTED);
	assert_null(f->origin);
	assert_string_equal(f->rule, "so-ky-hieu");
	assert_true(f->confidence > 0.92 && f->confidence < 0.94);
	assert_false(f->confirmed);
	f = lt_meta_get(&doc->meta, "subject");
	assert_string_equal(f->value, "Về công tác");
	assert_string_equal(f->origin, "inbox/a/metadata.json");
	assert_true(f->confirmed);
	lt_doc_free(doc);
	/* A field with an unknown provenance is refused, naming it. */
	memcpy(strstr(json, "\"sidecar\""), "\"xidecar\"", 9);
	assert_int_equal(lt_metadata_parse(json, strlen(json), "v2", &doc, created, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "field 'subject'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_damaged_bundle_left_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newest_sound_version_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_of_another_document_left_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_bundle_changes_nothing, setup, teardown),
		cmocka_unit_test(test_metadata_parse),
		cmocka_unit_test(test_metadata_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
