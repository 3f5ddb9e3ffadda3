/* test_flatten.c - unit tests for flatten.h: a page whose paper is
 * transparent (black colour values under alpha 0, as exports write them)
 * comes out as its ink on white, partly transparent ink as its blend, its
 * resolution kept; a page without alpha is left as it is. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>

#include "luutru/flatten.h"

/* 40x30 RGBA: black everywhere; alpha 0 (the paper) but for an opaque bar
 * at rows 10-19 and a half-transparent one at rows 25-29. */
static PIX *transparent_page(void)
{
	PIX *pix = pixCreate(40, 30, 32);

	pixSetSpp(pix, 4);
	for (int y = 0; y < 30; y++)
		for (int x = 0; x < 40; x++) {
			l_uint32 alpha = y >= 10 && y < 20 ? 255 : y >= 25 ? 128 : 0;

			pixSetPixel(pix, x, y, alpha); /* r, g, b 0; alpha in the low byte */
		}
	pixSetResolution(pix, 300, 300);
	return pix;
}

static void test_transparent_paper_is_white(void **state)
{
	PIX *pix = transparent_page(), *before = pix, *grey;
	l_int32 r, g, b;
	l_uint32 v;

	(void)state;
	assert_int_equal(lt_flatten_alpha(&pix), 0);
	assert_ptr_not_equal(pix, before);
	assert_int_equal(pixGetDepth(pix), 32);
	assert_int_equal(pixGetSpp(pix), 3);
	assert_int_equal(pixGetXRes(pix), 300);
	pixGetRGBPixel(pix, 5, 2, &r, &g, &b);
	assert_true(r == 255 && g == 255 && b == 255);
	pixGetRGBPixel(pix, 5, 15, &r, &g, &b);
	assert_true(r == 0 && g == 0 && b == 0);
	pixGetRGBPixel(pix, 5, 27, &r, &g, &b);
	assert_in_range(r, 120, 135);
	/* What recognition gets: the bar dark, the paper white. */
	grey = pixConvertTo8(pix, 0);
	pixGetPixel(grey, 20, 2, &v);
	assert_int_equal(v, 255);
	pixGetPixel(grey, 20, 15, &v);
	assert_int_equal(v, 0);
	pixDestroy(&grey);
	pixDestroy(&pix);
}

static void test_page_without_alpha_untouched(void **state)
{
	PIX *rgb = pixCreate(16, 16, 32), *grey = pixCreate(16, 16, 8), *none = NULL, *p;

	(void)state;
	p = rgb;
	assert_int_equal(lt_flatten_alpha(&p), 0);
	assert_ptr_equal(p, rgb);
	p = grey;
	assert_int_equal(lt_flatten_alpha(&p), 0);
	assert_ptr_equal(p, grey);
	assert_int_equal(lt_flatten_alpha(&none), 0);
	assert_null(none);
	pixDestroy(&rgb);
	pixDestroy(&grey);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transparent_paper_is_white),
		cmocka_unit_test(test_page_without_alpha_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
