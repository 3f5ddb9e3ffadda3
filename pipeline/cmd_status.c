/* cmd_status.c - `luutru status`: the queue and the archive at a glance. */
#include <getopt.h>
#include <stdio.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"

const char lt_usage_status[] =
	"usage: luutru status [--archive DIR]\n"
	"\n"
	"Counts queued, processing, archived, failed (and superseded) documents and\n"
	"their pages,\n"
	"the bundles' total size, and lists failed documents with their reasons.\n"
	"\n"
	"Example:\n"
	"  luutru status\n";

#define FAILED_SHOWN 20

static void print_failed(void *ud, const char *id, const char *label, const char *failure, int pages)
{
	(void)ud;
	printf("  %s %s (%d page%s): %s\n", id, label, pages, pages == 1 ? "" : "s", failure);
}

int cmd_status(int argc, char **argv, struct lt_cli *cli)
{
	static const struct option options[] = { LT_COMMON_OPTIONS, { 0 } };
	struct lt_catalog *cat = NULL;
	struct lt_status st;
	struct lt_err err = { 0 };
	char size[32];
	int opt, exit_now = -1, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (!lt_cmd_common_option(opt, optarg, lt_usage_status, cli, &exit_now))
			return lt_cmd_usage_error(lt_usage_status, "status: unexpected option");
		if (exit_now >= 0)
			return exit_now;
	}
	if (optind != argc)
		return lt_cmd_usage_error(lt_usage_status, "status: unexpected argument '%s'", argv[optind]);
	rc = lt_catalog_open(cli->archive, LT_CATALOG_READ, &cat, &err);
	if (!rc)
		rc = lt_catalog_status(cat, &st, &err);
	if (!rc) {
		lt_format_bytes((unsigned long long)st.bundle_bytes, size);
		printf("archive:    %s\n", cli->archive);
		for (int s = 0; s < LT_N_STATES; s++) {
			char label[16];

			/* Superseded documents are history: shown only when there are some. */
			if (s == LT_SUPERSEDED && !st.documents[s])
				continue;
			snprintf(label, sizeof(label), "%s:", lt_doc_state_name((enum lt_doc_state)s));
			printf("%-11s %lld document%s, %lld page%s\n", label,
			       (long long)st.documents[s], st.documents[s] == 1 ? "" : "s",
			       (long long)st.pages[s], st.pages[s] == 1 ? "" : "s");
		}
		printf("bundles:    %lld, %s\n", (long long)st.bundles, size);
		if (st.documents[LT_FAILED]) {
			printf("failed documents%s:\n", st.documents[LT_FAILED] > FAILED_SHOWN ? " (oldest 20)" : "");
			rc = lt_catalog_each_in_state(cat, LT_FAILED, FAILED_SHOWN, print_failed, NULL, &err);
		}
	}
	lt_catalog_close(cat);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}
