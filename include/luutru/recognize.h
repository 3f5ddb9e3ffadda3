/* recognize.h - Tesseract recognition with a per-page deadline, so one
 * pathological page cannot hold a worker for minutes: it stops, and the
 * caller stores empty text with a review flag while the document archives.
 */
#ifndef LUUTRU_RECOGNIZE_H
#define LUUTRU_RECOGNIZE_H

#include <tesseract/capi.h>

#include "luutru/err.h"

/* Default per-page deadline, seconds (`--page-timeout`). A 300-dpi A4 page
 * takes a few seconds; a minute means something is wrong with it. */
#define LT_RECOGNIZE_TIMEOUT_DEFAULT 60.0

/* Runs TessBaseAPIRecognize on the image already set on api (borrowed), with
 * a deadline of timeout_s seconds from the call; timeout_s <= 0 means none.
 * The calling thread is marked as recognising meanwhile (tess_runtime.h):
 * the same result, for less CPU.
 *
 * Tesseract checks the deadline between words, so layout analysis, which
 * comes first, is not interrupted, and a page overshoots by at most one
 * word's recognition.
 *
 * Returns LT_OK, or LT_EOCR with err->cause = ETIMEDOUT and the message
 * "recognition stopped after N s (page timeout)" when the deadline passed,
 * or LT_EOCR with cause 0 when Tesseract failed otherwise. After a failure
 * the api's results are partial: the caller must not store them (call
 * TessBaseAPIClear before the next page). */
int lt_recognize(TessBaseAPI *api, double timeout_s, struct lt_err *err);

#endif
