/* bench/access-pdf/bench.c - what writing the access PDF costs next to
 * reading a page: for each page given, the time Tesseract takes to
 * recognise it (vie+eng, automatic layout, as the OCR stage does, without
 * its preprocessing) and the time lt_pdf_add_page takes to write it (image
 * encoding and text layer), all pages into one PDF. Built and run by
 * bench/access-pdf/run.sh against the objects of a normal build. */
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <tesseract/capi.h>

#include "luutru/fsutil.h"
#include "luutru/pdf.h"
#include "luutru/preprocess.h"
#include "luutru/transform.h"

int main(int argc, char **argv)
{
	struct lt_pdf_resources res;
	struct lt_pdf *pdf = NULL;
	struct lt_err err = { 0 };
	struct lt_pdf_info info = { .title = "bench", .producer = "luutru bench", .created = 0 };
	TessBaseAPI *api = TessBaseAPICreate();
	double ocr_total = 0, pdf_total = 0, t;
	const char *langs = getenv("LANGS") ? getenv("LANGS") : "vie+eng";

	if (argc < 3) {
		fprintf(stderr, "usage: %s OUT.pdf PAGE...\n", argv[0]);
		return 2;
	}
	if (TessBaseAPIInit3(api, NULL, langs) != 0 ||
	    lt_pdf_resources_load(NULL, NULL, &res, &err) != LT_OK ||
	    lt_pdf_open(argv[1], &res, &pdf, &err) != LT_OK) {
		fprintf(stderr, "bench: %s\n", err.msg[0] ? err.msg : "cannot start Tesseract");
		return 1;
	}
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	printf("%-36s %9s %9s %7s  %s\n", "page", "ocr s", "pdf s", "pdf %", "image");
	for (int i = 2; i < argc; i++) {
		PIX *pix = pixRead(argv[i]);
		struct lt_page_transform tf;
		struct lt_buf text = LT_BUF_INIT;
		struct lt_word *words = NULL;
		size_t n = 0;
		enum lt_pdf_encoding enc;
		const char *dot = strrchr(argv[i], '.');
		int jpeg = dot && (strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0);
		int png = dot && strcasecmp(dot, ".png") == 0;
		double ocr, pw;

		if (!pix) {
			fprintf(stderr, "bench: cannot read '%s'\n", argv[i]);
			return 1;
		}
		lt_transform_identity(&tf, pixGetWidth(pix), pixGetHeight(pix));
		t = lt_monotonic_seconds();
		TessBaseAPISetImage2(api, pix);
		TessBaseAPISetSourceResolution(api, pixGetXRes(pix) > 0 ? pixGetXRes(pix) : 300);
		if (TessBaseAPIRecognize(api, NULL) != 0 ||
		    lt_reading_order(api, &tf, &text, &words, &n, &err) != LT_OK) {
			fprintf(stderr, "bench: '%s' not recognised\n", argv[i]);
			return 1;
		}
		ocr = lt_monotonic_seconds() - t;
		struct lt_pdf_page pg = { .jpeg_path = jpeg ? argv[i] : NULL,
					  .png_path = png ? argv[i] : NULL, .pix = pix,
					  .dpi = pixGetXRes(pix), .words = words, .n_words = n };
		t = lt_monotonic_seconds();
		if (lt_pdf_add_page(pdf, &pg, &enc, &err) != LT_OK) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
		pw = lt_monotonic_seconds() - t;
		printf("%-36s %9.3f %9.3f %6.1f%%  %s, %zu words\n", strrchr(argv[i], '/') ?
		       strrchr(argv[i], '/') + 1 : argv[i], ocr, pw, 100 * pw / ocr,
		       lt_pdf_encoding_name(enc), n);
		ocr_total += ocr;
		pdf_total += pw;
		for (size_t k = 0; k < n; k++)
			free(words[k].text);
		free(words);
		lt_buf_release(&text);
		TessBaseAPIClear(api);
		pixDestroy(&pix);
	}
	t = lt_monotonic_seconds();
	if (lt_pdf_close(pdf, &info, &err) != LT_OK) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	pdf_total += lt_monotonic_seconds() - t;
	printf("%d pages: OCR %.3f s a page, PDF %.3f s a page (close included): %.1f%% of OCR\n",
	       argc - 2, ocr_total / (argc - 2), pdf_total / (argc - 2), 100 * pdf_total / ocr_total);
	lt_pdf_resources_release(&res);
	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
	return 0;
}
