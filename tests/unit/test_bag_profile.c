/* test_bag_profile.c - unit tests for bag_profile.h: luutru's profile (the
 * compiled-in schemas/bagit-profile.json) accepts a report shaped like a
 * luutru bundle and names each departure: a required bag-info tag missing,
 * a non-repeatable tag repeated, a value not allowed, a manifest algorithm
 * not allowed, fetch.txt, a BagIt version not accepted, a required payload
 * file missing, a tag file not allowed; a profile that is not one is
 * refused with a reason. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "luutru/bag_profile.h"

static struct lt_bag_info_pair info[] = {
	{ "Bagging-Date", "2023-11-14" },
	{ "Payload-Oxum", "100.7" },
	{ "External-Identifier", "3f0c9a1b2c3d4e5f" },
	{ "Bag-Software-Agent", "luutru 0.1.0" },
};

static const char *const files[] = {
	"bag-info.txt", "bagit.txt", "data/METS.xml", "data/metadata/descriptive/EAD.xml",
	"data/metadata/descriptive/metadata.json", "data/metadata/preservation/PREMIS.xml",
	"data/schemas/ead3.xsd", "data/schemas/mets.xsd", "data/schemas/premis-v3-0.xsd",
	"manifest-sha256.txt", "tagmanifest-sha256.txt",
};

/* A report as lt_bag_read() gives it for a sound luutru bundle. */
static struct lt_bag_report *luutru_report(void)
{
	struct lt_bag_report *rep = calloc(1, sizeof(*rep));
	size_t n = sizeof(files) / sizeof(files[0]);

	assert_non_null(rep);
	rep->tar_format = 1;
	strcpy(rep->version, "1.0");
	rep->info = info;
	rep->n_info = sizeof(info) / sizeof(info[0]);
	rep->files = calloc(n + 2, sizeof(*rep->files));
	assert_non_null(rep->files);
	for (size_t i = 0; i < n; i++)
		rep->files[i].path = (char *)files[i];
	rep->n_files = n;
	return rep;
}

static void report_free(struct lt_bag_report *rep)
{
	free(rep->files);
	free(rep);
}

/* Checks rep; returns the number of problems, their text in out. */
static size_t check(const struct lt_bag_report *rep, struct lt_buf *out)
{
	struct lt_bag_profile *p = NULL;
	struct lt_err err = { 0 };
	size_t n = 99;

	assert_int_equal(lt_bag_profile_luutru(&p, &err), LT_OK);
	assert_string_equal(lt_bag_profile_id(p), "urn:luutru:bagit-profile:1");
	lt_buf_reset(out);
	assert_int_equal(lt_bag_profile_check(p, rep, out, &n, &err), LT_OK);
	lt_bag_profile_free(p);
	return n;
}

static void test_conforming(void **state)
{
	struct lt_bag_report *rep = luutru_report();
	struct lt_buf out = LT_BUF_INIT;

	(void)state;
	assert_int_equal(check(rep, &out), 0);
	/* A folder conforms too: serialisation is optional. */
	rep->tar_format = 0;
	assert_int_equal(check(rep, &out), 0);
	lt_buf_release(&out);
	report_free(rep);
}

static void test_missing_tag_and_file(void **state)
{
	struct lt_bag_report *rep = luutru_report();
	struct lt_buf out = LT_BUF_INIT;

	(void)state;
	rep->n_info = 2; /* no External-Identifier, no Bag-Software-Agent */
	assert_int_equal(check(rep, &out), 2);
	assert_non_null(strstr(lt_buf_str(&out), "External-Identifier is required and missing"));
	assert_non_null(strstr(lt_buf_str(&out), "Bag-Software-Agent is required and missing"));
	rep->n_info = sizeof(info) / sizeof(info[0]);
	rep->files[2].path = (char *)"data/mets.xml"; /* METS.xml under another name */
	assert_int_equal(check(rep, &out), 1);
	assert_string_equal(lt_buf_str(&out), "payload file data/METS.xml is required and missing\n");
	lt_buf_release(&out);
	report_free(rep);
}

static void test_manifests_fetch_version_tags(void **state)
{
	struct lt_bag_report *rep = luutru_report();
	struct lt_buf out = LT_BUF_INIT;

	(void)state;
	rep->files[rep->n_files++].path = (char *)"manifest-md5.txt";
	assert_int_equal(check(rep, &out), 1);
	assert_non_null(strstr(lt_buf_str(&out), "manifest-md5.txt: algorithm 'md5' is not allowed"));
	rep->files[rep->n_files - 1].path = (char *)"fetch.txt";
	assert_int_equal(check(rep, &out), 1);
	assert_non_null(strstr(lt_buf_str(&out), "fetch.txt is present"));
	rep->files[rep->n_files - 1].path = (char *)"notes/extra.txt";
	assert_int_equal(check(rep, &out), 1);
	assert_non_null(strstr(lt_buf_str(&out), "tag file notes/extra.txt is not allowed"));
	rep->n_files--;
	strcpy(rep->version, "0.97");
	assert_int_equal(check(rep, &out), 1);
	assert_non_null(strstr(lt_buf_str(&out), "BagIt-Version '0.97'"));
	lt_buf_release(&out);
	report_free(rep);
}

static void test_values_and_repeats(void **state)
{
	static const char json[] =
		"{\"BagIt-Profile-Info\": {\"BagIt-Profile-Identifier\": \"urn:x\"},"
		" \"Bag-Info\": {\"Source-Organization\": {\"required\": true, \"repeatable\": false,"
		"   \"values\": [\"A\", \"B\"]}}}";
	struct lt_bag_info_pair two[] = { { "Source-Organization", "A" }, { "source-organization", "C" } };
	struct lt_bag_report rep = { .info = two, .n_info = 2 };
	struct lt_bag_profile *p = NULL;
	struct lt_buf out = LT_BUF_INIT;
	struct lt_err err = { 0 };
	size_t n = 0;

	(void)state;
	assert_int_equal(lt_bag_profile_parse(json, strlen(json), "test", &p, &err), LT_OK);
	assert_int_equal(lt_bag_profile_check(p, &rep, &out, &n, &err), LT_OK);
	assert_int_equal(n, 2);
	assert_non_null(strstr(lt_buf_str(&out), "Source-Organization is 'C', not one of the profile's values"));
	assert_non_null(strstr(lt_buf_str(&out), "not repeatable and appears 2 times"));
	lt_buf_release(&out);
	lt_bag_profile_free(p);
}

static void test_not_a_profile(void **state)
{
	static const char *const bad[] = {
		"[1, 2]",
		"{\"Bag-Info\": {}}",
		"{\"BagIt-Profile-Info\": {\"BagIt-Profile-Identifier\": \"x\"}, \"Manifests-Required\": \"sha256\"}",
		"{\"BagIt-Profile-Info\": {\"BagIt-Profile-Identifier\": \"x\"}, \"Bag-Info\": {\"A\": 1}}",
		"{not json",
	};
	struct lt_bag_profile *p = NULL;
	struct lt_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(lt_bag_profile_parse(bad[i], strlen(bad[i]), "p.json", &p, &err), LT_EINPUT);
		assert_null(p);
		assert_non_null(strstr(err.msg, "p.json"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conforming),
		cmocka_unit_test(test_missing_tag_and_file),
		cmocka_unit_test(test_manifests_fetch_version_tags),
		cmocka_unit_test(test_values_and_repeats),
		cmocka_unit_test(test_not_a_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
