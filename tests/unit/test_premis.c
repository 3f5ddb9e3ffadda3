/* test_premis.c - unit tests for premis.h: PREMIS.xml for a document in
 * memory validates against PREMIS 3.0; an object per file with its digest,
 * size and PRONOM key, the document as an intellectual entity; the
 * catalog's history, this run's events and packaging at its time, in that
 * order; luutru, Tesseract (with version) and the archive as agents; the
 * OCR event carries each page's languages and preprocessing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xml_helpers.h"
#include "luutru/premis.h"
#include "luutru/version.h"

#define PREMIS_NS "http://www.loc.gov/premis/v3"

static xmlDocPtr premis_of(const struct lt_doc *doc, const struct lt_bundle *files,
			   const struct lt_event *history, size_t n_history, const char *org)
{
	struct lt_pkg pkg = { .doc = doc, .files = files, .created = CREATED, .organization = org,
			      .tesseract_version = "5.3.0", .history = history, .n_history = n_history };
	struct lt_err err = { 0 };
	char *xml = NULL;
	size_t len = 0;
	xmlDocPtr x;

	assert_int_equal(lt_premis_write(&pkg, "bundles/3f/" DOC_ID ".tar", &xml, &len, &err), LT_OK);
	x = parse_valid(xml, len, "premis-v3-0.xsd");
	free(xml);
	return x;
}

static void test_objects(void **state)
{
	struct lt_doc *doc = sample_doc("chi-thi-05");
	struct lt_bundle files = { 0 };
	char uuid[37], expr[200];
	xmlDocPtr x;

	(void)state;
	sample_files(doc, &files, 1);
	x = premis_of(doc, &files, NULL, 0, NULL);
	snprintf(expr, sizeof(expr), "string(count(//x:object))");
	/* 2 masters, 9 OCR files, the PDF, a schema; and the document. */
	assert_xpath(x, PREMIS_NS, expr, "14");
	assert_xpath(x, PREMIS_NS,
		     "string(//x:object[x:objectIdentifier/x:objectIdentifierType='luutru document id']/x:objectIdentifier/x:objectIdentifierValue)",
		     DOC_ID);
	/* The file's identifier is the UUID METS gives it. */
	lt_pkg_uuid(DOC_ID, "data/representations/master/data/0001.tif", uuid);
	snprintf(expr, sizeof(expr), "string(//x:object[x:objectIdentifier/x:objectIdentifierValue='%s']"
		 "//x:formatRegistryKey)", uuid);
	assert_xpath(x, PREMIS_NS, expr, "fmt/353");
	snprintf(expr, sizeof(expr), "string(//x:object[x:objectIdentifier/x:objectIdentifierValue='%s']"
		 "/x:originalName)", uuid);
	assert_xpath(x, PREMIS_NS, expr, "scan-1.tif");
	snprintf(expr, sizeof(expr), "string(//x:object[x:objectIdentifier/x:objectIdentifierValue='%s']"
		 "//x:messageDigest)", uuid);
	assert_xpath(x, PREMIS_NS, expr, files.files[0].sha256);
	snprintf(expr, sizeof(expr), "string(//x:object[x:objectIdentifier/x:objectIdentifierValue='%s']"
		 "//x:size)", uuid);
	assert_xpath(x, PREMIS_NS, expr, "1000");
	assert_xpath(x, PREMIS_NS,
		     "string(//x:object[x:storage/x:contentLocation/x:contentLocationValue='data/representations/master/data/0002.png']//x:formatRegistryKey)",
		     "fmt/12");
	assert_xpath(x, PREMIS_NS,
		     "string(//x:object[x:storage/x:contentLocation/x:contentLocationValue='data/representations/access/data/" DOC_ID ".pdf']//x:formatRegistryKey)",
		     "fmt/477");
	assert_xpath(x, PREMIS_NS,
		     "string(//x:object[x:storage/x:contentLocation/x:contentLocationValue='data/representations/ocr/data/0001.txt']//x:formatRegistryKey)",
		     "x-fmt/111");
	assert_xpath(x, PREMIS_NS,
		     "string(//x:object[x:storage/x:contentLocation/x:contentLocationValue='data/representations/ocr/data/0001.alto.xml']//x:formatRegistryKey)",
		     "fmt/101");
	xmlFreeDoc(x);
	lt_bundle_release(&files);
	lt_doc_free(doc);
}

static void test_events_and_agents(void **state)
{
	struct lt_doc *doc = sample_doc("chi-thi-05");
	struct lt_bundle files = { 0 };
	struct lt_event history[] = {
		{ .type = "ingested", .at = "2023-11-14T22:00:00+00:00", .outcome = "success",
		  .detail = "from /inbox" },
		{ .type = "ocr", .at = "2023-11-14T22:05:00+00:00", .outcome = "warning",
		  .detail = "an earlier run's reading" },
	};
	xmlDocPtr x;

	(void)state;
	sample_files(doc, &files, 0);
	x = premis_of(doc, &files, history, 2, "Lưu trữ tỉnh");
	assert_xpath(x, PREMIS_NS, "string(count(//x:event))", "4");
	assert_xpath(x, PREMIS_NS, "string(//x:event[1]/x:eventType)", "ingestion");
	assert_xpath(x, PREMIS_NS, "string(//x:event[1]/x:eventDateTime)", "2023-11-14T22:00:00+00:00");
	/* An earlier run's OCR: its own detail, not this run's pages. */
	assert_xpath(x, PREMIS_NS, "string(count(//x:event[2]/x:eventDetailInformation))", "1");
	assert_xpath(x, PREMIS_NS, "string(//x:event[2]/x:eventOutcomeInformation/x:eventOutcome)", "warning");
	xmlFreeDoc(x);
	x = premis_of(doc, &files, history, 1, "Lưu trữ tỉnh");
	assert_xpath(x, PREMIS_NS, "string(count(//x:event))", "3");
	assert_xpath(x, PREMIS_NS, "string(count(//x:event[2]/x:eventDetailInformation))", "4");
	assert_xpath(x, PREMIS_NS, "string(//x:event[2]/x:eventType)", "creation");
	assert_xpath(x, PREMIS_NS, "string(//x:event[2]/x:eventDetailInformation[1]/x:eventDetail)",
		     "luutru ocr: tesseract 5.3.0, vie+eng, 3 pages");
	assert_xpath(x, PREMIS_NS, "string(//x:event[2]/x:eventDetailInformation[2]/x:eventDetail)",
		     "page 1: languages vie; preprocessing: deskewed 0.4°; 300 dpi");
	assert_xpath(x, PREMIS_NS, "string(count(//x:event[2]/x:linkingAgentIdentifier))", "3");
	assert_xpath(x, PREMIS_NS, "string(//x:event[3]/x:eventType)", "information package creation");
	assert_xpath(x, PREMIS_NS, "string(//x:event[3]/x:eventDateTime)", CREATED);
	assert_xpath(x, PREMIS_NS, "string(//x:event[3]/x:eventOutcomeInformation/x:eventOutcome)", "success");
	assert_xpath(x, PREMIS_NS, "string(//x:event[3]/x:linkingObjectIdentifier/x:linkingObjectIdentifierValue)",
		     DOC_ID);
	assert_xpath(x, PREMIS_NS, "string(//x:agent[x:agentName='luutru']/x:agentVersion)", LT_VERSION);
	assert_xpath(x, PREMIS_NS, "string(//x:agent[x:agentName='Tesseract OCR']/x:agentVersion)", "5.3.0");
	assert_xpath(x, PREMIS_NS, "string(//x:agent[x:agentType='organization']/x:agentName)", "Lưu trữ tỉnh");
	xmlFreeDoc(x);
	/* No organization configured: no such agent, no such link. */
	x = premis_of(doc, &files, history, 1, NULL);
	assert_xpath(x, PREMIS_NS, "string(count(//x:agent))", "2");
	assert_xpath(x, PREMIS_NS, "string(count(//x:linkingAgentIdentifier[x:linkingAgentIdentifierType='organization']))", "0");
	xmlFreeDoc(x);
	lt_bundle_release(&files);
	lt_doc_free(doc);
}

static void test_event_types(void **state)
{
	const char *name, *pronom;

	(void)state;
	assert_string_equal(lt_premis_event_type("ingested"), "ingestion");
	assert_string_equal(lt_premis_event_type("packaged"), "information package creation");
	assert_string_equal(lt_premis_event_type("access-copy"), "creation");
	assert_string_equal(lt_premis_event_type("something-new"), "something-new");
	lt_premis_format("data/a/0001.jpg", &name, &pronom);
	assert_string_equal(pronom, "fmt/43");
	lt_premis_format("data/a/odd.bin", &name, &pronom);
	assert_null(pronom);
	assert_string_equal(name, "application/octet-stream");
}

static int teardown_all(void **state)
{
	(void)state;
	remove_schemas();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_events_and_agents),
		cmocka_unit_test(test_event_types),
	};

	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
