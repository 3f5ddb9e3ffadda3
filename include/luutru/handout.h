/* handout.h - one page out of a document's files, for `get --page` (and the
 * reading room to come): the inputs are files already taken out of a bundle
 * and verified (retrieve.h), the output is written to a file descriptor.
 *
 * Every function reads `in` from its start and writes the result to `out`
 * at its current position; `what` names the input in errors ("the access
 * copy of 3f0c9a1b"). Nothing is kept: the caller owns and closes both.
 */
#ifndef LUUTRU_HANDOUT_H
#define LUUTRU_HANDOUT_H

#include "luutru/err.h"

/* Page `page` (1-based) of the PDF in `in` as a PDF of its own: the other
 * pages removed with libqpdf and only what the kept page uses written out,
 * so the page is the access copy's page exactly (its image, its invisible
 * text, its rotation) and the document's PDF/A metadata, OutputIntent and
 * Info stay; the /ID is derived from the content (the same page gives the
 * same bytes). LT_EINPUT for a page the PDF does not have or a PDF libqpdf
 * cannot read; LT_EIO, LT_ENOMEM. */
int lt_handout_pdf_page(int in, const char *what, int page, int out, struct lt_err *err);

/* Image `index` (0-based) of the multi-page TIFF in `in` as a TIFF of its
 * own, decoded and written again without loss by Leptonica (CCITT G4 for a
 * bitonal page, Deflate otherwise) with its resolution. LT_EINPUT for an
 * image the file does not have or cannot be decoded; LT_EIO, LT_ENOMEM. */
int lt_handout_tiff_page(int in, const char *what, int index, int out, struct lt_err *err);

#endif
