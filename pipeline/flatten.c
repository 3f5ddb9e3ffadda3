/* flatten.c - a page image with an alpha channel laid on white paper. */
#include "luutru/flatten.h"

int lt_flatten_alpha(PIX **pix)
{
	PIX *flat;

	if (!*pix || pixGetDepth(*pix) != 32 || pixGetSpp(*pix) != 4)
		return 0;
	/* Leptonica's blend over a uniform colour: 0xffffff00 is white. */
	flat = pixAlphaBlendUniform(*pix, 0xffffff00);
	if (!flat)
		return -1;
	pixCopyResolution(flat, *pix);
	pixDestroy(pix);
	*pix = flat;
	return 0;
}
