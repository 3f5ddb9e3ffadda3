/* fts.c - a custom FTS5 tokenizer for Vietnamese and English full text.
 *
 * FTS5's unicode61 tokenizer can drop diacritics but keeps đ (it has no
 * decomposition), and Vietnamese searchers type "d" for it. So we tokenize
 * with our own word splitter and fold each token with lt_text_fold(); the
 * offsets reported are those of the original text, so snippet() shows the
 * accented words.
 */
#include "luutru/fts.h"

#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"
#include "luutru/text.h"

/* Words longer than this are OCR garbage (or an attack); they are skipped
 * rather than indexed. */
#define MAX_TOKEN_BYTES 256

struct tokenizer {
	int unused;
};

static int tok_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ud;
	(void)argv;
	(void)argc;
	*out = calloc(1, sizeof(struct tokenizer));
	return *out ? SQLITE_OK : SQLITE_NOMEM;
}

static void tok_delete(Fts5Tokenizer *t)
{
	free(t);
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int ntext,
			int (*emit)(void *, int, const char *, int, int, int))
{
	struct lt_buf folded = LT_BUF_INIT;
	size_t pos = 0, start = 0, end = 0, len = ntext > 0 ? (size_t)ntext : 0;
	int rc = SQLITE_OK;

	(void)t;
	(void)flags;
	while (rc == SQLITE_OK && lt_text_next_word(text, len, &pos, &start, &end)) {
		if (end - start > MAX_TOKEN_BYTES)
			continue;
		lt_buf_reset(&folded);
		if (lt_text_fold(text + start, end - start, &folded, NULL)) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (folded.len == 0)
			continue;
		rc = emit(ctx, 0, folded.data, (int)folded.len, (int)start, (int)end);
	}
	lt_buf_release(&folded);
	return rc;
}

static fts5_api *get_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return api;
}

int lt_fts_register(sqlite3 *db, struct lt_err *err)
{
	static fts5_tokenizer tok = { tok_create, tok_delete, tok_tokenize };
	fts5_api *api = get_fts5_api(db);

	if (!api)
		return lt_err_set(err, LT_EDB, "this SQLite has no FTS5 full-text search");
	if (api->xCreateTokenizer(api, "luutru", NULL, &tok, NULL) != SQLITE_OK)
		return lt_err_set(err, LT_EDB, "cannot register the luutru tokenizer: %s",
				  sqlite3_errmsg(db));
	return LT_OK;
}

/* The words the tokenizer would emit for s[0..n), folded and separated by
 * single spaces, into key (reset first); *words gets their number. A term
 * with none (punctuation, a lone combining mark, an over-long word) would be
 * an empty phrase that matches nothing and sinks the whole AND; two terms
 * with the same key match the same pages ("van", "Văn", "VAN"). */
static int fold_term(const char *s, size_t n, struct lt_buf *key, size_t *words,
		     struct lt_err *err)
{
	struct lt_buf folded = LT_BUF_INIT;
	size_t pos = 0, start, end;
	int rc = LT_OK;

	lt_buf_reset(key);
	*words = 0;
	while (!rc && lt_text_next_word(s, n, &pos, &start, &end)) {
		if (end - start > MAX_TOKEN_BYTES)
			continue;
		lt_buf_reset(&folded);
		rc = lt_text_fold(s + start, end - start, &folded, err);
		if (rc || folded.len == 0)
			continue;
		if (*words)
			rc = lt_buf_append(key, " ", 1, err);
		if (!rc)
			rc = lt_buf_append(key, folded.data, folded.len, err);
		(*words)++;
	}
	lt_buf_release(&folded);
	return rc;
}

/* Is key one of the NUL-terminated entries of seen? At most
 * LT_FTS_MAX_TERMS entries, so a linear look is enough. */
static int seen_before(const struct lt_buf *seen, const struct lt_buf *key)
{
	for (size_t i = 0; i < seen->len; i += strlen(seen->data + i) + 1)
		if (strcmp(seen->data + i, lt_buf_str(key)) == 0)
			return 1;
	return 0;
}

static int append_term(struct lt_buf *out, const char *s, size_t n, int *terms, struct lt_err *err)
{
	int rc = LT_OK;

	if (n == 0)
		return LT_OK;
	if (*terms)
		rc = lt_buf_puts(out, " AND ", err);
	if (!rc)
		rc = lt_buf_puts(out, "\"", err);
	for (size_t i = 0; !rc && i < n; i++)
		rc = s[i] == '"' ? lt_buf_puts(out, "\"\"", err) : lt_buf_append(out, s + i, 1, err);
	if (!rc)
		rc = lt_buf_puts(out, "\"", err);
	(*terms)++;
	return rc;
}

/* Every term of the MATCH is a phrase FTS5 walks in every candidate page,
 * and snippet() and bm25() once more per phrase: the cost grows with the
 * number of terms times the pages. The same word typed 800 times took 17 s
 * on 25 pages; repeats are dropped, and what is left is bounded. */
int lt_fts_query(const char *typed, struct lt_buf *out, struct lt_err *err)
{
	struct lt_buf key = LT_BUF_INIT, seen = LT_BUF_INIT;
	const char *p = typed;
	size_t typed_len = strlen(typed), words, total_words = 0;
	int terms = 0, rc = LT_OK;

	if (typed_len > LT_FTS_MAX_QUERY_BYTES)
		return lt_err_set(err, LT_EUSAGE, "the query is %zu bytes long; luutru searches "
				  "queries of at most %d bytes", typed_len, LT_FTS_MAX_QUERY_BYTES);
	while (!rc && *p) {
		const char *start, *end;

		if (*p == ' ' || *p == '\t' || *p == '\n') {
			p++;
			continue;
		}
		if (*p == '"') {
			start = ++p;
			end = strchr(start, '"');
			if (!end)
				end = start + strlen(start);
			p = *end ? end + 1 : end;
		} else {
			start = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '"')
				p++;
			end = p;
		}
		rc = fold_term(start, (size_t)(end - start), &key, &words, err);
		if (rc || words == 0 || seen_before(&seen, &key))
			continue;
		if (terms == LT_FTS_MAX_TERMS) {
			rc = lt_err_set(err, LT_EUSAGE, "the query has more than %d different words "
					"or phrases; search for at most %d at once",
					LT_FTS_MAX_TERMS, LT_FTS_MAX_TERMS);
			break;
		}
		total_words += words;
		if (total_words > LT_FTS_MAX_WORDS) {
			rc = lt_err_set(err, LT_EUSAGE, "the query's words and phrases hold more than "
					"%d words; search for at most %d at once",
					LT_FTS_MAX_WORDS, LT_FTS_MAX_WORDS);
			break;
		}
		rc = lt_buf_append(&seen, key.data ? key.data : "", key.len, err);
		if (!rc)
			rc = lt_buf_append(&seen, "", 1, err);
		if (!rc)
			rc = append_term(out, start, (size_t)(end - start), &terms, err);
	}
	lt_buf_release(&key);
	lt_buf_release(&seen);
	if (!rc && terms == 0)
		return lt_err_set(err, LT_EUSAGE, "the query '%s' has no words to search for", typed);
	return rc;
}
