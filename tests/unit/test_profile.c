/* test_profile.c - unit tests for profile.h: the compiled-in profile, names
 * resolved (keys, Vietnamese labels, TT02 names, without diacritics),
 * values validated and normalised (dates, codes by label, lengths in
 * characters, numbers), required fields, the Dublin Core mapping, and an
 * ARCHIVE/metadata-profile.json that changes a length and a code list. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "luutru/profile.h"

static struct lt_profile *open_builtin(void)
{
	struct lt_profile *p = NULL;
	struct lt_err err = { 0 };

	assert_int_equal(lt_profile_open(NULL, &p, &err), LT_OK);
	assert_string_equal(lt_profile_origin(p), "built-in");
	return p;
}

static void test_resolve(void **state)
{
	static const struct { const char *name, *key; } cases[] = {
		{ "codeNumber", "codeNumber" },
		{ "CODENUMBER", "codeNumber" },
		{ "Số của tài liệu", "codeNumber" },
		{ "so cua tai lieu", "codeNumber" },
		{ "Số của văn bản", "codeNumber" },       /* TT02 */
		{ "Số", "codeNumber" },
		{ "Ký hiệu", "codeNotation" },
		{ "Ngày, tháng, năm tài liệu", "issuedDate" },
		{ "ngay thang nam tai lieu", "issuedDate" },
		{ "Ngày ban hành", "issuedDate" },
		{ "Tên cơ quan, tổ chức ban hành văn bản", "organName" },
		{ "  Trích yếu ", "subject" },
		{ "PageAmount", "numberOfPage" },
		{ "Độ mật", "secrecyLevel" },
		{ "do mat", "secrecyLevel" },
		{ "Thời hạn bảo quản", "maintenance" },
		{ "Đơn vị", NULL },
		{ "", NULL },
		{ "xyz", NULL },
	};
	struct lt_profile *p = open_builtin();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *key = (const char *)1;
		int rc = lt_profile_resolve_key(p, cases[i].name, &key);

		if (cases[i].key) {
			assert_int_equal(rc, LT_OK);
			assert_string_equal(key, cases[i].key);
		} else {
			assert_int_equal(rc, LT_ENOTFOUND);
			assert_null(key);
		}
	}
	lt_profile_close(p);
}

static void test_validate_ok(void **state)
{
	static const struct { const char *key, *value, *want; } cases[] = {
		{ "issuedDate", "14/07/2016", "2016-07-14" },
		{ "issuedDate", "5/1/2020", "2020-01-05" },
		{ "issuedDate", "2020-01-05", "2020-01-05" },
		{ "issuedDate", "2016-7-14", "2016-07-14" },
		{ "issuedDate", " 29.02.2024 ", "2024-02-29" },
		{ "typeName", "02", "02" },
		{ "typeName", "2", "02" },
		{ "typeName", "Quyết định", "02" },
		{ "typeName", "quyet dinh", "02" },
		{ "typeName", "QUYẾT ĐỊNH", "02" },
		{ "typeName", "Kết luận", "32" },         /* a Party type: Khác */
		{ "language", "01", "01" },
		{ "language", "Tiếng Việt; Anh", "01,02" },
		{ "mode", "Công khai", "01" },
		{ "secrecyLevel", "Tuyệt mật", "tuyet-mat" },
		{ "secrecyLevel", "toi-mat", "toi-mat" },
		{ "secrecyLevel", "MẬT", "mat" },
		{ "urgency", "Hỏa tốc", "hoa-toc" },
		{ "maintenance", "Vĩnh viễn", "01" },
		{ "numberOfPage", "007", "7" },
		{ "organName", "  Tỉnh ủy Đà Nẵng\t", "Tỉnh ủy Đà Nẵng" },
		/* decomposed (NFD) input comes out NFC */
		{ "organName", "Ta\xcc\x80i", "T\xc3\xa0i" },
		{ "codeNotation", "CT/TW", "CT/TW" },
	};
	struct lt_profile *p = open_builtin();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lt_err err = { 0 };
		char *norm = NULL;

		if (lt_profile_validate(p, cases[i].key, cases[i].value, &norm, &err) != LT_OK)
			fail_msg("%s '%s': %s", cases[i].key, cases[i].value, err.msg);
		assert_string_equal(norm, cases[i].want);
		free(norm);
	}
	lt_profile_close(p);
}

static void test_validate_bad(void **state)
{
	static const struct { const char *key, *value, *says; } cases[] = {
		{ "issuedDate", "31/02/2020", "bad date" },
		{ "issuedDate", "2020/13/01", "bad date" },
		{ "issuedDate", "14-07/2016", "bad date" },
		{ "issuedDate", "hôm qua", "bad date" },
		{ "issuedDate", "2016-007-14", "bad date" },
		{ "issuedDate", "14/07/16", "bad date" },
		{ "issuedDate", "2016-07-14T00:00", "bad date" },
		{ "typeName", "99", "not a code of typeName (allowed: 01, 02" },
		{ "typeName", "Quyết đinh x", "not a code" },
		{ "mode", "4", "allowed: 01 Công khai, 02 Sử dụng có điều kiện, 03 Mật" },
		{ "codeNumber", "123456789012", "too long (12 characters, max 11)" },
		{ "numberOfPage", "12a", "not a number" },
		{ "numberOfPage", "12345", "max 4" },
		{ "organName", "   ", "empty value" },
		{ "nonsense", "x", "unknown key 'nonsense'" },
		{ "subject", "\xff\xfe", "subject" },
	};
	struct lt_profile *p = open_builtin();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lt_err err = { 0 };
		char *norm = (char *)1;

		assert_int_equal(lt_profile_validate(p, cases[i].key, cases[i].value, &norm, &err), LT_EINPUT);
		assert_null(norm);
		if (!strstr(err.msg, cases[i].says))
			fail_msg("%s '%s': '%s' does not say '%s'", cases[i].key, cases[i].value,
				 err.msg, cases[i].says);
		assert_non_null(strstr(err.msg, cases[i].key));
	}
	lt_profile_close(p);
}

static void test_length_in_characters(void **state)
{
	/* 11 Vietnamese letters are 11 characters, more than 11 bytes. */
	struct lt_profile *p = open_builtin();
	struct lt_err err = { 0 };
	char *norm = NULL;

	(void)state;
	assert_int_equal(lt_profile_validate(p, "codeNumber", "ĐĐĐĐĐĐĐĐĐĐĐ", &norm, &err), LT_OK);
	free(norm);
	assert_int_equal(lt_profile_validate(p, "codeNumber", "ĐĐĐĐĐĐĐĐĐĐĐĐ", &norm, &err), LT_EINPUT);
	lt_profile_close(p);
}

static void test_labels_dc_secrecy(void **state)
{
	struct lt_profile *p = open_builtin();
	struct lt_meta m = LT_META_INIT;
	const char *key = NULL;

	(void)state;
	assert_string_equal(lt_profile_label(p, "codeNumber"), "Số của tài liệu");
	assert_null(lt_profile_label(p, "nope"));
	assert_string_equal(lt_profile_code_label(p, "typeName", "02"), "Quyết định");
	assert_string_equal(lt_profile_code_label(p, "secrecyLevel", "tuyet-mat"), "Tuyệt mật");
	assert_null(lt_profile_code_label(p, "typeName", "99"));
	assert_null(lt_profile_code_label(p, "subject", "01"));
	assert_int_equal(lt_profile_dc(p, "title", &key), LT_OK);
	assert_string_equal(key, "title");
	assert_int_equal(lt_profile_dc(p, "creator", &key), LT_OK);
	assert_string_equal(key, "organName");
	assert_int_equal(lt_profile_dc(p, "date", &key), LT_OK);
	assert_string_equal(key, "issuedDate");
	assert_int_equal(lt_profile_dc(p, "coverage", &key), LT_ENOTFOUND);
	/* title falls back on subject when no free title was given */
	assert_int_equal(lt_meta_set(&m, "subject", "V/v lưu trữ", LT_META_MANIFEST, NULL, NULL, 1, 1, NULL), LT_OK);
	assert_string_equal(lt_profile_dc_value(p, &m, "title", &key), "V/v lưu trữ");
	assert_string_equal(key, "subject");
	assert_null(lt_profile_dc_value(p, &m, "rights", NULL));
	assert_string_equal(lt_profile_secrecy_key(p), "secrecyLevel");
	assert_string_equal(lt_profile_secret_mode(p), "03");
	assert_true(lt_profile_secrecy_refused(p, "tuyet-mat"));
	assert_false(lt_profile_secrecy_refused(p, "mat"));
	lt_meta_release(&m);
	lt_profile_close(p);
}


static void test_secrecy(void **state)
{
	struct lt_profile *p = open_builtin();
	struct lt_meta m = LT_META_INIT;
	struct lt_err err = { 0 };
	const struct lt_meta_field *f;

	(void)state;
	/* no level: nothing changes */
	assert_int_equal(lt_profile_apply_secrecy(p, &m, 0, &err), LT_OK);
	assert_int_equal(m.n, 0);
	/* toi-mat: mode 03 with the level's provenance and the rule named */
	assert_int_equal(lt_meta_set(&m, "secrecyLevel", "toi-mat", LT_META_MANIFEST, "l.csv row 2",
				     NULL, 1, 1, &err), LT_OK);
	assert_int_equal(lt_profile_apply_secrecy(p, &m, 0, &err), LT_OK);
	f = lt_meta_get(&m, "mode");
	assert_non_null(f);
	assert_string_equal(f->value, "03");
	assert_int_equal(f->source, LT_META_MANIFEST);
	assert_string_equal(f->origin, "l.csv row 2");
	assert_string_equal(f->rule, "secrecyLevel toi-mat -> mode 03");
	/* a conflicting mode */
	assert_int_equal(lt_meta_set(&m, "mode", "02", LT_META_DEFAULT, "--set", NULL, 1, 1, &err), LT_OK);
	assert_int_equal(lt_profile_apply_secrecy(p, &m, 0, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "mode '02'"));
	assert_non_null(strstr(err.msg, "conflicts with secrecyLevel toi-mat"));
	/* tuyet-mat: refused unless allowed */
	lt_meta_unset(&m, "mode");
	assert_int_equal(lt_meta_set(&m, "secrecyLevel", "tuyet-mat", LT_META_SIDECAR, "a/metadata.json",
				     NULL, 1, 1, &err), LT_OK);
	assert_int_equal(lt_profile_apply_secrecy(p, &m, 0, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "--allow-secret=tuyet-mat"));
	assert_non_null(strstr(err.msg, "a/metadata.json"));
	assert_int_equal(lt_profile_apply_secrecy(p, &m, 1, &err), LT_OK);
	assert_string_equal(lt_meta_value(&m, "mode"), "03");
	lt_meta_release(&m);
	lt_profile_close(p);
}

static void test_required(void **state)
{
	struct lt_profile *p = open_builtin();
	struct lt_meta m = LT_META_INIT;
	struct lt_err err = { 0 };
	struct lt_buf missing = LT_BUF_INIT;
	int n = 0;

	(void)state;
	/* nobody described it: nothing is asked at ingest */
	assert_int_equal(lt_profile_check_required(p, &m, &err), LT_OK);
	assert_int_equal(lt_meta_set(&m, "organName", "Sở Tài chính", LT_META_MANIFEST, "x.csv row 2",
				     NULL, 1, 1, NULL), LT_OK);
	assert_int_equal(lt_profile_check_required(p, &m, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "maintenance (Thời hạn bảo quản)"));
	assert_int_equal(lt_meta_set(&m, "maintenance", "01", LT_META_DEFAULT, NULL, NULL, 1, 1, NULL), LT_OK);
	assert_int_equal(lt_profile_check_required(p, &m, &err), LT_OK);
	assert_int_equal(lt_profile_missing(p, &m, "archive", &missing, &n, &err), LT_OK);
	assert_true(n > 3);
	assert_non_null(strstr(missing.data, "issuedDate"));
	assert_null(strstr(missing.data, "organName"));
	assert_null(strstr(missing.data, "codeNumber")); /* "if any" */
	lt_buf_release(&missing);
	lt_meta_release(&m);
	lt_profile_close(p);
}

/* An archive's own profile: codeNumber may be 3 characters, typeName knows
 * one code more, and no recompile. */
static void test_override(void **state)
{
	char dir[] = "/tmp/test_profile_XXXXXX", path[256];
	struct lt_profile *p = NULL;
	struct lt_err err = { 0 };
	struct lt_buf json = LT_BUF_INIT, edited = LT_BUF_INIT;
	char *norm = NULL, *at;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/metadata-profile.json", dir);
	read_file("schemas/metadata-profile.json", &json);
	at = strstr(json.data, "\"maxLength\": 11");
	assert_non_null(at);
	memcpy(at, "\"maxLength\":  3", 15);
	at = strstr(json.data, "\"32\": \"Khác\"");
	assert_non_null(at);
	at += strlen("\"32\": \"Khác\"");
	assert_int_equal(lt_buf_append(&edited, json.data, (size_t)(at - json.data), NULL), LT_OK);
	assert_int_equal(lt_buf_puts(&edited, ", \"33\": \"Sổ tay\"", NULL), LT_OK);
	assert_int_equal(lt_buf_puts(&edited, at, NULL), LT_OK);
	write_file(path, edited.data, edited.len);

	assert_int_equal(lt_profile_open(dir, &p, &err), LT_OK);
	assert_string_equal(lt_profile_origin(p), path);
	assert_int_equal(lt_profile_validate(p, "codeNumber", "1234", &norm, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "max 3"));
	assert_int_equal(lt_profile_validate(p, "typeName", "sổ tay", &norm, &err), LT_OK);
	assert_string_equal(norm, "33");
	free(norm);
	lt_profile_close(p);

	/* a broken profile names its file and the reason */
	write_file(path, "{\"document\": {}}", 16);
	assert_int_equal(lt_profile_open(dir, &p, &err), LT_EINPUT);
	assert_null(p);
	assert_non_null(strstr(err.msg, path));
	/* a code alias naming no code is caught */
	at = strstr(json.data, "\"Kết luận\": \"32\"");
	assert_non_null(at);
	memcpy(strstr(at, "\"32\""), "\"99\"", 4);
	write_file(path, json.data, json.len);
	assert_int_equal(lt_profile_open(dir, &p, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "Kết luận"));
	write_file(path, "{ nope", 6);
	assert_int_equal(lt_profile_open(dir, &p, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, path));
	unlink(path);

	/* no file: the built-in one */
	assert_int_equal(lt_profile_open(dir, &p, &err), LT_OK);
	assert_string_equal(lt_profile_origin(p), "built-in");
	lt_profile_close(p);
	rmdir(dir);
	lt_buf_release(&json);
	lt_buf_release(&edited);
}

static void test_fold(void **state)
{
	char *f = NULL;

	(void)state;
	assert_int_equal(lt_profile_fold("Tỉnh ủy Đà Nẵng", &f, NULL), LT_OK);
	assert_string_equal(f, "tinh uy da nang");
	free(f);
	assert_int_equal(lt_profile_fold("", &f, NULL), LT_OK);
	assert_string_equal(f, "");
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_bad),
		cmocka_unit_test(test_length_in_characters),
		cmocka_unit_test(test_labels_dc_secrecy),
		cmocka_unit_test(test_secrecy),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
