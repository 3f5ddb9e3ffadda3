/* pdf.h - the access copy: a two-layer PDF/A-2b of a document, written by
 * luutru itself, page by page as the pages are recognised.
 *
 * Each page shows its master scan at the scan's resolution, never
 * recompressed lossily: a single-image JPEG passes through byte for byte
 * (DCTDecode), a bitonal page goes in as CCITT G4, greyscale and colour as
 * lossless Flate: a PNG's compressed rows as they are (a palette PNG as
 * Indexed), anything else deflated from the decoded pixels (palettes
 * expanded, 16-bit reduced to 8). Over
 * it lies an invisible text layer (render mode 3), one text object per line
 * of the reading order, each word placed on its box in a glyphless embedded
 * TrueType font (Tesseract's pdf.ttf) with a ToUnicode map, so a viewer's
 * search and selection land on the words and text extraction gives back the
 * OCR text. PDF/A-2b: XMP metadata agreeing with the Info dictionary, an sRGB
 * OutputIntent, every font embedded, a document /ID derived from the content,
 * no encryption, transparency or JavaScript.
 *
 * Only one page image is held at a time: images and page contents are
 * written as the pages come; the page tree, catalog and cross-reference table
 * when the file is closed.
 */
#ifndef LUUTRU_PDF_H
#define LUUTRU_PDF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "luutru/doc.h"
#include "luutru/err.h"

struct Pix;

/* Where Debian puts what the writer needs: the glyphless font Tesseract
 * ships for its own text layers (package tesseract-ocr) and the sRGB
 * profile of the OutputIntent (package icc-profiles-free). */
#define LT_PDF_FONT_DEFAULT "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf"
#define LT_PDF_FONT_NAME    "pdf.ttf"
#define LT_PDF_ICC_DEFAULT  "/usr/share/color/icc/sRGB.icc"

/* The files every access PDF embeds, read once (per worker) and shared by
 * every PDF written with them. */
struct lt_pdf_resources {
	unsigned char *font;     /* the TrueType program, owned */
	size_t font_len;
	int glyph_width;         /* advance of its glyph 1 in 1/1000 em (the PDF /DW) */
	unsigned char *icc;      /* the sRGB ICC profile, owned */
	size_t icc_len;
};

/* Reads the font (font_path; NULL: LT_PDF_FONT_DEFAULT) and the ICC profile
 * (icc_path; NULL: LT_PDF_ICC_DEFAULT) and checks them: a TrueType font
 * whose glyph 1 has an advance width, an RGB display-class-or-other ICC
 * profile. LT_EINTERNAL naming the file, the reason and the Debian package
 * when either is missing or not what it should be. Release with
 * lt_pdf_resources_release. */
int lt_pdf_resources_load(const char *font_path, const char *icc_path,
			  struct lt_pdf_resources *res, struct lt_err *err);
void lt_pdf_resources_release(struct lt_pdf_resources *res);

/* The document's description, in the Info dictionary and the XMP packet
 * alike. Strings UTF-8 (bad bytes are shown as U+FFFD, control characters
 * as spaces), borrowed for the call; NULL or "" leaves an entry out, but
 * for title and producer (required: the label when nothing better). */
struct lt_pdf_info {
	const char *title;
	const char *author;      /* the issuing body, when known */
	const char *subject;
	const char *keywords;
	const char *producer;    /* "luutru 0.1.0" */
	time_t created;          /* creation = modification = metadata date */
};

/* How a page's image went in. */
enum lt_pdf_encoding {
	LT_PDF_JPEG,   /* the JPEG file's bytes (DCTDecode) */
	LT_PDF_G4,     /* bitonal: CCITT Group 4 */
	LT_PDF_FLATE,  /* lossless Flate of the decoded image */
	LT_PDF_PNG,    /* the PNG file's compressed data (Flate with PNG predictors) */
	LT_PDF_N_ENCODINGS
};
/* "jpeg passthrough", "ccitt g4", "flate", "png data as is" */
const char *lt_pdf_encoding_name(enum lt_pdf_encoding e);

/* A page to add. */
struct lt_pdf_page {
	/* A single-image JPEG file whose bytes can go in as they are; NULL if
	 * the page is not one (it is then encoded from pix). A file that is not
	 * a baseline-decodable 1- or 3-component JPEG of pix's size is encoded
	 * from pix instead. */
	const char *jpeg_path;
	/* Likewise a single-image PNG file whose compressed rows can go in as
	 * they are (8-bit grey, RGB or palette, not interlaced, no alpha); NULL
	 * if the page is not one. A bitonal page goes in as G4 all the same. */
	const char *png_path;
	struct Pix *pix;         /* the decoded master, borrowed */
	int dpi;                 /* <= 0: 300 */
	int orientation;         /* 0, 90, 180, 270: degrees clockwise that make the master upright */
	const struct lt_word *words; /* in reading order, boxes in master pixels; borrowed */
	size_t n_words;
};

struct lt_pdf;

/* Creates path (replacing a file there) and writes the header, the font and
 * the OutputIntent's profile from res (borrowed until lt_pdf_close or
 * lt_pdf_discard). *out owned: finish with lt_pdf_close, or lt_pdf_discard
 * on failure. */
int lt_pdf_open(const char *path, const struct lt_pdf_resources *res, struct lt_pdf **out,
		struct lt_err *err);

/* Writes a page: its image, its text layer, its page object. *encoding (may
 * be NULL) says how the image went in. Errors: LT_EIO naming the file,
 * LT_ENOMEM, LT_EINPUT for an image that cannot be encoded. */
int lt_pdf_add_page(struct lt_pdf *pdf, const struct lt_pdf_page *page,
		    enum lt_pdf_encoding *encoding, struct lt_err *err);

/* Pages and bytes written so far. */
size_t lt_pdf_pages(const struct lt_pdf *pdf);
uint64_t lt_pdf_bytes(const struct lt_pdf *pdf);

/* Writes the document's description (info: the Info dictionary and the XMP
 * packet, borrowed for the call; known only now that every page is read),
 * the page tree, the catalog, the cross-reference table and the trailer
 * with its /ID, fsyncs and closes the file; frees pdf whatever happens, and
 * removes the file on failure. A PDF without pages, or info without a title
 * or producer, is an error (LT_EINTERNAL). */
int lt_pdf_close(struct lt_pdf *pdf, const struct lt_pdf_info *info, struct lt_err *err);

/* Closes and removes the unfinished file, frees pdf. NULL-safe. */
void lt_pdf_discard(struct lt_pdf *pdf);

#endif
