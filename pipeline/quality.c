/* quality.c - a page's OCR quality score and review flags.
 *
 * Signals come from the page result's words (doc.h: Tesseract's confidences,
 * the words' text) and from
 * the image itself (ink), so that a blank page is recognised as blank even
 * when Tesseract hallucinates a word or two in the specks. The Vietnamese
 * syllable check works on the NFD, case-folded form: tone marks and vowel
 * modifiers are then separate code points and the syllable's structure can
 * be read off letter by letter.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "luutru/hocr.h"
#include "luutru/quality.h"
#include "luutru/text.h"

/* Vowel modifiers folded into one letter each: â A, ă B, ê E, ô O, ơ W, ư U;
 * đ is D. */
static const char *const initials[] = {
	"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "D",
	"g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
};
static const char *const nuclei[] = {
	"a", "B", "A", "e", "E", "i", "o", "O", "W", "u", "U", "y",
	"ai", "ao", "au", "ay", "Au", "Ay", "eo", "Eu", "ia", "iE", "iu", "oa", "oB", "oe", "oi",
	"oo", "Oi", "Wi", "ua", "uA", "uE", "ui", "uO", "uW", "uy", "Ua", "Ui", "UW", "Uu", "yE",
	"iEu", "oai", "oay", "oeo", "uAy", "uOi", "uya", "uyE", "uyu", "UWi", "UWu", "yEu",
};
static const char *const finals[] = { "", "c", "ch", "m", "n", "ng", "nh", "p", "t" };

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int in_set(const char *s, size_t len, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(set[i]) == len && memcmp(set[i], s, len) == 0)
			return 1;
	return 0;
}

static int is_vowel_letter(char c)
{
	return c && strchr("aBAeEioOWuUy", c) != NULL;
}

/* Parses letters (our alphabet) as initial + nucleus + final. stop_tone: the
 * tone is acute or dot below, the only ones a stop final (c, ch, p, t) takes. */
static int parse_syllable(const char *l, size_t n, int stop_tone)
{
	for (size_t i = 0; i < N_ELEMS(initials); i++) {
		size_t il = strlen(initials[i]), v = il;

		if (il > n || memcmp(l, initials[i], il) != 0)
			continue;
		while (v < n && is_vowel_letter(l[v]))
			v++;
		if (v == il || !in_set(l + il, v - il, nuclei, N_ELEMS(nuclei)) ||
		    !in_set(l + v, n - v, finals, N_ELEMS(finals)))
			continue;
		/* l is not terminated: an open syllable (v == n) has no final. */
		if (v < n && (l[v] == 'c' || l[v] == 'p' || l[v] == 't') && !stop_tone)
			continue;
		return 1;
	}
	return 0;
}

int lt_quality_vietnamese_syllable(const char *s, size_t len)
{
	utf8proc_uint8_t *nfd = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &nfd,
					  UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	char l[16];
	size_t nl = 0;
	int tones = 0, stop_tone = 0, ok = n > 0;

	for (utf8proc_ssize_t i = 0; ok && i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(nfd + i, n - i, &c);
		char *prev = nl ? &l[nl - 1] : NULL;

		if (k <= 0)
			break;
		i += k;
		if (c >= 'a' && c <= 'z' && c != 'f' && c != 'j' && c != 'w' && c != 'z')
			ok = nl < sizeof(l) - 1 && (l[nl++] = (char)c);
		else if (c == 0x111) /* đ */
			ok = nl < sizeof(l) - 1 && (l[nl++] = 'D');
		else if (c == 0x302 && prev && strchr("aeo", *prev)) /* circumflex */
			*prev = *prev == 'a' ? 'A' : *prev == 'e' ? 'E' : 'O';
		else if (c == 0x306 && prev && *prev == 'a') /* breve */
			*prev = 'B';
		else if (c == 0x31b && prev && (*prev == 'o' || *prev == 'u')) /* horn */
			*prev = *prev == 'o' ? 'W' : 'U';
		else if (c == 0x301 || c == 0x323) /* acute, dot below */
			tones++, stop_tone = 1;
		else if (c == 0x300 || c == 0x303 || c == 0x309) /* grave, tilde, hook above */
			tones++;
		else
			ok = 0;
	}
	free(nfd);
	return ok && nl > 0 && tones <= 1 && parse_syllable(l, nl, stop_tone);
}

static int is_upper_ascii(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower_ascii(char c) { return c >= 'a' && c <= 'z'; }

/* A word of ASCII letters that looks like a word, in any language written
 * with them: a consistent case pattern and pronounceable letter runs. */
static int ascii_word(const char *s, size_t n)
{
	size_t vowels = 0, run = 0, max_run = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!is_upper_ascii(c) && !is_lower_ascii(c))
			return 0;
		/* lower, Capitalised or ALL CAPS */
		if (i > 0 && is_upper_ascii(c) != is_upper_ascii(s[1]))
			return 0;
		if (strchr("aeiouyAEIOUY", c)) {
			vowels++;
			run = 0;
		} else if (++run > max_run) {
			max_run = run;
		}
	}
	if (n <= 3)
		return 1;
	return vowels > 0 && max_run <= 4;
}

/* ALL CAPS abbreviations, Vietnamese ones included (UBND, HĐND, QĐ). */
static int abbreviation(const char *s, size_t n)
{
	size_t letters = 0;

	for (size_t i = 0; i < n; i++, letters++) {
		if (is_upper_ascii(s[i]))
			continue;
		if (i + 1 < n && (unsigned char)s[i] == 0xc4 && (unsigned char)s[i + 1] == 0x90) { /* Đ */
			i++;
			continue;
		}
		return 0;
	}
	return letters >= 2 && letters <= 6;
}

static int run_plausible(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1; /* numbers and codes: 05, 2016, 1127 */
	return lt_quality_vietnamese_syllable(s, n) || ascii_word(s, n) || abbreviation(s, n);
}

int lt_quality_token_plausible(const char *s, size_t len)
{
	size_t pos = 0, start, end;
	int runs = 0;

	while (lt_text_next_word(s, len, &pos, &start, &end)) {
		runs++;
		if (!run_plausible(s + start, end - start))
			return 0;
	}
	if (runs > 0)
		return 1;
	/* Punctuation alone: one mark (a dash, a bullet) is ordinary. */
	{
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &c);

		return k > 0 && (size_t)k == len;
	}
}

double lt_quality_ink(PIX *pix)
{
	PIX *grey = NULL, *inner = NULL, *bin = NULL, *clean = NULL;
	BOX *box = NULL;
	l_int32 w, h, dark = 0;
	double ink = -1;

	if (!pix || pixGetWidth(pix) < 1 || pixGetHeight(pix) < 1)
		return -1;
	w = pixGetWidth(pix);
	h = pixGetHeight(pix);
	/* 5% margins: scanner edges and punched holes live there. */
	box = boxCreate(w / 20, h / 20, w - 2 * (w / 20), h - 2 * (h / 20));
	/* Only read below: a grey page is measured as it is, not copied. */
	grey = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixClone(pix) : pixConvertTo8(pix, 0);
	inner = grey && box ? pixClipRectangle(grey, box, NULL) : NULL;
	bin = inner ? pixThresholdToBinary(inner, 128) : NULL;
	/* An opening drops one-pixel specks (scanner dust) but keeps strokes. */
	clean = bin ? pixOpenBrick(NULL, bin, 2, 2) : NULL;
	if (clean && pixCountPixels(clean, &dark, NULL) == 0)
		ink = (double)dark / ((double)pixGetWidth(clean) * pixGetHeight(clean));
	pixDestroy(&clean);
	pixDestroy(&bin);
	pixDestroy(&inner);
	pixDestroy(&grey);
	boxDestroy(&box);
	return ink;
}

static void add_reason(struct lt_quality *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_reason(struct lt_quality *q, const char *fmt, ...)
{
	size_t used = strlen(q->reason);
	va_list ap;

	if (used && used + 2 < sizeof(q->reason)) {
		strcpy(q->reason + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(q->reason + used, sizeof(q->reason) - used, fmt, ap);
	va_end(ap);
}

/* Text read in quantity, with confidence and as words (quality.h). */
static int read_as_text(const struct lt_quality *q)
{
	return q->words >= LT_QUALITY_TEXT_MIN_WORDS && q->mean_conf >= LT_QUALITY_MIN_MEAN_CONF &&
		q->plausible_share >= LT_QUALITY_MIN_PLAUSIBLE;
}

int lt_quality_assess(const struct lt_ocr_page *page, PIX *working, int dpi,
		      struct lt_quality *q, struct lt_err *err)
{
	int low = 0, plausible = 0;
	double conf_sum = 0, sq_in;

	*q = (struct lt_quality){ 0 };
	if (!working || pixGetWidth(working) < 1 || pixGetHeight(working) < 1)
		return lt_err_set(err, LT_EINPUT, "cannot score page quality without a page image");
	if (dpi <= 0)
		dpi = 300;
	q->ink = lt_quality_ink(working);
	if (q->ink < 0)
		return lt_err_set(err, LT_ENOMEM, "out of memory measuring the ink on a page");
	for (size_t w = 0; page && w < page->n_words; w++) {
		const char *text = page->words[w].text;
		float c = page->words[w].confidence;
		size_t len;

		if (!lt_hocr_has_text(text))
			continue;
		len = strlen(text);
		q->words++;
		for (size_t i = 0; i < len; i++)
			q->chars += ((unsigned char)text[i] & 0xc0) != 0x80;
		conf_sum += c < 0 ? 0 : c > 100 ? 100 : c;
		low += c < LT_QUALITY_LOW_WORD_CONF;
		plausible += lt_quality_token_plausible(text, len);
	}
	sq_in = (double)pixGetWidth(working) * pixGetHeight(working) / ((double)dpi * dpi);
	q->density = q->chars / sq_in / LT_QUALITY_EXPECTED_CHARS_PER_SQIN;
	if (q->density > 1)
		q->density = 1;
	if (q->words > 0) {
		q->mean_conf = conf_sum / q->words / 100.0;
		q->low_conf_share = (double)low / q->words;
		q->plausible_share = (double)plausible / q->words;
	}

	if (!read_as_text(q) && (q->ink < LT_QUALITY_BLANK_INK ||
	    (q->chars < LT_QUALITY_BLANK_MAX_CHARS && q->ink < LT_QUALITY_FAINT_INK))) {
		/* Nothing to trust on a blank page; the flag says why. */
		q->flags |= LT_QUALITY_BLANK;
		add_reason(q, "blank page (ink %.2f%%, %d characters read)", 100 * q->ink, q->chars);
		return LT_OK;
	}
	/* Plausibility multiplies: confidently read garbage is still garbage. */
	q->score = q->plausible_share *
		   (LT_QUALITY_W_CONF * q->mean_conf + LT_QUALITY_W_LOW * (1 - q->low_conf_share) +
		    LT_QUALITY_W_DENSITY * q->density);
	if (q->words == 0) {
		q->score = 0;
		q->flags |= LT_QUALITY_GARBAGE;
		add_reason(q, "no text read on a page with ink (%.1f%%): a picture, or unreadable",
			   100 * q->ink);
		return LT_OK;
	}
	if (q->mean_conf < LT_QUALITY_MIN_MEAN_CONF || q->low_conf_share > LT_QUALITY_MAX_LOW_SHARE) {
		q->flags |= LT_QUALITY_LOW_CONFIDENCE;
		add_reason(q, "low confidence (mean %.2f, %.0f%% of %d words below %.0f)", q->mean_conf,
			   100 * q->low_conf_share, q->words, LT_QUALITY_LOW_WORD_CONF);
	}
	if (q->plausible_share < LT_QUALITY_MIN_PLAUSIBLE) {
		q->flags |= LT_QUALITY_GARBAGE;
		add_reason(q, "garbage text (%.0f%% of %d words plausible)", 100 * q->plausible_share,
			   q->words);
	}
	if (q->score < LT_QUALITY_REVIEW_SCORE) {
		q->flags |= LT_QUALITY_LOW_SCORE;
		add_reason(q, "low quality score %.2f", q->score);
	}
	return LT_OK;
}
