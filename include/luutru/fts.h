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

/* Bounds on one query (see lt_fts_query). A person's query is a few words;
 * these leave room for a pasted sentence and refuse a pasted page. */
#define LT_FTS_MAX_QUERY_BYTES 8192
#define LT_FTS_MAX_TERMS 32
#define LT_FTS_MAX_WORDS 64

/* Turns what a person typed into a safe FTS5 MATCH expression: each bare
 * word becomes a quoted term, "double-quoted runs" stay phrases, all ANDed.
 * So punctuation such as 05-CT/TW is searched as the phrase 05 ct tw and can
 * never be an FTS5 syntax error. A term that folds to the same words as an
 * earlier one ("van", "Văn", "VAN") is dropped: it would match the same
 * pages again. Appends to out; LT_EUSAGE, with a message that says which
 * bound, if nothing is left, if typed is longer than LT_FTS_MAX_QUERY_BYTES,
 * or if the distinct terms are more than LT_FTS_MAX_TERMS or hold more than
 * LT_FTS_MAX_WORDS words: so no query, however long, costs more than a
 * bounded search. */
int lt_fts_query(const char *typed, struct lt_buf *out, struct lt_err *err);

#endif
