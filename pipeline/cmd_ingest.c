/* cmd_ingest.c - `luutru ingest INBOX`: queue the documents of an inbox.
 *
 * Idempotent by construction: a document's id is derived from its scans'
 * digests, so a document already in the catalog is reported as known and
 * nothing is queued twice.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/inbox.h"

const char lt_usage_ingest[] =
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
	"superseded.\n"
	"\n"
	"  --retry            queue again the documents of INBOX that failed (after\n"
	"                     fixing what made them fail: a moved scan, permissions)\n"
	"  --min-age SECONDS  leave documents changed in the last SECONDS for a later\n"
	"                     ingest, so a folder the scanner is still writing is not\n"
	"                     archived half-done (default 0; 300 suits a cron job)\n"
	"\n"
	"Prints one line per document: queued ID LABEL (N pages) | requeued ID LABEL |\n"
	"known ID LABEL (STATE) | rejected LABEL: REASON | skipped PATH: REASON, then\n"
	"a summary. Exit 1 if anything was rejected, 3 if INBOX cannot be read.\n"
	"\n"
	"Example:\n"
	"  luutru ingest /srv/scans/inbox\n";

/* Adds a document not yet in the catalog (superseding an unfinished one
 * from the same folder or file with other content). */
static int add_new(struct lt_catalog *cat, int64_t *batch, const char *inbox_dir,
		   const struct lt_doc *doc, int *added, int *superseded, struct lt_err *err)
{
	char before[LT_DOC_ID_LEN + 1];
	int seen = 0;
	int rc = *batch ? LT_OK : lt_catalog_add_batch(cat, inbox_dir, batch, err);

	if (!rc)
		rc = lt_catalog_find_origin(cat, doc->origin, &seen, before, err);
	if (!rc)
		rc = lt_catalog_add_document(cat, *batch, doc, added, superseded, err);
	if (!rc && *added && seen && !*superseded)
		fprintf(stderr, "note: %s was ingested before as %s with other content; "
			"its new content is a document of its own\n", doc->label, before);
	return rc;
}

int lt_cmd_ingest_inbox(struct lt_cli *cli, const char *inbox_dir, int min_age, int retry)
{
	struct lt_catalog *cat = NULL;
	struct lt_inbox inbox = { 0 };
	struct lt_err err = { 0 };
	int64_t batch = 0;
	int queued = 0, known = 0, rejected = 0, n_superseded = 0, rc;

	rc = lt_inbox_scan(inbox_dir, min_age, &inbox, &err);
	if (!rc)
		rc = lt_catalog_open(cli->archive, LT_CATALOG_CREATE, &cat, &err);
	for (size_t i = 0; !rc && i < inbox.n_skipped; i++)
		printf("skipped %s: %s\n", inbox.skipped[i].path, inbox.skipped[i].reason);
	for (size_t i = 0; !rc && i < inbox.n_entries; i++) {
		struct lt_inbox_entry *e = &inbox.entries[i];
		enum lt_doc_state state = LT_QUEUED;
		int found = 0, added = 0, superseded = 0;

		if (e->reason) {
			printf("rejected %s: %s\n", e->label, e->reason);
			fprintf(stderr, "error: %s: %s\n", e->label, e->reason);
			rejected++;
			continue;
		}
		rc = lt_catalog_find(cat, e->doc->id, &found, &state, &err);
		/* A superseded document whose content is back at its origin (a page
		 * put back) is the current one again; a failed one only on request. */
		if (!rc && found && ((state == LT_FAILED && retry) || state == LT_SUPERSEDED))
			rc = lt_catalog_retry(cat, e->doc, &added, &superseded, &err);
		else if (!rc && !found)
			rc = add_new(cat, &batch, inbox_dir, e->doc, &added, &superseded, &err);
		if (rc)
			break;
		if (added) {
			if (found)
				printf("requeued %s %s (%s before)\n", e->doc->id, e->label,
				       lt_doc_state_name(state));
			else
				printf("queued %s %s (%zu page%s)\n", e->doc->id, e->label, e->doc->n_pages,
				       e->doc->n_pages == 1 ? "" : "s");
			if (superseded)
				printf("superseded %d unfinished document%s from %s: its content changed\n",
				       superseded, superseded == 1 ? "" : "s", e->label);
			queued++;
			n_superseded += superseded;
			continue;
		}
		/* Known, or added meanwhile by a concurrent ingest: say its state now. */
		rc = lt_catalog_find(cat, e->doc->id, &found, &state, &err);
		if (rc)
			break;
		printf("known %s %s (%s%s)\n", e->doc->id, e->label, lt_doc_state_name(state),
		       state == LT_FAILED ? "; --retry queues it again" : "");
		known++;
	}
	if (!rc)
	{
		printf("ingest: %d queued, %d already known, %d rejected, %zu skipped", queued, known,
		       rejected, inbox.n_skipped);
		printf(n_superseded ? ", %d superseded\n" : "\n", n_superseded);
	}
	lt_catalog_close(cat);
	lt_inbox_release(&inbox);
	if (rc)
		return lt_cmd_fail(&err);
	return rejected ? LT_EXIT_PROBLEM : LT_EXIT_OK;
}

int lt_cmd_parse_min_age(const char *arg, const char *usage, int *min_age)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*end || v < 0 || v > 30 * 24 * 3600)
		return lt_cmd_usage_error(usage, "--min-age wants seconds (0 to 2592000), not '%s'", arg);
	*min_age = (int)v;
	return -1;
}

int cmd_ingest(int argc, char **argv, struct lt_cli *cli)
{
	static const struct option options[] = {
		{ "min-age", required_argument, NULL, 'm' },
		{ "retry", no_argument, NULL, 'R' },
		LT_COMMON_OPTIONS,
		{ 0 },
	};
	int opt, exit_now = -1, min_age = 0, retry = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'm') {
			exit_now = lt_cmd_parse_min_age(optarg, lt_usage_ingest, &min_age);
		} else if (opt == 'R') {
			retry = 1;
		} else if (!lt_cmd_common_option(opt, optarg, lt_usage_ingest, cli, &exit_now)) {
			return lt_cmd_usage_error(lt_usage_ingest, "ingest: unexpected option");
		}
		if (exit_now >= 0)
			return exit_now;
	}
	if (argc - optind != 1)
		return lt_cmd_usage_error(lt_usage_ingest, "ingest: give exactly one INBOX folder");
	return lt_cmd_ingest_inbox(cli, argv[optind], min_age, retry);
}
