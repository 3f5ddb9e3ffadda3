/* cmd_replicate.c - `luutru replicate --to DIR`: a second copy of every
 * bundle and of the catalog elsewhere; `luutru replicate --repair DOC`: the
 * document's damaged bundles replaced by a replica's proven copy
 * (replica.c does both).
 */
#include <stdio.h>
#include <stdlib.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/replica.h"

static int check_dir(const char *cmd, const char *value, struct lt_err *err)
{
	if (!*value)
		return lt_err_set(err, LT_EUSAGE, "%s: an option here wants a value", cmd);
	return LT_OK;
}

static void print_bundle(void *ud, const char *doc_id, const struct lt_bundle *b,
			 enum lt_replica_outcome outcome, const char *why)
{
	(void)ud;
	if (outcome == LT_REPLICA_COPIED)
		printf(_("copied %s (document %s)\n"), b->path, doc_id);
	else if (outcome == LT_REPLICA_DAMAGED)
		fprintf(stderr, _("error: the replica's copy of %s (document %s) is not the archived one, "
			"left as it is: %s\n"), b->path, doc_id, why);
	else if (outcome == LT_REPLICA_FAILED)
		fprintf(stderr, _("error: cannot copy %s (document %s): %s\n"), b->path, doc_id, why);
}

static int run_sync(const struct lt_args *args, struct lt_catalog *cat, const char *to)
{
	struct lt_replicate_report rep;
	struct lt_err err = { 0 };
	char size[32];
	int rc = lt_replicate(cat, args->cli->archive, to, print_bundle, NULL, &rep, &err);

	if (rc) {
		lt_replicate_report_release(&rep);
		return lt_cmd_fail(&err);
	}
	lt_format_bytes((unsigned long long)rep.bytes_copied, size);
	printf(ngettext("replica %s: %zu bundle copied (%s), ", "replica %s: %zu bundles copied (%s), ",
			(unsigned long)rep.copied), to, rep.copied, size);
	printf(ngettext("%zu already there, %zu problem; catalog snapshot %s\n",
			"%zu already there, %zu problems; catalog snapshot %s\n",
			(unsigned long)(rep.damaged + rep.failed)),
	       rep.present, rep.damaged + rep.failed, rep.snapshot);
	rc = rep.damaged + rep.failed ? LT_EXIT_PROBLEM : LT_EXIT_OK;
	lt_replicate_report_release(&rep);
	return rc;
}

static int run_repair(struct lt_catalog *cat, const char *archive, const char *doc,
		      const char *from)
{
	struct lt_bundle_ref *refs = NULL;
	struct lt_err err = { 0 };
	char id[LT_DOC_ID_LEN + 1];
	size_t n = 0;
	int rc, exit = LT_EXIT_OK;

	rc = lt_catalog_resolve(cat, doc, id, &err);
	if (!rc)
		rc = lt_catalog_bundles(cat, id, &refs, &n, &err);
	if (!rc && !n)
		rc = lt_err_set(&err, LT_ENOTFOUND, "document %s has no bundle", id);
	if (rc)
		return lt_cmd_fail(&err);
	for (size_t i = 0; i < n; i++) {
		const struct lt_bundle *b = &refs[i].bundle;
		char *used = NULL;

		if (lt_replica_check_bundle(archive, b, &err) == LT_OK) {
			printf(_("intact %s\n"), b->path);
			continue;
		}
		rc = from ? lt_replica_repair(cat, archive, from, b, id, &err)
			  : lt_replica_repair_any(cat, archive, b, id, &used, &err);
		if (rc) {
			int code = lt_cmd_fail(&err);

			if (code > exit)
				exit = code;
		} else {
			printf(_("repaired %s from %s\n"), b->path, from ? from : used);
		}
		free(used);
	}
	lt_bundle_refs_free(refs, n);
	return exit;
}

static int run_replicate(const struct lt_args *args, struct lt_catalog *cat)
{
	const char *to = lt_args_get(args, "to"), *repair = lt_args_get(args, "repair");
	const char *from = lt_args_get(args, "from");

	if (to && repair)
		return lt_cmd_usage_error(args->cmd, "replicate: --to and --repair do not go together");
	if (from && !repair)
		return lt_cmd_usage_error(args->cmd, "replicate: --from goes with --repair");
	if (repair)
		return run_repair(cat, args->cli->archive, repair, from);
	if (!to)
		return lt_cmd_usage_error(args->cmd, "replicate: say where with --to DIR");
	return run_sync(args, cat, to);
}

static const struct lt_option options[] = {
	{ "to", 't', "DIR", N_("the replica's folder (created if missing)"), check_dir },
	{ "repair", 0, "DOC", N_("replace DOC's damaged or missing bundles by a replica's copy"),
	  check_dir },
	{ "from", 0, "DIR", N_("with --repair: this replica (default: each one recorded, in turn)"),
	  check_dir },
	{ 0 },
};

const struct lt_command lt_cmd_replicate = {
	.name = "replicate",
	.summary = N_("keep a second copy of the archive elsewhere; repair from it"),
	.usage =
	N_("usage: luutru replicate [--archive DIR] --to DIR\n"
	"       luutru replicate [--archive DIR] --repair DOC [--from DIR]\n"
	"\n"
	"--to copies every bundle the folder DIR lacks (another disk, a NAS mount, a\n"
	"removable drive) under the archive's own paths (DIR/bundles/ab/ID.tar), each\n"
	"written under a temporary name, fsync'ed, checked against the catalog's\n"
	"SHA-256 and as a bag, then renamed into place; then a snapshot of the catalog\n"
	"(DIR/catalog.sqlite). A bundle already there is hashed: one that is not the\n"
	"archived one is reported and never overwritten. Run it again at any time: it\n"
	"copies only what is new, and resumes a replicate that was stopped.\n"
	"\n"
	"--repair checks each bundle of document DOC and replaces a damaged or missing\n"
	"one by the replica's copy, after checking that copy fully; the repair is\n"
	"recorded as an event of the document (`luutru show DOC`). When the replica's\n"
	"copy is damaged too, both are left as they are.\n"),
	.options = options,
	.epilog =
	N_("Exit: 0 all good; 1 a bundle could not be copied or repaired, or the replica\n"
	"holds a wrong copy; 2 usage; 3 environment.\n"
	"\n"
	"Examples:\n"
	"  luutru replicate --to /mnt/nas/luutru\n"
	"  luutru replicate --repair 3f0c9a1b --from /mnt/nas/luutru\n"),
	.access = LT_ACCESS_WRITE,
	.run = run_replicate,
};
