/* helpers.h - small file helpers the unit tests share. Include after
 * <cmocka.h>: failures are cmocka assertions. */
#ifndef LUUTRU_TEST_HELPERS_H
#define LUUTRU_TEST_HELPERS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

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
