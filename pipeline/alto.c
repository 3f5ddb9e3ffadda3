/* alto.c - ALTO 4.4 for one page from Tesseract's result iterator, with
 * libxml2's xmlTextWriter (which escapes and keeps the nesting right).
 *
 * Two passes over the iterator: the first finds what the Page element needs
 * before any word is written (mean confidence, the printed area); the second
 * writes blocks, lines and words. Write errors are sticky in struct writer,
 * so the element code reads as the document's shape and is checked once.
 */
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "luutru/alto.h"
#include "luutru/text.h"
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

/* The master box of the iterator's current element at level. */
static void element_box(const TessPageIterator *pi, TessPageIteratorLevel level,
			const struct lt_page_transform *tf, struct lt_box *out)
{
	int l = 0, t = 0, r = 0, b = 0;

	TessPageIteratorBoundingBox(pi, level, &l, &t, &r, &b);
	lt_transform_box(tf, l, t, r, b, out);
}

/* A word worth writing: Tesseract yields empty "words" for image regions. */
static int has_text(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

static double word_confidence(TessResultIterator *ri)
{
	double c = TessResultIteratorConfidence(ri, RIL_WORD) / 100.0;

	return c < 0 ? 0 : c > 1 ? 1 : c;
}

struct page_summary {
	int words;
	double conf_sum;
	struct lt_box area; /* union of the words' master boxes */
};

static void summarise(TessResultIterator *ri, const struct lt_page_transform *tf,
		      struct page_summary *s)
{
	TessPageIterator *pi = TessResultIteratorGetPageIterator(ri);
	int x1 = 0, y1 = 0;

	*s = (struct page_summary){ 0 };
	TessPageIteratorBegin(pi);
	do {
		char *text = TessResultIteratorGetUTF8Text(ri, RIL_WORD);
		struct lt_box b;

		if (has_text(text)) {
			element_box(pi, RIL_WORD, tf, &b);
			if (s->words == 0) {
				s->area = b;
				x1 = b.x + b.w;
				y1 = b.y + b.h;
			} else {
				s->area.x = b.x < s->area.x ? b.x : s->area.x;
				s->area.y = b.y < s->area.y ? b.y : s->area.y;
				x1 = b.x + b.w > x1 ? b.x + b.w : x1;
				y1 = b.y + b.h > y1 ? b.y + b.h : y1;
			}
			s->words++;
			s->conf_sum += word_confidence(ri);
		}
		TessDeleteText(text);
	} while (TessPageIteratorNext(pi, RIL_WORD));
	s->area.w = x1 - s->area.x;
	s->area.h = y1 - s->area.y;
	TessPageIteratorBegin(pi);
}

struct alto_ids {
	int page, block, line, word;
};

static int write_words(struct writer *x, TessResultIterator *ri, const struct alto_ids *ids_in,
		       const struct lt_page_transform *tf, struct lt_err *err)
{
	TessPageIterator *pi = TessResultIteratorGetPageIterator(ri);
	struct alto_ids ids = *ids_in;
	struct lt_buf content = LT_BUF_INIT;
	int in_block = 0, in_line = 0, rc = LT_OK;

	do {
		char *text = TessResultIteratorGetUTF8Text(ri, RIL_WORD);
		struct lt_box b;

		if (!has_text(text)) {
			TessDeleteText(text);
			continue;
		}
		lt_buf_reset(&content);
		rc = lt_text_nfc(text, strlen(text), &content, err);
		TessDeleteText(text);
		if (rc)
			break;
		/* A block or line is opened at its first word that has text, so
		 * an empty leading "word" cannot leave one unopened. */
		if (!in_block || TessPageIteratorIsAtBeginningOf(pi, RIL_BLOCK)) {
			if (in_line)
				end(x);
			if (in_block)
				end(x);
			in_line = 0;
			start(x, "TextBlock");
			attrf(x, "ID", "p%d_b%d", ids.page, ++ids.block);
			element_box(pi, RIL_BLOCK, tf, &b);
			box_attrs(x, &b);
			in_block = 1;
		}
		if (!in_line || TessPageIteratorIsAtBeginningOf(pi, RIL_TEXTLINE)) {
			if (in_line)
				end(x);
			start(x, "TextLine");
			attrf(x, "ID", "p%d_l%d", ids.page, ++ids.line);
			element_box(pi, RIL_TEXTLINE, tf, &b);
			box_attrs(x, &b);
			in_line = 1;
		} else {
			start(x, "SP");
			end(x);
		}
		start(x, "String");
		attrf(x, "ID", "p%d_w%d", ids.page, ++ids.word);
		element_box(pi, RIL_WORD, tf, &b);
		box_attrs(x, &b);
		attr(x, "CONTENT", lt_buf_str(&content));
		attrf(x, "WC", "%.2f", word_confidence(ri));
		end(x);
		if (TessPageIteratorIsAtFinalElement(pi, RIL_TEXTLINE, RIL_WORD)) {
			end(x);
			in_line = 0;
		}
		if (TessPageIteratorIsAtFinalElement(pi, RIL_BLOCK, RIL_WORD)) {
			if (in_line)
				end(x);
			end(x);
			in_line = in_block = 0;
		}
	} while (TessPageIteratorNext(pi, RIL_WORD));
	if (!rc) {
		if (in_line)
			end(x);
		if (in_block)
			end(x);
	}
	lt_buf_release(&content);
	return rc;
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

int lt_alto_write(TessBaseAPI *api, const struct lt_alto_page *page,
		  const struct lt_page_transform *tf, struct lt_buf *out, struct lt_err *err)
{
	xmlBufferPtr xbuf = NULL;
	struct writer x = { 0 };
	TessResultIterator *ri = NULL;
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
	ri = TessBaseAPIGetIterator(api);
	if (ri)
		summarise(ri, tf, &sum);

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
	if (sum.words > 0) {
		rc = write_words(&x, ri, &ids, tf, err);
		if (rc) {
			lt_err_prefix(err, "ALTO for page %d: ", page->number);
			goto out;
		}
	}
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
	TessResultIteratorDelete(ri);
	if (x.w)
		xmlFreeTextWriter(x.w);
	xmlBufferFree(xbuf);
	return rc;
}
