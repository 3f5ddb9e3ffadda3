/* test_mets.c - unit tests for mets.h: METS.xml for a document described in
 * memory validates against the METS schema luutru ships; fileSec lists the
 * payload with sizes and digests, metadata goes in mdRefs, the structMap has
 * the pages in order (both pages of a two-page TIFF at its one master), the
 * access PDF appears when there is one; names that are not UTF-8 or hold
 * control characters still give valid XML; identifiers are name-based. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xml_helpers.h"

#define METS_NS "http://www.loc.gov/METS/"

static xmlDocPtr mets_of(const struct lt_doc *doc, const struct lt_bundle *files, const char *org)
{
	struct lt_pkg pkg = { .doc = doc, .files = files, .created = CREATED, .organization = org,
			      .tesseract_version = "5.3.0" };
	struct lt_err err = { 0 };
	char *xml = NULL;
	size_t len = 0;
	xmlDocPtr x;

	assert_int_equal(lt_mets_write(&pkg, &xml, &len, &err), LT_OK);
	assert_int_equal(strlen(xml), len);
	x = parse_valid(xml, len, "mets.xsd");
	free(xml);
	return x;
}

static void test_file_sec_and_struct_map(void **state)
{
	struct lt_doc *doc = sample_doc("chi-thi-05");
	struct lt_bundle files = { 0 };
	xmlDocPtr x;
	char want[80];

	(void)state;
	sample_files(doc, &files, 0);
	add_file(&files, LT_LAYOUT_EAD, 1571);
	x = mets_of(doc, &files, "Lưu trữ tỉnh");
	assert_xpath(x, METS_NS, "string(/x:mets/@OBJID)", DOC_ID);
	assert_xpath(x, METS_NS, "string(/x:mets/x:metsHdr/@CREATEDATE)", CREATED);
	assert_xpath(x, METS_NS, "string(//x:agent[@ROLE='CREATOR']/x:name)", "luutru");
	assert_xpath(x, METS_NS, "string(//x:agent[@ROLE='CUSTODIAN']/x:name)", "Lưu trữ tỉnh");
	/* 2 masters + 3 pages x 3 OCR files + 1 schema; EAD is an mdRef, not a file. */
	assert_xpath(x, METS_NS, "string(count(//x:fileSec//x:file))", "12");
	assert_xpath(x, METS_NS, "string(count(//x:fileGrp[@USE='master']/x:file))", "2");
	assert_xpath(x, METS_NS, "string(count(//x:fileGrp[@USE='ocr']/x:file))", "9");
	assert_xpath(x, METS_NS, "string(count(//x:fileGrp[@USE='access']))", "0");
	assert_xpath(x, METS_NS,
		     "string(//x:file[x:FLocat/@xlink:href='representations/master/data/0001.tif']/@SIZE)",
		     "1000");
	assert_xpath(x, METS_NS,
		     "string(//x:file[x:FLocat/@xlink:href='representations/master/data/0001.tif']/@CHECKSUM)",
		     files.files[0].sha256);
	assert_xpath(x, METS_NS, "string(//x:dmdSec[@ID='dmd-ead']/x:mdRef/@SIZE)", "1571");
	assert_xpath(x, METS_NS, "string(//x:dmdSec[@ID='dmd-ead']/x:mdRef/@xlink:href)",
		     "metadata/descriptive/EAD.xml");
	/* PREMIS is not written yet: its mdRef has no digest. */
	assert_xpath(x, METS_NS, "string(//x:digiprovMD/x:mdRef/@MDTYPE)", "PREMIS");
	assert_xpath(x, METS_NS, "string(//x:digiprovMD/x:mdRef/@CHECKSUM)", "");
	assert_xpath(x, METS_NS, "string(count(//x:structMap/x:div/x:div[@TYPE='page']))", "3");
	for (int p = 1; p <= 3; p++) {
		char expr[160];

		snprintf(expr, sizeof(expr), "string(//x:structMap/x:div/x:div[%d]/@ORDER)", p);
		snprintf(want, sizeof(want), "%d", p);
		assert_xpath(x, METS_NS, expr, want);
		snprintf(expr, sizeof(expr), "string(count(//x:structMap/x:div/x:div[%d]/x:fptr))", p);
		assert_xpath(x, METS_NS, expr, "4");
	}
	/* Pages 1 and 2 are the same TIFF; page 3 is the PNG. */
	assert_xpath(x, METS_NS,
		     "string(//x:structMap/x:div/x:div[1]/x:fptr[1]/@FILEID = //x:structMap/x:div/x:div[2]/x:fptr[1]/@FILEID)",
		     "true");
	assert_xpath(x, METS_NS,
		     "string(//x:file[@ID=//x:structMap/x:div/x:div[3]/x:fptr[1]/@FILEID]/x:FLocat/@xlink:href)",
		     "representations/master/data/0002.png");
	xmlFreeDoc(x);
	lt_bundle_release(&files);
	lt_doc_free(doc);
}

static void test_access_pdf(void **state)
{
	struct lt_doc *doc = sample_doc("cong-van-12");
	struct lt_bundle files = { 0 };
	xmlDocPtr x;

	(void)state;
	sample_files(doc, &files, 1);
	x = mets_of(doc, &files, NULL);
	assert_xpath(x, METS_NS, "string(count(//x:fileGrp[@USE='access']/x:file))", "1");
	assert_xpath(x, METS_NS, "string(//x:fileGrp[@USE='access']/x:file/@MIMETYPE)", "application/pdf");
	assert_xpath(x, METS_NS,
		     "string(//x:file[@ID=//x:structMap/x:div[@TYPE='document']/x:fptr/@FILEID]/x:FLocat/@xlink:href)",
		     "representations/access/data/" DOC_ID ".pdf");
	assert_xpath(x, METS_NS, "string(count(//x:agent[@ROLE='CUSTODIAN']))", "0");
	xmlFreeDoc(x);
	lt_bundle_release(&files);
	lt_doc_free(doc);
}

/* A label in a legacy encoding with a control character still makes a
 * valid METS, the bytes shown as U+FFFD. */
static void test_hostile_label(void **state)
{
	struct lt_doc *doc = sample_doc("h\xf4ng-utf8\x01<&>\"");
	struct lt_bundle files = { 0 };
	xmlDocPtr x;

	(void)state;
	sample_files(doc, &files, 0);
	x = mets_of(doc, &files, NULL);
	assert_xpath(x, METS_NS, "string(/x:mets/@LABEL)", "h\xef\xbf\xbdng-utf8 <&>\"");
	xmlFreeDoc(x);
	lt_bundle_release(&files);
	lt_doc_free(doc);
}

static void test_uuid(void **state)
{
	char a[37], b[37], c[37];

	(void)state;
	lt_pkg_uuid(DOC_ID, "data/METS.xml", a);
	lt_pkg_uuid(DOC_ID, "data/METS.xml", b);
	lt_pkg_uuid(DOC_ID, "data/EAD.xml", c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 36);
	assert_true(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
	assert_int_equal(a[14], '8');                 /* version 8 */
	assert_non_null(strchr("89ab", a[19]));       /* RFC 9562 variant */
	lt_pkg_uuid("0000000000000000", "data/METS.xml", c);
	assert_string_not_equal(a, c);
}

static void test_mimetypes(void **state)
{
	(void)state;
	assert_string_equal(lt_pkg_mimetype("data/x/0001.tif"), "image/tiff");
	assert_string_equal(lt_pkg_mimetype("data/x/0001.jpg"), "image/jpeg");
	assert_string_equal(lt_pkg_mimetype("data/x/0001.alto.xml"), "application/xml");
	assert_string_equal(lt_pkg_mimetype("data/x/0001.txt"), "text/plain");
	assert_string_equal(lt_pkg_mimetype("data/x/id.pdf"), "application/pdf");
	assert_string_equal(lt_pkg_mimetype("data/x/odd.bin"), "application/octet-stream");
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
		cmocka_unit_test(test_file_sec_and_struct_map),
		cmocka_unit_test(test_access_pdf),
		cmocka_unit_test(test_hostile_label),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_mimetypes),
	};

	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
