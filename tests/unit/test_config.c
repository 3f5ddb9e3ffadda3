/* test_config.c - unit tests for config.h: ARCHIVE/luutru.conf read with
 * comments, blanks and repeated keys; a line that is not "key = value", a
 * key with blanks and a value that is not UTF-8 are refused naming the
 * file and line; no file is an empty configuration. Also the clock that
 * bundles take their dates from (fsutil.h lt_now): SOURCE_DATE_EPOCH fixes
 * it, in UTC, and anything but a decimal number is ignored. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "luutru/config.h"
#include "luutru/fsutil.h"

static void parse_ok(const char *text, struct lt_config *cfg)
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_config_parse(text, strlen(text), "luutru.conf", cfg, &err), LT_OK);
}

static void test_parse(void **state)
{
	struct lt_config cfg = LT_CONFIG_INIT;

	(void)state;
	parse_ok("# the archive\n\n  organization =  Trung tâm Lưu trữ quốc gia III  \r\n"
		 "other=x=y\norganization = Chi cục Văn thư - Lưu trữ\n", &cfg);
	assert_string_equal(lt_config_get(&cfg, "organization"), "Chi cục Văn thư - Lưu trữ");
	assert_string_equal(lt_config_get(&cfg, "other"), "x=y");
	assert_null(lt_config_get(&cfg, "missing"));
	assert_int_equal(cfg.n, 2);
	lt_config_release(&cfg);
	parse_ok("", &cfg);
	assert_int_equal(cfg.n, 0);
	parse_ok("empty =\n", &cfg);
	assert_string_equal(lt_config_get(&cfg, "empty"), "");
	lt_config_release(&cfg);
	lt_config_release(NULL);
}

static void test_refused(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "organization = A\njust words\n", "luutru.conf line 2: expected 'key = value'" },
		{ "= nameless\n", "luutru.conf line 1: '' is not a key" },
		{ "two words = x\n", "luutru.conf line 1: 'two words' is not a key" },
		{ "organization = \xff\xfe\n", "luutru.conf line 1: the value of 'organization' is not UTF-8" },
	};
	struct lt_config cfg = LT_CONFIG_INIT;
	struct lt_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(lt_config_parse(bad[i].text, strlen(bad[i].text), "luutru.conf", &cfg, &err),
				 LT_EINPUT);
		assert_string_equal(err.msg, bad[i].msg);
		lt_config_release(&cfg);
	}
	assert_int_equal(lt_config_parse("a = b\0c", 7, "luutru.conf", &cfg, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "NUL"));
}

static void test_load(void **state)
{
	char dir[] = "/tmp/lt-test-config.XXXXXX", path[128];
	struct lt_config cfg = LT_CONFIG_INIT;
	struct lt_err err = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(lt_config_load(dir, &cfg, &err), LT_OK);
	assert_int_equal(cfg.n, 0);
	snprintf(path, sizeof(path), "%s/%s", dir, LT_CONFIG_FILE);
	write_file(path, "organization = Lưu trữ\nbad line\n", 34);
	assert_int_equal(lt_config_load(dir, &cfg, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(cfg.n, 0);
	write_file(path, "organization = Lưu trữ\n", 25);
	assert_int_equal(lt_config_load(dir, &cfg, &err), LT_OK);
	assert_string_equal(lt_config_get(&cfg, "organization"), "Lưu trữ");
	lt_config_release(&cfg);
	assert_int_equal(lt_remove_tree(dir, &err), LT_OK);
}

static void test_source_date_epoch(void **state)
{
	char iso[32];
	int fixed = -1;
	time_t before = time(NULL);

	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	assert_int_equal(lt_now(&fixed), 1700000000);
	assert_int_equal(fixed, 1);
	lt_now_iso8601(iso);
	assert_string_equal(iso, "2023-11-14T22:13:20+00:00");
	static const char *const bad[] = { "12x", "-5", "", " 7", "99999999999999999999999" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SOURCE_DATE_EPOCH", bad[i], 1);
		assert_true(lt_now(&fixed) >= before);
		assert_int_equal(fixed, 0);
	}
	unsetenv("SOURCE_DATE_EPOCH");
	assert_true(lt_now(NULL) >= before);
	lt_now_iso8601(iso);
	assert_int_equal(strlen(iso), 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_source_date_epoch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
