/* test_retrieve.c - unit tests for retrieve.h on a real bundle (a BagIt tar
 * made by bag.c) in a temp archive: a verified copy to a file, a folder's
 * symlink (only when asked) and over an existing file; a damaged bundle
 * (one byte flipped) leaves dst untouched and fails with LT_EVERIFY; a missing bundle; a dst
 * inside the archive, directly or through a symlink, is refused.
 * lt_retrieve_bag: a bag extracted into a new folder validates; refused
 * targets stay as they were; tampered tars (the good bag plus one hostile
 * entry, made with libarchive, the catalog's digest made to match) are
 * refused with nothing written inside the target or outside it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/retrieve.h"
#include "helpers.h"

struct fx {
	char dir[64];          /* temp root: archive/ and out/ inside */
	char *archive, *out, *tar;
	struct lt_bundle bundle;
};

static char *path_of(const char *fmt, const char *a, const char *b)
{
	char *p = NULL;

	assert_int_equal(lt_path(&p, NULL, fmt, a, b), LT_OK);
	return p;
}

static int setup(void **state)
{
	static const char text[] = "Văn phòng Tỉnh ủy\n";
	struct fx *fx = calloc(1, sizeof(*fx));
	struct lt_bag *bag = NULL;
	struct lt_err err = { 0 };
	char *bundles;

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/lt-test-retrieve-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->archive = path_of("%s/%s", fx->dir, "archive");
	fx->out = path_of("%s/%s", fx->dir, "out");
	bundles = path_of("%s/%s", fx->archive, "bundles/ab");
	assert_int_equal(lt_mkdir_p(bundles, 0755, NULL), LT_OK);
	assert_int_equal(lt_mkdir_p(fx->out, 0755, NULL), LT_OK);
	fx->tar = path_of("%s/%s", bundles, "abcd.tar");
	assert_int_equal(lt_bag_create(fx->tar, "abcd", &bag, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, "data/0001.txt", text, sizeof(text) - 1, &err), LT_OK);
	assert_int_equal(lt_bag_finish(bag, NULL, &fx->bundle, &err), LT_OK);
	lt_bag_free(bag);
	assert_int_equal(lt_strdup("bundles/ab/abcd.tar", &fx->bundle.path, NULL), LT_OK);
	free(bundles);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char *cmd = path_of("chmod -R u+w '%s' && rm -rf '%s'", fx->dir, fx->dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	lt_bundle_release(&fx->bundle);
	free(fx->archive);
	free(fx->out);
	free(fx->tar);
	free(fx);
	return 0;
}

static void assert_same_file(const char *a, const char *b)
{
	struct lt_buf x = LT_BUF_INIT, y = LT_BUF_INIT;

	read_file(a, &x);
	read_file(b, &y);
	assert_int_equal(x.len, y.len);
	assert_memory_equal(x.data, y.data, x.len);
	lt_buf_release(&x);
	lt_buf_release(&y);
}

static void test_good_copy(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	char *dst = path_of("%s/%s", fx->out, "copy.tar");
	char *link = path_of("%s/%s", fx->out, "link.tar");
	char *target = path_of("%s/%s", fx->out, "target.tar");
	struct stat st;

	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, 0, &err), LT_OK);
	assert_same_file(fx->tar, dst);
	/* Over an existing file. */
	write_file(dst, "old", 3);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, 0, &err), LT_OK);
	assert_same_file(fx->tar, dst);
	/* Through a symlink only when asked: the link stays a link, its
	 * target gets the bundle. */
	assert_int_equal(symlink(target, link), 0);
	write_file(target, "old", 3);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, link,
					    LT_RETRIEVE_FOLLOW_SYMLINK, &err), LT_OK);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_same_file(fx->tar, target);
	free(target);
	free(link);
	free(dst);
}

static void test_damaged_source(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_buf tar = LT_BUF_INIT, now = LT_BUF_INIT;
	char *dst = path_of("%s/%s", fx->out, "kept.tar");
	char *fresh = path_of("%s/%s", fx->out, "fresh.tar");
	char *cmd;

	read_file(fx->tar, &tar);
	/* One byte flipped in the archive's copy, in the middle of the tar. */
	chmod(fx->tar, 0644);
	tar.data[tar.len / 2] ^= 0x01;
	write_file(fx->tar, tar.data, tar.len);
	write_file(dst, "what dst held", 13);

	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, 0, &err), LT_EVERIFY);
	assert_non_null(strstr(err.msg, "damaged"));
	read_file(dst, &now);
	assert_string_equal(lt_buf_str(&now), "what dst held");
	/* A new dst is not created, and no temporary is left beside it. */
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, fresh, 0, &err), LT_EVERIFY);
	assert_false(exists(fresh));
	cmd = path_of("test -z \"$(ls '%s' | grep part)\"%s", fx->out, "");
	assert_int_equal(system(cmd), 0);
	free(cmd);

	/* A bundle gone from the archive is a verification failure too. */
	assert_int_equal(unlink(fx->tar), 0);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, 0, &err), LT_EVERIFY);
	assert_non_null(strstr(err.msg, "missing"));
	lt_buf_release(&now);
	lt_buf_release(&tar);
	free(fresh);
	free(dst);
}

/* Damage the catalog never saw (a catalog rebuilt from damaged bundles, a
 * bundle recorded after it rotted): the tar matches the catalog's digest,
 * but the bag's own manifest gives the payload away. */
static void test_damage_inside_the_bag(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_buf tar = LT_BUF_INIT;
	char *dst = path_of("%s/%s", fx->out, "rotten.tar");
	char *hit;

	read_file(fx->tar, &tar);
	hit = memmem(tar.data, tar.len, "Tỉnh", strlen("Tỉnh"));
	assert_non_null(hit);
	hit[0] = 'X';
	chmod(fx->tar, 0644);
	write_file(fx->tar, tar.data, tar.len);
	assert_int_equal(lt_sha256_file(fx->tar, fx->bundle.sha256, &fx->bundle.size, NULL), LT_OK);

	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, 0, &err), LT_EVERIFY);
	assert_non_null(strstr(err.msg, "damaged"));
	assert_non_null(strstr(err.msg, "data/0001.txt"));
	assert_false(exists(dst));
	lt_buf_release(&tar);
	free(dst);
}

static void test_inside_archive_refused(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_buf before = LT_BUF_INIT, after = LT_BUF_INIT;
	char *in_archive = path_of("%s/%s", fx->archive, "copy.tar");
	char *over_bundle = path_of("%s/%s", fx->archive, "bundles/ab/abcd.tar");
	char *dotdot = path_of("%s/%s", fx->out, "../archive/bundles/x.tar");
	char *link = path_of("%s/%s", fx->out, "sneaky.tar");

	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, in_archive, 0, &err), LT_EUSAGE);
	assert_non_null(strstr(err.msg, "inside the archive"));
	assert_false(exists(in_archive));
	read_file(fx->tar, &before);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, over_bundle, 0, &err), LT_EUSAGE);
	read_file(fx->tar, &after);
	assert_int_equal(before.len, after.len);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dotdot, 0, &err), LT_EUSAGE);
	assert_int_equal(symlink(over_bundle, link), 0);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, link, 0, &err), LT_EUSAGE);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, link, LT_RETRIEVE_FOLLOW_SYMLINK,
					    &err), LT_EUSAGE);
	assert_non_null(strstr(err.msg, "inside the archive"));
	/* err may be NULL. */
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, in_archive, 0, NULL), LT_EUSAGE);
	lt_buf_release(&before);
	lt_buf_release(&after);
	free(link);
	free(dotdot);
	free(over_bundle);
	free(in_archive);
}

/* ---- lt_retrieve_bag ---- */

static int n_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void assert_no_part(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)))
		assert_null(strstr(e->d_name, ".part-"));
	closedir(d);
}

static void test_bag_good(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_bag_report *rep = NULL, *again = NULL;
	struct lt_buf text = LT_BUF_INIT;
	char *dst = path_of("%s/%s", fx->out, "bag");
	char *txt = path_of("%s/%s", dst, "data/0001.txt");
	char *empty = path_of("%s/%s", fx->out, "empty");
	char *link = path_of("%s/%s", fx->out, "link");
	char *target = path_of("%s/%s", fx->out, "target");
	char *target_txt = path_of("%s/%s", target, "bagit.txt");
	char cwd[PATH_MAX], cwd_after[PATH_MAX];
	struct stat st;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, dst, 0, &rep, &err), LT_OK);
	assert_non_null(getcwd(cwd_after, sizeof(cwd_after)));
	assert_string_equal(cwd, cwd_after);
	assert_non_null(rep);
	assert_string_equal(rep->name, "bag");
	assert_int_equal(rep->n_problems, 0);
	assert_int_equal(rep->n_files, fx->bundle.n_files);
	assert_int_equal(rep->payload_files, 1);
	read_file(txt, &text);
	assert_string_equal(lt_buf_str(&text), "Văn phòng Tỉnh ủy\n");
	assert_int_equal(stat(txt, &st), 0);
	assert_int_equal(st.st_mode & 0111, 0);
	/* The folder is a bag on its own. */
	assert_int_equal(lt_bag_read(dst, NULL, &again, &err), LT_OK);
	assert_int_equal(again->n_problems, 0);
	assert_no_part(fx->out);
	/* Into an empty folder, named with a trailing slash; through a
	 * symlink to an empty folder, which stays a symlink. */
	assert_int_equal(mkdir(empty, 0755), 0);
	free(empty);
	empty = path_of("%s/%s", fx->out, "empty/");
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, empty, 0, NULL, &err), LT_OK);
	assert_int_equal(mkdir(target, 0755), 0);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, link, 0, NULL, NULL), LT_EUSAGE);
	assert_int_equal(n_entries(target), 0);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, link, LT_RETRIEVE_FOLLOW_SYMLINK,
					 NULL, NULL), LT_OK);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(exists(target_txt));
	assert_no_part(fx->out);
	lt_bag_report_free(again);
	lt_bag_report_free(rep);
	lt_buf_release(&text);
	free(target_txt);
	free(target);
	free(link);
	free(empty);
	free(txt);
	free(dst);
}

static void test_bag_refused_targets(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_bag_report *rep = NULL;
	struct lt_buf now = LT_BUF_INIT;
	char *full = path_of("%s/%s", fx->out, "full");
	char *kept = path_of("%s/%s", full, "kept");
	char *file = path_of("%s/%s", fx->out, "file");
	char *dangling = path_of("%s/%s", fx->out, "dangling");
	char *nowhere = path_of("%s/%s", fx->out, "no/such/folder/bag");
	char *in_archive = path_of("%s/%s", fx->archive, "bag");
	char *dotdot = path_of("%s/%s", fx->out, "../archive/bundles/bag");

	assert_int_equal(mkdir(full, 0755), 0);
	write_file(kept, "kept", 4);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, full, 0, &rep, &err), LT_EUSAGE);
	assert_non_null(strstr(err.msg, "not empty"));
	assert_null(rep);
	assert_int_equal(n_entries(full), 1);
	read_file(kept, &now);
	assert_string_equal(lt_buf_str(&now), "kept");
	write_file(file, "file", 4);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, file, 0, NULL, &err), LT_EUSAGE);
	assert_non_null(strstr(err.msg, "not a folder"));
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, "-", 0, NULL, &err), LT_EUSAGE);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, "", 0, NULL, NULL), LT_EUSAGE);
	assert_int_equal(symlink("/nonexistent/lt-test", dangling), 0);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, dangling, 0, NULL, &err), LT_EUSAGE);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, in_archive, 0, NULL, &err), LT_EUSAGE);
	assert_non_null(strstr(err.msg, "inside the archive"));
	assert_false(exists(in_archive));
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, dotdot, 0, NULL, &err), LT_EUSAGE);
	assert_false(exists(dotdot));
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, fx->archive, 0, NULL, NULL), LT_EUSAGE);
	/* A folder whose parent does not exist is not created. */
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, nowhere, 0, NULL, &err), LT_EIO);
	assert_non_null(strstr(err.msg, "does not exist"));
	/* A bundle gone from the archive. */
	assert_int_equal(unlink(fx->tar), 0);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, nowhere, 0, NULL, &err), LT_EVERIFY);
	assert_non_null(strstr(err.msg, "missing"));
	assert_no_part(fx->out);
	lt_buf_release(&now);
	free(dotdot);
	free(in_archive);
	free(nowhere);
	free(dangling);
	free(file);
	free(kept);
	free(full);
}

enum hostile { H_ABSOLUTE, H_DOTDOT, H_SYMLINK, H_HARDLINK, H_FIFO, H_CHARDEV, H_BLOCKDEV,
	       H_OUTSIDE_TOP, N_HOSTILE };

static void add_entry(struct archive *w, const char *name, mode_t type, const char *link,
		      const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	assert_non_null(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, type == S_IFREG ? (la_int64_t)len : 0);
	if (type == S_IFLNK)
		archive_entry_set_symlink(e, link);
	else if (link)
		archive_entry_set_hardlink(e, link);
	if (type == S_IFCHR || type == S_IFBLK)
		archive_entry_set_rdev(e, makedev(1, 3));
	assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
	if (type == S_IFREG && !link && len)
		assert_int_equal(archive_write_data(w, data, len), (la_ssize_t)len);
	archive_entry_free(e);
}

/* The fixture's bundle rewritten as its good entries plus one hostile one,
 * and the catalog's record made to match it, so that only the per-entry
 * check can refuse it. */
static void tamper(struct fx *fx, enum hostile kind, const char *outside)
{
	static const char pwned[] = "pwned\n";
	struct lt_buf good = LT_BUF_INIT;
	struct archive *r = archive_read_new(), *w = archive_write_new();
	struct archive_entry *e;
	char *abs = path_of("%s/%s", outside, "pwned");
	char *victim = path_of("%s/%s", outside, "victim");
	char buf[8192];
	la_ssize_t n;

	read_file(fx->tar, &good);
	assert_non_null(r);
	assert_non_null(w);
	assert_int_equal(archive_read_support_format_tar(r), ARCHIVE_OK);
	assert_int_equal(archive_read_open_memory(r, good.data, good.len), ARCHIVE_OK);
	assert_int_equal(archive_write_set_format_pax_restricted(w), ARCHIVE_OK);
	chmod(fx->tar, 0644);
	assert_int_equal(archive_write_open_filename(w, fx->tar), ARCHIVE_OK);
	while (archive_read_next_header(r, &e) == ARCHIVE_OK) {
		assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
		while ((n = archive_read_data(r, buf, sizeof(buf))) > 0)
			assert_int_equal(archive_write_data(w, buf, (size_t)n), n);
	}
	switch (kind) {
	case H_ABSOLUTE:
		add_entry(w, abs, S_IFREG, NULL, pwned, sizeof(pwned) - 1);
		break;
	case H_DOTDOT:
		add_entry(w, "abcd/data/../../../pwned", S_IFREG, NULL, pwned, sizeof(pwned) - 1);
		break;
	case H_SYMLINK:
		add_entry(w, "abcd/data/out", S_IFLNK, outside, NULL, 0);
		add_entry(w, "abcd/data/out/pwned", S_IFREG, NULL, pwned, sizeof(pwned) - 1);
		break;
	case H_HARDLINK:
		add_entry(w, "abcd/data/hl", S_IFREG, victim, NULL, 0);
		add_entry(w, "abcd/data/hl", S_IFREG, NULL, pwned, sizeof(pwned) - 1);
		break;
	case H_FIFO:
		add_entry(w, "abcd/data/fifo", S_IFIFO, NULL, NULL, 0);
		break;
	case H_CHARDEV:
		add_entry(w, "abcd/data/null", S_IFCHR, NULL, NULL, 0);
		break;
	case H_BLOCKDEV:
		add_entry(w, "abcd/data/disk", S_IFBLK, NULL, NULL, 0);
		break;
	case H_OUTSIDE_TOP:
		add_entry(w, "other/pwned", S_IFREG, NULL, pwned, sizeof(pwned) - 1);
		break;
	default:
		fail();
	}
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	archive_write_free(w);
	archive_read_free(r);
	assert_int_equal(lt_sha256_file(fx->tar, fx->bundle.sha256, &fx->bundle.size, NULL), LT_OK);
	lt_buf_release(&good);
	free(victim);
	free(abs);
}

static void test_bag_tampered(void **state)
{
	struct fx *fx = *state;
	struct lt_buf tar = LT_BUF_INIT, now = LT_BUF_INIT;
	char *outside = path_of("%s/%s", fx->dir, "outside");
	char *victim = path_of("%s/%s", outside, "victim");
	char *dst = path_of("%s/%s", fx->out, "bag");
	char *empty = path_of("%s/%s", fx->out, "empty");
	char *pwned = path_of("%s/%s", fx->dir, "pwned");
	char cwd[PATH_MAX], cwd_after[PATH_MAX];

	assert_int_equal(mkdir(outside, 0755), 0);
	assert_int_equal(mkdir(empty, 0755), 0);
	write_file(victim, "victim", 6);
	read_file(fx->tar, &tar);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	for (int k = 0; k < N_HOSTILE; k++) {
		struct lt_err err = { 0 };
		struct lt_bag_report *rep = NULL;

		tamper(fx, (enum hostile)k, outside);
		assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, dst, 0, &rep, &err),
				 LT_EVERIFY);
		assert_non_null(strstr(err.msg, "nothing extracted"));
		assert_null(rep);
		assert_false(exists(dst));
		assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, empty, 0, NULL, NULL),
				 LT_EVERIFY);
		assert_int_equal(n_entries(empty), 0);
		assert_no_part(fx->out);
		assert_int_equal(n_entries(outside), 1);
		lt_buf_release(&now);
		read_file(victim, &now);
		assert_string_equal(lt_buf_str(&now), "victim");
		assert_false(exists(pwned));
		assert_non_null(getcwd(cwd_after, sizeof(cwd_after)));
		assert_string_equal(cwd, cwd_after);
		write_file(fx->tar, tar.data, tar.len);
	}
	/* The good bundle is extracted again once restored. */
	assert_int_equal(lt_sha256_file(fx->tar, fx->bundle.sha256, &fx->bundle.size, NULL), LT_OK);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, dst, 0, NULL, NULL), LT_OK);
	lt_buf_release(&now);
	lt_buf_release(&tar);
	free(pwned);
	free(empty);
	free(dst);
	free(victim);
	free(outside);
}

/* A bag whose payload was changed and whose tar digest the catalog
 * recorded after the damage: the manifest refuses it, nothing is written. */
static void test_bag_damaged_payload(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_buf tar = LT_BUF_INIT;
	char *dst = path_of("%s/%s", fx->out, "bag");
	char *hit;

	read_file(fx->tar, &tar);
	hit = memmem(tar.data, tar.len, "Tỉnh", strlen("Tỉnh"));
	assert_non_null(hit);
	hit[0] = 'X';
	chmod(fx->tar, 0644);
	write_file(fx->tar, tar.data, tar.len);
	assert_int_equal(lt_sha256_file(fx->tar, fx->bundle.sha256, &fx->bundle.size, NULL), LT_OK);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, dst, 0, NULL, &err), LT_EVERIFY);
	assert_non_null(strstr(err.msg, "data/0001.txt"));
	assert_false(exists(dst));
	assert_no_part(fx->out);
	lt_buf_release(&tar);
	free(dst);
}

/* Issue 10, item 3: a link another user planted at dst (pointing at a file
 * only we may write) is refused, and the file it points to keeps its bytes
 * and its mode; nothing is written in a folder anyone may write to that
 * lacks the sticky bit; with the sticky bit (as /tmp) it is fine. */
static void test_planted_symlink_refused(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_buf now = LT_BUF_INIT;
	char *precious = path_of("%s/%s", fx->out, "precious");
	char *link = path_of("%s/%s", fx->out, "out.tar");
	char *open_dir = path_of("%s/%s", fx->out, "open");
	char *in_open = path_of("%s/%s", fx->out, "open/out.tar");
	char *bag_in_open = path_of("%s/%s", fx->out, "open/bag");
	char *cmd;
	struct stat st;

	write_file(precious, "root only", 9);
	assert_int_equal(chmod(precious, 0600), 0);
	assert_int_equal(symlink(precious, link), 0);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, link, 0, &err), LT_EUSAGE);
	assert_non_null(strstr(err.msg, "symlink"));
	assert_non_null(strstr(err.msg, "--follow-symlinks"));
	read_file(precious, &now);
	assert_string_equal(lt_buf_str(&now), "root only");
	assert_int_equal(stat(precious, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* A dangling link too: it would create the file where it points. */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(in_open, link), 0);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, link, 0, NULL), LT_EUSAGE);
	assert_false(exists(in_open));
	cmd = path_of("test -z \"$(ls '%s' | grep part)\"%s", fx->out, "");
	assert_int_equal(system(cmd), 0);

	/* World-writable without the sticky bit: refused; with it: written. */
	assert_int_equal(mkdir(open_dir, 0755), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, in_open, 0, &err), LT_EUSAGE);
	assert_non_null(strstr(err.msg, "sticky"));
	assert_false(exists(in_open));
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, bag_in_open, 0, NULL, &err),
			 LT_EUSAGE);
	assert_false(exists(bag_in_open));
	assert_int_equal(n_entries(open_dir), 0);
	assert_int_equal(chmod(open_dir, 01777), 0);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, in_open, 0, &err), LT_OK);
	assert_same_file(fx->tar, in_open);
	assert_int_equal(lt_retrieve_bag(fx->archive, &fx->bundle, bag_in_open, 0, NULL, &err), LT_OK);
	/* A device is still written straight through. */
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, "/dev/null", 0, &err), LT_OK);
	lt_buf_release(&now);
	free(cmd);
	free(bag_in_open);
	free(in_open);
	free(open_dir);
	free(link);
	free(precious);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage_inside_the_bag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inside_archive_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bag_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bag_refused_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bag_tampered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bag_damaged_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_planted_symlink_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
