/* cmd_run.c - `luutru run` and `luutru batch`: process the queue and report.
 *
 * Progress goes to stdout and to ARCHIVE/log/run-<time>.log, failures also
 * to stderr; the closing summary is one paragraph. SIGINT/SIGTERM finish the
 * documents in hand and stop; anything unfinished stays queued.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/preprocess.h"
#include "luutru/recognize.h"
#include "luutru/runner.h"

#define DEFAULT_LANG "vie+eng"

static volatile sig_atomic_t stop_requested;
/* Built before the handler is installed (a handler cannot allocate); kept
 * until exit, since a signal may come at any time after. */
static char *stop_marker;

static void on_signal(int sig)
{
	int fd;

	(void)sig;
	stop_requested = 1;
	/* If a second signal (or systemd's SIGKILL) kills us before the
	 * documents in hand are done, the next run must not blame them. */
	fd = stop_marker ? open(stop_marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;
	if (fd >= 0)
		close(fd);
	/* A second signal kills at once. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

/* The run's log is opened on first use, so that cron runs that find the
 * queue empty leave no log behind. */
struct progress {
	const char *archive;
	FILE *log;
	int log_failed;
};

static FILE *open_log(const char *archive);

static FILE *progress_log(struct progress *p)
{
	if (!p->log && !p->log_failed) {
		p->log = open_log(p->archive);
		p->log_failed = p->log == NULL;
	}
	return p->log;
}

static void print_progress(void *ud, enum lt_run_event what, const struct lt_doc *doc,
			   const char *stage, const struct lt_err *failure, double seconds)
{
	struct progress *p = ud;
	char now[32];

	lt_now_iso8601(now);
	progress_log(p);
	if (what == LT_RUN_STARTED) {
		/* Log only, flushed at once: if the run dies, this says what it had in hand. */
		if (p->log)
			fprintf(p->log, "%s started %s %s (%zu pages, attempt %d)\n", now, doc->id,
				doc->label, doc->n_pages, doc->attempts);
	} else if (what == LT_RUN_FAILED) {
		printf("failed %s %s: %s: %s\n", doc->id, doc->label, stage, failure->msg);
		fprintf(stderr, "error: document %s (%s) failed at %s: %s\n", doc->id, doc->label,
			stage, failure->msg);
		if (p->log)
			fprintf(p->log, "%s failed %s %s: %s: %s\n", now, doc->id, doc->label, stage,
				failure->msg);
	} else {
		printf("archived %s %s (%zu page%s, %.1f s) -> %s\n", doc->id, doc->label, doc->n_pages,
		       doc->n_pages == 1 ? "" : "s", seconds, doc->bundle.path);
		if (p->log)
			fprintf(p->log, "%s archived %s %s (%zu pages, %.1f s) %s sha256 %s\n", now, doc->id,
				doc->label, doc->n_pages, seconds, doc->bundle.path, doc->bundle.sha256);
	}
	fflush(stdout);
	if (p->log)
		fflush(p->log);
}

/* NULL if the log cannot be made: the run goes on, reported on stdout. */
static FILE *open_log(const char *archive)
{
	char *dir = NULL, *path = NULL, stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *log = NULL;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (lt_path(&dir, NULL, "%s/log", archive) == LT_OK && lt_mkdir_p(dir, 0755, NULL) == LT_OK &&
	    lt_path(&path, NULL, "%s/run-%s.log", dir, stamp) == LT_OK)
		log = fopen(path, "a");
	free(path);
	free(dir);
	return log;
}

int lt_cmd_run_queue(struct lt_cli *cli, struct lt_run_opts *opts)
{
	struct lt_run_report rep;
	struct progress prog = { 0 };
	struct lt_err err = { 0 };
	struct sigaction sa = { 0 };
	int rc;
	char summary[1024];

	opts->archive = cli->archive;
	opts->stop = &stop_requested;
	if (!stop_marker && lt_path(&stop_marker, &err, "%s/%s", cli->archive, LT_RUN_STOP_MARKER))
		return lt_cmd_fail(&err);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	prog.archive = cli->archive;
	rc = lt_run(&lt_pipeline_archive, opts, print_progress, &prog, &rep, &err);
	/* No log for a wrong --archive: it would create the directory. */
	if ((rc && err.code != LT_ENOTFOUND) || rep.given_up)
		progress_log(&prog);

	if (rep.requeued)
		printf("%d document%s left unfinished by an earlier run went back in the queue.\n",
		       rep.requeued, rep.requeued == 1 ? "" : "s");
	if (rep.given_up)
		fprintf(stderr, "error: %d document%s failed: in %d interrupted runs each, they may be "
			"what stops the runs (see `luutru status`)\n", rep.given_up,
			rep.given_up == 1 ? "" : "s", LT_MAX_ATTEMPTS);
	if (rep.archived + rep.failed == 0 && rc)
		summary[0] = '\0'; /* stopped before any document: the error says it all */
	else if (rep.archived + rep.failed == 0)
		snprintf(summary, sizeof(summary), "Nothing to do: the queue is empty.");
	else
		snprintf(summary, sizeof(summary),
			 "%s in %.1f s with %d worker%s: %d document%s archived (%d page%s), "
			 "%d failed (%d page%s); %.1f pages archived per minute.%s%s",
			 rc ? "Run stopped" : stop_requested ? "Run interrupted" : "Run finished",
			 rep.seconds, rep.workers, rep.workers == 1 ? "" : "s",
			 rep.archived, rep.archived == 1 ? "" : "s",
			 rep.pages_archived, rep.pages_archived == 1 ? "" : "s",
			 rep.failed, rep.pages_failed, rep.pages_failed == 1 ? "" : "s",
			 rep.seconds > 0 ? rep.pages_archived * 60.0 / rep.seconds : 0.0,
			 rep.failed ? " Failed documents keep their reason: see `luutru status`." : "",
			 stop_requested ? " Unfinished documents stay queued: run again to go on." : "");
	if (summary[0])
		printf("%s\n", summary);
	if (prog.log) {
		fprintf(prog.log, "%s\n", summary);
		if (rc)
			fprintf(prog.log, "error: %s\n", err.msg);
		fclose(prog.log);
	}
	if (rc)
		return lt_cmd_fail(&err);
	/* Interrupted with work left queued is not "all good" for a cron job. */
	return rep.failed || rep.given_up || stop_requested ? LT_EXIT_PROBLEM : LT_EXIT_OK;
}

static int check_jobs(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 256, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: -j wants a number of workers from 1 to 256, "
				  "not '%s'", cmd, value);
	return LT_OK;
}

static int check_lang(const char *cmd, const char *value, struct lt_err *err)
{
	size_t n = strlen(value);

	if (!n || strspn(value, "abcdefghijklmnopqrstuvwxyz_+ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n ||
	    value[0] == '+' || value[n - 1] == '+' || strstr(value, "++"))
		return lt_err_set(err, LT_EUSAGE, "%s: --lang wants Tesseract language codes "
				  "like vie+eng, not '%s'", cmd, value);
	return LT_OK;
}

static int check_psm(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	/* 0 (OSD only) and 2 (layout without recognition) read no text. */
	if (!lt_cmd_int_in(value, 1, 13, &v) || v == 2)
		return lt_err_set(err, LT_EUSAGE, "%s: --psm wants a Tesseract segmentation mode "
				  "(1, 3 to 13), not '%s'", cmd, value);
	return LT_OK;
}

static int check_dpi(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 50, 2400, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --dpi wants a resolution from 50 to 2400, not '%s'",
				  cmd, value);
	return LT_OK;
}

static int check_timeout(const char *cmd, const char *value, struct lt_err *err)
{
	char *end;
	double v = strtod(value, &end);

	if (*end || end == value || !(v >= 0 && v <= 86400))
		return lt_err_set(err, LT_EUSAGE, "%s: --page-timeout wants seconds (0 for none, at most "
				  "86400), not '%s'", cmd, value);
	return LT_OK;
}

static int check_megapixels(const char *cmd, const char *value, struct lt_err *err)
{
	char *end;
	double v = strtod(value, &end);

	if (*end || end == value || !(v >= 1 && v <= 10000))
		return lt_err_set(err, LT_EUSAGE, "%s: --max-megapixels wants a number from 1 to 10000, "
				  "not '%s'", cmd, value);
	return LT_OK;
}

static int refuse_min_age(const char *cmd, const char *value, struct lt_err *err)
{
	(void)value;
	return lt_err_set(err, LT_EUSAGE, "%s: --min-age is for ingest and batch", cmd);
}

/* The options run and batch share into opts (pp: where opts->preprocess
 * points, living as long as opts). */
static void run_options(const struct lt_args *args, struct lt_run_opts *opts,
			struct lt_preprocess_opts *pp)
{
	const char *jobs = lt_args_get(args, "jobs"), *lang = lt_args_get(args, "lang");
	const char *psm = lt_args_get(args, "psm"), *dpi = lt_args_get(args, "dpi");
	const char *timeout = lt_args_get(args, "page-timeout");
	const char *megapixels = lt_args_get(args, "max-megapixels");
	int all = !lt_args_get(args, "no-preprocess");

	opts->jobs = jobs ? (int)strtol(jobs, NULL, 10) : 0;
	opts->lang = lang ? lang : DEFAULT_LANG;
	opts->tessdata = lt_args_get(args, "tessdata");
	opts->psm = psm ? (int)strtol(psm, NULL, 10) : 0;
	opts->page_timeout = timeout ? strtod(timeout, NULL) : LT_RECOGNIZE_TIMEOUT_DEFAULT;
	opts->max_megapixels = megapixels ? strtod(megapixels, NULL) : LT_MAX_MEGAPIXELS_DEFAULT;
	lt_preprocess_opts_default(pp);
	pp->orient = all && !lt_args_get(args, "no-rotate");
	pp->deskew = all && !lt_args_get(args, "no-deskew");
	pp->border = all && !lt_args_get(args, "no-border");
	pp->normalise = all && !lt_args_get(args, "no-normalise");
	pp->upscale = all && !lt_args_get(args, "no-upscale");
	pp->binarise = lt_args_get(args, "binarise") != NULL;
	if (dpi)
		pp->dpi = (int)strtol(dpi, NULL, 10);
	opts->preprocess = pp;
}

static int run_run(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_run_opts opts = { 0 };
	struct lt_preprocess_opts pp;

	(void)cat;
	run_options(args, &opts, &pp);
	return lt_cmd_run_queue(args->cli, &opts);
}

static int run_batch(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_run_opts opts = { 0 };
	struct lt_preprocess_opts pp;
	const char *min_age = lt_args_get(args, "min-age");
	int rc, run_rc;

	run_options(args, &opts, &pp);
	rc = lt_cmd_ingest_inbox(cat, args->argv[0], min_age ? atoi(min_age) : 0, 0);
	if (rc > LT_EXIT_PROBLEM)
		return rc;
	run_rc = lt_cmd_run_queue(args->cli, &opts);
	return run_rc > rc ? run_rc : rc;
}

#define RUN_OPTIONS \
	{ "jobs", 'j', "N", "workers, each with its own Tesseract (default: one per core)", check_jobs }, \
	{ "lang", 'l', "LANGS", "Tesseract languages (default: " DEFAULT_LANG ")", check_lang }, \
	{ "tessdata", 0, "DIR", "Tesseract's language data (default: Tesseract's own)", NULL }, \
	{ "psm", 0, "N", "Tesseract page segmentation mode (default 3: automatic layout,\n" \
	  "columns read one after the other)", check_psm }, \
	{ "dpi", 0, "N", "the scans' resolution, whatever their files say (default: the\n" \
	  "file's, or 300 when it has none or an absurd one)", check_dpi }, \
	{ "page-timeout", 0, "S", "stop recognising a page after S seconds: it is archived with\n" \
	  "empty text and flagged for review (default 60; 0: no limit)", check_timeout }, \
	{ "max-megapixels", 0, "M", "fail pages larger than M megapixels without decoding them\n" \
	  "(default 150: about 500 MB of memory per worker)", check_megapixels }, \
	{ "no-rotate", 0, NULL, "do not turn sideways or upside-down pages upright", NULL }, \
	{ "no-deskew", 0, NULL, "do not straighten crooked pages", NULL }, \
	{ "no-border", 0, NULL, "do not paint dark scanner borders white", NULL }, \
	{ "no-normalise", 0, NULL, "do not even out uneven lighting", NULL }, \
	{ "no-upscale", 0, NULL, "do not enlarge pages below 100 dpi for recognition", NULL }, \
	{ "no-preprocess", 0, NULL, "all of the --no-... above: Tesseract reads the scan as it is", NULL }, \
	{ "binarise", 0, NULL, "hand Tesseract a black-and-white page instead of grey", NULL }

static const struct lt_option run_opts[] = {
	RUN_OPTIONS,
	/* Accepted to say where it belongs, rather than "unrecognized option". */
	{ "min-age", 0, "SECONDS", NULL, refuse_min_age },
	{ 0 },
};

static const struct lt_option batch_opts[] = {
	{ "min-age", 0, "S", "as for ingest: leave documents changed in the last S seconds", lt_cmd_check_min_age },
	RUN_OPTIONS,
	{ 0 },
};

/* Access: none. The runner opens the catalog itself, one connection per
 * worker plus its own to requeue and claim, and reports a missing catalog
 * (without making a log for a wrong --archive); a connection opened here
 * would only sit idle for the whole run. */
const struct lt_command lt_cmd_run = {
	.name = "run",
	.summary = "OCR, package and catalog the queued documents",
	.usage =
	"usage: luutru run [--archive DIR] [-j N] [--lang LANGS] [--tessdata DIR] [OCR OPTIONS]\n"
	"\n"
	"Processes every queued document: Leptonica loads each page and prepares a\n"
	"working copy (turned upright, straightened, dark borders and uneven light\n"
	"removed, small scans enlarged; the master stays byte for byte), Tesseract\n"
	"recognises it in automatic layout (text, hOCR, ALTO 4.4), each page gets a\n"
	"quality score and doubtful pages a review flag (`luutru review`), and the\n"
	"document is packaged as a BagIt bag in\n"
	"ARCHIVE/bundles/ and recorded in the catalog. A document that fails is\n"
	"recorded with its reason and the run goes on. Resumable: after a crash or\n"
	"Ctrl-C, run again and unfinished documents are redone.\n",
	.options = run_opts,
	.epilog =
	"Exit 0 if every document was archived, 1 if some failed or the run was\n"
	"interrupted, 3 on a run-wide error (catalog, disk, missing language data).\n"
	"\n"
	"Example:\n"
	"  luutru run -j 2\n",
	.min_args = 0,
	.max_args = 0,
	.access = LT_ACCESS_NONE,
	.run = run_run,
};

/* Access: create, for the ingest half (as `ingest`); the run half is the
 * runner's own, as for `run`. */
const struct lt_command lt_cmd_batch = {
	.name = "batch",
	.summary = "ingest an inbox, then run: one command for cron",
	.usage =
	"usage: luutru batch [--archive DIR] [--min-age S] [-j N] [--lang LANGS] [OCR OPTIONS] INBOX\n"
	"\n"
	"`luutru ingest [--min-age S] INBOX` then `luutru run`, for cron or a\n"
	"systemd timer. The exit code is the worse of the two.\n",
	.options = batch_opts,
	.epilog =
	"Example:\n"
	"  luutru --archive /srv/archive batch --min-age 300 /srv/scans/inbox\n",
	.min_args = 1,
	.max_args = 1,
	.args_error = "give exactly one INBOX folder",
	.access = LT_ACCESS_CREATE,
	.check = lt_cmd_check_inbox_arg,
	.run = run_batch,
};
