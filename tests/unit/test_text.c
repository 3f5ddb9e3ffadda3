/* test_text.c - unit tests for text.h: NFC normalisation (with the Tesseract
 * look-alike repairs), search folding and the word splitter that the FTS5
 * tokenizer and the query builder share. Non-ASCII is spelled with escapes
 * where the byte form matters (NFD input); elsewhere literal UTF-8 (NFC). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "luutru/text.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct map_case {
	const char *name;
	const char *in;
	const char *want;
};

/* ---- lt_text_nfc ---- */

static const struct map_case nfc_cases[] = {
	/* e + dot below + circumflex (NFD) composes to U+1EC7. */
	{ "NFD Viet", "Vie\xcc\xa3\xcc\x82t", "Vi\xe1\xbb\x87t" },
	{ "NFD with other mark order", "Vie\xcc\x82\xcc\xa3t", "Vi\xe1\xbb\x87t" },
	{ "already NFC", "Việt Nam", "Việt Nam" },
	/* Tesseract's look-alikes: Icelandic eth for Vietnamese D-stroke. */
	{ "capital eth", "\xc3\x90\xc3\xa0 N\xe1\xba\xb5ng", "\xc4\x90\xc3\xa0 N\xe1\xba\xb5ng" },
	{ "small eth", "\xc3\xb0\xe1\xba\xa3ng", "\xc4\x91\xe1\xba\xa3ng" },
	{ "real D-stroke untouched", "Đảng đoàn", "Đảng đoàn" },
	{ "ASCII", "So 05-CT/TW, 14/7/2016", "So 05-CT/TW, 14/7/2016" },
	{ "case kept", "BAN CHẤP HÀNH", "BAN CHẤP HÀNH" },
	{ "empty", "", "" },
};

static void test_nfc_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(nfc_cases); i++) {
		const struct map_case *c = &nfc_cases[i];
		struct lt_buf out = LT_BUF_INIT;
		struct lt_err err = { 0 };

		print_message("nfc: %s\n", c->name);
		assert_int_equal(lt_text_nfc(c->in, strlen(c->in), &out, &err), LT_OK);
		assert_string_equal(lt_buf_str(&out), c->want);
		assert_int_equal(out.len, strlen(c->want));
		lt_buf_release(&out);
	}
}

static void test_nfc_appends(void **state)
{
	struct lt_buf out = LT_BUF_INIT;
	struct lt_err err = { 0 };

	(void)state;
	assert_int_equal(lt_buf_puts(&out, "x:", &err), LT_OK);
	assert_int_equal(lt_text_nfc("Vie\xcc\xa3\xcc\x82t", 8, &out, &err), LT_OK);
	assert_string_equal(lt_buf_str(&out), "x:Vi\xe1\xbb\x87t");
	/* Only len bytes are read: the tail " Nam" is not part of the input. */
	assert_int_equal(lt_text_nfc("ab Nam", 2, &out, &err), LT_OK);
	assert_string_equal(lt_buf_str(&out), "x:Vi\xe1\xbb\x87tab");
	lt_buf_release(&out);
}

static const char *const invalid_utf8[] = {
	"\xff",                 /* never valid */
	"abc\xc3",              /* truncated 2-byte sequence */
	"\xc3\x28",             /* bad continuation byte */
	"\xe1\xbb",             /* truncated 3-byte sequence */
	"\xed\xa0\x80",         /* UTF-16 surrogate */
	"\xf4\x90\x80\x80",     /* above U+10FFFF */
	"ok \x80 ok",           /* stray continuation byte */
};

static void test_nfc_invalid_utf8(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(invalid_utf8); i++) {
		struct lt_buf out = LT_BUF_INIT;
		struct lt_err err = { 0 };

		print_message("invalid #%zu\n", i);
		assert_int_equal(lt_text_nfc(invalid_utf8[i], strlen(invalid_utf8[i]), &out, &err),
				 LT_EINPUT);
		assert_int_equal(err.code, LT_EINPUT);
		assert_true(err.msg[0] != '\0');
		assert_int_equal(out.len, 0);
		lt_buf_release(&out);
	}
}

/* ---- lt_text_fold ---- */

static const struct map_case fold_cases[] = {
	{ "office", "Văn phòng Tỉnh ủy", "van phong tinh uy" },
	{ "capital D-stroke", "ĐẢNG", "dang" },
	{ "small d-stroke", "đ", "d" },
	{ "city", "Đà Nẵng", "da nang" },
	{ "eth look-alikes", "\xc3\x90\xc3\xa0 \xc3\xb0\xe1\xba\xa3ng", "da dang" },
	{ "NFD input", "Vie\xcc\xa3\xcc\x82t Nam", "viet nam" },
	{ "ASCII lower unchanged", "van phong 05-ct/tw, so: 12.", "van phong 05-ct/tw, so: 12." },
	{ "ASCII upper lowered", "ASCII Text", "ascii text" },
	{ "digits kept", "Số 05-CT/TW ngày 14/7/2016", "so 05-ct/tw ngay 14/7/2016" },
	{ "all tone marks", "a à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ",
	  "a a a a a a a a a a a a a a a a a a" },
	{ "horn letters", "ƠƯ ơư Ờ ự", "ou ou o u" },
	{ "empty", "", "" },
};

static void test_fold_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(fold_cases); i++) {
		const struct map_case *c = &fold_cases[i];
		struct lt_buf out = LT_BUF_INIT;
		struct lt_err err = { 0 };

		print_message("fold: %s\n", c->name);
		assert_int_equal(lt_text_fold(c->in, strlen(c->in), &out, &err), LT_OK);
		assert_string_equal(lt_buf_str(&out), c->want);
		lt_buf_release(&out);
	}
}

static void test_fold_invalid_utf8(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(invalid_utf8); i++) {
		struct lt_buf out = LT_BUF_INIT;
		struct lt_err err = { 0 };

		assert_int_equal(lt_text_fold(invalid_utf8[i], strlen(invalid_utf8[i]), &out, &err),
				 LT_EINPUT);
		lt_buf_release(&out);
	}
}

/* ---- lt_text_next_word ---- */

struct word {
	const char *text;
	size_t start, end;
};

struct split_case {
	const char *name;
	const char *in;
	size_t len;             /* 0: strlen(in) */
	struct word words[8];   /* terminated by text == NULL */
};

static const struct split_case split_cases[] = {
	/* "Số" is S + U+1ED1 (3 bytes); "ngày" has U+00E0 (2 bytes). */
	{ "document number", "Số 05-CT/TW, ngày 14", 0,
	  { { "Số", 0, 4 }, { "05", 5, 7 }, { "CT", 8, 10 }, { "TW", 11, 13 },
	    { "ngày", 15, 20 }, { "14", 21, 23 }, { NULL, 0, 0 } } },
	{ "empty", "", 0, { { NULL, 0, 0 } } },
	{ "only punctuation", "- / , . ; \" ( ) \xe2\x80\xa6", 0, { { NULL, 0, 0 } } },
	{ "combining marks stay in the word", "Vie\xcc\xa3\xcc\x82t nam", 0,
	  { { "Vie\xcc\xa3\xcc\x82t", 0, 8 }, { "nam", 9, 12 }, { NULL, 0, 0 } } },
	{ "invalid bytes separate words", "ab\xff" "cd", 0,
	  { { "ab", 0, 2 }, { "cd", 3, 5 }, { NULL, 0, 0 } } },
	{ "leading and trailing space", "  Đà  ", 0, { { "Đà", 2, 6 }, { NULL, 0, 0 } } },
	{ "len stops early", "abc def", 5, { { "abc", 0, 3 }, { "d", 4, 5 }, { NULL, 0, 0 } } },
};

static void test_next_word_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(split_cases); i++) {
		const struct split_case *c = &split_cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		size_t pos = 0, start = 0, end = 0, k = 0;

		print_message("split: %s\n", c->name);
		while (lt_text_next_word(c->in, len, &pos, &start, &end)) {
			const struct word *w = &c->words[k];

			assert_non_null(w->text);
			assert_int_equal(start, w->start);
			assert_int_equal(end, w->end);
			assert_int_equal(end - start, strlen(w->text));
			assert_memory_equal(c->in + start, w->text, end - start);
			assert_true(pos >= end);
			k++;
		}
		assert_null(c->words[k].text);
		/* At the end: the whole input was consumed and it stays at the end. */
		assert_int_equal(pos, len);
		assert_int_equal(lt_text_next_word(c->in, len, &pos, &start, &end), 0);
		assert_int_equal(pos, len);
	}
}

/* The words that tell a page's languages: Vietnamese words carry marks and
 * are all syllables Vietnamese allows; most English words are not. */
static void test_count_languages(void **state)
{
	static const struct {
		const char *text;
		int words, marked, not_vietnamese;
	} cases[] = {
		/* Every word a Vietnamese syllable, all but "Nam" and "Trung" marked;
		 * UBND, TW (capitals) and 2016 (figures) not counted. */
		{ "Văn phòng Trung ương Đảng và UBND tỉnh Quảng Nam, ngày 14 năm 2016 TW", 11, 9, 0 },
		/* Syllables a Vietnamese reader allows: nguyen, truong, khuya, gia, quyet, nghieng. */
		{ "nguyen truong khuya gia quyet nghieng", 6, 0, 0 },
		/* "the", "to", "be", "in" can be Vietnamese; "records", "and", "files", "of",
		 * "office", "kept", "box" cannot ("a" is one letter). */
		{ "the records and files of the office to be kept in a box", 12, 0, 7 },
		/* Words in capitals count from 7 letters (FOR could be an abbreviation);
		 * single letters do not. */
		{ "RECORDS TRANSFER PROCEDURE FOR REGIONAL OFFICES x y", 5, 0, 5 },
		{ "", 0, 0, 0 },
		{ "12/QĐ-UBND 2016 ... ---", 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lt_text_languages got;

		lt_text_count_languages(cases[i].text, strlen(cases[i].text), &got);
		if (got.words != cases[i].words || got.marked != cases[i].marked ||
		    got.not_vietnamese != cases[i].not_vietnamese)
			fail_msg("'%s': %d words, %d marked, %d not Vietnamese; want %d, %d, %d", cases[i].text,
				 got.words, got.marked, got.not_vietnamese, cases[i].words, cases[i].marked,
				 cases[i].not_vietnamese);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfc_table),
		cmocka_unit_test(test_nfc_appends),
		cmocka_unit_test(test_nfc_invalid_utf8),
		cmocka_unit_test(test_fold_table),
		cmocka_unit_test(test_fold_invalid_utf8),
		cmocka_unit_test(test_next_word_table),
		cmocka_unit_test(test_count_languages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
