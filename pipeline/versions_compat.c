/* versions_compat.c - TEMPORARY (see versions_compat.h): a minimal profile
 * with the agreed TT05 keys, a length limit, the ISO date of issuedDate and
 * the code lists luutru defines itself. The real one reads
 * schemas/metadata-profile.json. Deleted at merge. */
#if !__has_include("luutru/profile.h")

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "luutru/buf.h"
#include "luutru/text.h"
#include "versions_compat.h"

#define MAX_VALUE_BYTES 500

struct lt_profile {
	int unused;
};

static const char *const known_keys[] = {
	"docId", "docCode", "fileCode", "maintenance", "typeName", "typeLabel", "codeNumber",
	"codeNotation", "issuedDate", "issuedPlace", "organName", "parentOrganName", "subject",
	"language", "numberOfPage", "inforSign", "keyword", "autograph", "format", "description",
	"mode", "confidenceLevel", "docFamily", "secrecyLevel", "urgency", "retentionBasis",
	"signerName", "signerTitle", "title", NULL,
};

int lt_profile_open(const char *archive, struct lt_profile **p, struct lt_err *err)
{
	(void)archive;
	*p = calloc(1, sizeof(**p));
	return *p ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory reading the metadata profile");
}

void lt_profile_close(struct lt_profile *p)
{
	free(p);
}

int lt_profile_resolve_key(const struct lt_profile *p, const char *label, const char **key)
{
	(void)p;
	for (size_t i = 0; known_keys[i]; i++)
		if (strcasecmp(known_keys[i], label) == 0) {
			*key = known_keys[i];
			return LT_OK;
		}
	return LT_ENOTFOUND;
}

static int iso_date(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-')
		return 0;
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static int one_of(const char *value, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(value, list[i]) == 0)
			return 1;
	return 0;
}

static int two_digit_code(const char *value, int lo, int hi)
{
	return strlen(value) == 2 && value[0] >= '0' && value[0] <= '9' && value[1] >= '0' &&
	       value[1] <= '9' && atoi(value) >= lo && atoi(value) <= hi;
}

int lt_profile_validate(const struct lt_profile *p, const char *key, const char *value,
			char **normalised, struct lt_err *err)
{
	static const char *const families[] = { "state", "party", NULL };
	static const char *const secrecy[] = { "mat", "toi-mat", "tuyet-mat", NULL };
	static const char *const urgency[] = { "khan", "thuong-khan", "hoa-toc", NULL };
	struct lt_buf nfc = LT_BUF_INIT, repaired = LT_BUF_INIT;
	const char *canonical, *v, *rule = NULL;
	size_t start, end;
	int rc;

	*normalised = NULL;
	if (lt_profile_resolve_key(p, key, &canonical) != LT_OK)
		return lt_err_set(err, LT_EINPUT, "%s = '%s': no such field in the metadata profile "
				  "(rule: known TT05 key)", key, value);
	rc = lt_text_repair_utf8(value, &repaired, err);
	if (!rc && strcmp(lt_buf_str(&repaired), value) != 0)
		rc = lt_err_set(err, LT_EINPUT, "%s = '%s': not UTF-8 (rule: UTF-8 text)", canonical,
				lt_buf_str(&repaired));
	/* Blanks around a value are a slip of the keyboard, not the value. */
	for (start = 0; !rc && value[start] && strchr(" \t\r\n", value[start]); start++)
		;
	for (end = strlen(value); !rc && end > start && strchr(" \t\r\n", value[end - 1]); end--)
		;
	if (!rc)
		rc = lt_text_nfc(value + start, end - start, &nfc, err);
	if (rc)
		goto out;
	v = lt_buf_str(&nfc);
	if (!*v)
		rule = "a value is not empty";
	else if (strlen(v) > MAX_VALUE_BYTES)
		rule = "at most 500 bytes";
	else if (strcmp(canonical, "issuedDate") == 0 && !iso_date(v))
		rule = "a date YYYY-MM-DD";
	else if (strcmp(canonical, "typeName") == 0 && !two_digit_code(v, 1, 32))
		rule = "a type code 01 to 32";
	else if (strcmp(canonical, "language") == 0 && !two_digit_code(v, 1, 11))
		rule = "a language code 01 to 11";
	else if ((strcmp(canonical, "mode") == 0 || strcmp(canonical, "confidenceLevel") == 0) &&
		 !two_digit_code(v, 1, 3))
		rule = "a code 01, 02 or 03";
	else if (strcmp(canonical, "docFamily") == 0 && !one_of(v, families))
		rule = "state or party";
	else if (strcmp(canonical, "secrecyLevel") == 0 && !one_of(v, secrecy))
		rule = "mat, toi-mat or tuyet-mat";
	else if (strcmp(canonical, "urgency") == 0 && !one_of(v, urgency))
		rule = "khan, thuong-khan or hoa-toc";
	if (rule)
		rc = lt_err_set(err, LT_EINPUT, "%s = '%s': refused (rule: %s)", canonical, v, rule);
	else
		*normalised = lt_buf_detach(&nfc);
	if (!rc && !*normalised)
		rc = lt_err_set(err, LT_ENOMEM, "out of memory checking %s", canonical);
out:
	lt_buf_release(&nfc);
	lt_buf_release(&repaired);
	return rc;
}

#else
/* The metadata profile has landed: this file is to be deleted. */
typedef int lt_versions_compat_unused;
#endif
