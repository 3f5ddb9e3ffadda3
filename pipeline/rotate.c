/* rotate.c - see rotate.h. */
#include "luutru/rotate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Leptonica's MinAngleToRotate (rotate.c, rotateam.c). */
#define SMALLEST_TURN 0.001f

/* Leptonica's area weighting of the source pixel p (row stride bytes) and
 * its right, lower and lower right neighbours by sixteenths xf, yf:
 *   ((16-xf)(16-yf)p00 + xf(16-yf)p10 + (16-xf)yf p01 + xf yf p11 + 128) / 256
 * factored, which leaves every sum the same. */
static inline uint8_t weigh(const uint8_t *p, size_t stride, int xf, int yf)
{
	int top = p[0] * 16 + (p[1] - p[0]) * xf;
	int bottom = p[stride] * 16 + (p[stride + 1] - p[stride]) * xf;

	return (uint8_t)((top * 16 + (bottom - top) * yf + 128) >> 8);
}

/* The turned pixel whose source is at xm, ym (sixteenths of a pixel from
 * the centre xcen, ycen): fill where a neighbour would be outside. */
static inline uint8_t turned_pixel(const uint8_t *src, size_t stride, l_int32 w, l_int32 h,
				   l_int32 xcen, l_int32 ycen, l_int32 xm, l_int32 ym, uint8_t fill)
{
	l_int32 x = xcen + (xm >> 4), y = ycen + (ym >> 4);

	if (x < 0 || y < 0 || x > w - 2 || y > h - 2)
		return fill;
	return weigh(src + (size_t)y * stride + x, stride, xm & 0x0f, ym & 0x0f);
}

/* One row of the turned image from the source positions xpm, ypm (in
 * sixteenths of a pixel, about the centre xcen, ycen). */
static void weigh_row(uint8_t *out, const uint8_t *src, size_t stride, l_int32 w, l_int32 h,
		      const l_int32 *xpm, const l_int32 *ypm, l_int32 xcen, l_int32 ycen,
		      uint8_t fill)
{
	l_int32 j = 0;

#if defined(__SSE2__)
	/* Eight pixels at once where they come from eight neighbours in one
	 * source row, as they mostly do for a deskew's small angle: then the
	 * four neighbours of each are four runs of contiguous bytes. */
	const __m128i zero = _mm_setzero_si128(), sixteen = _mm_set1_epi16(16),
		      half = _mm_set1_epi16(128), nibble = _mm_set1_epi32(0x0f),
		      steps_lo = _mm_setr_epi32(0, 1, 2, 3), steps_hi = _mm_setr_epi32(4, 5, 6, 7);

	for (; j + 8 <= w; j += 8) {
		__m128i x_lo = _mm_loadu_si128((const __m128i *)(xpm + j));
		__m128i x_hi = _mm_loadu_si128((const __m128i *)(xpm + j + 4));
		__m128i y_lo = _mm_loadu_si128((const __m128i *)(ypm + j));
		__m128i y_hi = _mm_loadu_si128((const __m128i *)(ypm + j + 4));
		l_int32 xp = xcen + (xpm[j] >> 4), yp = ycen + (ypm[j] >> 4);
		__m128i x0 = _mm_set1_epi32(xpm[j] >> 4), y0 = _mm_set1_epi32(ypm[j] >> 4);
		__m128i in_step = _mm_and_si128(
			_mm_cmpeq_epi32(_mm_srai_epi32(x_lo, 4), _mm_add_epi32(x0, steps_lo)),
			_mm_cmpeq_epi32(_mm_srai_epi32(x_hi, 4), _mm_add_epi32(x0, steps_hi)));
		__m128i one_row = _mm_and_si128(_mm_cmpeq_epi32(_mm_srai_epi32(y_lo, 4), y0),
						_mm_cmpeq_epi32(_mm_srai_epi32(y_hi, 4), y0));
		__m128i xf, yf, p00, p10, p01, p11, top, bottom, v;
		const uint8_t *p;

		/* The last of the eight reads its right neighbour: xp + 8 < w. */
		if (_mm_movemask_epi8(_mm_and_si128(in_step, one_row)) != 0xffff || xp < 0 ||
		    yp < 0 || xp + 8 > w - 1 || yp > h - 2) {
			for (l_int32 k = j; k < j + 8; k++)
				out[k] = turned_pixel(src, stride, w, h, xcen, ycen, xpm[k], ypm[k],
						      fill);
			continue;
		}
		p = src + (size_t)yp * stride + xp;
		xf = _mm_packs_epi32(_mm_and_si128(x_lo, nibble), _mm_and_si128(x_hi, nibble));
		yf = _mm_packs_epi32(_mm_and_si128(y_lo, nibble), _mm_and_si128(y_hi, nibble));
		p00 = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)p), zero);
		p10 = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(p + 1)), zero);
		p01 = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(p + stride)), zero);
		p11 = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(p + stride + 1)), zero);
		/* In 16 bits: a row at most 16 x 255, the whole at most 256 x 255
		 * + 128, all of them non-negative. */
		top = _mm_add_epi16(_mm_mullo_epi16(_mm_sub_epi16(sixteen, xf), p00),
				    _mm_mullo_epi16(xf, p10));
		bottom = _mm_add_epi16(_mm_mullo_epi16(_mm_sub_epi16(sixteen, xf), p01),
				       _mm_mullo_epi16(xf, p11));
		v = _mm_add_epi16(_mm_add_epi16(_mm_mullo_epi16(_mm_sub_epi16(sixteen, yf), top),
						_mm_mullo_epi16(yf, bottom)),
				  half);
		v = _mm_srli_epi16(v, 8);
		_mm_storel_epi64((__m128i *)(out + j), _mm_packus_epi16(v, zero));
	}
#endif
	for (; j < w; j++)
		out[j] = turned_pixel(src, stride, w, h, xcen, ycen, xpm[j], ypm[j], fill);
}

PIX *lt_rotate_grey(PIX *pixs, float angle, l_uint8 fill)
{
	l_int32 w, h, xcen, ycen;
	size_t src_stride, dst_stride;
	const uint8_t *src;
	uint8_t *dst;
	float sina, cosa, *across = NULL, *down = NULL;
	l_int32 *xpm = NULL, *ypm = NULL;
	PIX *pixd = NULL, *plain = NULL;

	if (!pixs || pixGetDepth(pixs) != 8 || pixGetColormap(pixs))
		return NULL;
	if (fabsf(angle) < SMALLEST_TURN)
		return pixClone(pixs);
	pixGetDimensions(pixs, &w, &h, NULL);
	/* Leptonica keeps the bytes of each 32-bit word in the machine's
	 * order; in memory order, neighbours are neighbours. */
	plain = pixEndianByteSwapNew(pixs);
	/* Every pixel is written below; only the padding is cleared. */
	pixd = pixCreateTemplateNoInit(pixs);
	across = malloc(sizeof(*across) * (size_t)w);
	down = malloc(sizeof(*down) * (size_t)w);
	xpm = malloc(sizeof(*xpm) * (size_t)w);
	ypm = malloc(sizeof(*ypm) * (size_t)w);
	if (!plain || !pixd || !across || !down || !xpm || !ypm) {
		pixDestroy(&pixd);
		goto out;
	}
	src = (const uint8_t *)pixGetData(plain);
	src_stride = (size_t)pixGetWpl(plain) * 4;
	dst = (uint8_t *)pixGetData(pixd);
	dst_stride = (size_t)pixGetWpl(pixd) * 4;
	xcen = w / 2;
	ycen = h / 2;
	/* As Leptonica rounds them: sixteenths of a pixel, in float. */
	sina = (float)(16. * sin(angle));
	cosa = (float)(16. * cos(angle));
	/* Leptonica's source position of (j, i) is
	 *   xpm = (int)((float)(j - xcen) * cosa - (float)(ycen - i) * sina)
	 *   ypm = (int)((float)(i - ycen) * cosa + (float)(xcen - j) * sina)
	 * each product rounded to float, then the sum: the same products here,
	 * made once per column and once per row. */
	for (l_int32 j = 0; j < w; j++) {
		across[j] = (float)(j - xcen) * cosa;
		down[j] = (float)(xcen - j) * sina;
	}
	for (l_int32 i = 0; i < h; i++) {
		l_int32 ydif = ycen - i, j = 0;
		float row_x = (float)ydif * sina, row_y = (float)(-ydif) * cosa;

#if defined(__SSE2__)
		const __m128 vx = _mm_set1_ps(row_x), vy = _mm_set1_ps(row_y);

		for (; j + 4 <= w; j += 4) {
			__m128 x = _mm_sub_ps(_mm_loadu_ps(across + j), vx);
			__m128 y = _mm_add_ps(vy, _mm_loadu_ps(down + j));

			_mm_storeu_si128((__m128i *)(xpm + j), _mm_cvttps_epi32(x));
			_mm_storeu_si128((__m128i *)(ypm + j), _mm_cvttps_epi32(y));
		}
#endif
		for (; j < w; j++) {
			xpm[j] = (l_int32)(across[j] - row_x);
			ypm[j] = (l_int32)(row_y + down[j]);
		}
		weigh_row(dst + (size_t)i * dst_stride, src, src_stride, w, h, xpm, ypm, xcen, ycen,
			  fill);
	}
	/* Back to Leptonica's order (a no-op on a big-endian machine), with
	 * the padding past the width cleared as Leptonica's own image has it. */
	pixEndianByteSwap(pixd);
	pixSetPadBits(pixd, 0);
out:
	pixDestroy(&plain);
	free(across);
	free(down);
	free(xpm);
	free(ypm);
	return pixd;
}
