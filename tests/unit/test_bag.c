/* test_bag.c - unit tests for bag.h: a BagIt bag written into a tar, then
 * read back with the library's reader, lt_bag_read() (no mocks) and checked against
 * RFC 8493: one top directory, bagit.txt, bag-info.txt (Bagging-Date,
 * Payload-Oxum, the extra pairs), manifests whose digests match the files, and
 * a struct lt_bundle that describes the tar on disk. Also the error paths:
 * digest mismatch, payload outside data/, partial tars removed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "luutru/bag.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/version.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define BAG_NAME "3f0c1234abcd5678"

struct fx {
	char dir[64];
	char tar[128];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lt-test-bag.XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->tar, sizeof(fx->tar), "%s/%s.tar", fx->dir, BAG_NAME);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	int rc = lt_remove_tree(fx->dir, &err) == LT_OK ? 0 : -1;

	free(fx);
	return rc;
}

/* ---- reading the tar back with the library's reader (bag_read.c) ---- */

struct entry {
	char *name;            /* full name in the tar */
	unsigned char *data;   /* NUL-terminated copy of the contents */
	size_t size;
	unsigned type;         /* AE_IFREG, ... */
	size_t got;
};

struct tar {
	struct entry *e;
	size_t n;
};

/* Every entry is selected: its bytes are copied into memory (the bags here
 * are small). */
static int collect_select(void *ud, const struct lt_bag_entry *be)
{
	struct tar *t = ud;
	struct entry *e;

	t->e = realloc(t->e, (t->n + 1) * sizeof(*t->e));
	assert_non_null(t->e);
	e = &t->e[t->n++];
	memset(e, 0, sizeof(*e));
	assert_int_equal(asprintf(&e->name, "%s/%s", BAG_NAME, be->path) > 0, 1);
	e->type = (unsigned)be->type;
	e->size = (size_t)be->size;
	e->data = malloc(e->size + 1);
	assert_non_null(e->data);
	e->data[e->size] = '\0';
	return 1;
}

static int collect_data(void *ud, const void *buf, size_t len, struct lt_err *err)
{
	struct tar *t = ud;
	struct entry *e = &t->e[t->n - 1];

	(void)err;
	assert_true(e->got + len <= e->size);
	memcpy(e->data + e->got, buf, len);
	e->got += len;
	return LT_OK;
}

static void tar_read(const char *path, struct tar *t)
{
	struct lt_bag_read_opts opts = { collect_select, collect_data, t, 0 };
	struct lt_bag_report *rep = NULL;
	struct lt_err err = { 0 };

	memset(t, 0, sizeof(*t));
	assert_int_equal(lt_bag_read(path, &opts, &rep, &err), LT_OK);
	for (size_t i = 0; i < rep->n_problems; i++)
		print_message("bag problem: %s: %s\n", rep->problems[i].path, rep->problems[i].reason);
	/* The reader finds nothing wrong with what lt_bag_finish() wrote. */
	assert_int_equal(rep->n_problems, 0);
	assert_string_equal(rep->name, BAG_NAME);
	for (size_t i = 0; i < t->n; i++)
		assert_int_equal(t->e[i].got, t->e[i].size);
	/* A POSIX (ustar/pax) tar, as bag.h promises. */
	assert_int_equal(rep->tar_format & ARCHIVE_FORMAT_BASE_MASK, ARCHIVE_FORMAT_TAR);
	lt_bag_report_free(rep);
}

static void tar_free(struct tar *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].name);
		free(t->e[i].data);
	}
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* The entry at BAG_NAME/rel, or NULL. */
static const struct entry *tar_find(const struct tar *t, const char *rel)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *n = t->e[i].name;

		if (strncmp(n, BAG_NAME "/", sizeof(BAG_NAME)) == 0 &&
		    strcmp(n + sizeof(BAG_NAME), rel) == 0)
			return &t->e[i];
	}
	return NULL;
}

static void sha_of(const struct entry *e, char hex[LT_SHA256_HEX])
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_sha256_mem(e->data, e->size, hex, &err), LT_OK);
}

/* RFC 8493 manifest path decoding: %0D, %0A, %25. */
static void percent_decode(const char *in, char *out, size_t outsize)
{
	size_t o = 0;

	while (*in && o + 1 < outsize) {
		if (strncmp(in, "%0D", 3) == 0) {
			out[o++] = '\r';
			in += 3;
		} else if (strncmp(in, "%0A", 3) == 0) {
			out[o++] = '\n';
			in += 3;
		} else if (strncmp(in, "%25", 3) == 0) {
			out[o++] = '%';
			in += 3;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

/* Checks a manifest (payload or tag) line by line: "<sha256>  <path>\n",
 * each digest that of the named entry. Returns the number of lines; every
 * path is passed to want_path() for the caller's coverage check. */
static size_t check_manifest(const struct tar *t, const struct entry *m,
			     int (*want_path)(const char *path))
{
	char *copy = strdup((const char *)m->data), *save = NULL, *line;
	size_t lines = 0;

	assert_non_null(copy);
	assert_true(m->size == 0 || m->data[m->size - 1] == '\n');
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char path[512], hex[LT_SHA256_HEX];
		const struct entry *e;

		assert_true(strlen(line) > 66);
		assert_int_equal(strspn(line, "0123456789abcdef"), 64);
		assert_memory_equal(line + 64, "  ", 2);
		percent_decode(line + 66, path, sizeof(path));
		assert_true(want_path(path));
		e = tar_find(t, path);
		assert_non_null(e);
		sha_of(e, hex);
		assert_memory_equal(line, hex, 64);
		lines++;
	}
	free(copy);
	return lines;
}

static int is_payload(const char *path)
{
	return strncmp(path, "data/", 5) == 0;
}

static int is_tag_file(const char *path)
{
	return strcmp(path, "manifest-sha256.txt") == 0 || strcmp(path, "bag-info.txt") == 0 ||
	       strcmp(path, "bagit.txt") == 0;
}

/* The value of "Label: value" in bag-info.txt (copied into out), 1 if found. */
static int bag_info_value(const struct entry *bi, const char *label, char *out, size_t outsize)
{
	const char *p = (const char *)bi->data;
	size_t ll = strlen(label);

	while (p && *p) {
		const char *eol = strchr(p, '\n');

		if (strncmp(p, label, ll) == 0 && p[ll] == ':' && p[ll + 1] == ' ') {
			size_t n = (size_t)((eol ? eol : p + strlen(p)) - (p + ll + 2));

			assert_true(n < outsize);
			memcpy(out, p + ll + 2, n);
			out[n] = '\0';
			return 1;
		}
		p = eol ? eol + 1 : NULL;
	}
	return 0;
}

/* ---- the round trip ---- */

static const char ocr_text[] = "Văn phòng Tỉnh ủy Đà Nẵng\nSố 05-CT/TW\n";

static void test_roundtrip(void **state)
{
	struct fx *fx = *state;
	static const char *const info[] = {
		"External-Identifier", BAG_NAME,
		"Source-Organization", "Lưu trữ Đà Nẵng",
		NULL,
	};
	static const struct {
		const char *path;
		size_t size;
	} payload[] = {
		{ "data/representations/ocr/data/0001.txt", sizeof(ocr_text) - 1 },
		{ "data/representations/masters/data/0001.bin", 100000 },
		{ "data/empty.txt", 0 },
		{ "data/100%.txt", 1 },
		{ "data/line\nbreak.txt", 1 },   /* manifest: data/line%0Abreak.txt */
	};
	struct lt_bundle out = { 0 };
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	unsigned char *scan = malloc(100000);
	char src[128], src_sha[LT_SHA256_HEX], tar_sha[LT_SHA256_HEX], val[256];
	char today_before[16], today_after[16];
	struct tar t;
	struct stat st;
	time_t now;
	struct tm tm;
	uint64_t src_size = 0, tar_size = 0, payload_bytes = 0;
	unsigned long long oxum_bytes = 0;
	size_t oxum_files = 0, payload_files = 0;
	const struct entry *e;

	assert_non_null(scan);
	fill_pattern(scan, 100000, 88172645u);
	snprintf(src, sizeof(src), "%s/scan.bin", fx->dir);
	write_file(src, scan, 100000);
	assert_int_equal(lt_sha256_file(src, src_sha, &src_size, &err), LT_OK);

	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(today_before, sizeof(today_before), "%Y-%m-%d", &tm);

	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	assert_non_null(bag);
	assert_int_equal(lt_bag_add_data(bag, payload[0].path, ocr_text, sizeof(ocr_text) - 1, &err), LT_OK);
	assert_int_equal(lt_bag_add_file(bag, payload[1].path, src, src_sha, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, payload[2].path, "", 0, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, payload[3].path, "x", 1, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, payload[4].path, "y", 1, &err), LT_OK);
	assert_int_equal(lt_bag_finish(bag, info, &out, &err), LT_OK);
	lt_bag_free(bag);   /* a finished bag keeps its tar */

	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(today_after, sizeof(today_after), "%Y-%m-%d", &tm);

	assert_int_equal(stat(fx->tar, &st), 0);
	tar_read(fx->tar, &t);

	/* One top directory, the bag's name; regular files only. */
	assert_int_equal(t.n, N_ELEMS(payload) + 4);
	for (size_t i = 0; i < t.n; i++) {
		assert_memory_equal(t.e[i].name, BAG_NAME "/", sizeof(BAG_NAME));
		assert_true(strlen(t.e[i].name) > sizeof(BAG_NAME));
		assert_int_equal(t.e[i].type, AE_IFREG);
	}

	/* Payload: the bytes that went in. */
	for (size_t i = 0; i < N_ELEMS(payload); i++) {
		e = tar_find(&t, payload[i].path);
		assert_non_null(e);
		assert_int_equal(e->size, payload[i].size);
	}
	assert_memory_equal(tar_find(&t, payload[0].path)->data, ocr_text, sizeof(ocr_text) - 1);
	assert_memory_equal(tar_find(&t, payload[1].path)->data, scan, 100000);
	for (size_t i = 0; i < t.n; i++) {
		if (is_payload(t.e[i].name + sizeof(BAG_NAME))) {
			payload_bytes += t.e[i].size;
			payload_files++;
		}
	}
	assert_int_equal(payload_files, N_ELEMS(payload));

	/* bagit.txt, exactly as RFC 8493 2.1.1 has it. */
	e = tar_find(&t, "bagit.txt");
	assert_non_null(e);
	assert_string_equal((const char *)e->data,
			    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");

	/* bag-info.txt */
	e = tar_find(&t, "bag-info.txt");
	assert_non_null(e);
	assert_true(bag_info_value(e, "Bagging-Date", val, sizeof(val)));
	assert_true(strcmp(val, today_before) == 0 || strcmp(val, today_after) == 0);
	assert_true(bag_info_value(e, "Payload-Oxum", val, sizeof(val)));
	assert_int_equal(sscanf(val, "%llu.%zu", &oxum_bytes, &oxum_files), 2);
	assert_int_equal(oxum_bytes, payload_bytes);
	assert_int_equal(oxum_files, payload_files);
	assert_true(bag_info_value(e, "Bag-Software-Agent", val, sizeof(val)));
	assert_string_equal(val, "luutru " LT_VERSION);
	assert_true(bag_info_value(e, "External-Identifier", val, sizeof(val)));
	assert_string_equal(val, BAG_NAME);
	assert_true(bag_info_value(e, "Source-Organization", val, sizeof(val)));
	assert_string_equal(val, "Lưu trữ Đà Nẵng");
	assert_int_equal(e->data[e->size - 1], '\n');

	/* manifest-sha256.txt: one correct line per payload file. */
	e = tar_find(&t, "manifest-sha256.txt");
	assert_non_null(e);
	assert_int_equal(check_manifest(&t, e, is_payload), payload_files);
	assert_non_null(strstr((const char *)e->data, "  data/100%25.txt\n"));
	assert_non_null(strstr((const char *)e->data, "  data/line%0Abreak.txt\n"));

	/* tagmanifest-sha256.txt: the three tag files, not itself, no payload. */
	e = tar_find(&t, "tagmanifest-sha256.txt");
	assert_non_null(e);
	assert_int_equal(check_manifest(&t, e, is_tag_file), 3);

	/* The bundle record describes the tar on disk... */
	assert_int_equal(lt_sha256_file(fx->tar, tar_sha, &tar_size, &err), LT_OK);
	assert_int_equal(out.size, (uint64_t)st.st_size);
	assert_int_equal(out.size, tar_size);
	assert_string_equal(out.sha256, tar_sha);
	assert_null(out.path);   /* left to the caller */
	assert_int_equal(strlen(out.created), 25);
	assert_int_equal(strspn(out.created, "0123456789"), 4);
	assert_memory_equal(out.created, today_before, 4);
	/* ...and lists every file in it, with the right size and digest. */
	assert_int_equal(out.n_files, t.n);
	for (size_t i = 0; i < out.n_files; i++) {
		char hex[LT_SHA256_HEX];

		e = tar_find(&t, out.files[i].path);
		assert_non_null(e);
		assert_int_equal(out.files[i].size, e->size);
		sha_of(e, hex);
		assert_string_equal(out.files[i].sha256, hex);
		if (strcmp(out.files[i].path, payload[1].path) == 0)
			assert_string_equal(out.files[i].sha256, src_sha);
	}

	tar_free(&t);
	lt_bundle_release(&out);
	free(scan);
}

static void test_empty_payload(void **state)
{
	struct fx *fx = *state;
	struct lt_bundle out = { 0 };
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	char val[64];
	struct tar t;
	const struct entry *e;

	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	assert_int_equal(lt_bag_finish(bag, NULL, &out, &err), LT_OK);
	lt_bag_free(bag);
	tar_read(fx->tar, &t);
	assert_int_equal(t.n, 4);
	e = tar_find(&t, "bag-info.txt");
	assert_non_null(e);
	assert_true(bag_info_value(e, "Payload-Oxum", val, sizeof(val)));
	assert_string_equal(val, "0.0");
	e = tar_find(&t, "manifest-sha256.txt");
	assert_non_null(e);
	assert_int_equal(e->size, 0);
	assert_int_equal(out.n_files, 4);
	tar_free(&t);
	lt_bundle_release(&out);
}

/* ---- errors ---- */

static void test_wrong_digest(void **state)
{
	struct fx *fx = *state;
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	char src[128], sha[LT_SHA256_HEX];

	snprintf(src, sizeof(src), "%s/page-1.png", fx->dir);
	write_file(src, "scanned once", 12);
	/* The digest recorded at ingest was of other content. */
	assert_int_equal(lt_sha256_mem("scanned twice", 13, sha, &err), LT_OK);
	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	assert_int_equal(lt_bag_add_file(bag, "data/masters/0001.png", src, sha, &err), LT_EVERIFY);
	assert_int_equal(err.code, LT_EVERIFY);
	assert_non_null(strstr(err.msg, src));
	lt_bag_free(bag);
	assert_false(exists(fx->tar));
}

static void test_missing_source(void **state)
{
	struct fx *fx = *state;
	struct lt_bundle out = { 0 };
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	char src[128];
	struct tar t;

	snprintf(src, sizeof(src), "%s/gone.tif", fx->dir);
	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	assert_int_equal(lt_bag_add_file(bag, "data/gone.tif", src, NULL, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, src));
	/* Nothing was written: the bag can still be finished without it. */
	assert_int_equal(lt_bag_add_data(bag, "data/a.txt", "a", 1, &err), LT_OK);
	assert_int_equal(lt_bag_finish(bag, NULL, &out, &err), LT_OK);
	lt_bag_free(bag);
	tar_read(fx->tar, &t);
	assert_int_equal(t.n, 5);
	assert_null(tar_find(&t, "data/gone.tif"));
	tar_free(&t);
	lt_bundle_release(&out);
}

/* Paths lt_bag_add_*() must refuse: not under data/. */
static const char *const bad_paths[] = {
	"manifest-sha256.txt", "bagit.txt", "Data/x", "datax/y", "data", "/data/x", "./data/x",
	"../data/x", "data/../bagit.txt", "data/a/../../x", "data//x", "",
};

static void test_payload_outside_data(void **state)
{
	struct fx *fx = *state;
	struct lt_bundle out = { 0 };
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	char src[128];
	struct tar t;

	snprintf(src, sizeof(src), "%s/page.png", fx->dir);
	write_file(src, "png", 3);
	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	for (size_t i = 0; i < N_ELEMS(bad_paths); i++) {
		print_message("bad path: '%s'\n", bad_paths[i]);
		lt_err_clear(&err);
		assert_int_not_equal(lt_bag_add_data(bag, bad_paths[i], "x", 1, &err), LT_OK);
		assert_non_null(strstr(err.msg, bad_paths[i]));
		lt_err_clear(&err);
		assert_int_not_equal(lt_bag_add_file(bag, bad_paths[i], src, NULL, &err), LT_OK);
		assert_non_null(strstr(err.msg, bad_paths[i]));
	}
	/* Refused before anything was written: the bag is still sound. */
	assert_int_equal(lt_bag_add_file(bag, "data/page.png", src, NULL, &err), LT_OK);
	assert_int_equal(lt_bag_finish(bag, NULL, &out, &err), LT_OK);
	lt_bag_free(bag);
	tar_read(fx->tar, &t);
	assert_int_equal(t.n, 5);
	assert_non_null(tar_find(&t, "data/page.png"));
	tar_free(&t);
	lt_bundle_release(&out);
}

/* Paths that are not files under data/ although they start with "data/". */
static const char *const sneaky_paths[] = { "data/..", "data/a/..", "data/", "data/./x" };

static void test_payload_dot_components(void **state)
{
	struct fx *fx = *state;
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	int accepted = 0;

	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	for (size_t i = 0; i < N_ELEMS(sneaky_paths); i++) {
		if (lt_bag_add_data(bag, sneaky_paths[i], "x", 1, &err) == LT_OK) {
			print_message("accepted payload path '%s'\n", sneaky_paths[i]);
			accepted++;
		}
	}
	lt_bag_free(bag);
	/* "data/..", "data/a/..", "data/" and "data/./x" would make a bag that
	 * tar refuses to extract, or that resolves outside data/. */
	assert_int_equal(accepted, 0);
}

static void test_payload_utf8_name(void **state)
{
	struct fx *fx = *state;
	static const char name[] = "data/Đà Nẵng/Công văn số 12.txt";
	struct lt_bundle out = { 0 };
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	const struct entry *e;
	struct tar t;
	int rc;

	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	rc = lt_bag_add_data(bag, name, "x", 1, &err);
	/* BagIt names are UTF-8 whatever the process locale (tests run in "C"). */
	assert_int_equal(rc, LT_OK);
	assert_int_equal(lt_bag_finish(bag, NULL, &out, &err), LT_OK);
	lt_bag_free(bag);
	tar_read(fx->tar, &t);
	e = tar_find(&t, name);
	assert_non_null(e);
	assert_int_equal(e->size, 1);
	e = tar_find(&t, "manifest-sha256.txt");
	assert_non_null(e);
	assert_non_null(strstr((const char *)e->data, name));
	tar_free(&t);
	lt_bundle_release(&out);
}

static void test_free_unfinished_removes_tar(void **state)
{
	struct fx *fx = *state;
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };

	/* With payload written. */
	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	assert_true(exists(fx->tar));
	assert_int_equal(lt_bag_add_data(bag, "data/0001.txt", ocr_text, sizeof(ocr_text) - 1, &err), LT_OK);
	lt_bag_free(bag);
	assert_false(exists(fx->tar));

	/* Right after create. */
	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	lt_bag_free(bag);
	assert_false(exists(fx->tar));

	lt_bag_free(NULL);
}

static void test_finish_failure_removes_tar(void **state)
{
	struct fx *fx = *state;
	static const char *const info[] = { "Title", "two\nlines", NULL };
	struct lt_bundle out = { 0 };
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };

	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, "data/a.txt", "a", 1, &err), LT_OK);
	assert_int_not_equal(lt_bag_finish(bag, info, &out, &err), LT_OK);
	assert_non_null(strstr(err.msg, "Title"));
	lt_bag_free(bag);
	assert_false(exists(fx->tar));
	lt_bundle_release(&out);
}

static void test_create_refuses_existing(void **state)
{
	struct fx *fx = *state;
	struct lt_bag *bag = (struct lt_bag *)fx;   /* must be reset to NULL */
	struct lt_err err = { 0 };
	struct lt_buf content = LT_BUF_INIT;

	write_file(fx->tar, "an older bundle", 15);
	assert_int_equal(lt_bag_create(fx->tar, BAG_NAME, &bag, &err), LT_EIO);
	assert_null(bag);
	assert_non_null(strstr(err.msg, fx->tar));
	/* The existing file is neither removed nor touched. */
	read_file(fx->tar, &content);
	assert_string_equal(lt_buf_str(&content), "an older bundle");
	lt_buf_release(&content);
}

static void test_create_in_missing_dir(void **state)
{
	struct fx *fx = *state;
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	char path[160];

	snprintf(path, sizeof(path), "%s/no/such/dir/b.tar", fx->dir);
	assert_int_equal(lt_bag_create(path, BAG_NAME, &bag, &err), LT_EIO);
	assert_null(bag);
	assert_non_null(strstr(err.msg, path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_outside_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_dot_components, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_utf8_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_unfinished_removes_tar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish_failure_removes_tar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_refuses_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_in_missing_dir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
