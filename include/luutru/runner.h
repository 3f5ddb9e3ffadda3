/* runner.h - processing the queue with N workers.
 *
 * Each worker has its own catalog connection and its own stage states (so
 * its own Tesseract handle), claims one document at a time, runs it through
 * the stages and commits it, or records why it failed and takes the next.
 * A run-wide failure (catalog, disk, memory) stops every worker after its
 * current document; unfinished documents go back to the queue.
 */
#ifndef LUUTRU_RUNNER_H
#define LUUTRU_RUNNER_H

#include <stddef.h>

#include "luutru/doc.h"
#include "luutru/err.h"
#include "luutru/stage.h"

/* Filled as the run goes: queued and pages_queued before the first document
 * starts, the other counts before each progress call that they concern, so
 * the progress function may read the report during its call. */
#define LT_RUN_MAX_STAGES 16

struct lt_run_report {
	int workers;
	int queued, pages_queued; /* documents and their pages in the queue at the start
				   * (after requeueing); an ingest during the run adds more.
				   * For a redo: the documents named, lt_redo.pages summed */
	int requeued;          /* documents a crashed run left in processing, queued again */
	int given_up;          /* documents failed for having crashed LT_MAX_ATTEMPTS runs */
	int orphans_adopted;   /* unknown bundles kept for the queued document they belong to */
	int orphans_moved;     /* unknown bundles moved aside to ARCHIVE/orphans/ */
	int archived, failed;  /* documents */
	int pages_archived, pages_failed;
	/* Pages read (their any_worker stages, stage.h) by a worker other than
	 * their document's, which had nothing left to claim. */
	int pages_helped;
	/* Pages Tesseract read twice, in two sets of languages, because the
	 * first guess of their language was wrong (stage_ocr.c). */
	int pages_read_twice;
	double seconds;
	/* CPU seconds each stage of the pipeline spent, summed over the workers,
	 * in pipeline order (the first LT_RUN_MAX_STAGES): what a page's time
	 * goes to, for bench/ and the run log. */
	size_t n_stages;
	const char *stage_names[LT_RUN_MAX_STAGES]; /* the stages' own static names */
	double stage_cpu[LT_RUN_MAX_STAGES];
	/* The pages' own OCR timings (doc.h: struct lt_page), summed over the
	 * pages archived or failed in this run. */
	double recognise_seconds, orientation_seconds, skew_seconds;
	double preprocess_seconds, walk_seconds, outputs_seconds, quality_seconds;
	/* The whole process's CPU (user + system) over the run, and the part
	 * the stages' open hooks took (each worker loading its models): with
	 * recognise_seconds, the CPU budget outside recognition that decides
	 * how close N workers can come to recognise ÷ N. */
	double process_cpu_seconds, open_cpu_seconds;
	/* Wall seconds from the moment the first worker that had work found
	 * nothing left to take (no document to claim, no page of another's to
	 * read) until the last document was committed: the run's tail, when
	 * fewer workers than asked for were busy. */
	double tail_seconds;
};

/* A process that stops a run on purpose (SIGINT, SIGTERM) creates this file
 * in the archive first: if the run is then killed before it finishes the
 * documents in hand, the next run does not count that against them. A run
 * that ends by itself removes it. */
#define LT_RUN_STOP_MARKER "run.stopping"

/* A pipeline: which stages a run has, in order. The archive run is
 * lt_pipeline_archive; a re-OCR, a repackage or a test runs other lists. */
struct lt_pipeline {
	const char *name;                    /* "archive" */
	const struct lt_stage *const *stages;
	size_t n_stages;
	/* Stages from this index on (document-scoped: writing and committing
	 * the bundle) run in the run's I/O thread, so that a worker claims and
	 * recognises its next document meanwhile; 0: every stage runs in the
	 * worker. The stages before it have finished (end and event) when a
	 * document is handed over; if a later stage fails, only the I/O stages
	 * get abort (the earlier ones' abort after their end must be a no-op,
	 * as lt_stage_access's is). */
	size_t io_from;
};

/* pipelines.c: load -> ocr -> extract -> access -> package -> commit. */
extern const struct lt_pipeline lt_pipeline_archive;
/* unpack -> package -> commit: the newest bundle again as version N+1, with
 * the redo's metadata (a correction). */
extern const struct lt_pipeline lt_pipeline_repackage;
/* unpack (the masters) -> load -> ocr -> extract -> access -> package ->
 * commit: every page read again, the access copy made anew. */
extern const struct lt_pipeline lt_pipeline_reocr;

/* An archived document that a run makes a new bundle version of (lt_run_redo).
 * Everything borrowed for the run. */
struct lt_redo {
	const char *id;              /* full document id */
	const struct lt_meta *meta;  /* NULL: the metadata stays; else it becomes a copy of this */
	/* An event recorded with the new version, in the same transaction (so a
	 * run that dies before its commit leaves no trace of it): type NULL for none. */
	const char *event_type;      /* "metadata-corrected", "reocr" */
	const char *event_detail;    /* who, why, what changed */
	/* The pages the pipeline reads again (0 for none, as for a
	 * repackage): with the documents, how many workers are worth starting,
	 * since a worker with no document of its own reads pages of another's. */
	size_t pages;
};

enum lt_run_event {
	LT_RUN_STARTED,   /* a document was claimed (so a log shows what a crashed run had in hand) */
	LT_RUN_ARCHIVED,
	LT_RUN_FAILED,    /* stage names the stage that failed, failure says why */
	LT_RUN_ORPHAN,    /* at the start: doc and failure NULL, stage a sentence naming a
			   * bundle the catalog did not know and what became of it */
};

/* Called as documents start and finish, from the workers' threads but never
 * two at a time. Everything passed is borrowed for the call; stage and
 * failure are NULL except for LT_RUN_FAILED (and stage for LT_RUN_ORPHAN). */
typedef void (*lt_run_progress_fn)(void *ud, enum lt_run_event what, const struct lt_doc *doc,
				   const char *stage, const struct lt_err *failure, double seconds);

/* Runs the queue through `pipeline` until it is empty or opts->stop is set.
 * Takes the archive's run lock (another run on the same archive gets
 * LT_EBUSY), requeues documents a dead run left behind, clears work/, and
 * adopts or moves aside bundles the catalog does not know
 * (lt_layout_sweep_orphans; each told as LT_RUN_ORPHAN).
 *
 * Who is blamed when a run dies: while workers run, a fault signal of the
 * process's own (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS; handlers
 * installed for the run, on a signal stack per worker, and restored after)
 * records the document the faulting thread had in hand in
 * ARCHIVE/work/crashed, then the process dies of the signal. The next run
 * counts that attempt against that document only; an attempt ended by a
 * stop (LT_RUN_STOP_MARKER) or by an outside kill that leaves no record
 * (SIGKILL, the OOM killer, a power cut) is not counted against anyone. A
 * document whose attempts reach LT_MAX_ATTEMPTS is failed.
 * With pipeline->io_from set, one I/O thread (its own catalog connection
 * and stage states) takes the documents the workers have recognised, through
 * a queue of at most one per worker, and runs the I/O stages on them; a
 * document is still archived only by its commit, after its bundle is
 * fsync'ed and installed, and a stop or a run-wide error lets the I/O
 * thread finish every document handed to it.
 * A worker that finds nothing to claim reads pages of the documents other
 * workers hold (their any_worker stages, stage.h) with its own stage
 * states, while any worker holds one; it stops when none does. A document's
 * own worker takes its pages in order too and runs its other page stages
 * on each page in page order, so its bundle and events are the same
 * whichever worker read which page. There are as many workers as asked for,
 * but no more than pages queued (for a redo: its documents' pages, or one
 * per document that reads none).
 * Each document gets its work folder ARCHIVE/work/<run>/<id>/ (run: the
 * start time and pid), removed when it is done; work/<run> goes at the end.
 * Returns LT_OK even when documents failed (see report); an error only for
 * run-wide failures. */
int lt_run(const struct lt_pipeline *pipeline, const struct lt_run_opts *opts, lt_run_progress_fn progress, void *ud,
	   struct lt_run_report *report, struct lt_err *err);

/* As lt_run(), with the same lock, recovery and orphan sweep first, but on
 * the documents named rather than the queue: each must be archived; it is
 * loaded from the catalog (lt_catalog_load: sources, pages with text and
 * their measures, newest bundle, doc->meta), its past events left out (the
 * catalog has them), redo's event added, and run through `pipeline`, whose
 * first stage is lt_stage_unpack. An archived document never fails: one the
 * pipeline cannot redo keeps its current version and is reported as
 * LT_RUN_FAILED (report->failed) without any catalog change; a run that
 * dies leaves it archived as it was, with at most an orphan bundle (moved
 * aside by the next run). opts->lang NULL keeps the languages the document
 * was read with. */
int lt_run_redo(const struct lt_pipeline *pipeline, const struct lt_run_opts *opts,
		const struct lt_redo *redo, size_t n_redo, lt_run_progress_fn progress, void *ud,
		struct lt_run_report *report, struct lt_err *err);

#endif
