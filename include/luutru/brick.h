/* brick.h - binary opening and closing by a rectangle (a "brick"), in a
 * number of passes over the image that grows with the logarithm of the
 * brick's size.
 *
 * Leptonica's pixOpenBrick and pixCloseBrick shift and combine the whole
 * image once for every pixel of the brick's width and of its height. Tesseract
 * finds ruled lines on every page with bricks 75 pixels long at 300 dpi
 * (LineFinder::FindAndRemoveLines): some 400 passes over the page, 4-5% of
 * recognition. These functions give the same pixels as Leptonica's under its
 * default boundary condition (ASYMMETRIC_MORPH_BC: every pixel outside the
 * image is OFF), with a window that doubles at each pass: 14 passes to open by a
 * 75-pixel line, where Leptonica makes 150. tess_runtime.c puts them in place of Leptonica's for 1-bpp
 * images; test_brick compares both on random and drawn images.
 */
#ifndef LUUTRU_BRICK_H
#define LUUTRU_BRICK_H

#include <leptonica/allheaders.h>

/* The opening (erosion, then dilation) and the closing (dilation, then
 * erosion) of the 1-bpp image pixs by a brick hsize pixels wide and vsize
 * high, its origin at (hsize / 2, vsize / 2) as Leptonica's selCreateBrick
 * puts it. pixs is not changed.
 * Returns: a new pix with pixs's size and resolution (the caller frees it with
 * pixDestroy), or NULL when pixs is not 1 bpp, a size is below 1, or memory
 * ran out. */
PIX *lt_brick_open(PIX *pixs, l_int32 hsize, l_int32 vsize);
PIX *lt_brick_close(PIX *pixs, l_int32 hsize, l_int32 vsize);

#endif
