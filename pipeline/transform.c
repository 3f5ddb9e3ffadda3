/* transform.c - working-image coordinates back to the master's.
 *
 * The inverse runs the steps of transform.h backwards: unscale, uncrop,
 * rotate by -skew about the oriented centre, then undo the quarter turns.
 */
#include <math.h>

#include "luutru/transform.h"

void lt_transform_identity(struct lt_page_transform *tf, int master_w, int master_h)
{
	*tf = (struct lt_page_transform){ .master_w = master_w, .master_h = master_h, .scale = 1.0 };
}

int lt_transform_check(const struct lt_page_transform *tf, struct lt_err *err)
{
	if (tf->master_w <= 0 || tf->master_h <= 0)
		return lt_err_set(err, LT_EINTERNAL, "page transform: master size %dx%d is not positive",
				  tf->master_w, tf->master_h);
	if (tf->orientation != 0 && tf->orientation != 90 && tf->orientation != 180 &&
	    tf->orientation != 270)
		return lt_err_set(err, LT_EINTERNAL, "page transform: orientation %d is not 0, 90, 180 or 270",
				  tf->orientation);
	if (!(tf->scale > 0) || !isfinite(tf->scale))
		return lt_err_set(err, LT_EINTERNAL, "page transform: scale %g is not positive", tf->scale);
	if (!(fabs(tf->skew_deg) <= 45.0))
		return lt_err_set(err, LT_EINTERNAL,
				  "page transform: skew %g degrees is beyond 45 (that is an orientation)",
				  tf->skew_deg);
	return LT_OK;
}

void lt_transform_oriented_size(const struct lt_page_transform *tf, int *w, int *h)
{
	int quarter = tf->orientation == 90 || tf->orientation == 270;

	*w = quarter ? tf->master_h : tf->master_w;
	*h = quarter ? tf->master_w : tf->master_h;
}

void lt_transform_point(const struct lt_page_transform *tf, double wx, double wy, double *mx,
			double *my)
{
	int ow, oh;
	double s = tf->scale > 0 ? tf->scale : 1.0;
	double x = wx / s + tf->crop_x, y = wy / s + tf->crop_y;

	lt_transform_oriented_size(tf, &ow, &oh);
	if (tf->skew_deg != 0.0) {
		/* Forward, a clockwise turn by a (y down) is
		 * x' = x cos a - y sin a, y' = x sin a + y cos a about the centre;
		 * the inverse turns by -a. */
		double a = -tf->skew_deg * M_PI / 180.0, cx = ow / 2.0, cy = oh / 2.0;
		double dx = x - cx, dy = y - cy;

		x = cx + dx * cos(a) - dy * sin(a);
		y = cy + dx * sin(a) + dy * cos(a);
	}
	/* Undo the quarter turns. Clockwise by 90, master (x, y) went to
	 * (H - y, x); by 180 to (W - x, H - y); by 270 to (y, W - x). */
	switch (tf->orientation) {
	case 90:
		*mx = y;
		*my = tf->master_h - x;
		break;
	case 180:
		*mx = tf->master_w - x;
		*my = tf->master_h - y;
		break;
	case 270:
		*mx = tf->master_w - y;
		*my = x;
		break;
	default:
		*mx = x;
		*my = y;
	}
}

void lt_transform_box(const struct lt_page_transform *tf, int left, int top, int right, int bottom,
		      struct lt_box *out)
{
	const double cx[4] = { left, right, right, left }, cy[4] = { top, top, bottom, bottom };
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;

	for (int i = 0; i < 4; i++) {
		double mx, my;

		lt_transform_point(tf, cx[i], cy[i], &mx, &my);
		x0 = fmin(x0, mx);
		y0 = fmin(y0, my);
		x1 = fmax(x1, mx);
		y1 = fmax(y1, my);
	}
	/* Outward rounding keeps every inked pixel inside the box; a small
	 * epsilon stops 10.0000001 from becoming 11. */
	x0 = fmax(floor(x0 + 1e-6), 0);
	y0 = fmax(floor(y0 + 1e-6), 0);
	x1 = fmin(ceil(x1 - 1e-6), tf->master_w);
	y1 = fmin(ceil(y1 - 1e-6), tf->master_h);
	if (x1 <= x0 || y1 <= y0) {
		*out = (struct lt_box){ (int)fmin(x0, tf->master_w), (int)fmin(y0, tf->master_h), 0, 0 };
		return;
	}
	*out = (struct lt_box){ (int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0) };
}
