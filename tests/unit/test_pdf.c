/* test_pdf.c - unit tests for pdf.h on small synthetic pages: the PDF parses
 * back (header, objects where the cross-reference table says, trailer /ID),
 * each kind of image goes in the way the access copy promises (bitonal as
 * CCITT G4, grey, colour, colourmapped and 16-bit as lossless Flate, a JPEG
 * byte for byte), the text layer shows the words invisibly with Unicode
 * codes, the XMP packet and Info dictionary carry the same values, the
 * same input gives the same bytes, and failures name the file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "luutru/pdf.h"

struct fixture {
	char dir[64];
	struct lt_pdf_resources res;
};

static int setup(void **state)
{
	static struct fixture f;
	struct lt_err err = { 0 };

	snprintf(f.dir, sizeof(f.dir), "/tmp/test_pdf.XXXXXX");
	if (!mkdtemp(f.dir))
		return -1;
	if (lt_pdf_resources_load(NULL, NULL, &f.res, &err) != LT_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	lt_pdf_resources_release(&f->res);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *find(const struct lt_buf *b, const char *s)
{
	return memmem(b->data, b->len, s, strlen(s));
}

static size_t count(const struct lt_buf *b, const char *s)
{
	size_t n = 0;
	const char *p = b->data, *end = b->data + b->len;

	while ((p = memmem(p, (size_t)(end - p), s, strlen(s))) != NULL) {
		n++;
		p += strlen(s);
	}
	return n;
}

/* The structure a reader relies on: the header with its binary comment,
 * startxref pointing at the table, every in-use entry at "N 0 obj", and a
 * trailer with two equal 16-byte /ID strings. Returns the number of objects. */
static size_t check_structure(const struct lt_buf *b, char id[33])
{
	const char *sx, *xref, *trailer, *idp;
	unsigned long long at;
	size_t n, first;

	assert_true(b->len > 200);
	assert_memory_equal(b->data, "%PDF-1.7\n%", 10);
	for (int i = 10; i < 14; i++)
		assert_true((unsigned char)b->data[i] > 127);
	sx = NULL;
	for (const char *p = b->data; (p = memmem(p, b->len - (size_t)(p - b->data), "startxref\n", 10));
	     p++)
		sx = p;
	assert_non_null(sx);
	assert_int_equal(sscanf(sx, "startxref\n%llu", &at), 1);
	assert_true(at < b->len);
	xref = b->data + at;
	assert_memory_equal(xref, "xref\n", 5);
	assert_int_equal(sscanf(xref, "xref\n%zu %zu", &first, &n), 2);
	assert_int_equal(first, 0);
	xref = strchr(xref + 5, '\n') + 1;
	assert_memory_equal(xref, "0000000000 65535 f\r\n", 20);
	for (size_t i = 1; i < n; i++) {
		const char *e = xref + 20 * i;
		char want[32];
		unsigned long long off;

		assert_memory_equal(e + 10, " 00000 n\r\n", 10);
		assert_int_equal(sscanf(e, "%10llu", &off), 1);
		snprintf(want, sizeof(want), "%zu 0 obj\n", i);
		assert_true(off < b->len);
		assert_memory_equal(b->data + off, want, strlen(want));
	}
	trailer = find(b, "trailer\n<<");
	assert_non_null(trailer);
	idp = strstr(trailer, "/ID [<");
	assert_non_null(idp);
	memcpy(id, idp + 6, 32);
	id[32] = '\0';
	assert_int_equal(strspn(id, "0123456789abcdef"), 32);
	assert_memory_equal(idp + 6 + 32, "> <", 3);
	assert_memory_equal(idp + 6 + 35, id, 32);
	assert_null(find(b, "/Encrypt"));
	assert_null(find(b, "/JavaScript"));
	assert_null(find(b, "/LZWDecode"));
	return n - 1;
}

static void fill_rect(PIX *pix, int x, int y, int w, int h, l_uint32 val)
{
	for (int j = y; j < y + h; j++)
		for (int i = x; i < x + w; i++)
			pixSetPixel(pix, i, j, val);
}

static const struct lt_word words[] = {
	{ .text = "Quyết", .box = { 20, 30, 60, 20 }, .confidence = 90, .line = 0 },
	{ .text = "định", .box = { 90, 30, 50, 22 }, .confidence = 91, .line = 0 },
	{ .text = "Việt", .box = { 20, 70, 45, 20 }, .confidence = 88, .line = 1 },
};

static void write_pdf(struct fixture *f, const char *path, const char *title,
		      const struct lt_pdf_page *pages, size_t n, enum lt_pdf_encoding *enc)
{
	struct lt_pdf_info info = {
		.title = title,
		.author = "Ủy ban nhân dân tỉnh Quảng Ngãi",
		.subject = "Về việc lưu trữ",
		.producer = "luutru test",
		.created = 1700000000,
	};
	struct lt_pdf *pdf = NULL;
	struct lt_err err = { 0 };

	assert_int_equal(lt_pdf_open(path, &f->res, &pdf, &err), LT_OK);
	for (size_t i = 0; i < n; i++) {
		if (lt_pdf_add_page(pdf, &pages[i], &enc[i], &err) != LT_OK)
			fail_msg("page %zu: %s", i + 1, err.msg);
	}
	assert_int_equal(lt_pdf_pages(pdf), n);
	assert_int_equal(lt_pdf_close(pdf, &info, &err), LT_OK);
}

/* The inflated data of the image stream whose dictionary begins with dict. */
static void image_data(const struct lt_buf *b, const char *dict, struct lt_buf *out)
{
	const char *obj = find(b, dict), *data;
	size_t len, n = 0;
	unsigned char *raw;

	assert_non_null(obj);
	assert_int_equal(sscanf(strstr(obj, "/Length "), "/Length %zu", &len), 1);
	data = strstr(obj, "stream\n") + 7;
	raw = zlibUncompress((const l_uint8 *)data, len, &n);
	assert_non_null(raw);
	assert_int_equal(lt_buf_append(out, raw, n, NULL), LT_OK);
	free(raw);
}

/* Every kind of page image, in one document. */
static void test_images(void **state)
{
	struct fixture *f = *state;
	PIX *bitonal = pixCreate(200, 120, 1), *grey = pixCreate(200, 120, 8),
		*colour = pixCreate(200, 120, 32), *mapped = pixCreate(64, 48, 8),
		*deep = pixCreate(64, 48, 16), *jpeg_pix;
	char path[128], jpeg[128];
	struct lt_buf b = LT_BUF_INIT, jb = LT_BUF_INIT;
	enum lt_pdf_encoding enc[9];
	char id[33], png[128], png1[128], pngp[128];

	fill_rect(bitonal, 10, 10, 50, 30, 1);
	fill_rect(grey, 0, 0, 200, 120, 200);
	fill_rect(grey, 30, 30, 40, 40, 17);
	fill_rect(colour, 10, 10, 100, 50, 0xff000000);
	pixSetColormap(mapped, pixcmapCreateLinear(8, 4));
	fill_rect(mapped, 5, 5, 20, 20, 2);
	fill_rect(deep, 5, 5, 20, 20, 40000);
	snprintf(jpeg, sizeof(jpeg), "%s/scan.jpg", f->dir);
	assert_int_equal(pixWrite(jpeg, colour, IFF_JFIF_JPEG), 0);
	jpeg_pix = pixRead(jpeg);
	assert_non_null(jpeg_pix);
	snprintf(png, sizeof(png), "%s/scan.png", f->dir);
	assert_int_equal(pixWrite(png, grey, IFF_PNG), 0);
	snprintf(png1, sizeof(png1), "%s/scan1.png", f->dir);
	assert_int_equal(pixWrite(png1, bitonal, IFF_PNG), 0);
	snprintf(pngp, sizeof(pngp), "%s/scanp.png", f->dir);
	assert_int_equal(pixWrite(pngp, mapped, IFF_PNG), 0);

	struct lt_pdf_page pages[] = {
		{ .pix = bitonal, .dpi = 300, .words = words, .n_words = 3 },
		{ .pix = grey, .dpi = 150 },
		{ .pix = colour, .dpi = 0 },
		{ .pix = mapped, .dpi = 72 },
		{ .pix = deep, .dpi = 300 },
		{ .jpeg_path = jpeg, .pix = jpeg_pix, .dpi = 300 },
		{ .png_path = png, .pix = grey, .dpi = 300 },
		{ .png_path = png1, .pix = bitonal, .dpi = 300 },
		{ .png_path = pngp, .pix = mapped, .dpi = 300 },
	};

	snprintf(path, sizeof(path), "%s/images.pdf", f->dir);
	write_pdf(f, path, "Quyết định 1127", pages, 9, enc);
	assert_int_equal(enc[0], LT_PDF_G4);
	assert_int_equal(enc[1], LT_PDF_FLATE);
	assert_int_equal(enc[2], LT_PDF_FLATE);
	assert_int_equal(enc[3], LT_PDF_FLATE);
	assert_int_equal(enc[4], LT_PDF_FLATE);
	assert_int_equal(enc[5], LT_PDF_JPEG);
	/* A grey PNG's rows go in as they are; a bitonal one still as G4. */
	assert_int_equal(enc[6], LT_PDF_PNG);
	assert_int_equal(enc[7], LT_PDF_G4);
	/* A palette PNG keeps its palette. */
	assert_int_equal(enc[8], LT_PDF_PNG);
	read_file(path, &b);
	check_structure(&b, id);
	assert_int_equal(count(&b, "/Type /Page "), 9);
	assert_non_null(find(&b, "/Count 9"));
	assert_non_null(find(&b, "/Width 64 /Height 48 /BitsPerComponent 8 /ColorSpace [/Indexed "
			     "/DeviceRGB 3 "));
	assert_int_equal(count(&b, "/CCITTFaxDecode"), 2);
	assert_non_null(find(&b, "/DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 "
			     "/Columns 200 >>"));
	assert_non_null(find(&b, "/K -1 /Columns 200 /Rows 120"));
	assert_int_equal(count(&b, "/DCTDecode"), 1);
	assert_null(find(&b, "/Interpolate"));
	/* 300 dpi: 200 px = 48 pt; 150 dpi: 96 pt; unknown is 300. */
	assert_non_null(find(&b, "/MediaBox [0 0 48.0000 28.8000]"));
	assert_non_null(find(&b, "/MediaBox [0 0 96.0000 57.6000]"));
	/* Colour as RGB, the grey ones as Gray: no image lost its colour. */
	assert_true(count(&b, "/ColorSpace /DeviceRGB") >= 2);
	assert_true(count(&b, "/ColorSpace /DeviceGray") >= 3);
	/* Flate is lossless: the grey and colour pixels come back as they were. */
	{
		struct lt_buf g = LT_BUF_INIT, rgb = LT_BUF_INIT;

		image_data(&b, "/Width 200 /Height 120 /BitsPerComponent 8 /ColorSpace /DeviceGray "
			   "/Filter /FlateDecode /Length", &g);
		assert_int_equal(g.len, 200 * 120);
		for (int y = 0; y < 120; y++)
			for (int x = 0; x < 200; x++) {
				l_uint32 v;

				pixGetPixel(grey, x, y, &v);
				assert_int_equal((unsigned char)g.data[y * 200 + x], v);
			}
		image_data(&b, "/Width 200 /Height 120 /BitsPerComponent 8 /ColorSpace /DeviceRGB "
			   "/Filter /FlateDecode /Length", &rgb);
		assert_int_equal(rgb.len, 3 * 200 * 120);
		for (int y = 0; y < 120; y++)
			for (int x = 0; x < 200; x++) {
				l_int32 r, gr, bl;

				pixGetRGBPixel(colour, x, y, &r, &gr, &bl);
				assert_int_equal((unsigned char)rgb.data[3 * (y * 200 + x)], r);
				assert_int_equal((unsigned char)rgb.data[3 * (y * 200 + x) + 1], gr);
				assert_int_equal((unsigned char)rgb.data[3 * (y * 200 + x) + 2], bl);
			}
		lt_buf_release(&g);
		lt_buf_release(&rgb);
	}
	/* The JPEG's bytes are in the file as they are. */
	read_file(jpeg, &jb);
	assert_non_null(memmem(b.data, b.len, jb.data, jb.len));
	lt_buf_release(&b);
	lt_buf_release(&jb);
	pixDestroy(&bitonal);
	pixDestroy(&grey);
	pixDestroy(&colour);
	pixDestroy(&mapped);
	pixDestroy(&deep);
	pixDestroy(&jpeg_pix);
}

/* A JPEG whose size is not the page's is not passed through. */
static void test_jpeg_mismatch(void **state)
{
	struct fixture *f = *state;
	PIX *small = pixCreate(40, 30, 8), *other = pixCreate(50, 30, 8);
	char path[128], jpeg[128];
	enum lt_pdf_encoding enc[1];

	snprintf(jpeg, sizeof(jpeg), "%s/small.jpg", f->dir);
	assert_int_equal(pixWrite(jpeg, small, IFF_JFIF_JPEG), 0);
	struct lt_pdf_page pages[] = { { .jpeg_path = jpeg, .pix = other, .dpi = 300 } };

	snprintf(path, sizeof(path), "%s/mismatch.pdf", f->dir);
	write_pdf(f, path, "t", pages, 1, enc);
	assert_int_equal(enc[0], LT_PDF_FLATE);
	pixDestroy(&small);
	pixDestroy(&other);
}

/* The content stream of the first page, inflated. */
static void first_contents(const struct lt_buf *b, struct lt_buf *out)
{
	const char *page = find(b, "/Type /Page "), *c;
	char want[32];
	int num;
	const char *obj, *data;
	size_t len, n = 0;
	unsigned char *raw;

	assert_non_null(page);
	c = strstr(page, "/Contents ");
	assert_non_null(c);
	assert_int_equal(sscanf(c, "/Contents %d 0 R", &num), 1);
	snprintf(want, sizeof(want), "\n%d 0 obj\n", num);
	obj = find(b, want);
	assert_non_null(obj);
	assert_int_equal(sscanf(strstr(obj, "/Length "), "/Length %zu", &len), 1);
	data = strstr(obj, "stream\n") + 7;
	raw = zlibUncompress((const l_uint8 *)data, len, &n);
	assert_non_null(raw);
	assert_int_equal(lt_buf_append(out, raw, n, NULL), LT_OK);
	free(raw);
}

/* The words: invisible, one text object per line, Unicode codes, each on
 * its box (48 dpi: 1 px = 1.5 pt). */
static void test_text_layer(void **state)
{
	struct fixture *f = *state;
	PIX *pix = pixCreate(200, 120, 8);
	char path[128], id[33];
	struct lt_buf b = LT_BUF_INIT, c = LT_BUF_INIT;
	enum lt_pdf_encoding enc[1];
	struct lt_pdf_page pages[] = { { .pix = pix, .dpi = 48, .words = words, .n_words = 3 } };

	snprintf(path, sizeof(path), "%s/text.pdf", f->dir);
	write_pdf(f, path, "t", pages, 1, enc);
	read_file(path, &b);
	check_structure(&b, id);
	first_contents(&b, &c);
	assert_int_equal(count(&c, "BT\n"), 2);
	assert_int_equal(count(&c, "3 Tr"), 2);
	/* "Quyết " then "định" (the line's last has no trailing space). */
	assert_non_null(find(&c, "<0051007500791EBF00740020> Tj"));
	assert_non_null(find(&c, "<01111ECB006E0068> Tj"));
	assert_non_null(find(&c, "<005600691EC70074> Tj"));
	/* Quyết: left 20 px = 30 pt; line bottom 52 px from the top of 120:
	 * 68 px up = 102 pt; line height 22 px = 33 pt. */
	assert_non_null(find(&c, "1 0 0 1 30.00 102.00 Tm"));
	assert_non_null(find(&c, "/F1 33.00 Tf"));
	/* The font: embedded, widths from the program, a ToUnicode map. */
	assert_non_null(find(&b, "/FontFile2 "));
	assert_non_null(find(&b, "/ToUnicode "));
	assert_non_null(find(&b, "/CIDToGIDMap "));
	assert_non_null(find(&b, "/DW 500 "));
	lt_buf_release(&b);
	lt_buf_release(&c);
	pixDestroy(&pix);
}

/* A page scanned sideways is shown upright (/Rotate), its words laid out
 * upright and turned onto the master. */
static void test_rotation(void **state)
{
	struct fixture *f = *state;
	PIX *pix = pixCreate(120, 200, 8);
	char path[128], id[33];
	struct lt_buf b = LT_BUF_INIT, c = LT_BUF_INIT;
	enum lt_pdf_encoding enc[1];
	struct lt_pdf_page pages[] = { { .pix = pix, .dpi = 72, .orientation = 90, .words = words,
					 .n_words = 1 } };

	snprintf(path, sizeof(path), "%s/turned.pdf", f->dir);
	write_pdf(f, path, "t", pages, 1, enc);
	read_file(path, &b);
	check_structure(&b, id);
	assert_non_null(find(&b, "/Rotate 90 "));
	assert_non_null(find(&b, "/MediaBox [0 0 120.0000 200.0000]"));
	first_contents(&b, &c);
	assert_non_null(find(&c, "q 0 1 -1 0 120.0000 0.0000 cm"));
	lt_buf_release(&b);
	lt_buf_release(&c);
	pixDestroy(&pix);
}

/* Info and XMP say the same; the title survives in UTF-16. */
static void test_metadata(void **state)
{
	struct fixture *f = *state;
	PIX *pix = pixCreate(20, 20, 1);
	char path[128], id[33];
	struct lt_buf b = LT_BUF_INIT;
	enum lt_pdf_encoding enc[1];
	struct lt_pdf_page pages[] = { { .pix = pix } };

	snprintf(path, sizeof(path), "%s/meta.pdf", f->dir);
	write_pdf(f, path, "Việt", pages, 1, enc);
	read_file(path, &b);
	check_structure(&b, id);
	assert_non_null(find(&b, "<pdfaid:part>2</pdfaid:part>"));
	assert_non_null(find(&b, "<pdfaid:conformance>B</pdfaid:conformance>"));
	assert_non_null(find(&b, "<rdf:li xml:lang=\"x-default\">Việt</rdf:li>"));
	assert_non_null(find(&b, "/Title <FEFF005600691EC70074>"));
	assert_non_null(find(&b, "<xmp:CreateDate>2023-11-14T22:13:20Z</xmp:CreateDate>"));
	assert_non_null(find(&b, "/CreationDate (D:20231114221320Z)"));
	assert_non_null(find(&b, "<pdf:Producer>luutru test</pdf:Producer>"));
	assert_non_null(find(&b, "<?xpacket end=\"w\"?>"));
	assert_non_null(find(&b, "/Type /Metadata /Subtype /XML /Length"));
	assert_non_null(find(&b, "/S /GTS_PDFA1"));
	assert_non_null(find(&b, " /N 3 /Filter /FlateDecode"));
	lt_buf_release(&b);
	pixDestroy(&pix);
}

/* A label from a legacy-encoded file name with a control character still
 * makes well-formed XMP and the same title in Info. */
static void test_dirty_title(void **state)
{
	struct fixture *f = *state;
	PIX *pix = pixCreate(20, 20, 1);
	char path[128], id[33];
	struct lt_buf b = LT_BUF_INIT;
	enum lt_pdf_encoding enc[1];
	struct lt_pdf_page pages[] = { { .pix = pix } };

	snprintf(path, sizeof(path), "%s/dirty.pdf", f->dir);
	write_pdf(f, path, "bad\xff\x01name <&>", pages, 1, enc);
	read_file(path, &b);
	check_structure(&b, id);
	assert_non_null(find(&b, "x-default\">bad\xEF\xBF\xBD name &lt;&amp;&gt;</rdf:li>"));
	assert_non_null(find(&b, "/Title <FEFF006200610064FFFD0020006E0061006D00650020003C0026003E>"));
	lt_buf_release(&b);
	pixDestroy(&pix);
}

/* The same input gives the same bytes; another title another /ID. */
static void test_deterministic(void **state)
{
	struct fixture *f = *state;
	PIX *pix = pixCreate(60, 40, 8);
	char p1[128], p2[128], p3[128], id1[33], id2[33], id3[33];
	struct lt_buf a = LT_BUF_INIT, b = LT_BUF_INIT, c = LT_BUF_INIT;
	enum lt_pdf_encoding enc[1];
	struct lt_pdf_page pages[] = { { .pix = pix, .words = words, .n_words = 3 } };

	snprintf(p1, sizeof(p1), "%s/d1.pdf", f->dir);
	snprintf(p2, sizeof(p2), "%s/d2.pdf", f->dir);
	snprintf(p3, sizeof(p3), "%s/d3.pdf", f->dir);
	write_pdf(f, p1, "same", pages, 1, enc);
	write_pdf(f, p2, "same", pages, 1, enc);
	write_pdf(f, p3, "other", pages, 1, enc);
	read_file(p1, &a);
	read_file(p2, &b);
	read_file(p3, &c);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	check_structure(&a, id1);
	check_structure(&b, id2);
	check_structure(&c, id3);
	assert_string_equal(id1, id2);
	assert_string_not_equal(id1, id3);
	lt_buf_release(&a);
	lt_buf_release(&b);
	lt_buf_release(&c);
	pixDestroy(&pix);
}

/* Failures name the file and leave nothing half-written behind. */
static void test_errors(void **state)
{
	struct fixture *f = *state;
	struct lt_pdf_resources res;
	struct lt_pdf_info info = { .title = "t", .producer = "p" }, untitled = { .producer = "p" };
	struct lt_pdf *pdf = NULL;
	struct lt_err err = { 0 };
	PIX *pix = pixCreate(20, 20, 8);
	struct lt_pdf_page bad = { .pix = pix, .orientation = 45 };
	char path[128], notfont[128];

	assert_int_equal(lt_pdf_resources_load("/nonexistent/pdf.ttf", NULL, &res, &err),
			 LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "/nonexistent/pdf.ttf"));
	assert_non_null(strstr(err.msg, "tesseract-ocr"));
	snprintf(notfont, sizeof(notfont), "%s/notfont.ttf", f->dir);
	write_file(notfont, "not a font at all, not at all", 29);
	assert_int_equal(lt_pdf_resources_load(notfont, NULL, &res, &err), LT_EINTERNAL);
	assert_non_null(strstr(err.msg, notfont));
	/* A grey profile cannot be the sRGB OutputIntent. */
	assert_int_equal(lt_pdf_resources_load(NULL, "/usr/share/color/icc/Gray.icc", &res, &err),
			 LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "Gray.icc"));
	assert_int_equal(lt_pdf_resources_load(NULL, "/nonexistent/sRGB.icc", &res, &err),
			 LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "icc-profiles-free"));

	assert_int_equal(lt_pdf_open("/nonexistent/dir/a.pdf", &f->res, &pdf, &err), LT_EIO);
	assert_null(pdf);
	assert_non_null(strstr(err.msg, "/nonexistent/dir/a.pdf"));

	snprintf(path, sizeof(path), "%s/bad.pdf", f->dir);
	assert_int_equal(lt_pdf_open(path, &f->res, &pdf, &err), LT_OK);
	assert_int_equal(lt_pdf_add_page(pdf, &bad, NULL, &err), LT_EINTERNAL);
	assert_non_null(strstr(err.msg, path));
	/* No pages: not a PDF to keep. */
	assert_int_equal(lt_pdf_close(pdf, &info, &err), LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "no pages"));
	assert_false(exists(path));

	/* No title: refused, nothing left. */
	bad.orientation = 0;
	assert_int_equal(lt_pdf_open(path, &f->res, &pdf, &err), LT_OK);
	assert_int_equal(lt_pdf_add_page(pdf, &bad, NULL, &err), LT_OK);
	assert_int_equal(lt_pdf_close(pdf, &untitled, &err), LT_EINTERNAL);
	assert_non_null(strstr(err.msg, "title"));
	assert_false(exists(path));

	assert_int_equal(lt_pdf_open(path, &f->res, &pdf, &err), LT_OK);
	lt_pdf_discard(pdf);
	assert_false(exists(path));
	pixDestroy(&pix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_jpeg_mismatch),
		cmocka_unit_test(test_text_layer),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_dirty_title),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
