/* tess_helpers.h - what the unit tests that run real Tesseract share: a
 * handle set up as the OCR stage sets it up, and a cropped sample page (the
 * top of a page reads in a second or two instead of ten). */
#ifndef LUUTRU_TEST_TESS_HELPERS_H
#define LUUTRU_TEST_TESS_HELPERS_H

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

/* vie+eng, Tesseract's own messages to /dev/null, automatic layout.
 * Returns: owned, TessBaseAPIDelete(); NULL if the models cannot load. */
static inline TessBaseAPI *tess_open(void)
{
	char *vars[] = { "debug_file" }, *values[] = { "/dev/null" };
	TessBaseAPI *api = TessBaseAPICreate();

	if (api && TessBaseAPIInit4(api, NULL, "vie+eng", OEM_DEFAULT, NULL, 0, vars, values, 1, 0)) {
		TessBaseAPIDelete(api);
		return NULL;
	}
	if (api)
		TessBaseAPISetPageSegMode(api, PSM_AUTO);
	return api;
}

/* The top num/den of the page image at path. Returns: owned, pixDestroy(); NULL if unreadable. */
static inline PIX *page_top(const char *path, int num, int den)
{
	PIX *page = pixRead(path), *top = NULL;
	BOX *box;

	if (!page)
		return NULL;
	box = boxCreate(0, 0, pixGetWidth(page), pixGetHeight(page) * num / den);
	top = box ? pixClipRectangle(page, box, NULL) : NULL;
	boxDestroy(&box);
	pixDestroy(&page);
	return top;
}

#endif
