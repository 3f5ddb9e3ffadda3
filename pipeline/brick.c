/* brick.c - binary opening and closing by a brick, in O(log size) passes.
 *
 * A brick is separable: eroding (dilating) by it is eroding (dilating) by a
 * horizontal line of its width, then by a vertical line of its height. And
 * eroding by a line of n pixels is an AND over a window of n pixels, which
 * doubles: AND the image with itself shifted by 1, the result with itself
 * shifted by 2, then 4, ... then once more by whatever is left, since two
 * windows that overlap cover their union. The same with OR for dilation.
 *
 * Leptonica's conventions, which the result must match pixel for pixel:
 *  - erosion: p is ON when every p + b is ON, b over the brick with its
 *    origin at (w/2, h/2); dilation: p is ON when some p - b is ON;
 *  - outside the image every pixel is OFF, for erosion too (its default
 *    ASYMMETRIC_MORPH_BC), and nothing is kept outside between the steps.
 * In the opening the origin makes no difference (it is the union of the
 * translates of the brick that fit inside the image's ON pixels), so it runs
 * with the origin at the corner: one window per direction, fewer passes. In
 * the closing the dilated image is cut at the image's edge before it is
 * eroded, so the origin matters, and the windows reach both ways from it.
 *
 * Rows are 32-bit words, the leftmost pixel in the most significant bit
 * (Leptonica's layout); bits past the width are kept OFF so that a shift
 * brings in OFF pixels from outside.
 */
#include <stdbool.h>
#include <string.h>

#include "luutru/brick.h"

struct plane {
	l_uint32 *data;
	int w, h, wpl, words; /* words: the words a row's pixels occupy */
	l_uint32 last_mask;   /* the pixels of a row's last word */
};

enum op { AND, OR };

/* Every pixel x of a row combined with pixel x + k (ahead) or x - k (behind),
 * in place: going the other way from the pixels read, each word reads words
 * not yet written. */
static void row_ahead(l_uint32 *row, int words, int k, enum op op)
{
	int q = k >> 5, s = k & 31;

	for (int i = 0; i < words; i++) {
		l_uint32 a = i + q < words ? row[i + q] : 0;
		l_uint32 b = i + q + 1 < words ? row[i + q + 1] : 0;
		l_uint32 shifted = s ? (a << s) | (b >> (32 - s)) : a;

		row[i] = op == AND ? row[i] & shifted : row[i] | shifted;
	}
}

static void row_behind(l_uint32 *row, int words, int k, enum op op)
{
	int q = k >> 5, s = k & 31;

	for (int i = words - 1; i >= 0; i--) {
		l_uint32 a = i - q >= 0 ? row[i - q] : 0;
		l_uint32 b = i - q - 1 >= 0 ? row[i - q - 1] : 0;
		l_uint32 shifted = s ? (a >> s) | (b << (32 - s)) : a;

		row[i] = op == AND ? row[i] & shifted : row[i] | shifted;
	}
}

static void shift_combine_h(const struct plane *p, int k, bool ahead, enum op op)
{
	for (int y = 0; y < p->h; y++) {
		l_uint32 *row = p->data + (size_t)y * p->wpl;

		if (ahead)
			row_ahead(row, p->words, k, op);
		else
			row_behind(row, p->words, k, op);
		row[p->words - 1] &= p->last_mask;
	}
}

/* Row y combined with row y + k (ahead) or y - k (behind); rows outside are OFF. */
static void shift_combine_v(const struct plane *p, int k, bool ahead, enum op op)
{
	for (int n = 0; n < p->h; n++) {
		int y = ahead ? n : p->h - 1 - n;
		int from = ahead ? y + k : y - k;
		l_uint32 *row = p->data + (size_t)y * p->wpl;

		if (from < 0 || from >= p->h) {
			if (op == AND)
				memset(row, 0, (size_t)p->words * sizeof *row);
			continue;
		}
		const l_uint32 *other = p->data + (size_t)from * p->wpl;
		if (op == AND)
			for (int i = 0; i < p->words; i++)
				row[i] &= other[i];
		else
			for (int i = 0; i < p->words; i++)
				row[i] |= other[i];
	}
}

/* Each pixel combined with the `span` pixels ahead of it (or behind it) along
 * one axis: a window of span + 1, doubled pass by pass. */
static void window(const struct plane *p, bool horizontal, int span, bool ahead, enum op op)
{
	int extent = horizontal ? p->w : p->h;
	int covered = 1; /* the window's length so far */

	/* A window reaching past the whole image reads as much of it as one
	 * reaching just past it (all pixels outside are OFF), and keeps the
	 * arithmetic below within int for any brick. */
	if (span > extent)
		span = extent;
	while (covered < span + 1) {
		int k = covered <= span + 1 - covered ? covered : span + 1 - covered;

		if (horizontal)
			shift_combine_h(p, k, ahead, op);
		else
			shift_combine_v(p, k, ahead, op);
		covered += k;
	}
}

/* Erosion and dilation by a line of `size` pixels, origin `origin` from its
 * start. Erosion reads pixels from -origin to size-1-origin away; dilation
 * the same pixels mirrored. */
static void erode(const struct plane *p, bool horizontal, int size, int origin)
{
	window(p, horizontal, size - 1 - origin, true, AND);
	window(p, horizontal, origin, false, AND);
}

static void dilate(const struct plane *p, bool horizontal, int size, int origin)
{
	window(p, horizontal, size - 1 - origin, false, OR);
	window(p, horizontal, origin, true, OR);
}

static PIX *working_copy(PIX *pixs, l_int32 hsize, l_int32 vsize, struct plane *p)
{
	if (!pixs || pixGetDepth(pixs) != 1 || hsize < 1 || vsize < 1)
		return NULL;
	PIX *pixd = pixCopy(NULL, pixs);
	if (!pixd)
		return NULL;
	p->data = pixGetData(pixd);
	p->w = pixGetWidth(pixd);
	p->h = pixGetHeight(pixd);
	p->wpl = pixGetWpl(pixd);
	p->words = (p->w + 31) / 32;
	p->last_mask = p->w % 32 ? ~(l_uint32)0 << (32 - p->w % 32) : ~(l_uint32)0;
	pixSetPadBits(pixd, 0);
	return pixd;
}

typedef void (*line_op)(const struct plane *p, bool horizontal, int size, int origin);

/* The opening erodes then dilates, the closing the other way round; the
 * opening's origin cancels out, so it takes the corner (fewer passes). */
static PIX *brick(PIX *pixs, l_int32 hsize, l_int32 vsize, bool open)
{
	struct plane p;
	PIX *pixd = working_copy(pixs, hsize, vsize, &p);
	line_op first = open ? erode : dilate, then = open ? dilate : erode;
	int ox = open ? 0 : hsize / 2, oy = open ? 0 : vsize / 2;

	if (!pixd)
		return NULL;
	first(&p, true, hsize, ox);
	first(&p, false, vsize, oy);
	then(&p, true, hsize, ox);
	then(&p, false, vsize, oy);
	return pixd;
}

PIX *lt_brick_open(PIX *pixs, l_int32 hsize, l_int32 vsize)
{
	return brick(pixs, hsize, vsize, true);
}

PIX *lt_brick_close(PIX *pixs, l_int32 hsize, l_int32 vsize)
{
	return brick(pixs, hsize, vsize, false);
}
