/* test_brick.c - unit tests for brick.h: the opening and closing give
 * Leptonica's own pixels (its pixOpenBrick and pixCloseBrick, reached past
 * the program's definitions in tess_runtime.c with dlsym RTLD_NEXT) on drawn
 * images of awkward widths and on a real page, for the bricks Tesseract uses
 * and others. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include <stdlib.h>

#include "luutru/brick.h"

typedef PIX *(*brick_fn)(PIX *, PIX *, l_int32, l_int32);

static brick_fn leptonica(const char *name)
{
	brick_fn fn = (brick_fn)dlsym(RTLD_NEXT, name);

	assert_non_null(fn);
	return fn;
}

/* A page-like 1-bpp image: horizontal and vertical runs of every length up
 * to 120 (some over the edges), filled blocks, and scattered pixels; the
 * padding bits past the width set, which no pixel may read. */
static PIX *drawn(int w, int h, unsigned seed)
{
	PIX *pix = pixCreate(w, h, 1);

	srand(seed);
	for (int n = 0; n < (w * h) / 40 + 4; n++) {
		int x = rand() % (w + 20) - 10, y = rand() % (h + 20) - 10;
		int len = 1 + rand() % 120, thick = 1 + rand() % 4;

		switch (rand() % 4) {
		case 0:
			pixRasterop(pix, x, y, len, thick, PIX_SET, NULL, 0, 0);
			break;
		case 1:
			pixRasterop(pix, x, y, thick, len, PIX_SET, NULL, 0, 0);
			break;
		case 2:
			pixRasterop(pix, x, y, 1 + len / 4, 1 + rand() % 30, PIX_SET, NULL, 0, 0);
			break;
		default:
			pixSetPixel(pix, (x + 10) % w, (y + 10) % h, 1);
		}
	}
	pixSetPadBits(pix, 1);
	pixSetResolution(pix, 300, 300);
	return pix;
}

static void assert_same_as_leptonica(PIX *pix, int hsize, int vsize)
{
	static const struct {
		const char *name;
		PIX *(*ours)(PIX *, l_int32, l_int32);
	} ops[] = { { "pixOpenBrick", lt_brick_open }, { "pixCloseBrick", lt_brick_close } };

	for (size_t i = 0; i < 2; i++) {
		PIX *want = leptonica(ops[i].name)(NULL, pix, hsize, vsize);
		PIX *got = ops[i].ours(pix, hsize, vsize);
		l_int32 same = 0;

		assert_non_null(want);
		assert_non_null(got);
		pixEqual(want, got, &same);
		if (!same)
			print_error("%s %dx%d differs on a %dx%d image\n", ops[i].name, hsize, vsize,
				    pixGetWidth(pix), pixGetHeight(pix));
		assert_true(same);
		assert_int_equal(pixGetXRes(got), pixGetXRes(pix));
		pixDestroy(&want);
		pixDestroy(&got);
	}
}

/* Tesseract's bricks (FindAndRemoveLines at 300 dpi: 5x5, 15x15, 1x75, 75x1;
 * its reduced image: 5x5) and ours (2x2, 8x8), odd and even sizes, bricks
 * longer than the image, on widths either side of a word. */
static void test_drawn_images_match_leptonica(void **state)
{
	static const int sizes[][2] = {
		{ 1, 1 }, { 2, 1 }, { 1, 2 }, { 2, 2 }, { 5, 5 }, { 8, 8 }, { 15, 15 }, { 1, 75 },
		{ 75, 1 }, { 3, 7 }, { 7, 3 }, { 33, 1 }, { 1, 64 }, { 65, 2 }, { 200, 1 }, { 1, 200 },
		{ 300, 3 }, { 4, 300 },
	};
	static const int dims[][2] = { { 1, 1 }, { 31, 17 }, { 32, 40 }, { 33, 9 },
				       { 100, 130 }, { 257, 181 }, { 64, 1 } };

	(void)state;
	for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
		PIX *pix = drawn(dims[d][0], dims[d][1], (unsigned)d + 1);

		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
			assert_same_as_leptonica(pix, sizes[s][0], sizes[s][1]);
		pixDestroy(&pix);
	}
}

/* A real scan, binarised as Tesseract sees it, with Tesseract's bricks. */
static void test_real_page_matches_leptonica(void **state)
{
	PIX *page = pixRead("samples/inbox/letter-en.png");
	PIX *bin;

	(void)state;
	assert_non_null(page);
	bin = pixConvertTo1(page, 160);
	assert_non_null(bin);
	assert_same_as_leptonica(bin, 5, 5);
	assert_same_as_leptonica(bin, 15, 15);
	assert_same_as_leptonica(bin, 1, 75);
	assert_same_as_leptonica(bin, 75, 1);
	pixDestroy(&bin);
	pixDestroy(&page);
}

/* What the functions do not take: they say so with NULL, and the caller
 * goes to Leptonica. */
static void test_refuses_other_depths_and_sizes(void **state)
{
	PIX *grey = pixCreate(10, 10, 8), *bin = pixCreate(10, 10, 1);

	(void)state;
	assert_null(lt_brick_open(grey, 3, 3));
	assert_null(lt_brick_close(grey, 3, 3));
	assert_null(lt_brick_open(bin, 0, 3));
	assert_null(lt_brick_close(bin, 3, -1));
	assert_null(lt_brick_open(NULL, 3, 3));
	pixDestroy(&grey);
	pixDestroy(&bin);
}

/* A brick wider or taller than any image (a page with an absurd resolution
 * makes Tesseract ask for one) leaves nothing ON, opened or closed, and
 * costs no more passes than the image's own size. */
static void test_brick_beyond_any_image(void **state)
{
	PIX *pix = drawn(257, 181, 3), *out;
	l_int32 empty = 0;

	(void)state;
	out = lt_brick_open(pix, 1 << 30, 3);
	assert_non_null(out);
	pixZero(out, &empty);
	assert_true(empty);
	pixDestroy(&out);
	out = lt_brick_close(pix, 5, 0x7fffffff);
	assert_non_null(out);
	pixZero(out, &empty);
	assert_true(empty);
	pixDestroy(&out);
	pixDestroy(&pix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drawn_images_match_leptonica),
		cmocka_unit_test(test_real_page_matches_leptonica),
		cmocka_unit_test(test_refuses_other_depths_and_sizes),
		cmocka_unit_test(test_brick_beyond_any_image),
	};

	setLeptDebugOK(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
