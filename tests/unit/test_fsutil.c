/* test_fsutil.c - the exclusive lock file that run, rebuild-catalog and
 * merge take: a second taker is refused as busy (not an I/O error) until
 * the first lets go, and a folder that is not there is an I/O error naming
 * the lock file. flock locks belong to the open file, so two opens in one
 * process conflict like two processes do. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/err.h"
#include "luutru/fsutil.h"

static void test_lock_exclusive(void **state)
{
	char dir[] = "/tmp/luutru-test-fsutil-XXXXXX";
	char missing[sizeof(dir) + 16];
	struct lt_err err = { 0 };
	int first = -1, second = 7, third = -1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(lt_lock_exclusive(dir, "run.lock", &first, &err), LT_OK);
	assert_true(first >= 0);

	assert_int_equal(lt_lock_exclusive(dir, "run.lock", &second, &err), LT_EBUSY);
	assert_int_equal(second, -1);
	assert_non_null(strstr(err.msg, "run.lock"));

	/* Another name in the same folder is another lock. */
	assert_int_equal(lt_lock_exclusive(dir, "merge.lock", &third, &err), LT_OK);
	close(third);

	close(first);
	assert_int_equal(lt_lock_exclusive(dir, "run.lock", &third, &err), LT_OK);
	close(third);

	snprintf(missing, sizeof(missing), "%s/nowhere", dir);
	assert_int_equal(lt_lock_exclusive(missing, "run.lock", &third, &err), LT_EIO);
	assert_int_equal(third, -1);
	assert_non_null(strstr(err.msg, "nowhere/run.lock"));

	assert_int_equal(lt_remove_tree(dir, &err), LT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_exclusive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
