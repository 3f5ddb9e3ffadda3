/* alto.c - ALTO 4.4 for one page from Tesseract's result iterator, with
 * libxml2's xmlTextWriter (which escapes and keeps the nesting right).
 *
 * It is written from the page result of the one walk over Tesseract's result
 * (doc.h), so its words are the text's, in the text's order, with their
 * boxes already on the master. Write errors are sticky in struct writer,
 * so the element code reads as the document's shape and is checked once.
 */
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tesseract/capi.h>

#include "luutru/alto.h"
#include "luutru/hocr.h"
#include "luutru/version.h"

struct writer {
	xmlTextWriterPtr w;
	int failed;
};

static void start(struct writer *x, const char *name)
{
	if (!x->failed && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->failed = 1;
}

static void end(struct writer *x)
{
	if (!x->failed && xmlTextWriterEndElement(x->w) < 0)
		x->failed = 1;
}

static void attr(struct writer *x, const char *name, const char *value)
{
	if (!x->failed && xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value) < 0)
		x->failed = 1;
}

static void attrf(struct writer *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void attrf(struct writer *x, const char *name, const char *fmt, ...)
{
	char v[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	attr(x, name, v);
}

static void element(struct writer *x, const char *name, const char *text)
{
	if (!x->failed && xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST text) < 0)
		x->failed = 1;
}

static void box_attrs(struct writer *x, const struct lt_box *b)
{
	attrf(x, "HPOS", "%d", b->x);
	attrf(x, "VPOS", "%d", b->y);
	attrf(x, "WIDTH", "%d", b->w);
	attrf(x, "HEIGHT", "%d", b->h);
}

/* A word worth writing: Tesseract yields empty "words" for image regions. */
static int has_text(const char *s)
{
	return lt_hocr_has_text(s);
}

static double word_confidence(const struct lt_word *w)
{
	double c = w->confidence / 100.0;

	return c < 0 ? 0 : c > 1 ? 1 : c;
}

struct page_summary {
	int words;
	double conf_sum;
	struct lt_box area; /* union of the words' master boxes */
};

/* What the Page element needs before any word is written. */
static void summarise(const struct lt_ocr_page *pg, struct page_summary *s)
{
	int x1 = 0, y1 = 0;

	*s = (struct page_summary){ 0 };
	for (size_t i = 0; i < pg->n_words; i++) {
		const struct lt_box *b = &pg->words[i].box;

		if (!has_text(pg->words[i].text))
			continue;
		if (s->words == 0) {
			s->area = *b;
			x1 = b->x + b->w;
			y1 = b->y + b->h;
		} else {
			s->area.x = b->x < s->area.x ? b->x : s->area.x;
			s->area.y = b->y < s->area.y ? b->y : s->area.y;
			x1 = b->x + b->w > x1 ? b->x + b->w : x1;
			y1 = b->y + b->h > y1 ? b->y + b->h : y1;
		}
		s->words++;
		s->conf_sum += word_confidence(&pg->words[i]);
	}
	s->area.w = x1 - s->area.x;
	s->area.h = y1 - s->area.y;
}

struct alto_ids {
	int page, block, line, word;
};

static int line_has_text(const struct lt_ocr_page *pg, const struct lt_ocr_line *ln)
{
	for (size_t i = ln->first_word; i < ln->first_word + ln->n_words; i++)
		if (has_text(pg->words[i].text))
			return 1;
	return 0;
}

static void write_line(struct writer *x, const struct lt_ocr_page *pg, const struct lt_ocr_line *ln,
		       struct alto_ids *ids)
{
	int first = 1;

	start(x, "TextLine");
	attrf(x, "ID", "p%d_l%d", ids->page, ++ids->line);
	box_attrs(x, &ln->box);
	for (size_t i = ln->first_word; i < ln->first_word + ln->n_words; i++) {
		const struct lt_word *w = &pg->words[i];

		if (!has_text(w->text))
			continue;
		if (!first) {
			start(x, "SP");
			end(x);
		}
		first = 0;
		start(x, "String");
		attrf(x, "ID", "p%d_w%d", ids->page, ++ids->word);
		box_attrs(x, &w->box);
		attr(x, "CONTENT", w->text);
		attrf(x, "WC", "%.2f", word_confidence(w));
		end(x);
	}
	end(x);
}

/* Blocks, then their lines (ALTO has no paragraphs), in reading order; an
 * element without a word that has text is not written. */
static void write_blocks(struct writer *x, const struct lt_ocr_page *pg, struct alto_ids *ids)
{
	for (size_t b = 0; b < pg->n_blocks; b++) {
		const struct lt_ocr_block *blk = &pg->blocks[b];
		int open = 0;

		for (size_t p = blk->first_par; p < blk->first_par + blk->n_pars; p++) {
			const struct lt_ocr_par *par = &pg->pars[p];

			for (size_t l = par->first_line; l < par->first_line + par->n_lines; l++) {
				if (!line_has_text(pg, &pg->lines[l]))
					continue;
				if (!open) {
					start(x, "TextBlock");
					attrf(x, "ID", "p%d_b%d", ids->page, ++ids->block);
					box_attrs(x, &blk->box);
					open = 1;
				}
				write_line(x, pg, &pg->lines[l], ids);
			}
		}
		if (open)
			end(x);
	}
}

static void write_description(struct writer *x, const struct lt_alto_page *page)
{
	char settings[512];

	start(x, "Description");
	element(x, "MeasurementUnit", "pixel");
	start(x, "sourceImageInformation");
	element(x, "fileName", page->file_name);
	end(x);

	start(x, "Processing");
	attr(x, "ID", "proc_pre");
	element(x, "processingCategory", "preOperation");
	if (page->processed_at)
		element(x, "processingDateTime", page->processed_at);
	element(x, "processingStepDescription",
		page->preprocessing && *page->preprocessing ? page->preprocessing : "none");
	start(x, "processingSoftware");
	element(x, "softwareName", "luutru");
	element(x, "softwareVersion", LT_VERSION);
	end(x);
	end(x);

	start(x, "Processing");
	attr(x, "ID", "proc_ocr");
	element(x, "processingCategory", "contentGeneration");
	if (page->processed_at)
		element(x, "processingDateTime", page->processed_at);
	element(x, "processingStepDescription", "text recognition");
	snprintf(settings, sizeof(settings), "languages=%s%s%s", page->languages,
		 page->model ? "; model=" : "", page->model ? page->model : "");
	element(x, "processingStepSettings", settings);
	start(x, "processingSoftware");
	element(x, "softwareCreator", "Tesseract contributors");
	element(x, "softwareName", "Tesseract");
	element(x, "softwareVersion", TessVersion());
	element(x, "applicationDescription",
		"run by luutru " LT_VERSION " through the C API; ALTO written by luutru");
	end(x);
	end(x);
	end(x);
}

int lt_alto_write(const struct lt_ocr_page *result, const struct lt_alto_page *page,
		  const struct lt_page_transform *tf, struct lt_buf *out, struct lt_err *err)
{
	xmlBufferPtr xbuf = NULL;
	struct writer x = { 0 };
	struct page_summary sum = { 0 };
	struct alto_ids ids = { 0 };
	int rc;

	if (!page->file_name || !*page->file_name || !page->languages || page->number < 1)
		return lt_err_set(err, LT_EINTERNAL,
				  "ALTO for page %d: the master file name, languages and a page number "
				  "from 1 are required", page->number);
	rc = lt_transform_check(tf, err);
	if (rc)
		return lt_err_prefix(err, "ALTO for page %d: ", page->number), rc;
	ids.page = page->number;
	xbuf = xmlBufferCreate();
	x.w = xbuf ? xmlNewTextWriterMemory(xbuf, 0) : NULL;
	if (!x.w) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory writing ALTO for page %d", page->number);
		goto out;
	}
	xmlTextWriterSetIndent(x.w, 1);
	xmlTextWriterSetIndentString(x.w, BAD_CAST " ");
	/* No results (a blank page) is an empty PrintSpace, not an error. */
	summarise(result, &sum);

	if (xmlTextWriterStartDocument(x.w, "1.0", "UTF-8", NULL) < 0)
		x.failed = 1;
	start(&x, "alto");
	attr(&x, "xmlns", LT_ALTO_NS);
	attr(&x, "xmlns:xlink", "http://www.w3.org/1999/xlink");
	attr(&x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	attr(&x, "xsi:schemaLocation", LT_ALTO_NS " " LT_ALTO_XSD);
	attr(&x, "SCHEMAVERSION", "4.4");
	write_description(&x, page);
	start(&x, "Layout");
	start(&x, "Page");
	attrf(&x, "ID", "p%d", page->number);
	attrf(&x, "WIDTH", "%d", tf->master_w);
	attrf(&x, "HEIGHT", "%d", tf->master_h);
	attrf(&x, "PHYSICAL_IMG_NR", "%d", page->number);
	attr(&x, "PROCESSING", "proc_ocr");
	if (sum.words > 0)
		attrf(&x, "PC", "%.4f", sum.conf_sum / sum.words);
	start(&x, "PrintSpace");
	attrf(&x, "ID", "p%d_ps", page->number);
	if (sum.words > 0)
		box_attrs(&x, &sum.area);
	else
		box_attrs(&x, &(struct lt_box){ 0, 0, tf->master_w, tf->master_h });
	if (sum.words > 0)
		write_blocks(&x, result, &ids);
	end(&x); /* PrintSpace */
	end(&x); /* Page */
	end(&x); /* Layout */
	end(&x); /* alto */
	if (!x.failed && xmlTextWriterEndDocument(x.w) < 0)
		x.failed = 1;
	if (!x.failed && xmlTextWriterFlush(x.w) < 0)
		x.failed = 1;
	if (x.failed) {
		/* The writer fails only on allocation: the output is memory. */
		rc = lt_err_set(err, LT_ENOMEM, "out of memory writing ALTO for page %d", page->number);
		goto out;
	}
	rc = lt_buf_append(out, xmlBufferContent(xbuf), (size_t)xmlBufferLength(xbuf), err);
out:
	if (x.w)
		xmlFreeTextWriter(x.w);
	xmlBufferFree(xbuf);
	return rc;
}
