/* stage_load.c - Leptonica decodes one page of a scan file.
 *
 * Multi-page TIFFs are read page by page so a 300-page TIFF never sits in
 * memory whole. A page without a resolution is taken as 300 dpi, the scanning
 * norm, so Tesseract does not guess from the pixel size.
 */
#include <leptonica/allheaders.h>
#include <string.h>

#include "luutru/stage.h"

#define DEFAULT_DPI 300

static int load_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	(void)ctx;
	(void)err;
	*state = NULL;
	return LT_OK;
}

static int load_page(void *state, struct lt_doc *doc, struct lt_page *page, struct lt_err *err)
{
	const struct lt_source *src = &doc->sources[page->source];
	PIX *pix;

	(void)state;
	if (strcmp(src->ext, "tif") == 0 || strcmp(src->ext, "tiff") == 0 || src->page_count > 1)
		pix = pixReadTiff(src->path, page->index_in_source);
	else
		pix = pixRead(src->path);
	if (!pix && src->page_count == 1)
		pix = pixRead(src->path); /* a TIFF named otherwise, or the reverse */
	if (!pix)
		return lt_err_set(err, LT_EINPUT, "cannot decode image %d of '%s': damaged or truncated",
				  page->index_in_source + 1, src->path);
	if (pixGetXRes(pix) <= 0 || pixGetYRes(pix) <= 0)
		pixSetResolution(pix, DEFAULT_DPI, DEFAULT_DPI);
	page->width = pixGetWidth(pix);
	page->height = pixGetHeight(pix);
	page->dpi = pixGetXRes(pix);
	page->pix = pix;
	return LT_OK;
}

static void load_close(void *state)
{
	(void)state;
}

const struct lt_stage lt_stage_load = {
	.name = "load",
	.scope = LT_PER_PAGE,
	.event = NULL,
	.open = load_open,
	.process = load_page,
	.close = load_close,
};
