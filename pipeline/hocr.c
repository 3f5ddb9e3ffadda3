/* hocr.c - hOCR from the page result (hocr.h), through xmlw.h.
 *
 * The page result is already in reading order and in master pixels, so this
 * is one loop over blocks, paragraphs, lines and words; what is left to
 * decide is only which elements carry a word with text (Tesseract reports
 * image regions as blank "words"), since empty ones are not written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/hocr.h"
#include "luutru/xmlw.h"

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define XHTML_PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
#define XHTML_SYSTEM "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"

int lt_hocr_has_text(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

/* xml:lang of the document: the first of the page's languages. */
static const char *html_lang(const char *languages)
{
	return strncmp(languages, "vie", 3) == 0 ? "vi" : "en";
}

static void bbox_title(char *out, size_t size, const struct lt_box *b)
{
	snprintf(out, size, "bbox %d %d %d %d", b->x, b->y, b->x + b->w, b->y + b->h);
}

static int line_has_text(const struct lt_ocr_page *pg, const struct lt_ocr_line *ln)
{
	for (size_t i = ln->first_word; i < ln->first_word + ln->n_words; i++)
		if (lt_hocr_has_text(pg->words[i].text))
			return 1;
	return 0;
}

static int par_has_text(const struct lt_ocr_page *pg, const struct lt_ocr_par *p)
{
	for (size_t i = p->first_line; i < p->first_line + p->n_lines; i++)
		if (line_has_text(pg, &pg->lines[i]))
			return 1;
	return 0;
}

static int block_has_text(const struct lt_ocr_page *pg, const struct lt_ocr_block *b)
{
	for (size_t i = b->first_par; i < b->first_par + b->n_pars; i++)
		if (par_has_text(pg, &pg->pars[i]))
			return 1;
	return 0;
}

/* Tesseract's baseline property: the line y = slope x + offset through its
 * two baseline points, the line box's bottom left corner as origin, both
 * rounded to 3 decimals. Nothing when there is none or it is vertical. */
static void add_baseline(char *title, size_t size, const struct lt_ocr_line *ln)
{
	double x1 = ln->base_x1 - ln->work_l, x2 = ln->base_x2 - ln->work_l;
	double y1 = ln->base_y1 - ln->work_b, y2 = ln->base_y2 - ln->work_b;
	double slope, offset;
	size_t used = strlen(title);

	if (!ln->has_baseline || x1 == x2)
		return;
	slope = (y2 - y1) / (x2 - x1);
	offset = y1 - slope * x1;
	slope = round(slope * 1000.0) / 1000.0;
	offset = round(offset * 1000.0) / 1000.0;
	/* -0 would print as "-0". */
	snprintf(title + used, size - used, "; baseline %g %g", slope + 0.0, offset + 0.0);
}

static void write_line(struct lt_xw *x, const struct lt_ocr_page *pg, const struct lt_ocr_line *ln,
		       const char *par_lang, int page_no, int *line_id, int *word_id)
{
	char title[160];

	lt_xw_start(x, "span");
	lt_xw_attr(x, "class", "ocr_line");
	lt_xw_attrf(x, "id", "line_%d_%d", page_no, ++*line_id);
	bbox_title(title, sizeof(title), &ln->box);
	add_baseline(title, sizeof(title), ln);
	lt_xw_attr(x, "title", title);
	for (size_t i = ln->first_word; i < ln->first_word + ln->n_words; i++) {
		const struct lt_word *w = &pg->words[i];
		size_t used;

		if (!lt_hocr_has_text(w->text))
			continue;
		lt_xw_start(x, "span");
		lt_xw_attr(x, "class", "ocrx_word");
		lt_xw_attrf(x, "id", "word_%d_%d", page_no, ++*word_id);
		bbox_title(title, sizeof(title), &w->box);
		used = strlen(title);
		/* Tesseract writes the whole number, truncated. */
		snprintf(title + used, sizeof(title) - used, "; x_wconf %d", (int)w->confidence);
		lt_xw_attr(x, "title", title);
		if (w->lang[0] && strcmp(w->lang, par_lang) != 0)
			lt_xw_attr(x, "lang", w->lang);
		lt_xw_text(x, w->text);
		lt_xw_end(x);
	}
	lt_xw_end(x);
}

/* A paragraph's lang: its first word's with text, else the page's first. */
static const char *par_language(const struct lt_ocr_page *pg, const struct lt_ocr_par *p,
				char fallback[8])
{
	for (size_t l = p->first_line; l < p->first_line + p->n_lines; l++) {
		const struct lt_ocr_line *ln = &pg->lines[l];

		for (size_t i = ln->first_word; i < ln->first_word + ln->n_words; i++)
			if (lt_hocr_has_text(pg->words[i].text) && pg->words[i].lang[0])
				return pg->words[i].lang;
	}
	return fallback;
}

int lt_hocr_write(const struct lt_ocr_page *pg, const struct lt_hocr_page *desc,
		  struct lt_buf *out, struct lt_err *err)
{
	struct lt_xw x;
	char title[512], fallback[8], *doc = NULL;
	size_t len = 0;
	int rc, n = desc->number, block_id = 0, par_id = 0, line_id = 0, word_id = 0;

	if (!desc->image || !*desc->image || !desc->languages || !*desc->languages ||
	    !desc->engine || n < 1)
		return lt_err_set(err, LT_EINTERNAL, "hOCR for page %d: the image name, languages, "
				  "engine and a page number from 1 are required", n);
	snprintf(fallback, sizeof(fallback), "%.*s", (int)strcspn(desc->languages, "+"),
		 desc->languages);
	rc = lt_xw_begin(&x, "hOCR", err);
	if (rc)
		return rc;
	lt_xw_doctype(&x, "html", XHTML_PUBLIC, XHTML_SYSTEM);
	lt_xw_start(&x, "html");
	lt_xw_attr(&x, "xmlns", XHTML_NS);
	lt_xw_attr(&x, "xml:lang", html_lang(desc->languages));
	lt_xw_attr(&x, "lang", html_lang(desc->languages));
	lt_xw_start(&x, "head");
	lt_xw_element(&x, "title", "");
	lt_xw_start(&x, "meta");
	lt_xw_attr(&x, "http-equiv", "Content-Type");
	lt_xw_attr(&x, "content", "text/html;charset=utf-8");
	lt_xw_end(&x);
	lt_xw_start(&x, "meta");
	lt_xw_attr(&x, "name", "ocr-system");
	lt_xw_attr(&x, "content", desc->engine);
	lt_xw_end(&x);
	lt_xw_start(&x, "meta");
	lt_xw_attr(&x, "name", "ocr-langs");
	lt_xw_attr(&x, "content", desc->languages);
	lt_xw_end(&x);
	lt_xw_start(&x, "meta");
	lt_xw_attr(&x, "name", "ocr-capabilities");
	lt_xw_attr(&x, "content", "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang");
	lt_xw_end(&x);
	lt_xw_end(&x); /* head */
	lt_xw_start(&x, "body");
	lt_xw_start(&x, "div");
	lt_xw_attr(&x, "class", "ocr_page");
	lt_xw_attrf(&x, "id", "page_%d", n);
	if (desc->dpi > 0)
		snprintf(title, sizeof(title), "image \"%s\"; bbox 0 0 %d %d; ppageno %d; scan_res %d %d",
			 desc->image, pg->master_w, pg->master_h, n - 1, desc->dpi, desc->dpi);
	else
		snprintf(title, sizeof(title), "image \"%s\"; bbox 0 0 %d %d; ppageno %d",
			 desc->image, pg->master_w, pg->master_h, n - 1);
	lt_xw_attr(&x, "title", title);
	for (size_t b = 0; b < pg->n_blocks; b++) {
		const struct lt_ocr_block *blk = &pg->blocks[b];

		if (!block_has_text(pg, blk))
			continue;
		lt_xw_start(&x, "div");
		lt_xw_attr(&x, "class", "ocr_carea");
		lt_xw_attrf(&x, "id", "block_%d_%d", n, ++block_id);
		bbox_title(title, sizeof(title), &blk->box);
		lt_xw_attr(&x, "title", title);
		for (size_t p = blk->first_par; p < blk->first_par + blk->n_pars; p++) {
			const struct lt_ocr_par *par = &pg->pars[p];
			const char *lang;

			if (!par_has_text(pg, par))
				continue;
			lang = par_language(pg, par, fallback);
			lt_xw_start(&x, "p");
			lt_xw_attr(&x, "class", "ocr_par");
			lt_xw_attrf(&x, "id", "par_%d_%d", n, ++par_id);
			lt_xw_attr(&x, "lang", lang);
			bbox_title(title, sizeof(title), &par->box);
			lt_xw_attr(&x, "title", title);
			for (size_t l = par->first_line; l < par->first_line + par->n_lines; l++)
				if (line_has_text(pg, &pg->lines[l]))
					write_line(&x, pg, &pg->lines[l], lang, n, &line_id, &word_id);
			lt_xw_end(&x); /* p */
		}
		lt_xw_end(&x); /* div ocr_carea */
	}
	lt_xw_end(&x); /* div ocr_page */
	lt_xw_end(&x); /* body */
	lt_xw_end(&x); /* html */
	rc = lt_xw_finish(&x, &doc, &len, err);
	if (!rc)
		rc = lt_buf_append(out, doc, len, err);
	free(doc);
	return rc;
}
