/* stage.h - the pipeline stages behind one interface.
 *
 * A stage is opened once per worker (a Tesseract handle, a catalog
 * connection), then processes documents: page-scoped stages run on each page
 * in turn (so only one page image is in memory per worker), document-scoped
 * stages on the whole document. Stages never print or exit; they return a
 * status and fill err. The runner (runner.c) keeps their order.
 */
#ifndef LUUTRU_STAGE_H
#define LUUTRU_STAGE_H

#include <signal.h>

#include "luutru/buf.h"
#include "luutru/doc.h"
#include "luutru/err.h"

struct lt_catalog;
struct lt_preprocess_opts;

/* What a run was asked to do. All strings borrowed for the run's lifetime. */
struct lt_run_opts {
	const char *archive;   /* archive directory */
	int jobs;              /* workers; <= 0 means one per core */
	const char *lang;      /* Tesseract languages, e.g. "vie+eng" */
	const char *tessdata;  /* Tesseract data directory; NULL for its default */
	const struct lt_preprocess_opts *preprocess; /* NULL: every step on (preprocess.h) */
	int psm;               /* Tesseract page segmentation mode; 0 means automatic (3) */
	const volatile sig_atomic_t *stop; /* set non-zero (SIGINT) to stop after the current documents */
};

/* One worker's context, borrowed by its stages while the worker lives. */
struct lt_ctx {
	const struct lt_run_opts *opts;
	struct lt_catalog *catalog; /* the worker's own connection */
	int worker;                 /* 0-based */
};

enum lt_stage_scope { LT_PER_PAGE, LT_PER_DOCUMENT };

struct lt_stage {
	const char *name;          /* "ocr": in logs, failure reasons and events */
	enum lt_stage_scope scope;
	const char *event;         /* event type recorded when the stage succeeds; NULL for none */
	int (*open)(struct lt_ctx *ctx, void **state, struct lt_err *err);
	/* page is NULL for document-scoped stages. */
	int (*process)(void *state, struct lt_doc *doc, struct lt_page *page, struct lt_err *err);
	/* Optional: a one-line detail for the stage's event (appended to note). */
	void (*describe)(void *state, const struct lt_doc *doc, struct lt_buf *note);
	void (*close)(void *state); /* NULL-safe on state */
};

extern const struct lt_stage lt_stage_load;    /* stage_load.c: Leptonica reads the page */
extern const struct lt_stage lt_stage_ocr;     /* stage_ocr.c: Tesseract text + hOCR */
extern const struct lt_stage lt_stage_package; /* stage_package.c: BagIt tar, fsync, rename */
extern const struct lt_stage lt_stage_commit;  /* stage_commit.c: one catalog transaction */

#endif
