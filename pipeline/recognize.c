/* recognize.c - TessBaseAPIRecognize under a deadline, without the PNG
 * round trip Tesseract makes of every word image.
 *
 * Tesseract's monitor carries the deadline; a cancel callback checks our own
 * monotonic clock too, so that we know for certain the stop was the deadline
 * (Recognize's -1 does not say why) and the message names the real cause.
 */
#include <dlfcn.h>
#include <errno.h>
#include <leptonica/allheaders.h>
#include <limits.h>
#include <pthread.h>

#include "luutru/fsutil.h"
#include "luutru/recognize.h"

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

/* Tesseract 5 (ImageData::SetPixInternal) hands each word image it feeds
 * the LSTM to pixWriteMem as a PNG and decodes it straight back
 * (GetPixInternal): deflate, row filters and inflate on every word, about 5%
 * of recognition, and the command line pays it too. The bytes never leave
 * that one call, so their format is free to choose: while this thread is in
 * lt_recognize, a PNG asked of pixWriteMem is written as Leptonica's spix
 * instead (a header and the raw rows: depth, samples per pixel, colormap and
 * resolution all kept), which pixReadMem reads back to the same pix. Every
 * other call, and every other thread, gets Leptonica's own pixWriteMem.
 *
 * This definition takes the place of Leptonica's for the whole program: the
 * executable's symbols come first when libtesseract's references are bound.
 * test_recognize checks that it does, and that the words and boxes are the
 * same as with Leptonica's. */
static _Thread_local bool recognising;

typedef l_ok (*pix_write_mem_fn)(l_uint8 **, size_t *, PIX *, l_int32);
static pix_write_mem_fn leptonica_pix_write_mem;
static pthread_once_t leptonica_lookup = PTHREAD_ONCE_INIT;

static void find_leptonica_pix_write_mem(void)
{
	leptonica_pix_write_mem = (pix_write_mem_fn)dlsym(RTLD_NEXT, "pixWriteMem");
}

l_ok pixWriteMem(l_uint8 **pdata, size_t *psize, PIX *pix, l_int32 format)
{
	if (recognising && format == IFF_PNG && pdata && psize && pix)
		return pixWriteMemSpix(pdata, psize, pix);
	pthread_once(&leptonica_lookup, find_leptonica_pix_write_mem);
	if (!leptonica_pix_write_mem)
		return 1; /* Leptonica's own answer to a write it cannot do */
	return leptonica_pix_write_mem(pdata, psize, pix, format);
}

/* TessBaseAPIRecognize with word images handed over raw (above). */
static int recognise_raw(TessBaseAPI *api, ETEXT_DESC *monitor)
{
	int rc;

	recognising = true;
	rc = TessBaseAPIRecognize(api, monitor);
	recognising = false;
	return rc;
}

int lt_recognize(TessBaseAPI *api, double timeout_s, struct lt_err *err)
{
	ETEXT_DESC *monitor = NULL;
	struct deadline d = { 0 };
	double start = lt_monotonic_seconds(), elapsed;
	int rc;

	if (timeout_s <= 0) {
		if (recognise_raw(api, NULL) != 0)
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
	rc = recognise_raw(api, monitor);
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
