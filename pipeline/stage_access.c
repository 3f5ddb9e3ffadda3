/* stage_access.c - the access copy: a two-layer PDF/A-2b of the document
 * (pdf.h), written into the work folder page by page right after each page
 * is recognised, while its master image is still decoded, and then its
 * words are freed; packaging puts the file into the bag.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/pdf.h"
#include "luutru/stage.h"
#include "luutru/version.h"

struct access_state {
	struct lt_pdf_resources res;
	struct lt_pdf *pdf;      /* the document's, between begin and end */
	size_t encodings[LT_PDF_N_ENCODINGS];
	size_t pages;
	uint64_t bytes;
};

static int access_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	struct access_state *s = calloc(1, sizeof(*s));
	char *font = NULL;
	int rc = LT_OK;

	*state = NULL;
	if (!s)
		return lt_err_set(err, LT_ENOMEM, "out of memory starting the access PDF stage");
	/* The run's Tesseract data folder first: the font belongs with it. */
	if (ctx->opts->tessdata) {
		rc = lt_path(&font, err, "%s/%s", ctx->opts->tessdata, LT_PDF_FONT_NAME);
		if (!rc && access(font, R_OK) != 0) {
			free(font);
			font = NULL;
		}
	}
	if (!rc)
		rc = lt_pdf_resources_load(font, NULL, &s->res, err);
	free(font);
	if (rc) {
		free(s);
		return rc;
	}
	*state = s;
	return LT_OK;
}

/* Every date in the PDF: SOURCE_DATE_EPOCH when set, for reproducible
 * bundles, else now. */
static time_t creation_time(void)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char *end = NULL;
	long long v;

	if (epoch && *epoch) {
		errno = 0;
		v = strtoll(epoch, &end, 10);
		if (errno == 0 && end && *end == '\0' && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

static const char *first_set(const char *a, const char *b)
{
	return a && *a ? a : b;
}

static int access_begin(void *state, struct lt_job *job, struct lt_err *err)
{
	struct access_state *s = state;
	char *path = NULL;
	int rc;

	memset(s->encodings, 0, sizeof(s->encodings));
	s->pages = 0;
	s->bytes = 0;
	rc = lt_layout_work_access_pdf(job->work_dir, &path, err);
	if (!rc)
		rc = lt_pdf_open(path, &s->res, &s->pdf, err);
	free(path);
	return rc;
}

static int access_page(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	struct access_state *s = state;
	const struct lt_source *src = &job->doc->sources[page->source];
	enum lt_pdf_encoding enc;
	int jpeg = src->page_count == 1 && (strcasecmp(src->ext, "jpg") == 0 ||
					    strcasecmp(src->ext, "jpeg") == 0);
	int png = src->page_count == 1 && strcasecmp(src->ext, "png") == 0;
	struct lt_pdf_page pg = {
		.jpeg_path = jpeg ? src->path : NULL,
		.png_path = png ? src->path : NULL,
		.pix = page->pix,
		.dpi = page->dpi,
		.orientation = page->orientation,
		.words = page->words,
		.n_words = page->n_words,
	};
	int rc;

	if (!page->pix)
		return lt_err_set(err, LT_EINTERNAL, "page %d reached the access PDF without an image",
				  page->number);
	rc = lt_pdf_add_page(s->pdf, &pg, &enc, err);
	if (rc) {
		lt_err_prefix(err, "page %d of '%s': ", page->number, src->path);
		return rc;
	}
	s->encodings[enc]++;
	/* Written: the words have served. */
	lt_page_drop_words(page);
	return LT_OK;
}

/* The description is taken at the end, so that metadata a stage found in
 * the text of the pages can give the title. */
static int access_end(void *state, struct lt_job *job, struct lt_err *err)
{
	struct access_state *s = state;
	struct lt_pdf *pdf = s->pdf;
	const struct lt_meta *m = &job->doc->meta;
	struct lt_pdf_info info = {
		.title = first_set(lt_meta_value(m, "title"),
				   first_set(lt_meta_value(m, "subject"),
					     first_set(job->doc->label, job->doc->id))),
		.author = lt_meta_value(m, "organName"),
		.subject = lt_meta_value(m, "subject"),
		.keywords = lt_meta_value(m, "keyword"),
		.producer = "luutru " LT_VERSION,
		.created = creation_time(),
	};

	s->pdf = NULL;
	s->pages = lt_pdf_pages(pdf);
	s->bytes = lt_pdf_bytes(pdf);
	return lt_pdf_close(pdf, &info, err);
}

static void access_abort(void *state, struct lt_job *job)
{
	struct access_state *s = state;

	(void)job;
	lt_pdf_discard(s->pdf);
	s->pdf = NULL;
}

static void access_describe(void *state, const struct lt_job *job, struct lt_buf *note)
{
	struct access_state *s = state;
	const char *sep = "";

	(void)job;
	lt_buf_printf(note, NULL, "PDF/A-2b, %zu pages, %llu bytes, images:", s->pages,
		      (unsigned long long)s->bytes);
	for (int e = 0; e < LT_PDF_N_ENCODINGS; e++)
		if (s->encodings[e]) {
			lt_buf_printf(note, NULL, "%s %s x%zu", sep,
				      lt_pdf_encoding_name((enum lt_pdf_encoding)e), s->encodings[e]);
			sep = ",";
		}
}

static void access_close(void *state)
{
	struct access_state *s = state;

	if (!s)
		return;
	lt_pdf_discard(s->pdf);
	lt_pdf_resources_release(&s->res);
	free(s);
}

const struct lt_stage lt_stage_access = {
	.name = "access",
	.scope = LT_PER_PAGE,
	.event = "access-copy",
	.open = access_open,
	.begin = access_begin,
	.process = access_page,
	.end = access_end,
	.abort = access_abort,
	.describe = access_describe,
	.close = access_close,
};
