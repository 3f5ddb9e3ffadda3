/* cmd_reocr.c - `luutru reocr DOC`: the archived masters read again (with
 * other languages or another segmentation mode), as a new
 * bundle version beside the old one. Also the one way commands make a new
 * version (lt_cmd_redo), which `luutru meta --set` shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/preprocess.h"
#include "luutru/recognize.h"
#include "luutru/runner.h"
#include "luutru/stage.h"

#define DEFAULT_LANG "vie+eng"

struct redo_outcome {
	int archived, failed;
	int version;
	char path[512];
	char stage[64];
	struct lt_err failure;
};

static void redo_progress(void *ud, enum lt_run_event what, const struct lt_doc *doc, const char *stage,
			  const struct lt_err *failure, double seconds)
{
	struct redo_outcome *o = ud;

	(void)seconds;
	if (what == LT_RUN_ORPHAN) {
		lt_cmd_printf(stdout, "%s\n", stage);
	} else if (what == LT_RUN_ARCHIVED) {
		o->archived = 1;
		o->version = doc->bundle.version;
		snprintf(o->path, sizeof(o->path), "%s", doc->bundle.path ? doc->bundle.path : "");
	} else if (what == LT_RUN_FAILED) {
		o->failed = 1;
		snprintf(o->stage, sizeof(o->stage), "%s", stage ? stage : "run");
		o->failure = *failure;
	}
}

int lt_cmd_redo(struct lt_cli *cli, const struct lt_pipeline *pipeline, struct lt_run_opts *opts,
		const struct lt_redo *redo)
{
	struct redo_outcome o;
	struct lt_run_report rep;
	struct lt_err err = { 0 };
	int rc;

	memset(&o, 0, sizeof(o));
	opts->archive = cli->archive;
	rc = lt_run_redo(pipeline, opts, redo, 1, redo_progress, &o, &rep, &err);
	if (rc)
		return lt_cmd_fail(&err);
	if (o.failed) {
		lt_cmd_printf(stderr, _("error: document %s keeps its current version: %s failed: %s\n"),
			      redo->id, o.stage, o.failure.msg);
		return LT_EXIT_PROBLEM;
	}
	if (!o.archived) {
		struct lt_err none;

		lt_err_set(&none, LT_EINTERNAL, "the run made no new version of document %s", redo->id);
		return lt_cmd_fail(&none);
	}
	lt_cmd_printf(stdout, _("%s: version %d (%s/%s)\n"), redo->id, o.version, cli->archive, o.path);
	return LT_EXIT_OK;
}

static int run_reocr(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	struct lt_run_opts opts = { 0 };
	struct lt_preprocess_opts pp;
	struct lt_buf detail = LT_BUF_INIT;
	const char *lang = lt_args_get(args, "lang"), *psm = lt_args_get(args, "psm");
	const char *reason = lt_args_get(args, "reason");
	const char *by = lt_args_get(args, "by"), *jobs = lt_args_get(args, "jobs");
	char id[LT_DOC_ID_LEN + 1];
	int rc, code;

	if (!by)
		by = getenv("USER") && *getenv("USER") ? getenv("USER") : "unknown";
	rc = lt_catalog_resolve(cat, args->argv[0], id, &err);
	if (!rc)
		rc = lt_catalog_load(cat, id, &doc, &err);
	if (!rc && doc->state != LT_ARCHIVED)
		rc = lt_err_set(&err, LT_EINPUT, "document %s is %s: only an archived document is read "
				"again (`luutru run` reads queued ones)", id, lt_doc_state_name(doc->state));
	if (rc) {
		lt_doc_free(doc);
		return lt_cmd_fail(&err);
	}
	/* The languages it was read with, unless others are asked for. */
	opts.lang = lang ? lang : doc->lang ? doc->lang : DEFAULT_LANG;
	opts.tessdata = lt_args_get(args, "tessdata");
	opts.psm = psm ? atoi(psm) : 0;
	opts.jobs = jobs ? atoi(jobs) : 0;
	opts.page_timeout = LT_RECOGNIZE_TIMEOUT_DEFAULT;
	opts.max_megapixels = LT_MAX_MEGAPIXELS_DEFAULT;
	lt_preprocess_opts_default(&pp);
	opts.preprocess = &pp;
	rc = lt_buf_printf(&detail, &err, "by %s; languages %s; psm %d", by, opts.lang,
			   opts.psm ? opts.psm : 3);
	if (!rc && reason)
		rc = lt_buf_printf(&detail, &err, "; reason: %s", reason);
	if (rc) {
		lt_doc_free(doc);
		lt_buf_release(&detail);
		return lt_cmd_fail(&err);
	}
	const struct lt_redo redo = {
		.id = id,
		.event_type = "reocr",
		.event_detail = lt_buf_str(&detail),
		.pages = doc->n_pages,
	};
	code = lt_cmd_redo(args->cli, &lt_pipeline_reocr, &opts, &redo);
	lt_doc_free(doc);
	lt_buf_release(&detail);
	return code;
}

static const struct lt_option options[] = {
	{ "jobs", 'j', "N", N_("workers reading its pages, each with its own Tesseract\n"
	  "(default: one per core, no more than its pages)"), lt_cmd_check_jobs },
	{ "lang", 'l', "LANGS", N_("Tesseract languages (default: those the document was read with)"),
	  lt_cmd_check_lang },
	{ "psm", 0, "N", N_("Tesseract page segmentation mode (default 3: automatic layout)"),
	  lt_cmd_check_psm },
	{ "tessdata", 0, "DIR", N_("Tesseract's language data (default: Tesseract's own)"), NULL },
	{ "reason", 0, "TEXT", N_("why, for the record"), NULL },
	{ "by", 0, "NAME", N_("who asks (default: $USER)"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_reocr = {
	.name = "reocr",
	.summary = N_("read an archived document again, as a new bundle version"),
	.usage =
	N_("usage: luutru reocr [--archive DIR] DOC [-j N] [--lang LANGS] [--psm N]\n"
	"                    [--reason TEXT] [--by NAME]\n"
	"\n"
	"Runs OCR again on the master images archived in DOC's newest bundle (not\n"
	"the inbox, which may be gone), each checked against the bundle's manifest\n"
	"and the catalog's digest, and writes the result as a new bundle version\n"
	"beside the old one (bundles/ab/DOC.vN.tar). The old version stays; the\n"
	"catalog, search and `get` then use the newest. Every page is read again,\n"
	"so the access PDF's text layer and the metadata read off page 1 follow\n"
	"the new text. An event \"reocr\" records who asked, the languages, the\n"
	"mode and why. Its pages are shared between the workers and put back in\n"
	"page order, so -j changes how long it takes, not the bundle.\n"
	"If anything fails the document keeps its current version (exit 1).\n"),
	.options = options,
	.epilog =
	N_("Example:\n"
	"  luutru reocr 3f0c9a1b --psm 6 --reason \"the pages are tables\"\n"),
	.min_args = 1,
	.max_args = 1,
	.args_error = N_("give one document id"),
	.access = LT_ACCESS_READ,
	.run = run_reocr,
	.recognises = 1,
};
