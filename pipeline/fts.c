/* fts.c - a custom FTS5 tokenizer for Vietnamese and English full text, and
 * the query language that turns what a person types into an FTS5 MATCH.
 *
 * FTS5's unicode61 tokenizer can drop diacritics but keeps đ (it has no
 * decomposition), and Vietnamese searchers type "d" for it. So we tokenize
 * with our own word splitter and fold each token with lt_text_fold(); the
 * offsets reported are those of the original text, so snippet() shows the
 * accented words.
 *
 * Two more things happen at index time, both so that ranking and number
 * look-ups stay inside the index at a million pages:
 *   - an all-digit token loses its leading zeros ("05" and "5" are one
 *     token), so a document number is found however it was padded;
 *   - a word whose diacritics (or đ) matter also gets, at the same position
 *     (FTS5_TOKEN_COLOCATED), its case-folded form with the diacritics kept
 *     behind LT_FTS_EXACT_MARK ("=đà" beside "da"). "Pages with the words
 *     spelt as typed" is then an FTS5 query of its own, not a fold of every
 *     candidate page in C.
 */
#include "luutru/fts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zlib.h>

#include "luutru/buf.h"
#include "luutru/hash.h"
#include "luutru/text.h"

/* Words longer than this are OCR garbage (or an attack); they are skipped
 * rather than indexed. */
#define MAX_TOKEN_BYTES 256

/* What a 'luutru' tokenizer emits (its argument, fts.h): both forms
 * colocated (no argument: the page_text of catalogs before version 15),
 * the folded forms only ('folded': page_text), or the exact forms only
 * ('exact': page_exact). */
enum tok_mode { TOK_BOTH, TOK_FOLDED, TOK_EXACT };

struct tokenizer {
	enum tok_mode mode;
};

static int tok_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct tokenizer *t;
	enum tok_mode mode = TOK_BOTH;

	(void)ud;
	if (argc > 1)
		return SQLITE_ERROR;
	if (argc == 1 && strcmp(argv[0], "folded") == 0)
		mode = TOK_FOLDED;
	else if (argc == 1 && strcmp(argv[0], "exact") == 0)
		mode = TOK_EXACT;
	else if (argc == 1)
		return SQLITE_ERROR;
	t = calloc(1, sizeof(*t));
	if (!t)
		return SQLITE_NOMEM;
	t->mode = mode;
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
	free(t);
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

int lt_fts_word_forms(const char *word, size_t n, struct lt_buf *folded, struct lt_buf *exact,
		      struct lt_err *err)
{
	int rc;
	size_t zeros = 0;

	lt_buf_reset(folded);
	if (exact)
		lt_buf_reset(exact);
	rc = lt_text_fold(word, n, folded, err);
	if (rc || folded->len == 0)
		return rc;
	if (all_digits(folded->data, folded->len)) {
		while (zeros + 1 < folded->len && folded->data[zeros] == '0')
			zeros++;
		if (zeros) {
			memmove(folded->data, folded->data + zeros, folded->len - zeros + 1);
			folded->len -= zeros;
		}
		return LT_OK;
	}
	if (!exact)
		return LT_OK;
	/* Plain ASCII folds to lower case only: nothing to tell apart. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)word[i] >= 0x80)
			goto non_ascii;
	return LT_OK;
non_ascii:
	rc = lt_buf_puts(exact, LT_FTS_EXACT_MARK, err);
	if (!rc)
		rc = lt_text_casefold(word, n, exact, err);
	if (!rc && exact->len - strlen(LT_FTS_EXACT_MARK) == folded->len &&
	    memcmp(exact->data + strlen(LT_FTS_EXACT_MARK), folded->data, folded->len) == 0)
		lt_buf_reset(exact);   /* "ǅ", a fullwidth letter: no diacritic to keep */
	return rc;
}

/* ---- numbers joined by punctuation: "572.401.000", "05-CT/TW", "14/7/2016" ----
 *
 * A number's parts are often words on half the pages ("000", "25", "TB",
 * "7"): as a phrase of its parts, a number costs a walk of their long
 * doclists (60-80 ms at a million pages). So two words joined by one of
 * PAIR_JOINERS, one of them all digits, are also indexed as one token, the
 * pair "401/0" (folded forms, PAIR_MARK between), colocated with the
 * second word; and a query for words so joined asks for the pairs, each at
 * its second word's place: the phrase "572.401.000" becomes "572 572/401
 * 401/0", the first word kept so that a match starts where the number
 * does, its doclist only sought at the few pages the pairs leave (FTS5
 * advances a phrase's words to each other's pages). It finds what the
 * phrase of the parts found but a number printed with spaces inside
 * ("572. 401.000"): the parts in that order, joined by any of
 * PAIR_JOINERS. */
#define PAIR_JOINERS "./-,:"
#define PAIR_MARK "/"
/* Longer parts are not numbers but words and OCR noise: no pair. */
#define PAIR_PART_BYTES 24

/* Do prev (ending at prev_end) and the word at start, folded to p and c,
 * make a pair? */
static int pair_of(const char *text, size_t prev_end, size_t start, const struct lt_buf *p,
		   const struct lt_buf *c)
{
	return p->len > 0 && start == prev_end + 1 && text[prev_end] != '\0' &&
	       strchr(PAIR_JOINERS, text[prev_end]) && p->len <= PAIR_PART_BYTES &&
	       c->len <= PAIR_PART_BYTES &&
	       (all_digits(p->data, p->len) || all_digits(c->data, c->len));
}

static int emit_pair(void *ctx, int (*emit)(void *, int, const char *, int, int, int), int flags,
		     const struct lt_buf *p, const struct lt_buf *c, size_t start, size_t end)
{
	char pair[2 * PAIR_PART_BYTES + sizeof(PAIR_MARK)];
	int n = snprintf(pair, sizeof(pair), "%.*s" PAIR_MARK "%.*s", (int)p->len, p->data,
			 (int)c->len, c->data);

	return emit(ctx, flags, pair, n, (int)start, (int)end);
}

/* In a query, a string that starts with LT_FTS_EXACT_QUERY asks for the
 * exact forms of its words that have one (the index of a catalog before
 * version 15 held both). The 'exact' tokenizer emits the exact forms
 * only, in documents and queries: a word without one is not there. */
static int tok_tokenize(Fts5Tokenizer *tokenizer, void *ctx, int flags, const char *text, int ntext,
			int (*emit)(void *, int, const char *, int, int, int))
{
	const struct tokenizer *t = (const struct tokenizer *)tokenizer;
	struct lt_buf folded = LT_BUF_INIT, exact = LT_BUF_INIT, prev = LT_BUF_INIT;
	size_t pos = 0, start = 0, end = 0, len = ntext > 0 ? (size_t)ntext : 0;
	size_t prev_end = 0;
	int rc = SQLITE_OK, query = (flags & FTS5_TOKENIZE_QUERY) != 0, exact_query = 0;
	/* Snippets count positions by the tokens that are not colocated, so
	 * they need no exact forms. */
	int want_exact = t->mode == TOK_BOTH && (flags & FTS5_TOKENIZE_DOCUMENT) != 0;
	/* Pairs in page_text ('folded'), written and asked for; not in a
	 * prefix query ("05-CT*": its last word is a prefix, not a word). */
	int pairs = t->mode == TOK_FOLDED && (!query || (flags & FTS5_TOKENIZE_PREFIX) == 0);

	if (query && len > 0 && text[0] == LT_FTS_EXACT_QUERY[0]) {
		exact_query = t->mode != TOK_FOLDED;
		want_exact = exact_query;
		pos = 1;
	}
	if (t->mode == TOK_EXACT)
		want_exact = exact_query = 1;
	while (rc == SQLITE_OK && lt_text_next_word(text, len, &pos, &start, &end)) {
		int pair;

		if (end - start > MAX_TOKEN_BYTES) {
			lt_buf_reset(&prev);
			continue;
		}
		if (lt_fts_word_forms(text + start, end - start, &folded,
				      want_exact ? &exact : NULL, NULL)) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (folded.len == 0)
			continue;
		if (t->mode == TOK_EXACT) {
			if (exact.len)
				rc = emit(ctx, 0, exact.data, (int)exact.len, (int)start, (int)end);
			continue;
		}
		if (exact_query && exact.len) {
			rc = emit(ctx, 0, exact.data, (int)exact.len, (int)start, (int)end);
			continue;
		}
		pair = pairs && pair_of(text, prev_end, start, &prev, &folded);
		if (query && pair) {
			rc = emit_pair(ctx, emit, 0, &prev, &folded, start, end);
		} else {
			rc = emit(ctx, 0, folded.data, (int)folded.len, (int)start, (int)end);
			if (rc == SQLITE_OK && !query && want_exact && exact.len)
				rc = emit(ctx, FTS5_TOKEN_COLOCATED, exact.data, (int)exact.len,
					  (int)start, (int)end);
			if (rc == SQLITE_OK && pair)
				rc = emit_pair(ctx, emit, FTS5_TOKEN_COLOCATED, &prev, &folded, start,
					       end);
		}
		if (pairs) {
			/* This word is the next one's prev: the buffers trade
			 * places (lt_fts_word_forms resets what it fills). */
			struct lt_buf word = folded;

			folded = prev;
			prev = word;
			prev_end = end;
		}
	}
	lt_buf_release(&folded);
	lt_buf_release(&exact);
	lt_buf_release(&prev);
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

/* ---- lt_rank(): bm25 with the phrases' page counts given (fts.h) ---- */

struct rank_query {
	int n_phrases;
	double avg_len;
	double *idf;       /* n_phrases */
	int *freq;         /* n_phrases, per row */
};

/* FTS5's bm25() constants. */
#define RANK_K1 1.2
#define RANK_B 0.75

static struct rank_query *rank_setup(const Fts5ExtensionApi *api, Fts5Context *fts, int nval,
				     sqlite3_value **val)
{
	int n = api->xPhraseCount(fts);
	struct rank_query *r = sqlite3_malloc64(sizeof(*r) + (size_t)n * (sizeof(double) + sizeof(int)));
	sqlite3_int64 rows = 0, tokens = 0;

	if (!r)
		return NULL;
	r->n_phrases = n;
	r->idf = (double *)(r + 1);
	r->freq = (int *)(r->idf + n);
	if (api->xRowCount(fts, &rows) != SQLITE_OK || api->xColumnTotalSize(fts, -1, &tokens) != SQLITE_OK) {
		sqlite3_free(r);
		return NULL;
	}
	r->avg_len = rows > 0 ? (double)tokens / (double)rows : 1;
	for (int i = 0; i < n; i++) {
		double matching = i < nval ? sqlite3_value_double(val[i]) : (double)rows / 2;
		double idf = log(((double)rows - matching + 0.5) / (matching + 0.5));

		/* As bm25(): a phrase on more than half the pages still counts a little. */
		r->idf[i] = idf <= 0 ? 1e-6 : idf;
	}
	if (api->xSetAuxdata(fts, r, sqlite3_free) != SQLITE_OK)
		return NULL;     /* xSetAuxdata freed it */
	return r;
}

static void rank_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
			  int nval, sqlite3_value **val)
{
	struct rank_query *r = api->xGetAuxdata(fts, 0);
	int instances = 0, length = 0;
	double score = 0;

	if (!r)
		r = rank_setup(api, fts, nval, val);
	if (!r) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	memset(r->freq, 0, (size_t)r->n_phrases * sizeof(int));
	if (api->xInstCount(fts, &instances) != SQLITE_OK ||
	    api->xColumnSize(fts, -1, &length) != SQLITE_OK) {
		sqlite3_result_error(ctx, "lt_rank: cannot read the row's matches", -1);
		return;
	}
	for (int i = 0; i < instances; i++) {
		int phrase, column, offset;

		if (api->xInst(fts, i, &phrase, &column, &offset) == SQLITE_OK &&
		    phrase >= 0 && phrase < r->n_phrases)
			r->freq[phrase]++;
	}
	for (int i = 0; i < r->n_phrases; i++) {
		double f = r->freq[i];

		score += r->idf[i] * f * (RANK_K1 + 1) /
			 (f + RANK_K1 * (1 - RANK_B + RANK_B * (double)length / r->avg_len));
	}
	sqlite3_result_double(ctx, -score);
}

/* ---- page text kept compressed (fts.h: lt_text_pack) ---- */

/* Texts shorter than this are kept as they are: zlib would not pay. */
#define PACK_MIN_BYTES 64
/* Before the zlib stream: the text's length, 4 bytes little-endian. */
#define PACK_HEADER 4

static void pack_value(sqlite3_context *ctx, sqlite3_value *val, int min_bytes, int level,
		       const char *dict, size_t dict_len);

/* In the length header: the zlib stream was primed with a preset
 * dictionary, TEXT_DICT or META_DICT: the stream's own dictionary id (its
 * Adler-32) tells which. A page's text is never 2 GB. */
#define PACK_DICT_FLAG 0x80000000u

/* A page's text is packed with zlib primed with what most Vietnamese
 * administrative pages say (NĐ 30/2020's header, signature and "Nơi
 * nhận" formulae, the commonest words of official prose, the names of the
 * kinds of document and of organs) and a few English words: zlib finds
 * them at once instead of after the first kilobytes. Measured on 4 KB
 * pieces, it saves 7% of the packed size of ordinary Vietnamese prose
 * (README.vi.md), 14% on administrative pages, next to nothing on
 * English. zlib uses its end first, so the commonest come last. Never
 * change it: the rows packed with it need it as it was (a better one is a
 * new dictionary beside it, told apart by its Adler-32, see
 * unpack_stream). */
static const char TEXT_DICT[] =
	" the of and to in for is on that by with as be this are from at or an not which"
	" Ministry Committee Department Province Decision Report Plan Official Letter"
	" không có được này những cho với người một trong các của và là đã sẽ đến từ theo"
	" tại về như khi đó thì cũng nhưng hoặc vì nên để bị do trên dưới sau trước ra vào"
	" nào gì hơn rất đều chỉ còn mới đang vẫn lại nữa phải cần nếu thế hiện nay"
	" thực hiện tổ chức quản lý nhà nước phát triển kinh tế xã hội chính sách trách"
	" nhiệm cơ quan đơn vị địa phương trung ương cán bộ công chức viên chức nhân dân"
	" đồng chí tình hình kết quả nhiệm vụ giải pháp đề nghị báo cáo kế hoạch chương"
	" trình dự án nội dung quy định pháp luật hướng dẫn triển khai kiểm tra giám sát"
	" đánh giá tăng cường bảo đảm nâng cao chất lượng hiệu quả công tác văn thư lưu trữ"
	" tài liệu ngân sách đầu tư xây dựng đất đai tài chính giáo dục y tế"
	" các sở, ban, ngành, đoàn thể; Ủy ban nhân dân các huyện, thị xã, thành phố;"
	" Căn cứ Luật Tổ chức chính quyền địa phương; Theo đề nghị của Giám đốc Sở"
	" Nội vụ, Chánh Văn phòng"
	" QUYẾT ĐỊNH: Điều 1. Điều 2. Điều 3. Quyết định này có hiệu lực thi hành kể từ"
	" ngày ký. Nơi nhận: - Như Điều 3; - Lưu: VT. TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"
	" PHÓ CHỦ TỊCH TM. BAN THƯỜNG VỤ T/M BAN CHẤP HÀNH BÍ THƯ GIÁM ĐỐC"
	" Đảng ủy, Tỉnh ủy, Thành ủy, Huyện ủy, Ban Chấp hành Trung ương, Ban Bí thư,"
	" Bộ Chính trị, Hội đồng nhân dân, Ủy ban nhân dân tỉnh, Văn phòng, Sở Tài chính,"
	" Sở Kế hoạch và Đầu tư, Sở Giáo dục và Đào tạo, Sở Y tế"
	" CHỈ THỊ NGHỊ QUYẾT QUYẾT ĐỊNH BÁO CÁO THÔNG BÁO KẾ HOẠCH TỜ TRÌNH CÔNG VĂN"
	" HƯỚNG DẪN BIÊN BẢN QUY ĐỊNH Về việc V/v"
	" CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
	" ĐẢNG CỘNG SẢN VIỆT NAM ỦY BAN NHÂN DÂN HỘI ĐỒNG NHÂN DÂN TỈNH ỦY"
	" , ngày tháng năm Số: /QĐ-UBND /BC-UBND /KH-UBND /TB-VP /CT-TW /NQ-TW";

static void text_pack(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	(void)nval;
	pack_value(ctx, val[0], PACK_MIN_BYTES, 6, TEXT_DICT, sizeof(TEXT_DICT) - 1);
}

/* pages.technical is a short JSON object (techmeta.c) whose keys and most
 * values repeat on every page: zlib alone gets 238 bytes to 185, primed
 * with them to 80 (the SHA-256's hex digits are most of what is left).
 * Never change it: the packed rows need it as it was. zlib uses its end
 * first, so the commonest come last. */
static const char META_DICT[] =
	"\"compression\":\"lzw\",\"compression\":\"group4\",\"compression\":\"none\","
	"\"scanner_make\":\"\",\"scanner_model\":\"\",\"software\":\"\",\"capture_time\":\"\","
	"{\"format\":\"tiff\",\"mime\":\"image/tiff\",{\"format\":\"png\",\"mime\":\"image/png\","
	"{\"format\":\"pnm\",\"mime\":\"image/x-portable-anymap\","
	"\"colour\":\"palette\",\"colour\":\"bitonal\",\"colour\":\"grey\",\"colour\":\"rgba\","
	"\"bits_per_sample\":1,\"samples_per_pixel\":1,\"bits_per_sample\":8,\"samples_per_pixel\":1,"
	"\"xres\":300,\"yres\":300,\"xres\":200,\"yres\":200,"
	"{\"format\":\"jpg\",\"mime\":\"image/jpeg\",{\"format\":\"jpeg\",\"mime\":\"image/jpeg\","
	"\"width\":2480,\"height\":3508,\"width\":1654,\"height\":2339,"
	"\"bits_per_sample\":8,\"samples_per_pixel\":3,\"colour\":\"rgb\",\"file_size\":1,\"sha256\":\"";

/* The value zlib-packed behind its length (PACK_DICT_FLAG set when dict
 * primed the stream), or the value itself when it is not text, shorter
 * than min_bytes, or would not shrink: lt_text_pack and lt_meta_pack. */
static void pack_value(sqlite3_context *ctx, sqlite3_value *val, int min_bytes, int level,
		       const char *dict, size_t dict_len)
{
	const unsigned char *text;
	unsigned char *packed;
	unsigned header;
	z_stream z;
	uLong bound;
	int n, zrc;

	if (sqlite3_value_type(val) != SQLITE_TEXT) {
		sqlite3_result_value(ctx, val);
		return;
	}
	text = sqlite3_value_text(val);
	n = sqlite3_value_bytes(val);
	memset(&z, 0, sizeof(z));
	if (n < min_bytes || deflateInit(&z, level) != Z_OK) {
		sqlite3_result_value(ctx, val);
		return;
	}
	bound = deflateBound(&z, (uLong)n);
	packed = sqlite3_malloc64(PACK_HEADER + bound);
	if (!packed || (dict && deflateSetDictionary(&z, (const Bytef *)dict, (uInt)dict_len) != Z_OK)) {
		deflateEnd(&z);
		sqlite3_free(packed);
		if (packed)
			sqlite3_result_value(ctx, val);
		else
			sqlite3_result_error_nomem(ctx);
		return;
	}
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)n;
	z.next_out = packed + PACK_HEADER;
	z.avail_out = (uInt)bound;
	zrc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (zrc != Z_STREAM_END || z.total_out + PACK_HEADER >= (uLong)n) {
		sqlite3_free(packed);
		sqlite3_result_value(ctx, val);
		return;
	}
	header = (unsigned)n | (dict ? PACK_DICT_FLAG : 0);
	for (int i = 0; i < PACK_HEADER; i++)
		packed[i] = (unsigned char)(header >> (8 * i));
	sqlite3_result_blob64(ctx, packed, PACK_HEADER + z.total_out, sqlite3_free);
}

static void meta_pack(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	(void)nval;
	pack_value(ctx, val[0], PACK_HEADER * 4, 9, META_DICT, sizeof(META_DICT) - 1);
}

/* zlib's uncompress() for a stream that may ask for a preset dictionary:
 * TEXT_DICT or META_DICT, whichever inflateSetDictionary() takes (it
 * refuses one whose Adler-32 is not the id the stream names). */
static int unpack_stream(unsigned char *out, uLongf *out_len, const unsigned char *in, uLong in_len)
{
	static const struct { const char *text; size_t len; } dicts[] = {
		{ TEXT_DICT, sizeof(TEXT_DICT) - 1 },
		{ META_DICT, sizeof(META_DICT) - 1 },
	};
	z_stream z;
	int zrc;

	memset(&z, 0, sizeof(z));
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)in_len;
	z.next_out = out;
	z.avail_out = (uInt)*out_len;
	if (inflateInit(&z) != Z_OK)
		return Z_MEM_ERROR;
	zrc = inflate(&z, Z_FINISH);
	if (zrc == Z_NEED_DICT) {
		zrc = Z_DATA_ERROR;
		for (size_t i = 0; zrc != Z_OK && i < sizeof(dicts) / sizeof(dicts[0]); i++)
			zrc = inflateSetDictionary(&z, (const Bytef *)dicts[i].text, (uInt)dicts[i].len);
		if (zrc == Z_OK)
			zrc = inflate(&z, Z_FINISH);
	}
	*out_len = z.total_out;
	inflateEnd(&z);
	return zrc == Z_STREAM_END ? Z_OK : Z_DATA_ERROR;
}

static void text_unpack(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	const unsigned char *packed;
	unsigned char *text;
	uLongf text_len;
	unsigned n = 0;
	int packed_len, dict;

	(void)nval;
	if (sqlite3_value_type(val[0]) != SQLITE_BLOB) {
		sqlite3_result_value(ctx, val[0]);
		return;
	}
	packed = sqlite3_value_blob(val[0]);
	packed_len = sqlite3_value_bytes(val[0]);
	if (packed_len < PACK_HEADER) {
		sqlite3_result_error(ctx, "a page's packed text is cut short", -1);
		return;
	}
	for (int i = 0; i < PACK_HEADER; i++)
		n |= (unsigned)packed[i] << (8 * i);
	dict = (n & PACK_DICT_FLAG) != 0;
	n &= ~PACK_DICT_FLAG;
	text = sqlite3_malloc64((sqlite3_uint64)n + 1);
	if (!text) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	text_len = n;
	if ((dict ? unpack_stream(text, &text_len, packed + PACK_HEADER,
				  (uLong)(packed_len - PACK_HEADER))
		  : uncompress(text, &text_len, packed + PACK_HEADER,
			       (uLong)(packed_len - PACK_HEADER))) != Z_OK ||
	    text_len != n) {
		sqlite3_free(text);
		sqlite3_result_error(ctx, "a page's packed text is damaged", -1);
		return;
	}
	text[n] = '\0';
	sqlite3_result_text64(ctx, (const char *)text, n, sqlite3_free, SQLITE_UTF8);
}

static void sha256_pack(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	unsigned char digest[32];

	(void)nval;
	if (sqlite3_value_type(val[0]) == SQLITE_TEXT && sqlite3_value_bytes(val[0]) == 64 &&
	    lt_sha256_pack((const char *)sqlite3_value_text(val[0]), digest) == 0)
		sqlite3_result_blob(ctx, digest, sizeof(digest), SQLITE_TRANSIENT);
	else
		sqlite3_result_value(ctx, val[0]);
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
	if (api->xCreateFunction(api, "lt_rank", NULL, rank_function, NULL) != SQLITE_OK)
		return lt_err_set(err, LT_EDB, "cannot register the lt_rank function: %s",
				  sqlite3_errmsg(db));
	if (sqlite3_create_function(db, "lt_text_pack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				    text_pack, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "lt_text_unpack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				    text_unpack, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "lt_meta_pack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				    meta_pack, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "lt_sha256_pack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				    sha256_pack, NULL, NULL) != SQLITE_OK)
		return lt_err_set(err, LT_EDB, "cannot register the page text functions: %s",
				  sqlite3_errmsg(db));
	return LT_OK;
}

/* ---- the query language ---- */

/* Words that on their own find nearly every page: a query of nothing else
 * is refused, and beside other words they are not searched (each would be
 * one more AND over half the index). Compared case-folded with their
 * diacritics: "la" may be "lá", "de" "đề", "co" "cơ". */
static const char *const stop_words[] = {
	"và", "của", "các", "là", "có", "được", "cho", "với", "trong", "những", "này", "để",
	"theo", "về", "một", "thì", "mà", "đã", "sẽ", "không", "từ", "tại", "khi", "đến", "như",
	"the", "a", "an", "of", "and", "or", "to", "in", "on", "for", "is", "by", "at",
	NULL,
};

static int is_stop_word(const char *casefolded)
{
	for (size_t i = 0; stop_words[i]; i++)
		if (strcmp(stop_words[i], casefolded) == 0)
			return 1;
	return 0;
}

enum term_kind { TERM_AND, TERM_OR, TERM_NOT };

struct term {
	const char *text;      /* as typed, within the query */
	size_t len;
	int prefix;            /* a trailing * */
	int phrase;            /* typed in double quotes */
	enum term_kind kind;   /* TERM_OR: alternative of the term before */
	int has_exact;         /* a word whose diacritics matter */
	int stop;              /* every word a stop word (bare words only) */
	const struct lt_buf *expansion;  /* a prefix's words (lt_fts_expand_fn), or NULL */
};

/* The words the tokenizer would emit for s[0..n), folded and separated by
 * single spaces, into key (reset first); *words gets their number, *exact
 * whether one has diacritics that matter, *stop whether all are stop words.
 * A term with no word (punctuation, a lone combining mark, an over-long
 * word) would be an empty phrase that matches nothing and sinks the AND. */
static int fold_term(const char *s, size_t n, struct lt_buf *key, size_t *words, int *exact,
		     int *stop, struct lt_err *err)
{
	struct lt_buf folded = LT_BUF_INIT, ex = LT_BUF_INIT, cf = LT_BUF_INIT;
	size_t pos = 0, start, end;
	int rc = LT_OK;

	lt_buf_reset(key);
	*words = 0;
	*exact = 0;
	*stop = 1;
	while (!rc && lt_text_next_word(s, n, &pos, &start, &end)) {
		if (end - start > MAX_TOKEN_BYTES)
			continue;
		rc = lt_fts_word_forms(s + start, end - start, &folded, &ex, err);
		if (rc || folded.len == 0)
			continue;
		if (ex.len)
			*exact = 1;
		lt_buf_reset(&cf);
		rc = lt_text_casefold(s + start, end - start, &cf, err);
		if (!rc && !is_stop_word(lt_buf_str(&cf)))
			*stop = 0;
		if (!rc && *words)
			rc = lt_buf_append(key, " ", 1, err);
		if (!rc)
			rc = lt_buf_append(key, folded.data, folded.len, err);
		(*words)++;
	}
	lt_buf_release(&folded);
	lt_buf_release(&ex);
	lt_buf_release(&cf);
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

/* One term as an FTS5 string: quoted, its quotes doubled, the exact marker
 * first when asked, the prefix star after. */
static int put_quoted(struct lt_buf *out, const struct term *t, int exact, struct lt_err *err)
{
	int rc = lt_buf_puts(out, "\"", err);

	if (!rc && exact && t->has_exact)
		rc = lt_buf_puts(out, LT_FTS_EXACT_QUERY, err);
	for (size_t i = 0; !rc && i < t->len; i++)
		rc = t->text[i] == '"' ? lt_buf_puts(out, "\"\"", err)
			: lt_buf_append(out, t->text + i, 1, err);
	if (!rc)
		rc = lt_buf_puts(out, t->prefix ? "\"*" : "\"", err);
	return rc;
}

/* One term into out, and, when phrases is not NULL, each FTS5 phrase it
 * makes into phrases (fts.h). A prefix term with an expansion is the OR
 * of the phrases with its last word replaced by each word of the
 * expansion. */
static int put_term(struct lt_buf *out, const struct term *t, int exact, struct lt_buf *phrases,
		    int *n_phrases, struct lt_err *err)
{
	struct lt_buf one = LT_BUF_INIT;
	size_t head = 0;
	int rc = LT_OK;

	if (!t->expansion || !t->expansion->len) {
		rc = put_quoted(out, t, exact, err);
		if (!rc && phrases) {
			rc = put_quoted(&one, t, exact, err);
			if (!rc)
				rc = lt_buf_append(phrases, one.data, one.len + 1, err);
			(*n_phrases)++;
		}
		lt_buf_release(&one);
		return rc;
	}
	/* The words before the last, as typed: "a b"* -> "a " */
	for (size_t pos = 0, start, end; lt_text_next_word(t->text, t->len, &pos, &start, &end); )
		head = start;
	rc = lt_buf_puts(out, "(", err);
	for (size_t i = 0; !rc && i < t->expansion->len; i += strlen(t->expansion->data + i) + 1) {
		lt_buf_reset(&one);
		rc = lt_buf_puts(&one, "\"", err);
		for (size_t k = 0; !rc && k < head; k++)
			rc = t->text[k] == '"' ? lt_buf_puts(&one, "\"\"", err)
				: lt_buf_append(&one, t->text + k, 1, err);
		if (!rc)
			rc = lt_buf_puts(&one, t->expansion->data + i, err);
		if (!rc)
			rc = lt_buf_puts(&one, "\"", err);
		if (!rc && i)
			rc = lt_buf_puts(out, " OR ", err);
		if (!rc)
			rc = lt_buf_append(out, one.data, one.len, err);
		if (!rc && phrases) {
			rc = lt_buf_append(phrases, one.data, one.len + 1, err);
			(*n_phrases)++;
		}
	}
	if (!rc)
		rc = lt_buf_puts(out, ")", err);
	lt_buf_release(&one);
	return rc;
}

/* terms[0..n) (stop words already left out) as a MATCH: AND of the groups
 * of OR'ed terms, each group in parentheses, then NOT each excluded term.
 * The excluded terms are always the folded ones: "-Đà" leaves out "Da" too. */
static int build_match(const struct term *terms, size_t n, int exact, struct lt_buf *out,
		       struct lt_fts_match *m, struct lt_err *err)
{
	int rc = LT_OK, positives = 0, negatives = 0;

	for (size_t i = 0; i < n; i++)
		negatives += terms[i].kind == TERM_NOT;
	if (negatives)
		rc = lt_buf_puts(out, "(", err);
	for (size_t i = 0; !rc && i < n; i++) {
		size_t j = i + 1;

		if (terms[i].kind == TERM_NOT)
			continue;
		while (j < n && terms[j].kind == TERM_OR)
			j++;
		if (positives++)
			rc = lt_buf_puts(out, " AND ", err);
		if (!rc && j > i + 1)
			rc = lt_buf_puts(out, "(", err);
		for (size_t k = i; !rc && k < j; k++) {
			if (k > i)
				rc = lt_buf_puts(out, " OR ", err);
			if (!rc)
				rc = put_term(out, &terms[k], exact, exact ? NULL : &m->phrases,
					      &m->n_phrases, err);
		}
		if (!rc && j > i + 1)
			rc = lt_buf_puts(out, ")", err);
		i = j - 1;
	}
	if (!rc && negatives)
		rc = lt_buf_puts(out, ")", err);
	for (size_t i = 0; !rc && i < n; i++) {
		if (terms[i].kind != TERM_NOT)
			continue;
		rc = lt_buf_puts(out, " NOT ", err);
		if (!rc)
			rc = put_term(out, &terms[i], 0, NULL, NULL, err);
	}
	return rc;
}

/* The words of t that have an exact form (lt_fts_word_forms), each
 * quoted, joined by AND, into out; *n gets their number. */
static int put_exact_words(struct lt_buf *out, const struct term *t, size_t *n, struct lt_err *err)
{
	struct lt_buf folded = LT_BUF_INIT, exact = LT_BUF_INIT;
	size_t pos = 0, start, end;
	int rc = LT_OK;

	*n = 0;
	while (!rc && lt_text_next_word(t->text, t->len, &pos, &start, &end)) {
		if (end - start > MAX_TOKEN_BYTES)
			continue;
		rc = lt_fts_word_forms(t->text + start, end - start, &folded, &exact, err);
		if (rc || !exact.len)
			continue;
		rc = lt_buf_puts(out, *n ? " AND \"" : "\"", err);
		for (size_t i = start; !rc && i < end; i++)
			rc = t->text[i] == '"' ? lt_buf_puts(out, "\"\"", err)
				: lt_buf_append(out, t->text + i, 1, err);
		if (!rc)
			rc = lt_buf_puts(out, "\"", err);
		(*n)++;
	}
	lt_buf_release(&folded);
	lt_buf_release(&exact);
	return rc;
}

/* terms[0..n) as the MATCH of page_exact (fts.h: lt_fts_match.exact):
 * the AND of the words typed with diacritics that matter. An OR group
 * asks for its alternatives' words only when each alternative has some
 * (else the group is left to `any`); prefixes and -words ask nothing. */
static int build_exact(const struct term *terms, size_t n, struct lt_buf *out, int *has_exact,
		       struct lt_err *err)
{
	struct lt_buf group = LT_BUF_INIT;
	int rc = LT_OK;

	*has_exact = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		size_t j = i + 1, words = 0;
		int all = 1;

		if (terms[i].kind == TERM_NOT)
			continue;
		while (j < n && terms[j].kind == TERM_OR)
			j++;
		lt_buf_reset(&group);
		for (size_t k = i; !rc && all && k < j; k++) {
			if (!terms[k].has_exact || terms[k].kind == TERM_NOT) {
				all = 0;
				break;
			}
			if (j > i + 1)
				rc = lt_buf_puts(&group, k > i ? " OR (" : "(", err);
			if (!rc)
				rc = put_exact_words(&group, &terms[k], &words, err);
			if (!rc && j > i + 1)
				rc = lt_buf_puts(&group, ")", err);
			all = words > 0;
		}
		if (!rc && all && group.len) {
			if (*has_exact)
				rc = lt_buf_puts(out, " AND ", err);
			if (!rc && j > i + 1)
				rc = lt_buf_puts(out, "(", err);
			if (!rc)
				rc = lt_buf_append(out, group.data, group.len, err);
			if (!rc && j > i + 1)
				rc = lt_buf_puts(out, ")", err);
			*has_exact = 1;
		}
		i = j - 1;
	}
	lt_buf_release(&group);
	return rc;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void lt_fts_match_release(struct lt_fts_match *m)
{
	lt_buf_release(&m->any);
	lt_buf_release(&m->exact);
	lt_buf_release(&m->terms);
	lt_buf_release(&m->phrases);
	m->has_exact = 0;
	m->has_prefix = 0;
	m->n_phrases = 0;
}

/* The positive terms of terms[0..n), folded, into m->terms (fts.h). */
static int list_terms(const struct term *terms, size_t n, struct lt_fts_match *m,
		      struct lt_err *err)
{
	struct lt_buf key = LT_BUF_INIT;
	size_t words;
	int rc = LT_OK, exact, stop;

	for (size_t i = 0; !rc && i < n; i++) {
		if (terms[i].kind == TERM_NOT)
			continue;
		rc = fold_term(terms[i].text, terms[i].len, &key, &words, &exact, &stop, err);
		if (!rc)
			rc = lt_buf_puts(&m->terms, terms[i].prefix ? "*" : ".", err);
		if (!rc)
			rc = lt_buf_append(&m->terms, key.data ? key.data : "", key.len, err);
		if (!rc)
			rc = lt_buf_append(&m->terms, "", 1, err);
		m->has_prefix |= terms[i].prefix;
	}
	lt_buf_release(&key);
	return rc;
}

/* The words the index holds that start as t's last word, folded, into
 * *words (fts.h: lt_fts_expand_fn); t->expansion points to it when there
 * are some and no more than LT_FTS_MAX_PREFIX_WORDS. */
static int expand_prefix(struct term *t, lt_fts_expand_fn expand, void *ctx, struct lt_buf *words,
			 struct lt_err *err)
{
	struct lt_buf folded = LT_BUF_INIT;
	size_t pos = 0, start = 0, end = 0, last_start = 0, last_end = 0;
	int rc = LT_OK;

	while (lt_text_next_word(t->text, t->len, &pos, &start, &end)) {
		last_start = start;
		last_end = end;
	}
	rc = lt_fts_word_forms(t->text + last_start, last_end - last_start, &folded, NULL, err);
	if (!rc && folded.len)
		rc = expand(ctx, folded.data, LT_FTS_MAX_PREFIX_WORDS, words, err);
	lt_buf_release(&folded);
	if (!rc && words->len)
		t->expansion = words;
	return rc;
}

/* ---- a document number typed with spaces ("1127 QĐ UBND", "số 05") ---- */

/* A bare word: not quoted, no prefix star, not excluded, not an OR. */
static int bare_word(const struct term *t)
{
	return t->kind == TERM_AND && !t->phrase && !t->prefix;
}

/* Typed as a notation is: capitals (and digits), no small letter: "QĐ",
 * "UBND", "TW", not "Đà" or "ubnd" (small letters are words). */
static int notation_word(const struct term *t)
{
	utf8proc_int32_t c;
	int capitals = 0;

	for (size_t i = 0; i < t->len; ) {
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)t->text + i,
						      (utf8proc_ssize_t)(t->len - i), &c);
		utf8proc_category_t cat;

		if (n <= 0)
			return 0;
		cat = utf8proc_category(c);
		if (cat == UTF8PROC_CATEGORY_LU)
			capitals++;
		else if (cat != UTF8PROC_CATEGORY_ND && cat != UTF8PROC_CATEGORY_MN)
			return 0;
		i += (size_t)n;
	}
	return capitals > 0;
}

/* A number, or a number with its notation ("05", "05-CT/TW"). */
static int number_word(const struct term *t)
{
	return t->len > 0 && t->text[0] >= '0' && t->text[0] <= '9';
}

/* A year (1900-2099) typed alone: "2016 UBND" is more often the year and
 * the organ than document number 2016/UBND. */
static int year_word(const struct term *t)
{
	return t->len == 4 && all_digits(t->text, 4) &&
	       (memcmp(t->text, "19", 2) == 0 || memcmp(t->text, "20", 2) == 0);
}

/* "số" or "so", in any case and Unicode form, before a number. */
static int number_sign(const struct term *t, struct lt_buf *scratch)
{
	lt_buf_reset(scratch);
	if (t->len > 8 || lt_text_casefold(t->text, t->len, scratch, NULL))
		return 0;
	return strcmp(lt_buf_str(scratch), "số") == 0 || strcmp(lt_buf_str(scratch), "so") == 0;
}

/* Are a and b next to each other in the query, only spaces between? */
static int adjacent(const struct term *a, const struct term *b)
{
	for (const char *p = a->text + a->len; p < b->text; p++)
		if (!is_space(*p))
			return 0;
	return b->text >= a->text + a->len;
}

/* A document number typed with spaces for its slashes and dashes ("1127
 * QĐ UBND", "25 TB VPTU", "số 05-CT/TW"), as bare words, would be found as
 * separate words anywhere on a page: thousands of pages hold a 25, a TB
 * and a VPTU, and the document itself ranks among them. A number followed
 * by words typed as notations are (capitals; two of them after a year),
 * or "số" followed by a number, become one phrase, the number and its
 * notation joined by dashes into the number as printed ("1127-QĐ-UBND":
 * any of PAIR_JOINERS matches it, and its pairs make it quick), "số"
 * before it with a space.
 * terms[0..*n) are merged in place, a joined term's text written into
 * store[i] (i: its index before the merge). */
static int join_spaced_numbers(struct term *terms, size_t *n, struct lt_buf *store,
			       struct lt_err *err)
{
	struct lt_buf scratch = LT_BUF_INIT;
	size_t kept = 0;
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < *n; ) {
		size_t j = i, last;

		if (bare_word(&terms[i]) && number_sign(&terms[i], &scratch) && i + 1 < *n &&
		    bare_word(&terms[i + 1]) && number_word(&terms[i + 1]) &&
		    adjacent(&terms[i], &terms[i + 1]))
			j = i + 1;
		if (bare_word(&terms[j]) && number_word(&terms[j])) {
			last = j;
			while (last + 1 < *n && bare_word(&terms[last + 1]) &&
			       notation_word(&terms[last + 1]) &&
			       adjacent(&terms[last], &terms[last + 1]))
				last++;
			/* A year needs "số" or two notation words: "2016 QĐ UBND". */
			if (j == i && year_word(&terms[j]) && last < j + 2)
				last = j;
			if (last > i) {
				struct term joined = terms[i];

				lt_buf_reset(&store[i]);
				for (size_t k = i; !rc && k <= last; k++) {
					if (k > i)
						rc = lt_buf_puts(&store[i], k == j ? " " : "-", err);
					if (!rc)
						rc = lt_buf_append(&store[i], terms[k].text, terms[k].len,
								   err);
					joined.has_exact |= terms[k].has_exact;
				}
				joined.text = store[i].data;
				joined.len = store[i].len;
				joined.phrase = 1;
				joined.stop = 0;
				terms[kept++] = joined;
				i = last + 1;
				continue;
			}
		}
		terms[kept++] = terms[i++];
	}
	*n = kept;
	lt_buf_release(&scratch);
	return rc;
}

/* Every term of the MATCH is a phrase FTS5 walks in every candidate page,
 * and snippet() and bm25() once more per phrase: the cost grows with the
 * number of terms times the pages. The same word typed 800 times took 17 s
 * on 25 pages; repeats are dropped, and what is left is bounded. */
int lt_fts_parse(const char *typed, struct lt_fts_match *m, struct lt_err *err)
{
	return lt_fts_parse_with(typed, NULL, NULL, m, err);
}

int lt_fts_parse_with(const char *typed, lt_fts_expand_fn expand, void *ctx,
		      struct lt_fts_match *m, struct lt_err *err)
{
	struct lt_buf key = LT_BUF_INIT, seen = LT_BUF_INIT;
	struct lt_buf expansions[LT_FTS_MAX_TERMS + 1], joined[LT_FTS_MAX_TERMS + 1];
	struct term terms[LT_FTS_MAX_TERMS + 1];
	const char *p = typed;
	size_t typed_len = strlen(typed), words, total_words = 0, n = 0, stops = 0;
	int rc = LT_OK, pending_or = 0, any_exact = 0;

	for (size_t i = 0; i <= LT_FTS_MAX_TERMS; i++) {
		lt_buf_init(&expansions[i]);
		lt_buf_init(&joined[i]);
	}
	if (typed_len > LT_FTS_MAX_QUERY_BYTES)
		return lt_err_set(err, LT_EUSAGE, "the query is %zu bytes long; luutru searches "
				  "queries of at most %d bytes", typed_len, LT_FTS_MAX_QUERY_BYTES);
	while (!rc && *p) {
		struct term t = { 0 };
		int exact, stop;

		if (is_space(*p)) {
			p++;
			continue;
		}
		if (*p == '-' && p[1] && !is_space(p[1])) {
			t.kind = TERM_NOT;
			p++;
		}
		if (*p == '"') {
			t.text = ++p;
			t.phrase = 1;
			while (*p && *p != '"')
				p++;
			t.len = (size_t)(p - t.text);
			if (*p)
				p++;
			if (*p == '*') {
				t.prefix = 1;
				p++;
			}
		} else {
			t.text = p;
			while (*p && !is_space(*p) && *p != '"')
				p++;
			t.len = (size_t)(p - t.text);
			if (t.kind != TERM_NOT && t.len == 2 && memcmp(t.text, "OR", 2) == 0) {
				pending_or = n > 0;
				continue;
			}
			if (t.len > 1 && t.text[t.len - 1] == '*') {
				t.prefix = 1;
				t.len--;
			}
		}
		rc = fold_term(t.text, t.len, &key, &words, &exact, &stop, err);
		if (rc || words == 0)
			continue;
		t.has_exact = exact;
		t.stop = stop && !t.phrase && t.kind != TERM_NOT && !t.prefix;
		if (t.kind != TERM_NOT && pending_or)
			t.kind = TERM_OR;
		pending_or = 0;
		/* The key says how the term is used: "-van" and "van" differ. */
		rc = lt_buf_printf(&key, err, "%c%c", t.kind == TERM_NOT ? '-' : '+',
				   t.prefix ? '*' : '.');
		if (rc || (t.kind == TERM_AND && seen_before(&seen, &key)))
			continue;
		if (n == LT_FTS_MAX_TERMS) {
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
		terms[n++] = t;
		stops += t.stop;
	}
	lt_buf_release(&key);
	lt_buf_release(&seen);
	if (rc)
		return rc;
	rc = join_spaced_numbers(terms, &n, joined, err);
	if (!rc) {
		size_t positives = 0, kept = 0;

		for (size_t i = 0; i < n; i++)
			positives += terms[i].kind != TERM_NOT;
		if (positives == 0 && n > 0)
			rc = lt_err_set(err, LT_EUSAGE, "the query '%s' only says what to leave "
					"out (-word); give a word to search for too", typed);
		else if (positives > 0 && stops == positives)
			rc = lt_err_set(err, LT_EUSAGE, "the query '%s' has only words found on "
					"nearly every page (và, của, the...); add a word that "
					"says what to look for", typed);
		/* A stop word that is not part of an OR group is dropped. */
		for (size_t i = 0; !rc && i < n; i++) {
			int in_or = terms[i].kind == TERM_OR ||
				    (i + 1 < n && terms[i + 1].kind == TERM_OR);

			if (terms[i].stop && !in_or)
				continue;
			terms[kept++] = terms[i];
		}
		if (kept > 0 && terms[0].kind == TERM_OR)
			terms[0].kind = TERM_AND;
		n = kept;
	}
	if (!rc && n == 0)
		rc = lt_err_set(err, LT_EUSAGE, "the query '%s' has no words to search for", typed);
	for (size_t i = 0; !rc && i < n; i++) {
		if (!terms[i].prefix)
			continue;
		/* A prefix matches in any spelling: "=nghị*" would be one more
		 * prefix walk over the exact forms. */
		terms[i].has_exact = 0;
		if (expand)
			rc = expand_prefix(&terms[i], expand, ctx, &expansions[i], err);
	}
	if (!rc)
		rc = build_match(terms, n, 0, &m->any, m, err);
	if (!rc)
		rc = build_exact(terms, n, &m->exact, &any_exact, err);
	m->has_exact = any_exact;
	if (!rc)
		rc = list_terms(terms, n, m, err);
	for (size_t i = 0; i <= LT_FTS_MAX_TERMS; i++) {
		lt_buf_release(&expansions[i]);
		lt_buf_release(&joined[i]);
	}
	return rc;
}

int lt_fts_query(const char *typed, struct lt_buf *out, struct lt_err *err)
{
	struct lt_fts_match m = LT_FTS_MATCH_INIT;
	int rc = lt_fts_parse(typed, &m, err);

	if (!rc)
		rc = lt_buf_append(out, m.any.data ? m.any.data : "", m.any.len, err);
	lt_fts_match_release(&m);
	return rc;
}

/* ---- snippets ---- */

struct snip_word {
	size_t start, end;     /* in the text */
	size_t folded;         /* offset of its folded form in the fold buffer */
	int marked;
};

/* Does the folded word w match the query word q (a prefix of it when
 * prefix)? */
static int word_matches(const char *w, const char *q, size_t qn, int prefix)
{
	return prefix ? strncmp(w, q, qn) == 0 : strlen(w) == qn && memcmp(w, q, qn) == 0;
}

/* Marks every place where the term (folded words, one space apart) occurs
 * in words[0..n). */
static void mark_term(struct snip_word *words, size_t n, const char *folds, const char *term,
		      int prefix)
{
	size_t k = 1;

	for (const char *c = term; *c; c++)
		k += *c == ' ';
	for (size_t i = 0; i + k <= n; i++) {
		const char *q = term;
		size_t j = 0;

		for (; j < k; j++) {
			size_t qn = strcspn(q, " ");

			if (!word_matches(folds + words[i + j].folded, q, qn, prefix && j + 1 == k))
				break;
			q += qn + (q[qn] == ' ');
		}
		if (j == k)
			for (j = 0; j < k; j++)
				words[i + j].marked = 1;
	}
}

int lt_fts_snippet(const struct lt_fts_match *m, const char *text, size_t len, int max_words,
		   char open, char close, struct lt_buf *out, struct lt_err *err)
{
	struct lt_buf folds = LT_BUF_INIT, folded = LT_BUF_INIT;
	struct snip_word *words = NULL;
	size_t n = 0, cap = 0, pos = 0, start, end, best = 0, first, last;
	int rc = LT_OK, best_count = -1;

	if (max_words < 1)
		max_words = 1;
	while (!rc && lt_text_next_word(text, len, &pos, &start, &end)) {
		if (end - start > MAX_TOKEN_BYTES)
			continue;
		rc = lt_fts_word_forms(text + start, end - start, &folded, NULL, err);
		if (rc || folded.len == 0)
			continue;
		if (n == cap) {
			size_t want = cap ? cap * 2 : 256;
			struct snip_word *grown = realloc(words, want * sizeof(*words));

			if (!grown) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory making a snippet");
				break;
			}
			words = grown;
			cap = want;
		}
		words[n].start = start;
		words[n].end = end;
		words[n].folded = folds.len;
		words[n].marked = 0;
		rc = lt_buf_append(&folds, folded.data, folded.len + 1, err);
		n++;
	}
	for (size_t i = 0; !rc && i < m->terms.len; i += strlen(m->terms.data + i) + 1)
		mark_term(words, n, folds.data, m->terms.data + i + 1, m->terms.data[i] == '*');
	/* The window with the most marked words, starting a few words before
	 * a match so that it reads as a sentence; the first such on a tie. */
	for (size_t i = 0; !rc && i < n; i++) {
		size_t from, count = 0;

		if (!words[i].marked || (i > 0 && words[i - 1].marked))
			continue;
		from = i > (size_t)max_words / 4 ? i - (size_t)max_words / 4 : 0;
		/* A window cut short by the end of the text starts earlier. */
		if (from + (size_t)max_words > n)
			from = n > (size_t)max_words ? n - (size_t)max_words : 0;
		for (size_t j = from; j < n && j < from + (size_t)max_words; j++)
			count += (size_t)words[j].marked;
		if ((int)count > best_count) {
			best_count = (int)count;
			best = from;
		}
	}
	first = best;
	last = n < first + (size_t)max_words ? n : first + (size_t)max_words;
	if (!rc && first > 0)
		rc = lt_buf_puts(out, "…", err);
	for (size_t i = first; !rc && i < last; i++) {
		if (i > first)
			rc = lt_buf_append(out, text + words[i - 1].end, words[i].start - words[i - 1].end,
					   err);
		if (!rc && words[i].marked)
			rc = lt_buf_append(out, &open, 1, err);
		if (!rc)
			rc = lt_buf_append(out, text + words[i].start, words[i].end - words[i].start, err);
		if (!rc && words[i].marked)
			rc = lt_buf_append(out, &close, 1, err);
	}
	if (!rc && last < n)
		rc = lt_buf_puts(out, "…", err);
	if (!rc && !out->data)
		rc = lt_buf_puts(out, "", err);
	free(words);
	lt_buf_release(&folds);
	lt_buf_release(&folded);
	return rc;
}
