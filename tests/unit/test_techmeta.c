/* test_techmeta.c - unit tests for techmeta.h on real files written here:
 * a two-page TIFF whose pages carry different scanner tags, resolution in
 * centimetres and G4/LZW compression; a PNG without tags; garbage and
 * non-UTF-8 tags, which are dropped rather than guessed at or failing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <jansson.h>
#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "luutru/techmeta.h"

static char dir[] = "/tmp/lt-techmeta-XXXXXX";

static void write_tiff_page(TIFF *tif, int bitonal, const char *make, const char *model,
			    const char *when, float res, uint16_t unit)
{
	const uint32_t w = 64, h = 32;
	unsigned char row[64 * 3];

	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bitonal ? 1 : 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, bitonal ? 1 : 3);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, bitonal ? PHOTOMETRIC_MINISWHITE : PHOTOMETRIC_RGB);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, bitonal ? COMPRESSION_CCITTFAX4 : COMPRESSION_LZW);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, h);
	if (make)
		TIFFSetField(tif, TIFFTAG_MAKE, make);
	if (model)
		TIFFSetField(tif, TIFFTAG_MODEL, model);
	if (when)
		TIFFSetField(tif, TIFFTAG_DATETIME, when);
	if (res > 0) {
		TIFFSetField(tif, TIFFTAG_XRESOLUTION, res);
		TIFFSetField(tif, TIFFTAG_YRESOLUTION, res);
		TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, unit);
	}
	memset(row, 0x5a, sizeof(row));
	for (uint32_t y = 0; y < h; y++)
		assert_int_equal(TIFFWriteScanline(tif, row, y, 0), 1);
	assert_int_equal(TIFFWriteDirectory(tif), 1);
}

static void read_page(const char *path, const char *ext, int index, struct lt_page_tech *t)
{
	PIX *pix = strcmp(ext, "tif") == 0 ? pixReadTiff(path, index) : pixRead(path);
	struct lt_err err = { 0 };

	assert_non_null(pix);
	assert_int_equal(lt_techmeta_read(path, ext, index, pix, t, &err), LT_OK);
	pixDestroy(&pix);
}

static void test_tiff_pages_and_tags(void **state)
{
	char path[128];
	struct lt_page_tech t;
	TIFF *tif;

	(void)state;
	snprintf(path, sizeof(path), "%s/scan.tif", dir);
	tif = TIFFOpen(path, "w");
	assert_non_null(tif);
	write_tiff_page(tif, 1, "Fujitsu  ", "fi-7160", "2024:03:01 10:22:05", 300, RESUNIT_INCH);
	write_tiff_page(tif, 0, "Canon", "DR-C225", "not a date", 118.11f, RESUNIT_CENTIMETER);
	TIFFClose(tif);

	read_page(path, "tif", 0, &t);
	assert_string_equal(t.format, "tiff");
	assert_string_equal(t.mime, "image/tiff");
	assert_int_equal(t.width, 64);
	assert_int_equal(t.height, 32);
	assert_string_equal(t.colour, "bitonal");
	assert_int_equal(t.bits_per_sample, 1);
	assert_string_equal(t.compression, "ccitt-g4");
	assert_string_equal(t.make, "Fujitsu"); /* padding trimmed */
	assert_string_equal(t.model, "fi-7160");
	assert_string_equal(t.capture_time, "2024-03-01T10:22:05");
	assert_int_equal(t.xres, 300);

	read_page(path, "tif", 1, &t);
	assert_string_equal(t.colour, "rgb");
	assert_int_equal(t.samples_per_pixel, 3);
	assert_string_equal(t.compression, "lzw");
	assert_string_equal(t.make, "Canon");
	assert_string_equal(t.model, "DR-C225");
	assert_string_equal(t.capture_time, ""); /* a malformed date is dropped, not kept */
	assert_int_equal(t.xres, 300);           /* 118.11 per cm */
}

static void test_png_without_tags(void **state)
{
	char path[128];
	struct lt_page_tech t;
	PIX *pix = pixCreate(40, 20, 8);

	(void)state;
	snprintf(path, sizeof(path), "%s/page.png", dir);
	pixSetAllArbitrary(pix, 200);
	assert_int_equal(pixWrite(path, pix, IFF_PNG), 0);
	pixDestroy(&pix);
	read_page(path, "png", 0, &t);
	assert_string_equal(t.format, "png");
	assert_string_equal(t.colour, "grey");
	assert_int_equal(t.bits_per_sample, 8);
	assert_int_equal(t.xres, 0); /* not recorded: stays unknown */
	assert_string_equal(t.make, "");
	assert_string_equal(t.capture_time, "");
}

static void test_json(void **state)
{
	char path[128], *json = NULL;
	struct lt_page_tech t;
	struct lt_err err = { 0 };
	TIFF *tif;
	json_t *o;

	(void)state;
	snprintf(path, sizeof(path), "%s/latin1.tif", dir);
	tif = TIFFOpen(path, "w");
	assert_non_null(tif);
	/* "Sói" in Latin-1: not UTF-8, must not reach the JSON. */
	write_tiff_page(tif, 1, "S\xf3i", "X1", NULL, 0, RESUNIT_INCH);
	TIFFClose(tif);
	read_page(path, "tif", 0, &t);
	assert_int_equal(lt_techmeta_to_json(&t, 1234, "ab12", &json, &err), LT_OK);
	o = json_loads(json, 0, NULL);
	assert_non_null(o);
	assert_null(json_object_get(o, "scanner_make"));
	assert_string_equal(json_string_value(json_object_get(o, "scanner_model")), "X1");
	assert_int_equal(json_integer_value(json_object_get(o, "file_size")), 1234);
	assert_string_equal(json_string_value(json_object_get(o, "sha256")), "ab12");
	assert_null(json_object_get(o, "xres"));
	assert_null(json_object_get(o, "capture_time"));
	json_decref(o);
	free(json);
}

static void test_garbage_file(void **state)
{
	char path[128];
	struct lt_page_tech t;
	struct lt_err err = { 0 };
	PIX *pix = pixCreate(8, 8, 1);

	(void)state;
	/* Decoded elsewhere, but the file itself is not a TIFF any more: the
	 * tags are simply absent. */
	snprintf(path, sizeof(path), "%s/junk.tif", dir);
	write_file(path, "II*\0garbage", 11);
	assert_int_equal(lt_techmeta_read(path, "tif", 0, pix, &t, &err), LT_OK);
	assert_string_equal(t.colour, "bitonal");
	assert_string_equal(t.make, "");
	assert_int_equal(lt_techmeta_read(path, "tif", 0, NULL, &t, &err), LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "junk.tif"));
	pixDestroy(&pix);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiff_pages_and_tags),
		cmocka_unit_test(test_png_without_tags),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_garbage_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
