/* rotate.h - a grey page turned about its centre by area mapping: the same
 * pixels as Leptonica's pixRotateAMGray, in less time.
 *
 * Deskewing turns nearly every real scan (any skew of 0.1 degree or more),
 * and on a 300-dpi A4 page Leptonica's loop takes 50-90 ms, 3-5% of the
 * page's recognition: per pixel it converts and multiplies what changes
 * only from row to row or from column to column, and it weighs one pixel
 * at a time. Here those products are made once per row and once per
 * column, and eight pixels that come from eight neighbours in one source
 * row are weighed at once (SSE2; one at a time where the machine has no
 * SSE2): 2-2.5 times faster at deskew angles. The float operations are the
 * same ones in the same order and the integer sums are equal, so every
 * pixel comes out the same; test_rotate compares both on drawn images and
 * a real page.
 */
#ifndef LUUTRU_ROTATE_H
#define LUUTRU_ROTATE_H

#include <leptonica/allheaders.h>

/* pixs (8 bpp, no colormap) turned clockwise by angle radians about its
 * centre, with fill brought in from outside the image. As Leptonica does, an
 * angle under 0.001 radians returns a clone of pixs.
 * Returns a new pix the caller frees with pixDestroy, or NULL when pixs is
 * not 8-bpp grey or memory ran out. */
PIX *lt_rotate_grey(PIX *pixs, float angle, l_uint8 fill);

#endif
