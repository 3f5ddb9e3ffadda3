/* test_hash.c - unit tests for hash.h: SHA-256 against the FIPS 180-2
 * vectors, streaming in pieces equal to one-shot, the context lifecycle, and
 * lt_sha256_file() (digest, size, errors naming the path) on temp files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/fsutil.h"
#include "luutru/hash.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char SHA_EMPTY[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
static const char SHA_ABC[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static const struct {
	const char *in;
	const char *hex;
} vectors[] = {
	{ "", SHA_EMPTY },
	{ "abc", SHA_ABC },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static void test_mem_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(vectors); i++) {
		char hex[LT_SHA256_HEX];
		struct lt_err err = { 0 };

		memset(hex, 'X', sizeof(hex));
		assert_int_equal(lt_sha256_mem(vectors[i].in, strlen(vectors[i].in), hex, &err), LT_OK);
		assert_string_equal(hex, vectors[i].hex);
		assert_int_equal(strlen(hex), LT_SHA256_HEX - 1);
	}
}

static void test_million_a(void **state)
{
	char *a = malloc(1000000);
	char hex[LT_SHA256_HEX];
	struct lt_err err = { 0 };

	(void)state;
	assert_non_null(a);
	memset(a, 'a', 1000000);
	assert_int_equal(lt_sha256_mem(a, 1000000, hex, &err), LT_OK);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

static void test_streaming_equals_one_shot(void **state)
{
	static const size_t pieces[] = { 1, 3, 55, 56, 63, 64, 65, 1000, 4096, 10007 };
	enum { N = 20011 };
	unsigned char *data = malloc(N);
	char want[LT_SHA256_HEX];
	struct lt_err err = { 0 };

	(void)state;
	assert_non_null(data);
	fill_pattern(data, N, 2463534242u);
	assert_int_equal(lt_sha256_mem(data, N, want, &err), LT_OK);
	for (size_t i = 0; i < N_ELEMS(pieces); i++) {
		struct lt_sha256 h;
		char got[LT_SHA256_HEX];
		size_t off = 0;

		assert_int_equal(lt_sha256_init(&h, &err), LT_OK);
		while (off < N) {
			size_t n = N - off < pieces[i] ? N - off : pieces[i];

			assert_int_equal(lt_sha256_update(&h, data + off, n, &err), LT_OK);
			off += n;
		}
		/* Zero-length updates change nothing. */
		assert_int_equal(lt_sha256_update(&h, data, 0, &err), LT_OK);
		assert_int_equal(lt_sha256_final(&h, got, &err), LT_OK);
		assert_string_equal(got, want);
	}
	free(data);
}

static void test_context_lifecycle(void **state)
{
	struct lt_sha256 h;
	struct lt_err err = { 0 };
	char hex[LT_SHA256_HEX];

	(void)state;
	assert_int_equal(lt_sha256_init(&h, &err), LT_OK);
	assert_non_null(h.ctx);
	assert_int_equal(lt_sha256_update(&h, "ab", 2, &err), LT_OK);
	assert_int_equal(lt_sha256_update(&h, "c", 1, &err), LT_OK);
	assert_int_equal(lt_sha256_final(&h, hex, &err), LT_OK);
	assert_string_equal(hex, SHA_ABC);
	/* final releases the context; using it again is an error, not a crash. */
	assert_null(h.ctx);
	assert_int_equal(lt_sha256_update(&h, "x", 1, &err), LT_EINTERNAL);
	assert_int_equal(lt_sha256_final(&h, hex, &err), LT_EINTERNAL);
	lt_sha256_release(&h);
	lt_sha256_release(NULL);

	/* Abandoned midway (an error path): release frees it. */
	assert_int_equal(lt_sha256_init(&h, &err), LT_OK);
	assert_int_equal(lt_sha256_update(&h, "abc", 3, &err), LT_OK);
	lt_sha256_release(&h);
	assert_null(h.ctx);
	lt_sha256_release(&h);
}

/* ---- files ---- */

struct fx {
	char dir[64];
};

static int setup_dir(void **state)
{
	static struct fx fx;

	snprintf(fx.dir, sizeof(fx.dir), "/tmp/lt-test-hash.XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	*state = &fx;
	return 0;
}

static int teardown_dir(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };

	return lt_remove_tree(fx->dir, &err) == LT_OK ? 0 : -1;
}

static void test_file_digests(void **state)
{
	struct fx *fx = *state;
	/* Sizes around the 64 KiB read chunk of lt_sha256_file. */
	static const size_t sizes[] = { 0, 3, 65535, 65536, 65537, 200000 };
	unsigned char *data = malloc(200000);

	assert_non_null(data);
	fill_pattern(data, 200000, 2463534242u);
	for (size_t i = 0; i < N_ELEMS(sizes); i++) {
		char path[128], want[LT_SHA256_HEX], got[LT_SHA256_HEX];
		struct lt_err err = { 0 };
		uint64_t size = 12345;
		const void *content = sizes[i] == 3 ? (const void *)"abc" : data;

		snprintf(path, sizeof(path), "%s/f%zu.bin", fx->dir, sizes[i]);
		write_file(path, content, sizes[i]);
		assert_int_equal(lt_sha256_mem(content, sizes[i], want, &err), LT_OK);
		assert_int_equal(lt_sha256_file(path, got, &size, &err), LT_OK);
		assert_string_equal(got, want);
		assert_int_equal(size, sizes[i]);
		/* size is optional. */
		assert_int_equal(lt_sha256_file(path, got, NULL, &err), LT_OK);
		assert_string_equal(got, want);
		if (sizes[i] == 0)
			assert_string_equal(got, SHA_EMPTY);
		if (sizes[i] == 3)
			assert_string_equal(got, SHA_ABC);
	}
	free(data);
}

static void test_file_missing(void **state)
{
	struct fx *fx = *state;
	char path[128], hex[LT_SHA256_HEX];
	struct lt_err err = { 0 };
	uint64_t size = 42;

	snprintf(path, sizeof(path), "%s/no-such-scan.tif", fx->dir);
	assert_int_equal(lt_sha256_file(path, hex, &size, &err), LT_EINPUT);
	assert_int_equal(err.code, LT_EINPUT);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "No such file"));
	assert_int_equal(size, 42);   /* untouched on failure */
}

static void test_file_is_a_directory(void **state)
{
	struct fx *fx = *state;
	char hex[LT_SHA256_HEX];
	struct lt_err err = { 0 };

	assert_int_equal(lt_sha256_file(fx->dir, hex, NULL, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, fx->dir));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_vectors),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_streaming_equals_one_shot),
		cmocka_unit_test(test_context_lifecycle),
		cmocka_unit_test(test_file_digests),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test(test_file_is_a_directory),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
