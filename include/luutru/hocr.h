/* hocr.h - one page of OCR as hOCR 1.2, written by luutru from the page
 * result of the one walk over Tesseract's result (doc.h, preprocess.h), in
 * the same reading order as the page's text, ALTO and PDF words.
 *
 * The classes and properties are Tesseract's own hOCR's: ocr_page (image,
 * bbox, ppageno, scan_res), ocr_carea and ocr_par (bbox; the paragraph's
 * lang), ocr_line (bbox, baseline), ocrx_word (bbox, x_wconf; lang where it
 * differs from its paragraph's). Boxes are in the master's pixels, like
 * ALTO's; a baseline is "slope offset" from its line's bottom left corner as
 * Tesseract measured it on the working image. The document is XHTML 1.0
 * Transitional (DOCTYPE, html in the XHTML namespace, head with title and
 * the hOCR meta elements), written with libxml2's xmlTextWriter (xmlw.h).
 */
#ifndef LUUTRU_HOCR_H
#define LUUTRU_HOCR_H

#include "luutru/buf.h"
#include "luutru/doc.h"
#include "luutru/err.h"

/* What the hOCR says about the page besides its words. Strings borrowed for
 * the duration of the call. */
struct lt_hocr_page {
	const char *image;      /* the master's name in the bundle ("0001.png"); required */
	int number;             /* 1-based page number; ppageno is number - 1 */
	const char *languages;  /* Tesseract languages the page was read with ("vie+eng"); required */
	const char *engine;     /* ocr-system, e.g. "tesseract 5.3.0"; required */
	int dpi;                /* scan_res of the image Tesseract read; <= 0: omitted */
};

/* Appends the page's hOCR document (UTF-8, XML declaration and DOCTYPE
 * included) to out. page (borrowed) may have no words: the ocr_page is then
 * empty. Blocks, paragraphs and lines without a word that has text are left
 * out (Tesseract's image "words"). Returns LT_OK; LT_EINTERNAL for a bad page
 * description; LT_ENOMEM. On failure out keeps its previous contents. */
int lt_hocr_write(const struct lt_ocr_page *page, const struct lt_hocr_page *desc,
		  struct lt_buf *out, struct lt_err *err);

/* 1 when s holds something other than white space: the words that hOCR and
 * ALTO write, and quality counts. */
int lt_hocr_has_text(const char *s);

#endif
