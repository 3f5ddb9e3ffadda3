/* test_handout.c - unit tests for handout.h: one image of a multi-page TIFF
 * comes out as a TIFF of its own with the same pixels and resolution; one
 * page of a PDF (written by pdf.c) comes out as a one-page PDF, the same
 * bytes each time; a page or image the file does not have, and a file that
 * is not what it should be, are refused naming the input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/handout.h"
#include "luutru/pdf.h"
#include "luutru/retrieve.h"

/* A page with a box drawn at a place of its own, so pages differ. */
static PIX *page_with_box(int depth, int seed)
{
	PIX *pix = pixCreate(300, 200, depth);
	BOX *box = boxCreate(20 + 30 * seed, 40, 50, 60);

	pixSetResolution(pix, 150, 150);
	if (depth == 1)
		pixSetInRect(pix, box);
	else
		pixSetAllArbitrary(pix, 255), pixClearInRect(pix, box);
	boxDestroy(&box);
	return pix;
}

static int scratch_with(const void *data, size_t len)
{
	struct lt_err err = { 0 };
	int fd = -1;

	assert_int_equal(lt_retrieve_scratch("test", &fd, &err), LT_OK);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static PIX *read_back(int fd)
{
	struct stat st;
	unsigned char *buf;
	PIX *pix;

	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	pix = pixReadMemTiff(buf, (size_t)st.st_size, 0);
	/* One image, no second. */
	assert_null(pixReadMemTiff(buf, (size_t)st.st_size, 1));
	free(buf);
	return pix;
}

static void tiff_pages(void **state, int depth)
{
	char path[] = "/tmp/test_handout.XXXXXX";
	PIX *pages[3], *got;
	struct lt_err err = { 0 };
	int fd = mkstemp(path), in, out, same = 0;
	FILE *f;
	size_t len;
	unsigned char *data;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (int i = 0; i < 3; i++) {
		pages[i] = page_with_box(depth, i);
		assert_int_equal(pixWriteTiff(path, pages[i], depth == 1 ? IFF_TIFF_G4 : IFF_TIFF_ZIP,
					      i ? "a" : "w"), 0);
	}
	f = fopen(path, "rb");
	assert_non_null(f);
	data = malloc(1 << 20);
	len = fread(data, 1, 1 << 20, f);
	fclose(f);
	unlink(path);
	in = scratch_with(data, len);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(lt_retrieve_scratch("out", &out, &err), LT_OK);
		assert_int_equal(lt_handout_tiff_page(in, "scan.tif", i, out, &err), LT_OK);
		got = read_back(out);
		assert_non_null(got);
		assert_int_equal(pixEqual(got, pages[i], &same), 0);
		assert_true(same);
		assert_int_equal(pixGetXRes(got), 150);
		pixDestroy(&got);
		close(out);
	}
	/* There is no fourth image. */
	assert_int_equal(lt_retrieve_scratch("out", &out, &err), LT_OK);
	assert_int_equal(lt_handout_tiff_page(in, "scan.tif", 3, out, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "scan.tif has 3 images"));
	close(out);
	close(in);
	free(data);
	for (int i = 0; i < 3; i++)
		pixDestroy(&pages[i]);
}

static void tiff_bitonal(void **state) { tiff_pages(state, 1); }
static void tiff_grey(void **state) { tiff_pages(state, 8); }

static void not_a_tiff(void **state)
{
	struct lt_err err = { 0 };
	int in = scratch_with("hello", 5), out;

	(void)state;
	assert_int_equal(lt_retrieve_scratch("out", &out, &err), LT_OK);
	assert_int_equal(lt_handout_tiff_page(in, "notes.tif", 0, out, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "notes.tif"));
	assert_int_equal(lt_handout_pdf_page(in, "notes.pdf", 1, out, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "notes.pdf"));
	close(in);
	close(out);
}

/* Pages of a PDF made by pdf.c, one at a time. */
static void pdf_page(void **state)
{
	char dir[] = "/tmp/test_handout.XXXXXX", path[64];
	struct lt_pdf_resources res;
	struct lt_pdf *pdf = NULL;
	struct lt_pdf_info info = { .title = "three pages", .producer = "test", .created = 1 };
	struct lt_err err = { 0 };
	struct stat st;
	int in, out[2];
	unsigned char *a, *b;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/doc.pdf", dir);
	assert_int_equal(lt_pdf_resources_load(NULL, NULL, &res, &err), LT_OK);
	assert_int_equal(lt_pdf_open(path, &res, &pdf, &err), LT_OK);
	for (int i = 0; i < 3; i++) {
		PIX *pix = page_with_box(1, i);
		struct lt_pdf_page page = { .pix = pix, .dpi = 150 };

		assert_int_equal(lt_pdf_add_page(pdf, &page, NULL, &err), LT_OK);
		pixDestroy(&pix);
	}
	assert_int_equal(lt_pdf_close(pdf, &info, &err), LT_OK);
	lt_pdf_resources_release(&res);
	in = open(path, O_RDONLY);
	assert_true(in >= 0);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(lt_retrieve_scratch("out", &out[k], &err), LT_OK);
		assert_int_equal(lt_handout_pdf_page(in, "doc.pdf", 2, out[k], &err), LT_OK);
	}
	/* The same page twice: the same bytes, a PDF, with one page in its tree. */
	assert_int_equal(fstat(out[0], &st), 0);
	a = malloc((size_t)st.st_size + 1);
	b = malloc((size_t)st.st_size + 1);
	assert_int_equal(pread(out[0], a, (size_t)st.st_size, 0), st.st_size);
	assert_int_equal(pread(out[1], b, (size_t)st.st_size + 1, 0), st.st_size);
	assert_memory_equal(a, b, (size_t)st.st_size);
	assert_memory_equal(a, "%PDF-", 5);
	a[st.st_size] = '\0';
	assert_non_null(memmem(a, (size_t)st.st_size, "/Count 1", 8));
	assert_non_null(memmem(a, (size_t)st.st_size, "/OutputIntents", 14));
	free(a);
	free(b);
	close(out[1]);
	/* No page 4, no page 0. */
	assert_int_equal(lt_handout_pdf_page(in, "doc.pdf", 4, out[0], &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "doc.pdf has 3 pages"));
	assert_int_equal(lt_handout_pdf_page(in, "doc.pdf", 0, out[0], &err), LT_EINPUT);
	close(out[0]);
	close(in);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tiff_bitonal),
		cmocka_unit_test(tiff_grey),
		cmocka_unit_test(not_a_tiff),
		cmocka_unit_test(pdf_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
