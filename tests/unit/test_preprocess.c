/* test_preprocess.c - preprocessing on pages of the shared corpus, turned and
 * skewed here by known amounts: skews found, the four orientations found,
 * borders painted away without the text, dust without the marks, boxes
 * mapped back onto the master,
 * and a two-column page read column by column by Tesseract (vie).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>

#include "luutru/preprocess.h"

/* The shared development corpus (../shared beside the repository, or
 * $SHARED): real rendered pages, turned and skewed here by known amounts. */
/* A box of the working image onto the master, as the ALTO writer maps it. */
static void map_back(const struct lt_preprocess_result *res, const int in[4], int out[4])
{
	struct lt_page_transform tf;
	struct lt_box box;

	lt_preprocess_transform(res, &tf);
	lt_transform_box(&tf, in[0], in[1], in[2], in[3], &box);
	out[0] = box.x;
	out[1] = box.y;
	out[2] = box.x + box.w;
	out[3] = box.y + box.h;
}

static void corpus_path(const char *name, char *out, size_t size)
{
	const char *shared = getenv("SHARED");

	snprintf(out, size, "%s/corpus/dev/%s", shared && *shared ? shared : "../shared", name);
}

static PIX *read_corpus(const char *name)
{
	char path[1024];
	PIX *pix;

	corpus_path(name, path, sizeof(path));
	pix = pixRead(path);
	if (!pix)
		fail_msg("cannot read %s (the shared corpus, ../shared or $SHARED)", path);
	return pix;
}

/* An upright straight Vietnamese administrative page (A4, 300 ppi) with a
 * 60 px black square at (x, y) to follow through the transforms. */
static PIX *make_page(int x, int y)
{
	PIX *page = read_corpus("clean-tpl-0001.png"), *grey = pixConvertTo8(page, 0);

	pixDestroy(&page);
	assert_non_null(grey);
	pixRasterop(grey, x, y, 60, 60, PIX_CLR, NULL, 0, 0);
	pixSetResolution(grey, 300, 300);
	return grey;
}

/* The largest dark connected component's box (left, top, right, bottom). */
static void find_square(PIX *pix, int box[4])
{
	PIX *bin = pixGetDepth(pix) == 1 ? pixClone(pix) : pixThresholdToBinary(pix, 128);
	PIX *solid = pixOpenBrick(NULL, bin, 30, 30);
	BOXA *boxa = pixConnComp(solid, NULL, 8);
	l_int32 best = -1, best_area = 0;

	assert_non_null(boxa);
	for (int i = 0; i < boxaGetCount(boxa); i++) {
		l_int32 x, y, w, h;

		boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h);
		if (w * h > best_area) {
			best_area = w * h;
			best = i;
			box[0] = x;
			box[1] = y;
			box[2] = x + w;
			box[3] = y + h;
		}
	}
	assert_true(best >= 0);
	boxaDestroy(&boxa);
	pixDestroy(&solid);
	pixDestroy(&bin);
}

static void assert_box_near(const int a[4], const int b[4], int tol)
{
	for (int i = 0; i < 4; i++)
		if (abs(a[i] - b[i]) > tol)
			fail_msg("box %d,%d,%d,%d is not within %d px of %d,%d,%d,%d", a[0], a[1], a[2], a[3],
				 tol, b[0], b[1], b[2], b[3]);
}

static void test_skew_found(void **state)
{
	static const float angles[] = { -6.0f, 2.3f, 0.0f };
	PIX *page = make_page(1500, 2600);

	(void)state;
	for (size_t i = 0; i < sizeof(angles) / sizeof(*angles); i++) {
		struct lt_preprocess_result res;
		struct lt_err err;
		PIX *master = pixRotate(page, angles[i] * (float)(M_PI / 180), L_ROTATE_AREA_MAP,
					L_BRING_IN_WHITE, 0, 0);
		PIX *work = NULL;
		int sq[4], back[4], want[4];

		assert_int_equal(lt_preprocess_page(master, NULL, &work, &res, &err), LT_OK);
		/* The finder reports the correction: the opposite of the skew. */
		if (fabsf(res.skew_found_deg + angles[i]) > 0.3f)
			fail_msg("skew %.2f found as %.2f (conf %.2f)", angles[i], -res.skew_found_deg,
				 res.skew_conf);
		assert_int_equal(res.orientation, 0);
		assert_int_equal(!!(res.steps & LT_PP_DESKEW), angles[i] != 0.0f);
		/* The square, found in the working copy, maps back to where it is
		 * in the (skewed) master. */
		find_square(work, sq);
		map_back(&res, sq, back);
		find_square(master, want);
		assert_box_near(back, want, 8);
		pixDestroy(&work);
		pixDestroy(&master);
	}
	pixDestroy(&page);
}

static void test_orientations_found(void **state)
{
	PIX *page = make_page(1500, 2600);

	(void)state;
	for (int q = 0; q < 4; q++) {
		/* The master is the page turned q quarter-turns clockwise. */
		PIX *master = pixRotateOrth(page, q), *work = NULL;
		struct lt_preprocess_result res;
		struct lt_err err;
		int sq[4], back[4], want[4];

		assert_int_equal(lt_preprocess_page(master, NULL, &work, &res, &err), LT_OK);
		if (res.orientation != ((4 - q) % 4) * 90 || res.orientation_unsure)
			fail_msg("page turned %d cw: orientation %d (unsure %d, up %.1f left %.1f)", q * 90,
				 res.orientation, res.orientation_unsure, res.orient_upconf, res.orient_leftconf);
		assert_int_equal(pixGetWidth(work), pixGetWidth(page));
		assert_int_equal(pixGetHeight(work), pixGetHeight(page));
		find_square(work, sq);
		assert_box_near(sq, (int[]){ 1500, 2600, 1560, 2660 }, 4);
		map_back(&res, sq, back);
		find_square(master, want);
		assert_box_near(back, want, 4);
		pixDestroy(&work);
		pixDestroy(&master);
	}
	pixDestroy(&page);
}

/* Where Leptonica is unsure (forced here), Tesseract's OSD decides, from a
 * handle of its own: the page comes out upright and mapped as before. */
/* Real scans Leptonica's detector alone left unsure (a weak up signal, a
 * left/right one half as strong): their horizontal text lines rule out a
 * quarter turn, so they are upright without OSD. A page read sideways keeps
 * asking for it, and switching the check off brings the old answer back. */
static void test_cheap_upright_check(void **state)
{
	static const char *const upright[] = {
		"../shared/corpus/dev/bitonal-text-0001.tif",
		"../shared/corpus/dev/multipage-tpl-0001.tif",
		"samples/inbox/cong-van-12/page-02.png",
	};
	struct lt_preprocess_opts opts;
	struct lt_preprocess_result res;
	PIX *pix, *work = NULL;

	(void)state;
	lt_preprocess_opts_default(&opts);
	for (size_t i = 0; i < sizeof(upright) / sizeof(upright[0]); i++) {
		pix = pixRead(upright[i]);
		assert_non_null(pix);
		assert_int_equal(lt_preprocess_page(pix, &opts, &work, &res, NULL), LT_OK);
		assert_false(res.orientation_unsure);
		assert_int_equal(res.orientation, 0);
		assert_true(res.orientation_seconds > 0 && res.skew_seconds > 0);
		pixDestroy(&work);
		opts.orient_lines_conf = 0;
		assert_int_equal(lt_preprocess_page(pix, &opts, &work, &res, NULL), LT_OK);
		assert_true(res.orientation_unsure);
		opts.orient_lines_conf = 8.0f;
		pixDestroy(&work);
		pixDestroy(&pix);
	}
	/* Sideways, it is not taken for upright: turned (its letters, 11 px on
	 * the analysis copy, are measured again at twice the scale) or left
	 * to OSD. */
	pix = pixRead("samples/hard/inbox/sideways-vi.tif");
	assert_non_null(pix);
	assert_int_equal(lt_preprocess_page(pix, &opts, &work, &res, NULL), LT_OK);
	assert_true(res.orientation == 90 || res.orientation_unsure);
	pixDestroy(&work);
	pixDestroy(&pix);
}

/* Small type at 150 dpi (9 pt, letters 9 px): Leptonica's finder alone
 * turned the upright page over and left the upside-down one as it was. At
 * twice the scale it measures them the other way; the two scales disagree,
 * so neither page is turned by it, and OSD puts each the right way up.
 * Normal type is measured once. */
static void test_small_type_orientation(void **state)
{
	static const struct {
		const char *path;
		int orientation;
	} pages[] = {
		{ "samples/hard/inbox/small-vi.tif", 0 },
		{ "samples/hard/inbox/small-upside-down-vi.tif", 180 },
	};
	TessBaseAPI *osd = TessBaseAPICreate();
	struct lt_preprocess_result res;
	PIX *pix, *work = NULL;

	(void)state;
	assert_int_equal(TessBaseAPIInit3(osd, NULL, "osd"), 0);
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		pix = pixRead(pages[i].path);
		assert_non_null(pix);
		assert_int_equal(lt_preprocess_page(pix, NULL, &work, &res, NULL), LT_OK);
		if (!res.orient_doubled || res.letter_px >= 12 || res.orientation != 0 || !res.orientation_unsure)
			fail_msg("%s: letters %d px, doubled %d, orientation %d, unsure %d (up %.1f)", pages[i].path,
				 res.letter_px, res.orient_doubled, res.orientation, res.orientation_unsure,
				 res.orient_upconf);
		assert_int_equal(lt_preprocess_osd(osd, NULL, &work, &res, NULL), LT_OK);
		assert_true(res.orientation_by_osd);
		assert_int_equal(res.orientation, pages[i].orientation);
		pixDestroy(&work);
		pixDestroy(&pix);
	}
	pix = pixRead("samples/inbox/chi-thi-05-CT-TW.tif");
	assert_non_null(pix);
	assert_int_equal(lt_preprocess_page(pix, NULL, &work, &res, NULL), LT_OK);
	assert_true(res.letter_px >= 12);
	assert_false(res.orient_doubled);
	assert_int_equal(res.orientation, 0);
	pixDestroy(&work);
	pixDestroy(&pix);
	TessBaseAPIEnd(osd);
	TessBaseAPIDelete(osd);
}

static void test_osd_second_opinion(void **state)
{
	PIX *page = make_page(1500, 2600), *master = pixRotateOrth(page, 1), *work = NULL;
	TessBaseAPI *osd = TessBaseAPICreate();
	struct lt_preprocess_opts opts;
	struct lt_preprocess_result res;
	struct lt_err err;
	int sq[4], back[4], want[4];

	(void)state;
	lt_preprocess_opts_default(&opts);
	opts.orient_turn_conf = 1000;
	assert_int_equal(lt_preprocess_page(master, &opts, &work, &res, &err), LT_OK);
	assert_true(res.orientation_unsure);
	assert_int_equal(res.orientation, 0);
	assert_int_equal(TessBaseAPIInit3(osd, NULL, "osd"), 0);
	assert_int_equal(lt_preprocess_osd(osd, &opts, &work, &res, &err), LT_OK);
	assert_true(res.orientation_by_osd);
	assert_false(res.orientation_unsure);
	assert_int_equal(res.orientation, 270);
	assert_int_equal(pixGetWidth(work), pixGetWidth(page));
	find_square(work, sq);
	assert_box_near(sq, (int[]){ 1500, 2600, 1560, 2660 }, 4);
	map_back(&res, sq, back);
	find_square(master, want);
	assert_box_near(back, want, 4);
	TessBaseAPIEnd(osd);
	TessBaseAPIDelete(osd);
	pixDestroy(&work);
	pixDestroy(&master);
	pixDestroy(&page);
}

static l_int32 dark_pixels(PIX *pix, int x, int y, int w, int h)
{
	BOX *box = boxCreate(x, y, w, h);
	PIX *part = pixClipRectangle(pix, box, NULL);
	PIX *bin = pixThresholdToBinary(part, 128);
	l_int32 n = 0;

	pixCountPixels(bin, &n, NULL);
	pixDestroy(&bin);
	pixDestroy(&part);
	boxDestroy(&box);
	return n;
}

static void test_border_removed_text_kept(void **state)
{
	PIX *page = make_page(1500, 2600), *master = pixCopy(NULL, page), *work = NULL;
	struct lt_preprocess_opts opts;
	struct lt_preprocess_result res;
	struct lt_err err;
	l_int32 text_before, text_after;

	(void)state;
	/* Dark bands on the left and top, a dark corner, as a scanner lid leaves them. */
	pixRasterop(master, 0, 0, 70, 3508, PIX_CLR, NULL, 0, 0);
	pixRasterop(master, 0, 0, 2480, 45, PIX_CLR, NULL, 0, 0);
	pixRasterop(master, 2300, 3350, 180, 158, PIX_CLR, NULL, 0, 0);
	lt_preprocess_opts_default(&opts);
	opts.deskew = opts.orient = 0;
	assert_int_equal(lt_preprocess_page(master, &opts, &work, &res, &err), LT_OK);
	assert_true(res.steps & LT_PP_BORDER);
	assert_int_equal(dark_pixels(work, 0, 0, 70, 3508), 0);
	assert_int_equal(dark_pixels(work, 0, 0, 2480, 45), 0);
	assert_int_equal(dark_pixels(work, 2300, 3350, 180, 158), 0);
	/* The text (and the square) inside is untouched. */
	text_before = dark_pixels(page, 100, 100, 2280, 3200);
	text_after = dark_pixels(work, 100, 100, 2280, 3200);
	assert_true(text_before > 100000);
	if (labs((long)text_after - text_before) > text_before / 100)
		fail_msg("text pixels %d before, %d after border removal", text_before, text_after);
	/* Without the step, the border stays. */
	pixDestroy(&work);
	opts.border = 0;
	assert_int_equal(lt_preprocess_page(master, &opts, &work, &res, &err), LT_OK);
	assert_false(res.steps & LT_PP_BORDER);
	assert_true(dark_pixels(work, 0, 0, 70, 3508) > 70 * 3000);
	pixDestroy(&work);
	pixDestroy(&master);
	pixDestroy(&page);
}

/* grey (8 bpp) with dust: n specks of 1 to max_px pixels square, dark,
 * anywhere (on the text too), from a fixed sequence. Returns the pixels
 * the specks added to the ink (at 128). */
static l_int32 add_dust(PIX *grey, int n, int max_px)
{
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	int w = pixGetWidth(grey), h = pixGetHeight(grey);
	l_int32 before = 0, after = 0;
	PIX *bin = pixThresholdToBinary(grey, 128);

	pixCountPixels(bin, &before, NULL);
	pixDestroy(&bin);
	for (int i = 0; i < n; i++) {
		int x, y, size;
		l_uint32 v;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		x = (int)((seed >> 33) % (unsigned)(w - 3));
		y = (int)((seed >> 13) % (unsigned)(h - 3));
		size = 1 + (int)((seed >> 5) % (unsigned)max_px);
		v = (l_uint32)((seed >> 50) % 60);
		for (int dy = 0; dy < size; dy++)
			for (int dx = 0; dx < size; dx++)
				pixSetPixel(grey, x + dx, y + dy, v);
	}
	bin = pixThresholdToBinary(grey, 128);
	pixCountPixels(bin, &after, NULL);
	pixDestroy(&bin);
	return after - before;
}

/* Ink (at 128) in a but not in b. */
static l_int32 ink_only_in(PIX *a, PIX *b)
{
	PIX *ba = pixThresholdToBinary(a, 128), *bb = pixThresholdToBinary(b, 128);
	l_int32 n = -1;

	if (ba && bb && pixSubtract(ba, ba, bb))
		pixCountPixels(ba, &n, NULL);
	pixDestroy(&ba);
	pixDestroy(&bb);
	return n;
}

/* Dust specks far smaller than the type are painted out where there are
 * many; not one pixel of the text goes with them - the dots of i and of
 * nang, the marks, the full stops - on 13-pt type at 300 dpi (specks of
 * up to 3 px) and 9-pt type at 150 dpi (dots of 2 px; specks of 1 px). A
 * clean page is left alone, and so is a dusty one with the step off. */
static void test_dust_removed_marks_kept(void **state)
{
	static const struct {
		const char *path;
		int corpus, specks, max_px;
	} pages[] = {
		{ "clean-text-0001.png", 1, 9000, 3 },
		{ "samples/hard/inbox/small-vi.tif", 0, 4000, 1 },
	};
	struct lt_preprocess_opts opts;
	struct lt_preprocess_result res;
	struct lt_err err;

	(void)state;
	lt_preprocess_opts_default(&opts);
	opts.deskew = opts.orient = opts.border = 0; /* the same geometry for both */
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		PIX *master = pages[i].corpus ? read_corpus(pages[i].path) : pixRead(pages[i].path);
		PIX *clean = pixConvertTo8(master, 0), *dusty = pixCopy(NULL, clean);
		PIX *clean_work = NULL, *dusty_work = NULL, *kept_work = NULL;
		l_int32 dust, left, lost;

		assert_non_null(clean);
		pixCopyResolution(clean, master);
		pixCopyResolution(dusty, master);
		dust = add_dust(dusty, pages[i].specks, pages[i].max_px);
		assert_int_equal(lt_preprocess_page(clean, &opts, &clean_work, &res, &err), LT_OK);
		assert_false(res.steps & LT_PP_DESPECKLE);
		assert_int_equal(lt_preprocess_page(dusty, &opts, &dusty_work, &res, &err), LT_OK);
		if (!(res.steps & LT_PP_DESPECKLE) || res.specks_removed < pages[i].specks / 2)
			fail_msg("%s: %d specks removed of %d", pages[i].path, res.specks_removed,
				 pages[i].specks);
		lost = ink_only_in(clean_work, dusty_work);
		left = ink_only_in(dusty_work, clean_work);
		if (lost != 0 || left > dust / 4)
			fail_msg("%s: %d pixels of text lost, %d of %d pixels of dust left", pages[i].path,
				 lost, left, dust);
		opts.despeckle = 0;
		assert_int_equal(lt_preprocess_page(dusty, &opts, &kept_work, &res, &err), LT_OK);
		opts.despeckle = 1;
		assert_false(res.steps & LT_PP_DESPECKLE);
		assert_true(ink_only_in(kept_work, clean_work) > dust * 9 / 10);
		pixDestroy(&clean_work);
		pixDestroy(&dusty_work);
		pixDestroy(&kept_work);
		pixDestroy(&clean);
		pixDestroy(&dusty);
		pixDestroy(&master);
	}
}

/* What preprocessing does to pix with opts (it must succeed): its steps. */
static unsigned steps_of(PIX *pix, const struct lt_preprocess_opts *opts)
{
	struct lt_preprocess_result res;
	struct lt_err err;
	PIX *work = NULL;

	assert_int_equal(lt_preprocess_page(pix, opts, &work, &res, &err), LT_OK);
	pixDestroy(&work);
	return res.steps;
}

/* *pix with Gaussian noise of this sigma added; 1 on success. */
static int replace_noisy(PIX **pix, float sigma)
{
	PIX *noisy = pixAddGaussianNoise(*pix, sigma);

	if (!noisy)
		return 0;
	pixDestroy(pix);
	*pix = noisy;
	return 1;
}

/* A negative (light text on dark) is turned positive before anything else,
 * the master untouched; pages that are dark only around their paper, and a
 * blank page whose noise Otsu also splits, are not. */
static void test_negative_turned_positive(void **state)
{
	PIX *page = make_page(1500, 2600), *master = pixInvert(NULL, page), *copy = pixCopy(NULL, master);
	PIX *work = NULL, *lid, *sheet, *blank;
	struct lt_preprocess_opts opts;
	struct lt_preprocess_result res;
	struct lt_err err;
	l_int32 same = 0, text_before, text_after;
	int sq[4], want[4];
	unsigned steps;
	char text[128];

	(void)state;
	lt_preprocess_opts_default(&opts);
	opts.deskew = opts.orient = 0;
	assert_int_equal(lt_preprocess_page(master, &opts, &work, &res, &err), LT_OK);
	assert_true(res.steps & LT_PP_INVERT);
	assert_false(res.steps & LT_PP_BORDER);
	text_before = dark_pixels(page, 100, 100, 2280, 3200);
	text_after = dark_pixels(work, 100, 100, 2280, 3200);
	if (labs((long)text_after - text_before) > text_before / 100)
		fail_msg("text pixels %d on the page, %d on the negative turned positive", text_before,
			 text_after);
	find_square(work, sq);
	find_square(page, want);
	assert_box_near(sq, want, 1);
	pixEqual(master, copy, &same);
	assert_true(same);
	assert_non_null(strstr(lt_preprocess_describe(&res, text, sizeof(text)), "invert (negative)"));
	pixDestroy(&work);
	/* Switched off, the negative goes to Tesseract as it is. */
	opts.invert = 0;
	assert_false(steps_of(master, &opts) & LT_PP_INVERT);

	/* Paper pages: upright, a small sheet on a black lid (three fifths of
	 * the page's size, in its middle), blank paper with noise. */
	opts.invert = 1;
	assert_false(steps_of(page, &opts) & LT_PP_INVERT);
	lid = pixCreateTemplate(page);
	pixSetAllArbitrary(lid, 20);
	sheet = pixScale(page, 0.6f, 0.6f);
	pixRasterop(lid, pixGetWidth(page) / 5, pixGetHeight(page) / 5, pixGetWidth(sheet),
		    pixGetHeight(sheet), PIX_SRC, sheet, 0, 0);
	steps = steps_of(lid, &opts);
	assert_false(steps & LT_PP_INVERT);
	assert_true(steps & LT_PP_BORDER);
	blank = pixCreateTemplate(page);
	pixSetAllArbitrary(blank, 230);
	assert_true(replace_noisy(&blank, 8.0f));
	assert_false(steps_of(blank, &opts) & LT_PP_INVERT);
	pixDestroy(&blank);
	pixDestroy(&sheet);
	pixDestroy(&lid);
	pixDestroy(&copy);
	pixDestroy(&master);
	pixDestroy(&page);
}

static void test_low_dpi_upscaled_master_untouched(void **state)
{
	PIX *page = make_page(1500, 2600), *small = pixScale(page, 0.5f, 0.5f), *copy, *work = NULL;
	struct lt_preprocess_result res;
	struct lt_err err;
	l_int32 same = 0;
	int sq[4], back[4], want[4];
	char text[128];

	(void)state;
	pixSetResolution(small, 75, 75);
	copy = pixCopy(NULL, small);
	assert_int_equal(lt_preprocess_page(small, NULL, &work, &res, &err), LT_OK);
	assert_int_equal(res.dpi, 75);
	assert_true(res.steps & LT_PP_UPSCALE);
	assert_true(fabsf(res.scale - 4.0f) < 1e-4);
	assert_int_equal(res.work_dpi, 300);
	assert_int_equal(pixGetXRes(work), 300);
	assert_int_equal(pixGetWidth(work), 4 * pixGetWidth(small));
	find_square(work, sq);
	map_back(&res, sq, back);
	find_square(small, want);
	assert_box_near(back, want, 3);
	pixEqual(small, copy, &same);
	assert_true(same);
	assert_non_null(strstr(lt_preprocess_describe(&res, text, sizeof(text)), "upscale 4.00 (75 dpi)"));

	/* 72 dpi on an A4-sized scan is a software default: 300 assumed. */
	pixDestroy(&work);
	pixSetResolution(page, 72, 72);
	assert_int_equal(lt_preprocess_page(page, NULL, &work, &res, &err), LT_OK);
	assert_int_equal(res.dpi, 300);
	assert_true(res.steps & LT_PP_DPI_GUESS);
	assert_false(res.steps & LT_PP_UPSCALE);
	pixDestroy(&work);
	pixDestroy(&copy);
	pixDestroy(&small);
	pixDestroy(&page);
}

/* A page of one tone - blank paper with scanner noise, a uniform sheet -
 * is told and left alone (no other step); a page of text is not one,
 * however faint its ink, nor with the step off. */
static void test_one_tone_page_told(void **state)
{
	static const float noise[] = { 3.0f, 6.0f, 10.0f };
	PIX *page = make_page(1500, 2600), *blank, *faint, *work = NULL;
	struct lt_preprocess_opts opts;
	struct lt_preprocess_result res;
	struct lt_err err;
	char text[128];

	(void)state;
	lt_preprocess_opts_default(&opts);
	for (size_t i = 0; i < sizeof(noise) / sizeof(noise[0]); i++) {
		PIX *flat = pixCreateTemplate(page);

		pixSetAllArbitrary(flat, 238);
		blank = pixAddGaussianNoise(flat, noise[i]);
		pixDestroy(&flat);
		assert_non_null(blank);
		assert_int_equal(lt_preprocess_page(blank, &opts, &work, &res, &err), LT_OK);
		if (res.steps != LT_PP_ONE_TONE)
			fail_msg("blank page with noise %.0f: steps %#x, not one tone alone", noise[i],
				 res.steps);
		assert_false(res.orientation_unsure);
		assert_int_equal(pixGetWidth(work), pixGetWidth(blank));
		assert_int_equal(res.work_dpi, 300);
		assert_non_null(strstr(lt_preprocess_describe(&res, text, sizeof(text)),
				       "one tone, nothing to read"));
		pixDestroy(&work);
		pixDestroy(&blank);
	}
	blank = pixCreateTemplate(page);
	pixSetAllArbitrary(blank, 235);
	assert_true(steps_of(blank, &opts) & LT_PP_ONE_TONE);
	opts.one_tone = 0;
	assert_false(steps_of(blank, &opts) & LT_PP_ONE_TONE);
	opts.one_tone = 1;

	/* Text at 222 on paper at 235 (13 levels), with a scanner's noise: not
	 * one tone. */
	faint = pixCopy(NULL, page);
	for (int y = 0; y < pixGetHeight(faint); y++)
		for (int x = 0; x < pixGetWidth(faint); x++) {
			l_uint32 v;

			pixGetPixel(faint, x, y, &v);
			pixSetPixel(faint, x, y, 222 + v * 13 / 255);
		}
	assert_true(replace_noisy(&faint, 2.0f));
	assert_false(steps_of(faint, &opts) & LT_PP_ONE_TONE);
	assert_false(steps_of(page, &opts) & LT_PP_ONE_TONE);
	pixDestroy(&faint);
	pixDestroy(&blank);
	pixDestroy(&page);
}

/* A 600-dpi scan is read at 300: half the size, the square mapped back
 * onto the master where it is; switched off, as scanned. */
static void test_high_dpi_downscaled(void **state)
{
	PIX *page = make_page(1500, 2600), *big = pixScale(page, 2.0f, 2.0f), *work = NULL;
	struct lt_preprocess_opts opts;
	struct lt_preprocess_result res;
	struct lt_err err;
	int sq[4], back[4], want[4];
	char text[128];

	(void)state;
	pixSetResolution(big, 600, 600);
	lt_preprocess_opts_default(&opts);
	opts.orient = 0;
	assert_int_equal(lt_preprocess_page(big, &opts, &work, &res, &err), LT_OK);
	assert_int_equal(res.dpi, 600);
	assert_true(res.steps & LT_PP_DOWNSCALE);
	assert_false(res.steps & LT_PP_UPSCALE);
	assert_true(fabsf(res.scale - 0.5f) < 1e-4);
	assert_int_equal(res.work_dpi, 300);
	assert_int_equal(pixGetXRes(work), 300);
	assert_int_equal(pixGetWidth(work), pixGetWidth(page));
	find_square(work, sq);
	map_back(&res, sq, back);
	find_square(big, want);
	assert_box_near(back, want, 4);
	assert_non_null(strstr(lt_preprocess_describe(&res, text, sizeof(text)), "downscale 0.50 (600 dpi)"));
	pixDestroy(&work);
	/* 400 dpi is read as it is; so is 600 with the step off. */
	pixSetResolution(big, 400, 400);
	assert_int_equal(lt_preprocess_page(big, &opts, &work, &res, &err), LT_OK);
	assert_false(res.steps & LT_PP_DOWNSCALE);
	assert_int_equal(pixGetWidth(work), pixGetWidth(big));
	pixDestroy(&work);
	pixSetResolution(big, 600, 600);
	opts.downscale = 0;
	assert_int_equal(lt_preprocess_page(big, &opts, &work, &res, &err), LT_OK);
	assert_false(res.steps & LT_PP_DOWNSCALE);
	assert_int_equal(res.work_dpi, 600);
	pixDestroy(&work);
	pixDestroy(&big);
	pixDestroy(&page);
}

static void test_empty_image_refused(void **state)
{
	PIX *tiny = pixCreate(4, 4, 8), *work = (PIX *)1;
	struct lt_preprocess_result res;
	struct lt_err err;

	(void)state;
	assert_int_equal(lt_preprocess_page(tiny, NULL, &work, &res, &err), LT_EINPUT);
	assert_null(work);
	assert_non_null(strstr(err.msg, "smaller than 8x8"));
	pixDestroy(&tiny);
}

/* The corpus page in two columns (made with mkpages --columns 2): automatic
 * layout reads column 1 to its foot before column 2. The ground truth's
 * line boxes say where each column starts and ends; the first line of
 * column 2 must come after the last line of column 1, and not beside the
 * first (their first 16 bytes: OCR reads this page at well under 1% CER). */
#define TWO_COLUMN_CROP 1500

static const char *line_start(const char *line, char *out, size_t size)
{
	snprintf(out, size, "%.16s", line);
	return out;
}

static void test_two_columns_read_in_order(void **state)
{
	char path[1024], last1[64] = "", first2[64] = "";
	json_error_t jerr;
	json_t *root, *lines;
	PIX *master = read_corpus("multicol2-text-0001.png"), *work = NULL;
	TessBaseAPI *api = TessBaseAPICreate();
	struct lt_preprocess_result res;
	struct lt_err err;
	const char *prev = NULL, *a, *b;
	char *text;

	(void)state;
	corpus_path("multicol2-text-0001.json", path, sizeof(path));
	root = json_load_file(path, 0, &jerr);
	assert_non_null(root);
	lines = json_object_get(json_array_get(json_object_get(root, "pages"), 0), "lines");
	for (size_t i = 0; i < json_array_size(lines); i++) {
		json_t *l = json_array_get(lines, i);
		const char *t = json_string_value(json_object_get(l, "text"));
		int x = (int)json_integer_value(json_array_get(json_object_get(l, "bbox"), 0));
		int bottom = (int)json_integer_value(json_array_get(json_object_get(l, "bbox"), 3));

		if (bottom > TWO_COLUMN_CROP)
			continue; /* below the part of the page read */

		if (x > 1000 && !first2[0]) {
			line_start(prev, last1, sizeof(last1));
			line_start(t, first2, sizeof(first2));
		}
		prev = t;
	}
	assert_true(last1[0] && first2[0]);
	{
		/* The top half of the page, both columns, keeps the test quick. */
		BOX *top = boxCreate(0, 0, pixGetWidth(master), TWO_COLUMN_CROP + 20);
		PIX *part = pixClipRectangle(master, top, NULL);

		boxDestroy(&top);
		pixDestroy(&master);
		master = part;
	}
	assert_int_equal(lt_preprocess_page(master, NULL, &work, &res, &err), LT_OK);
	assert_int_equal(TessBaseAPIInit3(api, NULL, "vie"), 0);
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	TessBaseAPISetImage2(api, work);
	TessBaseAPISetSourceResolution(api, res.work_dpi);
	text = TessBaseAPIGetUTF8Text(api);
	assert_non_null(text);
	/* Read across, the first output line would hold both columns' tops and
	 * column 1's foot would come last. */
	a = strstr(text, last1);
	b = a ? strstr(a, first2) : NULL;
	if (!b || memmem(text, strcspn(text, "\n"), first2, strlen(first2)))
		fail_msg("'%s' (end of column 1) should come before '%s' (start of column 2):\n%s",
			 last1, first2, text);
	TessDeleteText(text);
	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
	json_decref(root);
	pixDestroy(&work);
	pixDestroy(&master);
}

/* A Vietnamese administrative document: Tesseract merges the header's two
 * columns into lines read across; lt_reading_order_text reads the issuing body and
 * number (left) before the national motto (right), as the ground truth does. */
static void test_header_left_column_first(void **state)
{
	PIX *master = read_corpus("clean-tpl-0001.png"), *work = NULL;
	TessBaseAPI *api = TessBaseAPICreate();
	struct lt_preprocess_result res;
	struct lt_buf text = LT_BUF_INIT;
	struct lt_err err;
	char *across;
	const char *number, *motto, *body, *first_lines = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n";
	/* The top of the page (header, title, first paragraph) keeps it quick. */
	BOX *top = boxCreate(0, 0, pixGetWidth(master), 1100);
	PIX *part = pixClipRectangle(master, top, NULL);

	(void)state;
	boxDestroy(&top);
	assert_int_equal(lt_preprocess_page(part, NULL, &work, &res, &err), LT_OK);
	pixDestroy(&part);
	assert_int_equal(TessBaseAPIInit3(api, NULL, "vie"), 0);
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	TessBaseAPISetImage2(api, work);
	TessBaseAPISetSourceResolution(api, res.work_dpi);
	assert_int_equal(TessBaseAPIRecognize(api, NULL), 0);
	/* Tesseract alone reads across: the test would catch a change there. */
	across = TessBaseAPIGetUTF8Text(api);
	assert_non_null(across);
	assert_non_null(strstr(across, "ỦY BAN NHÂN DÂN CỘNG HÒA"));
	TessDeleteText(across);
	assert_int_equal(lt_reading_order_text(api, &text, &err), LT_OK);
	number = strstr(lt_buf_str(&text), "175/CT-UBND");
	motto = strstr(lt_buf_str(&text), "CỘNG HÒA XÃ HỘI");
	body = strstr(lt_buf_str(&text), "Tuy nhiên");
	if (!number || !motto || !body || number > motto || motto > body ||
	    strncmp(lt_buf_str(&text), first_lines, strlen(first_lines)) != 0)
		fail_msg("header not read left column first:\n%.400s", lt_buf_str(&text));
	lt_buf_release(&text);
	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
	pixDestroy(&work);
	pixDestroy(&master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skew_found),
		cmocka_unit_test(test_orientations_found),
		cmocka_unit_test(test_osd_second_opinion),
		cmocka_unit_test(test_small_type_orientation),
		cmocka_unit_test(test_cheap_upright_check),
		cmocka_unit_test(test_border_removed_text_kept),
		cmocka_unit_test(test_dust_removed_marks_kept),
		cmocka_unit_test(test_negative_turned_positive),
		cmocka_unit_test(test_low_dpi_upscaled_master_untouched),
		cmocka_unit_test(test_one_tone_page_told),
		cmocka_unit_test(test_high_dpi_downscaled),
		cmocka_unit_test(test_empty_image_refused),
		cmocka_unit_test(test_two_columns_read_in_order),
		cmocka_unit_test(test_header_left_column_first),
	};

	setenv("OMP_THREAD_LIMIT", "1", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
