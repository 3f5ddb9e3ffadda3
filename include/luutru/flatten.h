/* flatten.h - a page image with an alpha channel laid on white paper.
 *
 * A PNG or TIFF exported by software (a PDF turned into images, a page
 * cleaned in an editor) may carry transparency: the paper is transparent and
 * its colour values are usually black. Leptonica decodes such a page as 32-bpp
 * RGBA and every conversion to grey or to JPEG drops the alpha, so the page
 * comes out black: nothing to read, a black access copy, a black page in the
 * reading room. Any viewer shows the same file as text on white, so that is
 * what recognition and the access copies are made from. The master file in
 * the bundle keeps its bytes, transparency and all.
 */
#ifndef LUUTRU_FLATTEN_H
#define LUUTRU_FLATTEN_H

#include <leptonica/allheaders.h>

/* Replaces *pix (owned by the caller) by the page composited over white when
 * it carries an alpha channel (32 bpp with 4 samples per pixel); any other
 * page is left as it is. Returns 0, or -1 when memory ran out (*pix is then
 * unchanged and still the caller's). */
int lt_flatten_alpha(PIX **pix);

#endif
