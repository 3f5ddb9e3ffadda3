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

/* Would the tokenizer emit at least one token for s[0..n)? A term it turns
 * into nothing (punctuation, a lone combining mark, an over-long word) would
 * be an empty phrase that matches nothing and sinks the whole AND. */
static int has_token(const char *s, size_t n)
{
	struct lt_buf folded = LT_BUF_INIT;
	size_t pos = 0, start, end;
	int found = 0;

	while (!found && lt_text_next_word(s, n, &pos, &start, &end)) {
		if (end - start > MAX_TOKEN_BYTES)
			continue;
		lt_buf_reset(&folded);
		found = lt_text_fold(s + start, end - start, &folded, NULL) == LT_OK && folded.len > 0;
	}
	lt_buf_release(&folded);
	return found;
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

int lt_fts_query(const char *typed, struct lt_buf *out, struct lt_err *err)
{
	const char *p = typed;
	int terms = 0, rc = LT_OK;

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
		if (has_token(start, (size_t)(end - start)))
			rc = append_term(out, start, (size_t)(end - start), &terms, err);
	}
	if (!rc && terms == 0)
		return lt_err_set(err, LT_EUSAGE, "the query '%s' has no words to search for", typed);
	return rc;
}
