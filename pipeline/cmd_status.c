/* cmd_status.c - `luutru status`: the queue and the archive at a glance. */
#include <stdio.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"

#define FAILED_SHOWN 20

static void print_failed(void *ud, const char *id, const char *label, const char *failure, int pages)
{
	(void)ud;
	printf("  %s %s (%d page%s): %s\n", id, label, pages, pages == 1 ? "" : "s", failure);
}

static int run_status(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_status st;
	struct lt_err err = { 0 };
	char size[32];
	int rc;

	rc = lt_catalog_status(cat, &st, &err);
	if (!rc) {
		lt_format_bytes((unsigned long long)st.bundle_bytes, size);
		printf("archive:    %s\n", args->cli->archive);
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
		if (st.pages_to_review)
			printf("to review:  %lld page%s flagged by OCR (see `luutru review`)\n",
			       (long long)st.pages_to_review, st.pages_to_review == 1 ? "" : "s");
		if (st.documents[LT_FAILED]) {
			printf("failed documents%s:\n", st.documents[LT_FAILED] > FAILED_SHOWN ? " (oldest 20)" : "");
			rc = lt_catalog_each_in_state(cat, LT_FAILED, FAILED_SHOWN, print_failed, NULL, &err);
		}
	}
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

const struct lt_command lt_cmd_status = {
	.name = "status",
	.summary = "queued, archived and failed documents",
	.usage =
	"usage: luutru status [--archive DIR]\n"
	"\n"
	"Counts queued, processing, archived, failed (and superseded) documents and\n"
	"their pages,\n"
	"the bundles' total size, and lists failed documents with their reasons.\n",
	.epilog =
	"Example:\n"
	"  luutru status\n",
	.access = LT_ACCESS_READ,
	.run = run_status,
};
