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
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/defaults.h"
#include "luutru/ingest.h"
#include "luutru/manifest.h"
#include "luutru/profile.h"

static void print_skipped(void *ud, const struct lt_inbox_skip *s)
{
	(void)ud;
	lt_cmd_printf(stdout, _("skipped %s: %s\n"), s->path, s->reason);
	if (s->warning)
		lt_cmd_printf(stderr, _("warning: %s: %s\n"), s->path, s->reason);
}

static void print_document(void *ud, const struct lt_inbox_entry *e, const struct lt_ingest_outcome *o)
{
	(void)ud;
	switch (o->result) {
	case LT_INGEST_CHECKED:
		lt_cmd_printf(stdout, _("ok %s"), e->label);
		lt_cmd_printf(stdout, ngettext(" (%zu page, ", " (%zu pages, ", (unsigned long)e->doc->n_pages),
			      e->doc->n_pages);
		lt_cmd_printf(stdout, ngettext("%zu metadata field)\n", "%zu metadata fields)\n",
					       (unsigned long)e->doc->meta.n), e->doc->meta.n);
		return;
	case LT_INGEST_REJECTED:
		lt_cmd_printf(stdout, _("rejected %s: %s\n"), e->label, e->reason);
		lt_cmd_printf(stderr, _("error: %s: %s\n"), e->label, e->reason);
		return;
	case LT_INGEST_KNOWN:
		lt_cmd_printf(stdout, _("known %s %s (%s%s%s)\n"),
			      e->doc->id, e->label, lt_cmd_state_word(o->state),
			      o->state == LT_FAILED ? _("; --retry queues it again") : "",
			      o->meta_updated ? _("; metadata replaced by this ingest's") : "");
		if (o->meta_ignored)
			lt_cmd_printf(stderr, _("note: %s is %s already: the metadata given now is not "
				      "applied (correct it with luutru meta %s --set KEY=VALUE)\n"),
				      e->label, lt_cmd_state_word(o->state), e->doc->id);
		return;
	case LT_INGEST_REQUEUED:
		lt_cmd_printf(stdout, _("requeued %s %s (%s before)\n"),
			      e->doc->id, e->label, lt_cmd_state_word(o->state));
		break;
	case LT_INGEST_QUEUED:
		if (o->origin_seen_before)
			lt_cmd_printf(stderr, _("note: %s was ingested before as %s with other content; "
				      "its new content is a document of its own\n"), e->doc->label, o->before);
		lt_cmd_printf(stdout, ngettext("queued %s %s (%zu page)\n", "queued %s %s (%zu pages)\n",
					       (unsigned long)e->doc->n_pages),
			      e->doc->id, e->label, e->doc->n_pages);
		break;
	}
	if (o->superseded)
		lt_cmd_printf(stdout, ngettext("superseded %d unfinished document from %s: its content changed\n",
					       "superseded %d unfinished documents from %s: its content changed\n",
					       (unsigned long)o->superseded), o->superseded, e->label);
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

/* On stderr even when quiet: a row that describes nothing is a typo to fix. */
static void each_warning(void *ud, const char *msg)
{
	(void)ud;
	lt_cmd_printf(stderr, _("warning: %s\n"), msg);
}

static void each_document(void *ud, const struct lt_inbox_entry *e, const struct lt_ingest_outcome *o)
{
	const struct ingest_print *pr = ud;

	if (!pr->quiet)
		print_document(NULL, e, o);
	else if (o->result == LT_INGEST_REJECTED) /* quiet keeps the errors */
		lt_cmd_printf(stderr, _("error: %s: %s\n"), e->label, e->reason);
	if (pr->also && pr->also->document)
		pr->also->document(pr->also->ud, e, o);
}

int lt_cmd_ingest_inbox_meta(struct lt_catalog *cat, const char *inbox_dir,
			     const struct lt_inbox_opts *opts, const struct lt_ingest_meta *im,
			     int retry, int check, int quiet, const struct lt_ingest_report *also,
			     struct lt_ingest_totals *totals)
{
	struct ingest_print pr = { quiet, also };
	const struct lt_ingest_report report = { each_skipped, each_document, &pr };
	struct lt_ingest_totals own, *t = totals ? totals : &own;
	struct lt_ingest_meta with_warnings;
	struct lt_err err = { 0 };
	int rc;

	if (im) {
		with_warnings = *im;
		with_warnings.warning = each_warning;
		with_warnings.warning_ud = NULL;
		im = &with_warnings;
	}
	rc = lt_ingest_inbox_meta(cat, inbox_dir, opts, im, retry, check, &report, t, &err);

	if (rc)
		return lt_cmd_fail(&err);
	if (check) {
		printf(ngettext("check: %d document ready, ", "check: %d documents ready, ",
				(unsigned long)t->checked), t->checked);
		printf(ngettext("%d refused, %zu warning; nothing was queued\n",
				"%d refused, %zu warnings; nothing was queued\n",
				(unsigned long)t->meta_warnings), t->rejected, t->meta_warnings);
		return t->rejected || t->meta_warnings ? LT_EXIT_PROBLEM : LT_EXIT_OK;
	}
	if (!quiet) {
		printf(_("ingest: %d queued, %d already known, %d rejected, %zu skipped"), t->queued,
		       t->known, t->rejected, t->skipped);
		if (t->warnings)
			printf(_(" (%zu with a warning)"), t->warnings);
		if (t->superseded)
			printf(_(", %d superseded"), t->superseded);
		putchar('\n');
	}
	return t->rejected ? LT_EXIT_PROBLEM : LT_EXIT_OK;
}

int lt_cmd_ingest_inbox_with(struct lt_catalog *cat, const char *inbox_dir,
			     const struct lt_inbox_opts *opts, int retry, int quiet,
			     const struct lt_ingest_report *also, struct lt_ingest_totals *totals)
{
	return lt_cmd_ingest_inbox_meta(cat, inbox_dir, opts, NULL, retry, 0, quiet, also, totals);
}

/* ---- the metadata options, shared with batch ---- */

int lt_cmd_ingest_meta_open(const struct lt_args *args, struct lt_cmd_ingest_meta *cm)
{
	const char *sets[LT_CMD_MAX_VALUES];
	const char *manifest = lt_args_get(args, "manifest");
	const char *allow = lt_args_get(args, "allow-secret");
	struct lt_err err = { 0 };
	int n_sets = lt_args_all(args, "set", sets, LT_CMD_MAX_VALUES), rc;

	memset(cm, 0, sizeof(*cm));
	rc = lt_profile_open(args->cli->archive, &cm->profile, &err);
	if (!rc)
		rc = lt_defaults_load(cm->profile, args->cli->archive, sets, (size_t)n_sets,
				      &cm->defaults, &err);
	if (!rc && manifest) {
		rc = lt_manifest_read(manifest, cm->profile, &cm->manifest, &err);
		if (rc)
			lt_err_prefix(&err, "the whole spreadsheet is refused, nothing was queued: ");
		else
			cm->im.manifest = &cm->manifest;
	}
	if (!rc && allow && !lt_profile_secrecy_refused(cm->profile, allow))
		rc = lt_err_set(&err, LT_EUSAGE, "--allow-secret=%s: not a level refused at ingest "
				"(the profile refuses: tuyet-mat)", allow);
	if (rc) {
		lt_cmd_ingest_meta_close(cm);
		return rc == LT_EUSAGE ? lt_cmd_usage_error(args->cmd, "%s", err.msg) : lt_cmd_fail(&err);
	}
	cm->im.profile = cm->profile;
	cm->im.defaults = &cm->defaults;
	cm->im.allow_refused_secrecy = allow != NULL;
	return -1;
}

void lt_cmd_ingest_meta_close(struct lt_cmd_ingest_meta *cm)
{
	lt_manifest_release(&cm->manifest);
	lt_meta_release(&cm->defaults);
	lt_profile_close(cm->profile);
	memset(cm, 0, sizeof(*cm));
}

/* The catalog is opened here, not by main.c: --check must not create an
 * archive. */
static int run_ingest(const struct lt_args *args, struct lt_catalog *cat)
{
	const char *min_age = lt_args_get(args, "min-age");
	const struct lt_inbox_opts opts = {
		.min_age = min_age ? atoi(min_age) : 0,
		.follow_symlinks = lt_args_get(args, "follow-symlinks") != NULL,
	};
	int check = lt_args_get(args, "check") != NULL;
	struct lt_cmd_ingest_meta cm;
	struct lt_err err = { 0 };
	int code = lt_cmd_ingest_meta_open(args, &cm);

	(void)cat;
	if (code >= 0)
		return code;
	if (!check && lt_catalog_open(args->cli->archive, LT_CATALOG_CREATE, &cat, &err) != LT_OK) {
		lt_cmd_ingest_meta_close(&cm);
		return lt_cmd_fail(&err);
	}
	code = lt_cmd_ingest_inbox_meta(check ? NULL : cat, args->argv[0], &opts, &cm.im,
					lt_args_get(args, "retry") != NULL, check, 0, NULL, NULL);
	if (!check)
		lt_catalog_close(cat);
	lt_cmd_ingest_meta_close(&cm);
	return code;
}

static const struct lt_option options[] = {
	{ "retry", 0, NULL, N_("queue again the documents of INBOX that failed (after\n"
	  "fixing what made them fail: a moved scan, permissions)"), NULL },
	{ "min-age", 0, "SECONDS", N_("leave documents changed in the last SECONDS for a later\n"
	  "ingest, so a folder the scanner is still writing is not\n"
	  "archived half-done (default 0; 300 suits a cron job)"), lt_cmd_check_min_age },
	{ "follow-symlinks", 0, NULL, N_("follow symbolic links to files outside INBOX (links to\n"
	  "folders outside it are never walked)"), NULL },
	LT_CMD_INGEST_META_OPTIONS,
	{ "check", 0, NULL, N_("check the metadata, print every problem, queue nothing"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_ingest = {
	.name = "ingest",
	.summary = N_("queue the documents of an inbox folder (idempotent)"),
	.usage =
	N_("usage: luutru ingest [--archive DIR] [--min-age SECONDS] [--retry]\n"
	"                     [--follow-symlinks] [--manifest FILE.csv] [--set KEY=VALUE]...\n"
	"                     [--allow-secret=tuyet-mat] [--check] INBOX\n"
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
	"never walked. Dangling and looping links are skipped with their reason.\n"
	"\n"
	"Metadata (README): metadata.json in a folder, then its --manifest row, then\n"
	"--set and luutru.conf; all checked before any OCR, a bad value rejecting\n"
	"its document only.\n"),
	.options = options,
	.epilog =
	N_("Prints one line per document: queued ID LABEL (N pages) | requeued ID LABEL |\n"
	"known ID LABEL (STATE) | rejected LABEL: REASON | skipped PATH: REASON, then\n"
	"a summary; skips that may hide a page are repeated on stderr as\n"
	"'warning: PATH: REASON'. Exit 1 if anything was rejected (warnings alone\n"
	"exit 0), 3 if INBOX cannot be read.\n"
	"\n"
	"Examples:\n"
	"  luutru ingest /srv/scans/inbox\n"
	"  luutru ingest --manifest list.csv --set maintenance=01 --check inbox\n"),
	.min_args = 1,
	.max_args = 1,
	.args_error = N_("give exactly one INBOX folder"),
	.access = LT_ACCESS_NONE,
	.check = lt_cmd_check_inbox_arg,
	.run = run_ingest,
};
