/* bench/search/gen.c - the search benchmark's two tools, built by
 * bench/search/run.sh against the objects of a normal build:
 *
 *   gen build ARCHIVE PAGES CORPUS_DIR QUERIES
 *       A catalog of PAGES pages of generated Vietnamese administrative text,
 *       written through the catalog's own insert path, document by document,
 *       as a run does: lt_catalog_add_document (queued, with its sources
 *       and pages), lt_catalog_claim, then lt_catalog_archive (page texts
 *       and their full-text entries, metadata rows, the bundle and its
 *       files, the run's events), then lt_catalog_maintain once at the end.
 *       The text comes from a word bigram model of the corpus's .gt.txt pages with
 *       headers as NĐ 30 and HD 36 lay them out, numbers, dates, organs,
 *       people, villages and sums mixed in, and page lengths drawn from the
 *       corpus's. QUERIES receives the rare words (sums) and document numbers the
 *       generator knows it wrote. Prints the insert rate, the index's final
 *       merge time and the catalog's size per page against the raw text.
 *
 *   gen time KIND RUNS FILE
 *       Runs the commands of FILE (one a line, arguments separated by tabs)
 *       round-robin until RUNS runs have been timed (each one run once
 *       before, untimed, to warm the cache), whole process, output to
 *       /dev/null, and prints "KIND p50 p95 p99 runs queries cpu-p50 cpu-p95"
 *       in ms (wall, then the process's CPU time); "KIND
 *       unsupported" when a command exits 2 (an option this luutru lacks),
 *       "KIND failed" for any other failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utf8proc.h>

#include "../../pipeline/catalog_int.h" /* the connection, for synchronous = OFF */
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"

extern char **environ;

/* ---- random numbers: xorshift64*, fixed seed, so a catalog is reproducible ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static int rnd_below(int n)
{
	return n > 0 ? (int)(rnd() % (uint64_t)n) : 0;
}

static double rnd_unit(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

#define PICK(a) ((a)[rnd_below((int)(sizeof(a) / sizeof((a)[0])))])

static void die(const char *what, const struct lt_err *err)
{
	fprintf(stderr, "bench/search: %s%s%s\n", what, err && err->msg[0] ? ": " : "",
		err ? err->msg : "");
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory", NULL);
	return p;
}

/* ---- the bigram model ---- */

struct word {
	char *text;
	int *next;     /* ids of the words that followed it, with repetition */
	int n_next, cap_next;
};

static struct word *words;
static int n_words, cap_words;
static int *table;           /* open addressing, word id + 1; 0 empty */
static size_t table_size = 1 << 16;
static int *line_starts;     /* words that begin a corpus line */
static int n_starts;
static int *page_lengths;    /* bytes of each corpus page */
static int n_page_lengths;
static char **syllables;     /* lower-case words of letters only: rare names are made of them */
static int n_syllables;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int word_id(const char *w)
{
	size_t i = hash_str(w) & (table_size - 1);

	while (table[i]) {
		if (strcmp(words[table[i] - 1].text, w) == 0)
			return table[i] - 1;
		i = (i + 1) & (table_size - 1);
	}
	if (n_words == cap_words) {
		cap_words = cap_words ? cap_words * 2 : 1024;
		words = xrealloc(words, sizeof(*words) * (size_t)cap_words);
	}
	words[n_words] = (struct word){ .text = strdup(w) };
	table[i] = ++n_words;
	if ((size_t)n_words * 2 > table_size)
		die("corpus vocabulary too large for the table", NULL);
	return n_words - 1;
}

static void add_next(int from, int to)
{
	struct word *w = &words[from];

	if (w->n_next == w->cap_next) {
		w->cap_next = w->cap_next ? w->cap_next * 2 : 4;
		w->next = xrealloc(w->next, sizeof(int) * (size_t)w->cap_next);
	}
	w->next[w->n_next++] = to;
}

/* A word made of lower-case letters only (no digit, no punctuation). */
static int is_syllable(const char *w)
{
	utf8proc_int32_t c;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)w;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(w), k;

	if (len < 2)
		return 0;
	while (len > 0 && (k = utf8proc_iterate(p, len, &c)) > 0) {
		utf8proc_category_t cat = utf8proc_category(c);

		if (cat != UTF8PROC_CATEGORY_LL)
			return 0;
		p += k;
		len -= k;
	}
	return len == 0;
}

static void load_corpus(const char *dir)
{
	glob_t g;
	char pattern[4096];

	table = calloc(table_size, sizeof(int));
	snprintf(pattern, sizeof(pattern), "%s/*.gt.txt", dir);
	if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0)
		die("no *.gt.txt in the corpus directory", NULL);
	page_lengths = xrealloc(NULL, sizeof(int) * g.gl_pathc);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		FILE *in = fopen(g.gl_pathv[f], "r");
		char line[8192];
		long bytes = 0;

		if (!in)
			die(g.gl_pathv[f], NULL);
		while (fgets(line, sizeof(line), in)) {
			int prev = -1;

			bytes += (long)strlen(line);
			for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
				int id = word_id(tok);

				if (prev < 0) {
					line_starts = xrealloc(line_starts, sizeof(int) * (size_t)(n_starts + 1));
					line_starts[n_starts++] = id;
				} else {
					add_next(prev, id);
				}
				prev = id;
			}
		}
		fclose(in);
		page_lengths[n_page_lengths++] = (int)bytes;
	}
	globfree(&g);
	for (int i = 0; i < n_words; i++)
		if (is_syllable(words[i].text)) {
			syllables = xrealloc(syllables, sizeof(char *) * (size_t)(n_syllables + 1));
			syllables[n_syllables++] = words[i].text;
		}
}

/* ---- the things administrative text is full of ---- */

static const char *const provinces[] = {
	"Quảng Ngãi", "Đà Nẵng", "Hà Nội", "Thừa Thiên Huế", "Quảng Nam", "Bình Định", "Nghệ An",
	"Hà Tĩnh", "Thanh Hóa", "Quảng Bình", "Quảng Trị", "Khánh Hòa", "Phú Yên", "Gia Lai",
	"Kon Tum", "Đắk Lắk", "Lâm Đồng", "Cần Thơ", "An Giang", "Hải Phòng", "Nam Định",
	"Thái Bình", "Ninh Bình", "Lào Cai", "Yên Bái", "Sơn La", "Điện Biên", "Cao Bằng",
	"Bắc Ninh", "Hưng Yên", "Vĩnh Long", "Bến Tre", "Cà Mau", "Sóc Trăng", "Tây Ninh",
};
static const char *const surnames[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
	"Đỗ", "Hồ", "Ngô", "Dương", "Lý",
};
static const char *const middles[] = {
	"Văn", "Thị", "Ngọc", "Minh", "Hữu", "Đức", "Thanh", "Quốc", "Xuân", "Thu", "Kim", "Công",
};
static const char *const givens[] = {
	"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh",
	"Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nhung", "Phong", "Phúc", "Phương", "Quang",
	"Sơn", "Tâm", "Thắng", "Thảo", "Thành", "Thủy", "Trang", "Trung", "Tuấn", "Tùng", "Việt",
	"Vinh", "Yến", "Ánh", "Đạt", "Đông", "Hiếu", "Lộc",
};
static const char *const signer_titles[] = {
	"CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "BÍ THƯ", "PHÓ BÍ THƯ",
	"CHÁNH VĂN PHÒNG", "TRƯỞNG BAN",
};

struct doc_type {
	const char *code;      /* TT05 typeName */
	const char *label;     /* as printed, sentence case */
	const char *upper;     /* the type line */
	const char *abbr;      /* in the ký hiệu */
	int party;             /* also issued by Party bodies */
	int weight;            /* how often it turns up */
};

static const struct doc_type types[] = {
	{ "01", "Nghị quyết", "NGHỊ QUYẾT", "NQ", 1, 4 },
	{ "02", "Quyết định", "QUYẾT ĐỊNH", "QĐ", 1, 20 },
	{ "03", "Chỉ thị", "CHỈ THỊ", "CT", 1, 4 },
	{ "05", "Quy định", "QUY ĐỊNH", "QyĐ", 0, 2 },
	{ "07", "Thông báo", "THÔNG BÁO", "TB", 1, 10 },
	{ "08", "Hướng dẫn", "HƯỚNG DẪN", "HD", 1, 4 },
	{ "10", "Kế hoạch", "KẾ HOẠCH", "KH", 1, 10 },
	{ "14", "Báo cáo", "BÁO CÁO", "BC", 1, 14 },
	{ "15", "Tờ trình", "TỜ TRÌNH", "TTr", 0, 6 },
	{ "20", "Biên bản", "BIÊN BẢN", "BB", 0, 4 },
	{ "22", "Công văn", NULL, NULL, 1, 18 },
	{ "32", "Kết luận", "KẾT LUẬN", "KL", 2, 2 },
	{ "26", "Giấy mời", "GIẤY MỜI", "GM", 0, 2 },
};

/* Issuing bodies: state (with their ký hiệu part) and Party. */
struct organ_kind {
	const char *prefix;       /* before the province */
	const char *upper_prefix;
	const char *notation;     /* issuer part of the ký hiệu */
	int party;
};

static const struct organ_kind organs[] = {
	{ "Ủy ban nhân dân tỉnh", "ỦY BAN NHÂN DÂN TỈNH", "UBND", 0 },
	{ "Sở Nội vụ tỉnh", "SỞ NỘI VỤ TỈNH", "SNV", 0 },
	{ "Sở Tài chính tỉnh", "SỞ TÀI CHÍNH TỈNH", "STC", 0 },
	{ "Sở Giáo dục và Đào tạo tỉnh", "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH", "SGDĐT", 0 },
	{ "Sở Nông nghiệp và Phát triển nông thôn tỉnh",
	  "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN TỈNH", "SNN", 0 },
	{ "Hội đồng nhân dân tỉnh", "HỘI ĐỒNG NHÂN DÂN TỈNH", "HĐND", 0 },
	{ "Tỉnh ủy", "TỈNH ỦY", "TU", 1 },
	{ "Ban Tuyên giáo Tỉnh ủy", "BAN TUYÊN GIÁO TỈNH ỦY", "BTGTU", 1 },
	{ "Văn phòng Tỉnh ủy", "VĂN PHÒNG TỈNH ỦY", "VPTU", 1 },
};

/* Upper-cases UTF-8 text into out (the header's capitals). */
static void upper(const char *s, char *out, size_t size)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), k;
	utf8proc_int32_t c;
	size_t o = 0;

	while (len > 0 && (k = utf8proc_iterate(p, len, &c)) > 0) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t n = utf8proc_encode_char(utf8proc_toupper(c), enc);

		if (o + (size_t)n + 1 > size)
			break;
		memcpy(out + o, enc, (size_t)n);
		o += (size_t)n;
		p += k;
		len -= k;
	}
	out[o] = '\0';
}

/* ---- text ---- */

struct text {
	char *s;
	size_t len, cap;
	size_t line_start;
};

static void put(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n + 2 > t->cap) {
		t->cap = (t->len + n + 2) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void putf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct text *t, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(t, buf);
}

/* A word, wrapping lines at about 80 bytes as OCR output of a page does. */
static void word_out(struct text *t, const char *w)
{
	if (t->len > t->line_start && t->len - t->line_start + strlen(w) > 80) {
		put(t, "\n");
		t->line_start = t->len;
	} else if (t->len > t->line_start) {
		put(t, " ");
	}
	put(t, w);
}

static void words_out(struct text *t, const char *phrase)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", phrase);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		word_out(t, w);
}

static void newline(struct text *t)
{
	put(t, "\n");
	t->line_start = t->len;
}

static char rare_seen[64][128];
static int n_rare_seen;

/* Something a page of administration names: a number, a date, a person,
 * a village, a body, a sum, an earlier document. */
static void entity(struct text *t)
{
	char buf[512];

	switch (rnd_below(9)) {
	case 0:
		snprintf(buf, sizeof(buf), "%d", 1 + rnd_below(rnd_below(2) ? 100 : 5000));
		break;
	case 1:
		snprintf(buf, sizeof(buf), "ngày %d tháng %d năm %d", 1 + rnd_below(28), 1 + rnd_below(12),
			 1990 + rnd_below(36));
		break;
	case 2:
		snprintf(buf, sizeof(buf), "ông %s %s %s", PICK(surnames), PICK(middles), PICK(givens));
		break;
	case 3:
		snprintf(buf, sizeof(buf), "bà %s Thị %s", PICK(surnames), PICK(givens));
		break;
	case 4: {
		/* Villages: two syllables of the corpus, capitalised - most
		 * occur on a handful of pages in a million, like real place names. */
		char a[64], b[64];
		const char *sa = syllables[rnd_below(n_syllables)], *sb = syllables[rnd_below(n_syllables)];
		utf8proc_int32_t c;
		int k, kb, ku, kbu;

		upper(sa, a, sizeof(a));
		upper(sb, b, sizeof(b));
		k = (int)utf8proc_iterate((const utf8proc_uint8_t *)sa, -1, &c);
		kb = (int)utf8proc_iterate((const utf8proc_uint8_t *)sb, -1, &c);
		ku = (int)utf8proc_iterate((const utf8proc_uint8_t *)a, -1, &c);
		kbu = (int)utf8proc_iterate((const utf8proc_uint8_t *)b, -1, &c);
		snprintf(buf, sizeof(buf), "thôn %.*s%s %.*s%s", ku, a, sa + k, kbu, b, sb + kb);
		break;
	}
	case 5:
		snprintf(buf, sizeof(buf), "%s %s", PICK(organs).prefix, PICK(provinces));
		break;
	case 6:
		/* A sum is one token of 900,000 possible: on about five pages in
		 * a million, what a rare word is (a village's two syllables are
		 * each common, so they are not). */
		snprintf(buf, sizeof(buf), "%d.%03d.000 đồng", 1 + rnd_below(900), rnd_below(1000));
		if (n_rare_seen < 64 && rnd_below(50) == 0)
			snprintf(rare_seen[n_rare_seen++], sizeof(rare_seen[0]), "%.*s",
				 (int)(strchr(buf, ' ') - buf), buf);
		break;
	case 7: {
		const struct doc_type *dt = &types[rnd_below((int)(sizeof(types) / sizeof(types[0])) - 1)];

		snprintf(buf, sizeof(buf), "%s số %d/%s-%s ngày %d/%d/%d", dt->label, 1 + rnd_below(3000),
			 dt->abbr ? dt->abbr : "QĐ", PICK(organs).notation, 1 + rnd_below(28),
			 1 + rnd_below(12), 2000 + rnd_below(26));
		break;
	}
	default:
		snprintf(buf, sizeof(buf), "%d/%d", rnd_below(40), 40 + rnd_below(40));
		break;
	}
	words_out(t, buf);
}

/* Body text from the bigram chain until the page holds `bytes` bytes. */
static void body(struct text *t, size_t bytes)
{
	int w = line_starts[rnd_below(n_starts)];

	while (t->len < bytes) {
		word_out(t, words[w].text);
		if (rnd_below(14) == 0)
			entity(t);
		if (words[w].n_next == 0 || rnd_below(40) == 0) {
			if (rnd_below(6) == 0)
				newline(t);
			w = line_starts[rnd_below(n_starts)];
		} else {
			w = words[w].next[rnd_below(words[w].n_next)];
		}
	}
	newline(t);
}

/* A subject line: a run of the chain, 8 to 16 words. */
static void subject(char *out, size_t size)
{
	int w = line_starts[rnd_below(n_starts)], n = 8 + rnd_below(9);
	size_t o = 0;

	for (int i = 0; i < n && o + 64 < size; i++) {
		o += (size_t)snprintf(out + o, size - o, "%s%s", i ? " " : "", words[w].text);
		if (!words[w].n_next)
			break;
		w = words[w].next[rnd_below(words[w].n_next)];
	}
	/* No trailing punctuation in a trích yếu. */
	while (o && strchr(".,;:", out[o - 1]))
		out[--o] = '\0';
}

/* ---- documents ---- */

struct header {
	const struct doc_type *type;
	const struct organ_kind *organ;
	const char *province;
	int number, year, month, day;
	char notation[64];
	char subject[400];
	char signer[96];
};

static const struct doc_type *pick_type(int party)
{
	int total = 0, r;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		total += (party ? types[i].party : types[i].party != 2) ? types[i].weight : 0;
	r = rnd_below(total);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int w = (party ? types[i].party : types[i].party != 2) ? types[i].weight : 0;

		if (r < w)
			return &types[i];
		r -= w;
	}
	return &types[0];
}

static void make_header(struct header *h)
{
	h->organ = &PICK(organs);
	h->province = PICK(provinces);
	h->type = pick_type(h->organ->party);
	h->number = 1 + (rnd_below(3) ? rnd_below(200) : rnd_below(3000));
	h->year = 1995 + rnd_below(31);
	h->month = 1 + rnd_below(12);
	h->day = 1 + rnd_below(28);
	if (h->type->abbr)
		snprintf(h->notation, sizeof(h->notation), "%s%s%s", h->type->abbr,
			 h->organ->party ? "/" : "-", h->organ->notation);
	else
		snprintf(h->notation, sizeof(h->notation), "%s-VP", h->organ->notation);
	subject(h->subject, sizeof(h->subject));
	snprintf(h->signer, sizeof(h->signer), "%s %s %s", PICK(surnames), PICK(middles), PICK(givens));
}

static void header_text(struct text *t, const struct header *h)
{
	char organ[256], prov[128];

	upper(h->organ->upper_prefix, organ, sizeof(organ));
	upper(h->province, prov, sizeof(prov));
	putf(t, "%s %s\n", organ, prov);
	if (h->organ->party)
		putf(t, "*\nSố %02d-%s\nĐẢNG CỘNG SẢN VIỆT NAM\n", h->number, h->notation);
	else
		putf(t, "Số: %02d/%s\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n",
		     h->number, h->notation);
	putf(t, "%s, ngày %02d tháng %d năm %d\n", h->province, h->day, h->month, h->year);
	if (h->type->upper)
		putf(t, "%s\nVề việc %s\n", h->type->upper, h->subject);
	else
		putf(t, "V/v %s\n", h->subject);
	t->line_start = t->len;
}

static void footer_text(struct text *t, const struct header *h)
{
	newline(t);
	putf(t, "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n%s\n%s\n", PICK(signer_titles), h->signer);
	t->line_start = t->len;
}

static size_t page_bytes(void)
{
	double jitter = 0.75 + 0.5 * rnd_unit();

	return (size_t)(page_lengths[rnd_below(n_page_lengths)] * jitter);
}

static int pages_in_document(void)
{
	int r = rnd_below(100);

	return r < 40 ? 1 : r < 70 ? 2 + rnd_below(2) : r < 95 ? 4 + rnd_below(7) : 11 + rnd_below(30);
}

static void fake_sha(const char *what, long a, long b, char hex[LT_SHA256_HEX])
{
	char buf[128];
	struct lt_err err = { 0 };

	snprintf(buf, sizeof(buf), "%s-%ld-%ld", what, a, b);
	if (lt_sha256_mem(buf, strlen(buf), hex, &err))
		die("sha256", &err);
}

/* The files a real bundle holds (t_bundle_tar.sh, layout.h), sizes near the samples'. */
static void add_bundle_files(struct lt_bundle *b, const char *id, long doc, int pages)
{
	static const struct { const char *path; uint64_t size; } fixed[] = {
		{ "bag-info.txt", 350 }, { "bagit.txt", 54 }, { "data/METS.xml", 8000 },
		{ "data/metadata/descriptive/EAD.xml", 1900 },
		{ "data/metadata/descriptive/metadata.json", 3100 },
		{ "data/metadata/preservation/PREMIS.xml", 30000 },
		{ "data/schemas/alto-4-4.xsd", 63795 }, { "data/schemas/catalog.xml", 1189 },
		{ "data/schemas/ead3.xsd", 105622 }, { "data/schemas/mets.xsd", 138291 },
		{ "data/schemas/premis-v3-0.xsd", 52845 }, { "data/schemas/xlink.xsd", 3180 },
		{ "manifest-sha256.txt", 1900 }, { "tagmanifest-sha256.txt", 241 },
	};
	struct lt_err err = { 0 };
	char path[128], hex[LT_SHA256_HEX];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		fake_sha(fixed[i].path, doc, 0, hex);
		if (lt_bundle_add_file(b, fixed[i].path, fixed[i].size, hex, &err))
			die("bundle file", &err);
	}
	snprintf(path, sizeof(path), "data/representations/access/data/%s.pdf", id);
	fake_sha("pdf", doc, 0, hex);
	if (lt_bundle_add_file(b, path, 600000u * (unsigned)pages, hex, &err))
		die("bundle file", &err);
	for (int p = 1; p <= pages; p++) {
		static const char *const kinds[] = { "master/data/%04d.png", "ocr/data/%04d.alto.xml",
						     "ocr/data/%04d.hocr", "ocr/data/%04d.txt" };
		static const uint64_t sizes[] = { 580000, 90000, 85000, 4000 };

		for (int k = 0; k < 4; k++) {
			char rel[64];

			snprintf(rel, sizeof(rel), kinds[k], p);
			snprintf(path, sizeof(path), "data/representations/%s", rel);
			fake_sha(rel, doc, p, hex);
			if (lt_bundle_add_file(b, path, sizes[k], hex, &err))
				die("bundle file", &err);
		}
	}
}

static void set_meta(struct lt_meta *m, const struct header *h, int pages)
{
	struct lt_err err = { 0 };
	char num[16], date[16], organ[256], np[16];
	int rc = 0;

	snprintf(num, sizeof(num), "%02d", h->number);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", h->year, h->month, h->day);
	snprintf(np, sizeof(np), "%d", pages);
	upper(h->organ->upper_prefix, organ, sizeof(organ) / 2);
	strncat(organ, " ", sizeof(organ) - strlen(organ) - 1);
	upper(h->province, organ + strlen(organ), sizeof(organ) - strlen(organ));
	rc |= lt_meta_set(m, "docFamily", h->organ->party ? "party" : "state", LT_META_EXTRACTED, NULL,
			  h->organ->party ? "party-motto-strict" : "state-motto-strict", 0.95, 0, &err);
	rc |= lt_meta_set(m, "typeName", h->type->code, LT_META_EXTRACTED, NULL, "type-line-strict",
			  0.98, 0, &err);
	rc |= lt_meta_set(m, "typeLabel", h->type->label, LT_META_EXTRACTED, NULL, "type-line-strict",
			  0.98, 0, &err);
	rc |= lt_meta_set(m, "codeNumber", num, LT_META_EXTRACTED, NULL, "state-number-strict", 0.95,
			  0, &err);
	rc |= lt_meta_set(m, "codeNotation", h->notation, LT_META_EXTRACTED, NULL,
			  "state-number-strict", 0.95, 0, &err);
	rc |= lt_meta_set(m, "issuedDate", date, LT_META_EXTRACTED, NULL, "date-strict", 0.95, 0, &err);
	rc |= lt_meta_set(m, "issuedPlace", h->province, LT_META_EXTRACTED, NULL, "place-strict", 0.9,
			  0, &err);
	rc |= lt_meta_set(m, "organName", organ, LT_META_EXTRACTED, NULL, "organ-above-number", 0.85,
			  0, &err);
	rc |= lt_meta_set(m, "subject", h->subject, LT_META_EXTRACTED, NULL, "subject-under-type", 0.85,
			  0, &err);
	rc |= lt_meta_set(m, "signerName", h->signer, LT_META_EXTRACTED, NULL, "signer-last-line", 0.7,
			  0, &err);
	rc |= lt_meta_set(m, "numberOfPage", np, LT_META_TECHNICAL, NULL, "page-count", 1, 0, &err);
	rc |= lt_meta_set(m, "language", "01", LT_META_TECHNICAL, NULL, "ocr-languages", 0.7, 0, &err);
	if (rc)
		die("metadata", &err);
}

struct totals {
	long documents, pages;
	uint64_t text_bytes;
	double seconds;
};

static void add_events(struct lt_doc *d, const struct header *h, int pages)
{
	struct lt_err err = { 0 };
	char detail[1024];
	const char *at = "2026-11-30T22:00:00+07:00";

	snprintf(detail, sizeof(detail), "tesseract 5.3.0, vie+eng, %d pages, mean confidence 91.3", pages);
	if (lt_doc_add_event(d, "ocr", at, "success", detail, &err))
		die("event", &err);
	snprintf(detail, sizeof(detail), "typeName=\"%s\" [type-line-strict 0.98], codeNumber=\"%02d\" "
		 "[state-number-strict 0.95], codeNotation=\"%s\" [state-number-strict 0.95], "
		 "issuedDate=\"%04d-%02d-%02d\" [date-strict 0.95], subject=\"%.200s\" "
		 "[subject-under-type 0.85]", h->type->code, h->number, h->notation, h->year, h->month,
		 h->day, h->subject);
	if (lt_doc_add_event(d, "metadata-extracted", at, "success", detail, &err))
		die("event", &err);
	snprintf(detail, sizeof(detail), "PDF/A-2b, %d pages, %d bytes, images: jpeg passthrough x%d",
		 pages, 600000 * pages, pages);
	if (lt_doc_add_event(d, "access-copy", at, "success", detail, &err))
		die("event", &err);
	snprintf(detail, sizeof(detail), "%s, %zu files, %llu bytes, sha256 %s", d->bundle.path,
		 d->bundle.n_files, (unsigned long long)d->bundle.size, d->bundle.sha256);
	if (lt_doc_add_event(d, "packaged", at, "success", detail, &err))
		die("event", &err);
}

static void one_document(struct lt_catalog *cat, int64_t batch, long doc_no, int pages,
			 struct totals *tot, FILE *queries)
{
	struct lt_err err = { 0 };
	struct lt_doc *d = lt_doc_new(), *claimed = NULL;
	struct header h;
	char path[256], hex[LT_SHA256_HEX], label[64];
	int added = 0, wait = 0;

	if (!d)
		die("out of memory", NULL);
	snprintf(label, sizeof(label), "hs-%07ld", doc_no);
	snprintf(path, sizeof(path), "/srv/luutru/inbox/lo-%04ld/%s", doc_no / 2000, label);
	if (lt_strdup(label, &d->label, &err) || lt_strdup(path, &d->origin, &err))
		die("document", &err);
	for (int p = 1; p <= pages; p++) {
		char src[320];

		snprintf(src, sizeof(src), "%s/trang-%04d.jpg", path, p);
		fake_sha("scan", doc_no, p, hex);
		if (lt_doc_add_source(d, src, hex, 1500000, 1, "jpg", &err) ||
		    lt_doc_add_pages_of_last_source(d, &err))
			die("document", &err);
	}
	if (lt_doc_compute_id(d, &err) || lt_catalog_add_document(cat, batch, d, &added, NULL, &err))
		die("lt_catalog_add_document", &err);
	lt_doc_free(d);
	if (!added)
		die("a generated document id came twice", NULL);
	if (lt_catalog_claim(cat, &claimed, &wait, &err) || !claimed)
		die("lt_catalog_claim", &err);

	make_header(&h);
	if (queries && doc_no % 997 == 0)
		fprintf(queries, "number\t%02d/%s\t%d\n", h.number, h.notation, h.organ->party);
	for (size_t i = 0; i < claimed->n_pages; i++) {
		struct lt_page *pg = &claimed->pages[i];
		struct text t = { 0 };
		size_t want = page_bytes();

		if (i == 0)
			header_text(&t, &h);
		body(&t, i + 1 == claimed->n_pages && want > 600 ? want - 200 : want);
		if (i + 1 == claimed->n_pages)
			footer_text(&t, &h);
		pg->text = t.s;
		pg->width = 1654;
		pg->height = 2339;
		pg->dpi = 200;
		pg->confidence = 80 + rnd_below(18);
		pg->quality = 0.7 + 0.3 * rnd_unit();
		if (rnd_below(200) == 0 && lt_strdup("low confidence", &pg->review, &err))
			die("page", &err);
		fake_sha("scan", doc_no, (long)i + 1, hex);
		snprintf(path, sizeof(path), "{\"format\":\"jpg\",\"mime\":\"image/jpeg\",\"width\":1654,"
			 "\"height\":2339,\"xres\":200,\"yres\":200,\"bits_per_sample\":8,"
			 "\"samples_per_pixel\":3,\"colour\":\"rgb\",\"file_size\":1500000,\"sha256\":\"%.64s\"}",
			 hex);
		if (lt_strdup("vie", &pg->lang, &err) || lt_strdup("as scanned; 200 dpi", &pg->preprocessing, &err) ||
		    lt_strdup(path, &pg->technical, &err))
			die("page", &err);
		tot->text_bytes += t.len;
	}
	if (lt_strdup("vie", &claimed->lang, &err))
		die("document", &err);
	set_meta(&claimed->meta, &h, pages);
	claimed->bundle.version = 1;
	snprintf(path, sizeof(path), "bundles/%.2s/%s.tar", claimed->id, claimed->id);
	if (lt_strdup(path, &claimed->bundle.path, &err))
		die("bundle", &err);
	claimed->bundle.size = 1600000u * (unsigned)pages;
	fake_sha("bundle", doc_no, 0, claimed->bundle.sha256);
	snprintf(claimed->bundle.created, sizeof(claimed->bundle.created), "2026-11-30T22:00:00+07:00");
	add_bundle_files(&claimed->bundle, claimed->id, doc_no, pages);
	add_events(claimed, &h, pages);
	if (lt_catalog_archive(cat, claimed, &err))
		die("lt_catalog_archive", &err);
	lt_doc_free(claimed);
	tot->documents++;
	tot->pages += pages;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

#define DOCS_PER_TRANSACTION 100

/* A nightly batch onto an existing catalog (bench/search/night.sh):
 * GEN_FIRST_DOC numbers its documents after the catalog's, GEN_ONE_BY_ONE=1
 * commits each document alone as a run does, GEN_NO_UPKEEP=1 leaves the
 * index as the batch left it. */
static long env_long(const char *name)
{
	const char *v = getenv(name);

	return v ? atol(v) : 0;
}

static int cmd_build(const char *archive, long want, const char *corpus, const char *queries_path)
{
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	struct totals tot = { 0 };
	struct lt_upkeep up = { 0 };
	FILE *queries = fopen(queries_path, "w");
	int64_t batch = 0;
	double t0, t_last, t_report = 0;
	char cat_path[4096], stats_path[4096];
	FILE *stats;
	long long bytes;

	if (!queries)
		die(queries_path, NULL);
	load_corpus(corpus);
	if (lt_catalog_open(archive, LT_CATALOG_CREATE, &cat, &err))
		die("lt_catalog_open", &err);
	/* Only here, for the generation: a crash loses the bench's catalog,
	 * never an archive's. */
	if (lt_cat_exec(cat, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;", &err))
		die("pragma", &err);
	t0 = t_last = lt_monotonic_seconds();
	long per_tx = env_long("GEN_ONE_BY_ONE") ? 0 : DOCS_PER_TRANSACTION;

	for (long doc_no = env_long("GEN_FIRST_DOC"); tot.pages < want; doc_no++) {
		int pages = pages_in_document();

		if (pages > want - tot.pages)
			pages = (int)(want - tot.pages);
		/* Many documents a transaction: each function's own transaction
		 * becomes a savepoint inside it (lt_cat_begin). */
		if (per_tx && doc_no % per_tx == 0 && lt_cat_exec(cat, "BEGIN IMMEDIATE", &err))
			die("begin", &err);
		if ((doc_no % 2000 == 0 || !batch) && lt_catalog_add_batch(cat, "/srv/luutru/inbox", &batch, &err))
			die("lt_catalog_add_batch", &err);
		one_document(cat, batch, doc_no, pages, &tot, queries);
		if (per_tx && (doc_no + 1) % per_tx == 0 && lt_cat_exec(cat, "COMMIT", &err))
			die("commit", &err);
		if (lt_monotonic_seconds() - t_last >= 30) {
			t_last = lt_monotonic_seconds();
			fprintf(stderr, "bench/search: %ld pages, %.0f pages/s\n", tot.pages,
				tot.pages / (t_last - t0));
		}
	}
	if (!sqlite3_get_autocommit(cat->db) && lt_cat_exec(cat, "COMMIT", &err))
		die("commit", &err);
	tot.seconds = lt_monotonic_seconds() - t0;
	for (int i = 0; i < n_rare_seen; i++)
		fprintf(queries, "rare\t%s\n", rare_seen[i]);
	fclose(queries);
	if (!env_long("GEN_NO_UPKEEP") && lt_catalog_maintain(cat, 0, 0, &up, &err))
		die("lt_catalog_maintain", &err);
	t_report = up.seconds;
	if (lt_cat_exec(cat, "PRAGMA wal_checkpoint(TRUNCATE)", &err))
		die("checkpoint", &err);
	lt_catalog_close(cat);
	snprintf(cat_path, sizeof(cat_path), "%s/catalog.sqlite", archive);
	bytes = file_size(cat_path);
	snprintf(stats_path, sizeof(stats_path), "%s/bench-search.txt", archive);
	stats = fopen(stats_path, "w");
	if (!stats)
		die(stats_path, NULL);
	fprintf(stats, "pages:          %ld in %ld documents\n", tot.pages, tot.documents);
	fprintf(stats, "insert rate:    %.0f pages/s (%.0f s, through lt_catalog_add_document, "
		"_claim, _archive; %ld document%s a transaction)\n", tot.pages / tot.seconds, tot.seconds,
		per_tx ? per_tx : 1, per_tx == 1 || !per_tx ? "" : "s");
	fprintf(stats, "index build:    %.1f s of final merge (%d steps) after the inserts, which "
		"index as they go\n", t_report, up.merge_steps);
	fprintf(stats, "raw text:       %.0f bytes/page, %.1f MB\n", (double)tot.text_bytes / tot.pages,
		tot.text_bytes / 1e6);
	fprintf(stats, "catalog:        %.0f bytes/page (%.2f KB), %.1f MB, %.2fx the raw text\n",
		(double)bytes / tot.pages, bytes / 1024.0 / tot.pages, bytes / 1e6,
		(double)bytes / (double)tot.text_bytes);
	fclose(stats);
	return 0;
}

/* ---- an older cached catalog brought to this luutru's schema ---- */

/* Opens ARCHIVE's catalog for writing, which runs the migrations it lacks
 * (as `luutru run` would), then VACUUMs it into 16 KB pages, as the README
 * tells an upgraded archive to; prints both times. */
static int cmd_migrate(const char *archive)
{
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	double t0 = lt_monotonic_seconds(), t1;

	if (lt_catalog_open(archive, LT_CATALOG_WRITE, &cat, &err))
		die("lt_catalog_open", &err);
	t1 = lt_monotonic_seconds();
	/* Into the page size and auto-vacuum a new catalog gets (migration 015),
	 * as the README tells an archive to do once after the upgrade. */
	if (lt_cat_exec(cat, "PRAGMA journal_mode=DELETE; PRAGMA page_size=16384; "
			"PRAGMA auto_vacuum=INCREMENTAL; VACUUM; PRAGMA journal_mode=WAL", &err))
		die("VACUUM", &err);
	printf("bench/search: migrated to schema %d in %.1f s, VACUUM %.1f s\n", LT_CATALOG_VERSION,
	       t1 - t0, lt_monotonic_seconds() - t1);
	lt_catalog_close(cat);
	return 0;
}

/* ---- timing commands ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least p% of them at or below it. */
static double percentile(const double *sorted, int n, int p)
{
	int rank = (n * p + 99) / 100;

	return sorted[rank > 0 ? rank - 1 : 0];
}

/* Runs argv with stdout and stderr on /dev/null; its exit status, or -1.
 * *cpu_ms (if not NULL) gets the CPU time it took, user and system: on a
 * machine shared with other work, wall time measures the others too. */
static int run_quiet(char **argv, double *cpu_ms)
{
	posix_spawn_file_actions_t fa;
	struct rusage use;
	pid_t pid;
	int status = 0;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (wait4(pid, &status, 0, &use) < 0)
		return -1;
	if (cpu_ms)
		*cpu_ms = (double)(use.ru_utime.tv_sec + use.ru_stime.tv_sec) * 1000 +
			  (double)(use.ru_utime.tv_usec + use.ru_stime.tv_usec) / 1000;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int cmd_time(const char *kind, int runs, const char *file)
{
	FILE *in = fopen(file, "r");
	char line[4096];
	char **cmds[64];
	int n_cmds = 0;
	double *ms = xrealloc(NULL, sizeof(double) * (size_t)runs);
	double *cpu = xrealloc(NULL, sizeof(double) * (size_t)runs);

	if (!in)
		die(file, NULL);
	while (n_cmds < 64 && fgets(line, sizeof(line), in)) {
		char **argv = xrealloc(NULL, sizeof(char *) * 64);
		int argc = 0;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		for (char *save = NULL, *a = strtok_r(line, "\t", &save); a && argc < 63;
		     a = strtok_r(NULL, "\t", &save))
			argv[argc++] = strdup(a);
		argv[argc] = NULL;
		cmds[n_cmds++] = argv;
	}
	fclose(in);
	if (!n_cmds)
		die("no command to time", NULL);
	for (int i = 0; i < n_cmds; i++) {
		int rc = run_quiet(cmds[i], NULL);

		if (rc == 2) {
			printf("%-16s unsupported (exit 2: `%s %s ...`)\n", kind, cmds[i][3] ? cmds[i][3] : "",
			       cmds[i][4] ? cmds[i][4] : "");
			return 0;
		}
		if (rc != 0 && rc != 1) {
			printf("%-16s failed (exit %d)\n", kind, rc);
			return 0;
		}
	}
	for (int r = 0; r < runs; r++) {
		double t = lt_monotonic_seconds();

		run_quiet(cmds[r % n_cmds], &cpu[r]);
		ms[r] = (lt_monotonic_seconds() - t) * 1000;
	}
	qsort(ms, (size_t)runs, sizeof(double), cmp_double);
	qsort(cpu, (size_t)runs, sizeof(double), cmp_double);
	printf("%-16s %8.1f %8.1f %8.1f %6d %4d %8.1f %8.1f\n", kind, percentile(ms, runs, 50),
	       percentile(ms, runs, 95), percentile(ms, runs, 99), runs, n_cmds,
	       percentile(cpu, runs, 50), percentile(cpu, runs, 95));
	free(cpu);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "build") == 0)
		return cmd_build(argv[2], atol(argv[3]), argv[4], argv[5]);
	if (argc == 5 && strcmp(argv[1], "time") == 0)
		return cmd_time(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 3 && strcmp(argv[1], "migrate") == 0)
		return cmd_migrate(argv[2]);
	fprintf(stderr, "usage: %s build ARCHIVE PAGES CORPUS_DIR QUERIES\n"
		"       %s time KIND RUNS FILE\n"
		"       %s migrate ARCHIVE\n", argv[0], argv[0], argv[0]);
	return 2;
}
