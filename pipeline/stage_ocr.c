/* stage_ocr.c - Tesseract recognises one page through its C API.
 *
 * One TessBaseAPI per worker, initialised once (loading vie+eng costs far
 * more than a page) and cleared between pages. Text is normalised to NFC;
 * hOCR is wrapped into a standalone XHTML document, since the C API returns
 * only the page's <div>.
 */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include <unistd.h>

#include "luutru/preprocess.h"
#include "luutru/stage.h"
#include "luutru/text.h"

struct ocr_state {
	TessBaseAPI *api;
	const char *lang;
	struct lt_preprocess_opts pp;
	TessBaseAPI *osd;      /* "osd" handle, made on the first page that needs it */
	int osd_unavailable;   /* its data is missing: do not try again */
	const char *tessdata;
};

static void ocr_close(void *state);

/* Tesseract's Init succeeds when the first language of "vie+eng" loads and
 * quietly drops the others; a run must not record languages it did not use.
 * Returns a pointer into langs at the first missing one, or NULL. */
static const char *first_missing_language(TessBaseAPI *api, const char *langs)
{
	char **loaded = TessBaseAPIGetLoadedLanguagesAsVector(api);
	const char *p = langs, *missing = NULL;

	while (!missing && *p) {
		size_t n = strcspn(p, "+");
		int found = 0;

		for (char **l = loaded; l && *l && !found; l++)
			found = strlen(*l) == n && strncmp(*l, p, n) == 0;
		if (!found && n > 0)
			missing = p;
		p += n;
		if (*p == '+')
			p++;
	}
	TessDeleteTextArray(loaded);
	return missing;
}

static int ocr_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	struct ocr_state *s = calloc(1, sizeof(*s));

	*state = NULL;
	if (!s)
		return lt_err_set(err, LT_ENOMEM, "out of memory starting Tesseract");
	if (ctx->opts->tessdata && access(ctx->opts->tessdata, R_OK | X_OK) != 0) {
		free(s);
		return lt_err_set(err, LT_EINTERNAL, "cannot use the Tesseract data folder '%s': %s",
				  ctx->opts->tessdata, strerror(errno));
	}
	s->lang = ctx->opts->lang;
	s->tessdata = ctx->opts->tessdata;
	s->api = TessBaseAPICreate();
	if (!s->api) {
		free(s);
		return lt_err_set(err, LT_ENOMEM, "cannot create a Tesseract handle");
	}
	/* Tesseract's own diagnostics would interleave between workers on
	 * stderr; failures are reported through err instead. Set at Init so
	 * that Init's own messages are silenced too. */
	char *vars[] = { "debug_file" }, *values[] = { "/dev/null" };
	const char *missing = NULL;

	if (TessBaseAPIInit4(s->api, ctx->opts->tessdata, s->lang, OEM_DEFAULT, NULL, 0, vars, values,
			     1, 0) != 0)
		missing = s->lang;
	else
		missing = first_missing_language(s->api, s->lang);
	if (missing) {
		char lang[32];
		int rc;

		/* Debian names the package after the code, '_' as '-' (chi_sim). */
		snprintf(lang, sizeof(lang), "%.*s", (int)strcspn(missing, "+"), missing);
		rc = lt_err_set(err, LT_EINTERNAL, "Tesseract cannot load the language data '%s'%s%s: "
				"is it installed (Debian: tesseract-ocr-", lang,
				ctx->opts->tessdata ? " from " : "",
				ctx->opts->tessdata ? ctx->opts->tessdata : "");
		for (char *c = lang; *c; c++)
			if (*c == '_')
				*c = '-';
		snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg), "%s)?", lang);
		ocr_close(s);
		return rc;
	}
	/* The C API starts in single-block mode; the CLI's automatic layout
	 * reads columns one after the other. */
	TessBaseAPISetPageSegMode(s->api, ctx->opts->psm > 0 ? (TessPageSegMode)ctx->opts->psm : PSM_AUTO);
	if (ctx->opts->preprocess)
		s->pp = *ctx->opts->preprocess;
	else
		lt_preprocess_opts_default(&s->pp);
	*state = s;
	return LT_OK;
}

static const char hocr_head[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
	"    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
	"<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"%s\" lang=\"%s\">\n"
	" <head>\n"
	"  <title></title>\n"
	"  <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
	"  <meta name=\"ocr-system\" content=\"tesseract %s\"/>\n"
	"  <meta name=\"ocr-langs\" content=\"%s\"/>\n"
	"  <meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf\"/>\n"
	" </head>\n"
	" <body>\n";
static const char hocr_tail[] = " </body>\n</html>\n";

static int ocr_page(void *state, struct lt_doc *doc, struct lt_page *page, struct lt_err *err)
{
	struct ocr_state *s = state;
	const struct lt_source *src = &doc->sources[page->source];
	struct lt_buf text = LT_BUF_INIT, hocr = LT_BUF_INIT, ordered = LT_BUF_INIT;
	char *raw_hocr = NULL, input_name[32];
	struct lt_preprocess_result pre;
	PIX *work = NULL;
	const char *html_lang = strncmp(s->lang, "vie", 3) == 0 ? "vi" : "en";
	int rc = LT_OK;

	if (!page->pix)
		return lt_err_set(err, LT_EINTERNAL, "page %d reached OCR without an image", page->number);
	/* hOCR's `image` property names the master file inside the bundle. */
	lt_source_master_name(doc, (size_t)page->source, input_name);
	TessBaseAPISetInputName(s->api, input_name);
	/* Tesseract reads a working copy; the master stays as scanned. */
	rc = lt_preprocess_page(page->pix, &s->pp, &work, &pre, err);
	if (rc) {
		lt_err_prefix(err, "page %d of '%s': ", page->number, src->path);
		return rc;
	}
	/* OSD is ten times the cheap detector's cost: only where it was unsure.
	 * Without osd data the page stays as it is. */
	if (s->pp.orient && pre.orientation_unsure && !s->osd_unavailable) {
		char *vars[] = { "debug_file" }, *values[] = { "/dev/null" };

		if (!s->osd && (!(s->osd = TessBaseAPICreate()) ||
				TessBaseAPIInit4(s->osd, s->tessdata, "osd", OEM_DEFAULT, NULL, 0, vars,
						 values, 1, 0) != 0))
			s->osd_unavailable = 1;
		else
			lt_preprocess_osd(s->osd, &s->pp, &work, &pre, NULL);
	}
	TessBaseAPISetImage2(s->api, work);
	TessBaseAPISetSourceResolution(s->api, pre.work_dpi);
	if (TessBaseAPIRecognize(s->api, NULL) != 0) {
		rc = lt_err_set(err, LT_EOCR, "Tesseract could not recognise page %d (image %d of '%s')",
				page->number, page->index_in_source + 1, src->path);
		goto out;
	}
	/* Two-column headers read left column first (preprocess.h). */
	rc = lt_layout_text(s->api, &ordered, err);
	if (rc) {
		lt_err_prefix(err, "page %d of '%s': ", page->number, src->path);
		goto out;
	}
	raw_hocr = TessBaseAPIGetHOCRText(s->api, page->number - 1);
	if (!raw_hocr) {
		rc = lt_err_set(err, LT_EOCR, "Tesseract returned no text for page %d of '%s'",
				page->number, src->path);
		goto out;
	}
	rc = lt_text_nfc(lt_buf_str(&ordered), strlen(lt_buf_str(&ordered)), &text, err);
	if (!rc)
		rc = lt_buf_printf(&hocr, err, hocr_head, html_lang, html_lang, TessVersion(), s->lang);
	if (!rc)
		rc = lt_text_nfc(raw_hocr, strlen(raw_hocr), &hocr, err);
	if (!rc)
		rc = lt_buf_puts(&hocr, hocr_tail, err);
	if (rc) {
		lt_err_prefix(err, "page %d of '%s': ", page->number, src->path);
		goto out;
	}
	free(page->text);
	free(page->hocr);
	page->text = lt_buf_detach(&text);
	page->hocr = lt_buf_detach(&hocr);
	page->confidence = TessBaseAPIMeanTextConf(s->api);
out:
	TessDeleteText(raw_hocr);
	TessBaseAPIClear(s->api);
	pixDestroy(&work);
	lt_buf_release(&text);
	lt_buf_release(&hocr);
	lt_buf_release(&ordered);
	return rc;
}

static void ocr_describe(void *state, const struct lt_doc *doc, struct lt_buf *note)
{
	struct ocr_state *s = state;
	double sum = 0;

	/* The pages hold their confidences: the mean is derived, not tracked. */
	for (size_t i = 0; i < doc->n_pages; i++)
		sum += doc->pages[i].confidence;
	lt_buf_printf(note, NULL, "tesseract %s, %s, %zu pages, mean confidence %.1f",
		      TessVersion(), s->lang, doc->n_pages, doc->n_pages ? sum / doc->n_pages : 0.0);
}

static void ocr_close(void *state)
{
	struct ocr_state *s = state;

	if (!s)
		return;
	if (s->api) {
		TessBaseAPIEnd(s->api);
		TessBaseAPIDelete(s->api);
	}
	if (s->osd) {
		TessBaseAPIEnd(s->osd);
		TessBaseAPIDelete(s->osd);
	}
	free(s);
}

const struct lt_stage lt_stage_ocr = {
	.name = "ocr",
	.scope = LT_PER_PAGE,
	.event = "ocr",
	.open = ocr_open,
	.process = ocr_page,
	.describe = ocr_describe,
	.close = ocr_close,
};
