/* fts.h - the 'luutru' FTS5 tokenizer: words as text.h splits them, folded
 * (case, diacritics, đ->d) so queries match with or without diacritics while
 * offsets point into the original NFC text for snippets. */
#ifndef LUUTRU_FTS_H
#define LUUTRU_FTS_H

#include <sqlite3.h>

#include "luutru/buf.h"
#include "luutru/err.h"

/* Registers the tokenizer on db. Must run on every connection before the
 * page_text table is touched. */
int lt_fts_register(sqlite3 *db, struct lt_err *err);

/* Turns what a person typed into a safe FTS5 MATCH expression: each bare
 * word becomes a quoted term, "double-quoted runs" stay phrases, all ANDed.
 * So punctuation such as 05-CT/TW is searched as the phrase 05 ct tw and can
 * never be an FTS5 syntax error. Appends to out; LT_EUSAGE if nothing is left. */
int lt_fts_query(const char *typed, struct lt_buf *out, struct lt_err *err);

#endif
