/* preprocess.h - shapes a page image for recognition: orientation, deskew,
 * negatives, dark scanner borders, uneven light, dust, resolution.
 *
 * Everything works on a copy: the master PIX is never modified (the bundle
 * keeps the scan byte for byte; only what Tesseract sees changes). The result
 * records what was done, so the catalog can show it and the ALTO writer can
 * map word boxes back onto the master (see "Coordinates" below).
 *
 * Cost, measured on 300-dpi A4 pages (2 cores): about 0.05-0.1 s on an
 * upright straight grey page, i.e. a few percent of recognition (~1.5 s);
 * a skewed page adds one area-mapped rotation (~0.1 s). Orientation and skew
 * detection themselves take ~0.012 s and ~0.005 s of CPU (under 1% of
 * recognition); Tesseract's OSD, asked only where Leptonica is unsure, costs
 * ~0.35 s, which the cheap upright check (orient_lines_conf) keeps off
 * upright pages whose text lines are clearly horizontal.
 */
#ifndef LUUTRU_PREPROCESS_H
#define LUUTRU_PREPROCESS_H

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "luutru/buf.h"
#include "luutru/err.h"
#include "luutru/marks.h"
#include "luutru/transform.h"

struct lt_word;     /* doc.h */
struct lt_ocr_page; /* doc.h */

/* Switches and thresholds. Fill with lt_preprocess_opts_default(), then
 * turn steps off or override. */
struct lt_preprocess_opts {
	int orient;          /* detect and correct 0/90/180/270 (Leptonica, cheap) */
	int deskew;          /* find the skew and rotate it away */
	int invert;          /* turn a negative (light text on a dark ground) positive */
	int one_tone;        /* tell a page of one tone (blank, noise only): LT_PP_ONE_TONE */
	int border;          /* paint dark scanner borders white */
	int normalise;       /* background normalisation on grey pages whose light is uneven */
	int despeckle;       /* remove specks far smaller than the type where there are many */
	int binarise;        /* hand Tesseract a 1-bpp page instead of grey */
	int upscale;         /* upscale pages below min_dpi for recognition */
	int downscale;       /* read pages above max_dpi at target_dpi */
	int dpi;             /* > 0: the master's resolution, whatever its header says */
	int min_dpi;         /* pages below this are upscaled to target_dpi (100). Measured:
	                      * grey pages at 120-200 dpi read better left as they are
	                      * (Tesseract scales by the resolution it is told), bitonal
	                      * 200-dpi pages the same either way. */
	int max_dpi;         /* pages above this are read at target_dpi (450). Measured on
	                      * 12 pages made at 600 dpi (Vietnamese templates, Vietnamese
	                      * bitonal 8-10 pt, English JPEG 9-11 pt): CER 0.25% read at
	                      * 300 against 0.34% as scanned, 21% less time, peak memory
	                      * 213-258 MB against 310-314; 400-dpi scans (FADGI's for
	                      * text) are read as they are. */
	int target_dpi;      /* 300 */
	float orient_min_conf;  /* Leptonica up/down confidence needed to decide (5.0) */
	float orient_turn_conf; /* and needed to turn the page; weaker: unsure, ask OSD (8.0) */
	float orient_min_ratio; /* and its ratio over the other axis (2.5) */
	/* The cheap upright check that spares most upright pages OSD: when the
	 * skew finder sees horizontal text lines with at least this confidence
	 * (8.0; measured: 13-41 on upright and upside-down pages, 2.0-2.4 on
	 * sideways ones, whose lines run down the page), the page is upright or
	 * upside down, and an up confidence of orient_lines_up (2.0) or more,
	 * orient_lines_ratio (1.5) times the left/right one, says upright.
	 * Measured: upright pages Leptonica alone left unsure have ratios of
	 * 1.9-3.5; sideways pages (whose skew confidence can be as high:
	 * templates have ruled lines) below 1. Needs deskew on. */
	float orient_lines_conf;
	float orient_lines_up;
	float orient_lines_ratio;
	float skew_min_deg;     /* smaller skews are left alone (0.1) */
	float skew_max_deg;     /* the skew finder sweeps +-this (10.0; it reports no confidence near the ends) */
	float skew_min_conf;    /* Leptonica skew confidence needed to rotate (2.5) */
};

/* Steps recorded in lt_preprocess_result.steps (bit set). */
enum {
	LT_PP_GREY      = 1 << 0, /* colour or palette page turned to 8-bpp grey */
	LT_PP_BORDER    = 1 << 1, /* dark border painted white */
	LT_PP_NORMALISE = 1 << 2, /* background normalised */
	LT_PP_ROTATE    = 1 << 3, /* orthogonal rotation applied */
	LT_PP_DESKEW    = 1 << 4, /* skew rotation applied */
	LT_PP_UPSCALE   = 1 << 5, /* scaled up for recognition */
	LT_PP_BINARISE  = 1 << 6, /* handed to Tesseract as 1 bpp */
	LT_PP_DPI_GUESS = 1 << 7, /* the header's resolution was missing or absurd: 300 assumed */
	LT_PP_INVERT    = 1 << 8, /* a negative, turned positive */
	LT_PP_DOWNSCALE = 1 << 9, /* scaled down for recognition */
	LT_PP_DESPECKLE = 1 << 11, /* specks (dust, grain) painted the paper's level */
	LT_PP_ONE_TONE  = 1 << 10, /* one tone, nothing to read: no other step taken, and the
	                            * page is not to be recognised (*work is the grey page) */
};

/* What was applied to one page.
 *
 * Coordinates. The working image is the master after, in this order:
 *   1. rotation by `orientation` degrees clockwise (0, 90, 180, 270), which
 *      turns the master (master_w x master_h) into the upright image
 *      (upright_w x upright_h; sides swapped for 90 and 270);
 *   2. rotation by `skew_deg` degrees about the upright image's centre
 *      (upright_w / 2, upright_h / 2, integer division), size unchanged,
 *      white brought in. Positive = clockwise as seen on screen (y down),
 *      Leptonica's convention: a point at offset (dx, dy) from the centre
 *      moves to (dx cos a - dy sin a, dx sin a + dy cos a);
 *   3. scaling of both axes by `scale` (1.0 unless upscaled or downscaled).
 * No crop is made (borders are painted, not cut), so crop_x/crop_y are 0.
 * To map a point (x, y) of the working image back onto the master, undo them
 * in reverse: divide by scale; rotate by -skew_deg about the same centre;
 * undo the orthogonal rotation, with pixel edges as coordinates (a pixel i
 * spans [i, i+1)):
 *     90:  master (x, y) = (y',            upright_w - x')
 *     180: master (x, y) = (master_w - x', master_h - y')
 *     270: master (x, y) = (upright_h - y', x')
 * lt_preprocess_transform() hands it to transform.h, which implements it. */
struct lt_preprocess_result {
	int orientation;         /* degrees clockwise applied to make the page upright */
	int orientation_unsure;  /* the cheap detector could not decide: ask OSD */
	int orientation_by_osd;  /* decided by lt_preprocess_osd() */
	float orient_upconf, orient_leftconf; /* Leptonica's signals (for review) */
	/* The type's size on the analysis copy (median letter height, px; 0
	 * when not measured) and whether orientation was decided on a copy at
	 * twice the scale because the type was too small for the finder. */
	int letter_px, orient_doubled;
	int specks_removed;      /* LT_PP_DESPECKLE: how many specks were painted out */
	float skew_deg;          /* applied, degrees, clockwise positive; 0 if none */
	float skew_found_deg;    /* what the finder measured, even if not applied */
	float skew_conf;
	float scale;             /* working / upright-and-deskewed size */
	int dpi;                 /* master's resolution as used */
	int work_dpi;            /* dpi * scale: tell Tesseract this */
	int crop_x, crop_y;      /* always 0: borders are painted, not cropped */
	int master_w, master_h;
	int upright_w, upright_h;
	unsigned steps;          /* LT_PP_* bits */
	/* The marks above and below letters on the upright analysis copy
	 * (marks.h); zero letters when not measured: no analysis copy (its
	 * steps off, a page of one tone) or an orientation left unsure. */
	struct lt_marks marks;
	double seconds;          /* wall time spent in lt_preprocess_page (+ OSD) */
	/* CPU seconds of the calling thread (CLOCK_THREAD_CPUTIME_ID) in
	 * orientation detection (Leptonica's, and OSD's when asked, the skew
	 * rotation of its analysis copy included) and in skew detection, summed
	 * over every measurement: struct lt_page's timings (doc.h). */
	double orientation_seconds, skew_seconds;
};

/* Every step on, 300 dpi assumed when unknown, Leptonica's usual thresholds. */
void lt_preprocess_opts_default(struct lt_preprocess_opts *opts);

/* Makes the working image for recognition from master (borrowed, not
 * modified; any depth, colormap allowed). On success *work is owned by the
 * caller (pixDestroy) and res is filled; on failure *work is NULL.
 * opts NULL means the defaults. Errors: LT_EINPUT (empty or unusable image),
 * LT_ENOMEM. */
int lt_preprocess_page(PIX *master, const struct lt_preprocess_opts *opts, PIX **work,
		       struct lt_preprocess_result *res, struct lt_err *err);

/* The expensive second opinion for pages where res->orientation_unsure:
 * Tesseract's orientation and script detection (~0.35 s). api must be a
 * handle of its own initialised with the language "osd" (Debian:
 * tesseract-ocr-osd), e.g. TessBaseAPIInit3(api, tessdata, "osd"): a handle
 * initialised for recognition (vie+eng) does not carry the OSD model and
 * answers 270 degrees whatever the page. Its image is replaced.
 * On a confident answer *work is replaced by a rotated copy (the old one is
 * destroyed), res->orientation is updated (and remains the whole clockwise
 * rotation from the master), orientation_by_osd is set and orientation_unsure
 * cleared; the skew is measured again on the turned page when it was not
 * applied before and opts->deskew is on (opts NULL: defaults).
 * An OSD that cannot decide leaves everything as it was and returns LT_OK. */
int lt_preprocess_osd(TessBaseAPI *api, const struct lt_preprocess_opts *opts, PIX **work,
		      struct lt_preprocess_result *res, struct lt_err *err);

/* The same mapping as a struct lt_page_transform (transform.h), whose
 * lt_transform_point()/lt_transform_box() map working-image coordinates
 * onto the master: what the ALTO writer and the hOCR boxes use. */
void lt_preprocess_transform(const struct lt_preprocess_result *res, struct lt_page_transform *tf);

/* The steps as a short list for the catalog and `show`, e.g.
 * "rotate 90, deskew -2.41, border, normalise, upscale 1.50 (200 dpi)".
 * Writes at most size bytes, always NUL-terminated; returns out. */
char *lt_preprocess_describe(const struct lt_preprocess_result *res, char *out, size_t size);

/* After TessBaseAPIRecognize: appends the page's text to out in reading
 * order, one line per line, a blank line between paragraphs. Where Tesseract
 * merged two columns into single lines (the header of a Vietnamese
 * administrative document: issuing body and number on the left, national
 * motto, place and date on the right; a signature area), the left column is
 * read to its foot, then the right one: a line splits at a gap wider than
 * twice its height, and consecutive lines that split over a common gap, or
 * stand wholly on one side of it, are read column by column. The text is
 * Tesseract's (UTF-8, not yet NFC). Errors: LT_ENOMEM, LT_EOCR. */
int lt_reading_order_text(TessBaseAPI *api, struct lt_buf *out, struct lt_err *err);

/* The one walk over Tesseract's result a page needs: the text into text as
 * above and, when page is not NULL, the page result (doc.h) in that very
 * order - blocks, paragraphs, output lines (a line split over two columns
 * gives two), words in NFC with their boxes in working-image pixels and
 * mapped onto the master by tf (NULL: the image Tesseract read is the master)
 * - from which the hOCR (hocr.h), ALTO (alto.h), quality score (quality.h)
 * and the PDF's words are made, so all of them read in the same order. A new
 * block starts with Tesseract's next block, with each column of a two-column
 * run and after one; a new paragraph where the text has a blank line.
 * page is overwritten (not released first): release it with
 * lt_ocr_page_release, also after a failure (it is left empty then).
 * Errors: LT_ENOMEM, LT_EOCR (more words than a page can hold), LT_EINPUT
 * (Tesseract's text is not valid UTF-8). */
int lt_reading_order_page(TessBaseAPI *api, const struct lt_page_transform *tf,
			  struct lt_buf *text, struct lt_ocr_page *page, struct lt_err *err);

/* Frees everything page holds and empties it. NULL-safe. */
void lt_ocr_page_release(struct lt_ocr_page *page);

/* lt_reading_order_page keeping only the words: *words owned by the caller
 * (free each text then the array; lt_page_drop_words does); *words is NULL
 * and *n_words 0 for a page without words. */
int lt_reading_order(TessBaseAPI *api, const struct lt_page_transform *tf, struct lt_buf *text,
		     struct lt_word **words, size_t *n_words, struct lt_err *err);

#endif
