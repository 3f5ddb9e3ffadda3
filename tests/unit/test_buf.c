/* test_buf.c - unit tests for buf.h: the growable, always NUL-terminated
 * buffer: append/puts/printf, growth past the first 64-byte block,
 * detach/reset/release ownership rules and the LT_BUF_MAX cap (checked
 * without ever allocating anything near the cap). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"

static void test_empty(void **state)
{
	struct lt_buf a = LT_BUF_INIT, b;

	(void)state;
	memset(&b, 0xab, sizeof(b));
	lt_buf_init(&b);
	assert_null(a.data);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(lt_buf_str(&a), "");
	lt_buf_reset(&a);          /* on a never-used buffer */
	assert_null(a.data);
	lt_buf_release(&a);
	lt_buf_release(&a);        /* twice */
	lt_buf_release(NULL);
}

static void test_append_puts_printf(void **state)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err err = { 0 };

	(void)state;
	assert_int_equal(lt_buf_append(&b, "abc", 3, &err), LT_OK);
	assert_int_equal(lt_buf_append(&b, "defXXX", 3, &err), LT_OK);
	assert_string_equal(lt_buf_str(&b), "abcdef");
	assert_int_equal(b.len, 6);
	assert_true(b.cap >= b.len + 1);
	assert_int_equal(lt_buf_puts(&b, " Đà Nẵng", &err), LT_OK);
	assert_string_equal(b.data, "abcdef Đà Nẵng");
	assert_int_equal(lt_buf_printf(&b, &err, " %s-%03d/%c%%", "so", 5, 'x'), LT_OK);
	assert_string_equal(b.data, "abcdef Đà Nẵng so-005/x%");
	assert_int_equal(b.len, strlen(b.data));
	/* Empty appends keep the string valid and unchanged. */
	assert_int_equal(lt_buf_append(&b, NULL, 0, &err), LT_OK);
	assert_int_equal(lt_buf_printf(&b, &err, "%s", ""), LT_OK);
	assert_int_equal(b.len, strlen("abcdef Đà Nẵng so-005/x%"));
	lt_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_binary_data(void **state)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err err = { 0 };
	static const char bin[] = { 'a', '\0', 'b', '\xff' };

	(void)state;
	assert_int_equal(lt_buf_append(&b, bin, sizeof(bin), &err), LT_OK);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, bin, 4);
	assert_int_equal(b.data[4], '\0');
	lt_buf_release(&b);
}

static void test_empty_append_allocates_string(void **state)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err err = { 0 };

	(void)state;
	assert_int_equal(lt_buf_append(&b, "", 0, &err), LT_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	lt_buf_release(&b);
	assert_int_equal(lt_buf_printf(&b, &err, "%s", ""), LT_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	lt_buf_release(&b);
}

static void test_growth_past_64(void **state)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err err = { 0 };
	char want[1001];

	(void)state;
	/* One byte at a time through several reallocations. */
	for (int i = 0; i < 1000; i++) {
		char c = (char)('a' + i % 26);

		want[i] = c;
		assert_int_equal(lt_buf_append(&b, &c, 1, &err), LT_OK);
		assert_true(b.cap >= b.len + 1);
		assert_int_equal(b.data[b.len], '\0');
	}
	want[1000] = '\0';
	assert_int_equal(b.len, 1000);
	assert_string_equal(b.data, want);
	assert_true(b.cap > 64);
	lt_buf_reset(&b);

	/* One printf bigger than the first block. */
	assert_int_equal(lt_buf_printf(&b, &err, "%0200d|%s", 7, "end"), LT_OK);
	assert_int_equal(b.len, 204);
	assert_int_equal(strlen(b.data), 204);
	assert_string_equal(b.data + 199, "7|end");
	lt_buf_release(&b);

	/* Exactly at the boundary: 63 bytes + NUL fit in 64; 64 need more. */
	memset(want, 'z', 64);
	assert_int_equal(lt_buf_append(&b, want, 63, &err), LT_OK);
	assert_int_equal(b.cap, 64);
	assert_int_equal(lt_buf_append(&b, want, 1, &err), LT_OK);
	assert_true(b.cap >= 65);
	assert_int_equal(b.len, 64);
	assert_int_equal(b.data[64], '\0');
	lt_buf_release(&b);
}

static void test_grow_reserves(void **state)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err err = { 0 };
	char *before;

	(void)state;
	assert_int_equal(lt_buf_grow(&b, 500, &err), LT_OK);
	assert_true(b.cap >= 501);
	assert_int_equal(b.len, 0);
	before = b.data;
	/* Appends within the reservation do not move the data. */
	for (int i = 0; i < 500; i++)
		assert_int_equal(lt_buf_append(&b, "x", 1, &err), LT_OK);
	assert_ptr_equal(b.data, before);
	lt_buf_release(&b);
}

static void test_reset_keeps_memory(void **state)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err err = { 0 };
	size_t cap;

	(void)state;
	assert_int_equal(lt_buf_puts(&b, "hello world", &err), LT_OK);
	cap = b.cap;
	lt_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(lt_buf_str(&b), "");
	assert_int_equal(b.cap, cap);
	assert_int_equal(lt_buf_puts(&b, "again", &err), LT_OK);
	assert_string_equal(b.data, "again");
	lt_buf_release(&b);
}

static void test_detach(void **state)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err err = { 0 };
	char *s;

	(void)state;
	assert_int_equal(lt_buf_puts(&b, "owned by the caller", &err), LT_OK);
	s = lt_buf_detach(&b);
	assert_string_equal(s, "owned by the caller");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);
	/* The buffer is reusable after detaching. */
	assert_int_equal(lt_buf_puts(&b, "x", &err), LT_OK);
	assert_string_equal(b.data, "x");
	lt_buf_release(&b);

	/* An empty buffer detaches to "" (never NULL), also to be freed. */
	s = lt_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static int vprintf_wrapper(struct lt_buf *b, struct lt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int vprintf_wrapper(struct lt_buf *b, struct lt_err *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = lt_buf_vprintf(b, err, fmt, ap);
	va_end(ap);
	return rc;
}

static void test_vprintf(void **state)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err err = { 0 };

	(void)state;
	assert_int_equal(vprintf_wrapper(&b, &err, "%d pages, %s", 12, "Đảng"), LT_OK);
	assert_int_equal(vprintf_wrapper(&b, &err, "; %.2f", 99.5), LT_OK);
	assert_string_equal(b.data, "12 pages, Đảng; 99.50");
	lt_buf_release(&b);
}

struct cap_case {
	const char *name;
	size_t prefill;   /* bytes already in the buffer */
	size_t extra;
};

static const struct cap_case cap_cases[] = {
	{ "exactly LT_BUF_MAX", 0, LT_BUF_MAX },
	{ "len + extra fill the cap, no room for the NUL", 1, LT_BUF_MAX - 1 },
	{ "cap minus prefill", 10, LT_BUF_MAX - 10 },
	{ "SIZE_MAX (no overflow)", 0, (size_t)-1 },
	{ "SIZE_MAX with content", 10, (size_t)-1 },
	{ "LT_BUF_MAX * 2", 3, LT_BUF_MAX * 2 },
};

static void test_grow_refuses_past_cap(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cap_cases) / sizeof(cap_cases[0]); i++) {
		const struct cap_case *c = &cap_cases[i];
		struct lt_buf b = LT_BUF_INIT;
		struct lt_err err = { 0 };
		char fill[16];
		size_t cap;

		print_message("cap: %s\n", c->name);
		memset(fill, 'p', sizeof(fill));
		assert_int_equal(lt_buf_append(&b, fill, c->prefill, &err), LT_OK);
		cap = b.cap;
		assert_int_equal(lt_buf_grow(&b, c->extra, &err), LT_ENOMEM);
		assert_int_equal(err.code, LT_ENOMEM);
		assert_true(err.msg[0] != '\0');
		/* Refused without touching the buffer. */
		assert_int_equal(b.len, c->prefill);
		assert_int_equal(b.cap, cap);
		/* append and printf hit the same cap (append never reads the data). */
		assert_int_equal(lt_buf_append(&b, fill, c->extra, &err), LT_ENOMEM);
		assert_int_equal(b.len, c->prefill);
		if (b.data)
			assert_memory_equal(b.data, fill, c->prefill);
		lt_buf_release(&b);
	}
}

static void test_grow_null_err(void **state)
{
	struct lt_buf b = LT_BUF_INIT;

	(void)state;
	/* err may be NULL: the code still comes back. */
	assert_int_equal(lt_buf_grow(&b, LT_BUF_MAX, NULL), LT_ENOMEM);
	assert_int_equal(lt_buf_puts(&b, "ok", NULL), LT_OK);
	assert_string_equal(b.data, "ok");
	lt_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_append_puts_printf),
		cmocka_unit_test(test_binary_data),
		cmocka_unit_test(test_empty_append_allocates_string),
		cmocka_unit_test(test_growth_past_64),
		cmocka_unit_test(test_grow_reserves),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_vprintf),
		cmocka_unit_test(test_grow_refuses_past_cap),
		cmocka_unit_test(test_grow_null_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
