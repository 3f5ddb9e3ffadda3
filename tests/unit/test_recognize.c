/* test_recognize.c - unit tests for recognize.h: the per-page deadline, and
 * word images handed to the LSTM without a PNG round trip, on a real page
 * with the real vie+eng models. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <leptonica/allheaders.h>
#include <string.h>
#include <tesseract/capi.h>

#include "luutru/recognize.h"
#include "tess_helpers.h"

/* The top third of a real sample page: enough words to take well over a
 * millisecond, small enough to keep the suite quick on a shared machine. */
#define SAMPLE "samples/inbox/letter-en.png"

struct fixture {
	TessBaseAPI *api;
	PIX *pix;
};

static int setup(void **state)
{
	static struct fixture f;

	f.pix = page_top(SAMPLE, 1, 3);
	f.api = tess_open();
	if (!f.pix || !f.api)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	TessBaseAPIDelete(f->api);
	pixDestroy(&f->pix);
	return 0;
}

static void test_tiny_deadline_stops(void **state)
{
	struct fixture *f = *state;
	struct lt_err err = { 0 };

	TessBaseAPISetImage2(f->api, f->pix);
	TessBaseAPISetSourceResolution(f->api, 300);
	assert_int_equal(lt_recognize(f->api, 0.001, &err), LT_EOCR);
	assert_int_equal(err.code, LT_EOCR);
	assert_int_equal(err.cause, ETIMEDOUT);
	assert_non_null(strstr(err.msg, "recognition stopped after"));
	assert_non_null(strstr(err.msg, "(page timeout)"));
	TessBaseAPIClear(f->api);
}

static void test_generous_deadline_succeeds(void **state)
{
	struct fixture *f = *state;
	struct lt_err err = { 0 };
	char *text;

	TessBaseAPISetImage2(f->api, f->pix);
	TessBaseAPISetSourceResolution(f->api, 300);
	assert_int_equal(lt_recognize(f->api, 300.0, &err), LT_OK);
	text = TessBaseAPIGetUTF8Text(f->api);
	assert_non_null(text);
	assert_non_null(strstr(text, "Records Transfer Procedure"));
	TessDeleteText(text);
	TessBaseAPIClear(f->api);
}

static void test_no_deadline_and_null_err(void **state)
{
	struct fixture *f = *state;

	/* err may be NULL: the code alone reports the stop. */
	TessBaseAPISetImage2(f->api, f->pix);
	TessBaseAPISetSourceResolution(f->api, 300);
	assert_int_equal(lt_recognize(f->api, 0.001, NULL), LT_EOCR);
	TessBaseAPIClear(f->api);
	TessBaseAPISetImage2(f->api, f->pix);
	TessBaseAPISetSourceResolution(f->api, 300);
	assert_int_equal(lt_recognize(f->api, 0, NULL), LT_OK);
	TessBaseAPIClear(f->api);
}

/* libtesseract's calls to pixWriteMem bind to recognize.c's, not to
 * Leptonica's: the symbol the program's global scope resolves is ours. */
static void test_pix_write_mem_is_ours_for_tesseract(void **state)
{
	(void)state;
	assert_ptr_equal(dlsym(RTLD_DEFAULT, "pixWriteMem"), (void *)pixWriteMem);
	assert_non_null(dlsym(RTLD_NEXT, "pixWriteMem"));
	assert_ptr_not_equal(dlsym(RTLD_NEXT, "pixWriteMem"), (void *)pixWriteMem);
}

/* Outside recognition a PNG asked for is a PNG, and it reads back. */
static void test_png_outside_recognition(void **state)
{
	struct fixture *f = *state;
	l_uint8 *data = NULL;
	size_t size = 0;
	PIX *back;
	l_int32 same = 0;

	assert_int_equal(pixWriteMem(&data, &size, f->pix, IFF_PNG), 0);
	assert_true(size > 8);
	assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
	back = pixReadMem(data, size);
	assert_non_null(back);
	pixEqual(back, f->pix, &same);
	assert_true(same);
	pixDestroy(&back);
	lept_free(data);
	/* Other formats go to Leptonica too. */
	assert_int_equal(pixWriteMem(&data, &size, f->pix, IFF_PNM), 0);
	assert_memory_equal(data, "P5", 2);
	lept_free(data);
}

/* hOCR (words, boxes, confidences) of the page recognised as Tesseract
 * does by itself and through lt_recognize. Returns: owned, TessDeleteText(). */
static char *hocr_of(struct fixture *f, bool through_lt_recognize)
{
	char *hocr;

	TessBaseAPISetImage2(f->api, f->pix);
	TessBaseAPISetSourceResolution(f->api, 300);
	if (through_lt_recognize)
		assert_int_equal(lt_recognize(f->api, 0, NULL), LT_OK);
	else
		assert_int_equal(TessBaseAPIRecognize(f->api, NULL), 0);
	hocr = TessBaseAPIGetHOCRText(f->api, 0);
	assert_non_null(hocr);
	TessBaseAPIClear(f->api);
	return hocr;
}

/* Word images handed over raw are the same images: every word, box and
 * confidence is what Tesseract's own PNG round trip gives. */
static void test_same_words_without_png(void **state)
{
	struct fixture *f = *state;
	char *own = hocr_of(f, false), *ours = hocr_of(f, true);

	assert_non_null(strstr(own, "Records"));
	assert_non_null(strstr(own, "x_wconf"));
	assert_string_equal(ours, own);
	TessDeleteText(own);
	TessDeleteText(ours);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_deadline_stops),
		cmocka_unit_test(test_generous_deadline_succeeds),
		cmocka_unit_test(test_no_deadline_and_null_err),
		cmocka_unit_test(test_pix_write_mem_is_ours_for_tesseract),
		cmocka_unit_test(test_png_outside_recognition),
		cmocka_unit_test(test_same_words_without_png),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
