/* test_i18n.c - unit tests for i18n.h: numbers and dates for people follow
 * the message language (English: 1,234 and 2026-11-30; Vietnamese: 1.234 and
 * 30/11/2026) with the build tree's catalog (build/locale), plural forms,
 * and error messages that stay English once asked to (--json). Needs the
 * vi_VN.UTF-8 locale (`make deps` makes it). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/err.h"
#include "luutru/i18n.h"

/* build/tests/test_i18n -> build/locale, where `make` puts luutru.mo. */
static int bind_build_catalog(void **state)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	(void)state;
	assert_true(n > 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	assert_non_null(slash);
	*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/../locale", exe);
	unsetenv("LANGUAGE");
	bindtextdomain(LT_TEXT_DOMAIN, dir);
	bind_textdomain_codeset(LT_TEXT_DOMAIN, "UTF-8");
	textdomain(LT_TEXT_DOMAIN);
	return 0;
}

static void use_locale(const char *name)
{
	if (!setlocale(LC_ALL, name))
		fail_msg("the locale %s is missing: run `make deps` (localedef -i vi_VN -f UTF-8 vi_VN.UTF-8)",
			 name);
	/* As lt_i18n_init: numbers for programs keep the point. */
	setlocale(LC_NUMERIC, "C");
}

static void test_english(void **state)
{
	char out[LT_I18N_NUMBER_MAX], date[LT_I18N_DATE_MAX];

	(void)state;
	use_locale("C.UTF-8");
	assert_string_equal(lt_i18n_count(0, out), "0");
	assert_string_equal(lt_i18n_count(999, out), "999");
	assert_string_equal(lt_i18n_count(1234, out), "1,234");
	assert_string_equal(lt_i18n_count(-1234567, out), "-1,234,567");
	assert_string_equal(lt_i18n_count(LLONG_MIN, out), "-9,223,372,036,854,775,808");
	assert_string_equal(lt_i18n_decimal(1234.56, 1, out), "1,234.6");
	assert_string_equal(lt_i18n_decimal(0.05, 2, out), "0.05");
	assert_string_equal(lt_i18n_decimal(-0.04, 1, out), "0.0");
	assert_string_equal(lt_i18n_decimal(12.5, 0, out), "13");
	assert_string_equal(lt_i18n_date("2026-11-30", date), "2026-11-30");
	assert_string_equal(lt_i18n_date("2026-11-30T10:22:00Z", date), "2026-11-30");
	assert_string_equal(lt_i18n_date("2026-13-01", date), "2026-13-01");
	assert_string_equal(lt_i18n_date("30/11/2026", date), "30/11/2026");
	assert_string_equal(lt_i18n_date(NULL, date), "");
	assert_string_equal(ngettext("%llu byte", "%llu bytes", 2), "%llu bytes");
	assert_string_equal(_("Commands:"), "Commands:");
}

static void test_vietnamese(void **state)
{
	char out[LT_I18N_NUMBER_MAX], date[LT_I18N_DATE_MAX];

	(void)state;
	use_locale("vi_VN.UTF-8");
	assert_string_equal(_("Commands:"), "Các lệnh:");
	assert_string_equal(lt_i18n_count(1234, out), "1.234");
	assert_string_equal(lt_i18n_count(-1234567, out), "-1.234.567");
	assert_string_equal(lt_i18n_decimal(1234.56, 1, out), "1.234,6");
	assert_string_equal(lt_i18n_decimal(12.5, 1, out), "12,5");
	assert_string_equal(lt_i18n_date("2026-11-30", date), "30/11/2026");
	assert_string_equal(lt_i18n_date("2026-01-05T00:00:00+07:00", date), "05/01/2026");
	assert_string_equal(lt_i18n_date("not a date", date), "not a date");
	/* One plural form in Vietnamese. */
	assert_string_equal(ngettext("%s page", "%s pages", 1), "%s trang");
	assert_string_equal(ngettext("%s page", "%s pages", 1234), "%s trang");
	/* Numbers for programs are untouched by the language. */
	snprintf(out, sizeof(out), "%.1f", 12.5);
	assert_string_equal(out, "12.5");
	use_locale("C.UTF-8");
}

/* Last: the switch cannot be undone. */
static void test_errors_untranslated(void **state)
{
	struct lt_err err = { 0 };

	(void)state;
	use_locale("vi_VN.UTF-8");
	lt_err_set(&err, LT_ENOMEM, "out of memory");
	assert_string_equal(err.msg, "hết bộ nhớ");
	lt_i18n_errors_untranslated();
	lt_err_set(&err, LT_ENOMEM, "out of memory");
	assert_string_equal(err.msg, "out of memory");
	lt_err_prefix(&err, "%s: ", "x.tif");
	assert_string_equal(err.msg, "x.tif: out of memory");
	/* What a person reads outside errors is still Vietnamese. */
	assert_string_equal(_("Commands:"), "Các lệnh:");
	use_locale("C.UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_vietnamese),
		cmocka_unit_test(test_errors_untranslated),
	};

	return cmocka_run_group_tests(tests, bind_build_catalog, NULL);
}
