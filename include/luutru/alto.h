/* alto.h - one page of OCR as ALTO 4.4, written by luutru from the page
 * result of the one walk over Tesseract's result (doc.h, preprocess.h) (Tesseract's own renderer writes ALTO 3 with a word
 * confidence out of range), with coordinates in the master's pixel space.
 *
 * The file validates against alto-4-4.xsd: root `alto` in the namespace
 * LT_ALTO_NS, Description (MeasurementUnit pixel, the master's file name, one
 * Processing for the preprocessing and one for the recognition), then
 * Layout/Page/PrintSpace/TextBlock/TextLine/String with SP between words.
 */
#ifndef LUUTRU_ALTO_H
#define LUUTRU_ALTO_H

#include "luutru/buf.h"
#include "luutru/doc.h"
#include "luutru/err.h"
#include "luutru/transform.h"

#define LT_ALTO_NS "http://www.loc.gov/standards/alto/ns-v4#"
#define LT_ALTO_XSD "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"

/* What the ALTO file says about the page besides the recognised words. All
 * strings are borrowed for the duration of the call. */
struct lt_alto_page {
	const char *file_name;     /* the master's name in the bundle (sourceImageInformation/fileName); required */
	int number;                /* PHYSICAL_IMG_NR, 1-based; required */
	const char *languages;     /* Tesseract languages used, "vie+eng"; required */
	const char *model;         /* e.g. "tessdata_fast (LSTM)"; NULL: not recorded */
	const char *preprocessing; /* what was done to the working image, as a person reads it
				    * ("rotated 90; deskewed -1.2 deg; greyscale"); NULL or "": "none" */
	const char *processed_at;  /* ISO 8601 dateTime of the recognition; NULL: omitted, which
				    * keeps the file byte-identical across runs */
};

/* Appends the page's ALTO document (UTF-8, XML declaration included) to out.
 *
 * result (borrowed) is the page result of lt_reading_order_page for the
 * working image that tf (borrowed) describes, its boxes already mapped onto
 * the master by tf; the Page's WIDTH and HEIGHT are the master's. Blocks and
 * lines are the page result's, in reading order (a line over two columns is
 * two TextLines, in two TextBlocks). String CONTENT is the word's text (NFC
 * with the look-alike repairs of lt_text_nfc), so it matches the page's
 * stored text word for word. WC is the word confidence over 100; the Page's
 * PC the mean of those (absent when the page has no words). A page without
 * words gets an empty PrintSpace, never an error.
 *
 * Returns LT_OK; LT_EINTERNAL for a bad page description or transform;
 * LT_ENOMEM. On failure out
 * keeps its previous contents. */
int lt_alto_write(const struct lt_ocr_page *result, const struct lt_alto_page *page,
		  const struct lt_page_transform *tf, struct lt_buf *out, struct lt_err *err);

#endif
