/* stage.h - the pipeline stages behind one interface.
 *
 * A stage is opened once per worker (a Tesseract handle, a catalog
 * connection), then processes documents: page-scoped stages run on each page
 * in turn (so only one page image is in memory per worker), document-scoped
 * stages on the whole document. Stages never print or exit; they return a
 * status and fill err. Which stages a run has, in which order, is a
 * struct lt_pipeline (runner.h, pipelines.c).
 */
#ifndef LUUTRU_STAGE_H
#define LUUTRU_STAGE_H

#include <signal.h>

#include "luutru/buf.h"
#include "luutru/doc.h"
#include "luutru/err.h"

struct lt_catalog;
struct lt_preprocess_opts;
struct lt_redo;
struct lt_shard_run;

/* A decoded page costs about 3.3 bytes a pixel by the time it is loaded and
 * recognised (a 289-megapixel PNG took 945 MB): 150 keeps one worker's page
 * under ~500 MB and still takes A0 at 300 dpi (140 megapixels). */
#define LT_MAX_MEGAPIXELS_DEFAULT 150

/* What a run was asked to do. All strings borrowed for the run's lifetime. */
struct lt_run_opts {
	const char *archive;   /* archive directory */
	int jobs;              /* workers; <= 0 means one per core */
	const char *lang;      /* Tesseract languages, e.g. "vie+eng" */
	const char *tessdata;  /* Tesseract data directory; NULL for its default */
	const struct lt_preprocess_opts *preprocess; /* NULL: every step on (preprocess.h) */
	int psm;               /* Tesseract page segmentation mode; 0 means automatic (3) */
	double page_timeout;   /* seconds of recognition per page; <= 0: no limit */
	double max_megapixels; /* larger pages fail undecoded; <= 0: LT_MAX_MEGAPIXELS_DEFAULT */
	const volatile sig_atomic_t *stop; /* set non-zero (SIGINT) to stop after the current documents */
	const char *organization; /* the operating archive (bag-info Source-Organization,
				   * PREMIS/METS agent); NULL when not configured */
	/* `run --shard DIR/K` (shard.h): documents come from the shard's work
	 * list, bundles go under archive (then DIR/K) and outcomes into its
	 * journal; no catalog is opened. NULL for a run on the archive. */
	struct lt_shard_run *shard;
};

/* One worker's context, borrowed by its stages while the worker lives. */
struct lt_ctx {
	const struct lt_run_opts *opts;
	struct lt_catalog *catalog; /* the worker's own connection */
	int worker;                 /* 0-based */
};

enum lt_stage_scope { LT_PER_PAGE, LT_PER_DOCUMENT };

/* One document in hand: what the runner passes every hook of every stage.
 * Borrowed for the hook's call; the job lives from before the first begin to
 * after the last end or abort. */
struct lt_job {
	struct lt_doc *doc;
	/* ARCHIVE/work/<run>/<id>: created empty before the first begin, removed
	 * with everything in it once the document is committed or has failed.
	 * Large outputs (hOCR, later PDF pages) are spooled here rather than
	 * kept in memory until packaging. */
	const char *work_dir;
	struct lt_ctx *ctx;
	/* A new version of an archived document (runner.h, lt_run_redo); NULL
	 * for a queued document. */
	const struct lt_redo *redo;
	/* The runner's: the stage being called, and each stage's warnings. */
	size_t stage;
	struct lt_buf *warnings;   /* one per stage of the pipeline */
	size_t n_stages;
};

/* Records a warning for the stage being called: something the archivist
 * should look at that does not fail the document (a page with no legible
 * text). The stage's event is then recorded with outcome "warning" and the
 * warnings in its detail; a stage with no event of its own gets one named
 * after the stage. Returns LT_ENOMEM (filling err) if it cannot keep it. */
int lt_job_warn(struct lt_job *job, struct lt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A stage: a table of hooks, every one optional but process for a stage
 * that has work of its own. For each document the runner calls:
 *
 *   1. begin of every stage, in pipeline order;
 *   2. for each page in turn: process of every page-scoped stage, in order,
 *      then the page's image is dropped. A document's pages may be spread
 *      over the workers (see any_worker): each page still goes through
 *      every page-scoped stage in order, and the stages that are not
 *      any_worker see the pages in page order, in the document's worker;
 *   3. for each stage in order: process (document-scoped stages, page NULL),
 *      then end, then the stage's event is added to doc->events - so stage i
 *      has finished all its document work before stage i+1 starts its own;
 *   4. on any failure (a hook returns non-zero, or recording an event
 *      fails), nothing more runs forward: abort of every stage whose begin
 *      succeeded (a stage without begin counts as begun once step 1 reached
 *      it), in reverse order - also of stages whose end already ran, so they
 *      can undo what they left outside the work folder. A begin that fails
 *      cleans up after itself: its abort is not called. abort cannot fail.
 *
 * open runs once per worker before any document, close once after the last
 * (only if open succeeded, or the stage has no open). */
struct lt_stage {
	const char *name;          /* "ocr": in logs, failure reasons and events */
	enum lt_stage_scope scope;
	/* A page-scoped stage whose process may run on any worker, with that
	 * worker's own state, for a page of a document another worker holds:
	 * it reads only the page and the job's doc (sources, id), work_dir
	 * (files named by page number) and ctx, and writes only the page, its
	 * own state and files, and lt_job_warn. Such a stage has no begin, end
	 * or abort (they would run in the document's worker only); the runner
	 * ignores the flag on one that has. A worker with nothing left to
	 * claim runs, on pages of a document another worker holds, the
	 * any_worker stages that come before the first other page-scoped
	 * stage; that stage and the ones after it follow in page order in the
	 * document's worker. */
	int any_worker;
	const char *event;         /* event type recorded when the stage succeeds; NULL for none */
	int (*open)(struct lt_ctx *ctx, void **state, struct lt_err *err);
	int (*begin)(void *state, struct lt_job *job, struct lt_err *err);
	/* page is NULL for document-scoped stages. */
	int (*process)(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err);
	int (*end)(void *state, struct lt_job *job, struct lt_err *err);
	void (*abort)(void *state, struct lt_job *job);
	/* A one-line detail for the stage's event (appended to note). */
	void (*describe)(void *state, const struct lt_job *job, struct lt_buf *note);
	void (*close)(void *state); /* NULL-safe on state */
};

extern const struct lt_stage lt_stage_load;    /* stage_load.c: Leptonica reads the page */
extern const struct lt_stage lt_stage_ocr;     /* stage_ocr.c: Tesseract text + hOCR */
extern const struct lt_stage lt_stage_access;  /* stage_access.c: the PDF/A-2b access copy (pdf.h) */
extern const struct lt_stage lt_stage_extract; /* stage_extract.c: metadata read off page 1's header */
extern const struct lt_stage lt_stage_package; /* stage_package.c: BagIt tar, fsync, rename */
extern const struct lt_stage lt_stage_commit;  /* stage_commit.c: one catalog transaction */
/* stage_unpack.c: an archived document's newest bundle into the work folder:
 * everything (unpack), or only the masters, for a re-OCR */
extern const struct lt_stage lt_stage_unpack;
extern const struct lt_stage lt_stage_unpack_masters;

#endif
