/* cmd_ingest.c - `luutru ingest INBOX`: queue the documents of an inbox.
 *
 * Idempotent by construction: a document's id is derived from its scans'
 * digests, so a document already in the catalog is reported as known and
 * nothing is queued twice. The rules are ingest.c's; this file prints.
 */
#include <stdio.h>
#include <stdlib.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/ingest.h"

static void print_skipped(void *ud, const struct lt_inbox_skip *s)
{
	(void)ud;
	lt_cmd_printf(stdout, "skipped %s: %s\n", s->path, s->reason);
}

static void print_document(void *ud, const struct lt_inbox_entry *e, const struct lt_ingest_outcome *o)
{
	(void)ud;
	switch (o->result) {
	case LT_INGEST_REJECTED:
		lt_cmd_printf(stdout, "rejected %s: %s\n", e->label, e->reason);
		lt_cmd_printf(stderr, "error: %s: %s\n", e->label, e->reason);
		return;
	case LT_INGEST_KNOWN:
		lt_cmd_printf(stdout, "known %s %s (%s%s)\n",
			      e->doc->id, e->label, lt_doc_state_name(o->state),
			      o->state == LT_FAILED ? "; --retry queues it again" : "");
		return;
	case LT_INGEST_REQUEUED:
		lt_cmd_printf(stdout, "requeued %s %s (%s before)\n",
			      e->doc->id, e->label, lt_doc_state_name(o->state));
		break;
	case LT_INGEST_QUEUED:
		if (o->origin_seen_before)
			lt_cmd_printf(stderr, "note: %s was ingested before as %s with other content; "
				      "its new content is a document of its own\n", e->doc->label, o->before);
		lt_cmd_printf(stdout, "queued %s %s (%zu page%s)\n",
			      e->doc->id, e->label, e->doc->n_pages,
			      e->doc->n_pages == 1 ? "" : "s");
		break;
	}
	if (o->superseded)
		lt_cmd_printf(stdout, "superseded %d unfinished document%s from %s: its content changed\n",
			      o->superseded, o->superseded == 1 ? "" : "s", e->label);
}

int lt_cmd_check_inbox_arg(const struct lt_args *args, struct lt_err *err)
{
	return lt_inbox_check(args->argv[0], err);
}

int lt_cmd_ingest_inbox(struct lt_catalog *cat, const char *inbox_dir, int min_age, int retry)
{
	static const struct lt_ingest_report report = { print_skipped, print_document, NULL };
	struct lt_ingest_totals t;
	struct lt_err err = { 0 };
	int rc = lt_ingest_inbox(cat, inbox_dir, min_age, retry, &report, &t, &err);

	if (rc)
		return lt_cmd_fail(&err);
	printf("ingest: %d queued, %d already known, %d rejected, %zu skipped", t.queued, t.known,
	       t.rejected, t.skipped);
	printf(t.superseded ? ", %d superseded\n" : "\n", t.superseded);
	return t.rejected ? LT_EXIT_PROBLEM : LT_EXIT_OK;
}

static int run_ingest(const struct lt_args *args, struct lt_catalog *cat)
{
	const char *min_age = lt_args_get(args, "min-age");

	return lt_cmd_ingest_inbox(cat, args->argv[0], min_age ? atoi(min_age) : 0,
				   lt_args_get(args, "retry") != NULL);
}

static const struct lt_option options[] = {
	{ "retry", 0, NULL, "queue again the documents of INBOX that failed (after\n"
	  "fixing what made them fail: a moved scan, permissions)", NULL },
	{ "min-age", 0, "SECONDS", "leave documents changed in the last SECONDS for a later\n"
	  "ingest, so a folder the scanner is still writing is not\n"
	  "archived half-done (default 0; 300 suits a cron job)", lt_cmd_check_min_age },
	{ 0 },
};

const struct lt_command lt_cmd_ingest = {
	.name = "ingest",
	.summary = "queue the documents of an inbox folder (idempotent)",
	.usage =
	"usage: luutru ingest [--archive DIR] [--min-age SECONDS] [--retry] INBOX\n"
	"\n"
	"Queues the documents in the folder INBOX for `luutru run`:\n"
	"  - each sub-folder is one document; its pages are its image files in\n"
	"    natural name order (page-2 before page-10); hidden files are ignored;\n"
	"  - each image file directly in INBOX is a document of its own;\n"
	"  - a multi-page TIFF contributes all its pages.\n"
	"TIFF, PNG, JPEG and PNM are accepted (recognised by content). Every file is\n"
	"hashed (SHA-256); a document already in the catalog is reported as known and\n"
	"not queued again. The inbox is never modified. Other files are skipped and\n"
	"listed; a file that is not an image rejects its own document only (damage\n"
	"inside an image shows when `run` decodes it). A folder or file ingested\n"
	"before with other content is a new document; its unfinished predecessor is\n"
	"superseded.\n",
	.options = options,
	.epilog =
	"Prints one line per document: queued ID LABEL (N pages) | requeued ID LABEL |\n"
	"known ID LABEL (STATE) | rejected LABEL: REASON | skipped PATH: REASON, then\n"
	"a summary. Exit 1 if anything was rejected, 3 if INBOX cannot be read.\n"
	"\n"
	"Example:\n"
	"  luutru ingest /srv/scans/inbox\n",
	.min_args = 1,
	.max_args = 1,
	.args_error = "give exactly one INBOX folder",
	.access = LT_ACCESS_CREATE,
	.check = lt_cmd_check_inbox_arg,
	.run = run_ingest,
};
