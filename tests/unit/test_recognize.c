/* test_recognize.c - unit tests for recognize.h: the per-page deadline, on a
 * real page with the real vie+eng models. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_deadline_stops),
		cmocka_unit_test(test_generous_deadline_succeeds),
		cmocka_unit_test(test_no_deadline_and_null_err),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
