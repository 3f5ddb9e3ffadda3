/* recognize.c - TessBaseAPIRecognize under a deadline, without the costs
 * of Tesseract's runtime that buy nothing on one thread (tess_runtime.h).
 *
 * Tesseract's monitor carries the deadline; a cancel callback checks our own
 * monotonic clock too, so that we know for certain the stop was the deadline
 * (Recognize's -1 does not say why) and the message names the real cause.
 */
#include <errno.h>
#include <limits.h>

#include "luutru/fsutil.h"
#include "luutru/recognize.h"
#include "luutru/tess_runtime.h"

struct deadline {
	double end;   /* lt_monotonic_seconds() at which to stop */
	int expired;
};

/* Called by Tesseract between words; true stops recognition. */
static bool deadline_cancel(void *ud, int words)
{
	struct deadline *d = ud;

	(void)words;
	if (lt_monotonic_seconds() >= d->end)
		d->expired = 1;
	return d->expired;
}

/* TessBaseAPIRecognize without the runtime's costs (tess_runtime.h). */
static int recognise_lean(TessBaseAPI *api, ETEXT_DESC *monitor)
{
	int rc;

	lt_tess_runtime_recognising(true);
	rc = TessBaseAPIRecognize(api, monitor);
	lt_tess_runtime_recognising(false);
	return rc;
}

int lt_recognize(TessBaseAPI *api, double timeout_s, struct lt_err *err)
{
	ETEXT_DESC *monitor = NULL;
	struct deadline d = { 0 };
	double start = lt_monotonic_seconds(), elapsed;
	int rc;

	if (timeout_s <= 0) {
		if (recognise_lean(api, NULL) != 0)
			return lt_err_set(err, LT_EOCR, "Tesseract could not recognise the page");
		return LT_OK;
	}
	monitor = TessMonitorCreate();
	if (!monitor)
		return lt_err_set(err, LT_ENOMEM, "out of memory creating a Tesseract monitor");
	d.end = start + timeout_s;
	TessMonitorSetCancelFunc(monitor, deadline_cancel);
	TessMonitorSetCancelThis(monitor, &d);
	/* Tesseract's own deadline, in whole milliseconds, at least 1: 0 would
	 * mean none. */
	TessMonitorSetDeadlineMSecs(monitor, timeout_s * 1000.0 >= INT_MAX ? INT_MAX
					     : timeout_s * 1000.0 < 1.0 ? 1 : (int)(timeout_s * 1000.0));
	rc = recognise_lean(api, monitor);
	elapsed = lt_monotonic_seconds() - start;
	TessMonitorDelete(monitor);
	/* Tesseract's own deadline may fire before our callback is asked, and
	 * then Recognize does not always say so: the rest of the page is faked
	 * out. The clock settles it; a page that overran counts as stopped even
	 * if it happened to finish, since its words may be fakes. */
	if (rc == 0 && !d.expired && elapsed < timeout_s)
		return LT_OK;
	if (d.expired || elapsed >= timeout_s) {
		rc = lt_err_set(err, LT_EOCR, "recognition stopped after %.3g s (page timeout)", elapsed);
		if (err)
			err->cause = ETIMEDOUT;
		return rc;
	}
	return lt_err_set(err, LT_EOCR, "Tesseract could not recognise the page");
}
