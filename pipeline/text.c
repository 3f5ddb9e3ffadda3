/* text.c - NFC normalisation, search folding and word splitting with utf8proc.
 *
 * Folding is done per code point through utf8proc's custom mapping hook so
 * that đ becomes d before decomposition; everything else (case, marks) is
 * utf8proc's own tables, not ours.
 */
#include "luutru/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static utf8proc_int32_t repair_vietnamese(utf8proc_int32_t cp, void *data)
{
	(void)data;
	if (cp == 0x00D0)
		return 0x0110;
	if (cp == 0x00F0)
		return 0x0111;
	return cp;
}

static utf8proc_int32_t fold_d(utf8proc_int32_t cp, void *data)
{
	(void)data;
	if (cp == 0x0110 || cp == 0x0111 || cp == 0x00D0 || cp == 0x00F0)
		return 'd';
	return cp;
}

static int map_text(const char *in, size_t len, struct lt_buf *out, utf8proc_option_t opts,
		    utf8proc_custom_func fn, struct lt_err *err)
{
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t n;
	int rc;

	if (len == 0)
		return lt_buf_append(out, "", 0, err);
	n = utf8proc_map_custom((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &mapped,
				opts, fn, NULL);
	if (n < 0)
		return lt_err_set(err, n == UTF8PROC_ERROR_NOMEM ? LT_ENOMEM : LT_EINPUT,
				  "cannot normalise text: %s", utf8proc_errmsg(n));
	rc = lt_buf_append(out, mapped, (size_t)n, err);
	free(mapped);
	return rc;
}

int lt_text_nfc(const char *in, size_t len, struct lt_buf *out, struct lt_err *err)
{
	return map_text(in, len, out, UTF8PROC_STABLE | UTF8PROC_COMPOSE, repair_vietnamese, err);
}

int lt_text_fold(const char *in, size_t len, struct lt_buf *out, struct lt_err *err)
{
	size_t i = 0;

	/* The tokenizer folds every word of every page; most are plain ASCII,
	 * whose fold is just lower case, so they skip utf8proc's allocation. */
	while (i < len && (unsigned char)in[i] < 0x80)
		i++;
	if (i == len) {
		int rc = lt_buf_grow(out, len, err);

		for (i = 0; !rc && i < len; i++)
			out->data[out->len++] = (char)((in[i] >= 'A' && in[i] <= 'Z') ? in[i] + 32 : in[i]);
		if (!rc)
			out->data[out->len] = '\0';
		return rc;
	}
	return map_text(in, len, out,
			UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
			fold_d, err);
}

int lt_text_casefold(const char *in, size_t len, struct lt_buf *out, struct lt_err *err)
{
	return map_text(in, len, out, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD,
			repair_vietnamese, err);
}

int lt_text_repair_utf8(const char *s, struct lt_buf *out, struct lt_err *err)
{
	size_t len = strlen(s), i = 0;
	int rc = LT_OK;

	while (!rc && i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);

		if (n > 0) {
			rc = lt_buf_append(out, s + i, (size_t)n, err);
			i += (size_t)n;
		} else {
			rc = lt_buf_puts(out, "\xEF\xBF\xBD", err);
			i++;
		}
	}
	return rc ? rc : lt_buf_append(out, "", 0, err);
}

static int is_word_char(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

int lt_text_next_word(const char *s, size_t len, size_t *pos, size_t *start, size_t *end)
{
	size_t i = *pos;
	int in_word = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		int word = n > 0 && is_word_char(cp);

		if (n <= 0)
			n = 1;
		if (word && !in_word) {
			*start = i;
			in_word = 1;
		} else if (!word && in_word) {
			*end = i;
			*pos = i;
			return 1;
		}
		i += (size_t)n;
	}
	*pos = i;
	if (in_word) {
		*end = i;
		return 1;
	}
	return 0;
}

/* Could w (folded: a-z only) be a Vietnamese syllable? An onset, one to
 * three vowels (the glides o, u, i, y included), a final of c, ch, m, n,
 * ng, nh, p or t: "nguyen", "truong", "khuya"; not "and", "records", "of". */
static int vietnamese_syllable(const char *w, size_t n)
{
	static const char *const onsets[] = { "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th",
					      "tr",  "b",  "c",  "d",  "g",  "h",  "k",  "l",  "m",  "n",
					      "p",   "r",  "s",  "t",  "v",  "x",  "" };
	static const char *const finals[] = { "", "c", "ch", "m", "n", "ng", "nh", "p", "t" };

	for (size_t i = 0; i < sizeof(onsets) / sizeof(onsets[0]); i++) {
		size_t o = strlen(onsets[i]), v = 0;

		if (o > n || strncmp(w, onsets[i], o) != 0)
			continue;
		while (o + v < n && strchr("aeiouy", w[o + v]))
			v++;
		if (v < 1 || v > 3)
			continue;
		for (size_t f = 0; f < sizeof(finals) / sizeof(finals[0]); f++)
			if (strlen(finals[f]) == n - o - v && strncmp(w + o + v, finals[f], n - o - v) == 0)
				return 1;
	}
	return 0;
}

void lt_text_count_languages(const char *s, size_t len, struct lt_text_languages *out)
{
	size_t pos = 0, start, end;

	memset(out, 0, sizeof(*out));
	while (lt_text_next_word(s, len, &pos, &start, &end)) {
		char folded[24];
		size_t n = 0, upper = 0, letters = 0;
		int latin = 1, marked = 0;

		for (size_t i = start; i < end && latin;) {
			utf8proc_int32_t c, d[4];
			int last = 0;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(end - i), &c);

			if (k < 1)
				break;
			i += (size_t)k;
			if (utf8proc_category(c) >= UTF8PROC_CATEGORY_MN && utf8proc_category(c) <= UTF8PROC_CATEGORY_ME)
				continue;
			upper += utf8proc_category(c) == UTF8PROC_CATEGORY_LU;
			letters++;
			if (c == 0x0110 || c == 0x0111) {
				c = 'd';
				marked = 1;
			} else if (c >= 0x80 &&
				   utf8proc_decompose_char(c, d, 4, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD,
							   &last) == 1) {
				c = d[0];
				marked = 1;
			} else if (c >= 'A' && c <= 'Z') {
				c += 'a' - 'A';
			}
			latin = c >= 'a' && c <= 'z' && n + 1 < sizeof(folded);
			if (latin)
				folded[n++] = (char)c;
		}
		/* Figures, other scripts, single letters, abbreviations in
		 * capitals (UBND, TW, HR) tell nothing. */
		if (!latin || letters < 2 || (upper == letters && letters <= 6))
			continue;
		out->words++;
		out->marked += marked;
		out->not_vietnamese += !vietnamese_syllable(folded, n);
	}
}
