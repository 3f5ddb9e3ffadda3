/* test_alto.c - unit tests for alto.h with real Tesseract (vie+eng) on a
 * real sample page: the ALTO validates offline against alto-4-4.xsd, its
 * Strings are the words of the page's text in its reading order, and on a master scanned
 * sideways the word boxes land on that master's coordinates of the words. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#include "luutru/alto.h"
#include "tess_helpers.h"
#include "luutru/preprocess.h"
#include "luutru/recognize.h"
#include "luutru/text.h"
#include "luutru/version.h"

/* Tests run from the repository root; ../shared is the team's shared folder. */
#define XSD_DIR "../shared/xsd"
/* The top of a Vietnamese decision: a two-column header and body text. */
#define SAMPLE "samples/inbox/quyet-dinh-1127.jpg"

struct word {
	char *content;
	double x, y, w, h, wc;
};

struct alto_doc {
	struct word *words;
	size_t n;
	int has_pc;
};

struct fixture {
	TessBaseAPI *api;
	xmlSchemaPtr schema;
	PIX *pix; /* the upright master: the sample's top part */
};

static int setup(void **state)
{
	static struct fixture f;
	xmlSchemaParserCtxtPtr pctx;

	xmlInitParser();
	/* Offline: schema imports resolve through the catalog, never the network. */
	if (xmlLoadCatalog(XSD_DIR "/catalog.xml") != 0)
		return -1;
	xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
	pctx = xmlSchemaNewParserCtxt(XSD_DIR "/alto-4-4.xsd");
	f.schema = pctx ? xmlSchemaParse(pctx) : NULL;
	xmlSchemaFreeParserCtxt(pctx);
	if (!f.schema)
		return -1;
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
	xmlSchemaFree(f->schema);
	xmlCatalogCleanup();
	xmlCleanupParser();
	return 0;
}

static void recognize(TessBaseAPI *api, PIX *working)
{
	TessBaseAPIClear(api);
	TessBaseAPISetImage2(api, working);
	TessBaseAPISetSourceResolution(api, 300);
	assert_int_equal(lt_recognize(api, 300.0, NULL), LT_OK);
}

/* The one walk: the page result (and its text, when text is not NULL). */
static void walk(TessBaseAPI *api, const struct lt_page_transform *tf, struct lt_ocr_page *result,
		 struct lt_buf *text)
{
	struct lt_buf scratch = LT_BUF_INIT;

	assert_int_equal(lt_reading_order_page(api, tf, text ? text : &scratch, result, NULL), LT_OK);
	lt_buf_release(&scratch);
}

/* ALTO of the page api recognised, seen through tf. */
static int write_alto(TessBaseAPI *api, const struct lt_alto_page *desc,
		      const struct lt_page_transform *tf, struct lt_buf *alto, struct lt_err *err)
{
	struct lt_ocr_page result;
	int rc;

	walk(api, tf, &result, NULL);
	rc = lt_alto_write(&result, desc, tf, alto, err);
	lt_ocr_page_release(&result);
	return rc;
}

static double num_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	double d;

	assert_non_null(v);
	d = strtod((const char *)v, NULL);
	xmlFree(v);
	return d;
}

static void collect(xmlNodePtr n, struct alto_doc *d)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "Page") == 0) {
			xmlChar *pc = xmlGetProp(n, BAD_CAST "PC");

			d->has_pc = pc != NULL;
			xmlFree(pc);
		}
		if (strcmp((const char *)n->name, "String") == 0) {
			struct word *w;

			d->words = realloc(d->words, (d->n + 1) * sizeof(*d->words));
			assert_non_null(d->words);
			w = &d->words[d->n++];
			w->content = (char *)xmlGetProp(n, BAD_CAST "CONTENT");
			assert_non_null(w->content);
			w->x = num_attr(n, "HPOS");
			w->y = num_attr(n, "VPOS");
			w->w = num_attr(n, "WIDTH");
			w->h = num_attr(n, "HEIGHT");
			w->wc = num_attr(n, "WC");
		}
		collect(n->children, d);
	}
}

/* Validates the ALTO against the schema and reads its Strings. */
static void parse_valid(struct fixture *f, const struct lt_buf *alto, struct alto_doc *d)
{
	xmlDocPtr doc = xmlReadMemory(alto->data, (int)alto->len, "page.alto.xml", NULL, XML_PARSE_NONET);
	xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(f->schema);
	xmlNodePtr root;

	assert_non_null(doc);
	assert_non_null(vctx);
	assert_int_equal(xmlSchemaValidateDoc(vctx, doc), 0);
	xmlSchemaFreeValidCtxt(vctx);
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "alto");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href, LT_ALTO_NS);
	*d = (struct alto_doc){ 0 };
	collect(root, d);
	xmlFreeDoc(doc);
}

static void alto_doc_free(struct alto_doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		xmlFree(d->words[i].content);
	free(d->words);
}

static const struct lt_alto_page page_desc = {
	.file_name = "0001.jpg",
	.number = 1,
	.languages = "vie+eng",
	.model = "tessdata_fast (LSTM)",
	.preprocessing = "none",
};

static void test_valid_and_words_match_text(void **state)
{
	struct fixture *f = *state;
	struct lt_page_transform tf;
	struct lt_buf alto = LT_BUF_INIT, text = LT_BUF_INIT, ordered = LT_BUF_INIT;
	struct lt_ocr_page result;
	struct alto_doc d;
	struct lt_err err = { 0 };
	char *save = NULL;
	size_t i = 0;

	recognize(f->api, f->pix);
	lt_transform_identity(&tf, pixGetWidth(f->pix), pixGetHeight(f->pix));
	walk(f->api, &tf, &result, &ordered);
	assert_int_equal(lt_alto_write(&result, &page_desc, &tf, &alto, &err), LT_OK);
	lt_ocr_page_release(&result);
	assert_non_null(strstr(alto.data, "<fileName>0001.jpg</fileName>"));
	assert_non_null(strstr(alto.data, "<softwareVersion>" LT_VERSION "<"));
	assert_non_null(strstr(alto.data, TessVersion()));
	assert_non_null(strstr(alto.data, "languages=vie+eng"));
	parse_valid(f, &alto, &d);
	assert_true(d.has_pc);
	assert_true(d.n > 20);

	/* The very words of the page's text, in its reading order (the
	 * header's left column first). */
	assert_int_equal(lt_text_nfc(ordered.data, ordered.len, &text, NULL), LT_OK);
	for (char *tok = strtok_r(text.data, " \n\t", &save); tok; tok = strtok_r(NULL, " \n\t", &save), i++) {
		assert_true(i < d.n);
		assert_string_equal(d.words[i].content, tok);
	}
	assert_int_equal(i, d.n);
	for (i = 0; i < d.n; i++) {
		assert_true(d.words[i].wc >= 0 && d.words[i].wc <= 1);
		assert_true(d.words[i].w > 0 && d.words[i].h > 0);
		assert_true(d.words[i].x + d.words[i].w <= tf.master_w);
		assert_true(d.words[i].y + d.words[i].h <= tf.master_h);
	}
	alto_doc_free(&d);
	lt_buf_release(&text);
	lt_buf_release(&ordered);
	lt_buf_release(&alto);
}

/* The master is the page scanned sideways (turned 90 degrees clockwise); the
 * working image turns it back (orientation 270) and is upscaled 2x, so
 * Tesseract reads a different image. Each word must land where the same
 * word of the upright page lies on the sideways master. */
static void test_sideways_master_coordinates(void **state)
{
	struct fixture *f = *state;
	struct lt_page_transform up, side;
	struct lt_buf a = LT_BUF_INIT, b = LT_BUF_INIT;
	struct alto_doc da, db;
	PIX *master = pixRotateOrth(f->pix, 1), *upright, *working;
	int W = pixGetWidth(f->pix), H = pixGetHeight(f->pix);
	size_t matched = 0;

	assert_non_null(master);
	recognize(f->api, f->pix);
	lt_transform_identity(&up, W, H);
	assert_int_equal(write_alto(f->api, &page_desc, &up, &a, NULL), LT_OK);

	upright = pixRotateOrth(master, 3);
	working = pixScale(upright, 2.0, 2.0);
	assert_non_null(working);
	recognize(f->api, working);
	lt_transform_identity(&side, pixGetWidth(master), pixGetHeight(master));
	side.orientation = 270;
	side.scale = 2.0;
	assert_int_equal(write_alto(f->api, &page_desc, &side, &b, NULL), LT_OK);
	parse_valid(f, &a, &da);
	parse_valid(f, &b, &db);
	assert_true(db.n > 20);
	for (size_t i = 0; i < db.n; i++) {
		const struct word *w = &db.words[i];

		assert_true(w->x + w->w <= pixGetWidth(master) && w->y + w->h <= pixGetHeight(master));
		/* Sideways, the words run down the page: taller than wide. */
		for (size_t j = 0; j < da.n; j++) {
			const struct word *u = &da.words[j];
			/* Turned 90 clockwise, upright (x, y, w, h) is at (H - y - h, x, h, w). */
			double ex = H - u->y - u->h, ey = u->x;

			if (strcmp(u->content, w->content) == 0 && fabs(ex - w->x) <= 4 &&
			    fabs(ey - w->y) <= 4 && fabs(u->h - w->w) <= 6 && fabs(u->w - w->h) <= 6) {
				matched++;
				break;
			}
		}
	}
	print_message("%zu of %zu sideways words on their upright place\n", matched, db.n);
	/* Recognition of an upscaled image may differ on a word or two. */
	assert_true(matched * 10 >= db.n * 9);
	alto_doc_free(&da);
	alto_doc_free(&db);
	lt_buf_release(&a);
	lt_buf_release(&b);
	pixDestroy(&working);
	pixDestroy(&upright);
	pixDestroy(&master);
}

static void test_blank_page_is_valid(void **state)
{
	struct fixture *f = *state;
	struct lt_page_transform tf;
	struct lt_buf alto = LT_BUF_INIT;
	struct alto_doc d;
	PIX *white = pixCreate(1240, 1754, 8);

	assert_non_null(white);
	pixSetAll(white);
	recognize(f->api, white);
	lt_transform_identity(&tf, 1240, 1754);
	assert_int_equal(write_alto(f->api, &page_desc, &tf, &alto, NULL), LT_OK);
	parse_valid(f, &alto, &d);
	assert_int_equal(d.n, 0);
	assert_false(d.has_pc);
	alto_doc_free(&d);
	lt_buf_release(&alto);
	pixDestroy(&white);
}

static void test_bad_description(void **state)
{
	struct lt_page_transform tf;
	struct lt_alto_page p = page_desc;
	struct lt_buf alto = LT_BUF_INIT;
	struct lt_err err = { 0 };
	struct lt_ocr_page empty = { .master_w = 100, .master_h = 100 };

	(void)state;
	lt_transform_identity(&tf, 100, 100);
	p.number = 0;
	assert_int_equal(lt_alto_write(&empty, &p, &tf, &alto, &err), LT_EINTERNAL);
	assert_int_equal(alto.len, 0);
	p = page_desc;
	tf.orientation = 45;
	assert_int_equal(lt_alto_write(&empty, &p, &tf, &alto, &err), LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "page 1"));
	assert_int_equal(alto.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_and_words_match_text),
		cmocka_unit_test(test_sideways_master_coordinates),
		cmocka_unit_test(test_blank_page_is_valid),
		cmocka_unit_test(test_bad_description),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
