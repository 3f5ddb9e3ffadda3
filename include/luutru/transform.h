/* transform.h - how the working image given to Tesseract was made from the
 * master, and the way back: boxes found on the working image are reported in
 * the master's pixel space (ALTO, hOCR, highlights), since the master is what
 * the archive keeps.
 *
 * The working image is made from the master in this order:
 *   1. orient:  rotate the master by `orientation` degrees clockwise
 *               (0, 90, 180, 270; Leptonica pixRotateOrth(pix, orientation/90));
 *               the oriented image is master_w x master_h, or master_h x
 *               master_w for 90 and 270;
 *   2. deskew:  rotate the oriented image by `skew_deg` about its centre
 *               (w/2, h/2), size kept (pixRotate with width = height = 0);
 *               Leptonica's sign convention: a positive angle turns the image
 *               clockwise as seen on screen (x right, y down);
 *   3. crop:    the working image starts at (crop_x, crop_y) of the deskewed
 *               image, in oriented (unscaled) pixels; 0, 0 when borders are
 *               painted white instead of cut away;
 *   4. scale:   working = cropped x `scale` (2.0 for a 150-dpi page upscaled
 *               for recognition; 1.0 for none).
 *
 * Coordinates are continuous: pixel (x, y) covers [x, x+1) x [y, y+1), so a
 * box's edges, not its pixel centres, are mapped.
 */
#ifndef LUUTRU_TRANSFORM_H
#define LUUTRU_TRANSFORM_H

#include "luutru/err.h"

struct lt_page_transform {
	int master_w, master_h; /* size of the master image, pixels */
	int orientation;        /* 0, 90, 180 or 270: degrees clockwise applied to the master */
	double skew_deg;        /* degrees, positive = clockwise (pixRotate), about the oriented centre */
	int crop_x, crop_y;     /* offset of the working image in the deskewed image, oriented pixels */
	double scale;           /* working pixels per oriented pixel; > 0 */
};

/* An axis-aligned box in master pixels: x, y top left, w, h > 0 unless the
 * source box was empty. */
struct lt_box {
	int x, y, w, h;
};

/* The transform of a master that was fed to Tesseract as it is. */
void lt_transform_identity(struct lt_page_transform *tf, int master_w, int master_h);

/* LT_OK, or LT_EINTERNAL naming the bad field (orientation not a multiple of
 * 90, a non-positive size or scale, a skew beyond +-45 degrees, which would be
 * an orientation). */
int lt_transform_check(const struct lt_page_transform *tf, struct lt_err *err);

/* Size of the image after step 1 (orientation). */
void lt_transform_oriented_size(const struct lt_page_transform *tf, int *w, int *h);

/* Maps a point of the working image to the master. The result may lie
 * outside the master when the point does (a deskewed corner). */
void lt_transform_point(const struct lt_page_transform *tf, double wx, double wy, double *mx,
			double *my);

/* Maps the working-image box [left, right) x [top, bottom) to the master: the
 * bounding box of its four mapped corners (a skewed box grows by the skew),
 * rounded outward and clipped to the master. A box that falls wholly outside
 * the master comes back with w = h = 0. */
void lt_transform_box(const struct lt_page_transform *tf, int left, int top, int right, int bottom,
		      struct lt_box *out);

#endif
