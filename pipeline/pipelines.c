/* pipelines.c - the pipelines a run can be given: which stages, in which
 * order. Preprocessing (orientation, deskew), metadata extraction, METS/ALTO
 * and the access PDF slot in here. */
#include "luutru/runner.h"

static const struct lt_stage *const archive_stages[] = {
	&lt_stage_load,     /* Leptonica decodes the page */
	&lt_stage_ocr,      /* Tesseract: text (in memory), hOCR (spooled to the work folder) */
	&lt_stage_extract,  /* metadata read off page 1's header, offered below what the archivist gave */
	&lt_stage_access,   /* the two-layer PDF/A-2b access copy, page by page (pdf.h); closed after
	                     * extract so its title can be the subject read off the page */
	&lt_stage_package,  /* BagIt tar written, fsync'ed, moved into bundles/ without replacing */
	&lt_stage_commit,   /* one catalog transaction: archived */
};

const struct lt_pipeline lt_pipeline_archive = {
	.name = "archive",
	.stages = archive_stages,
	.n_stages = sizeof(archive_stages) / sizeof(archive_stages[0]),
	.io_from = 4,       /* package and commit: in the I/O thread */
};

static const struct lt_stage *const repackage_stages[] = {
	&lt_stage_unpack,   /* the newest bundle, checked, into the work folder */
	&lt_stage_package,  /* version N+1 beside it */
	&lt_stage_commit,   /* the catalog points to the newest */
};

const struct lt_pipeline lt_pipeline_repackage = {
	.name = "repackage",
	.stages = repackage_stages,
	.n_stages = sizeof(repackage_stages) / sizeof(repackage_stages[0]),
};

static const struct lt_stage *const reocr_stages[] = {
	&lt_stage_unpack_masters, /* the archived masters, checked */
	&lt_stage_load,
	&lt_stage_ocr,
	&lt_stage_extract,  /* new text, new reading of the header: offered below what a person gave */
	&lt_stage_access,   /* the access copy made anew: its text layer is the new text */
	&lt_stage_package,
	&lt_stage_commit,
};

const struct lt_pipeline lt_pipeline_reocr = {
	.name = "reocr",
	.stages = reocr_stages,
	.n_stages = sizeof(reocr_stages) / sizeof(reocr_stages[0]),
	.io_from = 5,       /* package and commit: in the I/O thread */
};
