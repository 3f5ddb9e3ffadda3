/* fuzz_query.c - lt_fts_query on any bytes: it must never crash, never take
 * more than its bounds, and what it builds must always be a valid FTS5
 * MATCH expression for the luutru tokenizer (a syntax error there would be a
 * search that fails for a person's typing). */
#include <sqlite3.h>
#include <string.h>

#include "fuzz.h"
#include "luutru/buf.h"
#include "luutru/fts.h"

static sqlite3 *db;
static sqlite3_stmt *match;

static void open_db(void)
{
	struct lt_err err = { 0 };

	if (sqlite3_open(":memory:", &db) != SQLITE_OK || lt_fts_register(db, &err) != LT_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='luutru');"
			 "INSERT INTO t VALUES ('Văn phòng Tỉnh ủy Đà Nẵng 05-CT/TW');",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT snippet(t, 0, '[', ']', '…', 16), bm25(t) FROM t "
			       "WHERE t MATCH ?", -1, &match, NULL) != SQLITE_OK) {
		fprintf(stderr, "fuzz_query: cannot set up the database\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_buf out = LT_BUF_INIT;
	struct lt_err err = { 0 };
	char *typed = malloc(size + 1);
	int rc, s;

	if (!typed)
		return 0;
	if (!db)
		open_db();
	memcpy(typed, data, size);
	typed[size] = '\0';
	rc = lt_fts_query(typed, &out, &err);
	if (rc == LT_OK) {
		/* Each byte typed is at most doubled ("" for "), plus AND and
		 * quotes per term. */
		if (out.len > 2 * LT_FTS_MAX_QUERY_BYTES + 8 * LT_FTS_MAX_TERMS) {
			fprintf(stderr, "fuzz_query: %zu bytes of MATCH from %zu typed\n", out.len, size);
			abort();
		}
		sqlite3_reset(match);
		sqlite3_bind_text(match, 1, lt_buf_str(&out), -1, SQLITE_STATIC);
		while ((s = sqlite3_step(match)) == SQLITE_ROW)
			;
		if (s != SQLITE_DONE) {
			fprintf(stderr, "fuzz_query: [%s] -> [%s]: %s\n", typed, lt_buf_str(&out),
				sqlite3_errmsg(db));
			abort();
		}
	} else if (rc != LT_EUSAGE && rc != LT_ENOMEM) {
		fprintf(stderr, "fuzz_query: unexpected code %d: %s\n", rc, err.msg);
		abort();
	}
	sqlite3_reset(match);
	lt_buf_release(&out);
	free(typed);
	return 0;
}
