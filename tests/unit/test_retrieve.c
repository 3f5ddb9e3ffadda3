/* test_retrieve.c - unit tests for retrieve.h on a real bundle (a BagIt tar
 * made by bag.c) in a temp archive: a verified copy to a file, a folder's
 * symlink and over an existing file; a damaged bundle (one byte flipped)
 * leaves dst untouched and fails with LT_EVERIFY; a missing bundle; a dst
 * inside the archive, directly or through a symlink, is refused. */
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

	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, &err), LT_OK);
	assert_same_file(fx->tar, dst);
	/* Over an existing file. */
	write_file(dst, "old", 3);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, &err), LT_OK);
	assert_same_file(fx->tar, dst);
	/* Through a symlink: the link stays a link, its target gets the bundle. */
	assert_int_equal(symlink(target, link), 0);
	write_file(target, "old", 3);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, link, &err), LT_OK);
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

	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, &err), LT_EVERIFY);
	assert_non_null(strstr(err.msg, "damaged"));
	read_file(dst, &now);
	assert_string_equal(lt_buf_str(&now), "what dst held");
	/* A new dst is not created, and no temporary is left beside it. */
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, fresh, &err), LT_EVERIFY);
	assert_false(exists(fresh));
	cmd = path_of("test -z \"$(ls '%s' | grep part)\"%s", fx->out, "");
	assert_int_equal(system(cmd), 0);
	free(cmd);

	/* A bundle gone from the archive is a verification failure too. */
	assert_int_equal(unlink(fx->tar), 0);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, &err), LT_EVERIFY);
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

	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dst, &err), LT_EVERIFY);
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

	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, in_archive, &err), LT_EUSAGE);
	assert_non_null(strstr(err.msg, "inside the archive"));
	assert_false(exists(in_archive));
	read_file(fx->tar, &before);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, over_bundle, &err), LT_EUSAGE);
	read_file(fx->tar, &after);
	assert_int_equal(before.len, after.len);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, dotdot, &err), LT_EUSAGE);
	assert_int_equal(symlink(over_bundle, link), 0);
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, link, &err), LT_EUSAGE);
	/* err may be NULL. */
	assert_int_equal(lt_retrieve_bundle(fx->archive, &fx->bundle, in_archive, NULL), LT_EUSAGE);
	lt_buf_release(&before);
	lt_buf_release(&after);
	free(link);
	free(dotdot);
	free(over_bundle);
	free(in_archive);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage_inside_the_bag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inside_archive_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
