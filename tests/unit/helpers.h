/* helpers.h - small file helpers the unit tests share. Include after
 * <cmocka.h>: failures are cmocka assertions. */
#ifndef LUUTRU_TEST_HELPERS_H
#define LUUTRU_TEST_HELPERS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "luutru/buf.h"

static inline int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static inline void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Appends the whole file at path to out. */
static inline void read_file(const char *path, struct lt_buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(lt_buf_append(out, chunk, n, NULL), LT_OK);
	assert_int_equal(ferror(f), 0);
	fclose(f);
}

/* Deterministic bytes that do not compress or repeat (xorshift32 from seed). */
static inline void fill_pattern(unsigned char *p, size_t n, uint32_t seed)
{
	uint32_t x = seed;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
}

#endif
