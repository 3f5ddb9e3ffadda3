/* doc.h - a document: the unit of work and of failure.
 *
 * A document is one or more scan files (sources) whose images are its pages,
 * in order. Ingest fills the identity (id, label, sources, pages); the stages
 * of a run fill the page images, OCR results, bundle and events; the catalog
 * persists them. Everything hanging off a struct lt_doc is owned by it and
 * freed by lt_doc_free().
 */
#ifndef LUUTRU_DOC_H
#define LUUTRU_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "luutru/buf.h"
#include "luutru/err.h"
#include "luutru/hash.h"
#include "luutru/meta.h"
#include "luutru/transform.h"

/* Document ids: 16 lowercase hex characters, the start of a SHA-256 over the
 * document's page sources, so the same scans always get the same id. */
#define LT_DOC_ID_LEN 16

struct Pix; /* Leptonica's PIX */

struct lt_source {
	char *path;                 /* absolute path of the scan file, owned */
	char sha256[LT_SHA256_HEX]; /* as hashed at ingest */
	uint64_t size;
	int page_count;             /* images in the file (multi-page TIFF: > 1) */
	char ext[8];                /* extension of its format (png, tif, ...), for the master file name */
};

/* A page's recognition, from one walk over Tesseract's result
 * (preprocess.h, lt_reading_order_page): everything the page's text, hOCR,
 * ALTO, quality score and PDF text layer are made of, in reading order. Boxes
 * are kept twice: in the working image's pixels (what Tesseract saw) and in
 * the master's (what the archive keeps; ALTO, hOCR, PDF). */

/* A recognised word. */
struct lt_word {
	char *text;                 /* UTF-8 NFC, owned; may be blank (Tesseract's image "words") */
	struct lt_box box;          /* master pixels */
	float confidence;           /* Tesseract's, 0-100 */
	int line;                   /* 0-based index of its line in reading order (lt_ocr_page.lines) */
	int work_l, work_t, work_r, work_b; /* working-image pixels, [l, r) x [t, b) */
	char lang[8];               /* the model Tesseract read it with ("vie"); "" unknown */
};

/* An output line: a line of Tesseract's, or one side of a line that spans
 * two columns (read left column first; see lt_reading_order). */
struct lt_ocr_line {
	size_t first_word, n_words; /* words[first_word .. first_word + n_words) */
	int par;                    /* index into pars */
	struct lt_box box;          /* master pixels */
	int work_l, work_t, work_r, work_b;
	int has_baseline;           /* Tesseract gave one: */
	int base_x1, base_y1, base_x2, base_y2; /* two points of it, working pixels */
};

/* A paragraph: output lines between two blank lines of the text, within one
 * block. */
struct lt_ocr_par {
	size_t first_line, n_lines;
	int block;                  /* index into blocks */
	struct lt_box box;          /* master pixels, the union of its lines */
	int work_l, work_t, work_r, work_b;
};

/* A block: consecutive output lines of one of Tesseract's blocks, or one
 * column of a two-column run. */
struct lt_ocr_block {
	size_t first_par, n_pars;
	struct lt_box box;          /* master pixels, the union of its lines */
	int work_l, work_t, work_r, work_b;
};

/* Everything owned; release with lt_ocr_page_release (preprocess.h). */
struct lt_ocr_page {
	struct lt_word *words;
	size_t n_words;
	struct lt_ocr_line *lines;
	size_t n_lines;
	struct lt_ocr_par *pars;
	size_t n_pars;
	struct lt_ocr_block *blocks;
	size_t n_blocks;
	int master_w, master_h;     /* the master's size (tf) */
	double mean_confidence;     /* Tesseract's mean text confidence, 0-100 */
};

struct lt_page {
	int number;                 /* 1-based page number in the document */
	int source;                 /* index into doc->sources */
	int index_in_source;        /* 0-based image index inside that file */
	/* Filled during a run. */
	struct Pix *pix;            /* owned while the page is being processed */
	int width, height, dpi;
	char *text;                 /* UTF-8 NFC, owned */
	double confidence;          /* Tesseract's mean word confidence, 0-100; -1 unknown */
	char *lang;                 /* Tesseract languages it was read with, owned */
	char *preprocessing;        /* what was done to the working copy, one line, owned */
	double quality;             /* 0-1 (quality.h); -1 unknown */
	char *review;               /* why a person should check it; NULL if fine; owned */
	char *technical;            /* the scan's technical metadata, a JSON object (techmeta.h); owned */
	/* The OCR stage's words in reading order (the same order as text), for
	 * the access PDF; freed with lt_page_drop_words once it is written. */
	struct lt_word *words;      /* owned, with their texts */
	size_t n_words;
	int orientation;            /* degrees clockwise that make the master upright (transform.h) */
	/* CPU seconds of the worker thread the OCR stage spent on this page, every
	 * attempt counted: what bounds a run (recognition) and what must stay
	 * cheap beside it (orientation and skew detection). Summed into the
	 * run's report (runner.h) for `run --json` and bench/throughput. */
	double recognise_seconds;   /* TessBaseAPIRecognize */
	int readings;               /* times Tesseract read it: 2 when its language was
	                             * guessed wrong first (stage_ocr.c) */
	double orientation_seconds; /* orientation detection */
	double skew_seconds;        /* skew detection */
	/* The rest of the OCR stage's page, for the run's CPU budget: the
	 * working copy (orientation and skew included), the one walk over
	 * Tesseract's result, text/hOCR/ALTO made and spooled, quality. */
	double preprocess_seconds;
	double walk_seconds;
	double outputs_seconds;
	double quality_seconds;
};

struct lt_bundle_file {
	char *path;                 /* path inside the bag, e.g. "data/representations/ocr/data/0001.txt" */
	uint64_t size;
	char sha256[LT_SHA256_HEX];
};

struct lt_bundle {
	int version;                /* 1 for the first bundle of a document, then 2, 3, ... */
	char *path;                 /* relative to the archive: "bundles/3f/3f0c....tar" */
	uint64_t size;
	char sha256[LT_SHA256_HEX]; /* of the whole tar */
	char created[32];
	struct lt_bundle_file *files;
	size_t n_files;
};

struct lt_event {
	char *type;                 /* "ingested", "ocr", "packaged", "failed", ... */
	char at[32];                /* ISO 8601 */
	char *outcome;              /* "success" or "failure" */
	char *detail;
};

/* superseded: never archived, and a later ingest of the same folder or file
 * brought other content, which is a document of its own. */
enum lt_doc_state { LT_QUEUED, LT_PROCESSING, LT_ARCHIVED, LT_FAILED, LT_SUPERSEDED };
#define LT_N_STATES 5

struct lt_doc {
	char id[LT_DOC_ID_LEN + 1];
	char *label;                /* the folder or file name in the inbox */
	char *origin;               /* absolute path of that folder or file */
	enum lt_doc_state state;
	char *failure;              /* last failure reason, if failed */
	char *lang;                 /* OCR languages used, e.g. "vie+eng" */
	int attempts;               /* runs that claimed it, this one included */
	struct lt_source *sources;
	size_t n_sources;
	struct lt_page *pages;
	size_t n_pages;
	struct lt_bundle bundle;    /* path NULL until packaged */
	struct lt_event *events;
	size_t n_events;
	struct lt_meta meta;        /* descriptive metadata with provenance (meta.h) */
};

/* Returns: owned, free with lt_doc_free(). NULL on out-of-memory. */
struct lt_doc *lt_doc_new(void);
void lt_doc_free(struct lt_doc *doc);

/* Copies path. ext is the format's extension ("png"); NULL takes the file
 * name's own (portable characters only). */
int lt_doc_add_source(struct lt_doc *doc, const char *path, const char sha256[LT_SHA256_HEX],
		      uint64_t size, int page_count, const char *ext, struct lt_err *err);

/* The name of source i's master file in a bundle: "0001.png". */
void lt_source_master_name(const struct lt_doc *doc, size_t i, char out[32]);
/* Appends page_count pages for the last source added. */
int lt_doc_add_pages_of_last_source(struct lt_doc *doc, struct lt_err *err);
/* Copies its strings. */
int lt_doc_add_event(struct lt_doc *doc, const char *type, const char *at, const char *outcome,
		     const char *detail, struct lt_err *err);
/* Copies path. */
int lt_bundle_add_file(struct lt_bundle *b, const char *path, uint64_t size,
		       const char sha256[LT_SHA256_HEX], struct lt_err *err);
void lt_bundle_release(struct lt_bundle *b);

/* Frees a page's image (pixDestroy), keeping its results. NULL-safe. */
void lt_page_drop_image(struct lt_page *page);
/* Frees a page's words (page->words, their texts). NULL-safe. */
void lt_page_drop_words(struct lt_page *page);

/* Computes doc->id from the sources' digests and page counts. */
int lt_doc_compute_id(struct lt_doc *doc, struct lt_err *err);

const char *lt_doc_state_name(enum lt_doc_state s);
int lt_doc_state_parse(const char *name, enum lt_doc_state *s);

/* strdup that reports failure through err; NULL s gives NULL. */
int lt_strdup(const char *s, char **out, struct lt_err *err);

#endif
