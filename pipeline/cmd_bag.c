/* cmd_bag.c - `luutru bag validate PATH...`: a strict BagIt (RFC 8493, and
 * 0.97) check of any bag, a folder or a tar, streamed through bag_read.c
 * without unpacking. Needs no archive. The rules live in bag_read.c, so
 * that `get` and `verify` apply the same ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/bag.h"
#include "luutru/bag_profile.h"
#include "luutru/cmd.h"

/* A bag luutru made says so in Bag-Software-Agent. */
static int made_by_luutru(const struct lt_bag_report *rep)
{
	for (size_t i = 0; i < rep->n_info; i++)
		if (strcasecmp(rep->info[i].label, "Bag-Software-Agent") == 0 &&
		    strncmp(rep->info[i].value, "luutru ", 7) == 0)
			return 1;
	return 0;
}

/* A luutru bag's departures from luutru's BagIt profile, one line each as
 * 'PATH: profile: REASON'. Returns how many, or -1 after reporting an error. */
static long profile_problems(const char *path, const struct lt_bag_report *rep)
{
	struct lt_bag_profile *profile = NULL;
	struct lt_buf lines = LT_BUF_INIT;
	struct lt_err err = { 0 };
	size_t n = 0;
	int rc = lt_bag_profile_luutru(&profile, &err);

	if (!rc)
		rc = lt_bag_profile_check(profile, rep, &lines, &n, &err);
	for (char *line = lines.data, *nl; !rc && line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = 0;
		printf(_("%s: profile: %s\n"), path, line);
	}
	lt_buf_release(&lines);
	lt_bag_profile_free(profile);
	if (rc) {
		lt_cmd_fail(&err);
		return -1;
	}
	return (long)n;
}

/* One bag: its problems on stdout, its warnings on stderr. Returns the
 * exit code for this bag. */
static int validate_one(const char *path)
{
	struct lt_bag_report *rep = NULL;
	struct lt_err err = { 0 };
	int rc = lt_bag_read(path, NULL, &rep, &err);

	if (rc == LT_EARCHIVE || rc == LT_ENOTFOUND) {
		/* Not a bag we can read at all: that is the answer for this PATH. */
		printf("%s: %s\n", path, err.msg);
		return LT_EXIT_PROBLEM;
	}
	if (rc)
		return lt_cmd_fail(&err);
	for (size_t i = 0; i < rep->n_warnings; i++)
		fprintf(stderr, _("warning: %s: %s\n"), path, rep->warnings[i].reason);
	for (size_t i = 0; i < rep->n_problems; i++)
		printf("%s: %s: %s\n", path, lt_bag_problem_name(rep->problems[i].kind),
		       rep->problems[i].reason);
	rc = rep->n_problems ? LT_EXIT_PROBLEM : LT_EXIT_OK;
	if (made_by_luutru(rep)) {
		long n = profile_problems(path, rep);

		if (n < 0)
			rc = LT_EXIT_FATAL;
		else if (n > 0 && rc == LT_EXIT_OK)
			rc = LT_EXIT_PROBLEM;
	}
	lt_bag_report_free(rep);
	return rc;
}

static int run_validate(const struct lt_args *args, struct lt_catalog *cat)
{
	int worst = LT_EXIT_OK;

	(void)cat;
	for (int i = 0; i < args->argc; i++) {
		int rc = validate_one(args->argv[i]);

		if (rc > worst)
			worst = rc;
	}
	return worst;
}

static const struct lt_command cmd_bag_validate = {
	.name = "validate",
	.summary = N_("check bags (folders or tars) against BagIt 1.0 / 0.97"),
	.usage =
	N_("usage: luutru bag validate PATH...\n"
	"\n"
	"Checks each PATH, a bag's folder or a tar holding one bag (any tar\n"
	"libarchive reads, compressed or not), against BagIt 1.0 (RFC 8493) or\n"
	"0.97, as its bagit.txt says: bagit.txt and bag-info.txt, every manifest\n"
	"and tag manifest (md5, sha1, sha224, sha256, sha384, sha512), every\n"
	"file's digest, nothing missing, nothing unlisted, Payload-Oxum, fetch.txt\n"
	"(a file still to be fetched makes the bag incomplete), and every path\n"
	"inside the bag. A tar is read as a stream, never unpacked. No archive\n"
	"is needed. A bag made by luutru (Bag-Software-Agent: luutru ...) is also\n"
	"checked against luutru's BagIt profile (schemas/bagit-profile.json, BagIt\n"
	"Profiles 1.3.0): its required bag-info tags, manifest algorithms, payload\n"
	"files (METS.xml, EAD.xml, PREMIS.xml, ...), serialisation as a tar.\n"),
	.epilog =
	N_("Prints one line per problem on standard output, 'PATH: KIND: REASON'\n"
	"('PATH: profile: REASON' for a departure from luutru's profile),\n"
	"and nothing for a valid bag. Warnings (a valid bag that may not travel\n"
	"well: names differing only in case or Unicode normalisation, OS junk\n"
	"files such as .DS_Store, md5sum-style or './' manifest lines) go to\n"
	"standard error as 'warning: PATH: REASON'.\n"
	"Exit 0 if every bag is valid (warnings or not), 1 if any is invalid or\n"
	"cannot be read as a bag, 2 usage error, 3 environment or internal error.\n"
	"\n"
	"Examples:\n"
	"  luutru bag validate archive/bundles/ab/abcd1234.tar\n"
	"  luutru bag validate ~/incoming/*/\n"),
	.min_args = 1,
	.max_args = -1,
	.args_error = N_("which bags? give one or more PATHs"),
	.access = LT_ACCESS_NONE,
	.run = run_validate,
};

static const struct lt_command *const bag_subs[] = { &cmd_bag_validate, NULL };

const struct lt_command lt_cmd_bag = {
	.name = "bag",
	.summary = N_("BagIt tools for any bag: validate"),
	.usage =
	N_("usage: luutru bag COMMAND [ARGS]\n"
	"\n"
	"Tools for BagIt bags, luutru's or anyone's; they need no archive.\n"),
	.epilog = N_("`luutru help bag validate` for one command.\n"),
	.access = LT_ACCESS_NONE,
	.subs = bag_subs,
};
