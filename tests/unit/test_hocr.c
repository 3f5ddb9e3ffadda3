/* test_hocr.c - unit tests for hocr.h with real Tesseract (vie+eng) on a
 * real sample page: the hOCR is valid XHTML 1.0 Transitional (checked
 * against the W3C DTD from Debian's w3c-sgml-lib, offline), has Tesseract's
 * classes and properties, and reads in the same order as the page's text,
 * ALTO and PDF words, all made from one walk over the result; boxes are the
 * master's, also when the page was read turned and enlarged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#include "luutru/alto.h"
#include "luutru/hocr.h"
#include "luutru/preprocess.h"
#include "luutru/recognize.h"
#include "luutru/text.h"
#include "tess_helpers.h"

/* The top of a Vietnamese decision: a two-column header and body text. */
#define SAMPLE "samples/inbox/quyet-dinh-1127.jpg"

struct fixture {
	TessBaseAPI *api;
	PIX *pix; /* the upright master: the sample's top part */
};

static int setup(void **state)
{
	static struct fixture f;

	xmlInitParser();
	f.pix = page_top(SAMPLE, 3, 10);
	f.api = tess_open();
	if (!f.pix || !f.api)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	TessBaseAPIDelete(f->api);
	pixDestroy(&f->pix);
	xmlCleanupParser();
	return 0;
}

static const struct lt_hocr_page desc = {
	.image = "0001.jpg",
	.number = 1,
	.languages = "vie+eng",
	.engine = "tesseract test",
	.dpi = 300,
};

/* Recognises working and walks the result once, seen through tf. */
static void read_page(TessBaseAPI *api, PIX *working, const struct lt_page_transform *tf,
		      struct lt_ocr_page *result, struct lt_buf *text)
{
	struct lt_buf raw = LT_BUF_INIT;

	TessBaseAPIClear(api);
	TessBaseAPISetImage2(api, working);
	TessBaseAPISetSourceResolution(api, 300);
	assert_int_equal(lt_recognize(api, 300.0, NULL), LT_OK);
	assert_int_equal(lt_reading_order_page(api, tf, &raw, result, NULL), LT_OK);
	assert_int_equal(lt_text_nfc(raw.data ? raw.data : "", raw.len, text, NULL), LT_OK);
	lt_buf_release(&raw);
}

/* Parses and validates against the DOCTYPE's DTD, resolved through the
 * system catalog (/etc/xml/catalog), never the network. */
static xmlDocPtr parse_valid(const struct lt_buf *hocr)
{
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	xmlDocPtr doc;

	assert_non_null(ctx);
	doc = xmlCtxtReadMemory(ctx, hocr->data, (int)hocr->len, "page.hocr", NULL,
				XML_PARSE_DTDVALID | XML_PARSE_NONET);
	assert_non_null(doc);
	if (!ctx->valid)
		print_message("%s\n", hocr->data);
	assert_true(ctx->valid);
	xmlFreeParserCtxt(ctx);
	return doc;
}

static int has_class(xmlNodePtr n, const char *cls)
{
	xmlChar *c = xmlGetProp(n, BAD_CAST "class");
	int yes = c && strcmp((const char *)c, cls) == 0;

	xmlFree(c);
	return yes;
}

/* The elements of class cls in document order. */
static void collect(xmlNodePtr n, const char *cls, xmlNodePtr **out, size_t *count)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (has_class(n, cls)) {
			*out = realloc(*out, (*count + 1) * sizeof(**out));
			assert_non_null(*out);
			(*out)[(*count)++] = n;
		}
		collect(n->children, cls, out, count);
	}
}

static void bbox_of(xmlNodePtr n, int v[4])
{
	xmlChar *t = xmlGetProp(n, BAD_CAST "title");
	const char *p;

	assert_non_null(t);
	p = strstr((const char *)t, "bbox ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "bbox %d %d %d %d", &v[0], &v[1], &v[2], &v[3]), 4);
	xmlFree(t);
}

/* The text's non-blank lines, each a string of its words. */
static char **text_lines(const struct lt_buf *text, size_t *n)
{
	char **lines = NULL, *copy = strdup(text->data ? text->data : ""), *save = NULL;

	assert_non_null(copy);
	*n = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!lt_hocr_has_text(l))
			continue;
		lines = realloc(lines, (*n + 1) * sizeof(*lines));
		assert_non_null(lines);
		lines[(*n)++] = strdup(l);
	}
	free(copy);
	return lines;
}

/* One line of hOCR: its words' texts joined by one space. */
static void line_words(xmlNodePtr line, struct lt_buf *out)
{
	xmlNodePtr *words = NULL;
	size_t n = 0;

	collect(line->children, "ocrx_word", &words, &n);
	for (size_t i = 0; i < n; i++) {
		xmlChar *c = xmlNodeGetContent(words[i]);

		assert_int_equal(lt_buf_printf(out, NULL, "%s%s", i ? " " : "", (const char *)c), LT_OK);
		xmlFree(c);
	}
	free(words);
}

static void test_valid_and_lines_are_the_text(void **state)
{
	struct fixture *f = *state;
	struct lt_page_transform tf;
	struct lt_ocr_page result;
	struct lt_buf text = LT_BUF_INIT, hocr = LT_BUF_INIT;
	xmlNodePtr root, *pages = NULL, *lines = NULL, *words = NULL, *areas = NULL, *pars = NULL;
	size_t n_pages = 0, n_lines = 0, n_words = 0, n_areas = 0, n_pars = 0, n_text;
	char **tl;
	xmlDocPtr doc;
	int v[4];

	lt_transform_identity(&tf, pixGetWidth(f->pix), pixGetHeight(f->pix));
	read_page(f->api, f->pix, &tf, &result, &text);
	assert_int_equal(lt_hocr_write(&result, &desc, &hocr, NULL), LT_OK);
	assert_non_null(strstr(hocr.data, "<!DOCTYPE html"));
	assert_non_null(strstr(hocr.data, "\"-//W3C//DTD XHTML 1.0 Transitional//EN\""));
	assert_non_null(strstr(hocr.data, "<meta name=\"ocr-system\" content=\"tesseract test\""));
	assert_non_null(strstr(hocr.data, "image &quot;0001.jpg&quot;; bbox 0 0"));
	assert_non_null(strstr(hocr.data, "ppageno 0; scan_res 300 300"));
	doc = parse_valid(&hocr);
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "html");
	assert_string_equal((const char *)root->ns->href, "http://www.w3.org/1999/xhtml");

	collect(root, "ocr_page", &pages, &n_pages);
	assert_int_equal(n_pages, 1);
	bbox_of(pages[0], v);
	assert_true(v[0] == 0 && v[1] == 0 && v[2] == tf.master_w && v[3] == tf.master_h);
	collect(root, "ocr_carea", &areas, &n_areas);
	collect(root, "ocr_par", &pars, &n_pars);
	collect(root, "ocr_line", &lines, &n_lines);
	collect(root, "ocrx_word", &words, &n_words);
	/* The two-column header gives a block per column. */
	assert_true(n_areas >= 3);
	assert_true(n_pars >= n_areas);
	assert_true(n_words > 20);
	for (size_t i = 0; i < n_pars; i++) {
		xmlChar *lang = xmlGetProp(pars[i], BAD_CAST "lang");

		assert_non_null(lang);
		assert_true(strcmp((const char *)lang, "vie") == 0 || strcmp((const char *)lang, "eng") == 0);
		xmlFree(lang);
	}
	/* Line by line the words of the text, in its reading order. */
	tl = text_lines(&text, &n_text);
	assert_int_equal(n_lines, n_text);
	for (size_t i = 0; i < n_lines; i++) {
		struct lt_buf got = LT_BUF_INIT, want = LT_BUF_INIT;
		xmlChar *title = xmlGetProp(lines[i], BAD_CAST "title");
		char *save = NULL;

		assert_non_null(strstr((const char *)title, "; baseline "));
		xmlFree(title);
		line_words(lines[i], &got);
		/* The text keeps Tesseract's blank "words" as extra spaces. */
		for (char *tok = strtok_r(tl[i], " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			assert_int_equal(lt_buf_printf(&want, NULL, "%s%s", want.len ? " " : "", tok), LT_OK);
		assert_string_equal(lt_buf_str(&got), lt_buf_str(&want));
		lt_buf_release(&got);
		lt_buf_release(&want);
		free(tl[i]);
	}
	for (size_t i = 0; i < n_words; i++) {
		xmlChar *title = xmlGetProp(words[i], BAD_CAST "title");
		int conf = -1;
		const char *p = strstr((const char *)title, "x_wconf ");

		assert_non_null(p);
		assert_int_equal(sscanf(p, "x_wconf %d", &conf), 1);
		assert_true(conf >= 0 && conf <= 100);
		xmlFree(title);
		bbox_of(words[i], v);
		assert_true(v[0] < v[2] && v[1] < v[3] && v[2] <= tf.master_w && v[3] <= tf.master_h);
	}
	free(tl);
	free(pages);
	free(areas);
	free(pars);
	free(lines);
	free(words);
	xmlFreeDoc(doc);
	lt_ocr_page_release(&result);
	lt_buf_release(&text);
	lt_buf_release(&hocr);
}

/* Attribute name of the ALTO Strings, in document order. */
static void alto_strings(xmlNodePtr n, struct lt_buf *out)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "String") == 0) {
			xmlChar *c = xmlGetProp(n, BAD_CAST "CONTENT");

			assert_int_equal(lt_buf_printf(out, NULL, "%s%s", out->len ? " " : "",
						       (const char *)c), LT_OK);
			xmlFree(c);
		}
		if (n->type == XML_ELEMENT_NODE)
			alto_strings(n->children, out);
	}
}

/* The text, hOCR, ALTO and the PDF's words (the page result's words) are
 * one sequence of words: the same walk made them all. */
static void test_one_order_everywhere(void **state)
{
	struct fixture *f = *state;
	struct lt_page_transform tf;
	struct lt_ocr_page result;
	struct lt_buf text = LT_BUF_INIT, hocr = LT_BUF_INIT, alto = LT_BUF_INIT;
	struct lt_buf from_text = LT_BUF_INIT, from_hocr = LT_BUF_INIT, from_alto = LT_BUF_INIT,
		from_words = LT_BUF_INIT;
	struct lt_alto_page ap = { .file_name = "0001.jpg", .number = 1, .languages = "vie+eng" };
	xmlNodePtr *words = NULL;
	size_t n = 0;
	xmlDocPtr hdoc, adoc;
	char *save = NULL;

	lt_transform_identity(&tf, pixGetWidth(f->pix), pixGetHeight(f->pix));
	read_page(f->api, f->pix, &tf, &result, &text);
	assert_int_equal(lt_hocr_write(&result, &desc, &hocr, NULL), LT_OK);
	assert_int_equal(lt_alto_write(&result, &ap, &tf, &alto, NULL), LT_OK);
	for (char *tok = strtok_r(text.data, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		assert_int_equal(lt_buf_printf(&from_text, NULL, "%s%s", from_text.len ? " " : "", tok),
				 LT_OK);
	for (size_t i = 0; i < result.n_words; i++)
		if (lt_hocr_has_text(result.words[i].text))
			assert_int_equal(lt_buf_printf(&from_words, NULL, "%s%s", from_words.len ? " " : "",
						       result.words[i].text), LT_OK);
	hdoc = xmlReadMemory(hocr.data, (int)hocr.len, "page.hocr", NULL, XML_PARSE_NONET);
	adoc = xmlReadMemory(alto.data, (int)alto.len, "page.alto", NULL, XML_PARSE_NONET);
	assert_non_null(hdoc);
	assert_non_null(adoc);
	collect(xmlDocGetRootElement(hdoc), "ocrx_word", &words, &n);
	for (size_t i = 0; i < n; i++) {
		xmlChar *c = xmlNodeGetContent(words[i]);

		assert_int_equal(lt_buf_printf(&from_hocr, NULL, "%s%s", i ? " " : "", (const char *)c),
				 LT_OK);
		xmlFree(c);
	}
	alto_strings(xmlDocGetRootElement(adoc), &from_alto);
	assert_true(from_text.len > 100);
	assert_string_equal(lt_buf_str(&from_hocr), lt_buf_str(&from_text));
	assert_string_equal(lt_buf_str(&from_alto), lt_buf_str(&from_text));
	assert_string_equal(lt_buf_str(&from_words), lt_buf_str(&from_text));
	/* The PDF groups words by line index: never decreasing. */
	for (size_t i = 1; i < result.n_words; i++)
		assert_true(result.words[i].line >= result.words[i - 1].line);
	free(words);
	xmlFreeDoc(hdoc);
	xmlFreeDoc(adoc);
	lt_ocr_page_release(&result);
	lt_buf_release(&text);
	lt_buf_release(&hocr);
	lt_buf_release(&alto);
	lt_buf_release(&from_text);
	lt_buf_release(&from_hocr);
	lt_buf_release(&from_alto);
	lt_buf_release(&from_words);
}

/* Read turned back upright and enlarged twice: hOCR points at the sideways
 * master's pixels, as ALTO does. */
static void test_sideways_master_boxes(void **state)
{
	struct fixture *f = *state;
	struct lt_page_transform side;
	struct lt_ocr_page result;
	struct lt_buf text = LT_BUF_INIT, hocr = LT_BUF_INIT;
	PIX *master = pixRotateOrth(f->pix, 1), *upright, *working;
	xmlNodePtr *pages = NULL, *words = NULL;
	size_t n_pages = 0, n_words = 0, tall = 0;
	xmlDocPtr doc;
	int v[4];

	assert_non_null(master);
	upright = pixRotateOrth(master, 3);
	working = pixScale(upright, 2.0, 2.0);
	assert_non_null(working);
	lt_transform_identity(&side, pixGetWidth(master), pixGetHeight(master));
	side.orientation = 270;
	side.scale = 2.0;
	read_page(f->api, working, &side, &result, &text);
	assert_int_equal(lt_hocr_write(&result, &desc, &hocr, NULL), LT_OK);
	doc = parse_valid(&hocr);
	collect(xmlDocGetRootElement(doc), "ocr_page", &pages, &n_pages);
	bbox_of(pages[0], v);
	assert_true(v[2] == pixGetWidth(master) && v[3] == pixGetHeight(master));
	collect(xmlDocGetRootElement(doc), "ocrx_word", &words, &n_words);
	assert_true(n_words > 20);
	for (size_t i = 0; i < n_words; i++) {
		bbox_of(words[i], v);
		assert_true(v[2] <= pixGetWidth(master) && v[3] <= pixGetHeight(master));
		tall += v[3] - v[1] > v[2] - v[0];
	}
	/* Sideways, words of more than a letter or two run down the page. */
	assert_true(tall * 10 >= n_words * 7);
	free(pages);
	free(words);
	xmlFreeDoc(doc);
	lt_ocr_page_release(&result);
	lt_buf_release(&text);
	lt_buf_release(&hocr);
	pixDestroy(&working);
	pixDestroy(&upright);
	pixDestroy(&master);
}

static void test_blank_page_is_valid(void **state)
{
	struct fixture *f = *state;
	struct lt_page_transform tf;
	struct lt_ocr_page result;
	struct lt_buf text = LT_BUF_INIT, hocr = LT_BUF_INIT;
	xmlNodePtr *pages = NULL, *words = NULL;
	size_t n_pages = 0, n_words = 0;
	PIX *white = pixCreate(1240, 1754, 8);
	xmlDocPtr doc;

	assert_non_null(white);
	pixSetAll(white);
	lt_transform_identity(&tf, 1240, 1754);
	read_page(f->api, white, &tf, &result, &text);
	assert_int_equal(lt_hocr_write(&result, &desc, &hocr, NULL), LT_OK);
	doc = parse_valid(&hocr);
	collect(xmlDocGetRootElement(doc), "ocr_page", &pages, &n_pages);
	collect(xmlDocGetRootElement(doc), "ocrx_word", &words, &n_words);
	assert_int_equal(n_pages, 1);
	assert_int_equal(n_words, 0);
	assert_non_null(strstr(hocr.data, "bbox 0 0 1240 1754"));
	free(pages);
	free(words);
	xmlFreeDoc(doc);
	lt_ocr_page_release(&result);
	lt_buf_release(&text);
	lt_buf_release(&hocr);
	pixDestroy(&white);
}

/* A page result made by hand: text that is not valid UTF-8 or holds control
 * characters still gives well-formed, valid XHTML; a blank word is left out. */
static void test_hostile_text_stays_valid(void **state)
{
	char bad[] = "a\x01<b>&\xff", blank[] = " ", ok[] = "Đảng";
	struct lt_word words[] = {
		{ .text = bad, .box = { 10, 10, 40, 20 }, .confidence = 91.7f, .lang = "vie" },
		{ .text = blank, .box = { 60, 10, 5, 20 }, .confidence = 0, .lang = "vie" },
		{ .text = ok, .box = { 70, 10, 40, 20 }, .confidence = 88.0f, .lang = "eng" },
	};
	struct lt_ocr_line line = { .first_word = 0, .n_words = 3, .box = { 10, 10, 100, 20 } };
	struct lt_ocr_par par = { .first_line = 0, .n_lines = 1, .box = { 10, 10, 100, 20 } };
	struct lt_ocr_block block = { .first_par = 0, .n_pars = 1, .box = { 10, 10, 100, 20 } };
	struct lt_ocr_page page = { .words = words, .n_words = 3, .lines = &line, .n_lines = 1,
				    .pars = &par, .n_pars = 1, .blocks = &block, .n_blocks = 1,
				    .master_w = 200, .master_h = 100 };
	struct lt_buf hocr = LT_BUF_INIT;
	xmlDocPtr doc;

	(void)state;
	assert_int_equal(lt_hocr_write(&page, &desc, &hocr, NULL), LT_OK);
	doc = parse_valid(&hocr);
	assert_null(strstr(hocr.data, "word_1_3"));
	assert_non_null(strstr(hocr.data, "bbox 10 10 50 30; x_wconf 91"));
	/* The second word's language differs from its paragraph's. */
	assert_non_null(strstr(hocr.data, "lang=\"eng\""));
	assert_non_null(strstr(hocr.data, "&lt;b&gt;&amp;"));
	xmlFreeDoc(doc);
	lt_buf_release(&hocr);
}

static void test_bad_description(void **state)
{
	struct lt_ocr_page empty = { .master_w = 10, .master_h = 10 };
	struct lt_hocr_page d = desc;
	struct lt_buf hocr = LT_BUF_INIT;
	struct lt_err err = { 0 };

	(void)state;
	d.number = 0;
	assert_int_equal(lt_hocr_write(&empty, &d, &hocr, &err), LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "page 0"));
	d = desc;
	d.image = "";
	assert_int_equal(lt_hocr_write(&empty, &d, &hocr, &err), LT_EINTERNAL);
	assert_int_equal(hocr.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_and_lines_are_the_text),
		cmocka_unit_test(test_one_order_everywhere),
		cmocka_unit_test(test_sideways_master_boxes),
		cmocka_unit_test(test_blank_page_is_valid),
		cmocka_unit_test(test_hostile_text_stays_valid),
		cmocka_unit_test(test_bad_description),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
