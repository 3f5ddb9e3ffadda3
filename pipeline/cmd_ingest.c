/* cmd_ingest.c - `luutru ingest INBOX`: queue the documents of an inbox.
 *
 * Idempotent by construction: a document's id is derived from its scans'
 * digests, so a document already in the catalog is reported as known and
 * nothing is queued twice. The rules are ingest.c's; this file prints.
 * Every entry of the inbox gets a line: queued/known/requeued, rejected or
 * skipped; a skip that may hide a page (a hidden image, a link not
 * followed) is a warning on stderr as well.
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
	if (s->warning)
		lt_cmd_printf(stderr, "warning: %s: %s\n", s->path, s->reason);
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

/* What lt_cmd_ingest_inbox_with prints, and whom it tells besides. */
struct ingest_print {
	int quiet;
	const struct lt_ingest_report *also;
};

static void each_skipped(void *ud, const struct lt_inbox_skip *s)
{
	const struct ingest_print *pr = ud;

	if (!pr->quiet)
		print_skipped(NULL, s);
	if (pr->also && pr->also->skipped)
		pr->also->skipped(pr->also->ud, s);
}

static void each_document(void *ud, const struct lt_inbox_entry *e, const struct lt_ingest_outcome *o)
{
	const struct ingest_print *pr = ud;

	if (!pr->quiet)
		print_document(NULL, e, o);
	else if (o->result == LT_INGEST_REJECTED) /* quiet keeps the errors */
		fprintf(stderr, "error: %s: %s\n", e->label, e->reason);
	if (pr->also && pr->also->document)
		pr->also->document(pr->also->ud, e, o);
}

int lt_cmd_ingest_inbox_with(struct lt_catalog *cat, const char *inbox_dir,
			     const struct lt_inbox_opts *opts, int retry, int quiet,
			     const struct lt_ingest_report *also, struct lt_ingest_totals *totals)
{
	struct ingest_print pr = { quiet, also };
	const struct lt_ingest_report report = { each_skipped, each_document, &pr };
	struct lt_ingest_totals own, *t = totals ? totals : &own;
	struct lt_err err = { 0 };
	int rc = lt_ingest_inbox_with(cat, inbox_dir, opts, retry, &report, t, &err);

	if (rc)
		return lt_cmd_fail(&err);
	if (!quiet) {
		printf("ingest: %d queued, %d already known, %d rejected, %zu skipped", t->queued,
		       t->known, t->rejected, t->skipped);
		if (t->warnings)
			printf(" (%zu with a warning)", t->warnings);
		printf(t->superseded ? ", %d superseded\n" : "\n", t->superseded);
	}
	return t->rejected ? LT_EXIT_PROBLEM : LT_EXIT_OK;
}

static int run_ingest(const struct lt_args *args, struct lt_catalog *cat)
{
	const char *min_age = lt_args_get(args, "min-age");
	const struct lt_inbox_opts opts = {
		.min_age = min_age ? atoi(min_age) : 0,
		.follow_symlinks = lt_args_get(args, "follow-symlinks") != NULL,
	};

	return lt_cmd_ingest_inbox_with(cat, args->argv[0], &opts, lt_args_get(args, "retry") != NULL,
					0, NULL, NULL);
}

static const struct lt_option options[] = {
	{ "retry", 0, NULL, "queue again the documents of INBOX that failed (after\n"
	  "fixing what made them fail: a moved scan, permissions)", NULL },
	{ "min-age", 0, "SECONDS", "leave documents changed in the last SECONDS for a later\n"
	  "ingest, so a folder the scanner is still writing is not\n"
	  "archived half-done (default 0; 300 suits a cron job)", lt_cmd_check_min_age },
	{ "follow-symlinks", 0, NULL, "follow symbolic links to files outside INBOX (links to\n"
	  "folders outside it are never walked)", NULL },
	{ 0 },
};

const struct lt_command lt_cmd_ingest = {
	.name = "ingest",
	.summary = "queue the documents of an inbox folder (idempotent)",
	.usage =
	"usage: luutru ingest [--archive DIR] [--min-age SECONDS] [--retry]\n"
	"                     [--follow-symlinks] INBOX\n"
	"\n"
	"Queues the documents in the folder INBOX for `luutru run`:\n"
	"  - each sub-folder is one document; its pages are its image files in\n"
	"    natural name order (page-2 before page-10);\n"
	"  - each image file directly in INBOX is a document of its own;\n"
	"  - a multi-page TIFF contributes all its pages.\n"
	"TIFF, PNG, JPEG and PNM are accepted (recognised by content). Every file is\n"
	"hashed (SHA-256); a document already in the catalog is reported as known and\n"
	"not queued again. The inbox is never modified. Other files are skipped and\n"
	"listed; a file that is not an image rejects its own document only (damage\n"
	"inside an image shows when `run` decodes it). A folder or file ingested\n"
	"before with other content is a new document; its unfinished predecessor is\n"
	"superseded.\n"
	"\n"
	"Nothing in INBOX vanishes in silence: every entry ends as a page, a skipped\n"
	"entry or a rejected document, each printed with its reason and recorded in\n"
	"the catalog (`luutru status --skipped`, as of each inbox's last ingest).\n"
	"Hidden names (a leading '.'):\n"
	"  - OS litter (.DS_Store, ._*, Thumbs.db, desktop.ini, ...) is skipped\n"
	"    quietly: listed, no warning;\n"
	"  - any other hidden file or folder (.page-2.png in a document folder,\n"
	"    .loose.png, ..foo/) is skipped with a warning naming it: hidden names\n"
	"    are where rsync and sync tools keep files they have not finished\n"
	"    copying, and half a scan must never become a page. Rename it without\n"
	"    the leading '.' to archive it.\n"
	"Symbolic links: a link that stays inside INBOX is followed (read through\n"
	"its resolved path). A link leading out of INBOX is skipped with a warning\n"
	"unless --follow-symlinks is given, which follows links to files only: a\n"
	"linked folder outside INBOX (etc -> /etc, up -> ..), or INBOX itself, is\n"
	"never walked. Dangling and looping links are skipped with their reason.\n",
	.options = options,
	.epilog =
	"Prints one line per document: queued ID LABEL (N pages) | requeued ID LABEL |\n"
	"known ID LABEL (STATE) | rejected LABEL: REASON | skipped PATH: REASON, then\n"
	"a summary; skips that may hide a page are repeated on stderr as\n"
	"'warning: PATH: REASON'. Exit 1 if anything was rejected (warnings alone\n"
	"exit 0), 3 if INBOX cannot be read.\n"
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
