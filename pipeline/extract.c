/* extract.c - TT05 metadata read off the header of page 1 (NĐ 30/2020, HD 36).
 *
 * The text is turned into two parallel arrays of code points: the NFC text as
 * printed, and a folded copy (lower case, marks dropped, đ -> d) of the same
 * length, so that every rule can match on the folded copy and still slice
 * the value out of the printed text. Rules are hand-written scanners over
 * lines: each knows where in the header its field sits, which keeps a date
 * or a "Số" in the body from ever being taken for the header's.
 */
#include "luutru/extract.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "luutru/buf.h"
#include "luutru/text.h"

/* Confidence of what a rule reads: as printed, through OCR damage, or
 * inferred from something else on the page. */
#define CONF_STRICT 0.95
#define CONF_FOLDED 0.80
#define CONF_REPAIRED 0.70
#define CONF_INFERRED 0.60
#define CONF_DISAGREE 0.50
/* Stamps are often red and skewed: a suggestion for a person to confirm. */
#define CONF_STAMP 0.80
#define CONF_STAMP_FOLDED 0.60

/* The header of an A4 page is its first dozen lines; later lines are read
 * only to find where it ends. */
#define MAX_LINES 60
#define HEADER_LINES 30
/* A line of the left header block is about half the page wide. */
#define LEFT_BLOCK_MAX_CHARS 65
#define MAX_NOTATION 30
#define MAX_SUBJECT_LINES 4

/* TT05 type codes with NĐ 30 (state) and HD 36 (Party) abbreviations. An
 * abbreviation is NULL where the family does not use the type. */
struct doc_type {
	const char *label;  /* sentence case, NFC */
	const char *letters; /* folded letters of the label, no spaces */
	const char *code;   /* TT05 typeName */
	const char *abbr_state;
	const char *abbr_party;
};

static const struct doc_type doc_types[] = {
	{ "Nghị quyết", "nghiquyet", "01", "NQ", "NQ" },
	{ "Quyết định", "quyetdinh", "02", "QĐ", "QĐ" },
	{ "Chỉ thị", "chithi", "03", "CT", "CT" },
	{ "Quy chế", "quyche", "04", "QC", "QC" },
	{ "Quy định", "quydinh", "05", "QyĐ", "QĐi" },
	{ "Thông cáo", "thongcao", "06", "TC", "TC" },
	{ "Thông báo", "thongbao", "07", "TB", "TB" },
	{ "Hướng dẫn", "huongdan", "08", "HD", "HD" },
	{ "Chương trình", "chuongtrinh", "09", "CTr", "CTr" },
	{ "Kế hoạch", "kehoach", "10", "KH", "KH" },
	{ "Phương án", "phuongan", "11", "PA", "PA" },
	{ "Đề án", "dean", "12", "ĐA", "ĐA" },
	{ "Dự án", "duan", "13", "DA", "DA" },
	{ "Báo cáo", "baocao", "14", "BC", "BC" },
	{ "Tờ trình", "totrinh", "15", "TTr", "TTr" },
	{ "Giấy ủy quyền", "giayuyquyen", "16", "GUQ", "GUQ" },
	{ "Phiếu gửi", "phieugui", "17", "PG", "PG" },
	{ "Phiếu chuyển", "phieuchuyen", "18", "PC", "PC" },
	{ "Phiếu báo", "phieubao", "19", "PB", "PB" },
	{ "Biên bản", "bienban", "20", "BB", "BB" },
	{ "Hợp đồng", "hopdong", "21", "HĐ", "HĐ" },
	{ "Công văn", "congvan", "22", NULL, "CV" },
	{ "Công điện", "congdien", "23", "CĐ", "CĐ" },
	{ "Bản ghi nhớ", "banghinho", "24", "BGN", "BGN" },
	{ "Bản thỏa thuận", "banthoathuan", "25", "BTT", "BTT" },
	{ "Giấy mời", "giaymoi", "26", "GM", "GM" },
	{ "Giấy giới thiệu", "giaygioithieu", "27", "GGT", "GGT" },
	{ "Giấy nghỉ phép", "giaynghiphep", "28", "GNP", "GNP" },
	{ "Thư công", "thucong", "29", NULL, NULL },
	/* Types outside TT05's list (Party-only ones, legal normative ones):
	 * code 32 "Khác", keeping their name in typeLabel. */
	{ "Kết luận", "ketluan", "32", NULL, "KL" },
	{ "Thông tri", "thongtri", "32", NULL, "TT" },
	{ "Lời kêu gọi", "loikeugoi", "32", NULL, "LKG" },
	{ "Tuyên bố", "tuyenbo", "32", NULL, NULL },
	{ "Nghị định", "nghidinh", "32", "NĐ", NULL },
	{ "Thông tư", "thongtu", "32", "TT", NULL },
	{ "Thông tư liên tịch", "thongtulientich", "32", "TTLT", NULL },
	{ "Giấy chứng nhận", "giaychungnhan", "32", "GCN", "GCN" },
};
#define N_DOC_TYPES (sizeof(doc_types) / sizeof(doc_types[0]))

enum family { FAMILY_UNKNOWN, FAMILY_STATE, FAMILY_PARTY };

struct line {
	size_t start, end; /* [start, end) in cp/base; no '\n' inside */
};

struct header {
	int32_t *cp;   /* NFC code points, lines separated by '\n' */
	int32_t *base; /* folded: lower case, marks dropped, đ -> d; 0 for a lone mark */
	size_t n;
	struct line lines[MAX_LINES];
	size_t n_lines;
};

/* ---- code points ---- */

static int is_letter(int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);

	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
	       cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LM ||
	       cat == UTF8PROC_CATEGORY_LO;
}

static int is_upper(int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);

	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

static int is_lower(int32_t c)
{
	return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static int is_digit(int32_t c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int32_t c)
{
	return is_digit(c) || is_letter(c);
}

static int is_space(int32_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' ||
	       utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

static int is_dash(int32_t c)
{
	return c == '-' || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 ||
	       c == 0x2014 || c == 0x2212;
}

/* What OCR reads for a digit in a number: O for 0, l/I/| for 1. */
static int digit_lookalike(int32_t c)
{
	if (c == 'O' || c == 'o')
		return '0';
	if (c == 'l' || c == 'I' || c == '|')
		return '1';
	return 0;
}

static int32_t fold_cp(int32_t c)
{
	utf8proc_int32_t dst[8];
	int last = 0;
	utf8proc_ssize_t n;

	if (c == 0x0110 || c == 0x0111 || c == 0x00D0 || c == 0x00F0)
		return 'd';
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	n = utf8proc_decompose_char(c, dst, 8,
				    UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD, &last);
	if (n < 0 || n > 8)
		return c;
	return n == 0 ? 0 : dst[0];
}

/* ---- the header's two arrays ---- */

/* A spacing accent or modifier alone (category Sk, Lm, Mn): OCR sets a mark
 * it could not place on its letter apart as a word of its own
 * (`HÀ ˆ NỘI`). */
static int stray_mark(int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);

	return cat == UTF8PROC_CATEGORY_SK || cat == UTF8PROC_CATEGORY_LM || cat == UTF8PROC_CATEGORY_MN;
}

/* The length in bytes of the word at pos if it is only stray marks, else 0. */
static utf8proc_ssize_t stray_mark_word(const utf8proc_uint8_t *s, utf8proc_ssize_t pos, utf8proc_ssize_t len)
{
	utf8proc_ssize_t q = pos;

	while (q < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(s + q, len - q, &c);

		if (k < 1)
			return 0;
		if (c == '\n' || is_space(c))
			break;
		if (!stray_mark(c))
			return 0;
		q += k;
	}
	return q - pos;
}

static int header_build(const char *text, struct header *h, struct lt_err *err)
{
	struct lt_buf nfc = LT_BUF_INIT;
	const utf8proc_uint8_t *s;
	utf8proc_ssize_t len, pos = 0;
	size_t line_start = 0;
	int rc, pending_space = 0, word_start = 1;

	memset(h, 0, sizeof(*h));
	rc = lt_text_nfc(text, strlen(text), &nfc, err);
	if (rc)
		goto out;
	s = (const utf8proc_uint8_t *)lt_buf_str(&nfc);
	len = (utf8proc_ssize_t)nfc.len;
	/* At most one code point a byte, plus the final '\n'. */
	h->cp = malloc(((size_t)len + 1) * sizeof(*h->cp));
	h->base = malloc(((size_t)len + 1) * sizeof(*h->base));
	if (!h->cp || !h->base) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory reading a page header");
		goto out;
	}
	/* Lines are trimmed and runs of blanks become one space, so that rules
	 * see "Số: 05" however the OCR spaced it; a word of stray marks goes. */
	while (pos <= len && h->n_lines < MAX_LINES) {
		utf8proc_int32_t c = '\n';

		if (pos < len) {
			utf8proc_ssize_t k, stray = 0;

			if (word_start)
				stray = stray_mark_word(s, pos, len);
			if (stray) {
				pos += stray;
				continue;
			}
			k = utf8proc_iterate(s + pos, len - pos, &c);

			if (k < 1) {
				rc = lt_err_set(err, LT_EINPUT, "page text is not valid UTF-8");
				goto out;
			}
			pos += k;
		} else {
			pos++;
		}
		word_start = c == '\n' || is_space(c);
		if (c == '\n') {
			h->lines[h->n_lines].start = line_start;
			h->lines[h->n_lines].end = h->n;
			h->n_lines++;
			h->cp[h->n] = '\n';
			h->base[h->n++] = '\n';
			line_start = h->n;
			pending_space = 0;
			continue;
		}
		if (is_space(c)) {
			pending_space = h->n > line_start;
			continue;
		}
		if (pending_space) {
			h->cp[h->n] = ' ';
			h->base[h->n++] = ' ';
			pending_space = 0;
		}
		h->cp[h->n] = c;
		h->base[h->n++] = fold_cp(c);
	}
out:
	lt_buf_release(&nfc);
	return rc;
}

static void header_release(struct header *h)
{
	free(h->cp);
	free(h->base);
	memset(h, 0, sizeof(*h));
}

/* Appends cp[s..e) to out as UTF-8. */
static int append_span(const struct header *h, size_t s, size_t e, struct lt_buf *out, struct lt_err *err)
{
	for (size_t i = s; i < e; i++) {
		utf8proc_uint8_t u[4];
		utf8proc_ssize_t k = utf8proc_encode_char(h->cp[i], u);
		int rc = lt_buf_append(out, u, (size_t)k, err);

		if (rc)
			return rc;
	}
	return LT_OK;
}

static int line_blank(const struct header *h, size_t l)
{
	return h->lines[l].start == h->lines[l].end;
}

/* A separating rule: `-----`, `___`, the Party's `*`, or what OCR makes of them. */
static int line_is_rule(const struct header *h, size_t l)
{
	const struct line *ln = &h->lines[l];

	if (ln->start == ln->end)
		return 0;
	for (size_t i = ln->start; i < ln->end; i++) {
		int32_t c = h->cp[i];

		if (!(is_dash(c) || c == '_' || c == '*' || c == '=' || c == '~' || c == '.' ||
		      c == ' ' || c == 0x2026 || c == 0x00B7 || c == 0x2022 || c == 0x2015))
			return 0;
	}
	return 1;
}

/* Header lines of an organ's name, a type line, a stamp are in capitals. */
static int span_mostly_upper(const struct header *h, size_t s, size_t e, size_t min_letters)
{
	size_t letters = 0, upper = 0;

	for (size_t i = s; i < e; i++) {
		if (!is_letter(h->cp[i]))
			continue;
		letters++;
		upper += is_upper(h->cp[i]) != 0;
	}
	return letters >= min_letters && upper * 5 >= letters * 4;
}

/* Finds pat (folded letters, no spaces) in [from, end): letters of the text
 * must match in order, anything that is not a letter or digit in between is
 * skipped, and the match starts and ends at word boundaries. */
static int find_letters(const struct header *h, size_t from, size_t end, const char *pat,
			size_t *ms, size_t *me)
{
	for (size_t p = from; p < end; p++) {
		size_t q = p;
		const char *k = pat;

		if (h->base[p] != (unsigned char)pat[0] || (p > from && is_alnum(h->cp[p - 1])))
			continue;
		while (*k && q < end) {
			if (h->base[q] == 0 || (!is_alnum(h->cp[q]) && h->cp[q] != '\n')) {
				q++;
				continue;
			}
			if (h->base[q] != (unsigned char)*k)
				break;
			k++;
			q++;
		}
		if (*k || (q < end && is_alnum(h->cp[q])))
			continue;
		*ms = p;
		*me = q;
		return 1;
	}
	return 0;
}

/* The letters and digits of [s, e) are exactly those of the whole folded pattern. */
static int span_letters_are(const struct header *h, size_t s, size_t e, const char *pat)
{
	size_t ms, me;

	if (!find_letters(h, s, e, pat, &ms, &me))
		return 0;
	for (size_t i = s; i < ms; i++)
		if (is_alnum(h->cp[i]))
			return 0;
	for (size_t i = me; i < e; i++)
		if (is_alnum(h->cp[i]))
			return 0;
	return 1;
}

/* The letters and digits of [s, e) are those of utf8 exactly: diacritics
 * and case as printed. */
static int span_printed_as(const struct header *h, size_t s, size_t e, const char *utf8)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)utf8;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(utf8), pos = 0;
	size_t i = s;

	for (;;) {
		utf8proc_int32_t c = -1;

		while (pos < len) {
			utf8proc_ssize_t k = utf8proc_iterate(u + pos, len - pos, &c);

			if (k < 1)
				return 0;
			pos += k;
			if (is_alnum(c))
				break;
			c = -1;
		}
		while (i < e && !is_alnum(h->cp[i]))
			i++;
		if (c < 0)
			return i == e;
		if (i == e || h->cp[i] != c)
			return 0;
		i++;
	}
}

static int line_starts_with(const struct header *h, size_t l, const char *pat)
{
	size_t ms, me;

	return find_letters(h, h->lines[l].start, h->lines[l].end, pat, &ms, &me) &&
	       ms == h->lines[l].start;
}

/* ---- the result ---- */

static int add_field(struct lt_extract *x, const char *key, const char *value, const char *rule,
		     double confidence, struct lt_err *err)
{
	struct lt_extract_field *f = realloc(x->fields, (x->n + 1) * sizeof(*f));
	char *v;

	if (!f)
		return lt_err_set(err, LT_ENOMEM, "out of memory keeping extracted field %s", key);
	x->fields = f;
	v = strdup(value);
	if (!v)
		return lt_err_set(err, LT_ENOMEM, "out of memory keeping extracted field %s", key);
	x->fields[x->n++] = (struct lt_extract_field){ key, v, rule, confidence };
	return LT_OK;
}

static int add_span_field(struct lt_extract *x, const struct header *h, const char *key, size_t s,
			  size_t e, const char *rule, double confidence, struct lt_err *err)
{
	struct lt_buf b = LT_BUF_INIT;
	int rc = append_span(h, s, e, &b, err);

	if (!rc)
		rc = add_field(x, key, lt_buf_str(&b), rule, confidence, err);
	lt_buf_release(&b);
	return rc;
}

static int add_note(struct lt_extract *x, struct lt_err *err, const char *fmt, const char *a,
		    const char *b, const char *c)
{
	struct lt_buf n = LT_BUF_INIT;
	int rc = LT_OK;

	if (x->notes)
		rc = lt_buf_printf(&n, err, "%s; ", x->notes);
	if (!rc)
		rc = lt_buf_printf(&n, err, fmt, a, b, c);
	if (rc) {
		lt_buf_release(&n);
		return rc;
	}
	free(x->notes);
	x->notes = lt_buf_detach(&n);
	return LT_OK;
}

/* ---- family: the motto top right ---- */

struct family_match {
	enum family family;
	size_t line;
	int strict;
};

static int line_state_motto(const struct header *h, size_t l, size_t *ms, size_t *me)
{
	const struct line *ln = &h->lines[l];

	if (find_letters(h, ln->start, ln->end, "conghoaxahoichunghiavietnam", ms, me) &&
	    span_mostly_upper(h, *ms, *me, 10))
		return 1;
	return find_letters(h, ln->start, ln->end, "doclaptudohanhphuc", ms, me);
}

static int line_party_motto(const struct header *h, size_t l, size_t *ms, size_t *me)
{
	const struct line *ln = &h->lines[l];

	return find_letters(h, ln->start, ln->end, "dangcongsanvietnam", ms, me) &&
	       span_mostly_upper(h, *ms, *me, 10);
}

static int line_motto(const struct header *h, size_t l, size_t *ms, size_t *me)
{
	return line_state_motto(h, l, ms, me) || line_party_motto(h, l, ms, me);
}

static void find_family(const struct header *h, size_t lim, struct family_match *fm)
{
	memset(fm, 0, sizeof(*fm));
	for (size_t l = 0; l < lim; l++) {
		size_t ms, me;

		if (line_state_motto(h, l, &ms, &me)) {
			fm->family = FAMILY_STATE;
			fm->strict = span_printed_as(h, ms, me, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") ||
				     span_printed_as(h, ms, me, "Độc lập - Tự do - Hạnh phúc");
		} else if (line_party_motto(h, l, &ms, &me)) {
			fm->family = FAMILY_PARTY;
			fm->strict = span_printed_as(h, ms, me, "ĐẢNG CỘNG SẢN VIỆT NAM");
		} else {
			continue;
		}
		fm->line = l;
		return;
	}
}

/* ---- number and notation: `Số: 15/QĐ-BNV`, `Số 05-CT/TW` ---- */

struct number_match {
	int found;
	size_t line;
	size_t start, end;   /* the whole `Số ...` span on its line */
	enum family family;  /* by the separator: '/' state, '-' Party */
	int strict;
	/* `Số:      /QĐ-UBND`: printed without its number, which the clerk
	 * writes in or stamps when the document is issued (OCR rarely reads it).
	 * number is then empty and the notation stands alone. */
	int blank;
	char number[16];
	struct lt_buf notation;
};

/* Reads an OCR'd number at q: digits, or their look-alikes next to a real
 * digit. Returns the position after it; *repaired when a look-alike was read. */
static size_t read_number(const struct header *h, size_t q, size_t end, char *out, size_t size,
			  int *repaired)
{
	size_t k = 0, real = 0;

	while (q < end && k + 1 < size) {
		int32_t c = h->cp[q];

		if (is_digit(c)) {
			out[k++] = (char)c;
			real++;
		} else if (digit_lookalike(c) && (k > 0 || (q + 1 < end && is_digit(h->cp[q + 1])))) {
			out[k++] = (char)digit_lookalike(c);
			*repaired = 1;
		} else {
			break;
		}
		q++;
	}
	out[k] = '\0';
	if (!real || (q < end && is_letter(h->cp[q]) && !is_upper(h->cp[q])))
		out[0] = '\0';
	return q;
}

/* Collects the notation from q: letters, digits, '/', '-', '.', with spaces
 * next to a separator dropped (OCR spaces notations out). */
static int read_notation(const struct header *h, size_t q, size_t end, struct lt_buf *out,
			 int *repaired, size_t *stop, struct lt_err *err)
{
	int rc = LT_OK;
	int32_t prev = 0;

	for (; q < end && !rc; q++) {
		int32_t c = h->cp[q];
		utf8proc_uint8_t u[4];

		if (c == ' ') {
			size_t r = q + 1;

			if (r < end && (h->cp[r] == '/' || is_dash(h->cp[r]) || prev == '/' || prev == '-') &&
			    prev) {
				*repaired = 1;
				continue;
			}
			break;
		}
		if (is_dash(c)) {
			if (c != '-')
				*repaired = 1;
			c = '-';
		} else if (c == '.') {
			if (!(q + 1 < end && is_alnum(h->cp[q + 1])))
				break;
		} else if (c == '|') {
			c = '/';
			*repaired = 1;
		} else if (!(is_alnum(c) || c == '/')) {
			break;
		}
		rc = lt_buf_append(out, u, (size_t)utf8proc_encode_char(c, u), err);
		prev = c;
	}
	*stop = q;
	/* A notation ends in a letter or digit. */
	while (!rc && out->len && strchr("-/.", out->data[out->len - 1]))
		out->data[--out->len] = '\0';
	return rc;
}

static int has_upper_utf8(const char *s)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), pos = 0;

	while (pos < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(u + pos, len - pos, &c);

		if (k < 1)
			return 0;
		if (is_upper(c))
			return 1;
		pos += k;
	}
	return 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A lower-case l between capitals is a slash OCR lost: "CTlTW". */
static void repair_slashes(struct lt_buf *b, int *repaired)
{
	for (size_t i = 1; i + 1 < b->len; i++) {
		char p = b->data[i - 1], n = b->data[i + 1];

		if (b->data[i] == 'l' && p >= 'A' && p <= 'Z' && n >= 'A' && n <= 'Z') {
			b->data[i] = '/';
			*repaired = 1;
		}
	}
}

/* Issuer and type abbreviations are letters: a digit among letters ("5TC"
 * for "STC", "B0NV") is a letter OCR misread. A segment of digits alone
 * (the year of a legal normative document) is left as it is. */
static void repair_segment_digits(struct lt_buf *b, int *repaired)
{
	static const char from[] = "012568", to[] = "OIZSGB";
	size_t seg = 0;

	for (size_t i = 0; i <= b->len; i++) {
		size_t letters = 0, digits = 0;

		if (i < b->len && b->data[i] != '/' && b->data[i] != '-')
			continue;
		for (size_t k = seg; k < i; k++) {
			if (b->data[k] >= '0' && b->data[k] <= '9')
				digits++;
			else
				letters++;
		}
		for (size_t k = seg; letters && digits && k < i; k++) {
			const char *d = b->data[k] ? strchr(from, b->data[k]) : NULL;

			if (!d)
				continue;
			*repaired = 1;
			if (k > seg && b->data[k - 1] == to[d - from]) {
				/* "S5TC": one glyph read twice, as the letter and its look-alike. */
				memmove(b->data + k, b->data + k + 1, b->len - k);
				b->len--;
				i--;
				k--;
				continue;
			}
			b->data[k] = to[d - from];
		}
		seg = i + 1;
	}
}

/* A notation abbreviates by first letters, written without diacritics but
 * for Đ (`QĐ-UBND`, `HU` for Huyện ủy): a mark on any other letter
 * (`QĐ/HŨ`) is OCR's, and goes. */
static int strip_notation_marks(struct lt_buf *b, int *repaired, struct lt_err *err)
{
	struct lt_buf out = LT_BUF_INIT;
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)lt_buf_str(b);
	utf8proc_ssize_t len = (utf8proc_ssize_t)b->len, pos = 0;
	int rc = LT_OK, changed = 0;

	while (pos < len && !rc) {
		utf8proc_int32_t c, base[4];
		utf8proc_uint8_t enc[4];
		int last = 0;
		utf8proc_ssize_t k = utf8proc_iterate(u + pos, len - pos, &c);

		if (k < 1)
			break;
		pos += k;
		if (c >= 0x80 && c != 0x0110 && c != 0x0111 && is_letter(c) &&
		    utf8proc_decompose_char(c, base, 4, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &last) == 1 &&
		    base[0] < 0x80) {
			c = base[0];
			changed = 1;
		}
		rc = lt_buf_append(&out, enc, (size_t)utf8proc_encode_char(c, enc), err);
	}
	if (!rc && changed) {
		lt_buf_release(b);
		*b = out;
		*repaired = 1;
	} else {
		lt_buf_release(&out);
	}
	return rc;
}

static int scan_number_line(const struct header *h, size_t l, struct number_match *m, struct lt_err *err)
{
	const struct line *ln = &h->lines[l];

	for (size_t p = ln->start; p < ln->end; p++) {
		size_t q = p + 1, stop;
		int repaired = 0, colon = 0, blank, rc;
		int32_t sep;
		enum family fam;

		if (h->cp[p] != 'S' || (p > ln->start && is_alnum(h->cp[p - 1])) || q >= ln->end)
			continue;
		/* "Số", "So", "Sô", or OCR's "S6", "S0". */
		if (!(h->base[q] == 'o' || h->cp[q] == '6' || h->cp[q] == '0'))
			continue;
		if (h->cp[q] != 0x1ED1)
			repaired = 1;
		q++;
		if (q < ln->end && is_letter(h->cp[q]))
			continue; /* "Sốliệu": a word, not "Số"; "Số47-KL/TW" is OCR losing a space */
		while (q < ln->end && h->cp[q] == ' ')
			q++;
		if (q < ln->end && (h->cp[q] == ':' || h->cp[q] == ';' || h->cp[q] == '.' || h->cp[q] == ',')) {
			colon = h->cp[q];
			q++;
		}
		while (q < ln->end && h->cp[q] == ' ')
			q++;
		q = read_number(h, q, ln->end, m->number, sizeof(m->number), &repaired);
		if (strlen(m->number) > 7)
			continue;
		blank = !m->number[0];
		while (q < ln->end && h->cp[q] == ' ') {
			q++;
			repaired |= !blank;
		}
		if (q >= ln->end || (blank && h->cp[q] != '/' && !is_dash(h->cp[q])))
			continue;
		sep = h->cp[q];
		if (sep == '/') {
			fam = FAMILY_STATE;
		} else if (is_dash(sep)) {
			fam = FAMILY_PARTY;
			if (sep != '-')
				repaired = 1;
		} else if ((sep == 'l' || sep == 'I' || sep == '|') && q + 1 < ln->end && is_upper(h->cp[q + 1])) {
			fam = FAMILY_STATE;
			repaired = 1;
		} else {
			continue;
		}
		q++;
		while (q < ln->end && h->cp[q] == ' ') {
			q++;
			repaired = 1;
		}
		lt_buf_reset(&m->notation);
		rc = read_notation(h, q, ln->end, &m->notation, &repaired, &stop, err);
		if (rc)
			return rc;
		if (!m->notation.len || !has_upper_utf8(lt_buf_str(&m->notation)) ||
		    utf8_chars(lt_buf_str(&m->notation)) > MAX_NOTATION)
			continue;
		/* Without a number only a notation of two parts is taken for one
		 * (`QĐ-UBND`, `CV/TU`): a lone word after "Số /" could be anything. */
		if (blank && !strpbrk(lt_buf_str(&m->notation), "-/"))
			continue;
		repair_slashes(&m->notation, &repaired);
		repair_segment_digits(&m->notation, &repaired);
		rc = strip_notation_marks(&m->notation, &repaired, err);
		if (rc)
			return rc;
		m->found = 1;
		m->line = l;
		m->start = p;
		m->end = stop;
		m->family = fam;
		m->blank = blank;
		m->strict = !repaired && ((fam == FAMILY_STATE && colon == ':') || (fam == FAMILY_PARTY && !colon));
		return LT_OK;
	}
	return LT_OK;
}

/* ---- the type: the type line and the notation's abbreviation ---- */

static const struct doc_type *type_by_letters(const struct header *h, size_t s, size_t e)
{
	/* Longest first, so "Thông tư liên tịch" is not read as "Thông tư". */
	const struct doc_type *best = NULL;

	for (size_t i = 0; i < N_DOC_TYPES; i++)
		if (span_letters_are(h, s, e, doc_types[i].letters) &&
		    (!best || strlen(doc_types[i].letters) > strlen(best->letters)))
			best = &doc_types[i];
	return best;
}

/* The abbreviation exactly as NĐ 30 / HD 36 print it (case matters: TT is
 * not TTr), preferring the family's own. */
static const struct doc_type *type_by_abbr(const char *abbr, enum family fam)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < N_DOC_TYPES; i++) {
			const struct doc_type *t = &doc_types[i];
			const char *a = (fam == FAMILY_PARTY) == (pass == 0) ? t->abbr_party : t->abbr_state;

			if (fam == FAMILY_UNKNOWN)
				a = pass == 0 ? t->abbr_state : t->abbr_party;
			if (a && strcmp(a, abbr) == 0)
				return t;
		}
	}
	return NULL;
}

static int fold_equal(const char *a, const char *b)
{
	struct lt_buf fa = LT_BUF_INIT, fb = LT_BUF_INIT;
	int eq = !lt_text_fold(a, strlen(a), &fa, NULL) && !lt_text_fold(b, strlen(b), &fb, NULL) &&
		 strcmp(lt_buf_str(&fa), lt_buf_str(&fb)) == 0;

	lt_buf_release(&fa);
	lt_buf_release(&fb);
	return eq;
}

/* The notation's type part: state `[YYYY/]QĐ-UBND` -> "QĐ" (none in a công
 * văn's `UBND-VP`, which names the issuer); Party `CT/TW` -> "CT". Returns
 * its length in bytes from *start, 0 when the notation has no type part. */
static size_t notation_type_part(const char *notation, enum family fam, const char **start)
{
	const char *s = notation, *stop;

	if (fam == FAMILY_PARTY) {
		stop = strchr(s, '/');
		*start = s;
		return stop ? (size_t)(stop - s) : 0;
	}
	if (strlen(s) > 5 && s[0] >= '0' && s[0] <= '9' && s[4] == '/')
		s += 5;
	stop = strchr(s, '-');
	*start = s;
	return stop ? (size_t)(stop - s) : 0;
}

const char *lt_extract_type_code(const char *name)
{
	struct lt_buf f = LT_BUF_INIT;
	const char *code = NULL;
	char letters[64];
	size_t k = 0;

	if (!name || lt_text_fold(name, strlen(name), &f, NULL))
		goto out;
	for (const char *p = lt_buf_str(&f); *p && k + 1 < sizeof(letters); p++)
		if ((*p >= 'a' && *p <= 'z') || (unsigned char)*p >= 0x80)
			letters[k++] = *p;
	letters[k] = '\0';
	for (size_t i = 0; i < N_DOC_TYPES; i++)
		if (strcmp(doc_types[i].letters, letters) == 0)
			code = doc_types[i].code;
out:
	lt_buf_release(&f);
	return code;
}

/* ---- the date and place: `Đà Nẵng, ngày 14 tháng 7 năm 2016` ---- */

struct date_match {
	int found, strict;
	size_t line, at;     /* where "ngày" is */
	int y, m, d;
	size_t place_start, place_end; /* empty when no place */
};

static size_t skip_blanks(const struct header *h, size_t q, size_t end)
{
	while (q < end && (h->cp[q] == ' ' || h->cp[q] == '\n'))
		q++;
	return q;
}

/* A whole folded word at q; *exact when printed as utf8 (lower case). */
static size_t read_word(const struct header *h, size_t q, size_t end, const char *pat, const char *utf8,
			int *exact)
{
	size_t ms, me;

	if (!find_letters(h, q, end, pat, &ms, &me) || ms != q)
		return 0;
	/* find_letters skips punctuation inside; a date word has none. */
	for (size_t i = ms; i < me; i++)
		if (!is_letter(h->cp[i]) && h->base[i] != 0)
			return 0;
	if (!span_printed_as(h, ms, me, utf8))
		*exact = 0;
	return me;
}

static size_t read_date_number(const struct header *h, size_t q, size_t end, size_t max_digits, int *value,
			       int *exact)
{
	char digits[8];
	int repaired = 0;
	size_t r = read_number(h, q, end, digits, sizeof(digits), &repaired);

	if (!digits[0] || strlen(digits) > max_digits)
		return 0;
	if (repaired)
		*exact = 0;
	*value = atoi(digits);
	return r;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int latest_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now == (time_t)-1 || !gmtime_r(&now, &tm))
		return 2100;
	return tm.tm_year + 1900 + 1;
}

/* The first date in lines [0, lim) that stands where the header prints it:
 * after a place and a comma, or at the start of a line (place lost or
 * wrapped). "… ngày 05 tháng 3 năm 2020 của Chính phủ" in the body has
 * neither. */
static void find_date(const struct header *h, size_t lim, struct date_match *dm)
{
	memset(dm, 0, sizeof(*dm));
	for (size_t l = 0; l < lim; l++) {
		const struct line *ln = &h->lines[l];

		for (size_t p = ln->start; p < ln->end; p++) {
			size_t q, before;
			int exact = 1, d, m, y;

			if (h->base[p] != 'n' || (p > ln->start && is_alnum(h->cp[p - 1])))
				continue;
			if (!(q = read_word(h, p, h->n, "ngay", "ngày", &exact)))
				continue;
			q = skip_blanks(h, q, h->n);
			if (!(q = read_date_number(h, q, h->n, 2, &d, &exact)))
				continue;
			q = skip_blanks(h, q, h->n);
			if (!(q = read_word(h, q, h->n, "thang", "tháng", &exact)))
				continue;
			q = skip_blanks(h, q, h->n);
			if (!(q = read_date_number(h, q, h->n, 2, &m, &exact)))
				continue;
			q = skip_blanks(h, q, h->n);
			if (!(q = read_word(h, q, h->n, "nam", "năm", &exact)))
				continue;
			q = skip_blanks(h, q, h->n);
			if (!(q = read_date_number(h, q, h->n, 4, &y, &exact)))
				continue;
			before = p;
			while (before > ln->start && h->cp[before - 1] == ' ')
				before--;
			if (before > ln->start && h->cp[before - 1] != ',' &&
			    !(h->cp[before - 1] == ';' || h->cp[before - 1] == '.'))
				continue;
			if (before > ln->start && h->cp[before - 1] != ',')
				exact = 0;
			/* A date that is not a date is no date at all. */
			if (m < 1 || m > 12 || y < 1945 || y > latest_year() || d < 1 || d > days_in_month(y, m))
				return;
			dm->found = 1;
			dm->strict = exact;
			dm->line = l;
			dm->at = p;
			dm->y = y;
			dm->m = m;
			dm->d = d;
			if (before > ln->start) {
				dm->place_start = ln->start;
				dm->place_end = before - 1;
			}
			return;
		}
	}
}

/* The place of a header whose date OCR damaged past reading ("ngày 237
 * tháng 10"): still "<place>, ngày" on a line of the header. */
static void find_place_alone(const struct header *h, size_t lim, struct date_match *dm)
{
	for (size_t l = 0; l < lim; l++) {
		const struct line *ln = &h->lines[l];

		for (size_t p = ln->start; p < ln->end; p++) {
			size_t before = p;
			int exact = 1;

			if (h->base[p] != 'n' || (p > ln->start && is_alnum(h->cp[p - 1])) ||
			    !read_word(h, p, ln->end, "ngay", "ngày", &exact))
				continue;
			while (before > ln->start && h->cp[before - 1] == ' ')
				before--;
			if (before <= ln->start + 1 || h->cp[before - 1] != ',')
				continue;
			dm->line = l;
			dm->strict = 0;
			dm->place_start = ln->start;
			dm->place_end = before - 1;
			return;
		}
	}
}

/* The place as printed before ", ngày": what follows a number or the motto
 * when OCR ran the two columns together; a name of a few words that starts
 * with a capital, else no place. */
static void trim_place(const struct header *h, const struct number_match *nm, struct date_match *dm)
{
	size_t s = dm->place_start, e = dm->place_end, ms, me, words = 1;

	if (nm->found && nm->line == dm->line && nm->end <= e && nm->end >= s)
		s = nm->end;
	if (find_letters(h, s, e, "hanhphuc", &ms, &me))
		s = me;
	if (find_letters(h, s, e, "dangcongsanvietnam", &ms, &me))
		s = me;
	while (s < e && !is_letter(h->cp[s]))
		s++;
	while (e > s && h->cp[e - 1] == ' ')
		e--;
	for (size_t i = s; i < e; i++) {
		int32_t c = h->cp[i];

		if (c == ' ')
			words++;
		else if (!(is_letter(c) || c == '.' || c == '-' || c == '\''))
			s = e;
	}
	if (s >= e || !is_upper(h->cp[s]) || words > 8 || e - s > 60)
		s = e = 0;
	dm->place_start = s;
	dm->place_end = e;
}

/* ---- stamps ---- */

struct stamp {
	const char *key, *value, *letters, *printed;
};

static const struct stamp stamps[] = {
	{ "secrecyLevel", "tuyet-mat", "tuyetmat", "TUYỆT MẬT" },
	{ "secrecyLevel", "toi-mat", "toimat", "TỐI MẬT" },
	{ "secrecyLevel", "mat", "mat", "MẬT" },
	{ "urgency", "hoa-toc", "hoatoc", "HỎA TỐC" },
	{ "urgency", "thuong-khan", "thuongkhan", "THƯỢNG KHẨN" },
	{ "urgency", "khan", "khan", "KHẨN" },
};

/* A stamp stands alone on its line, in capitals: "MẬT" inside a sentence
 * is a word, not a stamp. Returns the stamp or NULL. */
static const struct stamp *line_stamp(const struct header *h, size_t l)
{
	const struct line *ln = &h->lines[l];

	if (!span_mostly_upper(h, ln->start, ln->end, 3))
		return NULL;
	for (size_t i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++)
		if (span_letters_are(h, ln->start, ln->end, stamps[i].letters))
			return &stamps[i];
	/* "HỎA TỐC HẸN GIỜ" is Hỏa tốc with a deadline. */
	if (line_starts_with(h, l, "hoatochengio"))
		return &stamps[3];
	return NULL;
}

/* ---- organ: the lines of the top-left block above the number ---- */

struct span {
	size_t s, e;
	size_t raw_e; /* the end of the line before trimming */
};

/* A name that cannot stand alone: the place comes on the next line. */
static int organ_incomplete(const struct header *h, const struct span *a)
{
	static const char *const heads[] = { "uybannhandan", "hoidongnhandan", "ubnd", "hdnd",
					     "uybanmattrantoquocvietnam" };
	size_t ms, me;

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (span_letters_are(h, a->s, a->e, heads[i]))
			return 1;
	/* "BỘ VĂN HÓA, THỂ THAO VÀ" / "DU LỊCH", "…," / "…": the name wraps. */
	for (size_t i = a->e; i < a->raw_e; i++)
		if (h->cp[i] == ',' || is_dash(h->cp[i]))
			return 1;
	return a->e - a->s >= 2 && (a->e - a->s == 2 || h->cp[a->e - 3] == ' ') &&
	       find_letters(h, a->e - 2, a->e, "va", &ms, &me);
}

/* The next line carries on the same name: it starts with "VÀ", or is a
 * single word (no body's name is one word: "BỘ NỘI VỤ", "SỞ TÀI CHÍNH"). */
static int organ_continues(const struct header *h, const struct span *b)
{
	size_t ms, me;

	if (find_letters(h, b->s, b->e, "va", &ms, &me) && ms == b->s)
		return 1;
	for (size_t i = b->s; i < b->e; i++)
		if (h->cp[i] == ' ')
			return 0;
	return 1;
}

#define MAX_ORGAN_WORDS 24

/* NĐ 30 and HD 36 name a body by a fixed head (`ỦY BAN NHÂN DÂN`, `SỞ`,
 * `BAN TUYÊN GIÁO`, `TỈNH ỦY`) and an administrative level (`TỈNH`,
 * `HUYỆN`, …) before the place. OCR damages their diacritics (`TÍNH`,
 * `TUYỂN`); at the start of a header line, and for the level right after a
 * head, a word sequence that folds to one of these is written as the
 * regulation spells it. Place names are never touched: `HÀ TĨNH` stays. */
static const char *const organ_heads[] = {
	"ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "UBND", "HĐND", "ĐẢNG BỘ", "ĐẢNG ỦY",
	"BAN CHẤP HÀNH", "BAN THƯỜNG VỤ", "VĂN PHÒNG", "BAN TUYÊN GIÁO", "BAN TỔ CHỨC",
	"BAN DÂN VẬN", "BAN NỘI CHÍNH", "BAN KINH TẾ", "ỦY BAN KIỂM TRA", "TỈNH ỦY", "THÀNH ỦY",
	"HUYỆN ỦY", "QUẬN ỦY", "THỊ ỦY", "CHI CỤC", "TỔNG CỤC", "BỘ", "SỞ", "CỤC", "VỤ", "BAN",
	"PHÒNG", "VIỆN",
};
static const char *const organ_levels[] = {
	"TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN",
};

struct words {
	char *s;                      /* the line, NUL between words */
	const char *w[MAX_ORGAN_WORDS];
	char folded[MAX_ORGAN_WORDS][48];
	size_t n;
};

static void fold_word(const char *w, char *out, size_t size)
{
	struct lt_buf f = LT_BUF_INIT;
	size_t k = 0;

	if (!lt_text_fold(w, strlen(w), &f, NULL))
		for (const char *p = lt_buf_str(&f); *p && k + 1 < size; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
				out[k++] = *p;
	out[k] = '\0';
	lt_buf_release(&f);
}

static int split_words(const char *line, struct words *w, struct lt_err *err)
{
	char *p;

	w->n = 0;
	w->s = strdup(line);
	if (!w->s)
		return lt_err_set(err, LT_ENOMEM, "out of memory reading an issuing body");
	for (p = strtok(w->s, " "); p && w->n < MAX_ORGAN_WORDS; p = strtok(NULL, " ")) {
		w->w[w->n] = p;
		fold_word(p, w->folded[w->n], sizeof(w->folded[0]));
		w->n++;
	}
	return LT_OK;
}

/* The longest phrase of the list whose words fold like line's words from
 * i; returns its word count (0: none) and the phrase in *which. */
static size_t match_phrase(const struct words *line, size_t i, const char *const *list, size_t n_list,
			   const char **which, struct lt_err *err)
{
	size_t best = 0;

	for (size_t k = 0; k < n_list; k++) {
		struct words ph;
		size_t j;

		if (split_words(list[k], &ph, err))
			return 0;
		for (j = 0; j < ph.n && i + j < line->n; j++)
			if (strcmp(ph.folded[j], line->folded[i + j]) != 0)
				break;
		if (j == ph.n && ph.n > best) {
			best = ph.n;
			*which = list[k];
		}
		free(ph.s);
	}
	return best;
}

/* Heads of bodies outside NĐ 30's list that a header may carry. */
static const char *const other_heads[] = { "TRƯỜNG", "TRUNG TÂM", "CÔNG TY", "HỘI" };

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* "ỦY BAN NHÂN DÂN TỈNH THỪA" / "THIÊN HUẾ": a line that ends in a level and
 * one word of its place (no place of a level is one word but a few cities,
 * and those stand on the line), followed by a short line that names no body
 * nor level of its own, is a place name the line wrapped. */
static int place_wraps(const struct header *h, const struct span *a, const struct span *b, int *wraps,
		       struct lt_err *err)
{
	struct lt_buf line_a = LT_BUF_INIT, line_b = LT_BUF_INIT;
	struct words wa = { 0 }, wb = { 0 };
	const char *which;
	int rc;

	*wraps = 0;
	rc = append_span(h, a->s, a->e, &line_a, err);
	if (!rc)
		rc = append_span(h, b->s, b->e, &line_b, err);
	if (!rc)
		rc = split_words(lt_buf_str(&line_a), &wa, err);
	if (!rc)
		rc = split_words(lt_buf_str(&line_b), &wb, err);
	if (!rc && wa.n >= 2 && wb.n <= 3 && strcmp(wa.folded[wa.n - 1], "uy") != 0 &&
	    !match_phrase(&wb, 0, organ_heads, N_ELEMS(organ_heads), &which, err) &&
	    !match_phrase(&wb, 0, other_heads, N_ELEMS(other_heads), &which, err) &&
	    !match_phrase(&wb, 0, organ_levels, N_ELEMS(organ_levels), &which, err))
		for (size_t k = 1; k <= 2 && k < wa.n && !*wraps; k++)
			*wraps = match_phrase(&wa, wa.n - 1 - k, organ_levels, N_ELEMS(organ_levels), &which, err) == k;
	free(wa.s);
	free(wb.s);
	lt_buf_release(&line_a);
	lt_buf_release(&line_b);
	return rc;
}

static int repair_organ_line(const char *line, struct lt_buf *out, int *repaired, struct lt_err *err)
{
	struct words w;
	const char *phrase = NULL;
	size_t i = 0, k;
	int rc = split_words(line, &w, err);

	if (rc)
		return rc;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		const char *const *list = pass ? organ_levels : organ_heads;
		size_t n_list = pass ? sizeof(organ_levels) / sizeof(*organ_levels)
				     : sizeof(organ_heads) / sizeof(*organ_heads);

		k = match_phrase(&w, i, list, n_list, &phrase, err);
		if (!k)
			continue;
		{
			struct lt_buf printed = LT_BUF_INIT;

			for (size_t j = i; j < i + k && !rc; j++)
				rc = lt_buf_printf(&printed, err, "%s%s", j > i ? " " : "", w.w[j]);
			if (!rc && strcmp(lt_buf_str(&printed), phrase) != 0)
				*repaired = 1;
			lt_buf_release(&printed);
		}
		if (!rc)
			rc = lt_buf_printf(out, err, "%s%s", out->len ? " " : "", phrase);
		i += k;
	}
	for (; i < w.n && !rc; i++)
		rc = lt_buf_printf(out, err, "%s%s", out->len ? " " : "", w.w[i]);
	free(w.s);
	return rc;
}

static int join_spans(const struct header *h, const struct span *sp, size_t n, struct lt_buf *out,
		      int *repaired, struct lt_err *err)
{
	int rc = LT_OK;

	for (size_t i = 0; i < n && !rc; i++) {
		struct lt_buf line = LT_BUF_INIT, fixed = LT_BUF_INIT;

		rc = append_span(h, sp[i].s, sp[i].e, &line, err);
		if (!rc)
			rc = repair_organ_line(lt_buf_str(&line), &fixed, repaired, err);
		if (!rc && i)
			rc = lt_buf_puts(out, " ", err);
		if (!rc)
			rc = lt_buf_puts(out, lt_buf_str(&fixed), err);
		lt_buf_release(&line);
		lt_buf_release(&fixed);
	}
	return rc;
}

/* Leaves out what noise and rules leave at the ends of a line: `_.`, `-`, `'`. */
static void trim_junk(const struct header *h, struct span *sp)
{
	while (sp->s < sp->e && !is_alnum(h->cp[sp->s]))
		sp->s++;
	while (sp->e > sp->s && !is_alnum(h->cp[sp->e - 1]) && h->cp[sp->e - 1] != ')')
		sp->e--;
}

static int extract_organ(const struct header *h, const struct number_match *nm, struct lt_extract *x,
			 struct lt_err *err)
{
	struct span cand[3], units[3][3];
	size_t n_cand = 0, n_units = 0, unit_len[3] = { 0 };
	struct lt_buf organ = LT_BUF_INIT, parent = LT_BUF_INIT;
	int rc = LT_OK, repaired = 0;

	/* The closest three candidate lines above the number, top to bottom. */
	for (size_t l = nm->line; l-- > 0 && n_cand < 3;) {
		struct span sp = { h->lines[l].start, h->lines[l].end, h->lines[l].end };
		size_t ms, me;

		if (line_blank(h, l) || line_is_rule(h, l) || line_stamp(h, l))
			continue;
		if (line_motto(h, l, &ms, &me)) {
			/* Two columns run together: keep what is left of the motto. */
			if (ms > sp.s && span_mostly_upper(h, sp.s, ms, 3))
				sp.e = sp.raw_e = ms;
			else
				continue;
		}
		trim_junk(h, &sp);
		if (!span_mostly_upper(h, sp.s, sp.e, 3))
			continue;
		/* A date line of the right column is not upper case; a line of
		 * the body is too long for the left block. */
		if (sp.e - sp.s > LEFT_BLOCK_MAX_CHARS)
			break;
		memmove(cand + 1, cand, n_cand * sizeof(*cand));
		cand[0] = sp;
		n_cand++;
	}
	if (!n_cand)
		return LT_OK;
	for (size_t i = 0; i < n_cand; i++) {
		int join = n_units > 0 && (organ_incomplete(h, &cand[i - 1]) || organ_continues(h, &cand[i]));

		if (n_units > 0 && !join && (rc = place_wraps(h, &cand[i - 1], &cand[i], &join, err)))
			return rc;
		if (!join)
			n_units++;
		units[n_units - 1][unit_len[n_units - 1]++] = cand[i];
	}
	rc = join_spans(h, units[n_units - 1], unit_len[n_units - 1], &organ, &repaired, err);
	if (!rc && n_units > 1)
		rc = join_spans(h, units[n_units - 2], unit_len[n_units - 2], &parent, &repaired, err);
	if (!rc)
		rc = add_field(x, "organName", lt_buf_str(&organ),
			       repaired ? "organ-above-number-repaired" : "organ-above-number",
			       repaired ? CONF_REPAIRED : 0.85, err);
	if (!rc && n_units > 1)
		rc = add_field(x, "parentOrganName", lt_buf_str(&parent),
			       repaired ? "organ-superior-line-repaired" : "organ-superior-line",
			       repaired ? CONF_REPAIRED : 0.75, err);
	lt_buf_release(&organ);
	lt_buf_release(&parent);
	return rc;
}

/* ---- subject ---- */

static int line_is_date(const struct header *h, size_t l)
{
	size_t ms, me;

	return find_letters(h, h->lines[l].start, h->lines[l].end, "ngay", &ms, &me) &&
	       find_letters(h, me, h->lines[l].end, "thang", &ms, &me);
}

static int line_is_body_marker(const struct header *h, size_t l)
{
	return line_starts_with(h, l, "kinhgui") || line_starts_with(h, l, "cancu");
}

/* Noise between the words of a summary: a token of punctuation alone
 * (": :") goes, a dash between words stays; a comma gets its space back. */
static int add_subject(struct lt_extract *x, const char *text, const char *rule, double confidence,
		       struct lt_err *err)
{
	struct lt_buf out = LT_BUF_INIT;
	char *copy = strdup(text);
	int rc = copy ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory reading a summary");

	for (char *tok = copy ? strtok(copy, " ") : NULL; tok && !rc; tok = strtok(NULL, " ")) {
		int alnum = 0;

		for (const unsigned char *p = (const unsigned char *)tok; *p; p++)
			alnum |= (*p >= 0x80) || (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z');
		if (!alnum && strcmp(tok, "-") != 0 && strcmp(tok, "\xe2\x80\x93") != 0)
			continue;
		if (out.len)
			rc = lt_buf_puts(&out, " ", err);
		for (const char *p = tok; *p && !rc; p++) {
			rc = lt_buf_append(&out, p, 1, err);
			if (!rc && *p == ',' && p[1] && !(p[1] >= '0' && p[1] <= '9') && p > tok &&
			    !(p[-1] >= '0' && p[-1] <= '9'))
				rc = lt_buf_puts(&out, " ", err);
		}
	}
	if (!rc && out.len)
		rc = add_field(x, "subject", lt_buf_str(&out), rule, confidence, err);
	free(copy);
	lt_buf_release(&out);
	return rc;
}

/* Who enacts or issues the document, in capitals, where a summary could
 * stand: NĐ 30's enacting authority under the summary (`BỘ TRƯỞNG BỘ NỘI
 * VỤ`, `CHỦ TỊCH ỦY BAN NHÂN DÂN …`, `HỘI ĐỒNG NHÂN DÂN TỈNH …`). Folded
 * letters without spaces, as line_starts_with() takes them. */
static const char *const authority_heads[] = {
	"chutich",     "photchutich", "botruong",   "thutruong",   "thutuong",    "giamdoc",
	"phogiamdoc",  "tonggiamdoc", "hieutruong", "vientruong",  "cuctruong",   "tongcuctruong",
	"vutruong",    "chanhan",     "chanhvanphong", "truongban", "hoidongnhandan", "uybannhandan",
	"ubnd",        "hdnd",        "chinhphu",   "quochoi",     "banthuongvu", "banchaphanh",
	"banbithu",    "bochinhtri",  "thuongtruc", "bithu",
};

static int line_is_authority(const struct header *h, size_t l)
{
	for (size_t i = 0; i < sizeof(authority_heads) / sizeof(authority_heads[0]); i++)
		if (line_starts_with(h, l, authority_heads[i]))
			return 1;
	return 0;
}

/* The trích yếu under the type line: up to the rule, a blank line, the
 * enacting authority or the body. Administrative documents print it in
 * lower case, so a line in capitals ends it (the authority of a Quyết
 * định); a legal normative document prints its title in capitals (`NGHỊ
 * ĐỊNH` / `QUY ĐỊNH XỬ PHẠT …`), which then runs until a line that is not.
 * A Party document may name the committee first (`CHỈ THỊ` / `CỦA BỘ CHÍNH
 * TRỊ` / `về …`, HD 36): that line and the capitals under it are skipped. */
static int extract_subject_under_type(const struct header *h, size_t type_line, struct lt_extract *x,
				      struct lt_err *err)
{
	struct lt_buf subj = LT_BUF_INIT;
	size_t l = type_line + 1, taken = 0;
	int rc = LT_OK, closed = 0, capitals = 0;

	while (l < h->n_lines && line_blank(h, l))
		l++;
	if (l < h->n_lines && line_starts_with(h, l, "cua") &&
	    span_mostly_upper(h, h->lines[l].start, h->lines[l].end, 4)) {
		for (size_t skipped = 0; l < h->n_lines && skipped < 3 &&
					  span_mostly_upper(h, h->lines[l].start, h->lines[l].end, 2);
		     skipped++)
			l++;
		while (l < h->n_lines && line_blank(h, l))
			l++;
	}
	if (l < h->n_lines && span_mostly_upper(h, h->lines[l].start, h->lines[l].end, 4) &&
	    !line_is_authority(h, l) && !line_is_body_marker(h, l))
		capitals = 1;
	for (; l < h->n_lines && taken < MAX_SUBJECT_LINES; l++) {
		const struct line *ln = &h->lines[l];
		int upper = span_mostly_upper(h, ln->start, ln->end, 4);

		if (line_blank(h, l) || line_is_rule(h, l) || line_is_body_marker(h, l) ||
		    (capitals ? !upper || line_is_authority(h, l) || line_stamp(h, l) : upper)) {
			closed = 1;
			break;
		}
		if (taken)
			rc = lt_buf_puts(&subj, " ", err);
		if (!rc)
			rc = append_span(h, ln->start, ln->end, &subj, err);
		if (rc)
			break;
		taken++;
		if (h->cp[ln->end - 1] == ':' || h->cp[ln->end - 1] == ';') {
			/* A body sentence ("Căn cứ …;"), not a summary. */
			taken = 0;
			break;
		}
	}
	if (!rc && taken)
		rc = add_subject(x, lt_buf_str(&subj), capitals ? "subject-title-capitals" : "subject-under-type",
				 closed || l >= h->n_lines ? (capitals ? 0.8 : 0.85) : CONF_INFERRED, err);
	lt_buf_release(&subj);
	return rc;
}

/* What OCR makes of the slash in "V/v": l, I, |, 1, the fraction or
 * division slash, a backslash, and of an italic "/v" an X or a per cent sign. */
static int vv_slash(int32_t c)
{
	return c == '/' || c == 'l' || c == 'I' || c == '|' || c == '1' || c == 0x2044 || c == 0x2215 ||
	       c == '\\' || c == 'X' || c == 'x' || c == '%';
}

/* "V/v" and OCR's readings of it ("Vlv", "V/V", "V|v", "V⁄%", "VX%v"): a
 * first word of three to five characters, V, slashes as vv_slash() reads
 * them, then v (or the per cent sign an italic "/v" became). Returns the
 * position after it; *strict only for "V/v " as printed. */
static size_t vv_prefix(const struct header *h, size_t l, int *strict)
{
	const struct line *ln = &h->lines[l];
	size_t p = ln->start, w = p, q;

	while (w < ln->end && h->cp[w] != ' ' && h->cp[w] != ':' && h->cp[w] != '.')
		w++;
	if (w - p < 3 || w - p > 5 || h->cp[p] != 'V' ||
	    !(h->base[w - 1] == 'v' || h->cp[w - 1] == '%'))
		return 0;
	for (size_t i = p + 1; i + 1 < w; i++)
		if (!vv_slash(h->cp[i]))
			return 0;
	q = w;
	*strict = w - p == 3 && h->cp[p + 1] == '/' && h->cp[p + 2] == 'v' && q < ln->end && h->cp[q] == ' ';
	/* "V/v: …", "V/v. …" */
	if (q < ln->end && (h->cp[q] == ':' || h->cp[q] == '.'))
		q++;
	if (q >= ln->end || h->cp[q] != ' ')
		return 0;
	return q + 1;
}

/* A công văn's summary, `V/v …`, under the number, carried on by the next
 * lines of the left block (the right column's motto and date may sit
 * between them when the columns come interleaved). */
static int extract_subject_vv(const struct header *h, size_t from, size_t lim, int *found,
			      struct lt_extract *x, struct lt_err *err)
{
	struct lt_buf subj = LT_BUF_INIT;
	int rc = LT_OK, strict = 0;

	*found = 0;
	for (size_t l = from; l < lim && !*found; l++) {
		size_t body = vv_prefix(h, l, &strict), taken = 1;

		if (!body)
			continue;
		*found = 1;
		rc = lt_buf_puts(&subj, "V/v ", err);
		if (!rc)
			rc = append_span(h, body, h->lines[l].end, &subj, err);
		for (size_t k = l + 1; !rc && k < h->n_lines && taken < MAX_SUBJECT_LINES; k++) {
			const struct line *ln = &h->lines[k];
			size_t ms, me;

			if (line_blank(h, k) || line_motto(h, k, &ms, &me) || line_is_date(h, k) ||
			    line_stamp(h, k))
				continue;
			/* A line carried on starts in lower case, or with a figure
			 * (`29-NQ/TW`, a notation the summary quotes). */
			if (line_is_rule(h, k) || line_is_body_marker(h, k) ||
			    ln->end - ln->start > LEFT_BLOCK_MAX_CHARS ||
			    !(is_digit(h->cp[ln->start]) ||
			      (is_lower(h->cp[ln->start]) && !span_mostly_upper(h, ln->start, ln->end, 4))))
				break;
			rc = lt_buf_puts(&subj, " ", err);
			if (!rc)
				rc = append_span(h, ln->start, ln->end, &subj, err);
			taken++;
		}
		if (!rc)
			rc = add_subject(x, lt_buf_str(&subj), strict ? "subject-vv-strict" : "subject-vv-folded",
				       strict ? 0.85 : 0.7, err);
	}
	lt_buf_release(&subj);
	return rc;
}

/* issuedDate, ISO 8601, from a date found. */
static int add_date_field(struct lt_extract *x, const struct date_match *dm, const char *rule,
			  double confidence, struct lt_err *err)
{
	char iso[16];

	snprintf(iso, sizeof(iso), "%04d-%02d-%02d", dm->y, dm->m, dm->d);
	return add_field(x, "issuedDate", iso, rule, confidence, err);
}

/* ---- documents without an administrative header ---- */

/* A letter, a report, a memo - in English, or in Vietnamese outside NĐ 30
 * and HD 36 - prints its date near the top on a line of its own, after a
 * place or a label at most ("Hà Nội, ngày 14 tháng 7 năm 2016", "London,
 * 14 July 2016", "Date: July 14, 2016", "2016-07-14"), and its subject
 * after a label ("Subject:", "Re:") or as a title standing alone over the
 * first paragraph. A date inside a sentence is not the document's. Read
 * in the first LETTER_LINES lines; numeric dates other than ISO's are left
 * alone (14/07/2016 and 07/14/2016 both exist). */
#define LETTER_LINES 15
#define LETTER_LEAD_WORDS 4
#define TITLE_MAX_WORDS 15
#define TITLE_MAX_LINES 2
#define BODY_MIN_WORDS 8
#define TITLE_BLOCKS_BEFORE_BODY 2
/* "ngày 14 tháng 7 năm 2016" and a place of up to six words ("Thành phố Hồ
 * Chí Minh"). */
#define VN_DATE_WORDS 6
#define VN_PLACE_MAX_WORDS 6

static const char *const month_names[12][3] = {
	{ "january", "jan", NULL }, { "february", "feb", NULL }, { "march", "mar", NULL },
	{ "april", "apr", NULL },   { "may", NULL, NULL },        { "june", "jun", NULL },
	{ "july", "jul", NULL },    { "august", "aug", NULL },    { "september", "sep", "sept" },
	{ "october", "oct", NULL }, { "november", "nov", NULL },  { "december", "dec", NULL },
};

/* The folded word of ASCII letters at q into out; returns its end, or q
 * when none or too long. */
static size_t read_ascii_word(const struct header *h, size_t q, size_t end, char *out, size_t size)
{
	size_t k = 0, p = q;

	while (p < end && h->base[p] >= 'a' && h->base[p] <= 'z' && is_letter(h->cp[p])) {
		if (k + 1 >= size)
			return q;
		out[k++] = (char)h->base[p++];
	}
	out[k] = '\0';
	return p;
}

/* A month's name or abbreviation (with its full stop) at q: *m 1-12. */
static size_t read_month(const struct header *h, size_t q, size_t end, int *m)
{
	char w[16];
	size_t r = read_ascii_word(h, q, end, w, sizeof(w));

	if (r == q)
		return 0;
	for (int i = 0; i < 12; i++)
		for (int k = 0; k < 3 && month_names[i][k]; k++)
			if (strcmp(w, month_names[i][k]) == 0) {
				*m = i + 1;
				return r < end && h->cp[r] == '.' && k > 0 ? r + 1 : r;
			}
	return 0;
}

/* Digits only (no look-alikes: a letter's date is printed plainly), at
 * most max of them. */
static size_t read_digits(const struct header *h, size_t q, size_t end, size_t max, int *value)
{
	size_t p = q;

	*value = 0;
	while (p < end && is_digit(h->cp[p]) && p - q < max)
		*value = *value * 10 + (int)(h->cp[p++] - '0');
	if (p == q || (p < end && is_digit(h->cp[p])))
		return 0;
	return p;
}

/* A day: "14", "14th", "1st". */
static size_t read_day(const struct header *h, size_t q, size_t end, int *d)
{
	char w[4];
	size_t p = read_digits(h, q, end, 2, d), r;

	if (!p)
		return 0;
	r = read_ascii_word(h, p, end, w, sizeof(w));
	if (r != p && strcmp(w, "st") && strcmp(w, "nd") && strcmp(w, "rd") && strcmp(w, "th"))
		return 0;
	return r;
}

/* "14 July 2016", "14th of July, 2016", "July 14, 2016", "2016-07-14" at q. */
static size_t read_letter_date(const struct header *h, size_t q, size_t end, int *y, int *m, int *d)
{
	size_t p;
	char w[4];

	if ((p = read_digits(h, q, end, 4, y)) && p - q == 4 && p < end && h->cp[p] == '-' &&
	    (p = read_digits(h, p + 1, end, 2, m)) && p < end && h->cp[p] == '-')
		return read_digits(h, p + 1, end, 2, d);
	if ((p = read_day(h, q, end, d))) {
		p = skip_blanks(h, p, end);
		if (read_ascii_word(h, p, end, w, sizeof(w)) == p + 2 && strcmp(w, "of") == 0)
			p = skip_blanks(h, p + 2, end);
		if (!(p = read_month(h, p, end, m)))
			return 0;
	} else if ((p = read_month(h, q, end, m))) {
		if (!(p = read_day(h, skip_blanks(h, p, end), end, d)))
			return 0;
	} else {
		return 0;
	}
	if (p < end && h->cp[p] == ',')
		p++;
	p = skip_blanks(h, p, end);
	if (!(p = read_digits(h, p, end, 4, y)) || *y < 1000)
		return 0;
	return p;
}

/* The first line of [0, lim) that is such a date, alone or after a place
 * and a comma or a label and a colon. */
static void find_letter_date(const struct header *h, size_t lim, struct date_match *dm)
{
	memset(dm, 0, sizeof(*dm));
	for (size_t l = 0; l < lim; l++) {
		const struct line *ln = &h->lines[l];
		size_t words = 0;

		for (size_t p = ln->start; p < ln->end && words <= LETTER_LEAD_WORDS; p++) {
			size_t q, before = p;
			int y, m, d;

			if (p > ln->start && h->cp[p - 1] != ' ')
				continue;
			words++;
			if (!(q = read_letter_date(h, p, ln->end, &y, &m, &d)))
				continue;
			while (q < ln->end && (h->cp[q] == ' ' || h->cp[q] == '.'))
				q++;
			if (q < ln->end)
				break; /* more after the date: a sentence */
			while (before > ln->start && h->cp[before - 1] == ' ')
				before--;
			if (before > ln->start && h->cp[before - 1] != ',' && h->cp[before - 1] != ':')
				break;
			if (m < 1 || m > 12 || y < 1800 || y > latest_year() || d < 1 || d > days_in_month(y, m))
				break;
			dm->found = dm->strict = 1;
			dm->line = l;
			dm->at = p;
			dm->y = y;
			dm->m = m;
			dm->d = d;
			if (before > ln->start && h->cp[before - 1] == ',') {
				dm->place_start = ln->start;
				dm->place_end = before - 1;
			}
			return;
		}
	}
}

/* Words (runs of anything but spaces) in [s, e). */
static size_t words_in(const struct header *h, size_t s, size_t e)
{
	size_t n = 0;

	for (size_t p = s; p < e; p++)
		if (h->cp[p] != ' ' && (p == s || h->cp[p - 1] == ' '))
			n++;
	return n;
}

static size_t line_words(const struct header *h, size_t l)
{
	return words_in(h, h->lines[l].start, h->lines[l].end);
}

/* "Subject: …", "Re: …", "Regarding: …" (any case) on a line of [0, lim). */
static int letter_subject_label(const struct header *h, size_t lim, struct lt_extract *x,
				struct lt_err *err)
{
	static const char *const labels[] = { "subject", "subj", "re", "regarding", "concerning" };

	for (size_t l = 0; l < lim; l++) {
		const struct line *ln = &h->lines[l];
		char w[16];
		size_t q = read_ascii_word(h, ln->start, ln->end, w, sizeof(w));

		if (q == ln->start || (q = skip_blanks(h, q, ln->end)) >= ln->end || h->cp[q] != ':')
			continue;
		for (size_t i = 0; i < N_ELEMS(labels); i++) {
			struct lt_buf text = LT_BUF_INIT;
			size_t s = skip_blanks(h, q + 1, ln->end);
			int rc;

			if (strcmp(w, labels[i]) != 0)
				continue;
			if (s >= ln->end)
				return LT_OK;
			rc = append_span(h, s, ln->end, &text, err);
			if (!rc)
				rc = add_subject(x, lt_buf_str(&text), "subject-label", CONF_FOLDED, err);
			lt_buf_release(&text);
			return rc;
		}
	}
	return LT_OK;
}

/* A title: the page's first lines (one or two), a blank line under them,
 * then a paragraph (two lines or more, the first of BODY_MIN_WORDS words:
 * an address block under a letterhead has short lines), with at most
 * TITLE_BLOCKS_BEFORE_BODY short blocks between (a date, an author). Not a
 * sentence (no closing full stop, comma, colon); not in a letter. dm: the
 * date found, whose line may stand above the title. */
static int letter_title(const struct header *h, size_t lim, const struct date_match *dm,
			struct lt_extract *x, struct lt_err *err)
{
	struct lt_buf text = LT_BUF_INIT;
	size_t first = 0, last, body, words = 0;
	int32_t c;
	int rc = LT_OK;

	while (first < lim && line_blank(h, first))
		first++;
	/* A date line alone above the title ("Hà Nội, ngày …") is passed. */
	if (dm->found && dm->line == first && first + 1 < lim && line_blank(h, first + 1))
		for (first += 1; first < lim && line_blank(h, first); first++)
			;
	for (last = first; last + 1 < lim && !line_blank(h, last + 1); last++)
		if (last + 1 - first >= TITLE_MAX_LINES)
			return LT_OK;
	if (first >= lim || last + 1 >= lim)
		return LT_OK;
	/* A date line run on under the title (no blank line between) is not
	 * part of it. */
	if (dm->found && dm->line > first && dm->line <= last)
		last = dm->line - 1;
	/* A letter (a salutation) has a letterhead, not a title. */
	for (size_t l = 0; l < lim; l++)
		if (line_starts_with(h, l, "dear") || line_starts_with(h, l, "kinhgui"))
			return LT_OK;
	/* The first paragraph, past a date or an author's line or two. */
	for (size_t block = 0, next = last + 1;; block++) {
		size_t end;

		for (body = next; body < lim && line_blank(h, body); body++)
			;
		for (end = body; end < h->n_lines && !line_blank(h, end); end++)
			;
		if (body >= lim || block > TITLE_BLOCKS_BEFORE_BODY)
			return LT_OK;
		if (end - body >= 2 && line_words(h, body) >= BODY_MIN_WORDS)
			break;
		if (end - body > 2)
			return LT_OK;
		next = end;
	}
	for (size_t l = first; l <= last; l++)
		words += line_words(h, l);
	c = h->cp[h->lines[last].end - 1];
	if (words > TITLE_MAX_WORDS || c == '.' || c == ',' || c == ';' || c == ':' ||
	    !is_upper(h->cp[h->lines[first].start]))
		return LT_OK;
	for (size_t l = first; l <= last && !rc; l++) {
		if (l > first)
			rc = lt_buf_puts(&text, " ", err);
		if (!rc)
			rc = append_span(h, h->lines[l].start, h->lines[l].end, &text, err);
	}
	if (!rc)
		rc = add_subject(x, lt_buf_str(&text), "subject-title-line", CONF_INFERRED, err);
	lt_buf_release(&text);
	return rc;
}

/* What a document without NĐ 30's or HD 36's header gives: its date (and
 * the place before it), its subject. */
static int extract_letter(const struct header *h, struct lt_extract *x, struct lt_err *err)
{
	size_t lim = h->n_lines < LETTER_LINES ? h->n_lines : LETTER_LINES;
	struct date_match dm;
	const char *rule = "date-line";
	int rc = LT_OK;

	/* "ngày … năm …" ending its line, after a place of a few words at
	 * most: "… cho thấy, ngày 14 tháng 7 năm 2016, tại Đà Nẵng" is a
	 * sentence's. */
	find_date(h, lim, &dm);
	if (dm.found && (words_in(h, dm.at, h->lines[dm.line].end) > VN_DATE_WORDS ||
			 words_in(h, dm.place_start, dm.place_end) > VN_PLACE_MAX_WORDS))
		memset(&dm, 0, sizeof(dm));
	if (dm.found)
		rule = dm.strict ? "date-strict" : "date-folded";
	else
		find_letter_date(h, lim, &dm);
	if (dm.found)
		rc = add_date_field(x, &dm, rule, dm.strict ? CONF_FOLDED : CONF_INFERRED, err);
	if (!rc && dm.place_end > dm.place_start)
		rc = add_span_field(x, h, "issuedPlace", dm.place_start, dm.place_end, "place-date-line",
				    CONF_INFERRED, err);
	if (!rc)
		rc = letter_subject_label(h, lim, x, err);
	if (!rc && !lt_extract_get(x, "subject"))
		rc = letter_title(h, lim, &dm, x, err);
	return rc;
}

/* ---- putting it together ---- */

static int format_date(struct lt_extract *x, const struct date_match *dm, struct lt_err *err)
{
	return add_date_field(x, dm, dm->strict ? "date-strict" : "date-folded",
			      dm->strict ? CONF_STRICT : CONF_FOLDED, err);
}

/* The type line: in capitals, alone on its line ("QUYẾT ĐỊNH:" before
 * Điều 1 is the body's). */
static const struct doc_type *line_type_at(const struct header *h, size_t l)
{
	const struct line *ln = &h->lines[l];

	if (ln->start == ln->end || !span_mostly_upper(h, ln->start, ln->end, 4) || h->cp[ln->end - 1] == ':')
		return NULL;
	return type_by_letters(h, ln->start, ln->end);
}

/* Decides the type from the type line and the notation's abbreviation,
 * repairing an abbreviation whose stroke OCR lost ("QD" for "QĐ") when the
 * type line names it. */
static int extract_type(const struct header *h, size_t type_line, const struct doc_type *line_type,
			struct number_match *nm, enum family fam, int vv, struct lt_extract *x,
			struct lt_err *err)
{
	const struct doc_type *abbr_type = NULL, *t = NULL;
	const char *rule = NULL, *part = NULL;
	char abbr[16] = "";
	size_t part_len = 0;
	double conf = 0;
	int rc = LT_OK;

	if (nm->found) {
		part_len = notation_type_part(lt_buf_str(&nm->notation), nm->family, &part);
		if (part_len && part_len < sizeof(abbr)) {
			memcpy(abbr, part, part_len);
			abbr[part_len] = '\0';
			abbr_type = type_by_abbr(abbr, fam);
		}
	}
	if (line_type) {
		const char *own = fam == FAMILY_PARTY ? line_type->abbr_party : line_type->abbr_state;
		int printed = span_printed_as(h, h->lines[type_line].start, h->lines[type_line].end,
					      line_type->label);
		struct lt_buf upper = LT_BUF_INIT;

		/* Printed in capitals: compare with the label's upper case. */
		for (const char *p = line_type->label; *p && !rc;) {
			utf8proc_int32_t c;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c);
			utf8proc_uint8_t buf[4];

			if (k < 1)
				break;
			rc = lt_buf_append(&upper, buf, (size_t)utf8proc_encode_char(utf8proc_toupper(c), buf), err);
			p += k;
		}
		if (!rc)
			printed = printed || span_printed_as(h, h->lines[type_line].start,
							     h->lines[type_line].end, lt_buf_str(&upper));
		lt_buf_release(&upper);
		if (rc)
			return rc;
		t = line_type;
		rule = printed ? "type-line-strict" : "type-line-folded";
		conf = printed ? CONF_STRICT : CONF_FOLDED;
		if (abbr_type == line_type) {
			conf = printed ? 0.98 : 0.9;
		} else if (part_len && own && strcmp(abbr, own) != 0 && fold_equal(abbr, own)) {
			/* "QD-UBND" under "QUYẾT ĐỊNH": the stroke of Đ was lost. */
			struct lt_buf fixed = LT_BUF_INIT;
			size_t off = (size_t)(part - lt_buf_str(&nm->notation));

			rc = lt_buf_append(&fixed, lt_buf_str(&nm->notation), off, err);
			if (!rc)
				rc = lt_buf_puts(&fixed, own, err);
			if (!rc)
				rc = lt_buf_puts(&fixed, lt_buf_str(&nm->notation) + off + part_len, err);
			if (!rc) {
				lt_buf_release(&nm->notation);
				nm->notation = fixed;
				nm->strict = 0;
			} else {
				lt_buf_release(&fixed);
			}
		} else if (abbr_type) {
			conf = CONF_DISAGREE;
			rc = add_note(x, err, "the type line reads '%s' but the notation's '%s' stands for '%s'",
				      line_type->label, abbr, abbr_type->label);
		}
	} else if (abbr_type) {
		t = abbr_type;
		rule = "type-from-notation";
		conf = CONF_REPAIRED;
	} else if (vv || (nm->found && !part_len)) {
		/* No type line and a notation that names only the issuer: NĐ 30's công văn. */
		t = &doc_types[21];
		rule = vv ? "cong-van-vv" : "cong-van-notation";
		conf = vv ? CONF_FOLDED : CONF_INFERRED;
	}
	if (!rc && t)
		rc = add_field(x, "typeName", t->code, rule, conf, err);
	if (!rc && t)
		rc = add_field(x, "typeLabel", t->label, rule, conf, err);
	return rc;
}

int lt_extract_header(const char *text, struct lt_extract *out, struct lt_err *err)
{
	struct header h;
	struct family_match fm;
	struct number_match nm = { 0 };
	struct date_match dm;
	const struct doc_type *line_type = NULL;
	size_t type_line = 0, zone, date_zone, number_zone;
	int rc, vv = 0;
	enum family fam;

	memset(out, 0, sizeof(*out));
	rc = header_build(text ? text : "", &h, err);
	if (rc)
		goto out;
	zone = h.n_lines < HEADER_LINES ? h.n_lines : HEADER_LINES;
	for (size_t l = 0; l < zone; l++)
		if (line_is_body_marker(&h, l)) {
			zone = l;
			break;
		}
	number_zone = zone;
	find_family(&h, zone, &fm);
	/* The number stands above the type line: a "Số 77-BC/TW" quoted in the
	 * body below it is not the document's. */
	for (size_t l = 0; l < zone; l++)
		if (line_type_at(&h, l)) {
			number_zone = l;
			break;
		}
	for (size_t l = 0; l < number_zone && !nm.found && !rc; l++)
		rc = scan_number_line(&h, l, &nm, err);
	if (rc)
		goto out;
	/* Without the motto or the number there is no administrative header:
	 * an English letter, a report's second page, a document of another
	 * kind give what a letter prints (a date line, a subject), if any. */
	if (fm.family == FAMILY_UNKNOWN && !nm.found) {
		rc = extract_letter(&h, out, err);
		goto out;
	}
	fam = fm.family != FAMILY_UNKNOWN ? fm.family : nm.family;
	/* The type line, below the number. */
	for (size_t l = nm.found ? nm.line + 1 : 0; l < zone; l++) {
		if ((line_type = line_type_at(&h, l))) {
			type_line = l;
			break;
		}
	}
	date_zone = line_type ? type_line : zone;
	find_date(&h, date_zone, &dm);
	if (!dm.found)
		find_place_alone(&h, date_zone, &dm);
	if (dm.place_end > dm.place_start)
		trim_place(&h, &nm, &dm);

	if (fm.family != FAMILY_UNKNOWN)
		rc = add_field(out, "docFamily", fm.family == FAMILY_STATE ? "state" : "party",
			       fm.family == FAMILY_STATE ? (fm.strict ? "state-motto-strict" : "state-motto-folded")
							 : (fm.strict ? "party-motto-strict" : "party-motto-folded"),
			       fm.strict ? CONF_STRICT : CONF_FOLDED, err);
	else
		rc = add_field(out, "docFamily", nm.family == FAMILY_STATE ? "state" : "party",
			       "family-from-number", CONF_INFERRED, err);
	/* The subject first: whether there is a V/v decides a công văn. */
	{
		struct lt_extract subj = LT_EXTRACT_INIT;

		if (!rc && line_type)
			rc = extract_subject_under_type(&h, type_line, &subj, err);
		else if (!rc)
			rc = extract_subject_vv(&h, nm.found ? nm.line + 1 : 0, zone, &vv, &subj, err);
		if (!rc && nm.found)
			rc = extract_type(&h, type_line, line_type, &nm, fam, vv, out, err);
		if (!rc && nm.found && nm.blank) {
			rc = add_field(out, "codeNotation", lt_buf_str(&nm.notation), "notation-number-blank",
				       nm.strict ? CONF_FOLDED : CONF_REPAIRED, err);
		} else if (!rc && nm.found) {
			rc = add_field(out, "codeNumber", nm.number,
				       nm.strict ? (nm.family == FAMILY_STATE ? "state-number-strict" : "party-number-strict")
						 : "number-folded",
				       nm.strict ? CONF_STRICT : CONF_FOLDED, err);
			if (!rc)
				rc = add_field(out, "codeNotation", lt_buf_str(&nm.notation),
					       nm.strict ? (nm.family == FAMILY_STATE ? "state-number-strict"
										 : "party-number-strict")
							 : "number-folded",
					       nm.strict ? CONF_STRICT : CONF_FOLDED, err);
		} else if (!rc && line_type) {
			rc = extract_type(&h, type_line, line_type, &nm, fam, vv, out, err);
		}
		if (!rc && dm.found)
			rc = format_date(out, &dm, err);
		if (!rc && dm.place_end > dm.place_start)
			rc = add_span_field(out, &h, "issuedPlace", dm.place_start, dm.place_end,
					    !dm.found ? "place-before-date" : dm.strict ? "place-strict" : "place-folded",
					    !dm.found ? CONF_INFERRED : dm.strict ? 0.9 : 0.75, err);
		if (!rc && nm.found)
			rc = extract_organ(&h, &nm, out, err);
		for (size_t i = 0; !rc && i < subj.n; i++)
			rc = add_field(out, subj.fields[i].key, subj.fields[i].value, subj.fields[i].rule,
				       subj.fields[i].confidence, err);
		lt_extract_release(&subj);
	}
	/* Stamps stand in the header zone; the first of each kind counts. */
	for (size_t l = 0; !rc && l < (line_type ? type_line : zone); l++) {
		const struct stamp *st = line_stamp(&h, l);
		int strict;

		if (!st || lt_extract_get(out, st->key))
			continue;
		strict = span_printed_as(&h, h.lines[l].start, h.lines[l].end, st->printed);
		rc = add_field(out, st->key, st->value, strict ? "stamp-strict" : "stamp-folded",
			       strict ? CONF_STAMP : CONF_STAMP_FOLDED, err);
	}
out:
	lt_buf_release(&nm.notation);
	header_release(&h);
	if (rc)
		lt_extract_release(out);
	return rc;
}

const struct lt_extract_field *lt_extract_get(const struct lt_extract *x, const char *key)
{
	for (size_t i = 0; x && i < x->n; i++)
		if (strcmp(x->fields[i].key, key) == 0)
			return &x->fields[i];
	return NULL;
}

void lt_extract_release(struct lt_extract *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free(x->fields[i].value);
	free(x->fields);
	free(x->notes);
	x->fields = NULL;
	x->n = 0;
	x->notes = NULL;
}
