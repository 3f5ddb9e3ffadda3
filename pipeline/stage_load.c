/* stage_load.c - Leptonica decodes one page of a scan file.
 *
 * Multi-page TIFFs are read page by page so a 300-page TIFF never sits in
 * memory whole. A page without a resolution is taken as 300 dpi, the scanning
 * norm, so Tesseract does not guess from the pixel size.
 */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <string.h>
#include <unistd.h>

#include "luutru/flatten.h"
#include "luutru/stage.h"
#include "luutru/techmeta.h"

#define DEFAULT_DPI 300

static int load_page(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	const struct lt_source *src = &job->doc->sources[page->source];
	l_int32 w = 0, h = 0, bps, spp, res, cmap, format;
	/* Beyond the cap a "page" is a decompression bomb or a mistake, and
	 * decoding it could exhaust memory for every worker. */
	double cap = job->ctx && job->ctx->opts && job->ctx->opts->max_megapixels > 0
		? job->ctx->opts->max_megapixels : LT_MAX_MEGAPIXELS_DEFAULT;
	int head;
	PIX *pix;

	(void)state;
	/* Say what is really wrong when the file went away or became unreadable. */
	if (access(src->path, R_OK) != 0)
		return lt_err_set(err, LT_EINPUT, "cannot read '%s': %s", src->path, strerror(errno));
	head = strcmp(src->ext, "tif") == 0
		? readHeaderTiff(src->path, page->index_in_source, &w, &h, &bps, &spp, &res, &cmap, &format)
		: pixReadHeader(src->path, &format, &w, &h, &bps, &spp, &cmap);
	if (head == 0 && (double)w * h > cap * 1e6)
		return lt_err_set(err, LT_EINPUT, "image %d of '%s' is %dx%d pixels, more than the %g "
				  "megapixels luutru decodes (--max-megapixels)", page->index_in_source + 1,
				  src->path, w, h, cap);
	if (strcmp(src->ext, "tif") == 0)
		pix = pixReadTiff(src->path, page->index_in_source);
	else
		pix = pixRead(src->path);
	if (!pix)
		return lt_err_set(err, LT_EINPUT, "cannot decode image %d of '%s': damaged or truncated",
				  page->index_in_source + 1, src->path);
	/* Described before the 300-dpi assumption, so the record says what the
	 * file holds. Once per page: a document re-run after a crash reads it again. */
	if (!page->technical) {
		struct lt_page_tech tech;
		int rc = lt_techmeta_read(src->path, src->ext, page->index_in_source, pix, &tech, err);

		if (!rc)
			rc = lt_techmeta_to_json(&tech, src->size, src->sha256, &page->technical, err);
		if (rc) {
			pixDestroy(&pix);
			return rc;
		}
	}
	/* Transparent paper would read as black (flatten.h); after the record
	 * above, which describes the file as it is. */
	if (lt_flatten_alpha(&pix) != 0) {
		pixDestroy(&pix);
		return lt_err_set(err, LT_ENOMEM, "out of memory laying image %d of '%s' on white",
				  page->index_in_source + 1, src->path);
	}
	if (pixGetXRes(pix) <= 0 || pixGetYRes(pix) <= 0)
		pixSetResolution(pix, DEFAULT_DPI, DEFAULT_DPI);
	page->width = pixGetWidth(pix);
	page->height = pixGetHeight(pix);
	page->dpi = pixGetXRes(pix);
	page->pix = pix;
	return LT_OK;
}

const struct lt_stage lt_stage_load = {
	.name = "load",
	.scope = LT_PER_PAGE,
	.any_worker = 1,
	.event = NULL,
	.process = load_page,
};
