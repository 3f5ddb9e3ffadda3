/* test_transform.c - unit tests for transform.h on real Leptonica images: a
 * black rectangle on a white master is oriented, deskewed, cropped and scaled
 * as a transform says, found again on the working image, and its box mapped
 * back must land on the rectangle drawn on the master. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/transform.h"

#define MASTER_W 640
#define MASTER_H 480
/* The rectangle sits off-centre so that a wrong quarter turn shows. */
#define RECT_X 90
#define RECT_Y 60
#define RECT_W 170
#define RECT_H 50
#define CROP_X 12
#define CROP_Y 7

/* Makes the working image from master as tf says (transform.h's steps). */
static PIX *make_working(PIX *master, const struct lt_page_transform *tf)
{
	PIX *oriented = pixRotateOrth(master, tf->orientation / 90);
	PIX *deskewed, *cropped, *working;
	BOX *crop;

	assert_non_null(oriented);
	deskewed = pixRotate(oriented, (float)(tf->skew_deg * M_PI / 180.0), L_ROTATE_AREA_MAP,
			     L_BRING_IN_WHITE, 0, 0);
	assert_non_null(deskewed);
	assert_int_equal(pixGetWidth(deskewed), pixGetWidth(oriented));
	crop = boxCreate(tf->crop_x, tf->crop_y, pixGetWidth(deskewed) - tf->crop_x,
			 pixGetHeight(deskewed) - tf->crop_y);
	cropped = pixClipRectangle(deskewed, crop, NULL);
	assert_non_null(cropped);
	working = pixScale(cropped, (float)tf->scale, (float)tf->scale);
	assert_non_null(working);
	boxDestroy(&crop);
	pixDestroy(&cropped);
	pixDestroy(&deskewed);
	pixDestroy(&oriented);
	return working;
}

/* Bounding box of the dark pixels, as [left, right) x [top, bottom). */
static void find_ink(PIX *pix, int *l, int *t, int *r, int *b)
{
	PIX *bin = pixConvertTo1(pix, 128);
	BOX *box = NULL;
	l_int32 x, y, w, h;

	assert_non_null(bin);
	assert_int_equal(pixClipToForeground(bin, NULL, &box), 0);
	assert_non_null(box);
	boxGetGeometry(box, &x, &y, &w, &h);
	*l = x;
	*t = y;
	*r = x + w;
	*b = y + h;
	boxDestroy(&box);
	pixDestroy(&bin);
}

static void test_rectangle_maps_back(void **state)
{
	static const int orientations[] = { 0, 90, 180, 270 };
	static const double skews[] = { 0.0, 3.0, -3.0 };
	static const double scales[] = { 1.0, 2.0 };
	PIX *master = pixCreate(MASTER_W, MASTER_H, 8);

	(void)state;
	assert_non_null(master);
	pixSetAll(master);
	assert_int_equal(pixClearInRect(master, NULL), 1); /* NULL box: an error, nothing drawn */
	{
		BOX *r = boxCreate(RECT_X, RECT_Y, RECT_W, RECT_H);

		assert_int_equal(pixClearInRect(master, r), 0);
		boxDestroy(&r);
	}
	for (size_t o = 0; o < 4; o++)
		for (size_t k = 0; k < 3; k++)
			for (size_t s = 0; s < 2; s++) {
				struct lt_page_transform tf;
				struct lt_box got;
				int l, t, r, b;
				PIX *working;
				/* A skewed rectangle's bounding box grows by about
				 * (w + h) sin(a) on each axis, once on the working
				 * image and once more on the way back. */
				double grow = 2.0 * (RECT_W + RECT_H) * sin(fabs(skews[k]) * M_PI / 180.0);
				double tol = 3.0 + 1.0 / scales[s];

				lt_transform_identity(&tf, MASTER_W, MASTER_H);
				tf.orientation = orientations[o];
				tf.skew_deg = skews[k];
				tf.crop_x = CROP_X;
				tf.crop_y = CROP_Y;
				tf.scale = scales[s];
				assert_int_equal(lt_transform_check(&tf, NULL), LT_OK);
				print_message("orientation %d, skew %+.0f, scale %.0f\n", tf.orientation,
					      tf.skew_deg, tf.scale);
				working = make_working(master, &tf);
				find_ink(working, &l, &t, &r, &b);
				lt_transform_box(&tf, l, t, r, b, &got);
				/* The centre lands on the rectangle's centre... */
				assert_true(fabs(got.x + got.w / 2.0 - (RECT_X + RECT_W / 2.0)) <= tol);
				assert_true(fabs(got.y + got.h / 2.0 - (RECT_Y + RECT_H / 2.0)) <= tol);
				/* ...and the box holds the rectangle, grown by no more than the skew explains. */
				assert_true(got.x <= RECT_X + tol && got.y <= RECT_Y + tol);
				assert_true(got.x + got.w >= RECT_X + RECT_W - tol);
				assert_true(got.y + got.h >= RECT_Y + RECT_H - tol);
				assert_true(got.w <= RECT_W + grow + 2 * tol);
				assert_true(got.h <= RECT_H + grow + 2 * tol);
				pixDestroy(&working);
			}
	pixDestroy(&master);
}

/* Exact figures for the quarter turns, worked by hand: a 10x20 box at (30, 40)
 * on a 200x100 master. */
static void test_quarter_turns_exact(void **state)
{
	static const struct {
		int orientation;
		int l, t, r, b; /* the box on the oriented image */
	} cases[] = {
		{ 0, 30, 40, 40, 60 },
		{ 90, 40, 30, 60, 40 },    /* (x, y) -> (H - y, x): x from 100-60, y from 30 */
		{ 180, 160, 40, 170, 60 }, /* (W - x, H - y) */
		{ 270, 40, 160, 60, 170 }, /* (y, W - x) */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lt_page_transform tf;
		struct lt_box got;

		lt_transform_identity(&tf, 200, 100);
		tf.orientation = cases[i].orientation;
		lt_transform_box(&tf, cases[i].l, cases[i].t, cases[i].r, cases[i].b, &got);
		assert_int_equal(got.x, 30);
		assert_int_equal(got.y, 40);
		assert_int_equal(got.w, 10);
		assert_int_equal(got.h, 20);
	}
}

static void test_box_outside_and_check(void **state)
{
	struct lt_page_transform tf;
	struct lt_box got;
	struct lt_err err = { 0 };

	(void)state;
	lt_transform_identity(&tf, 100, 100);
	lt_transform_box(&tf, 150, 150, 160, 170, &got);
	assert_int_equal(got.w, 0);
	assert_int_equal(got.h, 0);
	lt_transform_box(&tf, -5, -5, 10, 10, &got); /* clipped to the master */
	assert_int_equal(got.x, 0);
	assert_int_equal(got.w, 10);

	tf.orientation = 45;
	assert_int_equal(lt_transform_check(&tf, &err), LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "orientation 45"));
	tf.orientation = 0;
	tf.scale = 0;
	assert_int_equal(lt_transform_check(&tf, NULL), LT_EINTERNAL);
	tf.scale = 1;
	tf.skew_deg = 60;
	assert_int_equal(lt_transform_check(&tf, NULL), LT_EINTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rectangle_maps_back),
		cmocka_unit_test(test_quarter_turns_exact),
		cmocka_unit_test(test_box_outside_and_check),
	};

	setMsgSeverity(L_SEVERITY_NONE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
