/* test_inbox.c - unit tests for inbox.h on a temp inbox built from the real
 * sample scans (samples/inbox, relative to the repo root the tests run from):
 * folder documents in natural page order, a multi-page TIFF, skipped
 * non-images, a garbage .png and an empty folder rejected with reasons,
 * stable content-derived ids, and lt_inbox_probe() on every format. Then a
 * hostile inbox: hidden files, OS litter and symbolic links in and out of
 * it, each entry accounted for, nothing outside the inbox walked. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <leptonica/allheaders.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/inbox.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define S_PAGE1 "samples/inbox/bao-cao-2016/page-0001.png"
#define S_PAGE2 "samples/inbox/bao-cao-2016/page-0002.png"
#define S_TIFF  "samples/inbox/chi-thi-05-CT-TW.tif"
#define S_JPEG  "samples/inbox/quyet-dinh-1127.jpg"
#define S_PNM   "samples/inbox/cong-van-12/page-01.pnm"
#define S_PNG   "samples/inbox/cong-van-12/page-02.png"

struct fx {
	char dir[64];
	char root[PATH_MAX];     /* realpath of the inbox */
	struct lt_inbox in;      /* the first scan */
};

static struct fx fx_store;

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
	char buf[1 << 16];
	size_t n;
	int rc = 0;

	if (!in || !out) {
		print_error("cannot copy '%s' to '%s' (tests run from the repo root)\n", from, to);
		rc = -1;
	}
	while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = -1;
	return rc;
}

static int write_garbage(const char *path)
{
	FILE *f = fopen(path, "wb");
	uint32_t x = 1234567u;

	if (!f)
		return -1;
	fputs("garbage!", f);   /* no image magic number */
	for (int i = 0; i < 4096; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		fputc((int)(x & 0xff), f);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int path_in(char *out, size_t outsize, const char *dir, const char *rel)
{
	return snprintf(out, outsize, "%s/%s", dir, rel) < (int)outsize ? 0 : -1;
}

static int setup_inbox(void **state)
{
	struct fx *fx = &fx_store;
	struct lt_err err = { 0 };
	/* No empty folder here: see test_empty_folder_rejected. */
	static const char *const dirs[] = { "inbox", "inbox/report", "inbox/damaged" };
	static const struct {
		const char *from, *to;
	} copies[] = {
		{ S_PAGE2, "inbox/report/page-10.png" },
		{ S_PAGE1, "inbox/report/page-2.png" },
		{ S_TIFF, "inbox/chi-thi-05-CT-TW.tif" },
		{ S_PNG, "inbox/damaged/page-1.png" },
		{ S_PNG, "looks-like.jpg" },   /* outside the inbox, for probe */
	};
	char p[PATH_MAX];

	setMsgSeverity(L_SEVERITY_NONE);   /* Leptonica: no stderr chatter on garbage */
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lt-test-inbox.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	*state = fx;
	for (size_t i = 0; i < N_ELEMS(dirs); i++)
		if (path_in(p, sizeof(p), fx->dir, dirs[i]) || mkdir(p, 0755) != 0)
			return -1;
	for (size_t i = 0; i < N_ELEMS(copies); i++)
		if (path_in(p, sizeof(p), fx->dir, copies[i].to) || copy_file(copies[i].from, p))
			return -1;
	if (path_in(p, sizeof(p), fx->dir, "inbox/notes.txt") ||
	    write_text(p, "Ghi chú: quét lại trang 3\n") ||
	    path_in(p, sizeof(p), fx->dir, "inbox/report/notes.txt") ||
	    write_text(p, "scanner log\n") ||
	    path_in(p, sizeof(p), fx->dir, "inbox/.DS_Store") || write_text(p, "x") ||
	    path_in(p, sizeof(p), fx->dir, "inbox/bad.png") || write_garbage(p) ||
	    path_in(p, sizeof(p), fx->dir, "inbox/damaged/zz-bad.png") || write_garbage(p))
		return -1;
	if (path_in(p, sizeof(p), fx->dir, "inbox") || !realpath(p, fx->root))
		return -1;
	if (lt_inbox_scan(p, 0, &fx->in, &err) != LT_OK) {
		print_error("scan: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown_inbox(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };

	lt_inbox_release(&fx->in);
	return lt_remove_tree(fx->dir, &err) == LT_OK ? 0 : -1;
}

static const struct lt_inbox_entry *entry(const struct lt_inbox *in, const char *label)
{
	for (size_t i = 0; i < in->n_entries; i++)
		if (strcmp(in->entries[i].label, label) == 0)
			return &in->entries[i];
	fail_msg("no inbox entry '%s'", label);
	return NULL;
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

static int is_lower_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

/* ---- scan ---- */

static void test_entries(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *label;
		int accepted;
		int pages;
		const char *reason_has;
	} want[] = {
		/* Natural name order of the inbox; notes.txt is no entry. */
		{ "bad.png", 0, 0, "bad.png" },
		{ "chi-thi-05-CT-TW.tif", 1, 2, NULL },
		{ "damaged", 0, 0, "zz-bad.png" },
		{ "report", 1, 2, NULL },
	};

	assert_int_equal(fx->in.n_entries, N_ELEMS(want));
	for (size_t i = 0; i < N_ELEMS(want); i++) {
		const struct lt_inbox_entry *e = &fx->in.entries[i];

		print_message("entry: %s\n", want[i].label);
		assert_string_equal(e->label, want[i].label);
		if (want[i].accepted) {
			assert_non_null(e->doc);
			assert_null(e->reason);
			assert_string_equal(e->doc->label, want[i].label);
			assert_int_equal(e->doc->n_pages, want[i].pages);
			assert_int_equal(e->doc->state, LT_QUEUED);
		} else {
			assert_null(e->doc);
			assert_non_null(e->reason);
			assert_non_null(strstr(e->reason, want[i].reason_has));
		}
	}
}

static void test_folder_natural_order(void **state)
{
	struct fx *fx = *state;
	const struct lt_inbox_entry *e = entry(&fx->in, "report");
	const struct lt_doc *d = e->doc;
	static const char *const samples[] = { S_PAGE1, S_PAGE2 };
	static const char *const names[] = { "/report/page-2.png", "/report/page-10.png" };
	char origin[PATH_MAX + 16];

	assert_non_null(d);
	snprintf(origin, sizeof(origin), "%s/report", fx->root);
	assert_string_equal(d->origin, origin);
	assert_int_equal(d->n_sources, 2);
	for (size_t i = 0; i < 2; i++) {
		char sha[LT_SHA256_HEX];
		uint64_t size = 0;
		struct lt_err err = { 0 };

		/* page-2 before page-10, and the path is absolute. */
		assert_true(ends_with(d->sources[i].path, names[i]));
		assert_memory_equal(d->sources[i].path, fx->root, strlen(fx->root));
		assert_int_equal(lt_sha256_file(samples[i], sha, &size, &err), LT_OK);
		assert_string_equal(d->sources[i].sha256, sha);
		assert_int_equal(d->sources[i].size, size);
		assert_int_equal(d->sources[i].page_count, 1);
		assert_string_equal(d->sources[i].ext, "png");
		assert_int_equal(d->pages[i].number, (int)i + 1);
		assert_int_equal(d->pages[i].source, (int)i);
		assert_int_equal(d->pages[i].index_in_source, 0);
	}
}

static void test_multipage_tiff(void **state)
{
	struct fx *fx = *state;
	const struct lt_doc *d = entry(&fx->in, "chi-thi-05-CT-TW.tif")->doc;
	char origin[PATH_MAX + 32], sha[LT_SHA256_HEX];
	struct lt_err err = { 0 };

	assert_non_null(d);
	snprintf(origin, sizeof(origin), "%s/chi-thi-05-CT-TW.tif", fx->root);
	assert_string_equal(d->origin, origin);
	assert_int_equal(d->n_sources, 1);
	assert_string_equal(d->sources[0].path, origin);
	assert_int_equal(d->sources[0].page_count, 2);
	assert_string_equal(d->sources[0].ext, "tif");
	assert_int_equal(lt_sha256_file(S_TIFF, sha, NULL, &err), LT_OK);
	assert_string_equal(d->sources[0].sha256, sha);
	assert_int_equal(d->n_pages, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(d->pages[i].number, i + 1);
		assert_int_equal(d->pages[i].source, 0);
		assert_int_equal(d->pages[i].index_in_source, i);
	}
}

static void test_skipped(void **state)
{
	struct fx *fx = *state;
	char want[3][PATH_MAX + 32];
	static const enum lt_skip_kind kinds[] = { LT_SKIP_LITTER, LT_SKIP_NOT_PAGE, LT_SKIP_NOT_PAGE };

	snprintf(want[0], sizeof(want[0]), "%s/.DS_Store", fx->root);
	snprintf(want[1], sizeof(want[1]), "%s/notes.txt", fx->root);
	snprintf(want[2], sizeof(want[2]), "%s/report/notes.txt", fx->root);
	/* OS litter (.DS_Store) is listed too, quietly (no warning). */
	assert_int_equal(fx->in.n_skipped, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(fx->in.skipped[i].path, want[i]);
		assert_non_null(fx->in.skipped[i].reason);
		assert_true(fx->in.skipped[i].reason[0] != '\0');
		assert_int_equal(fx->in.skipped[i].kind, kinds[i]);
		assert_int_equal(fx->in.skipped[i].warning, 0);
	}
	assert_string_equal(fx->in.root, fx->root);
}

static void test_ids_stable(void **state)
{
	struct fx *fx = *state;
	struct lt_inbox again = { 0 };
	struct lt_err err = { 0 };
	char inbox[PATH_MAX];
	size_t accepted = 0;

	snprintf(inbox, sizeof(inbox), "%s/inbox", fx->dir);
	assert_int_equal(lt_inbox_scan(inbox, 0, &again, &err), LT_OK);
	assert_int_equal(again.n_entries, fx->in.n_entries);
	for (size_t i = 0; i < fx->in.n_entries; i++) {
		const struct lt_doc *d = fx->in.entries[i].doc;

		if (!d)
			continue;
		accepted++;
		assert_true(is_lower_hex(d->id, LT_DOC_ID_LEN));
		assert_non_null(again.entries[i].doc);
		assert_string_equal(again.entries[i].doc->id, d->id);
		/* It is the id lt_doc_compute_id() gives for these sources. */
		{
			struct lt_doc *copy = lt_doc_new();

			assert_non_null(copy);
			for (size_t s = 0; s < d->n_sources; s++)
				assert_int_equal(lt_doc_add_source(copy, "/elsewhere", d->sources[s].sha256,
								   d->sources[s].size,
								   d->sources[s].page_count, NULL, &err), LT_OK);
			assert_int_equal(lt_doc_compute_id(copy, &err), LT_OK);
			assert_string_equal(copy->id, d->id);
			lt_doc_free(copy);
		}
		for (size_t j = 0; j < i; j++)
			if (fx->in.entries[j].doc)
				assert_string_not_equal(fx->in.entries[j].doc->id, d->id);
	}
	assert_int_equal(accepted, 2);
	lt_inbox_release(&again);
	lt_inbox_release(&again);   /* twice is fine */
}

static void test_scan_missing(void **state)
{
	struct fx *fx = *state;
	struct lt_inbox in;
	struct lt_err err = { 0 };
	char path[PATH_MAX];

	memset(&in, 0x5a, sizeof(in));
	snprintf(path, sizeof(path), "%s/no-such-inbox", fx->dir);
	assert_int_equal(lt_inbox_scan(path, 0, &in, &err), LT_EIO);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(in.n_entries, 0);
	assert_null(in.entries);
	lt_inbox_release(&in);
	lt_inbox_release(NULL);
}

static void test_empty_folder_rejected(void **state)
{
	struct fx *fx = *state;
	struct lt_inbox in = { 0 };
	struct lt_err err = { 0 };
	char path[PATH_MAX], sub[PATH_MAX + 16];

	/* An empty document folder is rejected, not undefined behaviour. */

	snprintf(path, sizeof(path), "%s/inbox-with-empty", fx->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/empty", path);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/page.png", path);
	assert_int_equal(copy_file(S_PNG, sub), 0);
	assert_int_equal(lt_inbox_scan(path, 0, &in, &err), LT_OK);
	assert_int_equal(in.n_entries, 2);
	assert_string_equal(in.entries[0].label, "empty");
	assert_null(in.entries[0].doc);
	assert_non_null(in.entries[0].reason);
	assert_non_null(strstr(in.entries[0].reason, "no page images"));
	assert_non_null(in.entries[1].doc);
	lt_inbox_release(&in);

	/* An empty folder as the inbox: nothing to do, not an error. */
	snprintf(sub, sizeof(sub), "%s/empty", path);
	assert_int_equal(lt_inbox_scan(sub, 0, &in, &err), LT_OK);
	assert_int_equal(in.n_entries, 0);
	assert_int_equal(in.n_skipped, 0);
	lt_inbox_release(&in);
}

/* ---- hidden names and symbolic links ---- */

static void test_name_kinds(void **state)
{
	static const struct {
		const char *name;
		enum lt_name_kind kind;
	} cases[] = {
		{ ".", LT_NAME_SELF }, { "..", LT_NAME_SELF },
		{ ".DS_Store", LT_NAME_LITTER }, { ".ds_store", LT_NAME_LITTER },
		{ "._page-1.png", LT_NAME_LITTER }, { "Thumbs.db", LT_NAME_LITTER },
		{ "THUMBS.DB", LT_NAME_LITTER }, { "desktop.ini", LT_NAME_LITTER },
		{ "Desktop.ini", LT_NAME_LITTER }, { "$RECYCLE.BIN", LT_NAME_LITTER },
		{ "._", LT_NAME_HIDDEN }, { ".page-2.png", LT_NAME_HIDDEN },
		{ ".loose.png", LT_NAME_HIDDEN }, { "..png", LT_NAME_HIDDEN },
		{ "...", LT_NAME_HIDDEN }, { "..foo", LT_NAME_HIDDEN },
		{ ".page.png.AbC123", LT_NAME_HIDDEN },   /* rsync's unfinished copy */
		{ "page-1.png", LT_NAME_VISIBLE }, { "Thumbs.db.png", LT_NAME_VISIBLE },
		{ "x.DS_Store", LT_NAME_VISIBLE },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		print_message("name: '%s'\n", cases[i].name);
		assert_int_equal(lt_inbox_name_kind(cases[i].name), cases[i].kind);
	}
}

static const struct lt_inbox_skip *skip_of(const struct lt_inbox *in, const char *root, const char *rel)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (size_t i = 0; i < in->n_skipped; i++)
		if (strcmp(in->skipped[i].path, path) == 0)
			return &in->skipped[i];
	return NULL;
}

/* Every name in folder `rel` of the inbox is a document (or a page of one)
 * or a skip: nothing vanishes. */
static void assert_all_accounted(const struct lt_inbox *in, const char *root, const char *rel)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%s%s%s", root, rel[0] ? "/" : "", rel);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX + 256];
		int found = 0;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		for (size_t i = 0; !found && i < in->n_skipped; i++)
			found = strcmp(in->skipped[i].path, path) == 0;
		for (size_t i = 0; !found && i < in->n_entries; i++) {
			const struct lt_doc *doc = in->entries[i].doc;

			found = strcmp(in->entries[i].path, path) == 0;
			for (size_t s = 0; !found && doc && s < doc->n_sources; s++)
				found = strcmp(doc->sources[s].path, path) == 0;
		}
		if (!found)
			fail_msg("'%s' vanished: neither a document, a page nor skipped", path);
	}
	closedir(d);
}

static void test_hostile_inbox(void **state)
{
	struct fx *fx = *state;
	struct lt_inbox in = { 0 };
	struct lt_err err = { 0 };
	struct lt_inbox_opts follow = { .follow_symlinks = 1 };
	const char *base = fx->dir;
	char root[PATH_MAX], p[PATH_MAX], outside[PATH_MAX], link_out[PATH_MAX];
	static const char *const dirs[] = { "hostile", "hostile/doc", "hostile/..foo", "elsewhere" };
	static const struct {
		const char *from, *to;
	} copies[] = {
		{ S_PNG, "hostile/doc/page-1.png" },
		{ S_PAGE1, "hostile/doc/.page-2.png" },
		{ S_PNG, "hostile/.loose.png" },
		{ S_PNG, "hostile/..png" },
		{ S_PNG, "hostile/..foo/page-1.png" },
		{ S_JPEG, "elsewhere/p.png" },
	};
	static const char *const texts[] = {
		"hostile/...", "hostile/.DS_Store", "hostile/desktop.ini", "hostile/doc/._page-1.png",
		"hostile/doc/Thumbs.db",
	};
	static const struct {
		const char *target, *link;   /* target "@x": fx->dir/x */
	} links[] = {
		{ "@elsewhere/p.png", "hostile/outside.png" },
		{ "@elsewhere/p.png", "hostile/doc/out.png" },
		{ "/etc", "hostile/etc" },
		{ "..", "hostile/up" },
		{ ".", "hostile/self" },
		{ "doc", "hostile/inlink" },
		{ "doc/page-1.png", "hostile/in.png" },
		{ "/nonexistent/p.png", "hostile/dangling.png" },
		{ "loop", "hostile/loop" },
	};
	static const struct {
		const char *rel;
		enum lt_skip_kind kind;
		int warning;
		const char *reason_has;
	} want[] = {
		{ "doc/.page-2.png", LT_SKIP_HIDDEN, 1, "hidden image" },
		{ "doc/._page-1.png", LT_SKIP_LITTER, 0, "litter" },
		{ "doc/Thumbs.db", LT_SKIP_LITTER, 0, "litter" },
		{ "doc/out.png", LT_SKIP_LINK, 1, "--follow-symlinks" },
		{ ".loose.png", LT_SKIP_HIDDEN, 1, "hidden image" },
		{ "..png", LT_SKIP_HIDDEN, 1, "hidden image" },
		{ "...", LT_SKIP_HIDDEN, 1, "hidden file" },
		{ "..foo", LT_SKIP_HIDDEN, 1, "hidden folder" },
		{ ".DS_Store", LT_SKIP_LITTER, 0, "litter" },
		{ "desktop.ini", LT_SKIP_LITTER, 0, "litter" },
		{ "outside.png", LT_SKIP_LINK, 1, "elsewhere/p.png', outside the inbox" },
		{ "etc", LT_SKIP_LINK, 1, "'/etc', outside the inbox: never walked" },
		{ "up", LT_SKIP_LINK, 1, "never walked" },
		{ "self", LT_SKIP_LINK, 1, "inbox itself" },
		{ "dangling.png", LT_SKIP_LINK, 1, "leads nowhere" },
		{ "loop", LT_SKIP_LINK, 1, "leads nowhere" },
	};

	for (size_t i = 0; i < N_ELEMS(dirs); i++)
		assert_int_equal(path_in(p, sizeof(p), base, dirs[i]) || mkdir(p, 0755), 0);
	for (size_t i = 0; i < N_ELEMS(copies); i++)
		assert_int_equal(path_in(p, sizeof(p), base, copies[i].to) ||
				 copy_file(copies[i].from, p), 0);
	for (size_t i = 0; i < N_ELEMS(texts); i++)
		assert_int_equal(path_in(p, sizeof(p), base, texts[i]) || write_text(p, "x\n"), 0);
	for (size_t i = 0; i < N_ELEMS(links); i++) {
		char target[PATH_MAX + 64];

		if (links[i].target[0] == '@')
			snprintf(target, sizeof(target), "%s/%s", base, links[i].target + 1);
		else
			snprintf(target, sizeof(target), "%s", links[i].target);
		assert_int_equal(path_in(p, sizeof(p), base, links[i].link) || symlink(target, p), 0);
	}
	assert_int_equal(path_in(p, sizeof(p), base, "hostile"), 0);
	assert_non_null(realpath(p, root));
	assert_int_equal(path_in(link_out, sizeof(link_out), base, "elsewhere/p.png"), 0);
	assert_non_null(realpath(link_out, outside));

	assert_int_equal(lt_inbox_scan(p, 0, &in, &err), LT_OK);
	for (size_t i = 0; i < in.n_skipped; i++)
		print_message("skipped %s: %s\n", in.skipped[i].path, in.skipped[i].reason);
	for (size_t i = 0; i < N_ELEMS(want); i++) {
		const struct lt_inbox_skip *sk = skip_of(&in, root, want[i].rel);

		if (!sk)
			fail_msg("'%s' is not listed as skipped", want[i].rel);
		assert_int_equal(sk->kind, want[i].kind);
		assert_int_equal(sk->warning, want[i].warning);
		if (!strstr(sk->reason, want[i].reason_has))
			fail_msg("'%s': reason '%s' lacks '%s'", want[i].rel, sk->reason,
				 want[i].reason_has);
	}
	/* Nothing under /etc or above the inbox was looked at. */
	for (size_t i = 0; i < in.n_skipped; i++)
		assert_memory_equal(in.skipped[i].path, root, strlen(root));
	/* doc: one page (the hidden one and the link out are not); links that
	 * stay inside are followed, read through their resolved path. */
	assert_int_equal(in.n_entries, 3);
	assert_string_equal(entry(&in, "doc")->doc->sources[0].path + strlen(root), "/doc/page-1.png");
	assert_int_equal(entry(&in, "doc")->doc->n_pages, 1);
	assert_non_null(entry(&in, "inlink")->doc);
	assert_string_equal(entry(&in, "inlink")->doc->id, entry(&in, "doc")->doc->id);
	assert_string_equal(entry(&in, "inlink")->path + strlen(root), "/inlink");
	assert_non_null(entry(&in, "in.png")->doc);
	assert_string_equal(entry(&in, "in.png")->doc->sources[0].path + strlen(root), "/doc/page-1.png");
	assert_all_accounted(&in, root, "");
	assert_all_accounted(&in, root, "doc");
	lt_inbox_release(&in);

	/* Asked to follow links: the files outside are taken, read through
	 * their resolved path; linked folders outside are still never walked. */
	assert_int_equal(lt_inbox_scan_with(p, &follow, &in, &err), LT_OK);
	assert_int_equal(in.n_entries, 4);
	assert_string_equal(entry(&in, "outside.png")->doc->sources[0].path, outside);
	assert_int_equal(entry(&in, "doc")->doc->n_pages, 2);
	assert_string_equal(entry(&in, "doc")->doc->sources[0].path, outside);   /* out.png */
	assert_null(skip_of(&in, root, "outside.png"));
	assert_int_equal(skip_of(&in, root, "etc")->kind, LT_SKIP_LINK);
	assert_int_equal(skip_of(&in, root, "up")->kind, LT_SKIP_LINK);
	assert_int_equal(skip_of(&in, root, "self")->kind, LT_SKIP_LINK);
	for (size_t i = 0; i < in.n_skipped; i++)
		assert_memory_equal(in.skipped[i].path, root, strlen(root));
	assert_all_accounted(&in, root, "");
	lt_inbox_release(&in);
}

/* ---- probe ---- */

static void test_probe_formats(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *path;   /* relative to the repo, or "@x" for fx->dir/x */
		int rc;
		const char *format;   /* NULL: any */
		int pages;
		const char *ext;      /* the master file's extension, for accepted files */
	} cases[] = {
		{ "samples/inbox/letter-en.png", LT_OK, "PNG", 1, "png" },
		{ S_JPEG, LT_OK, "JPEG", 1, "jpg" },
		{ S_PNM, LT_OK, "PNM", 1, "pnm" },
		{ S_TIFF, LT_OK, "TIFF", 2, "tif" },
		{ "@looks-like.jpg", LT_OK, "PNG", 1, "png" },   /* content, not name */
		{ "@inbox/bad.png", LT_EINPUT, "unknown", 0, NULL },
		{ "@inbox/notes.txt", LT_EINPUT, "unknown", 0, NULL },
		{ "@inbox/no-such.tif", LT_EINPUT, "unknown", 0, NULL },
		{ "@scan.bmp", LT_EINPUT, "BMP", 0, NULL },      /* an image, but not one we take */
		/* TIFF magic, then garbage: Leptonica may already fail to classify
		 * it (its compression is unreadable), so the name is not checked. */
		{ "@broken.tif", LT_EINPUT, NULL, 0, NULL },
	};
	char bmp[PATH_MAX];   /* also the broken TIFF */
	PIX *pix = pixCreate(16, 16, 8);

	assert_non_null(pix);
	snprintf(bmp, sizeof(bmp), "%s/scan.bmp", fx->dir);
	assert_int_equal(pixWrite(bmp, pix, IFF_BMP), 0);
	pixDestroy(&pix);
	snprintf(bmp, sizeof(bmp), "%s/broken.tif", fx->dir);
	{
		FILE *f = fopen(bmp, "wb");
		static const unsigned char head[] = { 'I', 'I', 42, 0, 0xff, 0xff, 0xff, 0x7f };

		assert_non_null(f);
		assert_int_equal(fwrite(head, 1, sizeof(head), f), sizeof(head));
		for (int i = 0; i < 64; i++)
			fputc(0xee, f);
		assert_int_equal(fclose(f), 0);
	}

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		char path[PATH_MAX];
		const char *fmt = NULL, *ext = NULL;
		int pages = -1;
		struct lt_err err = { 0 };

		if (cases[i].path[0] == '@')
			snprintf(path, sizeof(path), "%s/%s", fx->dir, cases[i].path + 1);
		else
			snprintf(path, sizeof(path), "%s", cases[i].path);
		print_message("probe: %s\n", path);
		assert_int_equal(lt_inbox_probe(path, &pages, &fmt, &ext, &err), cases[i].rc);
		if (cases[i].ext)
			assert_string_equal(ext, cases[i].ext);
		assert_non_null(fmt);
		if (cases[i].format)
			assert_string_equal(fmt, cases[i].format);
		assert_int_equal(pages, cases[i].pages);
		if (cases[i].rc) {
			assert_non_null(strstr(err.msg, path));
			if (cases[i].format && strcmp(cases[i].format, "BMP") == 0)
				assert_non_null(strstr(err.msg, "BMP"));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_folder_natural_order),
		cmocka_unit_test(test_multipage_tiff),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_ids_stable),
		cmocka_unit_test(test_scan_missing),
		cmocka_unit_test(test_empty_folder_rejected),
		cmocka_unit_test(test_name_kinds),
		cmocka_unit_test(test_hostile_inbox),
		cmocka_unit_test(test_probe_formats),
	};

	return cmocka_run_group_tests(tests, setup_inbox, teardown_inbox);
}
