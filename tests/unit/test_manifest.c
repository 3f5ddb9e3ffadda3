/* test_manifest.c - unit tests for manifest.h: spreadsheets as Excel and
 * LibreOffice save them (BOM, CRLF, quoted commas, quotes and line breaks,
 * ';' and tab separators), header names resolved through the profile, and
 * the errors that refuse a whole spreadsheet (unknown or repeated column,
 * repeated folder, no name column, too many cells). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "luutru/manifest.h"
#include "luutru/profile.h"

static int setup(void **state)
{
	struct lt_profile *p = NULL;

	if (lt_profile_open(NULL, &p, NULL) != LT_OK)
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	lt_profile_close(*state);
	return 0;
}

static const char *cell(const struct lt_manifest_row *r, const char *key)
{
	for (size_t i = 0; i < r->n_cells; i++)
		if (strcmp(r->cells[i].key, key) == 0)
			return r->cells[i].value;
	return NULL;
}

static void parse_ok(const struct lt_profile *p, const char *text, struct lt_manifest *m)
{
	struct lt_err err = { 0 };

	if (lt_manifest_parse("list.csv", text, strlen(text), p, m, &err) != LT_OK)
		fail_msg("%s", err.msg);
}

static void parse_bad(const struct lt_profile *p, const char *text, const char *says)
{
	struct lt_manifest m;
	struct lt_err err = { 0 };

	assert_int_equal(lt_manifest_parse("list.csv", text, strlen(text), p, &m, &err), LT_EINPUT);
	assert_int_equal(m.n_rows, 0);
	if (!strstr(err.msg, says) || !strstr(err.msg, "list.csv"))
		fail_msg("'%s' does not say '%s'", err.msg, says);
}

static void test_excel_utf8_bom_crlf(void **state)
{
	const struct lt_profile *p = *state;
	struct lt_manifest m;
	const char *text =
		"\xef\xbb\xbfThư mục,Số,Ký hiệu,Ngày ban hành,Trích yếu,Cơ quan ban hành\r\n"
		"chi-thi-05,05,CT/TW,14/07/2016,\"Về tăng cường công tác văn thư, lưu trữ\",Ban Chấp hành Trung ương\r\n"
		",,,,,\r\n"
		"cong-van-12/,12,UBND-VP,03/02/2021,\"V/v \"\"số hóa\"\"\r\ntài liệu\",UBND thành phố Đà Nẵng\r\n";

	parse_ok(p, text, &m);
	assert_int_equal(m.delimiter, ',');
	assert_int_equal(m.n_columns, 6);
	assert_string_equal(m.columns[0], "Thư mục"); /* the BOM is not part of it */
	assert_int_equal(m.n_rows, 2);
	assert_string_equal(m.rows[0].name, "chi-thi-05");
	assert_int_equal(m.rows[0].number, 2);
	assert_string_equal(cell(&m.rows[0], "codeNumber"), "05");
	assert_string_equal(cell(&m.rows[0], "subject"), "Về tăng cường công tác văn thư, lưu trữ");
	assert_string_equal(cell(&m.rows[0], "organName"), "Ban Chấp hành Trung ương");
	assert_string_equal(m.rows[0].cells[0].column, "Số");
	/* the empty row is left out but counted, as the spreadsheet counts it */
	assert_string_equal(m.rows[1].name, "cong-van-12");
	assert_int_equal(m.rows[1].number, 4);
	assert_string_equal(cell(&m.rows[1], "subject"), "V/v \"số hóa\"\r\ntài liệu");
	assert_ptr_equal(lt_manifest_find(&m, "cong-van-12"), &m.rows[1]);
	assert_null(lt_manifest_find(&m, "cong-van"));
	lt_manifest_release(&m);
	lt_manifest_release(&m); /* twice is harmless */
}

static void test_libreoffice_semicolons(void **state)
{
	const struct lt_profile *p = *state;
	struct lt_manifest m;
	/* No BOM, LF, ';' with commas inside unquoted-free cells, TT02 and key names. */
	const char *text =
		"folder;codeNumber;Tên loại văn bản;Tên cơ quan, tổ chức ban hành văn bản\n"
		"a;7;Quyết định;\"Sở Tài chính; tỉnh Quảng Ngãi\"\n"
		"b;;Công văn;Ủy ban nhân dân\n";

	parse_ok(p, text, &m);
	assert_int_equal(m.delimiter, ';');
	assert_int_equal(m.n_rows, 2);
	assert_string_equal(cell(&m.rows[0], "typeName"), "Quyết định");
	assert_string_equal(cell(&m.rows[0], "organName"), "Sở Tài chính; tỉnh Quảng Ngãi");
	assert_null(cell(&m.rows[1], "codeNumber")); /* empty: not given */
	assert_int_equal(m.rows[1].n_cells, 2);
	lt_manifest_release(&m);
}

static void test_tabs_and_nfd_names(void **state)
{
	const struct lt_profile *p = *state;
	struct lt_manifest m;
	/* "hồ-sơ" typed decomposed (o + U+0302 + U+0300) matches the NFC name */
	const char *text = "tên thư mục\tsubject\nho\xcc\x82\xcc\x80-s\xc6\xa1\tx\n";

	parse_ok(p, text, &m);
	assert_int_equal(m.delimiter, '\t');
	assert_non_null(lt_manifest_find(&m, "h\xe1\xbb\x93-s\xc6\xa1"));
	lt_manifest_release(&m);
}

static void test_refused(void **state)
{
	const struct lt_profile *p = *state;

	parse_bad(p, "thư mục,Số,Đơn vị\na,1,x\n", "column 3 'Đơn vị' is not a metadata field");
	parse_bad(p, "thư mục,Số,codeNumber\na,1,1\n", "are both codeNumber");
	parse_bad(p, "thư mục,Số\na,1\nb,2\na,3\n", "rows 2 and 4 both describe 'a'");
	parse_bad(p, "Số,Ký hiệu\n1,CT/TW\n", "no column names the documents");
	parse_bad(p, "thư mục,Số\na,1,extra\n", "row 2 has a value in column 3");
	parse_bad(p, "thư mục,Số\n,1\n", "row 2 names no document");
	parse_bad(p, "thư mục,folder\na,a\n", "both name the document");
	parse_bad(p, "", "empty");
	parse_bad(p, "thư mục,Số\na,\xff\n", "row 2, column 2");
}

static void test_read_file(void **state)
{
	const struct lt_profile *p = *state;
	char path[] = "/tmp/test_manifest_XXXXXX";
	struct lt_manifest m;
	struct lt_err err = { 0 };
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	write_file(path, "folder,Số\nx,1\n", 14);
	assert_int_equal(lt_manifest_read(path, p, &m, &err), LT_OK);
	assert_string_equal(m.path, path);
	assert_int_equal(m.n_rows, 1);
	lt_manifest_release(&m);
	unlink(path);
	assert_int_equal(lt_manifest_read(path, p, &m, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excel_utf8_bom_crlf),
		cmocka_unit_test(test_libreoffice_semicolons),
		cmocka_unit_test(test_tabs_and_nfd_names),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
