/* runner.c - workers, the stage order, and what happens when a stage fails. */
#include "luutru/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/fsutil.h"

/* The pipeline, in order. Page-scoped stages run page by page, each page
 * through all of them before the next is loaded; then the document stages.
 * Preprocessing (orientation, deskew) and metadata extraction slot in here. */
static const struct lt_stage *const stages[] = {
	&lt_stage_load,     /* Leptonica decodes the page */
	&lt_stage_ocr,      /* Tesseract: text, hOCR, confidence */
	&lt_stage_package,  /* BagIt tar written, fsync'ed, renamed into bundles/ */
	&lt_stage_commit,   /* one catalog transaction: archived */
};
#define N_STAGES (sizeof(stages) / sizeof(stages[0]))

struct shared {
	const struct lt_run_opts *opts;
	lt_run_progress_fn progress;
	void *ud;
	pthread_mutex_t lock;      /* guards everything below */
	struct lt_run_report *report;
	int fatal;
	struct lt_err fatal_err;
};

struct worker {
	struct shared *sh;
	int index;
	pthread_t thread;
};

static int stopping(struct shared *sh)
{
	int stop;

	pthread_mutex_lock(&sh->lock);
	stop = sh->fatal || (sh->opts->stop && *sh->opts->stop);
	pthread_mutex_unlock(&sh->lock);
	return stop;
}

static void set_fatal(struct shared *sh, const struct lt_err *err)
{
	pthread_mutex_lock(&sh->lock);
	if (!sh->fatal) {
		sh->fatal = 1;
		sh->fatal_err = *err;
	}
	pthread_mutex_unlock(&sh->lock);
}

static void finished(struct shared *sh, const struct lt_doc *doc, const char *stage,
		     const struct lt_err *failure, double seconds)
{
	pthread_mutex_lock(&sh->lock);
	if (failure) {
		sh->report->failed++;
		sh->report->pages_failed += (int)doc->n_pages;
	} else {
		sh->report->archived++;
		sh->report->pages_archived += (int)doc->n_pages;
	}
	if (sh->progress)
		sh->progress(sh->ud, failure ? LT_RUN_FAILED : LT_RUN_ARCHIVED, doc, stage, failure, seconds);
	pthread_mutex_unlock(&sh->lock);
}

static void started(struct shared *sh, const struct lt_doc *doc)
{
	pthread_mutex_lock(&sh->lock);
	if (sh->progress)
		sh->progress(sh->ud, LT_RUN_STARTED, doc, NULL, NULL, 0);
	pthread_mutex_unlock(&sh->lock);
}

static int record_event(const struct lt_stage *st, void *state, struct lt_doc *doc, struct lt_err *err)
{
	struct lt_buf note = LT_BUF_INIT;
	char now[32];
	int rc;

	if (!st->event)
		return LT_OK;
	if (st->describe)
		st->describe(state, doc, &note);
	lt_now_iso8601(now);
	rc = lt_doc_add_event(doc, st->event, now, "success", lt_buf_str(&note), err);
	lt_buf_release(&note);
	return rc;
}

/* Runs doc through every stage; *failed_stage names the one that failed. */
static int process(void **states, struct lt_doc *doc, const char **failed_stage, struct lt_err *err)
{
	int rc = LT_OK;

	for (size_t p = 0; !rc && p < doc->n_pages; p++) {
		for (size_t s = 0; !rc && s < N_STAGES; s++) {
			if (stages[s]->scope != LT_PER_PAGE)
				continue;
			rc = stages[s]->process(states[s], doc, &doc->pages[p], err);
			if (rc)
				*failed_stage = stages[s]->name;
		}
		lt_page_drop_image(&doc->pages[p]);
	}
	for (size_t s = 0; !rc && s < N_STAGES; s++) {
		if (stages[s]->scope == LT_PER_PAGE) {
			rc = record_event(stages[s], states[s], doc, err);
			continue;
		}
		rc = stages[s]->process(states[s], doc, NULL, err);
		if (rc)
			*failed_stage = stages[s]->name;
		else
			rc = record_event(stages[s], states[s], doc, err);
	}
	return rc;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	struct lt_ctx ctx = { .opts = sh->opts, .worker = w->index };
	void *states[N_STAGES] = { 0 };
	size_t opened = 0;
	struct lt_err err = { 0 };
	int rc;

	rc = lt_catalog_open(sh->opts->archive, LT_CATALOG_WRITE, &ctx.catalog, &err);
	/* opened counts only stages that opened: those are the ones to close. */
	while (!rc && opened < N_STAGES) {
		rc = stages[opened]->open(&ctx, &states[opened], &err);
		if (rc)
			lt_err_prefix(&err, "starting stage %s: ", stages[opened]->name);
		else
			opened++;
	}
	while (!rc && !stopping(sh)) {
		struct lt_doc *doc = NULL;
		const char *stage = "run";
		struct lt_err derr = { 0 };
		double t0 = lt_monotonic_seconds();
		int wait = 0;

		rc = lt_catalog_claim(ctx.catalog, &doc, &wait, &err);
		if (!rc && !doc && wait) {
			/* A suspect document is to run alone: let the others finish. */
			usleep(200 * 1000);
			continue;
		}
		if (rc || !doc)
			break;
		started(sh, doc);
		lt_strdup(sh->opts->lang, &doc->lang, &derr);
		if (derr.code || process(states, doc, &stage, &derr) != LT_OK) {
			if (lt_code_is_fatal(derr.code)) {
				/* Not this document's fault: put it back for the next run. */
				struct lt_err qerr = { 0 };

				lt_err_prefix(&derr, "document %s, stage %s: ", doc->id, stage);
				err = derr;
				if (lt_catalog_requeue(ctx.catalog, doc->id, &qerr)) {
					/* The next run will count this as a crash: say why. */
					lt_err_prefix(&qerr, "%s; and it could not be put back in the queue: ",
						      derr.msg);
					qerr.code = derr.code;
					err = qerr;
				}
				rc = derr.code;
			} else {
				rc = lt_catalog_fail(ctx.catalog, doc->id, stage, derr.msg, &err);
				if (!rc)
					finished(sh, doc, stage, &derr, lt_monotonic_seconds() - t0);
				else /* keep why the document failed: the next run redoes it */
					lt_err_prefix(&err, "document %s failed at %s (%s), and recording that "
						      "failed too: ", doc->id, stage, derr.msg);
			}
		} else {
			finished(sh, doc, NULL, NULL, lt_monotonic_seconds() - t0);
		}
		lt_doc_free(doc);
	}
	if (rc)
		set_fatal(sh, &err);
	while (opened > 0) {
		opened--;
		stages[opened]->close(states[opened]);
	}
	lt_catalog_close(ctx.catalog);
	return NULL;
}

/* Every document in hand was finished: a stop request no longer matters. */
static void remove_stop_marker(const char *archive)
{
	char marker[4096];

	snprintf(marker, sizeof(marker), "%s/%s", archive, LT_RUN_STOP_MARKER);
	unlink(marker);
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* Holds ARCHIVE/run.lock for the process's lifetime (released on exit). */
static int take_run_lock(const char *archive, int *fd_out, struct lt_err *err)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/run.lock", archive);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return lt_err_set(err, LT_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return lt_err_set(err, LT_EBUSY, "another `luutru run` is working on '%s'", archive);
	}
	*fd_out = fd;
	return LT_OK;
}

/* Takes the run lock, empties work/ and requeues what a crashed run left
 * processing. The catalog is opened first so a wrong --archive gets the
 * catalog's own clear error rather than one about run.lock. */
static int prepare_archive(const struct lt_run_opts *opts, int *lock_fd,
			   struct lt_run_report *report, int64_t *queued, struct lt_err *err)
{
	struct lt_catalog *cat = NULL;
	struct lt_status st;
	char work[4096];
	int rc;

	char marker[4096];
	int forgive;

	snprintf(work, sizeof(work), "%s/work", opts->archive);
	snprintf(marker, sizeof(marker), "%s/%s", opts->archive, LT_RUN_STOP_MARKER);
	rc = lt_catalog_open(opts->archive, LT_CATALOG_WRITE, &cat, err);
	if (!rc)
		rc = take_run_lock(opts->archive, lock_fd, err);
	/* Whatever a crashed run left in work/ is incomplete by definition. */
	if (!rc)
		rc = lt_remove_tree(work, err);
	if (!rc)
		rc = lt_mkdir_p(work, 0755, err);
	/* Read under the run lock: the run that wrote it is gone. */
	forgive = !rc && access(marker, F_OK) == 0;
	if (!rc)
		rc = lt_catalog_requeue_interrupted(cat, forgive, &report->requeued, &report->given_up,
						    err);
	if (!rc && forgive)
		unlink(marker);
	if (!rc)
		rc = lt_catalog_status(cat, &st, err);
	if (!rc)
		*queued = st.documents[LT_QUEUED];
	lt_catalog_close(cat);
	return rc;
}

int lt_run(const struct lt_run_opts *opts, lt_run_progress_fn progress, void *ud,
	   struct lt_run_report *report, struct lt_err *err)
{
	struct shared sh = { .opts = opts, .progress = progress, .ud = ud, .report = report };
	struct worker *workers = NULL;
	double t0 = lt_monotonic_seconds();
	int jobs = opts->jobs > 0 ? opts->jobs : default_jobs();
	int lock_fd = -1, started = 0, rc;
	int64_t queued = 0;

	memset(report, 0, sizeof(*report));
	rc = prepare_archive(opts, &lock_fd, report, &queued, err);
	if (rc)
		goto out;
	/* Each worker loads the OCR models: no more workers than documents. */
	if (queued < jobs)
		jobs = queued > 0 ? (int)queued : 0;
	report->workers = jobs;
	if (jobs == 0)
		goto out;
	workers = calloc((size_t)jobs, sizeof(*workers));
	if (!workers) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory starting %d workers", jobs);
		goto out;
	}
	pthread_mutex_init(&sh.lock, NULL);
	for (; started < jobs; started++) {
		workers[started].sh = &sh;
		workers[started].index = started;
		int e = pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]);

		if (e != 0) {
			struct lt_err terr;

			lt_err_set(&terr, LT_EINTERNAL, "cannot start worker %d: %s", started + 1, strerror(e));
			set_fatal(&sh, &terr);
			break;
		}
	}
	for (int i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_mutex_destroy(&sh.lock);
	if (sh.fatal)
		rc = lt_err_set(err, sh.fatal_err.code, "%s", sh.fatal_err.msg);
	else
		remove_stop_marker(opts->archive);
out:
	free(workers);
	if (lock_fd >= 0)
		close(lock_fd);
	report->seconds = lt_monotonic_seconds() - t0;
	return rc;
}
