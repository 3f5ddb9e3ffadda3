/* test_ead.c - unit tests for ead.h: EAD.xml validates against EAD3 with no
 * metadata at all (the label, the scan date, the document id) and with the
 * TT05 fields of a party and a state document: title from the subject, the
 * number as each family prints it, issuing body, date, place, signer,
 * secrecy, and every field listed with its provenance. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xml_helpers.h"
#include "luutru/ead.h"

#define EAD_NS "http://ead3.archivists.org/schema/"

static const struct lt_event history[] = {
	{ .type = "ingested", .at = "2023-10-02T08:00:00+07:00", .outcome = "success", .detail = "" },
};

static xmlDocPtr ead_of(const struct lt_doc *doc, const char *org)
{
	struct lt_bundle files = { 0 };
	struct lt_pkg pkg = { .doc = doc, .files = &files, .created = CREATED, .organization = org,
			      .history = history, .n_history = 1 };
	struct lt_err err = { 0 };
	char *xml = NULL;
	size_t len = 0;
	xmlDocPtr x;

	assert_int_equal(lt_ead_write(&pkg, &xml, &len, &err), LT_OK);
	x = parse_valid(xml, len, "ead3.xsd");
	free(xml);
	return x;
}

static void set(struct lt_doc *doc, const char *key, const char *value, enum lt_meta_source src)
{
	assert_int_equal(lt_meta_set(&doc->meta, key, value, src, src == LT_META_SIDECAR ? "metadata.json" : NULL,
				     src == LT_META_EXTRACTED ? "so-ky-hieu" : NULL, 0.9,
				     src != LT_META_EXTRACTED, NULL), LT_OK);
}

static void test_without_metadata(void **state)
{
	struct lt_doc *doc = sample_doc("bao-cao-2016");
	xmlDocPtr x;

	(void)state;
	x = ead_of(doc, NULL);
	assert_xpath(x, EAD_NS, "string(//x:control/x:recordid)", DOC_ID);
	assert_xpath(x, EAD_NS, "string(//x:maintenanceagency/x:agencyname)", "luutru");
	assert_xpath(x, EAD_NS, "string(//x:archdesc/@level)", "item");
	assert_xpath(x, EAD_NS, "string(//x:did/x:unittitle)", "bao-cao-2016");
	assert_xpath(x, EAD_NS, "string(//x:did/x:unitid[@localtype='luutru-id'])", DOC_ID);
	assert_xpath(x, EAD_NS, "string(//x:unitdatestructured/@datechar)", "digitized");
	assert_xpath(x, EAD_NS, "string(//x:datesingle/@standarddate)", "2023-10-02");
	assert_xpath(x, EAD_NS, "string(//x:physdescstructured/x:quantity)", "3");
	assert_xpath(x, EAD_NS, "string(count(//x:langmaterial/x:language))", "2");
	assert_xpath(x, EAD_NS, "string(//x:langmaterial/x:language[2]/@langcode)", "eng");
	assert_xpath(x, EAD_NS, "string(count(//x:odd))", "0");
	xmlFreeDoc(x);
	lt_doc_free(doc);
}

static void test_party_document(void **state)
{
	struct lt_doc *doc = sample_doc("chi-thi-05");
	xmlDocPtr x;

	(void)state;
	set(doc, "docFamily", "party", LT_META_SIDECAR);
	set(doc, "codeNumber", "05", LT_META_EXTRACTED);
	set(doc, "codeNotation", "CT/TW", LT_META_EXTRACTED);
	set(doc, "subject", "Về đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh", LT_META_SIDECAR);
	set(doc, "issuedDate", "2016-05-15", LT_META_EXTRACTED);
	set(doc, "issuedPlace", "Hà Nội", LT_META_EXTRACTED);
	set(doc, "organName", "BAN CHẤP HÀNH TRUNG ƯƠNG", LT_META_EXTRACTED);
	set(doc, "typeLabel", "Chỉ thị", LT_META_EXTRACTED);
	set(doc, "signerName", "Đinh Thế Huynh", LT_META_EXTRACTED);
	set(doc, "secrecyLevel", "mat", LT_META_SIDECAR);
	x = ead_of(doc, "Văn phòng Trung ương Đảng");
	assert_xpath(x, EAD_NS, "string(//x:maintenanceagency/x:agencyname)", "Văn phòng Trung ương Đảng");
	assert_xpath(x, EAD_NS, "string(//x:did/x:unittitle)",
		     "Về đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh");
	assert_xpath(x, EAD_NS, "string(//x:did/x:unitid[@localtype='codeNumber-codeNotation'])", "05-CT/TW");
	assert_xpath(x, EAD_NS, "string(//x:unitdatestructured/@datechar)", "issued");
	assert_xpath(x, EAD_NS, "string(//x:datesingle/@standarddate)", "2016-05-15");
	assert_xpath(x, EAD_NS, "string(//x:origination/x:corpname/x:part)", "BAN CHẤP HÀNH TRUNG ƯƠNG");
	assert_xpath(x, EAD_NS, "string(//x:controlaccess/x:genreform/x:part)", "Chỉ thị");
	assert_xpath(x, EAD_NS, "string(//x:controlaccess/x:geogname/x:part)", "Hà Nội");
	assert_xpath(x, EAD_NS, "string(//x:controlaccess/x:persname[@relator='signer']/x:part)", "Đinh Thế Huynh");
	assert_xpath(x, EAD_NS, "string(//x:accessrestrict/x:p)", "mat");
	assert_xpath(x, EAD_NS, "string(count(//x:odd/x:list/x:defitem))", "10");
	assert_xpath(x, EAD_NS, "string(//x:odd//x:defitem[x:label='codeNumber']/x:item)", "05 (extracted)");
	assert_xpath(x, EAD_NS, "string(//x:odd//x:defitem[x:label='subject']/x:item)",
		     "Về đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh (sidecar: metadata.json, confirmed)");
	xmlFreeDoc(x);
	lt_doc_free(doc);
}

/* A state document: "1127/QĐ-UBND"; docCode wins when given; a date that
 * is not YYYY-MM-DD is kept as text without a standarddate. */
static void test_state_document(void **state)
{
	struct lt_doc *doc = sample_doc("quyet-dinh-1127");
	xmlDocPtr x;

	(void)state;
	set(doc, "docFamily", "state", LT_META_SIDECAR);
	set(doc, "codeNumber", "1127", LT_META_EXTRACTED);
	set(doc, "codeNotation", "QĐ-UBND", LT_META_EXTRACTED);
	set(doc, "issuedDate", "tháng 7 năm 2016", LT_META_EXTRACTED);
	x = ead_of(doc, NULL);
	assert_xpath(x, EAD_NS, "string(//x:did/x:unitid[@localtype='codeNumber-codeNotation'])", "1127/QĐ-UBND");
	assert_xpath(x, EAD_NS, "string(//x:datesingle)", "tháng 7 năm 2016");
	assert_xpath(x, EAD_NS, "string(count(//x:datesingle/@standarddate))", "0");
	xmlFreeDoc(x);
	set(doc, "docCode", "H08.01.2016.1127", LT_META_SIDECAR);
	x = ead_of(doc, NULL);
	assert_xpath(x, EAD_NS, "string(//x:did/x:unitid[@localtype='docCode'])", "H08.01.2016.1127");
	xmlFreeDoc(x);
	lt_doc_free(doc);
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
		cmocka_unit_test(test_without_metadata),
		cmocka_unit_test(test_party_document),
		cmocka_unit_test(test_state_document),
	};

	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
