/* fts.h - the 'luutru' FTS5 tokenizer and query language.
 *
 * Tokens are words as text.h splits them, folded (case, diacritics, đ->d) so
 * queries match with or without diacritics, with offsets into the original
 * NFC text for snippets. All-digit tokens lose their leading zeros ("05" is
 * "5"). A word whose diacritics matter also has its exact form:
 * LT_FTS_EXACT_MARK + its case-folded form with diacritics ("=đà"), so
 * that "spelt as typed" is a query of an index, not a scan.
 *
 * The tokenizer's argument says which forms it emits:
 *   tokenize = 'luutru folded'  the folded forms: page_text (version 15 on)
 *   tokenize = 'luutru exact'   the exact forms only, in documents and
 *                               queries (a word without one is not there):
 *                               page_exact, detail=none (version 15 on)
 *   tokenize = 'luutru'         both, the exact form colocated at the
 *                               folded one's position: page_text before 15
 */
#ifndef LUUTRU_FTS_H
#define LUUTRU_FTS_H

#include <sqlite3.h>

#include "luutru/buf.h"
#include "luutru/err.h"

/* Registers the tokenizer and the lt_rank() ranking function on db. Must
 * run on every connection before the page_text table is touched.
 *
 * lt_rank(page_text, n_0, n_1, ...) is FTS5's bm25() (k1 1.2, b 0.75,
 * lower is better) with n_i, the number of pages that hold phrase i, given
 * by the caller (estimated from the newest matches) instead of counted:
 * bm25() walks every phrase's whole doclist once per query for it, which
 * for a common word is most of the query's time. A missing n_i counts as
 * half the pages.
 *
 * lt_text_pack(text) and lt_text_unpack(x) are how pages.text is kept
 * (schemas/catalog/013-search-compact.sql): pack gives a BLOB of the text's
 * length (4 bytes, little-endian) and its zlib stream, primed since
 * catalog version 17 with a dictionary of common Vietnamese administrative
 * wording (the length's top bit set to say a dictionary was used), or the
 * text itself when that would not be smaller (short pages, NULL); unpack
 * gives the text back from any of them. Every writer of pages.text packs, every reader
 * unpacks; the full-text index reads its content through the view
 * page_text_source, which unpacks.
 *
 * lt_meta_pack(text) packs pages.technical (015-compact-index.sql): as
 * lt_text_pack, but zlib primed with a dictionary of the keys and values
 * techmeta.c writes; lt_text_unpack reads it back (the stream names its
 * dictionary by its Adler-32).
 *
 * lt_sha256_pack(x) gives the 32-byte BLOB of a SHA-256 in hex (hash.h's
 * lt_sha256_pack), any other value as it is. */
int lt_fts_register(sqlite3 *db, struct lt_err *err);

/* Bounds on one query (see lt_fts_parse). A person's query is a few words;
 * these leave room for a pasted sentence and refuse a pasted page. */
#define LT_FTS_MAX_QUERY_BYTES 8192
#define LT_FTS_MAX_TERMS 32
#define LT_FTS_MAX_WORDS 64

/* Before an exact form in the index. Word text never holds it. */
#define LT_FTS_EXACT_MARK "="
/* First byte of a query string whose words are to match as spelt. */
#define LT_FTS_EXACT_QUERY "\x01"

/* The index forms of one word: *folded (reset first; "" for none) and, if
 * exact is not NULL, the exact form *exact (reset first; "" when the word
 * has no diacritic that matters: ASCII, digits). */
int lt_fts_word_forms(const char *word, size_t n, struct lt_buf *folded, struct lt_buf *exact,
		      struct lt_err *err);

/* A query as two MATCH expressions: `any` (of page_text) matches the pages
 * with the words in any spelling; `exact`, when has_exact, is a MATCH of
 * page_exact: the AND of the words typed with diacritics that matter,
 * quoted one by one (page_exact has no positions, so no phrases): the
 * pages of any that it matches too are those "as typed" (when has_exact
 * is 0 every page of any is). An OR group counts only when each of its
 * alternatives has such words; prefixes and -words never do. Owned by the
 * caller: lt_fts_match_release(). */
struct lt_fts_match {
	struct lt_buf any;
	struct lt_buf exact;
	int has_exact;
	/* The terms to mark in a snippet (the positive ones), each its folded
	 * words separated by single spaces, after '*' for a prefix or '.',
	 * NUL-terminated one after the other. */
	struct lt_buf terms;
	int has_prefix;        /* a term is a prefix (nghị*) */
	/* The phrases of `any` that pages must hold, in the order FTS5
	 * numbers them (every phrase before a NOT), each a MATCH of its own,
	 * NUL-terminated one after the other; n_phrases of them. lt_rank()'s
	 * arguments follow this order. */
	struct lt_buf phrases;
	int n_phrases;
};
#define LT_FTS_MATCH_INIT { LT_BUF_INIT, LT_BUF_INIT, 0, LT_BUF_INIT, 0, LT_BUF_INIT, 0 }
void lt_fts_match_release(struct lt_fts_match *m);

/* What a person types -> *m (its buffers appended to):
 *   word            a word, any case, with or without diacritics
 *   "two words"     a phrase (words next to each other, in order)
 *   nghị*  "a b"*   a prefix: words that start so (the last of a phrase)
 *   a OR b          either (OR in capitals, between two terms)
 *   -word  -"a b"   pages without it
 *   05-CT/TW        a word with punctuation inside is the phrase of its
 *                   words ("5 ct tw"): document numbers however typed
 * Everything else is a word: no FTS5 syntax typed by a person reaches FTS5.
 * All terms are ANDed. A term that folds like an earlier one is dropped;
 * stop words (và, của, the...) are dropped beside other words. LT_EUSAGE,
 * with a message that says why, when no word is left, when only stop words
 * or only -words were given, when typed is longer than
 * LT_FTS_MAX_QUERY_BYTES, or when the distinct terms are more than
 * LT_FTS_MAX_TERMS or hold more than LT_FTS_MAX_WORDS words: so no query,
 * however long, costs more than a bounded search. */
int lt_fts_parse(const char *typed, struct lt_fts_match *m, struct lt_err *err);

/* A snippet of text[0..len) for a person: the window of at most max_words
 * words holding the most words of m's terms (phrases where all their words
 * follow each other), each such word between open and close, "…" where
 * text was cut. Made from the text alone, in one pass: no FTS5 query per
 * hit (a prefix term costs FTS5 its whole merged doclist each time).
 * Appended to out. */
int lt_fts_snippet(const struct lt_fts_match *m, const char *text, size_t len, int max_words,
		   char open, char close, struct lt_buf *out, struct lt_err *err);

/* The words of the index that start with `prefix` (folded, as the index
 * holds them), NUL-terminated one after the other into *words (appended);
 * LT_OK with *words left empty when they are more than max (the prefix is
 * then searched as FTS5's own prefix query). */
typedef int (*lt_fts_expand_fn)(void *ctx, const char *prefix, int max, struct lt_buf *words,
				struct lt_err *err);

/* Words a prefix term is expanded to at most (LT_FTS_MAX_PREFIX_WORDS):
 * a term of their OR is read lazily by FTS5, newest pages first, where
 * FTS5's own prefix query merges every matching word's whole doclist
 * first (seconds at a million pages), each time the MATCH runs. */
#define LT_FTS_MAX_PREFIX_WORDS 48

/* lt_fts_parse() with the prefix terms expanded by expand (NULL: none):
 * each becomes the OR of its words, in any spelling (a prefix has no
 * exact form). */
int lt_fts_parse_with(const char *typed, lt_fts_expand_fn expand, void *ctx,
		      struct lt_fts_match *m, struct lt_err *err);

/* lt_fts_parse()'s `any` expression, appended to out. */
int lt_fts_query(const char *typed, struct lt_buf *out, struct lt_err *err);

#endif
