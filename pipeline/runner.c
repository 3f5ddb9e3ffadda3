/* runner.c - workers, the order of a pipeline's hooks, the per-document work
 * folder, and what happens when a stage fails. The stage lists themselves
 * are data (pipelines.c); the order of hooks is specified in stage.h. */
#include "luutru/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/i18n.h"
#include "luutru/shard.h"

/* ---- crashes: which document's thread faulted ----
 *
 * A SIGKILL (the OOM killer, kill -9, systemd) or a power cut leaves no
 * trace and is not the documents' fault. A fault of the process's own
 * (SIGSEGV, SIGABRT from abort() or a failed assertion, ...) is caught here
 * just long enough to append the id of the document the faulting thread
 * had in hand (or "?" for a thread with none) to ARCHIVE/work/crashed; the
 * next run counts the attempt against that document only
 * (lt_catalog_requeue_dead_run). The process then dies of the signal as
 * before. */

#define CRASH_FILE "crashed"

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS };
#define N_CRASH_SIGNALS (sizeof(crash_signals) / sizeof(crash_signals[0]))

/* Built before the handlers are installed: a handler cannot allocate. */
static char *crash_path;
static struct sigaction crash_saved[N_CRASH_SIGNALS];
/* "<id>\n" while this thread has a document in hand, "" otherwise. */
static __thread char crash_doc[LT_DOC_ID_LEN + 2];

static void on_crash(int sig, siginfo_t *si, void *uc)
{
	const char *line = crash_doc[0] ? crash_doc : "?\n";
	size_t len = 0;
	int fd, saved = errno;

	(void)uc;
	/* Raised by the kernel for a fault, or by this process (abort()); not a
	 * `kill -SEGV` from someone else, which is an outside kill. */
	if (crash_path && (si->si_code > 0 || si->si_pid == getpid())) {
		while (line[len])
			len++;
		fd = open(crash_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			if (write(fd, line, len) < 0) {
				/* nothing more a dying process can do */
			}
			fsync(fd);
			close(fd);
		}
	}
	errno = saved;
	/* SA_RESETHAND restored the default: die of it once this returns. */
	raise(sig);
}

static void crash_watch_start(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_CRASH_SIGNALS; i++)
		sigaction(crash_signals[i], &sa, &crash_saved[i]);
}

static void crash_watch_stop(void)
{
	for (size_t i = 0; i < N_CRASH_SIGNALS; i++)
		sigaction(crash_signals[i], &crash_saved[i], NULL);
	free(crash_path);
	crash_path = NULL;
}

/* A stack overflow faults with no stack left for the handler: each worker
 * gets its own signal stack. Returns: owned, NULL if none could be made. */
static void *alt_stack_start(void)
{
	size_t size = 64 * 1024;
	stack_t ss = { 0 };

	ss.ss_sp = malloc(size);
	ss.ss_size = size;
	if (ss.ss_sp && sigaltstack(&ss, NULL) != 0) {
		free(ss.ss_sp);
		ss.ss_sp = NULL;
	}
	return ss.ss_sp;
}

static void alt_stack_stop(void *stack)
{
	stack_t ss = { .ss_flags = SS_DISABLE };

	if (!stack)
		return;
	sigaltstack(&ss, NULL);
	free(stack);
}

/* A document whose worker stages are done, on its way to the I/O thread;
 * doc and work_dir owned by whoever holds the item. */
struct handoff {
	struct lt_doc *doc;
	char *work_dir;
	const struct lt_redo *redo;
	double t0;                 /* when it was claimed */
};

/* The bounded queue from the workers to the I/O thread: a worker that finds
 * it full waits, so at most `cap` recognised documents wait for their
 * bundle, and their memory (text, hOCR kept in the work folder) stays small. */
struct io_queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct handoff *items;     /* ring of cap */
	size_t cap, head, len;
	int closed;                /* no worker will push any more */
};

struct shared {
	const struct lt_pipeline *pipeline;
	const struct lt_run_opts *opts;
	const char *run_dir;       /* ARCHIVE/work/<run> */
	lt_run_progress_fn progress;
	void *ud;
	const struct lt_redo *redo; /* lt_run_redo: the documents to redo; NULL: the queue */
	size_t n_redo;
	pthread_mutex_t lock;      /* guards everything below */
	size_t next_redo;          /* the next of redo[] to take */
	struct lt_run_report *report;
	int fatal;
	struct lt_err fatal_err;
	struct io_queue *io;       /* NULL: every stage runs in the workers */
	double first_idle;         /* when the first worker ran out of documents and pages; 0: none yet */
	int workers;
	/* Claims are made one at a time under claim_lock, and a worker that
	 * gets a document counts in holders before it lets go of the lock: so
	 * a worker that finds nothing to claim knows whether a document whose
	 * pages it could read is still in some worker's hands. */
	pthread_mutex_t claim_lock;
	pthread_mutex_t pages_lock; /* guards holders, shares and the shares' counters */
	pthread_cond_t pages_changed;
	int holders;               /* workers between a claim and their part of the document done */
	struct page_share *shares; /* documents whose pages any worker may read */
	int pages_helped;
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
	for (size_t p = 0; p < doc->n_pages; p++) {
		sh->report->recognise_seconds += doc->pages[p].recognise_seconds;
		sh->report->orientation_seconds += doc->pages[p].orientation_seconds;
		sh->report->skew_seconds += doc->pages[p].skew_seconds;
		sh->report->preprocess_seconds += doc->pages[p].preprocess_seconds;
		sh->report->walk_seconds += doc->pages[p].walk_seconds;
		sh->report->outputs_seconds += doc->pages[p].outputs_seconds;
		sh->report->quality_seconds += doc->pages[p].quality_seconds;
		sh->report->pages_read_twice += doc->pages[p].readings > 1;
	}
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

int lt_job_warn(struct lt_job *job, struct lt_err *err, const char *fmt, ...)
{
	struct lt_buf *w;
	va_list ap;
	int rc = LT_OK;

	if (!job->warnings || job->stage >= job->n_stages)
		return lt_err_set(err, LT_EINTERNAL, "a warning for document %s outside any stage",
				  job->doc ? job->doc->id : "?");
	w = &job->warnings[job->stage];
	if (w->len)
		rc = lt_buf_puts(w, "; ", err);
	if (rc)
		return rc;
	va_start(ap, fmt);
	rc = lt_buf_vprintf(w, err, fmt, ap);
	va_end(ap);
	return rc;
}

/* The stage's event: "success" with its description, or "warning" with the
 * description and then the warnings it recorded for this document. */
static int record_event(const struct lt_stage *st, void *state, struct lt_job *job, struct lt_err *err)
{
	const struct lt_buf *warn = &job->warnings[job->stage];
	struct lt_buf note = LT_BUF_INIT;
	char now[32];
	int rc = LT_OK;

	if (!st->event && !warn->len)
		return LT_OK;
	if (st->describe)
		st->describe(state, job, &note);
	if (warn->len && note.len)
		rc = lt_buf_puts(&note, "; ", err);
	if (!rc && warn->len)
		rc = lt_buf_puts(&note, lt_buf_str(warn), err);
	lt_now_iso8601(now);
	if (!rc)
		rc = lt_doc_add_event(job->doc, st->event ? st->event : st->name, now,
				      warn->len ? "warning" : "success", lt_buf_str(&note), err);
	lt_buf_release(&note);
	return rc;
}

/* The calling thread's CPU time: a stage's own work, whatever the other
 * workers do meanwhile (OMP_THREAD_LIMIT=1 keeps Tesseract on this thread). */
static double thread_cpu_seconds(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole process's CPU, user and system, every thread counted. */
static double process_cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Charges the CPU time since *mark to stage s, and moves the mark. */
static void charge(double *cpu, size_t s, double *mark)
{
	double now = thread_cpu_seconds();

	if (cpu && s < LT_RUN_MAX_STAGES)
		cpu[s] += now - *mark;
	*mark = now;
}

/* ---- one document's pages read by several workers ----
 *
 * A worker that finds nothing left to claim reads pages of a document
 * another worker holds, with its own stage states (its own Tesseract), so a
 * long document at the end of a run does not leave it idle. Only the stages
 * that may run anywhere (stage.h, any_worker) are spread; the others see the
 * pages in page order in the document's own worker, which also keeps the
 * warnings in page order. */

enum page_progress { PAGE_WAITING, PAGE_TAKEN, PAGE_READ, PAGE_FAILED };

/* A document whose pages are being read: on its worker's stack, listed in
 * sh->shares while other workers may take pages of it. Counters and
 * progress guarded by sh->pages_lock. */
struct page_share {
	struct lt_job *job;        /* the document's worker's */
	size_t first, split;       /* its page-scoped stages in [first, split) read a page */
	size_t next;               /* the next page to hand out */
	size_t limit;              /* no page from here on is handed out */
	size_t written;            /* the pages before this went through the other stages */
	size_t window;             /* pages are handed out at most this far past written */
	size_t in_flight;          /* pages other workers are reading */
	unsigned char *progress;   /* per page: enum page_progress */
	struct lt_buf *warnings;   /* per page, one per pipeline stage: what reading it warned */
	/* The first page, in page order, that another worker failed to read. */
	size_t failed_page;
	int rc;
	const char *failed_stage;
	struct lt_err err;
	struct page_share *next_share;
};

/* The end of the stages from first on that any worker may run on a page:
 * the first page-scoped stage that must run in the document's worker (one
 * with begin, end or abort is one, whatever its flag says), or n. */
static size_t any_worker_end(const struct lt_pipeline *pl, size_t first, size_t n)
{
	for (size_t s = first; s < n; s++) {
		const struct lt_stage *st = pl->stages[s];

		if (st->scope == LT_PER_PAGE && st->process &&
		    (!st->any_worker || st->begin || st->end || st->abort))
			return s;
	}
	return n;
}

/* Does any page-scoped stage in [first, end) have work of its own? */
static int reads_pages(const struct lt_pipeline *pl, size_t first, size_t end)
{
	for (size_t s = first; s < end; s++)
		if (pl->stages[s]->scope == LT_PER_PAGE && pl->stages[s]->process)
			return 1;
	return 0;
}

/* The page-scoped stages in [from, to) on one page, as job; *failed_stage
 * names the one that failed. */
static int page_stages(const struct lt_pipeline *pl, void **states, struct lt_job *job,
		       struct lt_page *page, size_t from, size_t to, double *cpu,
		       const char **failed_stage, struct lt_err *err)
{
	double mark = thread_cpu_seconds();
	int rc = LT_OK;

	for (size_t s = from; !rc && s < to; s++) {
		const struct lt_stage *st = pl->stages[s];

		if (st->scope != LT_PER_PAGE || !st->process)
			continue;
		job->stage = s;
		rc = st->process(states[s], job, page, err);
		charge(cpu, s, &mark);
		if (rc)
			*failed_stage = st->name;
	}
	return rc;
}

/* Reads page k of the job's document: its page-scoped stages in
 * [first, split), with the calling worker's ctx and states; what they warn
 * goes to warnings (one per pipeline stage), not to the job's. */
static int read_page(const struct lt_pipeline *pl, void **states, struct lt_ctx *ctx,
		     const struct lt_job *job, size_t first, size_t split, size_t k,
		     struct lt_buf *warnings, double *cpu, const char **failed_stage,
		     struct lt_err *err)
{
	struct lt_job reading = *job;

	reading.ctx = ctx;
	reading.warnings = warnings;
	return page_stages(pl, states, &reading, &job->doc->pages[k], first, split, cpu,
			   failed_stage, err);
}

/* Page k, read: its warnings appended to the job's as if the job had
 * recorded them, then the page-scoped stages in [split, n), then its image
 * dropped. */
static int write_page(const struct lt_pipeline *pl, void **states, struct lt_job *job,
		      size_t first, size_t split, size_t n, size_t k, struct lt_buf *warnings,
		      double *cpu, const char **failed_stage, struct lt_err *err)
{
	struct lt_page *page = &job->doc->pages[k];
	int rc = LT_OK;

	for (size_t s = first; !rc && s < split; s++) {
		if (!warnings[s].len)
			continue;
		if (job->warnings[s].len)
			rc = lt_buf_puts(&job->warnings[s], "; ", err);
		if (!rc)
			rc = lt_buf_append(&job->warnings[s], warnings[s].data, warnings[s].len, err);
	}
	if (!rc)
		rc = page_stages(pl, states, job, page, split, n, cpu, failed_stage, err);
	lt_page_drop_image(page);
	return rc;
}

/* Runs the page-scoped stages in [first, n) on every page of the job's
 * document. This worker reads the pages in order, and other workers with
 * nothing to claim read some too (help_read_page) once the document is
 * listed in sh->shares; each page read goes through the rest of the stages
 * here, in page order. A page read ahead waits with its image decoded:
 * window bounds how many do. Returns once no other worker is reading a page
 * of the document. */
static int run_pages(struct shared *sh, const struct lt_pipeline *pl, void **states,
		     struct lt_job *job, size_t first, size_t n, double *cpu,
		     const char **failed_stage, struct lt_err *err)
{
	size_t pages = job->doc->n_pages, ns = pl->n_stages;
	struct page_share share = { .job = job, .first = first, .limit = pages };
	int rc = LT_OK, listed = 0;

	if (pages == 0)
		return LT_OK;
	share.split = any_worker_end(pl, first, n);
	share.window = (size_t)sh->workers + 1;
	share.progress = calloc(pages, sizeof(*share.progress));
	share.warnings = calloc(pages * ns, sizeof(*share.warnings));
	if (!share.progress || !share.warnings) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory reading the %zu pages of document %s",
				pages, job->doc->id);
		goto out;
	}
	pthread_mutex_lock(&sh->pages_lock);
	if (sh->workers > 1 && pages > 1 && reads_pages(pl, first, share.split)) {
		share.next_share = sh->shares;
		sh->shares = &share;
		listed = 1;
		pthread_cond_broadcast(&sh->pages_changed);
	}
	while (!rc && share.written < pages) {
		size_t k = share.written;

		if (share.progress[k] == PAGE_READ) {
			pthread_mutex_unlock(&sh->pages_lock);
			rc = write_page(pl, states, job, first, share.split, n, k, &share.warnings[k * ns],
					cpu, failed_stage, err);
			pthread_mutex_lock(&sh->pages_lock);
			share.written++;
			pthread_cond_broadcast(&sh->pages_changed);
		} else if (share.progress[k] == PAGE_FAILED) {
			/* Another worker's page: its reason, as if it were ours. */
			rc = share.rc;
			*err = share.err;
			*failed_stage = share.failed_stage;
		} else if (share.next < share.limit && share.next < share.written + share.window) {
			k = share.next++;
			share.progress[k] = PAGE_TAKEN;
			pthread_mutex_unlock(&sh->pages_lock);
			rc = read_page(pl, states, job->ctx, job, first, share.split, k,
				       &share.warnings[k * ns], cpu, failed_stage, err);
			pthread_mutex_lock(&sh->pages_lock);
			share.progress[k] = rc ? PAGE_FAILED : PAGE_READ;
		} else {
			pthread_cond_wait(&sh->pages_changed, &sh->pages_lock);
		}
	}
	/* Nothing more is handed out; pages other workers are reading finish
	 * before the share goes. */
	share.limit = share.next;
	while (share.in_flight > 0)
		pthread_cond_wait(&sh->pages_changed, &sh->pages_lock);
	if (listed) {
		struct page_share **at = &sh->shares;

		while (*at != &share)
			at = &(*at)->next_share;
		*at = share.next_share;
	}
	pthread_mutex_unlock(&sh->pages_lock);
out:
	for (size_t i = 0; share.warnings && i < pages * ns; i++)
		lt_buf_release(&share.warnings[i]);
	free(share.warnings);
	free(share.progress);
	return rc;
}

/* The first moment a worker that had work found none left. */
static void note_idle(struct shared *sh)
{
	pthread_mutex_lock(&sh->lock);
	if (sh->first_idle == 0)
		sh->first_idle = lt_monotonic_seconds();
	pthread_mutex_unlock(&sh->lock);
}

enum help { HELP_NONE, HELP_READ, HELP_WAITED };

/* For a worker that found nothing to claim: reads the next page of a
 * document another worker holds, if one has a page to hand out
 * (HELP_READ); else, while some worker still holds a document, waits until
 * something changes (HELP_WAITED: a page may be free, or a document done);
 * HELP_NONE when no worker holds one. worked: whether this worker had any
 * work before (an idle start is not the run's tail). */
static enum help help_read_page(struct shared *sh, struct lt_ctx *ctx, void **states, double *cpu,
				int worked)
{
	const struct lt_pipeline *pl = sh->pipeline;
	struct page_share *share;
	const char *stage = "run";
	struct lt_err err = { 0 };
	enum help help;
	size_t k;
	int rc;

	pthread_mutex_lock(&sh->pages_lock);
	for (share = sh->shares; share; share = share->next_share)
		if (share->next < share->limit && share->next < share->written + share->window)
			break;
	if (!share) {
		help = sh->holders > 0 ? HELP_WAITED : HELP_NONE;
		if (worked)
			note_idle(sh);
		if (help == HELP_WAITED)
			pthread_cond_wait(&sh->pages_changed, &sh->pages_lock);
		pthread_mutex_unlock(&sh->pages_lock);
		return help;
	}
	k = share->next++;
	share->progress[k] = PAGE_TAKEN;
	share->in_flight++;
	sh->pages_helped++;
	pthread_mutex_unlock(&sh->pages_lock);

	/* A crash while reading it is the document's. */
	snprintf(crash_doc, sizeof(crash_doc), "%s\n", share->job->doc->id);
	rc = read_page(pl, states, ctx, share->job, share->first, share->split, k,
		       &share->warnings[k * pl->n_stages], cpu, &stage, &err);
	crash_doc[0] = '\0';

	pthread_mutex_lock(&sh->pages_lock);
	share->progress[k] = rc ? PAGE_FAILED : PAGE_READ;
	if (rc) {
		if (!share->rc || k < share->failed_page) {
			share->rc = rc;
			share->err = err;
			share->failed_stage = stage;
			share->failed_page = k;
		}
		share->limit = share->next;
	}
	share->in_flight--;
	pthread_cond_broadcast(&sh->pages_changed);
	pthread_mutex_unlock(&sh->pages_lock);
	return HELP_READ;
}

/* Runs one document through stages first..n-1 of the pipeline in the order
 * stage.h specifies (the worker runs them all, or those before the I/O
 * stages; the I/O thread the rest); *failed_stage names the stage whose hook
 * failed. cpu[s] accumulates the CPU time of stage s. */
static int run_document(struct shared *sh, const struct lt_pipeline *pl, void **states,
			struct lt_job *job, size_t first, size_t n, double *cpu,
			const char **failed_stage, struct lt_err *err)
{
	double mark = thread_cpu_seconds();
	struct lt_doc *doc = job->doc;
	size_t begun = first;
	int rc = LT_OK;

	for (size_t s = first; s < n; s++)
		lt_buf_reset(&job->warnings[s]);
	/* begun counts the stages whose begin succeeded: those get abort. */
	for (; begun < n; begun++) {
		const struct lt_stage *st = pl->stages[begun];

		if (!st->begin)
			continue;
		job->stage = begun;
		rc = st->begin(states[begun], job, err);
		charge(cpu, begun, &mark);
		if (rc) {
			*failed_stage = st->name;
			break;
		}
	}
	if (!rc)
		rc = run_pages(sh, pl, states, job, first, n, cpu, failed_stage, err);
	mark = thread_cpu_seconds();
	for (size_t s = first; !rc && s < n; s++) {
		const struct lt_stage *st = pl->stages[s];

		job->stage = s;
		if (st->scope == LT_PER_DOCUMENT && st->process)
			rc = st->process(states[s], job, NULL, err);
		if (!rc && st->end)
			rc = st->end(states[s], job, err);
		if (!rc)
			rc = record_event(st, states[s], job, err);
		charge(cpu, s, &mark);
		if (rc)
			*failed_stage = st->name;
	}
	if (rc) {
		for (size_t s = begun; s-- > first;) {
			if (!pl->stages[s]->abort)
				continue;
			job->stage = s;
			pl->stages[s]->abort(states[s], job);
		}
		/* A failure before the last page leaves no image behind. */
		for (size_t p = 0; p < doc->n_pages; p++)
			lt_page_drop_image(&doc->pages[p]);
	}
	job->stage = pl->n_stages;
	return rc;
}

/* Records what became of a document that failed: a document-scoped failure
 * fails it and the run goes on; a run-wide one puts it back in the queue and
 * returns non-zero (filling err) to stop the run. */
static int document_failed(struct shared *sh, struct lt_ctx *ctx, struct lt_doc *doc, const char *stage,
			   struct lt_err *derr, double t0, struct lt_err *err)
{
	int rc;

	if (sh->opts->shard && lt_code_is_fatal(derr->code)) {
		/* No journal line: the shard's next run does it again. */
		lt_err_prefix(derr, "document %s, stage %s: ", doc->id, stage);
		*err = *derr;
		return derr->code;
	}
	if (lt_code_is_fatal(derr->code)) {
		/* Not this document's fault: put it back for the next run. */
		struct lt_err qerr = { 0 };

		lt_err_prefix(derr, "document %s, stage %s: ", doc->id, stage);
		*err = *derr;
		if (lt_catalog_requeue_because(ctx->catalog, doc->id, derr->msg, &qerr)) {
			/* The next run will count this as a crash: say why. */
			lt_err_prefix(&qerr, "%s; and it could not be put back in the queue: ", derr->msg);
			qerr.code = derr->code;
			*err = qerr;
		}
		return derr->code;
	}
	rc = sh->opts->shard ? lt_shard_run_failed(sh->opts->shard, doc, stage, derr->msg, err)
		: lt_catalog_fail(ctx->catalog, doc->id, stage, derr->msg, err);
	if (!rc)
		finished(sh, doc, stage, derr, lt_monotonic_seconds() - t0);
	else /* keep why the document failed: the next run redoes it */
		lt_err_prefix(err, "document %s failed at %s (%s), and recording that failed too: ",
			      doc->id, stage, derr->msg);
	return rc;
}

/* The next document of a redo run: loaded from the catalog as archived, its
 * past events dropped (the commit records doc->events, and the catalog has
 * those already), redo's metadata and event put in. A document that cannot
 * be redone comes back in *doc anyway (id only) with *derr filled, so that
 * it is reported like any failed document; *doc NULL when none is left. */
static int take_redo(struct shared *sh, struct lt_catalog *cat, struct lt_doc **doc,
		     const struct lt_redo **redo, struct lt_err *derr, struct lt_err *err)
{
	const struct lt_redo *r = NULL;
	struct lt_doc *d = NULL;
	char now[32];
	int rc;

	*doc = NULL;
	*redo = NULL;
	pthread_mutex_lock(&sh->lock);
	if (sh->next_redo < sh->n_redo)
		r = &sh->redo[sh->next_redo++];
	pthread_mutex_unlock(&sh->lock);
	if (!r)
		return LT_OK;
	*redo = r;
	rc = lt_catalog_load(cat, r->id, &d, derr);
	if (rc == LT_ENOTFOUND || (!rc && d->state != LT_ARCHIVED)) {
		if (!rc)
			rc = lt_err_set(derr, LT_EINPUT, "document %s is %s: only an archived document "
					"gets a new version", r->id, lt_doc_state_name(d->state));
		lt_doc_free(d);
		d = lt_doc_new();
		if (!d)
			return lt_err_set(err, LT_ENOMEM, "out of memory");
		snprintf(d->id, sizeof(d->id), "%s", r->id);
		*doc = d;
		return LT_OK;
	}
	if (rc) {
		*err = *derr;
		return rc;
	}
	for (size_t i = 0; i < d->n_events; i++) {
		free(d->events[i].type);
		free(d->events[i].outcome);
		free(d->events[i].detail);
	}
	free(d->events);
	d->events = NULL;
	d->n_events = 0;
	if (r->meta) {
		lt_meta_release(&d->meta);
		rc = lt_meta_copy(&d->meta, r->meta, err);
	}
	lt_now_iso8601(now);
	if (!rc && r->event_type)
		rc = lt_doc_add_event(d, r->event_type, now, "success", r->event_detail, err);
	if (!rc && sh->opts->lang) {
		free(d->lang);
		d->lang = NULL;
		rc = lt_strdup(sh->opts->lang, &d->lang, err);
	}
	if (rc) {
		lt_doc_free(d);
		return rc;
	}
	*doc = d;
	return LT_OK;
}

/* What becomes of a document once its stages ran (drc, and stage and derr
 * if they failed): archived, failed, kept at its version (a redo), or put
 * back in the queue; its work folder removed. Frees doc and work_dir.
 * Returns non-zero, filling err, for a run-wide failure. */
static int conclude(struct shared *sh, struct lt_ctx *ctx, struct lt_doc *doc,
		    const struct lt_redo *redo, int drc, const char *stage, struct lt_err *derr,
		    double t0, char *work_dir, struct lt_err *err)
{
	int rc = LT_OK;

	if (drc && redo && lt_code_is_fatal(derr->code)) {
		/* Nothing to put back: the document is still archived as it was. */
		lt_err_prefix(derr, "document %s, stage %s: ", doc->id, stage);
		*err = *derr;
		rc = derr->code;
	} else if (drc && redo) {
		/* An archived document never fails: it keeps its version. */
		finished(sh, doc, stage, derr, lt_monotonic_seconds() - t0);
	} else if (drc)
		rc = document_failed(sh, ctx, doc, stage, derr, t0, err);
	else
		finished(sh, doc, NULL, NULL, lt_monotonic_seconds() - t0);
	/* Committed or failed, its spooled files are of no more use. */
	if (work_dir) {
		struct lt_err rerr = { 0 };

		if (lt_remove_tree(work_dir, &rerr) != LT_OK && !rc) {
			*err = rerr;
			rc = rerr.code;
		}
	}
	free(work_dir);
	lt_doc_free(doc);
	return rc;
}

/* ---- the I/O thread ---- */

static int io_queue_init(struct io_queue *q, size_t cap, struct lt_err *err)
{
	memset(q, 0, sizeof(*q));
	q->items = calloc(cap, sizeof(*q->items));
	if (!q->items)
		return lt_err_set(err, LT_ENOMEM, "out of memory starting the I/O thread");
	q->cap = cap;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	return LT_OK;
}

static void io_queue_release(struct io_queue *q)
{
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->changed);
	free(q->items);
}

/* Waits while the queue is full; the item's doc and work_dir become the queue's. */
static void io_push(struct io_queue *q, const struct handoff *item)
{
	pthread_mutex_lock(&q->lock);
	while (q->len == q->cap)
		pthread_cond_wait(&q->changed, &q->lock);
	q->items[(q->head + q->len) % q->cap] = *item;
	q->len++;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

/* The next item, waiting for one; 0 once the queue is closed and empty. */
static int io_pop(struct io_queue *q, struct handoff *item)
{
	int got = 0;

	pthread_mutex_lock(&q->lock);
	while (q->len == 0 && !q->closed)
		pthread_cond_wait(&q->changed, &q->lock);
	if (q->len > 0) {
		*item = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
		got = 1;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return got;
}

static void io_close(struct io_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

/* The I/O thread's own catalog connection and states of the I/O stages,
 * opened before the workers start (a failure stops the run before any
 * claim) and closed after the thread ends. */
struct io_thread {
	struct shared *sh;
	struct lt_ctx ctx;
	void **states;             /* indexed like the pipeline's stages */
	struct lt_buf *warnings;
	size_t opened;             /* stages io_from..opened-1 opened */
	pthread_t thread;
};

static int io_thread_open(struct io_thread *io, struct shared *sh, int index, struct lt_err *err)
{
	const struct lt_pipeline *pl = sh->pipeline;
	int rc = LT_OK;

	io->sh = sh;
	io->ctx.opts = sh->opts;
	io->ctx.worker = index;
	io->opened = pl->io_from;
	io->states = calloc(pl->n_stages, sizeof(*io->states));
	io->warnings = calloc(pl->n_stages, sizeof(*io->warnings));
	if (!io->states || !io->warnings)
		return lt_err_set(err, LT_ENOMEM, "out of memory starting the I/O thread");
	if (!sh->opts->shard)
		rc = lt_catalog_open(sh->opts->archive, LT_CATALOG_WRITE, &io->ctx.catalog, err);
	while (!rc && io->opened < pl->n_stages) {
		const struct lt_stage *st = pl->stages[io->opened];

		rc = st->open ? st->open(&io->ctx, &io->states[io->opened], err) : LT_OK;
		if (rc)
			lt_err_prefix(err, "starting stage %s: ", st->name);
		else
			io->opened++;
	}
	return rc;
}

static void io_thread_close(struct io_thread *io)
{
	const struct lt_pipeline *pl = io->sh->pipeline;

	while (io->opened > pl->io_from) {
		io->opened--;
		if (pl->stages[io->opened]->close)
			pl->stages[io->opened]->close(io->states[io->opened]);
	}
	lt_catalog_close(io->ctx.catalog);
	for (size_t s = 0; io->warnings && s < pl->n_stages; s++)
		lt_buf_release(&io->warnings[s]);
	free(io->warnings);
	free(io->states);
}

/* Takes every document handed over until the queue closes, even after a
 * run-wide error or a stop: each ends archived, failed or back in the queue,
 * as a worker finishes the document in hand. */
static void *io_main(void *arg)
{
	struct io_thread *io = arg;
	struct shared *sh = io->sh;
	const struct lt_pipeline *pl = sh->pipeline;
	double cpu[LT_RUN_MAX_STAGES] = { 0 };
	void *alt_stack = alt_stack_start();
	struct handoff item;

	while (io_pop(sh->io, &item)) {
		struct lt_job job = { .ctx = &io->ctx, .warnings = io->warnings, .n_stages = pl->n_stages,
				      .doc = item.doc, .work_dir = item.work_dir, .redo = item.redo };
		const char *stage = "run";
		struct lt_err derr = { 0 }, err = { 0 };
		int drc;

		snprintf(crash_doc, sizeof(crash_doc), "%s\n", item.doc->id);
		drc = run_document(sh, pl, io->states, &job, pl->io_from, pl->n_stages, cpu, &stage,
				   &derr);
		if (conclude(sh, &io->ctx, item.doc, item.redo, drc, stage, &derr, item.t0,
			     item.work_dir, &err) != LT_OK)
			set_fatal(sh, &err);
		crash_doc[0] = '\0';
	}
	pthread_mutex_lock(&sh->lock);
	for (size_t s = pl->io_from; s < pl->n_stages && s < LT_RUN_MAX_STAGES; s++)
		sh->report->stage_cpu[s] += cpu[s];
	pthread_mutex_unlock(&sh->lock);
	alt_stack_stop(alt_stack);
	return NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	const struct lt_pipeline *pl = sh->pipeline;
	struct lt_ctx ctx = { .opts = sh->opts, .worker = w->index };
	void **states = calloc(pl->n_stages ? pl->n_stages : 1, sizeof(*states));
	struct lt_buf *warnings = calloc(pl->n_stages ? pl->n_stages : 1, sizeof(*warnings));
	double cpu[LT_RUN_MAX_STAGES] = { 0 }, open_cpu;
	size_t opened = 0;
	struct lt_err err = { 0 };
	void *alt_stack = alt_stack_start();
	int rc = LT_OK, worked = 0;

	if (!states || !warnings)
		rc = lt_err_set(&err, LT_ENOMEM, "out of memory starting worker %d", w->index + 1);
	if (!rc && !sh->opts->shard)
		rc = lt_catalog_open(sh->opts->archive, LT_CATALOG_WRITE, &ctx.catalog, &err);
	/* opened counts stages that opened (or need no opening): those are closed. */
	open_cpu = thread_cpu_seconds();
	while (!rc && opened < pl->n_stages) {
		const struct lt_stage *st = pl->stages[opened];

		rc = st->open ? st->open(&ctx, &states[opened], &err) : LT_OK;
		if (rc)
			lt_err_prefix(&err, "starting stage %s: ", st->name);
		else
			opened++;
	}
	open_cpu = thread_cpu_seconds() - open_cpu;
	while (!rc && !stopping(sh)) {
		struct lt_doc *doc = NULL;
		struct lt_job job = { .ctx = &ctx, .warnings = warnings, .n_stages = pl->n_stages };
		char *work_dir = NULL;
		const char *stage = "run";
		struct lt_err derr = { 0 };
		double t0 = lt_monotonic_seconds();
		int wait = 0, drc;

		const struct lt_redo *redo = NULL;

		pthread_mutex_lock(&sh->claim_lock);
		if (sh->redo)
			rc = take_redo(sh, ctx.catalog, &doc, &redo, &derr, &err);
		else if (sh->opts->shard)
			rc = lt_shard_run_next(sh->opts->shard, &doc, &err);
		else
			rc = lt_catalog_claim(ctx.catalog, &doc, &wait, &err);
		if (!rc && doc) {
			pthread_mutex_lock(&sh->pages_lock);
			sh->holders++;
			pthread_mutex_unlock(&sh->pages_lock);
		}
		pthread_mutex_unlock(&sh->claim_lock);
		if (!rc && !doc) {
			enum help help = help_read_page(sh, &ctx, states, cpu, worked);

			worked |= help == HELP_READ;
			if (help != HELP_NONE)
				continue;
		}
		if (!rc && !doc && wait) {
			/* A suspect document is to run alone: let the others finish. */
			usleep(200 * 1000);
			continue;
		}
		if (rc || !doc)
			break;
		worked = 1;
		started(sh, doc);
		snprintf(crash_doc, sizeof(crash_doc), "%s\n", doc->id);
		job.doc = doc;
		job.redo = redo;
		if (derr.code)
			drc = derr.code;
		else if (redo)
			drc = LT_OK; /* take_redo() set its languages */
		else
			drc = lt_strdup(sh->opts->lang, &doc->lang, &derr);
		if (!drc)
			drc = lt_path(&work_dir, &derr, "%s/%s", sh->run_dir, doc->id);
		if (!drc)
			drc = lt_mkdir_p(work_dir, 0755, &derr);
		if (!drc) {
			job.work_dir = work_dir;
			drc = run_document(sh, pl, states, &job, 0, sh->io ? pl->io_from : pl->n_stages,
					   cpu, &stage, &derr);
		}
		/* This worker's part is done: its pages are no longer to be read. */
		pthread_mutex_lock(&sh->pages_lock);
		sh->holders--;
		pthread_cond_broadcast(&sh->pages_changed);
		pthread_mutex_unlock(&sh->pages_lock);
		if (!drc && sh->io) {
			/* Recognised: the I/O thread writes and commits it while this
			 * worker claims the next. */
			io_push(sh->io, &(struct handoff){ doc, work_dir, redo, t0 });
			crash_doc[0] = '\0';
			continue;
		}
		rc = conclude(sh, &ctx, doc, redo, drc, stage, &derr, t0, work_dir, &err);
		crash_doc[0] = '\0';
	}
	if (rc)
		set_fatal(sh, &err);
	pthread_mutex_lock(&sh->lock);
	if (sh->first_idle == 0)
		sh->first_idle = lt_monotonic_seconds();
	for (size_t s = 0; s < pl->n_stages && s < LT_RUN_MAX_STAGES; s++)
		sh->report->stage_cpu[s] += cpu[s];
	sh->report->open_cpu_seconds += open_cpu;
	pthread_mutex_unlock(&sh->lock);
	while (opened > 0) {
		opened--;
		if (pl->stages[opened]->close)
			pl->stages[opened]->close(states[opened]);
	}
	lt_catalog_close(ctx.catalog);
	for (size_t s = 0; warnings && s < pl->n_stages; s++)
		lt_buf_release(&warnings[s]);
	free(warnings);
	free(states);
	alt_stack_stop(alt_stack);
	return NULL;
}

/* Every document in hand was finished: a stop request no longer matters. */
static void remove_stop_marker(const char *archive)
{
	char *marker = NULL;

	/* Only a path too long to exist could fail here. */
	if (lt_path(&marker, NULL, "%s/%s", archive, LT_RUN_STOP_MARKER) == LT_OK)
		unlink(marker);
	free(marker);
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* Holds ARCHIVE/run.lock for the process's lifetime (released on exit). */
static int take_run_lock(const char *archive, int *fd_out, struct lt_err *err)
{
	int rc = lt_lock_exclusive(archive, "run.lock", fd_out, err);

	if (rc == LT_EBUSY)
		lt_err_set(err, LT_EBUSY, "another `luutru run` is working on '%s'", archive);
	return rc;
}

/* How the run that used this archive last ended, read under the run lock
 * before work/ is emptied; *crashed (owned, NULL if none) lists the ids
 * whose threads faulted. */
static int last_run_end(const char *work, const char *marker, enum lt_run_end *how, char **crashed,
			struct lt_err *err)
{
	struct lt_buf ids = LT_BUF_INIT;
	char *path = NULL, chunk[4096];
	FILE *f = NULL;
	size_t n;
	int rc;

	*crashed = NULL;
	*how = access(marker, F_OK) == 0 ? LT_RUN_END_STOPPED : LT_RUN_END_KILLED;
	rc = lt_path(&path, err, "%s/%s", work, CRASH_FILE);
	if (!rc && !(f = fopen(path, "r")) && errno != ENOENT)
		rc = lt_err_set(err, LT_EIO, "cannot read '%s': %s", path, strerror(errno));
	/* A crash log longer than this is a crash loop: the first ids suffice. */
	while (!rc && f && ids.len < 64 * 1024 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = lt_buf_append(&ids, chunk, n, err);
	if (!rc && f) {
		/* A stop then a crash while finishing: the crash is still a crash. */
		*how = LT_RUN_END_CRASHED;
		/* Made but never written: the fault is known, not whose it was. */
		rc = lt_buf_puts(&ids, ids.len ? "" : "?", err);
		if (!rc)
			*crashed = lt_buf_detach(&ids);
	}
	if (f)
		fclose(f);
	lt_buf_release(&ids);
	free(path);
	return rc;
}

struct orphan_note {
	lt_run_progress_fn progress;
	void *ud;
};

static void orphan_found(void *ud, enum lt_orphan_fate fate, const char *rel, const char *dest,
			 const char *why)
{
	struct orphan_note *on = ud;
	struct lt_buf msg = LT_BUF_INIT;
	int rc;

	if (fate == LT_ORPHAN_ADOPTED)
		rc = lt_buf_printf(&msg, NULL,
				   lt_i18n_err_format(N_("orphan bundle %s (not in the catalog) adopted: %s")), rel,
				   why);
	else
		rc = lt_buf_printf(&msg, NULL,
				   lt_i18n_err_format(N_("orphan bundle %s (not in the catalog) moved aside to %s: "
				   "%s")), rel, dest, why);
	if (!rc && on->progress)
		on->progress(on->ud, LT_RUN_ORPHAN, NULL, lt_buf_str(&msg), NULL, 0);
	lt_buf_release(&msg);
}

/* Takes the run lock, requeues what a crashed run left processing (counting
 * the attempt only against a document whose thread crashed), empties work/,
 * and adopts or moves aside bundles the catalog does not know. The catalog
 * is opened first so a wrong --archive gets the catalog's own clear error
 * rather than one about run.lock. */
static int prepare_archive(const struct lt_run_opts *opts, int *lock_fd, lt_run_progress_fn progress,
			   void *ud, struct lt_run_report *report, int64_t *queued, struct lt_err *err)
{
	struct lt_catalog *cat = NULL;
	struct lt_status st;
	struct orphan_note on = { progress, ud };
	enum lt_run_end how = LT_RUN_END_KILLED;
	char *work = NULL, *marker = NULL, *crashed = NULL;
	int64_t leased = 0, leased_pages = 0;
	int rc;

	rc = lt_catalog_open(opts->archive, LT_CATALOG_WRITE, &cat, err);
	if (!rc)
		rc = lt_path(&work, err, "%s/work", opts->archive);
	if (!rc)
		rc = lt_path(&marker, err, "%s/%s", opts->archive, LT_RUN_STOP_MARKER);
	if (!rc)
		rc = take_run_lock(opts->archive, lock_fd, err);
	/* Read under the run lock: the run that wrote them is gone. */
	if (!rc)
		rc = last_run_end(work, marker, &how, &crashed, err);
	if (!rc)
		rc = lt_catalog_requeue_dead_run(cat, how, crashed, &report->requeued,
						 &report->given_up, err);
	if (!rc && how == LT_RUN_END_STOPPED)
		unlink(marker);
	/* Whatever a crashed run left in work/ is incomplete by definition;
	 * emptied only now that the crash record has been used. */
	if (!rc)
		rc = lt_remove_tree(work, err);
	if (!rc)
		rc = lt_mkdir_p(work, 0755, err);
	if (!rc)
		rc = lt_layout_sweep_orphans(cat, opts->archive, orphan_found, &on,
					     &report->orphans_adopted, &report->orphans_moved, err);
	if (!rc)
		rc = lt_catalog_status(cat, &st, err);
	/* Documents leased to a plan (shard.h) are not this run's to claim. */
	if (!rc)
		rc = lt_catalog_leased(cat, &leased, &leased_pages, err);
	if (!rc) {
		*queued = st.documents[LT_QUEUED] - leased;
		report->queued = (int)*queued;
		report->pages_queued = (int)(st.pages[LT_QUEUED] - leased_pages);
	}
	lt_catalog_close(cat);
	free(crashed);
	free(work);
	free(marker);
	return rc;
}

/* run --shard: the shard folder (opts->archive) stands for the archive: its
 * run lock, its work/ emptied, its journal repaired and bundles without a
 * journal line removed (lt_shard_run_recover), the documents left counted. */
static int prepare_shard(const struct lt_run_opts *opts, int *lock_fd, struct lt_run_report *report,
			 int64_t *queued, struct lt_err *err)
{
	char *work = NULL;
	int docs = 0, pages = 0;
	int rc = lt_path(&work, err, "%s/work", opts->archive);

	if (!rc)
		rc = take_run_lock(opts->archive, lock_fd, err);
	if (!rc)
		rc = lt_shard_run_recover(opts->shard, err);
	if (!rc)
		rc = lt_remove_tree(work, err);
	if (!rc)
		rc = lt_mkdir_p(work, 0755, err);
	if (!rc) {
		lt_shard_run_left(opts->shard, &docs, &pages);
		*queued = docs;
		report->queued = docs;
		report->pages_queued = pages;
	}
	free(work);
	return rc;
}

/* work/<run> of this run: unique per run (start time and pid), so nothing of
 * a crashed run can be mistaken for this one's, and created empty. */
static int make_run_dir(const char *archive, char **out, struct lt_err *err)
{
	struct tm tm;
	time_t now = time(NULL);
	char stamp[32];
	int rc;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	rc = lt_path(out, err, "%s/work/%s-%ld", archive, stamp, (long)getpid());
	if (!rc)
		rc = lt_mkdir_p(*out, 0755, err);
	return rc;
}

static void destroy_locks(struct shared *sh)
{
	pthread_mutex_destroy(&sh->lock);
	pthread_mutex_destroy(&sh->claim_lock);
	pthread_mutex_destroy(&sh->pages_lock);
	pthread_cond_destroy(&sh->pages_changed);
}

static int run(const struct lt_pipeline *pipeline, const struct lt_run_opts *opts,
	       const struct lt_redo *redo, size_t n_redo, lt_run_progress_fn progress, void *ud,
	       struct lt_run_report *report, struct lt_err *err)
{
	struct shared sh = { .pipeline = pipeline, .opts = opts, .progress = progress, .ud = ud,
			     .report = report, .redo = redo, .n_redo = n_redo };
	struct worker *workers = NULL;
	struct io_queue io_queue;
	struct io_thread io = { 0 };
	int io_state = 0; /* 1: queue made, 2: stages opened, 3: thread started */
	char *run_dir = NULL;
	double t0 = lt_monotonic_seconds(), cpu0 = process_cpu_seconds();
	int jobs = opts->jobs > 0 ? opts->jobs : default_jobs();
	int lock_fd = -1, started = 0, rc;
	int64_t queued = 0, work;

	memset(report, 0, sizeof(*report));
	for (size_t s = 0; s < pipeline->n_stages && s < LT_RUN_MAX_STAGES; s++)
		report->stage_names[report->n_stages++] = pipeline->stages[s]->name;
	rc = opts->shard ? prepare_shard(opts, &lock_fd, report, &queued, err)
		: prepare_archive(opts, &lock_fd, progress, ud, report, &queued, err);
	if (rc)
		goto out;
	if (redo) {
		queued = (int64_t)n_redo;
		report->queued = (int)n_redo;
		report->pages_queued = 0;
		for (size_t i = 0; i < n_redo; i++)
			report->pages_queued += (int)redo[i].pages;
	}
	/* Each worker loads the OCR models: no more workers than pages to read
	 * (a document's pages can be read by several), and a document that
	 * reads none (a redo that only repackages) is work for one. */
	work = report->pages_queued < queued ? queued : report->pages_queued;
	if (work < jobs)
		jobs = work > 0 ? (int)work : 0;
	report->workers = jobs;
	sh.workers = jobs;
	if (jobs == 0)
		goto out;
	rc = make_run_dir(opts->archive, &run_dir, err);
	if (rc)
		goto out;
	sh.run_dir = run_dir;
	workers = calloc((size_t)jobs, sizeof(*workers));
	if (!workers) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory starting %d workers", jobs);
		goto out;
	}
	if (pipeline->io_from > 0 && pipeline->io_from < pipeline->n_stages) {
		rc = io_queue_init(&io_queue, (size_t)jobs, err);
		if (rc)
			goto out;
		io_state = 1;
		rc = io_thread_open(&io, &sh, jobs, err);
		if (rc)
			goto out;
		io_state = 2;
	}
	rc = lt_path(&crash_path, err, "%s/work/%s", opts->archive, CRASH_FILE);
	if (rc)
		goto out;
	crash_watch_start();
	pthread_mutex_init(&sh.lock, NULL);
	pthread_mutex_init(&sh.claim_lock, NULL);
	pthread_mutex_init(&sh.pages_lock, NULL);
	pthread_cond_init(&sh.pages_changed, NULL);
	if (io_state == 2) {
		int e;

		/* Before the thread starts: it reads its queue from sh. */
		sh.io = &io_queue;
		e = pthread_create(&io.thread, NULL, io_main, &io);
		if (e != 0) {
			rc = lt_err_set(err, LT_EINTERNAL, "cannot start the I/O thread: %s", strerror(e));
			crash_watch_stop();
			destroy_locks(&sh);
			goto out;
		}
		io_state = 3;
	}
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
	if (io_state == 3) {
		/* The workers are gone: the I/O thread finishes what they handed over. */
		io_close(&io_queue);
		pthread_join(io.thread, NULL);
	}
	crash_watch_stop();
	destroy_locks(&sh);
	report->pages_helped = sh.pages_helped;
	if (sh.first_idle > 0)
		report->tail_seconds = lt_monotonic_seconds() - sh.first_idle;
	if (sh.fatal)
		rc = lt_err_set(err, sh.fatal_err.code, "%s", sh.fatal_err.msg);
	else
		remove_stop_marker(opts->archive);
out:
	if (io_state >= 1) {
		/* The catalog connection and states, opened (in part) or not. */
		if (io.sh)
			io_thread_close(&io);
		io_queue_release(&io_queue);
	}
	/* The documents' folders are gone already; a run-wide error keeps its
	 * own message rather than one about this clean-up. */
	if (run_dir) {
		struct lt_err rerr = { 0 };

		if (lt_remove_tree(run_dir, &rerr) != LT_OK && !rc)
			rc = lt_err_set(err, rerr.code, "%s", rerr.msg);
	}
	free(run_dir);
	free(workers);
	if (lock_fd >= 0)
		close(lock_fd);
	report->seconds = lt_monotonic_seconds() - t0;
	report->process_cpu_seconds = process_cpu_seconds() - cpu0;
	return rc;
}

int lt_run(const struct lt_pipeline *pipeline, const struct lt_run_opts *opts,
	   lt_run_progress_fn progress, void *ud, struct lt_run_report *report, struct lt_err *err)
{
	return run(pipeline, opts, NULL, 0, progress, ud, report, err);
}

int lt_run_redo(const struct lt_pipeline *pipeline, const struct lt_run_opts *opts,
		const struct lt_redo *redo, size_t n_redo, lt_run_progress_fn progress, void *ud,
		struct lt_run_report *report, struct lt_err *err)
{
	if (!redo || n_redo == 0) {
		memset(report, 0, sizeof(*report));
		return LT_OK;
	}
	return run(pipeline, opts, redo, n_redo, progress, ud, report, err);
}
