/* cmd_run.c - `luutru run` and `luutru batch`: process the queue and report.
 *
 * Progress goes to ARCHIVE/log/run-<time>[-N].log (names from outside
 * escaped, lt_cmd_printf) and, on a terminal, to one
 * updating line; off a terminal, one plain line per document on stdout.
 * Failures also go to stderr. The closing summary (a paragraph, then the
 * failed, rejected and skipped files with reasons; or JSON with --json) goes
 * to stdout and the log. SIGINT/SIGTERM finish the documents in hand and
 * stop; anything unfinished stays queued.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/config.h"
#include "luutru/fsutil.h"
#include "luutru/ingest.h"
#include "luutru/preprocess.h"
#include "luutru/recognize.h"
#include "luutru/runner.h"
#include "luutru/shard.h"
#include "luutru/text.h"

#define DEFAULT_LANG "vie+eng" /* as --lang's help says */

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

/* How the run reports as it goes. The run's log is opened on first use, so
 * that cron runs that find the queue empty leave no log behind. What the
 * summary names (failures, and for batch the skipped files and rejected
 * documents) is kept as JSON arrays, printed as lines or as JSON at the end. */
struct progress {
	const char *archive;
	FILE *log;
	int log_failed;
	int quiet, json;                  /* --quiet, --json */
	/* The terminal the one updating line is drawn on (stdout, else stderr),
	 * or NULL: plain lines as documents finish. */
	FILE *tty;
	size_t line_len;                  /* of the line now on tty, to blank it */
	char current[128];                /* label of the document started last */
	const struct lt_run_report *rep;  /* the runner's, read during its calls */
	double t0;                        /* lt_monotonic_seconds() at the start */
	int batch;                        /* the ingest half ran: skipped and rejected are known */
	struct lt_ingest_totals ingest;
	json_t *failed, *skipped, *rejected; /* arrays of objects; NULL if out of memory */
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

/* s as a JSON string: a file name need not be UTF-8, JSON must be. */
static json_t *json_text(const char *s)
{
	struct lt_buf b = LT_BUF_INIT;
	json_t *j = NULL;

	if (lt_text_repair_utf8(s ? s : "", &b, NULL) == LT_OK)
		j = json_string(lt_buf_str(&b));
	lt_buf_release(&b);
	return j;
}

/* Appends {k1: v1, k2: v2, ...} (string values; NULL ends the list) to arr.
 * Returns the object (borrowed from arr), or NULL if it could not be kept. */
static json_t *keep(json_t *arr, ...)
{
	json_t *o = arr ? json_object() : NULL;
	const char *k;
	va_list ap;

	if (!o)
		return NULL;
	va_start(ap, arr);
	while ((k = va_arg(ap, const char *)))
		json_object_set_new(o, k, json_text(va_arg(ap, const char *)));
	va_end(ap);
	return json_array_append_new(arr, o) == 0 ? o : NULL;
}

static const char *field(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* "45 s", "12 min", "3 h 05 min": an ETA needs no more precision. */
static void format_duration(double s, char out[32])
{
	long t = (long)(s + 0.5);

	if (t < 60)
		snprintf(out, 32, _("%ld s"), t);
	else if (t < 3600)
		snprintf(out, 32, _("%ld min"), (t + 30) / 60);
	else
		snprintf(out, 32, _("%ld h %02ld min"), t / 3600, (t % 3600) / 60);
}

static int terminal_columns(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

/* Blanks the updating line, so that what is printed next starts clean. */
static void clear_line(struct progress *p)
{
	if (!p->tty || !p->line_len)
		return;
	fprintf(p->tty, "\r%*s\r", (int)p->line_len, "");
	fflush(p->tty);
	p->line_len = 0;
}

/* The label of the document in hand, escaped as every name we print is
 * (lt_cmd_escape), for the updating line. */
static void set_current(struct progress *p, const char *label)
{
	struct lt_buf safe = LT_BUF_INIT;

	p->current[0] = '\0';
	if (lt_cmd_escape(label, &safe, NULL) == LT_OK)
		snprintf(p->current, sizeof(p->current), "%s", lt_buf_str(&safe));
	lt_buf_release(&safe);
}

/* The one updating line: done/total, speed, ETA, failures, the document in
 * hand. Drawn with a carriage return and spaces only, so it works on any
 * terminal (no escape sequences to need a TERM); cut to the width so it
 * never wraps. The label is escaped already (set_current). */
static void draw_line(struct progress *p, double elapsed)
{
	const struct lt_run_report *r = p->rep;
	int docs = r->archived + r->failed, pages = r->pages_archived + r->pages_failed;
	int total = r->queued > docs ? r->queued : docs;
	int total_pages = r->pages_queued > pages ? r->pages_queued : pages;
	double ppm = elapsed > 0 ? pages * 60.0 / elapsed : 0;
	char eta[32] = "--", line[512], speed[LT_I18N_NUMBER_MAX];
	size_t len, cols = (size_t)terminal_columns(p->tty) - 1, shown = 0;

	if (pages > 0 && total_pages > pages)
		format_duration((total_pages - pages) * elapsed / pages, eta);
	else if (pages > 0)
		snprintf(eta, sizeof(eta), _("%ld s"), 0L);
	snprintf(line, sizeof(line), _("%d/%d documents, %d/%d pages, %s pages/min, ETA %s, %d failed%s%s"),
		 docs, total, pages, total_pages, lt_i18n_decimal(ppm, 1, speed), eta, r->failed,
		 p->current[0] ? " - " : "", p->current);
	len = strlen(line);
	/* Cut at a character, not inside one (columns counted per UTF-8 lead byte). */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c & 0xc0) != 0x80 && ++shown > cols) {
			len = i;
			shown = cols;
			break;
		}
	}
	line[len] = '\0';
	fprintf(p->tty, "\r%s", line);
	if (p->line_len > shown)
		fprintf(p->tty, "%*s\r%s", (int)(p->line_len - shown), "", line);
	fflush(p->tty);
	p->line_len = shown;
}

static void print_progress(void *ud, enum lt_run_event what, const struct lt_doc *doc,
			   const char *stage, const struct lt_err *failure, double seconds)
{
	struct progress *p = ud;
	int lines = !p->quiet && !p->json && p->tty != stdout;
	char now[32];
	json_t *kept;

	lt_now_iso8601(now);
	progress_log(p);
	if (what == LT_RUN_STARTED) {
		/* Log only, flushed at once: if the run dies, this says what it had in hand. */
		if (p->log)
			lt_cmd_printf(p->log, "%s started %s %s (%zu pages, attempt %d)\n", now,
				      doc->id, doc->label, doc->n_pages, doc->attempts);
		set_current(p, doc->label);
	} else if (what == LT_RUN_ORPHAN) {
		/* A bundle nobody knew, adopted or moved aside: always worth a line. */
		clear_line(p);
		if (!p->json)
			lt_cmd_printf(stdout, "%s\n", stage);
		if (p->log)
			lt_cmd_printf(p->log, "%s %s\n", now, stage);
	} else if (what == LT_RUN_FAILED) {
		clear_line(p);
		if (lines)
			lt_cmd_printf(stdout, _("failed %s %s: %s: %s\n"), doc->id, doc->label, stage,
				      failure->msg);
		lt_cmd_printf(stderr, _("error: document %s (%s) failed at %s: %s\n"), doc->id,
			      doc->label, stage, failure->msg);
		if (p->log)
			lt_cmd_printf(p->log, "%s failed %s %s: %s: %s\n", now, doc->id, doc->label,
				      stage, failure->msg);
		kept = keep(p->failed, "id", doc->id, "label", doc->label, "stage", stage, "reason",
			    failure->msg, (const char *)NULL);
		if (kept)
			json_object_set_new(kept, "pages", json_integer((json_int_t)doc->n_pages));
	} else {
		if (lines) {
			char secs[LT_I18N_NUMBER_MAX];

			lt_cmd_printf(stdout, ngettext("archived %s %s (%zu page, %s s) -> %s\n",
						       "archived %s %s (%zu pages, %s s) -> %s\n",
						       (unsigned long)doc->n_pages), doc->id,
				      doc->label, doc->n_pages, lt_i18n_decimal(seconds, 1, secs),
				      doc->bundle.path);
		}
		if (p->log)
			lt_cmd_printf(p->log, "%s archived %s %s (%zu pages, %.1f s) %s sha256 %s\n",
				      now, doc->id, doc->label, doc->n_pages, seconds, doc->bundle.path,
				      doc->bundle.sha256);
	}
	if (p->tty)
		draw_line(p, lt_monotonic_seconds() - p->t0);
	fflush(stdout);
	if (p->log)
		fflush(p->log);
}

/* NULL if the log cannot be made: the run goes on, reported on stdout.
 * Each run gets a log of its own: run-<time>.log, or run-<time>-2.log and
 * so on when another run started in the same second. Created with O_EXCL
 * (which also never follows a link planted under that name). */
static FILE *open_log(const char *archive)
{
	char *dir = NULL, *path = NULL, stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *log = NULL;
	int fd = -1;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (lt_path(&dir, NULL, "%s/log", archive) == LT_OK && lt_mkdir_p(dir, 0755, NULL) == LT_OK) {
		for (int n = 1; fd < 0 && n <= 1000; n++) {
			free(path);
			path = NULL;
			if ((n == 1 ? lt_path(&path, NULL, "%s/run-%s.log", dir, stamp)
				    : lt_path(&path, NULL, "%s/run-%s-%d.log", dir, stamp, n)) != LT_OK)
				break;
			fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				  0644);
			if (fd < 0 && errno != EEXIST)
				break;
		}
	}
	if (fd >= 0 && !(log = fdopen(fd, "a")))
		close(fd);
	free(path);
	free(dir);
	return log;
}

/* Lines per list in the human summary; --json lists them all. */
#define LIST_MAX 20

/* The log keeps its English words whatever the language (its structure is
 * for programs too); what goes to stdout is for people. */
#define tr_for(translate, msgid) ((translate) ? _(msgid) : (msgid))
#define ntr_for(translate, one, many, n) \
	((translate) ? ngettext(one, many, (unsigned long)(n)) : (n) == 1 ? (one) : (many))

static void list_more(FILE *f, size_t n, int see_status, int translate)
{
	if (n > LIST_MAX)
		fprintf(f, see_status ? tr_for(translate, "  ... and %zu more (see `luutru status`)\n")
			: tr_for(translate, "  ... and %zu more\n"), n - LIST_MAX);
}

/* The summary after the paragraph: what failed, was rejected or skipped,
 * each with its reason, so that a morning's look at the log or the cron
 * mail says what to do. */
static void write_lists(FILE *f, const struct progress *p, int translate)
{
	size_t i, n;
	json_t *o;

	if ((n = json_array_size(p->failed)))
		fprintf(f, "%s\n", tr_for(translate, "Failed (fix the cause, then `luutru ingest --retry INBOX`):"));
	json_array_foreach(p->failed, i, o) {
		if (i == LIST_MAX)
			break;
		lt_cmd_printf(f, "  %s %s: %s: %s\n", field(o, "id"), field(o, "label"), field(o, "stage"),
			field(o, "reason"));
	}
	list_more(f, n, 1, translate);
	if ((n = json_array_size(p->rejected)))
		fprintf(f, "%s\n", tr_for(translate, "Rejected at ingest (not queued):"));
	json_array_foreach(p->rejected, i, o) {
		if (i == LIST_MAX)
			break;
		lt_cmd_printf(f, "  %s: %s\n", field(o, "label"), field(o, "reason"));
	}
	list_more(f, n, 0, translate);
	if ((n = json_array_size(p->skipped)))
		fprintf(f, "%s\n", tr_for(translate, "Skipped at ingest (not pages):"));
	json_array_foreach(p->skipped, i, o) {
		if (i == LIST_MAX)
			break;
		lt_cmd_printf(f, "  %s: %s\n", field(o, "path"), field(o, "reason"));
	}
	list_more(f, n, 0, translate);
}

static const char *exit_meaning(int code)
{
	switch (code) {
	case LT_EXIT_OK:
		return "every document was archived, or there was nothing to do";
	case LT_EXIT_PROBLEM:
		return "some documents failed or were rejected, or the run was interrupted "
		       "(unfinished documents stay queued)";
	case LT_EXIT_USAGE:
		return "bad command line";
	default:
		return "a run-wide error stopped the run (catalog, disk, memory, language data): "
		       "see error; unfinished documents stay queued";
	}
}

/* x to a tenth, as the human summary shows it (x >= 0). */
static double tenths(double x)
{
	return (double)(long long)(x * 10 + 0.5) / 10;
}

/* Seconds to the millisecond, for the JSON summary. */
static double millis(double seconds)
{
	return (double)(long long)(seconds * 1000 + 0.5) / 1000;
}

/* The summary for scripts: one JSON object on stdout, alone there. */
static void print_json(const struct progress *p, const struct lt_run_report *rep,
		       const char *outcome, const char *error, int code)
{
	json_t *o, *stages, *empty = json_array();

	o = json_pack("{s:s, s:s, s:i, s:s, s:f, s:i, s:f,"
		      " s:{s:i, s:i, s:i, s:i, s:i}, s:{s:i, s:i, s:i}}",
		      "command", p->batch ? "batch" : "run", "outcome", outcome,
		      "exit_code", code, "exit_meaning", exit_meaning(code),
		      "seconds", tenths(rep->seconds), "workers", rep->workers,
		      "pages_per_minute",
		      tenths(rep->seconds > 0 ? rep->pages_archived * 60.0 / rep->seconds : 0.0),
		      "documents", "queued", rep->queued, "archived", rep->archived, "failed", rep->failed,
		      "requeued", rep->requeued, "given_up", rep->given_up,
		      "pages", "queued", rep->pages_queued, "archived", rep->pages_archived,
		      "failed", rep->pages_failed);
	if (!o || !empty) {
		fprintf(stderr, "%s", _("error: out of memory writing the JSON summary\n"));
		json_decref(o);
		json_decref(empty);
		return;
	}
	json_object_set(o, "failed_documents", p->failed ? p->failed : empty);
	/* null where not known: `run` has no inbox to skip files of. */
	json_object_set_new(o, "rejected_documents", p->batch ? json_copy(p->rejected ? p->rejected : empty)
							    : json_null());
	json_object_set_new(o, "skipped_files", p->batch ? json_copy(p->skipped ? p->skipped : empty)
						     : json_null());
	json_object_set_new(o, "ingest", !p->batch ? json_null() :
			    json_pack("{s:i, s:i, s:i, s:i, s:i}", "queued", p->ingest.queued,
				      "known", p->ingest.known, "rejected", p->ingest.rejected,
				      "skipped", (int)p->ingest.skipped, "superseded", p->ingest.superseded));
	json_object_set_new(o, "error", error ? json_text(error) : json_null());
	/* Where the CPU went, stage by stage (bench/ reads it). */
	stages = json_object();
	for (size_t s = 0; stages && s < rep->n_stages; s++)
		json_object_set_new(stages, rep->stage_names[s],
				    json_real(millis(rep->stage_cpu[s])));
	json_object_set_new(o, "stage_cpu_seconds", stages ? stages : json_null());
	/* Tesseract's own time on the run's pages: the limit a run is held to
	 * is recognise ÷ cores (bench/throughput). */
	json_object_set_new(o, "ocr_seconds",
			    json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
				      "recognise", millis(rep->recognise_seconds),
				      "orientation", millis(rep->orientation_seconds),
				      "skew", millis(rep->skew_seconds),
				      "preprocess", millis(rep->preprocess_seconds),
				      "walk", millis(rep->walk_seconds),
				      "outputs", millis(rep->outputs_seconds),
				      "quality", millis(rep->quality_seconds)));
	/* The whole process's CPU and the workers' start-up (models loaded):
	 * with recognise, the budget outside recognition (bench/throughput). */
	json_object_set_new(o, "cpu_seconds",
			    json_pack("{s:f, s:f}", "process", millis(rep->process_cpu_seconds),
				      "startup", millis(rep->open_cpu_seconds)));
	json_object_set_new(o, "tail_seconds", json_real(millis(rep->tail_seconds)));
	/* Pages read by a worker that had no document of its own left. */
	json_object_set_new(o, "pages_helped", json_integer(rep->pages_helped));
	/* Pages read twice because their language was guessed wrong first. */
	json_object_set_new(o, "pages_read_twice", json_integer(rep->pages_read_twice));
	json_dumpf(o, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(o);
	json_decref(empty);
}

static void note_skipped(void *ud, const struct lt_inbox_skip *s)
{
	struct progress *p = ud;

	keep(p->skipped, "path", s->path, "reason", s->reason, (const char *)NULL);
}

static void note_document(void *ud, const struct lt_inbox_entry *e, const struct lt_ingest_outcome *o)
{
	struct progress *p = ud;

	if (o->result == LT_INGEST_REJECTED)
		keep(p->rejected, "label", e->label, "reason", e->reason, (const char *)NULL);
}

/* args may be NULL (lt_cmd_run_queue): plain output. The lists stay NULL
 * if they cannot be made; the summary then names fewer files. */
static void progress_init(struct progress *p, const struct lt_args *args)
{
	memset(p, 0, sizeof(*p));
	p->quiet = args && lt_args_get(args, "quiet");
	p->json = args && lt_args_get(args, "json");
	p->failed = json_array();
	p->skipped = json_array();
	p->rejected = json_array();
}

static void progress_release(struct progress *p)
{
	json_decref(p->failed);
	json_decref(p->skipped);
	json_decref(p->rejected);
}

/* x to one decimal: for people in their language, for the log as C writes it. */
static const char *decimal1(double x, int translate, char out[LT_I18N_NUMBER_MAX])
{
	if (translate)
		return lt_i18n_decimal(x, 1, out);
	snprintf(out, LT_I18N_NUMBER_MAX, "%.1f", x);
	return out;
}

/* The closing paragraph of a run that did something, for people
 * (translate) or for the log (English). */
static void format_summary(char *out, size_t cap, const struct lt_run_report *rep, int rc,
			   int interrupted, int translate)
{
	char secs[LT_I18N_NUMBER_MAX], speed[LT_I18N_NUMBER_MAX];
	size_t used = 0;
	int n;

#define PUT(...) do { \
		n = snprintf(out + used, cap - used, __VA_ARGS__); \
		used += n > 0 ? (size_t)n : 0; \
		if (used >= cap) \
			return; \
	} while (0)
	PUT("%s", rc ? tr_for(translate, "Run stopped") : interrupted ? tr_for(translate, "Run interrupted")
		: tr_for(translate, "Run finished"));
	PUT(ntr_for(translate, " in %s s with %d worker: ", " in %s s with %d workers: ", rep->workers),
	    decimal1(rep->seconds, translate, secs), rep->workers);
	PUT(ntr_for(translate, "%d document archived", "%d documents archived", rep->archived),
	    rep->archived);
	PUT(ntr_for(translate, " (%d page), ", " (%d pages), ", rep->pages_archived), rep->pages_archived);
	PUT(ntr_for(translate, "%d failed (%d page); ", "%d failed (%d pages); ", rep->pages_failed),
	    rep->failed, rep->pages_failed);
	PUT(tr_for(translate, "%s pages archived per minute."),
	    decimal1(rep->seconds > 0 ? rep->pages_archived * 60.0 / rep->seconds : 0.0, translate,
		     speed));
	if (rep->failed)
		PUT("%s", tr_for(translate, " Failed documents keep their reason: see `luutru status`."));
	if (interrupted)
		PUT("%s", tr_for(translate, " Unfinished documents stay queued: run again to go on."));
#undef PUT
}

/* Runs the queue, reporting as p says, and prints the summary; for batch,
 * ingest_code is the ingest's exit code. Returns the exit code. */
static int run_queue(struct lt_cli *cli, struct lt_run_opts *opts, struct progress *p, int ingest_code)
{
	struct lt_run_report rep = { 0 };
	struct lt_err err = { 0 };
	struct sigaction sa = { 0 };
	struct lt_config config = LT_CONFIG_INIT;
	const char *outcome;
	int rc, code;
	char summary[1024], log_summary[1024];

	opts->archive = cli->archive;
	opts->stop = &stop_requested;
	if (!stop_marker && lt_path(&stop_marker, &err, "%s/%s", cli->archive, LT_RUN_STOP_MARKER))
		return lt_cmd_fail(&err);
	/* --organization wins over the archive's luutru.conf. */
	if (lt_config_load(cli->archive, &config, &err) != LT_OK) {
		/* The archive's set-up is wrong, whatever the code: nothing runs. */
		lt_cmd_fail(&err);
		return LT_EXIT_FATAL;
	}
	if (!opts->organization)
		opts->organization = lt_config_get(&config, "organization");
	if (!opts->organization && opts->shard)
		opts->organization = lt_shard_run_organization(opts->shard);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	p->archive = cli->archive;
	p->rep = &rep;
	p->t0 = lt_monotonic_seconds();
	if (!p->quiet && !p->json)
		p->tty = isatty(STDOUT_FILENO) ? stdout : isatty(STDERR_FILENO) ? stderr : NULL;
	rc = lt_run(&lt_pipeline_archive, opts, print_progress, p, &rep, &err);
	if (!opts->shard)
		lt_catalog_maintain_after_run(cli->archive, rep.pages_archived); /* catalog_health.c */
	else if (!rc && !stop_requested) {
		int done = 0;

		/* DONE once every document of the shard has its journal line. */
		rc = lt_shard_run_finish(opts->shard, &done, &err);
	}
	clear_line(p);
	/* No log for a wrong --archive: it would create the directory. */
	if ((rc && err.code != LT_ENOTFOUND) || rep.given_up)
		progress_log(p);

	if (rep.requeued && !p->quiet && !p->json)
		printf(ngettext("%d document left unfinished by an earlier run went back in the queue.\n",
				"%d documents left unfinished by an earlier run went back in the queue.\n",
				(unsigned long)rep.requeued), rep.requeued);
	if (rep.given_up)
		fprintf(stderr, ngettext("error: %d document failed: in %d interrupted runs each, they may be "
					 "what stops the runs (see `luutru status`)\n",
					 "error: %d documents failed: in %d interrupted runs each, they may be "
					 "what stops the runs (see `luutru status`)\n",
					 (unsigned long)rep.given_up), rep.given_up, LT_MAX_ATTEMPTS);
	if (rep.archived + rep.failed == 0 && rc) {
		summary[0] = log_summary[0] = '\0'; /* stopped before any document: the error says it all */
	} else if (rep.archived + rep.failed == 0) {
		snprintf(summary, sizeof(summary), "%s", _("Nothing to do: the queue is empty."));
		snprintf(log_summary, sizeof(log_summary), "Nothing to do: the queue is empty.");
	} else {
		format_summary(summary, sizeof(summary), &rep, rc, stop_requested, 1);
		format_summary(log_summary, sizeof(log_summary), &rep, rc, stop_requested, 0);
	}
	outcome = rc ? "stopped" : stop_requested ? "interrupted"
		: rep.archived + rep.failed == 0 ? "empty" : "finished";
	/* Interrupted with work left queued is not "all good" for a cron job. */
	code = rc ? lt_cmd_exit_code(err.code)
		: rep.failed || rep.given_up || stop_requested ? LT_EXIT_PROBLEM : LT_EXIT_OK;
	if (ingest_code > code)
		code = ingest_code;
	if (!p->json) {
		if (summary[0])
			printf("%s\n", summary);
		if (p->batch)
			printf(_("Ingest: %d queued, %d already known, %d rejected, %zu skipped.\n"),
			       p->ingest.queued, p->ingest.known, p->ingest.rejected, p->ingest.skipped);
		write_lists(stdout, p, 1);
	}
	if (p->log) {
		fprintf(p->log, "%s\n", log_summary);
		write_lists(p->log, p, 0);
		if (rc)
			lt_cmd_printf(p->log, "error: %s\n", err.msg);
		fclose(p->log);
		p->log = NULL;
	}
	if (p->json)
		print_json(p, &rep, outcome, rc ? err.msg : NULL, code);
	if (rc)
		lt_cmd_fail(&err);
	opts->organization = NULL;
	lt_config_release(&config);
	return code;
}

int lt_cmd_run_queue(struct lt_cli *cli, struct lt_run_opts *opts)
{
	struct progress prog;
	int code;

	progress_init(&prog, NULL);
	code = run_queue(cli, opts, &prog, LT_EXIT_OK);
	progress_release(&prog);
	return code;
}


int lt_cmd_check_jobs(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 256, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: -j wants a number of workers from 1 to 256, "
				  "not '%s'", cmd, value);
	return LT_OK;
}

int lt_cmd_check_lang(const char *cmd, const char *value, struct lt_err *err)
{
	size_t n = strlen(value);

	if (!n || strspn(value, "abcdefghijklmnopqrstuvwxyz_+ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n ||
	    value[0] == '+' || value[n - 1] == '+' || strstr(value, "++"))
		return lt_err_set(err, LT_EUSAGE, "%s: --lang wants Tesseract language codes "
				  "like vie+eng, not '%s'", cmd, value);
	return LT_OK;
}

int lt_cmd_check_psm(const char *cmd, const char *value, struct lt_err *err)
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

/* It goes into bag-info.txt, which is UTF-8 and one line a tag. */
static int check_organization(const char *cmd, const char *value, struct lt_err *err)
{
	struct lt_buf utf8 = LT_BUF_INIT;
	int rc = lt_text_repair_utf8(value, &utf8, err);

	if (!rc && (!*value || strchr(value, '\n') || strchr(value, '\r') ||
		    strcmp(lt_buf_str(&utf8), value) != 0))
		rc = lt_err_set(err, LT_EUSAGE, "%s: --organization must be a name on one line, in UTF-8", cmd);
	lt_buf_release(&utf8);
	return rc;
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
	opts->organization = lt_args_get(args, "organization");
	opts->psm = psm ? (int)strtol(psm, NULL, 10) : 0;
	opts->page_timeout = timeout ? strtod(timeout, NULL) : LT_RECOGNIZE_TIMEOUT_DEFAULT;
	opts->max_megapixels = megapixels ? strtod(megapixels, NULL) : LT_MAX_MEGAPIXELS_DEFAULT;
	lt_preprocess_opts_default(pp);
	pp->orient = all && !lt_args_get(args, "no-rotate");
	pp->deskew = all && !lt_args_get(args, "no-deskew");
	pp->border = all && !lt_args_get(args, "no-border");
	pp->invert = all && !lt_args_get(args, "no-invert");
	pp->one_tone = all && !lt_args_get(args, "read-blank");
	pp->normalise = all && !lt_args_get(args, "no-normalise");
	pp->despeckle = all && !lt_args_get(args, "no-despeckle");
	pp->upscale = all && !lt_args_get(args, "no-upscale");
	pp->downscale = all && !lt_args_get(args, "no-downscale");
	pp->binarise = lt_args_get(args, "binarise") != NULL;
	if (dpi)
		pp->dpi = (int)strtol(dpi, NULL, 10);
	opts->preprocess = pp;
}

static int run_run(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_run_opts opts = { 0 };
	struct lt_preprocess_opts pp;
	struct progress prog;
	const char *shard = lt_args_get(args, "shard");
	/* run --shard DIR/K: the shard folder stands for the archive (its lock,
	 * work/, bundles/, log/); the catalog is never opened. */
	struct lt_cli shard_cli = { .archive = shard };
	struct lt_err err = { 0 };
	int code;

	(void)cat;
	run_options(args, &opts, &pp);
	if (shard && lt_shard_run_open(shard, &opts.shard, &err) != LT_OK)
		return lt_cmd_fail(&err);
	progress_init(&prog, args);
	code = run_queue(shard ? &shard_cli : args->cli, &opts, &prog, LT_EXIT_OK);
	progress_release(&prog);
	lt_shard_run_free(opts.shard);
	return code;
}

static int run_batch(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_run_opts opts = { 0 };
	struct lt_preprocess_opts pp;
	const char *min_age = lt_args_get(args, "min-age");
	struct progress prog;
	const struct lt_ingest_report also = { note_skipped, note_document, &prog };
	struct lt_cmd_ingest_meta cm;
	int code = lt_cmd_ingest_meta_open(args, &cm);

	if (code >= 0)
		return code;
	run_options(args, &opts, &pp);
	progress_init(&prog, args);
	prog.batch = 1;
	const struct lt_inbox_opts inbox_opts = {
		.min_age = min_age ? atoi(min_age) : 0,
		.follow_symlinks = lt_args_get(args, "follow-symlinks") != NULL,
	};

	code = lt_cmd_ingest_inbox_meta(cat, args->argv[0], &inbox_opts, &cm.im, 0, 0,
					prog.quiet || prog.json, &also, &prog.ingest);
	lt_cmd_ingest_meta_close(&cm);
	if (code > LT_EXIT_PROBLEM) {
		/* The reason is on stderr already (lt_cmd_fail). */
		if (prog.json) {
			struct lt_run_report none = { 0 };

			print_json(&prog, &none, "stopped", "the ingest of the inbox failed: "
				   "the reason is on standard error", code);
		}
	} else
		code = run_queue(args->cli, &opts, &prog, code);
	progress_release(&prog);
	return code;
}

#define RUN_OPTIONS \
	{ "jobs", 'j', "N", N_("workers, each with its own Tesseract (default: one per core)"), lt_cmd_check_jobs }, \
	{ "lang", 'l', "LANGS", N_("Tesseract languages (default: vie+eng)"), lt_cmd_check_lang }, \
	{ "tessdata", 0, "DIR", N_("Tesseract's language data (default: Tesseract's own)"), NULL }, \
	{ "psm", 0, "N", N_("Tesseract page segmentation mode (default 3: automatic layout,\n" \
	  "columns read one after the other)"), lt_cmd_check_psm }, \
	{ "dpi", 0, "N", N_("the scans' resolution, whatever their files say (default: the\n" \
	  "file's, or 300 when it has none or an absurd one)"), check_dpi }, \
	{ "page-timeout", 0, "S", N_("stop recognising a page after S seconds: it is archived with\n" \
	  "empty text and flagged for review (default 60; 0: no limit)"), check_timeout }, \
	{ "max-megapixels", 0, "M", N_("fail pages larger than M megapixels without decoding them\n" \
	  "(default 150: about 500 MB of memory per worker)"), check_megapixels }, \
	{ "no-rotate", 0, NULL, N_("do not turn sideways or upside-down pages upright"), NULL }, \
	{ "no-deskew", 0, NULL, N_("do not straighten crooked pages"), NULL }, \
	{ "no-border", 0, NULL, N_("do not paint dark scanner borders white"), NULL }, \
	{ "no-invert", 0, NULL, N_("do not turn negatives (light text on a dark ground) positive"), NULL }, \
	{ "no-normalise", 0, NULL, N_("do not even out uneven lighting"), NULL }, \
	{ "no-despeckle", 0, NULL, N_("do not remove dust specks far smaller than the type"), NULL }, \
	{ "no-upscale", 0, NULL, N_("do not enlarge pages below 100 dpi for recognition"), NULL }, \
	{ "no-downscale", 0, NULL, N_("read pages above 450 dpi as they are, not at 300 dpi"), NULL }, \
	{ "read-blank", 0, NULL, N_("have Tesseract read pages of one tone (blank sheets, noise) too"), NULL }, \
	{ "no-preprocess", 0, NULL, N_("all of the --no-... above: Tesseract reads the scan as it is"), NULL }, \
	{ "binarise", 0, NULL, N_("hand Tesseract a black-and-white page instead of grey"), NULL }, \
	{ "organization", 0, "NAME", N_("the archive that operates luutru, named in every bundle\n" \
	  "(bag-info Source-Organization, METS, PREMIS, EAD; default: the\n" \
	  "'organization = ...' line of ARCHIVE/luutru.conf)"), check_organization }

/* How the run reports: both for run and batch. */
#define REPORT_OPTIONS \
	{ "quiet", 'q', NULL, N_("print only errors and the closing summary"), NULL }, \
	{ "json", 0, NULL, N_("print only a JSON summary on stdout, for scripts (errors still\n" \
	  "on stderr)"), NULL }

static const struct lt_option run_opts[] = {
	{ "shard", 0, "DIR/K", N_("process shard K of a plan made by `luutru shard`, on any node,\n"
	  "without the catalog: bundles and a journal into DIR/K (see `luutru merge`)"), NULL },
	RUN_OPTIONS,
	REPORT_OPTIONS,
	/* Accepted to say where it belongs, rather than "unrecognized option". */
	{ "min-age", 0, "SECONDS", NULL, refuse_min_age },
	{ 0 },
};

static const struct lt_option batch_opts[] = {
	{ "min-age", 0, "S", N_("as for ingest: leave documents changed in the last S seconds"), lt_cmd_check_min_age },
	{ "follow-symlinks", 0, NULL, N_("as for ingest: follow links to files outside INBOX"), NULL },
	LT_CMD_INGEST_META_OPTIONS,
	RUN_OPTIONS,
	REPORT_OPTIONS,
	{ 0 },
};

/* Access: none. The runner opens the catalog itself, one connection per
 * worker plus its own to requeue and claim, and reports a missing catalog
 * (without making a log for a wrong --archive); a connection opened here
 * would only sit idle for the whole run. */
const struct lt_command lt_cmd_run = {
	.name = "run",
	.summary = N_("OCR, package and catalog the queued documents"),
	.usage =
	N_("usage: luutru run [--archive DIR] [-j N] [--lang LANGS] [--tessdata DIR] [OCR OPTIONS]\n"
	"\n"
	"Processes every queued document: Leptonica loads each page and prepares a\n"
	"working copy (turned upright, straightened, dark borders and uneven light\n"
	"removed, small scans enlarged; the master stays byte for byte), Tesseract\n"
	"recognises it in automatic layout (text, hOCR, ALTO 4.4), each page gets a\n"
	"quality score and doubtful pages a review flag (`luutru review`), and the\n"
	"document is packaged as a BagIt bag in\n"
	"ARCHIVE/bundles/ and recorded in the catalog. A document that fails is\n"
	"recorded with its reason and the run goes on. Resumable: after a crash or\n"
	"Ctrl-C, run again and unfinished documents are redone.\n"),
	.options = run_opts,
	.epilog =
	N_("On a terminal, one line redrawn in place: documents and pages done out of\n"
	"those queued, pages per minute, time left, failures so far. Off a terminal,\n"
	"one line per document: archived ID LABEL (N pages, S s) -> BUNDLE | failed\n"
	"ID LABEL: STAGE: REASON. Then a summary naming each failed document with\n"
	"its reason (--json: the same as one JSON object).\n"
	"\n"
	"Exit 0 if every document was archived, 1 if some failed or the run was\n"
	"interrupted, 3 on a run-wide error (catalog, disk, missing language data).\n"
	"\n"
	"Example:\n"
	"  luutru run -j 2\n"),
	.min_args = 0,
	.max_args = 0,
	.access = LT_ACCESS_NONE,
	.run = run_run,
	.recognises = 1,
};

/* Access: create, for the ingest half (as `ingest`); the run half is the
 * runner's own, as for `run`. */
const struct lt_command lt_cmd_batch = {
	.name = "batch",
	.summary = N_("ingest an inbox, then run: one command for cron"),
	.usage =
	N_("usage: luutru batch [--archive DIR] [--min-age S] [-j N] [--lang LANGS] [OCR OPTIONS] INBOX\n"
	"\n"
	"`luutru ingest [--min-age S] INBOX` then `luutru run`, for cron or a\n"
	"systemd timer. The exit code is the worse of the two. The summary also\n"
	"names the documents the ingest rejected and the files it skipped, with\n"
	"their reasons; --quiet keeps only errors and the summary, --json prints\n"
	"only the summary as JSON (see the README's \"Overnight\" section).\n"),
	.options = batch_opts,
	.epilog =
	N_("Example:\n"
	"  luutru --archive /srv/archive batch --min-age 300 /srv/scans/inbox\n"),
	.min_args = 1,
	.max_args = 1,
	.args_error = N_("give exactly one INBOX folder"),
	.access = LT_ACCESS_CREATE,
	.check = lt_cmd_check_inbox_arg,
	.run = run_batch,
	.recognises = 1,
};
