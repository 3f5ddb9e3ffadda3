/* catalog_search.c - full-text search over archived pages, ignoring case and
 * diacritics, with pages that match as typed first. */
#include "catalog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"
#include "luutru/fts.h"
#include "luutru/text.h"

void lt_hits_free(struct lt_hit *hits, size_t n)
{
	for (size_t i = 0; hits && i < n; i++) {
		free(hits[i].label);
		free(hits[i].snippet);
	}
	free(hits);
}

/* snippet() marks each token with bytes that cannot occur in page text
 * (control characters are not word text and OCR never emits them): adjacent
 * marks are joined ("[Đà] [Nẵng]" reads "[Đà Nẵng]") and then turned into
 * brackets, leaving brackets that are in the text alone. */
#define MARK_OPEN '\x01'
#define MARK_CLOSE '\x02'

static void render_marks(char *s)
{
	char *out = s;

	for (const char *in = s; *in; ) {
		if (in[0] == MARK_CLOSE && in[1] == ' ' && in[2] == MARK_OPEN) {
			*out++ = ' ';
			in += 3;
		} else if (*in == MARK_OPEN) {
			*out++ = '[';
			in++;
		} else if (*in == MARK_CLOSE) {
			*out++ = ']';
			in++;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

static int has_word_n(const struct lt_buf *words, const char *w, size_t n)
{
	for (size_t i = 0; i < words->len; i += strlen(words->data + i) + 1)
		if (strlen(words->data + i) == n && memcmp(words->data + i, w, n) == 0)
			return 1;
	return 0;
}

static int has_word(const struct lt_buf *words, const char *w)
{
	return has_word_n(words, w, strlen(w));
}

/* The words of s, case-folded with their diacritics, as "\0"-separated
 * entries in out (each followed by a NUL). With unique, a word already in
 * out is not added again: a query's words are checked against every
 * candidate page, and a word typed 1,400 times needs checking once. */
static int casefold_words(const char *s, int unique, struct lt_buf *out, struct lt_err *err)
{
	struct lt_buf folded = LT_BUF_INIT;
	size_t pos = 0, start, end;
	int rc = lt_text_casefold(s, strlen(s), &folded, err);

	while (!rc && lt_text_next_word(folded.data, folded.len, &pos, &start, &end)) {
		if (unique && has_word_n(out, folded.data + start, end - start))
			continue;
		rc = lt_buf_append(out, folded.data + start, end - start, err);
		if (!rc)
			rc = lt_buf_append(out, "", 1, err);
	}
	lt_buf_release(&folded);
	return rc;
}

/* Is every word of the query on the page with its diacritics as typed? */
static int matches_as_typed(const struct lt_buf *query_words, const char *text, struct lt_err *err)
{
	struct lt_buf page_words = LT_BUF_INIT;
	int exact = casefold_words(text, 0, &page_words, err) == LT_OK;

	for (size_t i = 0; exact && i < query_words->len; i += strlen(query_words->data + i) + 1)
		exact = has_word(&page_words, query_words->data + i);
	lt_buf_release(&page_words);
	return exact;
}

static int by_exact_then_score(const void *a, const void *b)
{
	const struct lt_hit *x = a, *y = b;

	if (x->exact != y->exact)
		return y->exact - x->exact;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->document, y->document) ? strcmp(x->document, y->document) : x->page - y->page;
}

/* How many bm25-ranked candidates are re-ranked for exact matches. */
#define CANDIDATES_PER_HIT 5
#define MAX_CANDIDATES 1000

int lt_catalog_search(struct lt_catalog *cat, const char *query, int limit,
		      struct lt_hit **out, size_t *n_out, struct lt_err *err)
{
	return lt_catalog_search_with(cat, query, limit, 0, out, n_out, err);
}

int lt_catalog_search_with(struct lt_catalog *cat, const char *query, int limit, int include_secret,
			   struct lt_hit **out, size_t *n_out, struct lt_err *err)
{
	struct lt_buf match = LT_BUF_INIT, query_words = LT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct lt_hit *hits = NULL;
	size_t n = 0;
	int rc, s, candidates;

	*out = NULL;
	*n_out = 0;
	if (limit < 1)
		limit = 1;
	candidates = limit > MAX_CANDIDATES / CANDIDATES_PER_HIT ? MAX_CANDIDATES
		: limit * CANDIDATES_PER_HIT;
	rc = lt_fts_query(query, &match, err);
	if (!rc)
		rc = casefold_words(query, 1, &query_words, err);
	if (!rc)
		rc = lt_cat_prepare(cat,
			     "SELECT p.document_id, p.number, d.label, "
			     "       snippet(page_text, 0, char(1), char(2), '…', 16), bm25(page_text), "
			     "       p.text "
			     "FROM page_text JOIN pages p ON p.id = page_text.rowid "
			     "JOIN documents d ON d.id = p.document_id "
			     "WHERE page_text MATCH ?1 AND d.state = ?2 "
			     /* One primary-key probe per candidate page: any secrecy
			      * level, given or read off a stamp, keeps it out. */
			     "  AND (?4 OR NOT EXISTS (SELECT 1 FROM metadata m "
			     "       WHERE m.document_id = d.id AND m.key = ?5)) "
			     "ORDER BY bm25(page_text), p.document_id, p.number LIMIT ?3", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, lt_buf_str(&match), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, lt_doc_state_name(LT_ARCHIVED), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, candidates);
		sqlite3_bind_int(st, 4, include_secret ? 1 : 0);
		sqlite3_bind_text(st, 5, LT_SECRECY_KEY, -1, SQLITE_STATIC);
	}
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_hit *h, *grown = realloc(hits, (n + 1) * sizeof(*hits));

		if (!grown) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory collecting search hits");
			break;
		}
		hits = grown;
		h = &hits[n++];
		memset(h, 0, sizeof(*h));
		snprintf(h->document, sizeof(h->document), "%s", lt_cat_col_text(st, 0));
		h->page = sqlite3_column_int(st, 1);
		h->score = -sqlite3_column_double(st, 4);
		rc = lt_strdup(lt_cat_col_text(st, 2), &h->label, err);
		if (!rc)
			rc = lt_strdup(lt_cat_col_text(st, 3), &h->snippet, err);
		if (!rc)
			render_marks(h->snippet);
		h->exact = matches_as_typed(&query_words, lt_cat_col_text(st, 5), err);
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, "search failed");
	sqlite3_finalize(st);
	lt_buf_release(&match);
	lt_buf_release(&query_words);
	if (rc) {
		lt_hits_free(hits, n);
		return rc;
	}
	if (n > 1)
		qsort(hits, n, sizeof(*hits), by_exact_then_score);
	for (size_t i = (size_t)limit; i < n; i++) {
		free(hits[i].label);
		free(hits[i].snippet);
	}
	*out = hits;
	*n_out = n < (size_t)limit ? n : (size_t)limit;
	return LT_OK;
}
