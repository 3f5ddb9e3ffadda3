/* test_marks.c - marks above and below letters: the geometry on drawn
 * shapes, and Vietnamese against English on real pages through
 * preprocessing (the upright analysis copy the OCR stage decides on).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "luutru/marks.h"
#include "luutru/preprocess.h"

/* What the OCR stage takes for too few marks to be Vietnamese
 * (stage_ocr.c: LATIN_MARK_RATE: 0.10), and the margins a page must keep
 * from it here: 0.24-0.35 measured on Vietnamese pages of text, 0.05-0.09 on
 * English ones. */
#define VIETNAMESE_AT_LEAST 0.20
#define ENGLISH_AT_MOST 0.08

/* Ink rectangle on a 1-bpp page. */
static void ink(PIX *bin, int x, int y, int w, int h)
{
	pixRasterop(bin, x, y, w, h, PIX_SET, NULL, 0, 0);
}

/* A 1000x400 page with ten "letters" 20x30 on a line, 40 px apart, from x = 100. */
static PIX *ten_letters(void)
{
	PIX *bin = pixCreate(1000, 400, 1);

	assert_non_null(bin);
	for (int i = 0; i < 10; i++)
		ink(bin, 100 + 60 * i, 200, 20, 30);
	return bin;
}

/* Ten "letters" 20x30 on a line, six small specks: a mark over the second,
 * one over the fifth at the widest gap allowed, a dot under the seventh,
 * and three that are no marks (beside a letter, far above, and a mark-sized
 * speck nowhere near). */
static void test_geometry(void **state)
{
	PIX *bin = ten_letters();
	struct lt_marks m;

	(void)state;
	ink(bin, 165, 190, 6, 6);              /* above letter 2: gap 4 */
	ink(bin, 345, 182, 6, 6);              /* above letter 5: gap 12 (0.6 m = 18) */
	ink(bin, 465, 236, 6, 6);              /* below letter 7: gap 6 */
	ink(bin, 130, 215, 6, 6);              /* beside letter 1, in the gap */
	ink(bin, 525, 120, 6, 6);              /* over letter 8, 74 px up */
	ink(bin, 900, 50, 6, 6);               /* alone */
	assert_int_equal(lt_marks_count(bin, &m), 0);
	assert_int_equal(m.letters, 10);
	assert_int_equal(m.marks, 3);
	assert_true(lt_marks_rate(&m) > 0.29 && lt_marks_rate(&m) < 0.31);
	assert_int_equal(m.specks, 0); /* 6 px: too big for dust */
	pixDestroy(&bin);
}

/* Specks are dust-sized components on no letter: one and two pixels apart
 * from the letters, not the same sizes over a letter or under it (marks at
 * that scale), nor three pixels (a full stop of small type). */
static void test_specks(void **state)
{
	PIX *bin = ten_letters();
	struct lt_marks m;

	(void)state;
	ink(bin, 900, 50, 1, 1);               /* alone */
	ink(bin, 50, 350, 2, 2);               /* alone */
	ink(bin, 132, 215, 2, 1);              /* beside letter 1, in the gap */
	ink(bin, 168, 195, 2, 2);              /* over letter 2 */
	ink(bin, 228, 233, 1, 2);              /* under letter 3 */
	ink(bin, 700, 300, 3, 3);              /* alone, but 3 px */
	assert_int_equal(lt_marks_count(bin, &m), 0);
	assert_int_equal(m.letters, 10);
	assert_int_equal(m.specks, 3);
	pixDestroy(&bin);
}

/* Nothing to measure: a blank page, a grey one, none. */
static void test_nothing_measured(void **state)
{
	PIX *blank = pixCreate(800, 600, 1), *grey = pixCreate(800, 600, 8);
	struct lt_marks m = { 5, 5, 5, 5 };

	(void)state;
	assert_int_equal(lt_marks_count(blank, &m), 0);
	assert_int_equal(m.letters, 0);
	assert_int_equal(m.letter_px, 0);
	assert_int_equal(m.specks, 0);
	assert_true(lt_marks_rate(&m) < 0);
	m.letters = m.marks = 5;
	assert_int_equal(lt_marks_count(grey, &m), 0);
	assert_int_equal(m.letters, 0);
	assert_int_equal(lt_marks_count(NULL, &m), 0);
	assert_int_equal(m.marks, 0);
	pixDestroy(&blank);
	pixDestroy(&grey);
}

/* The marks preprocessing measured on a page file, read at 300 ppi if its
 * header says nothing. */
static struct lt_marks page_marks(const char *path, int turn, struct lt_preprocess_result *res)
{
	PIX *pix = pixRead(path), *work = NULL;

	if (!pix)
		fail_msg("cannot read %s", path);
	if (turn) {
		PIX *turned = pixRotateOrth(pix, turn);

		pixDestroy(&pix);
		pix = turned;
	}
	if (pixGetXRes(pix) <= 0)
		pixSetResolution(pix, 300, 300);
	assert_int_equal(lt_preprocess_page(pix, NULL, &work, res, NULL), 0);
	pixDestroy(&work);
	pixDestroy(&pix);
	return res->marks;
}

static void test_vietnamese_and_english_pages(void **state)
{
	static const struct {
		const char *path;
		int vietnamese;
	} pages[] = {
		{ "samples/inbox/chi-thi-05-CT-TW.tif", 1 },
		{ "samples/inbox/quyet-dinh-1127.jpg", 1 },
		{ "samples/inbox/cong-van-12/page-02.png", 1 },
		{ "samples/inbox/letter-en.png", 0 },
	};
	struct lt_preprocess_result res;

	(void)state;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct lt_marks m = page_marks(pages[i].path, 0, &res);
		double rate = lt_marks_rate(&m);

		if (m.letters < 200 || (pages[i].vietnamese ? rate < VIETNAMESE_AT_LEAST
							    : rate > ENGLISH_AT_MOST))
			fail_msg("%s: %d letters, %d marks (%.3f a letter)", pages[i].path, m.letters,
				 m.marks, rate);
	}
}

/* A Vietnamese page on its side is measured once turned upright: on its
 * side its marks stand beside the letters, and it would count as English. */
static void test_measured_upright(void **state)
{
	struct lt_preprocess_result res;
	struct lt_marks m = page_marks("samples/inbox/chi-thi-05-CT-TW.tif", 1, &res);

	(void)state;
	assert_int_equal(res.orientation % 180, 90);
	assert_false(res.orientation_unsure);
	if (m.letters < 200 || lt_marks_rate(&m) < VIETNAMESE_AT_LEAST)
		fail_msg("turned page: %d letters, %d marks", m.letters, m.marks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_specks),
		cmocka_unit_test(test_nothing_measured),
		cmocka_unit_test(test_vietnamese_and_english_pages),
		cmocka_unit_test(test_measured_upright),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
