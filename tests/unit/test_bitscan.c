/* test_bitscan.c - unit tests for bitscan.h and the definition of
 * pixClipBoxToForeground built on it (tess_runtime.c): the same answers as
 * Leptonica's own (reached past them with dlsym
 * RTLD_NEXT) on random images of awkward widths, for random boxes, boxes
 * over the edges, boxes outside, and empty ones. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include <stdlib.h>

#include "luutru/bitscan.h"
#include "luutru/tess_runtime.h"

typedef l_ok (*clip_fn)(PIX *, BOX *, PIX **, BOX **);

/* Sparse specks and a few solid runs, the padding past the width set. */
static PIX *random_image(int w, int h, unsigned seed)
{
	PIX *pix = pixCreate(w, h, 1);

	srand(seed);
	for (int n = 0; n < w * h / 300 + 1; n++)
		pixSetPixel(pix, rand() % w, rand() % h, 1);
	for (int n = 0; n < 3; n++)
		pixRasterop(pix, rand() % w, rand() % h, 1 + rand() % 40, 1 + rand() % 3, PIX_SET,
			    NULL, 0, 0);
	pixSetPadBits(pix, 1);
	return pix;
}

static const int dims[][2] = { { 1, 1 }, { 31, 5 }, { 32, 32 }, { 33, 40 }, { 95, 17 },
			       { 300, 120 }, { 2480, 60 } };

/* Leptonica's and ours (while the thread is marked as recognising) agree
 * on the return, on the box and on the clipped image, for one box. */
static void assert_clip_same(clip_fn leptonica, PIX *pix, BOX *box)
{
	PIX *want_pix = NULL, *got_pix = NULL;
	BOX *want_box = NULL, *got_box = NULL;
	l_int32 want_rc, got_rc, same = 0;

	want_rc = leptonica(pix, box, &want_pix, &want_box);
	lt_tess_runtime_recognising(true);
	got_rc = pixClipBoxToForeground(pix, box, &got_pix, &got_box);
	lt_tess_runtime_recognising(false);
	assert_int_equal(got_rc, want_rc);
	assert_true((want_box == NULL) == (got_box == NULL));
	assert_true((want_pix == NULL) == (got_pix == NULL));
	if (want_box) {
		boxEqual(want_box, got_box, &same);
		assert_true(same);
		pixEqual(want_pix, got_pix, &same);
		assert_true(same);
	}
	boxDestroy(&want_box);
	boxDestroy(&got_box);
	pixDestroy(&want_pix);
	pixDestroy(&got_pix);
}

static void test_clip_box_matches_leptonica(void **state)
{
	clip_fn leptonica = (clip_fn)dlsym(RTLD_NEXT, "pixClipBoxToForeground");

	(void)state;
	assert_non_null(leptonica);
	/* Boxes outside the image are errors Leptonica reports on stderr;
	 * boxCreate refuses those wholly above or left of it (a NULL box: the
	 * whole image, both ways). */
	setMsgSeverity(L_SEVERITY_NONE);
	for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
		int w = dims[d][0], h = dims[d][1];
		PIX *pix = random_image(w, h, (unsigned)d + 11);

		for (int n = 0; n < 300; n++) {
			/* Mostly inside; some over the right or bottom edge, some
			 * starting left of or above the image, some wholly outside. */
			BOX *box = boxCreate(rand() % (w + 8) - 4, rand() % (h + 8) - 4,
					     1 + rand() % (w + 4), 1 + rand() % (h + 4));

			assert_clip_same(leptonica, pix, box);
			boxDestroy(&box);
		}
		pixDestroy(&pix);
	}
	/* A box over blank paper: no box, and 1, both ways. */
	PIX *blank = pixCreate(64, 64, 1);
	BOX *box = boxCreate(3, 3, 40, 40);
	assert_clip_same(leptonica, blank, box);
	boxDestroy(&box);
	pixDestroy(&blank);
	setMsgSeverity(DEFAULT_SEVERITY);
}

/* lt_foreground_box by itself: the box, blank paper, and what it refuses. */
static void test_foreground_box_direct(void **state)
{
	PIX *pix = pixCreate(100, 50, 1);
	BOX *box = NULL;
	l_int32 x, y, w, h;

	(void)state;
	pixSetPixel(pix, 40, 10, 1);
	pixSetPixel(pix, 70, 30, 1);
	assert_int_equal(lt_foreground_box(pix, 0, 0, 100, 50, &box), 1);
	boxGetGeometry(box, &x, &y, &w, &h);
	assert_int_equal(x, 40);
	assert_int_equal(y, 10);
	assert_int_equal(w, 31);
	assert_int_equal(h, 21);
	boxDestroy(&box);
	assert_int_equal(lt_foreground_box(pix, 41, 0, 29, 50, &box), 0);
	assert_null(box);
	assert_int_equal(lt_foreground_box(pix, -1, 0, 10, 10, &box), -1);
	assert_int_equal(lt_foreground_box(pix, 0, 0, 101, 10, &box), -1);
	assert_int_equal(lt_foreground_box(pix, 0, 0, 0, 10, &box), -1);
	assert_null(box);
	pixDestroy(&pix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clip_box_matches_leptonica),
		cmocka_unit_test(test_foreground_box_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
