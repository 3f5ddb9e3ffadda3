/* test_rotate.c - unit tests for rotate.h: a grey image turned by
 * lt_rotate_grey has Leptonica's own pixels (pixRotateAMGray), padding
 * included, on drawn images of awkward sizes at deskew angles and beyond,
 * and on a real page. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/rotate.h"

/* A gradient that wraps (smooth runs, then a hard edge) under noise, so
 * that every weight of every neighbour shows; the padding bytes set, which
 * no pixel may read. */
static PIX *drawn(int w, int h, unsigned seed)
{
	PIX *pix = pixCreate(w, h, 8);

	srand(seed);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int v = (x * 7 + y * 3) % 256;

			if (rand() % 3 == 0)
				v = rand() % 256;
			pixSetPixel(pix, x, y, (l_uint32)v);
		}
	pixSetPadBits(pix, 1);
	pixSetResolution(pix, 300, 300);
	return pix;
}

static void assert_same_as_leptonica(PIX *pix, float degrees, l_uint8 fill)
{
	float angle = degrees * (float)(M_PI / 180.0);
	PIX *want = pixRotateAMGray(pix, angle, fill);
	PIX *got = lt_rotate_grey(pix, angle, fill);
	size_t bytes;
	int same;

	assert_non_null(want);
	assert_non_null(got);
	assert_int_equal(pixGetWidth(got), pixGetWidth(want));
	assert_int_equal(pixGetHeight(got), pixGetHeight(want));
	assert_int_equal(pixGetWpl(got), pixGetWpl(want));
	bytes = (size_t)pixGetWpl(want) * 4 * (size_t)pixGetHeight(want);
	same = memcmp(pixGetData(want), pixGetData(got), bytes) == 0;
	if (!same)
		print_error("%.4f degrees, fill %d: differs on a %dx%d image\n", degrees, fill,
			    pixGetWidth(pix), pixGetHeight(pix));
	assert_true(same);
	assert_int_equal(pixGetXRes(got), pixGetXRes(pix));
	pixDestroy(&want);
	pixDestroy(&got);
}

static const float angles[] = { 0.06f, -0.06f, 0.1f, -0.25f, 0.5f, -1.3f, 2.3f, -4.9f, 7.1f,
				-10.0f, 33.0f, 45.0f, -90.0f, 135.0f, 180.0f, -179.5f };

/* Widths and heights either side of a word and of the eight pixels the
 * fast path takes at once, down to images with no interior at all. */
static void test_drawn_images_match_leptonica(void **state)
{
	static const int dims[][2] = { { 1, 1 }, { 2, 2 }, { 1, 9 }, { 9, 1 }, { 3, 7 },
				       { 8, 8 }, { 9, 10 }, { 17, 16 }, { 31, 17 }, { 33, 65 },
				       { 100, 130 }, { 257, 181 } };

	(void)state;
	for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
		PIX *pix = drawn(dims[d][0], dims[d][1], (unsigned)d + 1);

		for (size_t a = 0; a < sizeof angles / sizeof angles[0]; a++) {
			assert_same_as_leptonica(pix, angles[a], 255);
			assert_same_as_leptonica(pix, angles[a], 0);
		}
		pixDestroy(&pix);
	}
}

/* A real scan at its full size, at the angles a deskew uses. */
static void test_real_page_matches_leptonica(void **state)
{
	PIX *page = pixRead("samples/inbox/letter-en.png"), *grey;

	(void)state;
	assert_non_null(page);
	grey = pixConvertTo8(page, 0);
	assert_non_null(grey);
	assert_same_as_leptonica(grey, 0.37f, 255);
	assert_same_as_leptonica(grey, -2.8f, 255);
	assert_same_as_leptonica(grey, 9.6f, 255);
	pixDestroy(&grey);
	pixDestroy(&page);
}

/* Below Leptonica's smallest turn, the image itself comes back (a clone);
 * what is not 8-bpp grey is refused with NULL, and the caller goes to
 * Leptonica. */
static void test_small_turns_and_refusals(void **state)
{
	PIX *grey = drawn(40, 30, 7), *bin = pixCreate(10, 10, 1), *mapped, *out;
	PIXCMAP *cmap = pixcmapCreate(8);

	(void)state;
	out = lt_rotate_grey(grey, 0.0009f, 255);
	assert_ptr_equal(out, grey);
	pixDestroy(&out);
	assert_null(lt_rotate_grey(bin, 0.1f, 255));
	assert_null(lt_rotate_grey(NULL, 0.1f, 255));
	mapped = pixCreate(10, 10, 8);
	pixcmapAddColor(cmap, 0, 0, 0);
	pixSetColormap(mapped, cmap);
	assert_null(lt_rotate_grey(mapped, 0.1f, 255));
	pixDestroy(&mapped);
	pixDestroy(&bin);
	pixDestroy(&grey);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drawn_images_match_leptonica),
		cmocka_unit_test(test_real_page_matches_leptonica),
		cmocka_unit_test(test_small_turns_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
