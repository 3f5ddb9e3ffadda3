/* test_serve.c - the reading room's pieces that need no server: escaping
 * for every context, highlighting, loopback detection, byte ranges, the
 * users file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "luutru/serve.h"

static void escape_every_html_special(void **state)
{
	struct lt_buf b = LT_BUF_INIT;

	(void)state;
	assert_int_equal(lt_html_escape(&b, "<script>alert(\"x\" + 'y') & </script>", NULL), LT_OK);
	assert_string_equal(lt_buf_str(&b),
			    "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;) &amp; &lt;/script&gt;");
	lt_buf_reset(&b);
	assert_int_equal(lt_html_escape(&b, "Văn phòng", NULL), LT_OK);
	assert_string_equal(lt_buf_str(&b), "Văn phòng");
	lt_buf_release(&b);
}

static void url_encode_leaves_only_unreserved(void **state)
{
	struct lt_buf b = LT_BUF_INIT;

	(void)state;
	assert_int_equal(lt_url_encode(&b, "a b&c=\"<đ>/..", NULL), LT_OK);
	assert_string_equal(lt_buf_str(&b), "a%20b%26c%3D%22%3C%C4%91%3E%2F..");
	lt_buf_release(&b);
}

static void highlight_marks_folded_matches_and_escapes_the_rest(void **state)
{
	struct lt_buf b = LT_BUF_INIT;

	(void)state;
	assert_int_equal(lt_html_highlight(&b, "<b>Văn phòng</b> tỉnh ủy", "van PHONG", NULL), LT_OK);
	assert_string_equal(lt_buf_str(&b),
			    "&lt;b&gt;<mark>Văn</mark> <mark>phòng</mark>&lt;/b&gt; tỉnh ủy");
	lt_buf_reset(&b);
	assert_int_equal(lt_html_highlight(&b, "a < b", NULL, NULL), LT_OK);
	assert_string_equal(lt_buf_str(&b), "a &lt; b");
	lt_buf_release(&b);
	assert_true(lt_query_matches_word("dang uy", "Đảng", strlen("Đảng")));
	assert_false(lt_query_matches_word("dang uy", "Đảngx", strlen("Đảngx")));
}

/* One Range header against a download of size bytes. */
static enum lt_serve_range range(const char *header, uint64_t size, uint64_t *first, uint64_t *last)
{
	*first = *last = 777; /* overwritten on every path */
	return lt_serve_parse_range(header, size, first, last);
}

static void byte_ranges_as_rfc_9110_reads_them(void **state)
{
	uint64_t a, b;

	(void)state;
	/* One range: first-last, open-ended, suffix; an end past the file is cut. */
	assert_int_equal(range("bytes=100-199", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 100 && b == 199);
	assert_int_equal(range("bytes=0-0", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 0 && b == 0);
	assert_int_equal(range("bytes=900-", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 900 && b == 999);
	assert_int_equal(range("bytes=990-5000", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 990 && b == 999);
	assert_int_equal(range("bytes=-10", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 990 && b == 999);
	assert_int_equal(range("bytes=-5000", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 0 && b == 999);
	assert_int_equal(range("bytes=999-999", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 999 && b == 999);
	/* The unit is case-insensitive; whitespace around the range is allowed. */
	assert_int_equal(range("Bytes= 5-6 ", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 5 && b == 6);
	/* A position too long for 64 bits is past any file, not a wrapped number. */
	assert_int_equal(range("bytes=0-99999999999999999999999", 1000, &a, &b), LT_RANGE_PART);
	assert_true(a == 0 && b == 999);
	assert_int_equal(range("bytes=18446744073709551616-", 1000, &a, &b),
			 LT_RANGE_UNSATISFIABLE);

	/* Starting at or past the end, or a suffix of nothing: 416. */
	assert_int_equal(range("bytes=1000-", 1000, &a, &b), LT_RANGE_UNSATISFIABLE);
	assert_int_equal(range("bytes=1000-2000", 1000, &a, &b), LT_RANGE_UNSATISFIABLE);
	assert_int_equal(range("bytes=-0", 1000, &a, &b), LT_RANGE_UNSATISFIABLE);

	/* Everything else is the whole download (200): no header, another
	 * unit, a list, an inverted or malformed range, an empty download. */
	const char *whole[] = { NULL, "", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-3",
				"bytes=1-2,4-5", "bytes=1-2, ", "items=1-2", "bytes 1-2", "bytes=1",
				"bytes=--5", "bytes=1-2x", "bytes=+1-2" };

	for (size_t i = 0; i < sizeof(whole) / sizeof(*whole); i++) {
		assert_int_equal(range(whole[i], 1000, &a, &b), LT_RANGE_WHOLE);
		assert_true(a == 0 && b == 0);
	}
	assert_int_equal(range("bytes=0-10", 0, &a, &b), LT_RANGE_WHOLE);
	assert_int_equal(range("bytes=-10", 0, &a, &b), LT_RANGE_WHOLE);
}

static void loopback_addresses(void **state)
{
	(void)state;
	assert_true(lt_serve_is_loopback("127.0.0.1"));
	assert_true(lt_serve_is_loopback("127.8.9.10"));
	assert_true(lt_serve_is_loopback("::1"));
	assert_false(lt_serve_is_loopback("0.0.0.0"));
	assert_false(lt_serve_is_loopback("192.168.1.10"));
	assert_false(lt_serve_is_loopback("::"));
	assert_false(lt_serve_is_loopback("localhost.example"));
}

static void users_file_round_trip(void **state)
{
	char dir[] = "/tmp/luutru-test-serve.XXXXXX", path[128];
	struct lt_serve_users *users = NULL;
	struct lt_err err = { 0 };
	struct lt_buf text = LT_BUF_INIT;
	int clearance = -1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/users", dir);
	assert_int_equal(lt_serve_add_user(path, "lan", "mat-khau-dai", 0, &err), LT_OK);
	assert_int_equal(lt_serve_add_user(path, "minh", "khac-han-nhe", 1, &err), LT_OK);
	/* Replacing a user keeps the other. */
	assert_int_equal(lt_serve_add_user(path, "lan", "mat-khau-moi", 0, &err), LT_OK);
	assert_int_equal(lt_serve_add_user(path, "bad:name", "mat-khau-dai", 0, &err), LT_EUSAGE);
	assert_int_equal(lt_serve_add_user(path, "ngan", "short", 0, &err), LT_EUSAGE);
	read_file(path, &text);
	/* Salted: the password is nowhere in the file. */
	assert_null(strstr(lt_buf_str(&text), "mat-khau"));
	assert_int_equal(lt_serve_users_load(path, &users, &err), LT_OK);
	assert_false(lt_serve_users_check(users, "lan", "mat-khau-dai", &clearance));
	assert_true(lt_serve_users_check(users, "lan", "mat-khau-moi", &clearance));
	assert_int_equal(clearance, 0);
	/* Remembered after the first check: the same answer again, and a
	 * wrong password is still wrong. */
	assert_true(lt_serve_users_check(users, "lan", "mat-khau-moi", &clearance));
	assert_false(lt_serve_users_check(users, "lan", "mat-khau-moi!", &clearance));
	assert_true(lt_serve_users_check(users, "minh", "khac-han-nhe", &clearance));
	assert_int_equal(clearance, 1);
	assert_false(lt_serve_users_check(users, "nobody", "khac-han-nhe", &clearance));
	lt_serve_users_free(users);
	/* A damaged line is named. */
	write_file(path, "lan:0:md5:1:aa:bb\n", 18);
	assert_int_equal(lt_serve_users_load(path, &users, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "line 1"));
	unlink(path);
	rmdir(dir);
	lt_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_every_html_special),
		cmocka_unit_test(url_encode_leaves_only_unreserved),
		cmocka_unit_test(highlight_marks_folded_matches_and_escapes_the_rest),
		cmocka_unit_test(loopback_addresses),
		cmocka_unit_test(byte_ranges_as_rfc_9110_reads_them),
		cmocka_unit_test(users_file_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
