/* quality.h - how far a page's OCR can be trusted, so that pages worth a
 * person's look are flagged for review with the reason, and blank pages are
 * named as such (never dropped).
 *
 * The score (0-1) is the share of word tokens that are plausible text (below)
 * times a weighted mean of three signals, each 0-1:
 *   LT_QUALITY_W_CONF      mean word confidence (Tesseract's, over 100);
 *   LT_QUALITY_W_LOW       1 - share of words below LT_QUALITY_LOW_WORD_CONF;
 *   LT_QUALITY_W_DENSITY   characters per square inch over
 *                          LT_QUALITY_EXPECTED_CHARS_PER_SQIN, capped at 1.
 * Plausibility multiplies rather than adds: text Tesseract reads confidently
 * but that is no words (random glyphs, a barcode) must not score well.
 *
 * Plausible tokens (an ALTO String, or a run of Tesseract's text between
 * spaces): a Vietnamese syllable (optional initial consonant from
 * the closed set, a vowel nucleus from the closed set of Vietnamese vowel
 * clusters, optional final from {c, ch, m, n, ng, nh, p, t} with i/y and o/u
 * as glides inside the nucleus, at most one tone mark, a stop final only with
 * the acute or dot-below tone), OR a plain ASCII word of letters that looks
 * like a word (lower case, Capitalised or ALL CAPS; up to 3 letters, or at
 * least one vowel (y included) and no run of more than 4 consonants), OR a
 * number. Why both: Vietnamese documents carry English words and Latin
 * abbreviations (UBND, CT/TW), and English pages must not be judged as bad
 * Vietnamese; a dictionary would tie the score to one language's word list.
 * Random glyphs fail both: mixed case, consonant runs, letters outside
 * Vietnamese and English, marks where Vietnamese has none.
 */
#ifndef LUUTRU_QUALITY_H
#define LUUTRU_QUALITY_H

#include <leptonica/allheaders.h>
#include <stddef.h>
#include <tesseract/capi.h>

#include "luutru/doc.h"
#include "luutru/err.h"

/* A word below this confidence (Tesseract's 0-100) counts as doubtful. */
#define LT_QUALITY_LOW_WORD_CONF 60.0
/* Weights of the score's signals; they sum to 1. */
#define LT_QUALITY_W_CONF 0.60
#define LT_QUALITY_W_LOW 0.25
#define LT_QUALITY_W_DENSITY 0.15
/* A full page of body text at any resolution holds 20-35 characters per
 * square inch; half of a sparse letter page still counts as full density. */
#define LT_QUALITY_EXPECTED_CHARS_PER_SQIN 10.0
/* Blank: dark pixels (after dropping specks) cover less than this share of
 * the page's inner area (5% margins ignored, where scanner edges lie)... */
#define LT_QUALITY_BLANK_INK 0.001
/* ...or fewer characters than this were read and the ink stays below
 * LT_QUALITY_FAINT_INK (a stray mark, a punched hole). */
#define LT_QUALITY_BLANK_MAX_CHARS 4
#define LT_QUALITY_FAINT_INK 0.005
/* Neither is blank a page Tesseract read at least this many words of, with
 * the confidence and the plausibility an unflagged page needs: its ink is
 * faint (a faded carbon copy, strokes lighter than the ink threshold), not
 * missing. Specks on a blank page yield a word or two, and doubtful ones. */
#define LT_QUALITY_TEXT_MIN_WORDS 10
/* Low confidence: mean word confidence below this (0-1), or more than
 * LT_QUALITY_MAX_LOW_SHARE of the words below LT_QUALITY_LOW_WORD_CONF. */
#define LT_QUALITY_MIN_MEAN_CONF 0.65
#define LT_QUALITY_MAX_LOW_SHARE 0.35
/* Garbage: fewer than this share of the tokens is plausible text, or a page
 * with ink gave no words at all. */
#define LT_QUALITY_MIN_PLAUSIBLE 0.60
/* Below this score a page is flagged for review even without another flag. */
#define LT_QUALITY_REVIEW_SCORE 0.60

enum lt_quality_flag {
	LT_QUALITY_BLANK = 1 << 0,          /* no or almost no ink or text */
	LT_QUALITY_LOW_CONFIDENCE = 1 << 1, /* Tesseract doubts its reading */
	LT_QUALITY_GARBAGE = 1 << 2,        /* the text is not plausible words */
	LT_QUALITY_LOW_SCORE = 1 << 3,      /* score below LT_QUALITY_REVIEW_SCORE */
};

struct lt_quality {
	double score;           /* 0-1; 0 for a blank page (nothing to trust) */
	unsigned flags;         /* enum lt_quality_flag bits; 0: no review needed */
	char reason[256];       /* the flags in words with their figures; "" when flags == 0 */
	/* The signals, for show and for tuning: */
	int words;              /* word tokens with text */
	int chars;              /* characters in them */
	double mean_conf;       /* 0-1; 0 without words */
	double low_conf_share;  /* share of words below LT_QUALITY_LOW_WORD_CONF */
	double plausible_share; /* share of plausible tokens; 0 without words */
	double density;         /* 0-1, see LT_QUALITY_W_DENSITY */
	double ink;             /* share of dark pixels in the inner area */
};

/* Scores the page whose recognition is page (borrowed; the page result of
 * lt_reading_order_page, preprocess.h; NULL when nothing was recognised) on
 * the working image (borrowed) Tesseract read, at dpi (<= 0: 300). Words
 * are those with text, as ALTO and hOCR write them. A page without words is
 * scored from the image alone: blank or garbage. Returns LT_OK, LT_EINPUT
 * for a NULL or empty image, LT_ENOMEM. */
int lt_quality_assess(const struct lt_ocr_page *page, PIX *working, int dpi,
		      struct lt_quality *q, struct lt_err *err);

/* Share of dark pixels in the inner area of pix (borrowed), specks of one
 * pixel dropped. Returns -1 when pix cannot be measured. */
double lt_quality_ink(PIX *pix);

/* 1 when the UTF-8 token s[0..len) is plausible text (see above), else 0.
 * Leading and trailing punctuation is ignored; a token of one punctuation
 * mark is plausible, longer punctuation-only tokens are not. */
int lt_quality_token_plausible(const char *s, size_t len);

/* 1 when the UTF-8 s[0..len) is one valid Vietnamese syllable, any case. */
int lt_quality_vietnamese_syllable(const char *s, size_t len);

#endif
