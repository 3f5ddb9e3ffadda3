/* test_recognize.c - unit tests for recognize.h and tess_runtime.h: the
 * per-page deadline, and recognition without the PNG round trip of word
 * images, OpenMP teams or Leptonica's brick morphology, on a real page with
 * the real vie+eng models.
 * Built with -fopenmp (Makefile) for regions of its own. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <leptonica/allheaders.h>
#include <omp.h>
#include <string.h>
#include <tesseract/capi.h>

#include "luutru/recognize.h"
#include "luutru/tess_runtime.h"
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

/* libtesseract's calls bind to tess_runtime.c's definitions, not to the
 * libraries': the symbols the program's global scope resolves are ours. */
static void test_runtime_functions_are_ours(void **state)
{
	static const struct {
		const char *name;
		void *ours;
	} fns[] = {
		{ "pixWriteMem", (void *)pixWriteMem },
		{ "pixOpenBrick", (void *)pixOpenBrick },
		{ "pixCloseBrick", (void *)pixCloseBrick },
		{ "pixClipBoxToForeground", (void *)pixClipBoxToForeground },
		{ "GOMP_parallel", (void *)GOMP_parallel },
		{ "GOMP_parallel_sections", (void *)GOMP_parallel_sections },
		{ "GOMP_sections_next", (void *)GOMP_sections_next },
		{ "GOMP_sections_end_nowait", (void *)GOMP_sections_end_nowait },
	};

	(void)state;
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		void *library = dlsym(RTLD_NEXT, fns[i].name);

		assert_ptr_equal(dlsym(RTLD_DEFAULT, fns[i].name), fns[i].ours);
		assert_non_null(library);
		assert_ptr_not_equal(library, fns[i].ours);
	}
}

/* Regions shaped as Tesseract's LSTM writes them (parallel, sections
 * nowait) and a parallel loop. order: the sections in the order they ran;
 * level: omp_get_level() inside each section; loop_level, loop_threads:
 * inside the loop; loop_sum: of its indices. */
struct regions {
	int order[4], level[4], ran;
	int loop_level, loop_threads, loop_sum;
};

static void run_regions(struct regions *r, int threads)
{
	memset(r, 0, sizeof *r);
#pragma omp parallel if (threads > 1) num_threads(threads)
	{
#pragma omp sections nowait
		{
#pragma omp section
			{ r->order[r->ran] = 1; r->level[r->ran++] = omp_get_level(); }
#pragma omp section
			{ r->order[r->ran] = 2; r->level[r->ran++] = omp_get_level(); }
#pragma omp section
			{ r->order[r->ran] = 3; r->level[r->ran++] = omp_get_level(); }
#pragma omp section
			{ r->order[r->ran] = 4; r->level[r->ran++] = omp_get_level(); }
		}
	}
#pragma omp parallel for num_threads(threads)
	for (int i = 1; i <= 10; i++) {
		r->loop_level = omp_get_level();
		r->loop_threads = omp_get_num_threads();
		r->loop_sum += i;
	}
}

/* On a recognising thread with a thread limit of 1, the regions run inline
 * (no team: level 0), every section once and in order, every iteration;
 * off the mark, libgomp runs them (a team of one: level 1). */
static void test_openmp_regions_inline_while_recognising(void **state)
{
	struct regions r;

	(void)state;
	if (omp_get_thread_limit() != 1)
		skip(); /* tests/run.sh sets OMP_THREAD_LIMIT=1, as the engine does */
	lt_tess_runtime_recognising(true);
	run_regions(&r, 4);
	lt_tess_runtime_recognising(false);
	assert_int_equal(r.ran, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(r.order[i], i + 1);
		assert_int_equal(r.level[i], 0);
	}
	assert_int_equal(r.loop_level, 0);
	assert_int_equal(r.loop_threads, 1);
	assert_int_equal(r.loop_sum, 55);

	run_regions(&r, 4);
	assert_int_equal(r.ran, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r.level[i], 1);
	assert_int_equal(r.loop_level, 1);
	assert_int_equal(r.loop_sum, 55);
}

/* The C library takes every heap setting (a refused one would cost speed,
 * silently). */
static void test_keep_heap_settings_taken(void **state)
{
	(void)state;
#ifdef __SANITIZE_ADDRESS__
	skip(); /* AddressSanitizer's allocator takes no mallopt settings */
#endif
	assert_true(lt_tess_runtime_keep_heap());
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

/* pixOpenBrick by 15x1 on a recognising thread under the boundary
 * condition bc: whether the run at the left edge (edge) and the one in the
 * middle (middle) are still ON. */
static void open_marked(PIX *pix, l_int32 bc, l_uint32 *edge, l_uint32 *middle)
{
	PIX *open;

	lt_tess_runtime_recognising(true);
	resetMorphBoundaryCondition(bc);
	open = pixOpenBrick(NULL, pix, 15, 1);
	resetMorphBoundaryCondition(ASYMMETRIC_MORPH_BC);
	lt_tess_runtime_recognising(false);
	assert_non_null(open);
	pixGetPixel(open, 0, 5, edge);
	pixGetPixel(open, 20, 10, middle);
	pixDestroy(&open);
}

/* While a thread recognises, pixOpenBrick is brick.c's only under
 * Leptonica's default boundary condition: with the symmetric one (pixels
 * outside ON for erosion) Leptonica's own answers. A run of 10 pixels from
 * the left edge survives an opening by 15 only under the symmetric one. */
static void test_bricks_follow_boundary_condition(void **state)
{
	PIX *pix = pixCreate(40, 20, 1);
	l_uint32 edge = 9, middle = 9;

	(void)state;
	pixRasterop(pix, 0, 5, 10, 1, PIX_SET, NULL, 0, 0);
	pixRasterop(pix, 5, 10, 30, 1, PIX_SET, NULL, 0, 0);
	open_marked(pix, SYMMETRIC_MORPH_BC, &edge, &middle);
	assert_int_equal(edge, 1);
	assert_int_equal(middle, 1);
	open_marked(pix, ASYMMETRIC_MORPH_BC, &edge, &middle);
	assert_int_equal(edge, 0);
	assert_int_equal(middle, 1);
	pixDestroy(&pix);
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

/* Without the PNG round trip, the OpenMP teams, Leptonica's brick
 * morphology and its pixel-by-pixel blob boxes, every word, box and
 * confidence is what Tesseract gives by itself. */
static void test_same_words_lean(void **state)
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
		cmocka_unit_test(test_runtime_functions_are_ours),
		cmocka_unit_test(test_openmp_regions_inline_while_recognising),
		cmocka_unit_test(test_keep_heap_settings_taken),
		cmocka_unit_test(test_png_outside_recognition),
		cmocka_unit_test(test_bricks_follow_boundary_condition),
		cmocka_unit_test(test_same_words_lean),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
