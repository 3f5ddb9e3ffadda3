/* test_fts.c - unit tests for fts.h: the query builder (what a person types
 * -> a safe FTS5 MATCH expression) and the 'luutru' tokenizer, exercised on a
 * real in-memory SQLite database: matching with and without diacritics and
 * đ/d, and snippets/highlights that keep the original accented text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/fts.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- lt_fts_query ---- */

struct query_case {
	const char *typed;
	const char *want;   /* NULL: LT_EUSAGE expected */
};

static const struct query_case query_cases[] = {
	{ "van phong", "\"van\" AND \"phong\"" },
	{ "  van \t phong\n", "\"van\" AND \"phong\"" },
	{ "Đà Nẵng", "\"Đà\" AND \"Nẵng\"" },
	{ "\"van phong\"", "\"van phong\"" },
	{ "\"van phong\" 2016", "\"van phong\" AND \"2016\"" },
	{ "tinh \"van phong\" uy", "\"tinh\" AND \"van phong\" AND \"uy\"" },
	{ "05-CT/TW", "\"05-CT/TW\"" },
	/* A document number typed with spaces is one phrase: a number and
	 * the words after it typed in capitals, or "số" and a number. */
	{ "Số 05-CT/TW", "\"Số 05-CT/TW\"" },
	{ "1127 QĐ UBND", "\"1127-QĐ-UBND\"" },
	{ "số  05 nghị quyết", "\"số 05\" AND \"nghị\" AND \"quyết\"" },
	{ "van 25 TB VPTU 2016", "\"van\" AND \"25-TB-VPTU\" AND \"2016\"" },
	{ "2016 Đà Nẵng", "\"2016\" AND \"Đà\" AND \"Nẵng\"" },
	{ "1127 qd ubnd", "\"1127\" AND \"qd\" AND \"ubnd\"" },
	{ "UBND 1127", "\"UBND\" AND \"1127\"" },
	{ "2016 UBND", "\"2016\" AND \"UBND\"" },   /* a year and an organ */
	{ "2016 QĐ UBND", "\"2016-QĐ-UBND\"" },
	{ "số 2016 UBND", "\"số 2016-UBND\"" },
	{ "1127 \"QĐ UBND\"", "\"1127\" AND \"QĐ UBND\"" },
	{ "25 TB -VPTU", "(\"25-TB\") NOT \"VPTU\"" },
	{ "Số 05 CT TW", "\"Số 05-CT-TW\"" },
	{ "so", "\"so\"" },
	{ "SỐ 05", "\"SỐ 05\"" },
	{ "so\xcc\x82\xcc\x81 05", "\"so\xcc\x82\xcc\x81 05\"" },   /* số in NFD */
	{ "sở 05", "\"sở\" AND \"05\"" },   /* a department, not a number sign */
	/* An unterminated quote runs to the end of the input. */
	{ "\"van phong", "\"van phong\"" },
	/* Quotes inside what was typed never reach FTS5 unbalanced: they end
	 * the bare word and start a phrase. */
	{ "O\"Brien", "\"O\" AND \"Brien\"" },
	{ "x\"y\"z", "\"x\" AND \"y\" AND \"z\"" },
	{ "say \"\"hi\"\"", "\"say\" AND \"hi\"" },
	/* FTS5 syntax typed by a person is just words; OR between terms, a
	 * leading - and a trailing * are luutru's own. */
	{ "NOT AND OR NEAR", "\"NOT\" AND (\"AND\" OR \"NEAR\")" },
	{ "pho* ^dau (x) col:y", "\"pho\"* AND \"^dau\" AND \"(x)\" AND \"col:y\"" },
	{ "nghị* \"van pho\"*", "\"nghị\"* AND \"van pho\"*" },
	{ "van OR phong tinh", "(\"van\" OR \"phong\") AND \"tinh\"" },
	{ "OR van", "\"van\"" },
	{ "van -phong -\"tinh uy\"", "(\"van\") NOT \"phong\" NOT \"tinh uy\"" },
	{ "van - phong -", "\"van\" AND \"phong\"" },
	/* Stop words are dropped beside other words, kept in phrases. */
	{ "báo cáo của tỉnh và thành", "\"báo\" AND \"cáo\" AND \"tỉnh\" AND \"thành\"" },
	{ "\"của tỉnh\" the", "\"của tỉnh\"" },
	{ "la co de", "\"la\" AND \"co\" AND \"de\"" },   /* lá, cơ, đề: not stop words */
	/* Terms with no word characters are dropped. */
	{ "van - phong", "\"van\" AND \"phong\"" },
	{ "- / ,", NULL },
	{ "", NULL },
	{ "   ", NULL },
	{ "\"\"", NULL },
	{ "\"- /\" ...", NULL },
	/* A term that folds like an earlier one is searched once. */
	{ "van van", "\"van\"" },
	{ "van Văn VAN vÄn", "\"van\"" },
	{ "Đà đa \"da\" da, da", "\"Đà\"" },
	{ "\"van phong\" van \"Văn  Phòng\" phong", "\"van phong\" AND \"van\" AND \"phong\"" },
	{ "\"phong van\" \"van phong\"", "\"phong van\" AND \"van phong\"" },
};

static void test_query_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(query_cases); i++) {
		const struct query_case *c = &query_cases[i];
		struct lt_buf out = LT_BUF_INIT;
		struct lt_err err = { 0 };
		int rc = lt_fts_query(c->typed, &out, &err);

		print_message("query: [%s]\n", c->typed);
		if (c->want) {
			assert_int_equal(rc, LT_OK);
			assert_string_equal(lt_buf_str(&out), c->want);
		} else {
			assert_int_equal(rc, LT_EUSAGE);
			assert_int_equal(err.code, LT_EUSAGE);
			assert_non_null(strstr(err.msg, "no words"));
		}
		lt_buf_release(&out);
	}
}

static void test_query_appends(void **state)
{
	struct lt_buf out = LT_BUF_INIT;
	struct lt_err err = { 0 };

	(void)state;
	assert_int_equal(lt_buf_puts(&out, "x ", &err), LT_OK);
	assert_int_equal(lt_fts_query("p q", &out, &err), LT_OK);
	assert_string_equal(lt_buf_str(&out), "x \"p\" AND \"q\"");
	lt_buf_release(&out);
}

/* A query of n copies of word (space-separated), owned. */
static char *repeat(const char *word, size_t n, const char *sep)
{
	size_t w = strlen(word), s = strlen(sep);
	char *q = malloc(n * (w + s) + 1), *p = q;

	assert_non_null(q);
	for (size_t i = 0; i < n; i++) {
		memcpy(p, word, w);
		memcpy(p + w, sep, s);
		p += w + s;
	}
	*p = '\0';
	return q;
}

static void expect_refused(const char *typed, const char *why)
{
	struct lt_buf out = LT_BUF_INIT;
	struct lt_err err = { 0 };

	assert_int_equal(lt_fts_query(typed, &out, &err), LT_EUSAGE);
	assert_int_equal(err.code, LT_EUSAGE);
	print_message("refused: %s\n", err.msg);
	assert_non_null(strstr(err.msg, why));
	lt_buf_release(&out);
}

/* The same word 1,400 times is one term (it took 39 s on 25 pages as 1,400);
 * a 10,000-byte query, 33 distinct words, or phrases holding 65 words are
 * refused with a message that names the bound. */
static void test_query_bounds(void **state)
{
	struct lt_buf out = LT_BUF_INIT;
	struct lt_err err = { 0 };
	char *q;

	(void)state;
	expect_refused("và của the", "only words found on nearly every page");
	expect_refused("-van -\"phong\"", "only says what to leave out");
	expect_refused("! , . -- ...", "no words");
	q = repeat("van", 1400, " ");
	assert_int_equal(lt_fts_query(q, &out, &err), LT_OK);
	assert_string_equal(lt_buf_str(&out), "\"van\"");
	free(q);
	lt_buf_reset(&out);

	q = repeat("a", 5000, " ");
	expect_refused(q, "at most 8192 bytes");
	free(q);
	q = repeat("x", LT_FTS_MAX_QUERY_BYTES / 2, " ");
	assert_int_equal(lt_fts_query(q, &out, &err), LT_OK);   /* just at the bound */
	free(q);
	lt_buf_reset(&out);

	{
		struct lt_buf many = LT_BUF_INIT;
		size_t ands = 0;

		for (int i = 0; i < LT_FTS_MAX_TERMS; i++)
			assert_int_equal(lt_buf_printf(&many, &err, "w%d ", i), LT_OK);
		assert_int_equal(lt_fts_query(lt_buf_str(&many), &out, &err), LT_OK);
		for (const char *p = lt_buf_str(&out); (p = strstr(p, " AND ")); p++)
			ands++;
		assert_int_equal(ands, LT_FTS_MAX_TERMS - 1);
		/* Repeats of what is already there do not count. */
		assert_int_equal(lt_buf_printf(&many, &err, "w0 W1 \"w2\""), LT_OK);
		lt_buf_reset(&out);
		assert_int_equal(lt_fts_query(lt_buf_str(&many), &out, &err), LT_OK);
		assert_int_equal(lt_buf_printf(&many, &err, "w%d", LT_FTS_MAX_TERMS), LT_OK);
		expect_refused(lt_buf_str(&many), "more than 32 different words");
		lt_buf_release(&many);
	}

	q = repeat("w", 65, " ");
	/* 65 words in one phrase: "w w w ... w" */
	{
		char *quoted = malloc(strlen(q) + 3);

		assert_non_null(quoted);
		sprintf(quoted, "\"%s\"", q);
		expect_refused(quoted, "more than 64 words");
		quoted[strlen(quoted) - 3] = '"';   /* 64 words */
		quoted[strlen(quoted) - 2] = '\0';
		lt_buf_reset(&out);
		assert_int_equal(lt_fts_query(quoted, &out, &err), LT_OK);
		free(quoted);
	}
	free(q);
	lt_buf_release(&out);
}

/* ---- the tokenizer on a real database ---- */

struct db_fixture {
	sqlite3 *db;
};

static const char *const rows[] = {
	/* 1 */ "Văn phòng Tỉnh ủy Đà Nẵng",
	/* 2 */ "Chỉ thị Số 05-CT/TW của Ban Chấp hành Trung ương Đảng",
	/* 3 */ "Records transfer procedure, version 2",
	/* 4 */ "Vie\xcc\xa3\xcc\x82t Nam (NFD)",
	/* 5 */ "Ðà Lạt",   /* Icelandic eth, as Tesseract sometimes emits */
	/* 6 */ "Da Nang, quyết định 1127/QĐ-UBND",
	/* 7 */ "Ngày 25 tháng 7, VPTU gửi TB cho các cơ quan",
	/* 8 */ "Thông báo số 25/TB-VPTU",
	/* 9 */ "Số tiền 572.401.000 đồng; 401 000 và 572,401",
	/* 10 */ "Biên bản 5/2016, ngày 14/7/2016",
};

static int setup_db(void **state)
{
	static struct db_fixture fx;
	struct lt_err err = { 0 };
	sqlite3_stmt *st = NULL;

	if (sqlite3_open(":memory:", &fx.db) != SQLITE_OK)
		return -1;
	if (lt_fts_register(fx.db, &err) != LT_OK) {
		print_error("register: %s\n", err.msg);
		return -1;
	}
	/* As the catalog's page_text and page_exact
	 * (schemas/catalog/015-compact-index.sql). */
	if (sqlite3_exec(fx.db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='luutru folded'); "
			 "CREATE VIRTUAL TABLE te USING fts5(x, tokenize='luutru exact', "
			 "detail=none, columnsize=0)", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	for (int table = 0; table < 2; table++) {
		if (sqlite3_prepare_v2(fx.db, table ? "INSERT INTO te(rowid, x) VALUES (?, ?)"
				       : "INSERT INTO t(rowid, x) VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
			return -1;
		for (size_t i = 0; i < N_ELEMS(rows); i++) {
			sqlite3_reset(st);
			sqlite3_bind_int(st, 1, (int)i + 1);
			sqlite3_bind_text(st, 2, rows[i], -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE) {
				sqlite3_finalize(st);
				return -1;
			}
		}
		sqlite3_finalize(st);
	}
	*state = &fx;
	return 0;
}

static int teardown_db(void **state)
{
	struct db_fixture *fx = *state;

	sqlite3_close(fx->db);
	fx->db = NULL;
	return 0;
}

/* Runs MATCH with the expression lt_fts_query() builds from `typed`; returns
 * the matching rowids as a bit set (bit n = rowid n); -1 on an SQL error. */
static long match_rows(sqlite3 *db, const char *typed)
{
	struct lt_buf q = LT_BUF_INIT;
	struct lt_err err = { 0 };
	sqlite3_stmt *st = NULL;
	long set = 0;
	int s;

	assert_int_equal(lt_fts_query(typed, &q, &err), LT_OK);
	if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", -1, &st,
			       NULL) != SQLITE_OK) {
		lt_buf_release(&q);
		return -1;
	}
	sqlite3_bind_text(st, 1, lt_buf_str(&q), -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		set |= 1L << sqlite3_column_int(st, 0);
	if (s != SQLITE_DONE) {
		print_error("MATCH '%s': %s\n", lt_buf_str(&q), sqlite3_errmsg(db));
		set = -1;
	}
	sqlite3_finalize(st);
	lt_buf_release(&q);
	return set;
}

#define R(n) (1L << (n))

static const struct {
	const char *typed;
	long rows;
} match_cases[] = {
	{ "van phong", R(1) },
	{ "Văn phòng", R(1) },
	{ "VĂN PHÒNG", R(1) },
	{ "tinh uy", R(1) },
	{ "da nang", R(1) | R(6) },
	{ "Đà Nẵng", R(1) | R(6) },
	{ "đà nẵng", R(1) | R(6) },
	{ "\"da nang\"", R(1) | R(6) },
	{ "\"nang da\"", 0 },           /* a phrase keeps its order */
	{ "dang", R(2) },               /* Đảng */
	{ "đảng", R(2) },
	{ "ĐẢNG", R(2) },
	{ "05-CT/TW", R(2) },
	{ "05/CT-TW", R(2) },           /* same words, same phrase */
	{ "ct tw", R(2) },
	{ "\"tw ct\"", 0 },
	{ "chi thi", R(2) },
	{ "trung uong", R(2) },
	{ "transfer", R(3) },
	{ "TRANSFER procedure", R(3) },
	{ "viet nam", R(4) },           /* stored as NFD */
	{ "Việt", R(4) },
	{ "da lat", R(5) },             /* stored with the eth look-alike */
	{ "Đà", R(1) | R(5) | R(6) },
	/* NFD input as macOS keyboards type it */
	{ "Đa\xcc\x80 Na\xcc\x86\xcc\x83ng", R(1) | R(6) },
	/* Numbers: zero padding and punctuation do not matter */
	{ "5-CT/TW", R(2) },
	{ "005/ct-tw", R(2) },
	{ "Số 05", R(2) },
	{ "so 5", R(2) },
	{ "1127/QĐ-UBND", R(6) },
	{ "1127/QD-UBND", R(6) },
	{ "1127 QĐ UBND", R(6) },
	{ "01127-qd", R(6) },
	{ "\"ubnd 1127\"", 0 },
	/* The number itself, not its parts anywhere on the page (row 7). */
	{ "25 TB VPTU", R(8) },
	{ "25/TB-VPTU", R(8) },
	{ "số 25", R(8) },
	{ "25 tb vptu", R(7) | R(8) },   /* small letters: words */
	/* Numbers joined by punctuation are also indexed as pairs ("401/0")
	 * and asked for so: any joiner, any zero padding, a part of one;
	 * parts apart (row 9's "401 000") are not the number. */
	{ "572.401.000", R(9) },
	{ "572,401,000", R(9) },
	{ "401.000", R(9) },
	{ "401-0", R(9) },
	{ "572.401", R(9) },
	{ "\"572 401\"", R(9) },
	{ "401 000", R(9) },
	{ "000.401", 0 },
	{ "14/7/2016", R(10) },
	{ "7/2016", R(10) },
	{ "5/2016", R(10) },
	{ "2016-7", 0 },
	{ "bản 5/2016", R(10) },
	{ "\"bản 5/2016 ngày\"", R(10) },
	{ "\"số 25/TB-VPTU\"", R(8) },
	{ "ct/tw", R(2) },                /* no number: the words in a row */
	{ "05-CT*", R(2) },
	/* The query language */
	{ "nang*", R(1) | R(6) },
	{ "\"tinh u\"*", R(1) },
	{ "lat OR transfer", R(3) | R(5) },
	{ "da -lat", R(1) | R(6) },
	{ "da -nang -\"van phong\"", R(5) },
	{ "van phong transfer", 0 },
	{ "nothing", 0 },
	/* Syntax typed by a person never becomes an FTS5 error. */
	{ "NOT AND OR", 0 },
	{ "pho* ^dau (x) col:y", 0 },
	{ "O\"Brien", 0 },
};

static void test_match_table(void **state)
{
	struct db_fixture *fx = *state;

	for (size_t i = 0; i < N_ELEMS(match_cases); i++) {
		print_message("match: [%s]\n", match_cases[i].typed);
		assert_int_equal(match_rows(fx->db, match_cases[i].typed), match_cases[i].rows);
	}
}

/* The rows of the MATCH of typed that its exact MATCH finds (as
 * catalog_search.c asks); -2 when typed has none. */
static long exact_rows(sqlite3 *db, const char *typed)
{
	struct lt_fts_match m = LT_FTS_MATCH_INIT;
	struct lt_err err = { 0 };
	sqlite3_stmt *st = NULL;
	long set = 0;

	assert_int_equal(lt_fts_parse(typed, &m, &err), LT_OK);
	if (!m.has_exact) {
		lt_fts_match_release(&m);
		return -2;
	}
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND rowid IN "
					    "(SELECT rowid FROM te WHERE te MATCH ?2)", -1, &st,
					    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, lt_buf_str(&m.any), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lt_buf_str(&m.exact), -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		set |= 1L << sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	lt_fts_match_release(&m);
	return set;
}

/* Pages spelt as typed are an index query of their own: case does not
 * matter, diacritics and đ do; words typed without diacritics ask nothing
 * of the spelling. */
static void test_exact_match(void **state)
{
	struct db_fixture *fx = *state;

	assert_int_equal(exact_rows(fx->db, "Đà Nẵng"), R(1));
	assert_int_equal(exact_rows(fx->db, "ĐÀ NẴNG"), R(1));
	assert_int_equal(exact_rows(fx->db, "Đa\xcc\x80 Na\xcc\x86\xcc\x83ng"), R(1));   /* NFD */
	assert_int_equal(exact_rows(fx->db, "\"Đà Nẵng\""), R(1));
	assert_int_equal(exact_rows(fx->db, "Đà"), R(1) | R(5));   /* Ð repaired to Đ */
	assert_int_equal(exact_rows(fx->db, "Dà"), 0);             /* D is not Đ */
	/* A prefix matches in any spelling: no walk over the exact forms. */
	assert_int_equal(exact_rows(fx->db, "Nẵ*"), -2);
	assert_int_equal(exact_rows(fx->db, "Đà Nẵ*"), R(1));
	assert_int_equal(exact_rows(fx->db, "Đà -lạt"), R(1));
	assert_int_equal(exact_rows(fx->db, "1127/QĐ-UBND"), R(6));
	assert_int_equal(exact_rows(fx->db, "da nang"), -2);
	assert_int_equal(exact_rows(fx->db, "05-CT/TW"), -2);
	/* page_exact has no positions: "as typed" is each word as typed
	 * somewhere on the page, the phrase itself being the MATCH's. */
	assert_int_equal(exact_rows(fx->db, "\"Nẵng Đà\""), 0);   /* no page has the phrase */
	assert_int_equal(exact_rows(fx->db, "Đà OR Việt"), R(1) | R(4) | R(5));
	assert_int_equal(exact_rows(fx->db, "Đà OR transfer"), -2);   /* one way has no diacritic */
}

/* The exact MATCH (of page_exact): the words typed with diacritics, one
 * by one. */
static void test_exact_expression(void **state)
{
	static const struct { const char *typed, *exact; } cases[] = {
		{ "Đà Nẵng", "\"Đà\" AND \"Nẵng\"" },
		{ "\"Sở Y tế\" 2016", "\"Sở\" AND \"tế\"" },
		{ "Đà OR Huế tinh", "((\"Đà\") OR (\"Huế\"))" },
		{ "tinh Đà -Nẵng", "\"Đà\"" },
		{ "Đà OR da", NULL },
		{ "nghị* ủy", "\"ủy\"" },
		{ "1127/QĐ-UBND", "\"QĐ\"" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct lt_fts_match m = LT_FTS_MATCH_INIT;
		struct lt_err err = { 0 };

		print_message("exact: [%s]\n", cases[i].typed);
		assert_int_equal(lt_fts_parse(cases[i].typed, &m, &err), LT_OK);
		assert_int_equal(m.has_exact, cases[i].exact != NULL);
		if (cases[i].exact)
			assert_string_equal(lt_buf_str(&m.exact), cases[i].exact);
		lt_fts_match_release(&m);
	}
}

/* The tokenizer's argument says which forms it emits; another is refused. */
static void test_tokenizer_modes(void **state)
{
	struct lt_err err = { 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(lt_fts_register(db, &err), LT_OK);
	assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE b USING fts5(x, "
					  "tokenize='luutru bogus')", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE f USING fts5(x, tokenize='luutru folded'); "
				      "CREATE VIRTUAL TABLE e USING fts5(x, tokenize='luutru exact', detail=none); "
				      "CREATE VIRTUAL TABLE a USING fts5(x, tokenize='luutru'); "
				      "INSERT INTO f VALUES ('Đà Nẵng 05 van'); INSERT INTO e VALUES ('Đà Nẵng 05 van'); "
				      "INSERT INTO a VALUES ('Đà Nẵng 05 van'); "
				      "CREATE VIRTUAL TABLE temp.vf USING fts5vocab(main, f, row); "
				      "CREATE VIRTUAL TABLE temp.ve USING fts5vocab(main, e, row); "
				      "CREATE VIRTUAL TABLE temp.va USING fts5vocab(main, a, row);",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT group_concat(term, ' ') FROM vf), "
					    "(SELECT group_concat(term, ' ') FROM ve), "
					    "(SELECT group_concat(term, ' ') FROM va)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "5 da nang van");
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "=nẵng =đà");
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "5 =nẵng =đà da nang van");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static char *one_text(sqlite3 *db, const char *sql, const char *match)
{
	struct lt_buf q = LT_BUF_INIT;
	struct lt_err err = { 0 };
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	assert_int_equal(lt_fts_query(match, &q, &err), LT_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, lt_buf_str(&q), -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	out = strdup((const char *)sqlite3_column_text(st, 0));
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	lt_buf_release(&q);
	assert_non_null(out);
	return out;
}

static void test_snippet_keeps_diacritics(void **state)
{
	struct db_fixture *fx = *state;
	static const char snip[] = "SELECT snippet(t, 0, '[', ']', '...', 8) FROM t WHERE t MATCH ?";
	static const char high[] = "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?";
	char *s;

	s = one_text(fx->db, high, "van phong");
	assert_string_equal(s, "[Văn] [phòng] Tỉnh ủy Đà Nẵng");
	free(s);
	s = one_text(fx->db, high, "dang");
	assert_string_equal(s, "Chỉ thị Số 05-CT/TW của Ban Chấp hành Trung ương [Đảng]");
	free(s);
	s = one_text(fx->db, high, "05-CT/TW");
	assert_string_equal(s, "Chỉ thị Số [05-CT/TW] của Ban Chấp hành Trung ương Đảng");
	free(s);
	s = one_text(fx->db, snip, "uy da nang");
	assert_non_null(strstr(s, "[Đà] [Nẵng]"));
	free(s);
	/* Offsets point into the stored text, whatever its normal form. */
	s = one_text(fx->db, high, "viet");
	assert_string_equal(s, "[Vie\xcc\xa3\xcc\x82t] Nam (NFD)");
	free(s);
}

static void test_overlong_token_skipped(void **state)
{
	struct db_fixture *fx = *state;
	char text[400];

	memset(text, 'a', 300);
	memcpy(text + 300, " kiemtra", 9);
	assert_int_equal(sqlite3_exec(fx->db, "SAVEPOINT s", NULL, NULL, NULL), SQLITE_OK);
	{
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_prepare_v2(fx->db, "INSERT INTO t(rowid, x) VALUES (20, ?)",
						    -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	assert_int_equal(match_rows(fx->db, "kiemtra"), R(20));
	assert_int_equal(sqlite3_exec(fx->db, "ROLLBACK TO s; RELEASE s", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(match_rows(fx->db, "kiemtra"), 0);
}

static void test_term_without_tokens(void **state)
{
	struct db_fixture *fx = *state;
	char typed[320];
	long got_mark, got_long;

	/* A lone combining mark (say a stray dead key) and an over-long word
	 * next to a real word: the real word should still be searched. */
	got_mark = match_rows(fx->db, "van \xcc\x81");
	memset(typed, 'a', 300);
	snprintf(typed + 300, sizeof(typed) - 300, " van");
	got_long = match_rows(fx->db, typed);
	/* Terms the tokenizer turns into nothing are dropped, not searched as
	 * empty phrases that would sink the whole AND. */
	assert_int_equal(got_mark, R(1));
	assert_int_equal(got_long, R(1));
}

static void test_unregistered_tokenizer_refused(void **state)
{
	sqlite3 *db = NULL;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='luutru')",
					  NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_register_twice(void **state)
{
	struct lt_err err = { 0 };
	sqlite3 *db = NULL;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(lt_fts_register(db, &err), LT_OK);
	assert_int_equal(lt_fts_register(db, &err), LT_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='luutru'); "
				      "INSERT INTO t VALUES ('Đảng');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_table),
		cmocka_unit_test(test_query_appends),
		cmocka_unit_test(test_query_bounds),
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_exact_match),
		cmocka_unit_test(test_exact_expression),
		cmocka_unit_test(test_tokenizer_modes),
		cmocka_unit_test(test_snippet_keeps_diacritics),
		cmocka_unit_test(test_overlong_token_skipped),
		cmocka_unit_test(test_term_without_tokens),
		cmocka_unit_test(test_unregistered_tokenizer_refused),
		cmocka_unit_test(test_register_twice),
	};

	return cmocka_run_group_tests(tests, setup_db, teardown_db);
}
