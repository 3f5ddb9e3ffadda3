/* bitscan.c - the box bounding the ON pixels of a 1-bpp image, a word at a
 * time. Rows are 32-bit words, the leftmost pixel in the most
 * significant bit (Leptonica's layout). */
#include "luutru/bitscan.h"

/* The bits of a word that hold pixels from..to of it (0 = leftmost), inclusive. */
static l_uint32 bits_between(int from, int to)
{
	l_uint32 from_on = ~(l_uint32)0 >> from;
	l_uint32 through_to = to == 31 ? ~(l_uint32)0 : ~(~(l_uint32)0 >> (to + 1));

	return from_on & through_to;
}

int lt_foreground_box(PIX *pix, l_int32 x, l_int32 y, l_int32 w, l_int32 h, BOX **box)
{
	*box = NULL;
	if (!pix || pixGetDepth(pix) != 1 || x < 0 || y < 0 || w <= 0 || h <= 0 ||
	    w > pixGetWidth(pix) - x || h > pixGetHeight(pix) - y)
		return -1;
	const l_uint32 *data = pixGetData(pix);
	int wpl = pixGetWpl(pix);
	int first_word = x / 32, last_word = (x + w - 1) / 32;
	l_uint32 first_mask = bits_between(x % 32, 31);
	l_uint32 last_mask = bits_between(0, (x + w - 1) % 32);
	int top = -1, bottom = -1, left = x + w, right = -1;

	for (int row_y = y; row_y < y + h; row_y++) {
		const l_uint32 *row = data + (size_t)row_y * wpl;

		for (int i = first_word; i <= last_word; i++) {
			l_uint32 v = row[i];

			if (i == first_word)
				v &= first_mask;
			if (i == last_word)
				v &= last_mask;
			if (!v)
				continue;
			int leftmost = i * 32 + __builtin_clz(v);
			int rightmost = i * 32 + 31 - __builtin_ctz(v);

			if (top < 0)
				top = row_y;
			bottom = row_y;
			if (leftmost < left)
				left = leftmost;
			if (rightmost > right)
				right = rightmost;
		}
	}
	if (top < 0)
		return 0;
	*box = boxCreate(left, top, right - left + 1, bottom - top + 1);
	return *box ? 1 : -1;
}
