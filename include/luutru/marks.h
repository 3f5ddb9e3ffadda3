/* marks.h - how many letters on a page carry a mark of their own above or
 * below them: Vietnamese's diacritics, seen before anything is read.
 *
 * Nearly every Vietnamese word carries a tone mark, a circumflex or a breve
 * above its vowel or a dot below it, most of them printed as separate specks
 * of ink; English has only the dots of i and j. Counted on the binarised,
 * upright page as connected components (the small ones sitting just above or
 * below a letter-sized one, per letter-sized one), the two scripts fall far
 * apart. Measured on the half-size copy preprocessing decides on (150 dpi
 * for a 300-dpi scan), on the dev corpus, the samples and pages made with
 * ../shared/tools/mkpages in Liberation Serif and Sans, DejaVu Sans (and,
 * English only, Nimbus Roman, URW Gothic, DejaVu Sans Mono), 8-14 pt,
 * 150-300 dpi, blurred, noisy, speckled, bitonal, JPEG at quality 20:
 * Vietnamese 0.24-0.35 marks a letter, English 0.05-0.09 (figures have
 * none: a Vietnamese table mostly of figures measures under 0.1). About 4 ms a
 * page. The OCR stage reads a page whose marks are few with every
 * language first instead of Vietnamese alone (stage_ocr.c), so that an
 * English page is not read twice.
 */
#ifndef LUUTRU_MARKS_H
#define LUUTRU_MARKS_H

#include <leptonica/allheaders.h>

struct lt_marks {
	int letters; /* letter-sized components: 0 when the page could not be measured */
	int marks;   /* small components just above or below one of them */
	/* The median height in pixels of the components that can be letters
	 * (3 px tall or more, at most three times as wide as tall), which the
	 * sizes above are measured against: the type's size on that copy,
	 * whichever way up it lies. 0 when not measured. */
	int letter_px;
	/* Specks: components at most MARKS_SPECK_PX each way that sit on no
	 * letter (neither a mark nor an i's dot): dust, or noise the scanner's
	 * threshold made. A clean page has a few (full stops, far from their
	 * word on a skewed line); preprocess.h removes them where many are. */
	int specks;
};

/* At most this many pixels wide and tall to count as a speck: on the
 * half-size copy of a 300-dpi scan, specks of up to 4 px, under the size of
 * the dots and marks of 10-pt type or larger. */
#define MARKS_SPECK_PX 2

/* Counts the marks of a 1-bpp page (ink = 1), upright (a page upside down
 * counts the same; one a quarter turn off does not). A page with more
 * components than a page of text has (a halftone, heavy noise) is not
 * measured: *out is zeroed. Returns 0, or -1 when memory ran out. */
int lt_marks_count(PIX *bin, struct lt_marks *out);

/* Marks per letter; -1 when nothing was measured. */
double lt_marks_rate(const struct lt_marks *m);

#endif
