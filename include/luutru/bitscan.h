/* bitscan.h - the box that bounds the ON pixels of a 1-bpp image inside a
 * given box: the same answer as Leptonica's pixClipBoxToForeground, with
 * less work per call.
 *
 * Tesseract's page layout asks it once per blob, thousands of times a page
 * (TextlineProjection::ProjectBlobs); Leptonica reads the box's pixels one
 * at a time, column by column, in four scans that each allocate a box: 1.2%
 * of recognition. Here it is one pass over the box's rows, word by word.
 * tess_runtime.c puts it in Leptonica's place while a thread recognises;
 * test_bitscan compares both on random images and boxes.
 */
#ifndef LUUTRU_BITSCAN_H
#define LUUTRU_BITSCAN_H

#include <leptonica/allheaders.h>

/* The smallest box holding every ON pixel of the 1-bpp image pix inside the
 * box at (x, y), w x h, which must lie inside pix with w, h > 0.
 * Returns: 1 with *box set (a new box; the caller frees it with
 * boxDestroy), 0 with *box NULL when no pixel in the box is ON, -1 with
 * *box NULL when pix is not 1 bpp, the box is not inside it, or memory ran
 * out. */
int lt_foreground_box(PIX *pix, l_int32 x, l_int32 y, l_int32 w, l_int32 h, BOX **box);

#endif
