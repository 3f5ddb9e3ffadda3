/* preprocess.c - the working copy Tesseract reads: upright, straight, no dark
 * scanner edges, even background, enough resolution.
 *
 * Every decision is taken on a small binarised copy (about 150 ppi), where
 * Leptonica's orientation and skew finders are both fast and at their best;
 * the full-resolution grey page is touched only to apply what was decided, so
 * an upright straight page costs a grey conversion, a background
 * normalisation and the small copy.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "luutru/doc.h"
#include "luutru/preprocess.h"
#include "luutru/rotate.h"
#include "luutru/text.h"
#include "luutru/transform.h"

#define ASSUMED_DPI 300

void lt_preprocess_opts_default(struct lt_preprocess_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->orient = o->deskew = o->border = o->normalise = o->upscale = o->downscale = o->invert =
		o->one_tone = o->despeckle = 1;
	o->binarise = 0;
	o->min_dpi = 100;
	o->max_dpi = 450;
	o->target_dpi = 300;
	o->orient_min_conf = 5.0f;
	o->orient_turn_conf = 8.0f;
	o->orient_min_ratio = 2.5f;
	o->orient_lines_conf = 8.0f;
	o->orient_lines_up = 2.0f;
	o->orient_lines_ratio = 1.5f;
	o->skew_min_deg = 0.1f;
	o->skew_max_deg = 10.0f;
	o->skew_min_conf = 2.5f;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A resolution that would make the page smaller than a visiting card or wider
 * than A1 is a default written by software (72, 96) or garbage, not the scan's:
 * 300 is what archives scan at. */
static int choose_dpi(PIX *master, const struct lt_preprocess_opts *o, unsigned *steps)
{
	int d = o->dpi > 0 ? o->dpi : pixGetXRes(master);
	int w = pixGetWidth(master), h = pixGetHeight(master);
	double short_in;

	if (o->dpi > 0)
		return o->dpi;
	short_in = d > 0 ? (w < h ? w : h) / (double)d : 0;
	if (d < 50 || d > 2400 || short_in < 1.5 || short_in > 24.0) {
		*steps |= LT_PP_DPI_GUESS;
		return ASSUMED_DPI;
	}
	return d;
}

/* Otsu's split of a grey histogram (256 bins): the threshold (a level and
 * below is dark), the share of pixels at or below it, and the mean level of
 * each side. Returns 0, or -1 for an empty histogram. */
struct otsu_split {
	int found;             /* 0: a page of a single level, nothing to split */
	int t;
	double dark_share, dark_mean, light_mean;
};

static int otsu_split(NUMA *hist, struct otsu_split *o)
{
	double total = 0, sum = 0, sum_b = 0, w_b = 0, best = -1;

	o->found = 0;
	o->t = 128;
	o->dark_share = 0;
	o->dark_mean = 0;
	o->light_mean = 255;
	for (int i = 0; i < 256; i++) {
		l_float32 v = 0;

		numaGetFValue(hist, i, &v);
		total += v;
		sum += i * (double)v;
	}
	if (total <= 0)
		return -1;
	for (int i = 0; i < 255; i++) {
		l_float32 v = 0;
		double w_f, between;

		numaGetFValue(hist, i, &v);
		w_b += v;
		sum_b += i * (double)v;
		w_f = total - w_b;
		if (w_b <= 0 || w_f <= 0)
			continue;
		between = w_b * w_f * (sum_b / w_b - (sum - sum_b) / w_f) * (sum_b / w_b - (sum - sum_b) / w_f);
		if (between > best) {
			best = between;
			o->found = 1;
			o->t = i;
			o->dark_share = w_b / total;
			o->dark_mean = sum_b / w_b;
			o->light_mean = (sum - sum_b) / w_f;
		}
	}
	return 0;
}

/* Otsu's split of the whole page, sampled every 2nd pixel. Returns 0, or
 * -1 when memory ran out. */
static int tones(PIX *grey, struct otsu_split *split)
{
	NUMA *hist = pixGetGrayHistogram(grey, 2);

	if (!hist)
		return -1;
	otsu_split(hist, split);
	numaDestroy(&hist);
	return 0;
}

/* Otsu's threshold, moved a quarter of the way towards the paper: thin
 * strokes survive, which the orientation finder counts. */
static int ink_threshold(const struct otsu_split *o)
{
	return o->t + (int)((o->light_mean - o->t) / 4);
}

/* A negative - a microfilm scanned as it is, a page printed light on dark -
 * has its ink light and its ground dark, which Tesseract's layout analysis
 * takes for one black block with nothing to read. Told by Otsu's split of
 * the page: most of it dark, on the whole page and in its middle (a small
 * sheet scanned on a black lid is dark around, light in the middle), and
 * the two sides far apart (a blank page's noise also splits, but close).
 * Measured: the pages of the dev corpus and the samples are at most 14%
 * dark (one with scanner borders), the negative of a letter 93%, a sheet
 * three fifths the size on a black lid 67% (its middle is light). Sampled
 * every 2nd pixel of the half-size page: about 2 ms (0.1% of recognition). */
#define NEGATIVE_DARK_SHARE 0.6
#define NEGATIVE_CONTRAST 64

static int negative(PIX *grey, const struct otsu_split *a)
{
	int w = pixGetWidth(grey), h = pixGetHeight(grey);
	BOX *middle;
	NUMA *centre;
	struct otsu_split b;
	int yes;

	if (a->dark_share <= NEGATIVE_DARK_SHARE || a->light_mean - a->dark_mean <= NEGATIVE_CONTRAST)
		return 0;
	middle = boxCreate(w / 5, h / 5, w * 3 / 5, h * 3 / 5);
	centre = middle ? pixGetGrayHistogramInRect(grey, middle, 2) : NULL;
	yes = centre && otsu_split(centre, &b) == 0 && b.dark_share > NEGATIVE_DARK_SHARE;
	boxDestroy(&middle);
	numaDestroy(&centre);
	return yes;
}

/* A page of one tone - a blank sheet, a separator, paper texture and
 * scanner noise and nothing else - has nothing to read, but Tesseract's own
 * threshold splits its noise in half and reads thousands of specks: 6 s for
 * a blank sheet with noise of 3 grey levels, four times a page of text, and
 * OSD, asked where nothing is upright, turns it sideways in the access copy.
 * Told by Otsu's split falling through the middle of the noise (a fifth to
 * four fifths of the page on the dark side) with the two sides close, or
 * by a page of a single level, which has no split at all.
 * Measured on the half-size page: blank sheets with noise of 3-10 levels
 * split at 53-60% dark, 2.5-8 levels apart; text pages, however faint (ink
 * 13 levels under the paper) or with show-through, put only their ink on
 * the dark side, 7-8%. */
#define ONE_TONE_CONTRAST 24
#define ONE_TONE_MIN_DARK 0.2
#define ONE_TONE_MAX_DARK 0.8

static int one_tone(const struct otsu_split *a)
{
	return !a->found || (a->light_mean - a->dark_mean < ONE_TONE_CONTRAST &&
			     a->dark_share > ONE_TONE_MIN_DARK && a->dark_share < ONE_TONE_MAX_DARK);
}

/* The small 1-bpp copy decisions are taken on, from the 8-bpp page (or its
 * half, when already made); factor receives its reduction (1 or 2). known:
 * the split of that same image when already made (tones), else NULL. */
/* Replaces *pix by f(*pix) unless f failed (NULL). */
static int replace(PIX **pix, PIX *next)
{
	if (!next)
		return -1;
	pixDestroy(pix);
	*pix = next;
	return 0;
}

/* grey (taken: destroyed here) split into ink and paper at the threshold
 * of known, the split of the page it was made from, or its own. */
static PIX *split_at_ink(PIX *grey, const struct otsu_split *known)
{
	struct otsu_split own = { .t = 128, .light_mean = 128 }; /* 128 if it cannot be made */
	PIX *bin;

	if (!grey)
		return NULL;
	if (!known)
		tones(grey, &own);
	bin = pixThresholdToBinary(grey, ink_threshold(known ? known : &own));
	pixDestroy(&grey);
	return bin;
}

static PIX *analysis_copy(PIX *grey, PIX *half, int dpi, const struct otsu_split *known,
			  int *factor)
{
	*factor = dpi >= 250 ? 2 : 1;
	return split_at_ink(*factor == 1 ? pixClone(grey) : half ? pixClone(half) : pixScaleAreaMap2(grey),
			    known);
}

/* A 1-bpp copy turned by deg (clockwise, as the skew finder gives it) about
 * its centre, by sampling: enough to decide on, not to read. */
static PIX *level_copy(PIX *bin, float deg)
{
	return pixRotateBySampling(bin, pixGetWidth(bin) / 2, pixGetHeight(bin) / 2,
				   deg * (float)(M_PI / 180.0), L_BRING_IN_WHITE);
}

/* Dust on the glass, and the specks a scanner's threshold leaves on grainy
 * paper, are read as punctuation where they stand apart (`¡`, `|`, `_`, a
 * line of dots in the margin). Tesseract's own noise filter drops single
 * pixels but keeps what could be a full stop. A speck here is a component
 * of the page's ink at most SPECK_OF_LETTER of the type's letter height
 * each way: 3 px for 13-pt type at 300 dpi, whose dots (of i, of the
 * Vietnamese nang, full stops) measure 5-7 px; 1 px for 11-pt type at 150
 * dpi (dots of 2 px). Measured on 14 pages made with mkpages --speckle
 * (1-3 px specks; bitonal and grey, 9-14 pt, 150-300 dpi): CER 3.35% before,
 * 0.76% after (README, "OCR: what happens to a page").
 * Only pages where the analysis copy saw many specks away from letters
 * (SPECKS_MIN, and SPECKS_PER_LETTER of the letters) pay the full-size
 * component pass (9-13 ms): the dev corpus's clean pages see 0-1. */
#define SPECK_OF_LETTER 0.12
#define SPECKS_MIN 50
#define SPECKS_PER_LETTER 0.05

static int many_specks(const struct lt_marks *m)
{
	return m->letters > 0 && m->specks >= SPECKS_MIN && m->specks >= SPECKS_PER_LETTER * m->letters;
}

/* Paints white (the paper's level) the ink of every component of grey at
 * most max_px each way; *removed gets how many. known: the split of grey
 * (or of its half-size copy), or NULL to make it. Returns 0, or -1 when
 * memory ran out. */
static int despeckle(PIX *grey, const struct otsu_split *known, int max_px, int *removed)
{
	struct otsu_split own;
	PIX *bin;
	BOXA *boxes;
	l_uint32 *gdata, *bdata;
	int gwpl, bwpl, n, paper;

	*removed = 0;
	if (!known) {
		if (tones(grey, &own) != 0)
			return -1;
		known = &own;
	}
	paper = known->found ? (int)lround(known->light_mean) : 255;
	bin = split_at_ink(pixClone(grey), known);
	boxes = bin ? pixConnCompBB(bin, 8) : NULL;
	if (!boxes) {
		pixDestroy(&bin);
		return -1;
	}
	gdata = pixGetData(grey);
	gwpl = pixGetWpl(grey);
	bdata = pixGetData(bin);
	bwpl = pixGetWpl(bin);
	n = boxaGetCount(boxes);
	for (int i = 0; i < n; i++) {
		l_int32 x, y, w, h;

		boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
		if (w > max_px || h > max_px)
			continue;
		for (int yy = y; yy < y + h; yy++) {
			l_uint32 *bl = bdata + (size_t)yy * bwpl, *gl = gdata + (size_t)yy * gwpl;

			for (int xx = x; xx < x + w; xx++)
				if (GET_DATA_BIT(bl, xx))
					SET_DATA_BYTE(gl, xx, paper);
		}
		(*removed)++;
	}
	boxaDestroy(&boxes);
	pixDestroy(&bin);
	return 0;
}

/* Light that falls off across the page (a curled sheet, a phone photo) shows
 * as paper whose brightness varies from place to place. The brightest pixel
 * of each ~5 mm tile is paper; if those differ by more than a fifth of the
 * range, normalising is worth its cost (~0.1-0.2 s a page), else not. */
static int background_uneven(PIX *half, int adpi)
{
	int tile = adpi / 5 > 4 ? adpi / 5 : 4;
	PIX *paper = pixScaleGrayMinMax(half, tile, tile, L_CHOOSE_MAX);
	l_uint32 lo = 0, hi = 0;

	if (!paper)
		return 1;
	pixGetRankValue(paper, 1, 0.05f, &lo);
	pixGetRankValue(paper, 1, 0.95f, &hi);
	pixDestroy(&paper);
	return (int)(hi - lo) > 50;
}

/* Scanner borders are large solid dark areas touching the edge; text strokes
 * are thin. Opening with a brick about 1.5 mm wide keeps only the solid
 * areas, and of those only the ones touching the edge are borders (a
 * photograph inside the page stays). They are painted white on both the
 * analysis copy and the page, so coordinates do not move. Returns 1 if a
 * border was found, 0 if not, -1 on allocation failure. */
static int paint_border(PIX *grey, PIX *bin, int factor, int adpi)
{
	int k = adpi * 15 / 254, found = 0;
	PIX *solid = NULL, *edge = NULL, *mask = NULL, *full = NULL;
	l_int32 empty = 1;

	if (k < 5)
		k = 5;
	if (!(solid = pixOpenBrick(NULL, bin, k, k)) || !(edge = pixExtractBorderConnComps(solid, 8)))
		goto out;
	pixZero(edge, &empty);
	if (empty)
		goto out;
	/* Grow over the border's ragged, anti-aliased fringe. */
	if (!(mask = pixDilateBrick(NULL, edge, 7, 7)))
		goto out;
	pixSubtract(bin, bin, mask);
	full = factor == 1 ? pixClone(mask) : pixExpandReplicate(mask, factor);
	if (!full)
		goto out;
	pixSetMasked(grey, full, 255);
	found = 1;
out:
	if (!solid || !edge || (!empty && (!mask || !full)))
		found = -1;
	pixDestroy(&full);
	pixDestroy(&mask);
	pixDestroy(&edge);
	pixDestroy(&solid);
	return found;
}

/* Leptonica's orientation finder counts ascenders and descenders with
 * hit-miss patterns made for type of a certain size in pixels. On smaller
 * type (8-9 pt, or a scan under 200 dpi: letters under 12 px tall on the
 * analysis copy) Vietnamese marks and the dot below read as ascenders and
 * descenders, and it turns upright pages over: a 9-pt page at 150 dpi
 * measured up -27.9 (read upside down, CER 80%), 8 pt at 300 dpi -4.0,
 * while English pages of the same sizes measured +23 to +35. On a copy at
 * twice the scale (letters 13-27 px) most such pages measure right and
 * strongly (+20 to +83 upright, as negative turned over), but not all
 * (an 11-pt page at 150 dpi -17, right at the normal scale): such pages
 * are measured at both scales (lt_preprocess_page says how they decide). */
#define ORIENT_MIN_LETTER_PX 12

/* The analysis copy at twice its scale, for the orientation finder: the
 * page itself when the copy was halved, else the page enlarged; levelled
 * like the copy (skew_deg) and split at the same threshold. */
static PIX *orientation_copy(PIX *grey, int factor, const struct otsu_split *known, float skew_deg)
{
	PIX *bin = split_at_ink(factor == 2 ? pixClone(grey) : pixScaleGrayLI(grey, 2.0f, 2.0f), known);

	if (bin && skew_deg != 0 && replace(&bin, level_copy(bin, skew_deg)))
		pixDestroy(&bin);
	return bin;
}

/* Leptonica's finder returns the clockwise rotation that straightens the
 * page (pixDeskew applies it as found). Returns 0 or -1 if it failed. */
static int find_skew(PIX *bin, const struct lt_preprocess_opts *o, float *deg, float *conf,
		     double *seconds)
{
	double t0 = thread_cpu();
	int rc;

	*deg = 0;
	*conf = 0;
	rc = pixFindSkewSweepAndSearch(bin, deg, conf, 2, 1, o->skew_max_deg, 1.0f, 0.01f) == 0
		? 0 : -1;
	*seconds += thread_cpu() - t0;
	return rc;
}

/* Leptonica's makeOrientDecision, except that it does not give up when one
 * axis shows no signal at all, and that turning a page wants a stronger
 * signal than leaving it as it is: a weak wrong "up" costs nothing that the
 * page did not already have, a wrong turn ruins it. */
static l_int32 decide_orientation(const struct lt_preprocess_opts *o, PIX *bin,
				  struct lt_preprocess_result *res)
{
	float up, left, aup, aleft;

	if (pixOrientDetect(bin, &res->orient_upconf, &res->orient_leftconf, 0, 0) != 0)
		return L_TEXT_ORIENT_UNKNOWN;
	up = res->orient_upconf;
	left = res->orient_leftconf;
	aup = fabsf(up);
	aleft = fabsf(left);
	if (up >= o->orient_min_conf && aup >= o->orient_min_ratio * aleft)
		return L_TEXT_ORIENT_UP;
	if (aup >= o->orient_turn_conf && aup >= o->orient_min_ratio * aleft)
		return L_TEXT_ORIENT_DOWN;
	if (aleft >= o->orient_turn_conf && aleft >= o->orient_min_ratio * aup)
		return left > 0 ? L_TEXT_ORIENT_LEFT : L_TEXT_ORIENT_RIGHT;
	/* Horizontal text lines (the skew finder's confidence, measured
	 * first) rule out a quarter turn, so the left/right signal - often
	 * as strong as a weak up signal on short or bitonal pages - is noise:
	 * a clearly positive up is upright, without OSD's ~0.35 s. */
	if (o->orient_lines_conf > 0 && res->skew_conf >= o->orient_lines_conf &&
	    up >= o->orient_lines_up && aup >= o->orient_lines_ratio * aleft)
		return L_TEXT_ORIENT_UP;
	return L_TEXT_ORIENT_UNKNOWN;
}

static int skew_worth_applying(const struct lt_preprocess_opts *o, float deg, float conf)
{
	return fabsf(deg) >= o->skew_min_deg && conf >= o->skew_min_conf;
}

/* Leptonica's area-mapped rotation; for grey, the same pixels from
 * rotate.h in less time (deskewing turns nearly every real scan). */
static PIX *rotate_skew(PIX *pix, float deg)
{
	float angle = deg * (float)(M_PI / 180.0);

	if (pixGetDepth(pix) == 8 && !pixGetColormap(pix))
		return lt_rotate_grey(pix, angle, 255);
	return pixRotate(pix, angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
}

int lt_preprocess_page(PIX *master, const struct lt_preprocess_opts *opts, PIX **work,
		       struct lt_preprocess_result *res, struct lt_err *err)
{
	struct lt_preprocess_opts defaults;
	const struct lt_preprocess_opts *o = opts;
	double t0 = now();
	PIX *grey = NULL, *half = NULL, *bin = NULL;
	struct otsu_split split = { 0 };
	struct lt_marks seen = { 0 };
	/* split_of_half: split is still that of the image the analysis copy
	 * is made from (no inversion or normalisation since). */
	int factor = 1, quads = 0, rc = LT_OK, split_of_half = 0;

	*work = NULL;
	memset(res, 0, sizeof(*res));
	if (!o) {
		lt_preprocess_opts_default(&defaults);
		o = &defaults;
	}
	if (!master || pixGetWidth(master) < 8 || pixGetHeight(master) < 8)
		return lt_err_set(err, LT_EINPUT, "the page image is empty or smaller than 8x8 pixels");
	res->master_w = res->upright_w = pixGetWidth(master);
	res->master_h = res->upright_h = pixGetHeight(master);
	res->scale = 1.0f;
	res->dpi = choose_dpi(master, o, &res->steps);

	/* Everything below wants one 8-bpp grey plane; Tesseract would make
	 * its own from colour anyway. */
	if (!(grey = pixConvertTo8(master, 0)))
		goto nomem;
	if (pixGetDepth(master) != 8 || pixGetColormap(master))
		res->steps |= LT_PP_GREY;
	if (res->dpi >= 250 && !(half = pixScaleAreaMap2(grey)))
		goto nomem;
	if (o->invert || o->one_tone) {
		if (tones(half ? half : grey, &split) != 0)
			goto nomem;
		split_of_half = 1;
	}
	/* Nothing to turn, straighten or clean: the page goes as it is, and
	 * the caller does not ask Tesseract to read it. */
	if (o->one_tone && one_tone(&split)) {
		res->steps |= LT_PP_ONE_TONE;
		res->work_dpi = res->dpi;
		goto done;
	}
	/* Before anything that tells paper from ink: all of it would take the
	 * dark ground for ink (the border painter would paint it all white). */
	if (o->invert && negative(half ? half : grey, &split)) {
		if (replace(&grey, pixInvert(NULL, grey)) || (half && replace(&half, pixInvert(NULL, half))))
			goto nomem;
		res->steps |= LT_PP_INVERT;
		split_of_half = 0;
	}
	/* Uneven light defeats one global threshold (Tesseract's and ours); a
	 * bitonal scan has no background to even out. */
	if (o->normalise && pixGetDepth(master) > 1 &&
	    background_uneven(half ? half : grey, half ? res->dpi / 2 : res->dpi)) {
		if (replace(&grey, pixBackgroundNorm(grey, NULL, NULL, 10, 15, 100, 50, 255, 2, 1)))
			goto nomem;
		pixDestroy(&half);
		res->steps |= LT_PP_NORMALISE;
		split_of_half = 0;
	}
	if ((o->border || o->orient || o->deskew || o->despeckle) &&
	    !(bin = analysis_copy(grey, half, res->dpi, split_of_half ? &split : NULL, &factor)))
		goto nomem;
	pixDestroy(&half);
	if (o->border) {
		int b = paint_border(grey, bin, factor, res->dpi / factor);

		if (b < 0)
			goto nomem;
		if (b)
			res->steps |= LT_PP_BORDER;
	}
	/* Skew first: the orientation finder counts ascenders and descenders
	 * along text lines and wants them level. A page turned a quarter has
	 * vertical lines, which the finder cannot measure (low confidence):
	 * it is measured again once upright. Rotations about the centre
	 * commute, so an angle found before the quarter turn still holds after. */
	if (o->deskew && find_skew(bin, o, &res->skew_found_deg, &res->skew_conf, &res->skew_seconds) == 0 &&
	    skew_worth_applying(o, res->skew_found_deg, res->skew_conf)) {
		double cpu0 = thread_cpu();
		int failed;

		res->skew_deg = res->skew_found_deg;
		failed = o->orient && replace(&bin, level_copy(bin, res->skew_deg));
		res->orientation_seconds += thread_cpu() - cpu0;
		if (failed)
			goto nomem;
	}
	if (o->orient) {
		double cpu0;
		PIX *big = NULL;
		l_int32 orient;

		/* Counted before the page is turned: most pages are not, and the
		 * type's size is the same either way up. The count is the
		 * language guess's (stage_ocr.c), not the orientation's time. */
		if (lt_marks_count(bin, &res->marks) != 0)
			goto nomem;
		res->letter_px = res->marks.letter_px;
		cpu0 = thread_cpu();
		if (res->letter_px > 0 && res->letter_px < ORIENT_MIN_LETTER_PX &&
		    !(big = orientation_copy(grey, factor, split_of_half ? &split : NULL, res->skew_deg)))
			goto nomem;
		orient = decide_orientation(o, bin, res);
		if (big) {
			/* Either copy can be wrong near the sizes where the finder
			 * begins to work: a turn both agree on is made, and where
			 * they disagree OSD decides. The larger copy's signals are
			 * kept for review. */
			l_int32 larger = decide_orientation(o, big, res);

			orient = orient == L_TEXT_ORIENT_UNKNOWN || orient == larger ? larger
										: L_TEXT_ORIENT_UNKNOWN;
			res->orient_doubled = 1;
			pixDestroy(&big);
		}

		res->orientation_seconds += thread_cpu() - cpu0;

		/* LEFT: text up to the left, straightened by a quarter turn clockwise. */
		quads = orient == L_TEXT_ORIENT_LEFT ? 1 : orient == L_TEXT_ORIENT_DOWN ? 2
			: orient == L_TEXT_ORIENT_RIGHT ? 3 : 0;
		res->orientation_unsure = orient == L_TEXT_ORIENT_UNKNOWN;
		if (quads) {
			if (replace(&grey, pixRotateOrth(grey, quads)) || replace(&bin, pixRotateOrth(bin, quads)))
				goto nomem;
			res->orientation = quads * 90;
			res->upright_w = pixGetWidth(grey);
			res->upright_h = pixGetHeight(grey);
			res->steps |= LT_PP_ROTATE;
		}
		if (o->deskew && (quads % 2) && res->skew_deg == 0 &&
		    find_skew(bin, o, &res->skew_found_deg, &res->skew_conf, &res->skew_seconds) == 0 &&
		    skew_worth_applying(o, res->skew_found_deg, res->skew_conf))
			res->skew_deg = res->skew_found_deg;
	}
	/* The marks are counted on the upright analysis copy: again on a page
	 * just turned, not at all on one whose orientation is left to OSD (the
	 * marks of a page on its side would not sit above its letters). */
	if (bin && !res->orientation_unsure && (quads || !o->orient) &&
	    lt_marks_count(bin, &res->marks) != 0)
		goto nomem;
	seen = res->marks;
	if (res->orientation_unsure)
		memset(&res->marks, 0, sizeof(res->marks));
	/* Before the deskew, which would blur the specks into grey. The count
	 * was taken before the marks of a page left to OSD were forgotten, and
	 * again on a page turned a quarter, whose first count measured its
	 * letters' widths. */
	if (o->despeckle && seen.letter_px > 0 && many_specks(&seen)) {
		int max_px = (int)(seen.letter_px * factor * SPECK_OF_LETTER);

		if (max_px >= 1) {
			if (despeckle(grey, split_of_half ? &split : NULL, max_px,
				      &res->specks_removed) != 0)
				goto nomem;
			if (res->specks_removed > 0)
				res->steps |= LT_PP_DESPECKLE;
		}
	}
	if (res->skew_deg != 0) {
		if (replace(&grey, rotate_skew(grey, res->skew_deg)))
			goto nomem;
		res->steps |= LT_PP_DESKEW;
	}
	if (o->upscale && res->dpi < o->min_dpi) {
		res->scale = (float)o->target_dpi / (float)res->dpi;
		if (replace(&grey, pixScaleGrayLI(grey, res->scale, res->scale)))
			goto nomem;
		res->steps |= LT_PP_UPSCALE;
	} else if (o->downscale && o->max_dpi > 0 && res->dpi > o->max_dpi) {
		/* Area mapping: every master pixel weighs in, no aliasing of thin strokes. */
		res->scale = (float)o->target_dpi / (float)res->dpi;
		if (replace(&grey, pixScaleAreaMap(grey, res->scale, res->scale)))
			goto nomem;
		res->steps |= LT_PP_DOWNSCALE;
	}
	res->work_dpi = (int)lroundf(res->dpi * res->scale);
	if (o->binarise) {
		PIX *b = NULL;

		if (pixOtsuAdaptiveThreshold(grey, 2000, 2000, 0, 0, 0.1f, NULL, &b) != 0 || !b)
			goto nomem;
		pixDestroy(&grey);
		grey = b;
		res->steps |= LT_PP_BINARISE;
	}
done:
	pixSetResolution(grey, res->work_dpi, res->work_dpi);
	*work = grey;
	grey = NULL;
	goto out;
nomem:
	rc = lt_err_set(err, LT_ENOMEM, "out of memory preprocessing a %dx%d page",
			pixGetWidth(master), pixGetHeight(master));
out:
	pixDestroy(&half);
	pixDestroy(&bin);
	pixDestroy(&grey);
	res->seconds = now() - t0;
	return rc;
}

int lt_preprocess_osd(TessBaseAPI *api, const struct lt_preprocess_opts *opts, PIX **work,
		      struct lt_preprocess_result *res, struct lt_err *err)
{
	struct lt_preprocess_opts defaults;
	const struct lt_preprocess_opts *o = opts;
	double t0 = now();
	int deg = 0, quads, rc = LT_OK;
	float conf = 0, script_conf = 0;
	const char *script = NULL;
	PIX *bin = NULL;
	int factor;

	if (!o) {
		lt_preprocess_opts_default(&defaults);
		o = &defaults;
	}
	double cpu0 = thread_cpu();
	int detected;

	TessBaseAPISetImage2(api, *work);
	TessBaseAPISetSourceResolution(api, res->work_dpi > 0 ? res->work_dpi : ASSUMED_DPI);
	detected = TessBaseAPIDetectOrientationScript(api, &deg, &conf, &script, &script_conf);
	res->orientation_seconds += thread_cpu() - cpu0;
	/* Fails on a page without enough text: then nothing is known. */
	if (!detected)
		goto out;
	/* deg is how far the page is turned; the CLI's "Rotate:" line, the
	 * clockwise turn that makes it upright, is (360 - deg) % 360. Below a
	 * confidence of ~1, OSD is guessing. */
	if (conf < 1.0f)
		goto out;
	quads = ((360 - deg) % 360) / 90;
	res->orientation_by_osd = 1;
	res->orientation_unsure = 0;
	if (quads) {
		if (replace(work, pixRotateOrth(*work, quads))) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory rotating a page");
			goto out;
		}
		res->orientation = (res->orientation + quads * 90) % 360;
		if (res->orientation % 180 == 0) {
			res->upright_w = res->master_w;
			res->upright_h = res->master_h;
		} else {
			res->upright_w = res->master_h;
			res->upright_h = res->master_w;
		}
		res->steps |= LT_PP_ROTATE;
		/* The first skew measurement ran across the lines; measure again. */
		if (o->deskew && res->skew_deg == 0 && pixGetDepth(*work) == 8 &&
		    (bin = analysis_copy(*work, NULL, res->work_dpi, NULL, &factor)) &&
		    find_skew(bin, o, &res->skew_found_deg, &res->skew_conf, &res->skew_seconds) == 0 &&
		    skew_worth_applying(o, res->skew_found_deg, res->skew_conf)) {
			if (replace(work, rotate_skew(*work, res->skew_found_deg))) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory deskewing a page");
				goto out;
			}
			res->skew_deg = res->skew_found_deg;
			res->steps |= LT_PP_DESKEW;
		}
	}
out:
	/* The handle would keep a copy of the page until the next one. */
	TessBaseAPIClear(api);
	pixDestroy(&bin);
	res->seconds += now() - t0;
	return rc;
}

void lt_preprocess_transform(const struct lt_preprocess_result *res, struct lt_page_transform *tf)
{
	lt_transform_identity(tf, res->master_w, res->master_h);
	tf->orientation = res->orientation;
	tf->skew_deg = res->skew_deg;
	tf->crop_x = res->crop_x;
	tf->crop_y = res->crop_y;
	tf->scale = res->scale > 0 ? res->scale : 1.0;
}

char *lt_preprocess_describe(const struct lt_preprocess_result *res, char *out, size_t size)
{
	size_t n = 0;

#define ADD(...) do { if (n < size) { int k = snprintf(out + n, size - n, __VA_ARGS__); \
		n += k > 0 ? (size_t)k : 0; } } while (0)
	if (!size)
		return out;
	out[0] = '\0';
	if (res->steps & LT_PP_ONE_TONE)
		ADD("%sone tone, nothing to read", n ? ", " : "");
	if (res->steps & LT_PP_INVERT)
		ADD("%sinvert (negative)", n ? ", " : "");
	if (res->steps & LT_PP_ROTATE)
		ADD("%srotate %d%s", n ? ", " : "", res->orientation, res->orientation_by_osd ? " (osd)" : "");
	else if (res->orientation_unsure)
		ADD("%sorientation unsure", n ? ", " : "");
	if (res->steps & LT_PP_DESKEW)
		ADD("%sdeskew %.2f", n ? ", " : "", res->skew_deg);
	if (res->steps & LT_PP_BORDER)
		ADD("%sborder", n ? ", " : "");
	if (res->steps & LT_PP_NORMALISE)
		ADD("%snormalise", n ? ", " : "");
	if (res->steps & LT_PP_DESPECKLE)
		ADD("%sdespeckle %d", n ? ", " : "", res->specks_removed);
	if (res->steps & LT_PP_UPSCALE)
		ADD("%supscale %.2f (%d dpi)", n ? ", " : "", res->scale, res->dpi);
	if (res->steps & LT_PP_DOWNSCALE)
		ADD("%sdownscale %.2f (%d dpi)", n ? ", " : "", res->scale, res->dpi);
	if (res->steps & LT_PP_DPI_GUESS)
		ADD("%s%d dpi assumed", n ? ", " : "", res->dpi);
	if (res->steps & LT_PP_BINARISE)
		ADD("%sbinarise", n ? ", " : "");
	if (!n)
		ADD("none");
#undef ADD
	return out;
}

/* Reading order. Tesseract's layout analysis merges the two columns of a
 * Vietnamese document header (issuing body | national motto) into single
 * lines, read across: "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ...". A person reads
 * the left column, then the right. So a line with a gap wider than twice its
 * height is split there, and consecutive lines split over a common gap (or
 * standing wholly on one side of it) form a two-column run, read column by
 * column. Body text never has such gaps (justified word spaces stay well
 * under one line height). */

struct lw_word {
	char *text;             /* Tesseract's, TessDeleteText */
	int l, t, r, b;
	float conf;
	char lang[8];
};

struct lw_line {
	size_t first, n, split; /* words [first, first+n); left part: [first, first+split) */
	int para;               /* starts a paragraph */
	int block;              /* Tesseract's block, counted from 0 */
	int l, r;               /* extent */
	int gl, gr;             /* the gap, if split (split > 0) */
	int box_l, box_t, box_r, box_b; /* Tesseract's line box */
	int has_baseline, bx1, by1, bx2, by2;
};

#define LAYOUT_MAX_WORDS 200000

/* Holds a letter or a digit. */
static int is_word(const char *t)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	while (*p && (n = utf8proc_iterate(p, -1, &c)) > 0) {
		utf8proc_category_t cat = utf8proc_category(c);

		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
			return 1;
		if (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)
			return 1;
		p += n;
	}
	return 0;
}

static void find_split(struct lw_line *ln, const struct lw_word *w)
{
	int top = w[ln->first].t, bottom = w[ln->first].b, best = 0, any = 0;

	/* The extent counts words only: a speck far out does not make a
	 * one-sided line straddle the gap. */
	ln->l = w[ln->first].l;
	ln->r = w[ln->first].r;
	for (size_t i = ln->first; i < ln->first + ln->n; i++) {
		top = w[i].t < top ? w[i].t : top;
		bottom = w[i].b > bottom ? w[i].b : bottom;
		if (!is_word(w[i].text))
			continue;
		ln->l = !any || w[i].l < ln->l ? w[i].l : ln->l;
		ln->r = !any || w[i].r > ln->r ? w[i].r : ln->r;
		any = 1;
	}
	ln->split = 0;
	/* Between the columns a signature or a stamp often leaves specks that
	 * Tesseract reads as "—" or "'": they do not close the gap. */
	for (size_t i = ln->first, prev = SIZE_MAX; i < ln->first + ln->n; i++) {
		int gap;

		if (!is_word(w[i].text))
			continue;
		gap = prev == SIZE_MAX ? 0 : w[i].l - w[prev].r;
		if (gap > best && gap > 2 * (bottom - top)) {
			best = gap;
			ln->split = i - ln->first;
			ln->gl = w[prev].r;
			ln->gr = w[i].l;
		}
		prev = i;
	}
}

/* Where the ordered page goes: its text, and optionally the page result,
 * grown output line by output line. */
struct order_out {
	struct lt_buf *text;
	const struct lt_page_transform *tf;
	struct lt_ocr_page *page; /* NULL: text only */
	size_t cap_words, cap_lines, cap_pars, cap_blocks;
	int line;                 /* output lines so far */
	int last_block;           /* Tesseract block of the last output line; -1: none */
	int last_side;            /* side of the run it was on; -1: not in a run */
};

/* Grows *arr (of *cap elements of size) to hold n + 1. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *bigger;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	bigger = realloc(*arr, c * size);
	if (!bigger)
		return -1;
	*arr = bigger;
	*cap = c;
	return 0;
}

static void widen(int *l, int *t, int *r, int *b, int fresh, int ol, int ot, int or_, int ob)
{
	if (fresh) {
		*l = ol, *t = ot, *r = or_, *b = ob;
		return;
	}
	*l = ol < *l ? ol : *l;
	*t = ot < *t ? ot : *t;
	*r = or_ > *r ? or_ : *r;
	*b = ob > *b ? ob : *b;
}

/* Opens the output line for the words [from, to) of Tesseract's line ln
 * (whole when from..to is all of it), in a new block and/or paragraph. */
static int open_line(struct order_out *o, const struct lw_word *w, const struct lw_line *ln,
		     size_t from, size_t to, int new_block, int new_par, struct lt_err *err)
{
	struct lt_ocr_page *pg = o->page;
	struct lt_ocr_line *line;
	struct lt_ocr_par *par;
	struct lt_ocr_block *blk;

	if (new_block || pg->n_blocks == 0) {
		if (grow((void **)&pg->blocks, &o->cap_blocks, pg->n_blocks, sizeof(*pg->blocks)))
			goto nomem;
		memset(&pg->blocks[pg->n_blocks], 0, sizeof(*pg->blocks));
		pg->blocks[pg->n_blocks].first_par = pg->n_pars;
		pg->n_blocks++;
		new_par = 1;
	}
	if (new_par || pg->n_pars == 0) {
		if (grow((void **)&pg->pars, &o->cap_pars, pg->n_pars, sizeof(*pg->pars)))
			goto nomem;
		memset(&pg->pars[pg->n_pars], 0, sizeof(*pg->pars));
		pg->pars[pg->n_pars].first_line = pg->n_lines;
		pg->pars[pg->n_pars].block = (int)pg->n_blocks - 1;
		pg->n_pars++;
		pg->blocks[pg->n_blocks - 1].n_pars++;
	}
	if (grow((void **)&pg->lines, &o->cap_lines, pg->n_lines, sizeof(*pg->lines)))
		goto nomem;
	line = &pg->lines[pg->n_lines];
	memset(line, 0, sizeof(*line));
	line->first_word = pg->n_words;
	line->par = (int)pg->n_pars - 1;
	if (from == ln->first && to == ln->first + ln->n) {
		line->work_l = ln->box_l, line->work_t = ln->box_t;
		line->work_r = ln->box_r, line->work_b = ln->box_b;
	} else {
		for (size_t i = from; i < to; i++)
			widen(&line->work_l, &line->work_t, &line->work_r, &line->work_b, i == from,
			      w[i].l, w[i].t, w[i].r, w[i].b);
	}
	line->has_baseline = ln->has_baseline;
	line->base_x1 = ln->bx1, line->base_y1 = ln->by1;
	line->base_x2 = ln->bx2, line->base_y2 = ln->by2;
	lt_transform_box(o->tf, line->work_l, line->work_t, line->work_r, line->work_b, &line->box);
	pg->n_lines++;
	par = &pg->pars[pg->n_pars - 1];
	widen(&par->work_l, &par->work_t, &par->work_r, &par->work_b, par->n_lines == 0,
	      line->work_l, line->work_t, line->work_r, line->work_b);
	par->n_lines++;
	blk = &pg->blocks[pg->n_blocks - 1];
	widen(&blk->work_l, &blk->work_t, &blk->work_r, &blk->work_b,
	      blk->n_pars == 1 && par->n_lines == 1, line->work_l, line->work_t, line->work_r,
	      line->work_b);
	return LT_OK;
nomem:
	return lt_err_set(err, LT_ENOMEM, "out of memory keeping the lines of a page");
}

static int add_word(struct order_out *o, const struct lw_word *w, struct lt_err *err)
{
	struct lt_ocr_page *pg = o->page;
	struct lt_buf nfc = LT_BUF_INIT;
	struct lt_word *word;
	int rc;

	if (grow((void **)&pg->words, &o->cap_words, pg->n_words, sizeof(*pg->words)))
		return lt_err_set(err, LT_ENOMEM, "out of memory keeping the words of a page");
	rc = lt_text_nfc(w->text, strlen(w->text), &nfc, err);
	if (rc) {
		lt_buf_release(&nfc);
		return rc;
	}
	word = &pg->words[pg->n_words];
	memset(word, 0, sizeof(*word));
	word->text = lt_buf_detach(&nfc);
	if (!word->text)
		return lt_err_set(err, LT_ENOMEM, "out of memory keeping the words of a page");
	lt_transform_box(o->tf, w->l, w->t, w->r, w->b, &word->box);
	word->work_l = w->l, word->work_t = w->t, word->work_r = w->r, word->work_b = w->b;
	word->confidence = w->conf;
	memcpy(word->lang, w->lang, sizeof(word->lang));
	word->line = o->line;
	pg->n_words++;
	pg->lines[pg->n_lines - 1].n_words++;
	return LT_OK;
}

/* One output line: the words [from, to) of Tesseract's line ln. side: the
 * column of a two-column run (0 left, 1 right), -1 outside runs. A new block
 * starts with a run's column, or outside runs with Tesseract's next block or
 * right after a run; a new paragraph where the text has a blank line. */
static int put_words(struct order_out *out, const struct lw_word *w, const struct lw_line *ln,
		     size_t from, size_t to, int side, int blank_before, struct lt_err *err)
{
	int rc = LT_OK;

	if (out->page) {
		int new_block = side >= 0 ? side != out->last_side
			: out->last_side >= 0 || ln->block != out->last_block;

		rc = open_line(out, w, ln, from, to, new_block, blank_before, err);
		out->last_block = ln->block;
		out->last_side = side;
	}
	for (size_t i = from; i < to && !rc; i++) {
		rc = lt_buf_puts(out->text, w[i].text, err);
		if (!rc)
			rc = lt_buf_puts(out->text, i + 1 < to ? " " : "\n", err);
		if (!rc && out->page)
			rc = add_word(out, &w[i], err);
	}
	out->line++;
	return rc;
}

/* Lines [a, b) form a run over the gap: every left part, then every right. */
static int put_run(struct order_out *out, const struct lw_word *w, const struct lw_line *ln, size_t a,
		   size_t b, int gl, int gr, int blank_before, struct lt_err *err)
{
	int rc = LT_OK;

	/* A run never continues one before it: its left column is a block of
	 * its own even right after another run. */
	out->last_side = -1;
	for (int side = 0; side < 2 && !rc; side++)
		for (size_t i = a; i < b && !rc; i++) {
			/* A line on one side only: its centre says which. */
			size_t cut = ln[i].split ? ln[i].split : ln[i].l + ln[i].r < gl + gr ? ln[i].n : 0;
			size_t from = side ? ln[i].first + cut : ln[i].first;
			size_t to = side ? ln[i].first + ln[i].n : ln[i].first + cut;

			if (from < to) {
				rc = put_words(out, w, &ln[i], from, to, side, blank_before, err);
				blank_before = 0;
			}
		}
	return rc;
}

void lt_ocr_page_release(struct lt_ocr_page *page)
{
	if (!page)
		return;
	for (size_t i = 0; i < page->n_words; i++)
		free(page->words[i].text);
	free(page->words);
	free(page->lines);
	free(page->pars);
	free(page->blocks);
	memset(page, 0, sizeof(*page));
}

int lt_reading_order_text(TessBaseAPI *api, struct lt_buf *out, struct lt_err *err)
{
	return lt_reading_order_page(api, NULL, out, NULL, err);
}

int lt_reading_order(TessBaseAPI *api, const struct lt_page_transform *tf, struct lt_buf *text,
		     struct lt_word **words, size_t *n_words, struct lt_err *err)
{
	struct lt_ocr_page page;
	int rc;

	*words = NULL;
	*n_words = 0;
	rc = lt_reading_order_page(api, tf, text, &page, err);
	if (rc)
		return rc;
	*words = page.words;
	*n_words = page.n_words;
	page.words = NULL;
	page.n_words = 0;
	lt_ocr_page_release(&page);
	return LT_OK;
}

int lt_reading_order_page(TessBaseAPI *api, const struct lt_page_transform *tf,
			  struct lt_buf *text, struct lt_ocr_page *page, struct lt_err *err)
{
	TessResultIterator *it = NULL;
	struct lt_page_transform identity;
	struct order_out out = { .text = text, .tf = tf, .page = page, .last_block = -1,
				 .last_side = -1 };
	struct lw_word *w = NULL;
	struct lw_line *ln = NULL;
	size_t nw = 0, cw = 0, nl = 0, cl = 0;
	long conf_sum = 0;
	int rc = LT_OK, block = -1;

	if (page) {
		memset(page, 0, sizeof(*page));
		if (!tf) {
			PIX *img = TessBaseAPIGetInputImage(api);

			lt_transform_identity(&identity, img ? pixGetWidth(img) : 0,
					      img ? pixGetHeight(img) : 0);
			out.tf = tf = &identity;
		}
		page->master_w = tf->master_w;
		page->master_h = tf->master_h;
	}
	it = TessBaseAPIGetIterator(api);
	if (!it)
		return LT_OK; /* nothing recognised: no text */
	do {
		const TessPageIterator *pit = TessResultIteratorGetPageIterator(it);
		char *t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		struct lw_word word;

		if (!t)
			continue;
		if (nw == LAYOUT_MAX_WORDS) {
			TessDeleteText(t);
			rc = lt_err_set(err, LT_EOCR, "more than %d words on one page", LAYOUT_MAX_WORDS);
			goto out;
		}
		TessPageIteratorBoundingBox(pit, RIL_WORD, &word.l, &word.t, &word.r, &word.b);
		word.text = t;
		word.conf = TessResultIteratorConfidence(it, RIL_WORD);
		word.lang[0] = '\0';
		if (page) {
			const char *lang = TessResultIteratorWordRecognitionLanguage(it);

			snprintf(word.lang, sizeof(word.lang), "%s", lang ? lang : "");
		}
		if (grow((void **)&w, &cw, nw, sizeof(*w))) {
			TessDeleteText(t);
			goto nomem;
		}
		/* Each IsAtBeginningOf of Tesseract's result iterator reorders the
		 * whole line (its bidi support): asked once a word for the line,
		 * and for the block and paragraph only where a line starts, which
		 * both imply, the walk costs about half as much. */
		if (nl == 0 || TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE)) {
			struct lw_line *line;

			if (TessPageIteratorIsAtBeginningOf(pit, RIL_BLOCK))
				block++;

			if (grow((void **)&ln, &cl, nl, sizeof(*ln))) {
				TessDeleteText(t);
				goto nomem;
			}
			line = &ln[nl++];
			memset(line, 0, sizeof(*line));
			line->first = nw;
			line->para = TessPageIteratorIsAtBeginningOf(pit, RIL_PARA);
			line->block = block < 0 ? 0 : block;
			if (page) {
				TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &line->box_l, &line->box_t,
							    &line->box_r, &line->box_b);
				line->has_baseline = TessPageIteratorBaseline(pit, RIL_TEXTLINE,
									      &line->bx1, &line->by1,
									      &line->bx2, &line->by2) != 0;
			}
		}
		/* As TessBaseAPIMeanTextConf counts: whole numbers, every word. */
		conf_sum += (long)word.conf;
		w[nw++] = word;
		ln[nl - 1].n++;
	} while (TessResultIteratorNext(it, RIL_WORD));
	if (page && nw > 0)
		page->mean_confidence = (double)(conf_sum / (long)nw);

	for (size_t i = 0; i < nl; i++)
		find_split(&ln[i], w);
	for (size_t i = 0; i < nl && !rc;) {
		size_t j = i + 1;
		int gl, gr, blank = i > 0 && ln[i].para;

		if (blank)
			rc = lt_buf_puts(text, "\n", err);
		if (rc)
			break;
		if (!ln[i].split) {
			rc = put_words(&out, w, &ln[i], ln[i].first, ln[i].first + ln[i].n, -1, blank,
				       err);
			i++;
			continue;
		}
		/* Grow the run while lines share the gap or stand on one side. */
		gl = ln[i].gl;
		gr = ln[i].gr;
		for (; j < nl; j++) {
			if (ln[j].split) {
				int l = ln[j].gl > gl ? ln[j].gl : gl, r = ln[j].gr < gr ? ln[j].gr : gr;

				if (l >= r)
					break;
				gl = l;
				gr = r;
			} else if (!(ln[j].r <= gr || ln[j].l >= gl)) {
				break;
			}
		}
		/* Whatever follows a run starts a block of its own: put_words
		 * leaves last_side >= 0. */
		rc = put_run(&out, w, ln, i, j, gl, gr, blank, err);
		i = j;
	}
	if (!rc && page) {
		for (size_t i = 0; i < page->n_pars; i++) {
			struct lt_ocr_par *p = &page->pars[i];

			lt_transform_box(tf, p->work_l, p->work_t, p->work_r, p->work_b, &p->box);
		}
		for (size_t i = 0; i < page->n_blocks; i++) {
			struct lt_ocr_block *b = &page->blocks[i];

			lt_transform_box(tf, b->work_l, b->work_t, b->work_r, b->work_b, &b->box);
		}
	}
	goto out;
nomem:
	rc = lt_err_set(err, LT_ENOMEM, "out of memory ordering the text of a page");
out:
	for (size_t i = 0; i < nw; i++)
		TessDeleteText(w[i].text);
	free(w);
	free(ln);
	TessResultIteratorDelete(it);
	if (rc && page)
		lt_ocr_page_release(page);
	return rc;
}
