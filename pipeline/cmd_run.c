/* cmd_run.c - `luutru run` and `luutru batch`: process the queue and report.
 *
 * Progress goes to stdout and to ARCHIVE/log/run-<time>.log, failures also
 * to stderr; the closing summary is one paragraph. SIGINT/SIGTERM finish the
 * documents in hand and stop; anything unfinished stays queued.
 */
#include <fcntl.h>
#include <getopt.h>
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
#include "luutru/runner.h"

#define DEFAULT_LANG "vie+eng"

const char lt_usage_run[] =
	"usage: luutru run [--archive DIR] [-j N] [--lang LANGS] [--tessdata DIR]\n"
	"\n"
	"Processes every queued document: Leptonica loads each page, Tesseract\n"
	"recognises it (text and hOCR), the document is packaged as a BagIt bag in\n"
	"ARCHIVE/bundles/ and recorded in the catalog. A document that fails is\n"
	"recorded with its reason and the run goes on. Resumable: after a crash or\n"
	"Ctrl-C, run again and unfinished documents are redone.\n"
	"\n"
	"  -j, --jobs N        workers, each with its own Tesseract (default: one per core)\n"
	"  -l, --lang LANGS    Tesseract languages (default: " DEFAULT_LANG ")\n"
	"      --tessdata DIR  Tesseract's language data (default: Tesseract's own)\n"
	"      --psm N         Tesseract page segmentation (default 3: automatic layout)\n"
	"      --dpi N         the scans' resolution, whatever their headers say\n"
	"      --no-rotate, --no-deskew, --no-border, --no-normalise, --no-upscale\n"
	"                      switch a preprocessing step off; --no-preprocess: all\n"
	"      --binarise      hand Tesseract a black-and-white page instead of grey\n"
	"\n"
	"Exit 0 if every document was archived, 1 if some failed or the run was\n"
	"interrupted, 3 on a run-wide error (catalog, disk, missing language data).\n"
	"\n"
	"Example:\n"
	"  luutru run -j 2\n";

const char lt_usage_batch[] =
	"usage: luutru batch [--archive DIR] [--min-age S] [-j N] [--lang LANGS] [--tessdata DIR] INBOX\n"
	"\n"
	"`luutru ingest [--min-age S] INBOX` then `luutru run`, for cron or a\n"
	"systemd timer. The exit code is the worse of the two.\n"
	"\n"
	"Example:\n"
	"  luutru --archive /srv/archive batch --min-age 300 /srv/scans/inbox\n";

static volatile sig_atomic_t stop_requested;
static char stop_marker[4096]; /* set before the handler is installed */

static void on_signal(int sig)
{
	int fd;

	(void)sig;
	stop_requested = 1;
	/* If a second signal (or systemd's SIGKILL) kills us before the
	 * documents in hand are done, the next run must not blame them. */
	fd = open(stop_marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
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

static FILE *open_log(const char *archive)
{
	char dir[4096], path[4200], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	snprintf(dir, sizeof(dir), "%s/log", archive);
	if (lt_mkdir_p(dir, 0755, NULL))
		return NULL;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(path, sizeof(path), "%s/run-%s.log", dir, stamp);
	return fopen(path, "a");
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
	snprintf(stop_marker, sizeof(stop_marker), "%s/%s", cli->archive, LT_RUN_STOP_MARKER);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	prog.archive = cli->archive;
	rc = lt_run(opts, print_progress, &prog, &rep, &err);
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

/* Parses the options run and batch share; returns -1 to go on, else an exit code. */
static int parse_run_options(int argc, char **argv, const char *usage, struct lt_cli *cli,
			     struct lt_run_opts *opts, int *min_age)
{
	static const struct option options[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'l' },
		{ "tessdata", required_argument, NULL, 'T' },
		{ "min-age", required_argument, NULL, 'm' },
		{ "psm", required_argument, NULL, 'P' },
		{ "dpi", required_argument, NULL, 'D' },
		{ "no-rotate", no_argument, NULL, 1000 },
		{ "no-deskew", no_argument, NULL, 1001 },
		{ "no-border", no_argument, NULL, 1002 },
		{ "no-normalise", no_argument, NULL, 1003 },
		{ "no-upscale", no_argument, NULL, 1004 },
		{ "no-preprocess", no_argument, NULL, 1005 },
		{ "binarise", no_argument, NULL, 1006 },
		LT_COMMON_OPTIONS,
		{ 0 },
	};
	/* Lives as long as the options: the run reads it through opts. */
	static struct lt_preprocess_opts pp;
	int opt, exit_now = -1;

	lt_preprocess_opts_default(&pp);
	opts->preprocess = &pp;
	opts->lang = DEFAULT_LANG;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "j:l:h", options, NULL)) != -1) {
		char *end;

		switch (opt) {
		case 'j':
			opts->jobs = (int)strtol(optarg, &end, 10);
			if (*end || opts->jobs < 1 || opts->jobs > 256)
				return lt_cmd_usage_error(usage, "%s: -j wants a number of workers from 1 to 256, "
							  "not '%s'", argv[0], optarg);
			break;
		case 'l':
			if (!*optarg || strspn(optarg, "abcdefghijklmnopqrstuvwxyz_+ABCDEFGHIJKLMNOPQRSTUVWXYZ")
					!= strlen(optarg) || optarg[0] == '+' ||
			    optarg[strlen(optarg) - 1] == '+' || strstr(optarg, "++"))
				return lt_cmd_usage_error(usage, "%s: --lang wants Tesseract language codes "
							  "like vie+eng, not '%s'", argv[0], optarg);
			opts->lang = optarg;
			break;
		case 'T':
			opts->tessdata = optarg;
			break;
		case 'P':
			opts->psm = (int)strtol(optarg, &end, 10);
			if (*end || opts->psm < 1 || opts->psm > 13 || opts->psm == 2)
				return lt_cmd_usage_error(usage, "%s: --psm wants a Tesseract segmentation mode "
							  "(1, 3-13), not '%s'", argv[0], optarg);
			break;
		case 'D':
			pp.dpi = (int)strtol(optarg, &end, 10);
			if (*end || pp.dpi < 50 || pp.dpi > 2400)
				return lt_cmd_usage_error(usage, "%s: --dpi wants a resolution from 50 to 2400, "
							  "not '%s'", argv[0], optarg);
			break;
		case 1000: pp.orient = 0; break;
		case 1001: pp.deskew = 0; break;
		case 1002: pp.border = 0; break;
		case 1003: pp.normalise = 0; break;
		case 1004: pp.upscale = 0; break;
		case 1005: pp.orient = pp.deskew = pp.border = pp.normalise = pp.upscale = 0; break;
		case 1006: pp.binarise = 1; break;
		case 'm':
			if (!min_age)
				return lt_cmd_usage_error(usage, "%s: --min-age is for ingest and batch", argv[0]);
			exit_now = lt_cmd_parse_min_age(optarg, usage, min_age);
			if (exit_now >= 0)
				return exit_now;
			break;
		default:
			if (!lt_cmd_common_option(opt, optarg, usage, cli, &exit_now))
				return lt_cmd_usage_error(usage, "%s: unexpected option", argv[0]);
			if (exit_now >= 0)
				return exit_now;
		}
	}
	return -1;
}

int cmd_run(int argc, char **argv, struct lt_cli *cli)
{
	struct lt_run_opts opts = { 0 };
	int rc = parse_run_options(argc, argv, lt_usage_run, cli, &opts, NULL);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return lt_cmd_usage_error(lt_usage_run, "run: unexpected argument '%s'", argv[optind]);
	return lt_cmd_run_queue(cli, &opts);
}

int cmd_batch(int argc, char **argv, struct lt_cli *cli)
{
	struct lt_run_opts opts = { 0 };
	int min_age = 0;
	int rc = parse_run_options(argc, argv, lt_usage_batch, cli, &opts, &min_age), run_rc;

	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return lt_cmd_usage_error(lt_usage_batch, "batch: give exactly one INBOX folder");
	rc = lt_cmd_ingest_inbox(cli, argv[optind], min_age, 0);
	if (rc > LT_EXIT_PROBLEM)
		return rc;
	run_rc = lt_cmd_run_queue(cli, &opts);
	return run_rc > rc ? run_rc : rc;
}
