/* test_cmd_meta.c - unit tests for lt_cmd_meta_apply() (cmd_meta.c): a
 * correction becomes "corrected", confirmed, with who in its origin; a
 * confirmation keeps value and provenance; changes that change nothing are
 * not counted; the detail names old -> new; a confirmation of a missing key
 * is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "luutru/buf.h"
#include "luutru/cmd.h"
#include "luutru/meta.h"

static void sample(struct lt_meta *m)
{
	struct lt_err err = { 0 };

	assert_int_equal(lt_meta_set(m, "codeNumber", "05", LT_META_EXTRACTED, "page 1",
				     "state.number", 0.8, 0, &err), LT_OK);
	assert_int_equal(lt_meta_set(m, "organName", "UBND", LT_META_MANIFEST, "list.csv row 4", NULL,
				     1, 1, &err), LT_OK);
}

static void test_set_and_confirm(void **state)
{
	struct lt_meta m = LT_META_INIT;
	struct lt_buf detail = LT_BUF_INIT;
	struct lt_err err = { 0 };
	const struct lt_meta_change changes[] = {
		{ "organName", "Ủy ban nhân dân tỉnh Quảng Ngãi" },
		{ "issuedDate", "2021-03-04" },
		{ "codeNumber", NULL },
	};
	const struct lt_meta_field *f;
	int changed = -1;

	(void)state;
	sample(&m);
	assert_int_equal(lt_cmd_meta_apply(&m, changes, 3, "lan", &detail, &changed, &err), LT_OK);
	assert_int_equal(changed, 3);
	f = lt_meta_get(&m, "organName");
	assert_string_equal(f->value, "Ủy ban nhân dân tỉnh Quảng Ngãi");
	assert_int_equal(f->source, LT_META_CORRECTED);
	assert_string_equal(f->origin, "luutru meta by lan");
	assert_null(f->rule);
	assert_true(f->confirmed);
	f = lt_meta_get(&m, "issuedDate");
	assert_string_equal(f->value, "2021-03-04");
	assert_int_equal(f->source, LT_META_CORRECTED);
	/* Confirmed, still saying where it came from. */
	f = lt_meta_get(&m, "codeNumber");
	assert_string_equal(f->value, "05");
	assert_int_equal(f->source, LT_META_EXTRACTED);
	assert_string_equal(f->rule, "state.number");
	assert_string_equal(f->origin, "page 1");
	assert_true(f->confirmed);
	assert_string_equal(lt_buf_str(&detail),
			    "organName: 'UBND' -> 'Ủy ban nhân dân tỉnh Quảng Ngãi'; "
			    "issuedDate: (none) -> '2021-03-04'; codeNumber '05' confirmed");
	lt_buf_release(&detail);
	lt_meta_release(&m);
}

static void test_nothing_changes(void **state)
{
	struct lt_meta m = LT_META_INIT;
	struct lt_buf detail = LT_BUF_INIT;
	struct lt_err err = { 0 };
	const struct lt_meta_change first[] = { { "issuedDate", "2021-03-04" } };
	const struct lt_meta_change again[] = { { "issuedDate", "2021-03-04" }, { "issuedDate", NULL },
						{ "organName", NULL } };
	int changed = -1;

	(void)state;
	sample(&m);
	assert_int_equal(lt_cmd_meta_apply(&m, first, 1, "lan", &detail, &changed, &err), LT_OK);
	assert_int_equal(changed, 1);
	lt_buf_reset(&detail);
	/* The same correction again, a confirmation of a corrected value and of
	 * one a person gave in the spreadsheet: nothing new. */
	assert_int_equal(lt_cmd_meta_apply(&m, again, 3, "lan", &detail, &changed, &err), LT_OK);
	assert_int_equal(changed, 0);
	assert_string_equal(lt_buf_str(&detail), "");
	/* An extracted value given as it is becomes a correction: a change. */
	const struct lt_meta_change same_value[] = { { "codeNumber", "05" } };
	assert_int_equal(lt_cmd_meta_apply(&m, same_value, 1, "lan", &detail, &changed, &err), LT_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(lt_meta_get(&m, "codeNumber")->source, LT_META_CORRECTED);
	lt_buf_release(&detail);
	lt_meta_release(&m);
}

static void test_confirm_missing(void **state)
{
	struct lt_meta m = LT_META_INIT;
	struct lt_buf detail = LT_BUF_INIT;
	struct lt_err err = { 0 };
	const struct lt_meta_change changes[] = { { "signerName", NULL } };
	int changed = -1;

	(void)state;
	sample(&m);
	assert_int_equal(lt_cmd_meta_apply(&m, changes, 1, "lan", &detail, &changed, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "signerName"));
	assert_null(lt_meta_get(&m, "signerName"));
	lt_buf_release(&detail);
	lt_meta_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_confirm),
		cmocka_unit_test(test_nothing_changes),
		cmocka_unit_test(test_confirm_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
