/* cmd_ingest.c - `luutru ingest INBOX`: queue the documents of an inbox.
 *
 * Idempotent by construction: a document's id is derived from its scans'
 * digests, so a document already in the catalog is reported as known and
 * nothing is queued twice.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/inbox.h"

const char lt_usage_ingest[] =
	"usage: luutru ingest [--archive DIR] INBOX\n"
	"\n"
	"Queues the documents in the folder INBOX for `luutru run`:\n"
	"  - each sub-folder is one document; its pages are its image files in\n"
	"    natural name order (page-2 before page-10);\n"
	"  - each image file directly in INBOX is a document of its own;\n"
	"  - a multi-page TIFF contributes all its pages.\n"
	"TIFF, PNG, JPEG and PNM are accepted (recognised by content). Every file is\n"
	"hashed (SHA-256); a document already in the catalog is reported as known and\n"
	"not queued again. The inbox is never modified. Other files are skipped and\n"
	"listed; a damaged image rejects its own document only.\n"
	"\n"
	"Prints one line per document: queued ID LABEL (N pages) | known ID LABEL |\n"
	"rejected LABEL: REASON, then a summary. Exit 1 if anything was rejected.\n"
	"\n"
	"Example:\n"
	"  luutru ingest /srv/scans/inbox\n";

int lt_cmd_ingest_inbox(struct lt_cli *cli, const char *inbox_dir)
{
	struct lt_catalog *cat = NULL;
	struct lt_inbox inbox = { 0 };
	struct lt_err err = { 0 };
	int64_t batch = 0;
	int queued = 0, known = 0, rejected = 0, rc;

	rc = lt_inbox_scan(inbox_dir, &inbox, &err);
	if (!rc)
		rc = lt_catalog_open(cli->archive, LT_CATALOG_CREATE, &cat, &err);
	if (!rc)
		rc = lt_catalog_add_batch(cat, inbox_dir, &batch, &err);
	for (size_t i = 0; !rc && i < inbox.n_skipped; i++)
		fprintf(stderr, "skipped %s: %s\n", inbox.skipped[i].path, inbox.skipped[i].reason);
	for (size_t i = 0; !rc && i < inbox.n_entries; i++) {
		struct lt_inbox_entry *e = &inbox.entries[i];
		enum lt_doc_state state;
		int found = 0;

		if (e->reason) {
			printf("rejected %s: %s\n", e->label, e->reason);
			fprintf(stderr, "error: %s: %s\n", e->label, e->reason);
			rejected++;
			continue;
		}
		rc = lt_catalog_find(cat, e->doc->id, &found, &state, &err);
		if (rc)
			break;
		if (found) {
			printf("known %s %s (%s)\n", e->doc->id, e->label, lt_doc_state_name(state));
			known++;
			continue;
		}
		rc = lt_catalog_add_document(cat, batch, e->doc, &err);
		if (rc)
			break;
		printf("queued %s %s (%zu page%s)\n", e->doc->id, e->label, e->doc->n_pages,
		       e->doc->n_pages == 1 ? "" : "s");
		queued++;
	}
	if (!rc)
		printf("ingest: %d queued, %d already known, %d rejected\n", queued, known, rejected);
	lt_catalog_close(cat);
	lt_inbox_release(&inbox);
	if (rc)
		return lt_cmd_fail(&err);
	return rejected ? LT_EXIT_PROBLEM : LT_EXIT_OK;
}

int cmd_ingest(int argc, char **argv, struct lt_cli *cli)
{
	static const struct option options[] = { LT_COMMON_OPTIONS, { 0 } };
	int opt, exit_now = -1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (!lt_cmd_common_option(opt, optarg, lt_usage_ingest, cli, &exit_now))
			return lt_cmd_usage_error(lt_usage_ingest, "ingest: unexpected option");
		if (exit_now >= 0)
			return exit_now;
	}
	if (argc - optind != 1)
		return lt_cmd_usage_error(lt_usage_ingest, "ingest: give exactly one INBOX folder");
	return lt_cmd_ingest_inbox(cli, argv[optind]);
}
