/* cmd_review.c - `luutru review`: the pages a person should look at.
 *
 * OCR never drops a page: a blank page, a page Tesseract read with little
 * confidence or into garbage, or one whose recognition ran out of time is
 * archived with what could be read, and flagged with the reason. This lists
 * them, so an archivist can rescan or transcribe.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"

struct listing {
	json_t *json;   /* --json: the array being built; NULL for text */
	int n;
	int failed;     /* out of memory building JSON */
};

static void one_page(void *ud, const struct lt_review_item *item)
{
	struct listing *l = ud;

	l->n++;
	if (!l->json) {
		if (item->quality >= 0)
			printf(_("%s p.%d %s: quality %.2f: %s\n"), item->document, item->page, item->label,
			       item->quality, item->reason);
		else
			printf("%s p.%d %s: %s\n", item->document, item->page, item->label, item->reason);
		return;
	}
	json_t *o = json_pack("{s:s, s:i, s:s, s:o, s:s}", "document", item->document,
			      "page", item->page, "label", item->label,
			      "quality", item->quality >= 0 ? json_real(item->quality) : json_null(),
			      "reason", item->reason);
	if (!o || json_array_append_new(l->json, o) != 0)
		l->failed = 1;
}

static int run_review(const struct lt_args *args, struct lt_catalog *cat)
{
	struct listing l = { 0 };
	struct lt_err err = { 0 };
	const char *limit = lt_args_get(args, "limit");
	int rc;

	if (lt_args_get(args, "json") && !(l.json = json_array()))
		rc = lt_err_set(&err, LT_ENOMEM, "out of memory");
	else
		rc = lt_catalog_each_review(cat, limit ? (int)strtol(limit, NULL, 10) : 0, one_page, &l,
					    &err);
	if (!rc && l.failed)
		rc = lt_err_set(&err, LT_ENOMEM, "cannot build the JSON output");
	if (!rc && l.json) {
		char *text = json_dumps(l.json, JSON_INDENT(2));

		if (text)
			printf("%s\n", text);
		else
			rc = lt_err_set(&err, LT_ENOMEM, "cannot build the JSON output");
		free(text);
	} else if (!rc) {
		printf(ngettext("review: %d page to check\n", "review: %d pages to check\n",
				(unsigned long)l.n), l.n);
	}
	json_decref(l.json);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "json", 0, NULL, N_("a JSON array of {document, page, label, quality, reason}"), NULL },
	{ "limit", 'n', "N", N_("at most N pages (default: all)"), lt_cmd_check_limit },
	{ 0 },
};

const struct lt_command lt_cmd_review = {
	.name = "review",
	.summary = N_("pages flagged for a person to check"),
	.usage =
	N_("usage: luutru review [--archive DIR] [--json] [--limit N]\n"
	"\n"
	"Lists the pages of archived documents that OCR flagged for a person to\n"
	"check, with their quality score (0-1) and the reason: a blank page, text\n"
	"read with low confidence, text that is not plausible words (garbage), or\n"
	"recognition stopped by --page-timeout. Flagged pages are archived all the\n"
	"same, never dropped: rescan or transcribe them as needed.\n"),
	.options = options,
	.epilog =
	N_("Prints one line per page: ID p.N LABEL: quality Q: REASON, then a count.\n"
	"Exit 0, flagged pages or not.\n"
	"\n"
	"Example:\n"
	"  luutru review --json\n"),
	.min_args = 0,
	.max_args = 0,
	.access = LT_ACCESS_READ,
	.run = run_review,
};
