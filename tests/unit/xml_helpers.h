/* xml_helpers.h - for the tests of the METS, PREMIS and EAD writers: a
 * small document described in memory, validation against the schemas
 * compiled into luutru (written to a temp folder, as a bundle carries
 * them), and XPath look-ups. Include after <cmocka.h>. */
#ifndef LUUTRU_TEST_XML_HELPERS_H
#define LUUTRU_TEST_XML_HELPERS_H

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "luutru/doc.h"
#include "luutru/embedded.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/layout.h"
#include "luutru/mets.h"

#define DOC_ID "3f0c9a1b2c3d4e5f"
#define CREATED "2023-11-14T22:13:20+00:00"

/* The embedded schemas written out once per test binary. */
static char schema_dir[64];

static inline void write_schemas(void)
{
	if (schema_dir[0])
		return;
	snprintf(schema_dir, sizeof(schema_dir), "/tmp/lt-test-xsd.XXXXXX");
	assert_non_null(mkdtemp(schema_dir));
	for (size_t i = 0; i < lt_n_bundle_schemas; i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", schema_dir, lt_bundle_schemas[i].name);
		write_file(path, lt_bundle_schemas[i].data, lt_bundle_schemas[i].len);
	}
}

static inline void remove_schemas(void)
{
	if (schema_dir[0])
		lt_remove_tree(schema_dir, NULL);
	schema_dir[0] = 0;
}

/* Parses xml; fails the test unless it is well-formed and valid against
 * the embedded schema xsd ("mets.xsd"). Returns: owned, xmlFreeDoc(). */
static inline xmlDocPtr parse_valid(const char *xml, size_t len, const char *xsd)
{
	char path[256];
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "test.xml", NULL, XML_PARSE_NONET);
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;

	assert_non_null(doc);
	write_schemas();
	snprintf(path, sizeof(path), "%s/%s", schema_dir, xsd);
	pc = xmlSchemaNewParserCtxt(path);
	assert_non_null(pc);
	schema = xmlSchemaParse(pc);
	assert_non_null(schema);
	vc = xmlSchemaNewValidCtxt(schema);
	assert_non_null(vc);
	if (xmlSchemaValidateDoc(vc, doc) != 0) {
		fprintf(stderr, "not valid against %s:\n%.*s\n", xsd, (int)len, xml);
		fail();
	}
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	return doc;
}

/* The string value of an XPath expression, with prefix "x" bound to ns.
 * Returns: owned, free(). */
static inline char *xpath(xmlDocPtr doc, const char *ns, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr obj;
	xmlChar *s;
	char *out;

	assert_non_null(ctx);
	xmlXPathRegisterNs(ctx, BAD_CAST "x", BAD_CAST ns);
	xmlXPathRegisterNs(ctx, BAD_CAST "xlink", BAD_CAST "http://www.w3.org/1999/xlink");
	obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(obj);
	s = xmlXPathCastToString(obj);
	out = strdup((const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(obj);
	xmlXPathFreeContext(ctx);
	return out;
}

static inline void assert_xpath(xmlDocPtr doc, const char *ns, const char *expr, const char *want)
{
	char *got = xpath(doc, ns, expr);

	if (strcmp(got, want) != 0)
		fprintf(stderr, "%s: got '%s', want '%s'\n", expr, got, want);
	assert_string_equal(got, want);
	free(got);
}

/* A document of three pages: a two-page TIFF and a PNG, with results. */
static inline struct lt_doc *sample_doc(const char *label)
{
	struct lt_doc *doc = lt_doc_new();
	char sha[LT_SHA256_HEX];

	assert_non_null(doc);
	memcpy(doc->id, DOC_ID, sizeof(doc->id));
	assert_int_equal(lt_strdup(label, &doc->label, NULL), LT_OK);
	assert_int_equal(lt_strdup("vie+eng", &doc->lang, NULL), LT_OK);
	memset(sha, 'a', 64);
	sha[64] = 0;
	assert_int_equal(lt_doc_add_source(doc, "/inbox/x/scan-1.tif", sha, 100, 2, "tif", NULL), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, NULL), LT_OK);
	assert_int_equal(lt_doc_add_source(doc, "/inbox/x/trang 3.png", sha, 100, 1, "png", NULL), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, NULL), LT_OK);
	for (size_t i = 0; i < doc->n_pages; i++) {
		assert_int_equal(lt_strdup("vie", &doc->pages[i].lang, NULL), LT_OK);
		assert_int_equal(lt_strdup("deskewed 0.4°; 300 dpi", &doc->pages[i].preprocessing, NULL), LT_OK);
	}
	assert_int_equal(lt_doc_add_event(doc, "ocr", "2023-11-14T22:13:19+00:00", "success",
					  "tesseract 5.3.0, vie+eng, 3 pages", NULL), LT_OK);
	return doc;
}

static inline void add_file(struct lt_bundle *b, const char *path, uint64_t size)
{
	char sha[LT_SHA256_HEX];

	assert_int_equal(lt_sha256_mem(path, strlen(path), sha, NULL), LT_OK);
	assert_int_equal(lt_bundle_add_file(b, path, size, sha, NULL), LT_OK);
}

/* The payload packaging writes for sample_doc(), in its order. with_pdf:
 * the access copy too. */
static inline void sample_files(const struct lt_doc *doc, struct lt_bundle *b, int with_pdf)
{
	static const enum lt_layout_page_file kinds[] = { LT_PAGE_TEXT, LT_PAGE_HOCR, LT_PAGE_ALTO };
	char *path = NULL;

	for (size_t i = 0; i < doc->n_sources; i++) {
		assert_int_equal(lt_layout_master(doc, i, &path, NULL), LT_OK);
		add_file(b, path, 1000 + i);
		free(path);
	}
	for (size_t i = 0; i < doc->n_pages; i++)
		for (size_t k = 0; k < 3; k++) {
			assert_int_equal(lt_layout_page(doc->pages[i].number, kinds[k], &path, NULL), LT_OK);
			add_file(b, path, 10 + k);
			free(path);
		}
	if (with_pdf) {
		assert_int_equal(lt_layout_access_pdf(doc->id, &path, NULL), LT_OK);
		add_file(b, path, 5000);
		free(path);
	}
	add_file(b, "data/schemas/mets.xsd", 138291);
}

#endif
