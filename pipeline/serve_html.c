/* serve_html.c - the reading room's HTML: escaping for every context it
 * writes into (text, quoted attributes, URLs), the page shell, the UI
 * strings in Vietnamese and English, the stylesheet and the highlighting of
 * search words in OCR text. Every value from a scan, a file name or the OCR
 * goes through lt_html_escape(); the OCR can hold "<script>". */
#include <string.h>

#include "luutru/serve.h"
#include "luutru/text.h"

int lt_html_escape(struct lt_buf *b, const char *s, struct lt_err *err)
{
	int rc = LT_OK;

	if (!s)
		return LT_OK;
	while (!rc && *s) {
		size_t n = strcspn(s, "&<>\"'");

		if (n)
			rc = lt_buf_append(b, s, n, err);
		s += n;
		if (rc || !*s)
			break;
		switch (*s) {
		case '&': rc = lt_buf_puts(b, "&amp;", err); break;
		case '<': rc = lt_buf_puts(b, "&lt;", err); break;
		case '>': rc = lt_buf_puts(b, "&gt;", err); break;
		case '"': rc = lt_buf_puts(b, "&quot;", err); break;
		default: rc = lt_buf_puts(b, "&#39;", err); break;
		}
		s++;
	}
	return rc;
}

int lt_url_encode(struct lt_buf *b, const char *s, struct lt_err *err)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = LT_OK;

	for (; !rc && s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			rc = lt_buf_append(b, s, 1, err);
		} else {
			char pct[3] = { '%', hex[c >> 4], hex[c & 15] };

			rc = lt_buf_append(b, pct, 3, err);
		}
	}
	return rc;
}

static const char *const ui_strings[UI_N_MSGS][2] = {
	[UI_TITLE] = { "Phòng đọc lưu trữ", "Reading room" },
	[UI_SEARCH] = { "Tìm", "Search" },
	[UI_QUERY_HINT] = { "Từ cần tìm, có dấu hoặc không dấu", "Words to find, with or without diacritics" },
	[UI_TYPE] = { "Loại văn bản", "Document type" },
	[UI_FROM] = { "Từ ngày", "From" },
	[UI_TO] = { "Đến ngày", "To" },
	[UI_ORGAN] = { "Cơ quan ban hành", "Issuing body" },
	[UI_NUMBER] = { "Số, ký hiệu", "Number" },
	[UI_NO_HITS] = { "Không tìm thấy trang nào.", "No page matches." },
	[UI_HITS] = { "kết quả", "hits" },
	[UI_PAGE] = { "Trang", "Page" },
	[UI_PAGES] = { "Các trang", "Pages" },
	[UI_NEXT] = { "Trang sau", "Next" },
	[UI_PREV] = { "Trang trước", "Previous" },
	[UI_DOCUMENT] = { "Tài liệu", "Document" },
	[UI_METADATA] = { "Thông tin mô tả", "Metadata" },
	[UI_PROVENANCE] = { "Nguồn", "Provenance" },
	[UI_VERSIONS] = { "Các phiên bản", "Versions" },
	[UI_FIXITY] = { "Kiểm tra toàn vẹn", "Fixity checks" },
	[UI_EVENTS] = { "Lịch sử", "History" },
	[UI_DOWNLOADS] = { "Tải về", "Downloads" },
	[UI_PDF] = { "Bản PDF/A", "PDF/A" },
	[UI_BAG] = { "Cả gói (BagIt, tar)", "Whole bag (BagIt, tar)" },
	[UI_MASTER] = { "Ảnh gốc", "Master image" },
	[UI_TEXT] = { "Văn bản", "Text" },
	[UI_ALTO] = { "ALTO", "ALTO" },
	[UI_OCR_TEXT] = { "Văn bản nhận dạng (OCR)", "Recognised text (OCR)" },
	[UI_NOT_FOUND] = { "Không có tài liệu hoặc trang này.", "No such document or page." },
	[UI_BAD_REQUEST] = { "Yêu cầu không hợp lệ.", "Bad request." },
	[UI_ERROR] = { "Lỗi máy chủ.", "Server error." },
	[UI_BACK_TO_SEARCH] = { "Quay lại tìm kiếm", "Back to search" },
	[UI_STATE] = { "Trạng thái", "State" },
	[UI_NEVER_CHECKED] = { "chưa kiểm tra", "never checked" },
	[UI_SOUND] = { "nguyên vẹn", "sound" },
	[UI_DAMAGED] = { "HỎNG", "DAMAGED" },
	[UI_UNCONFIRMED] = { "chưa xác nhận", "unconfirmed" },
	[UI_FILTERS_NOTE] = { "Bộ lọc", "Filters" },
	[UI_LANG_OTHER] = { "English", "Tiếng Việt" },
	[UI_PAGE_IMAGE] = { "Ảnh trang", "Page image" },
	[UI_CONFIDENCE] = { "độ tin cậy", "confidence" },
	[UI_N_PAGES] = { "trang", "pages" },
};

const char *lt_ui(int english, enum lt_ui_msg m)
{
	return (unsigned)m < UI_N_MSGS ? ui_strings[m][english ? 1 : 0] : "";
}

int lt_html_page(struct lt_buf *out, int english, const char *title, const char *query,
		 const char *lang_suffix, const char *body, struct lt_err *err)
{
	int rc = lt_buf_printf(out, err, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			       "<title>", english ? "en" : "vi");

	if (!rc)
		rc = lt_html_escape(out, title, err);
	if (!rc)
		rc = lt_buf_printf(out, err, " — %s</title><link rel=\"stylesheet\" href=\"/static/luutru.css\">"
				   "</head><body><header><a class=\"home\" href=\"/%s\">%s</a>"
				   "<form class=\"q\" method=\"get\" action=\"/\" role=\"search\">"
				   "<input type=\"search\" name=\"q\" maxlength=\"%d\" aria-label=\"%s\" value=\"",
				   lt_ui(english, UI_TITLE), lang_suffix[0] ? "?lang=en" : "",
				   lt_ui(english, UI_TITLE), LT_SERVE_MAX_QUERY, lt_ui(english, UI_SEARCH));
	if (!rc)
		rc = lt_html_escape(out, query, err);
	if (!rc)
		rc = lt_buf_printf(out, err, "\">%s<button type=\"submit\">%s</button></form>"
				   "<a class=\"lang\" href=\"?lang=%s\">%s</a></header><main>",
				   english ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "",
				   lt_ui(english, UI_SEARCH), english ? "vi" : "en",
				   lt_ui(english, UI_LANG_OTHER));
	if (!rc)
		rc = lt_buf_puts(out, body, err);
	if (!rc)
		rc = lt_buf_puts(out, "</main></body></html>\n", err);
	return rc;
}

/* The query's words, folded, each followed by a NUL; an empty list when
 * the query has none. */
static int fold_words(const char *s, size_t len, struct lt_buf *out)
{
	size_t pos = 0, start, end;

	while (lt_text_next_word(s, len, &pos, &start, &end)) {
		if (lt_text_fold(s + start, end - start, out, NULL) != LT_OK ||
		    lt_buf_append(out, "", 1, NULL) != LT_OK)
			return -1;
	}
	return 0;
}

int lt_query_matches_word(const char *query, const char *word, size_t len)
{
	struct lt_buf q = LT_BUF_INIT, w = LT_BUF_INIT;
	int match = 0;

	if (query && fold_words(query, strlen(query), &q) == 0 &&
	    lt_text_fold(word, len, &w, NULL) == LT_OK && w.len) {
		for (size_t off = 0; q.data && off < q.len; off += strlen(q.data + off) + 1)
			if (strcmp(q.data + off, lt_buf_str(&w)) == 0) {
				match = 1;
				break;
			}
	}
	lt_buf_release(&q);
	lt_buf_release(&w);
	return match;
}

/* Escaped s[0..len). */
static int escape_n(struct lt_buf *b, const char *s, size_t len, struct lt_err *err)
{
	struct lt_buf part = LT_BUF_INIT;
	int rc = lt_buf_append(&part, s, len, err);

	if (!rc && len)
		rc = lt_html_escape(b, lt_buf_str(&part), err);
	lt_buf_release(&part);
	return rc;
}

int lt_html_highlight(struct lt_buf *b, const char *text, const char *query, struct lt_err *err)
{
	size_t len = text ? strlen(text) : 0, pos = 0, done = 0, start, end;
	int rc = LT_OK;

	while (!rc && lt_text_next_word(text, len, &pos, &start, &end)) {
		if (!query || !*query || !lt_query_matches_word(query, text + start, end - start))
			continue;
		rc = escape_n(b, text + done, start - done, err);
		if (!rc)
			rc = lt_buf_puts(b, "<mark>", err);
		if (!rc)
			rc = escape_n(b, text + start, end - start, err);
		if (!rc)
			rc = lt_buf_puts(b, "</mark>", err);
		done = end;
	}
	if (!rc)
		rc = escape_n(b, text + done, len - done, err);
	return rc;
}

const char lt_serve_css[] =
	":root{--ink:#1d232b;--muted:#5a6470;--line:#d6dbe1;--accent:#8a1c1c;--mark:#ffe36e}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:16px/1.5 system-ui,'Noto Sans','DejaVu Sans',sans-serif;color:var(--ink);background:#f7f6f2}\n"
	"header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#fff;border-bottom:3px solid var(--accent)}\n"
	"header .home{font-weight:700;color:var(--accent);text-decoration:none}\n"
	"header form.q{display:flex;flex:1 1 18rem;gap:.4rem}\n"
	"header input[type=search]{flex:1;min-width:0;padding:.45rem .6rem;font-size:1rem;border:1px solid var(--line);border-radius:4px}\n"
	"button{padding:.45rem .9rem;font-size:1rem;border:0;border-radius:4px;background:var(--accent);color:#fff}\n"
	"header .lang{color:var(--muted);font-size:.9rem}\n"
	"main{max-width:78rem;margin:0 auto;padding:1rem}\n"
	"h1{font-size:1.35rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}\n"
	"a{color:#184f8a}\n"
	"mark{background:var(--mark);color:inherit;padding:0 .1em}\n"
	"form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.5rem;margin-bottom:1rem}\n"
	"form.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}\n"
	"form.filters input{padding:.35rem;font-size:.95rem;border:1px solid var(--line);border-radius:4px}\n"
	".group{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.7rem 1rem;margin:.7rem 0}\n"
	".group h2{margin:0 0 .3rem}.hit{margin:.3rem 0 .3rem .5rem;color:var(--ink)}\n"
	".hit .p{color:var(--muted);font-size:.9rem;margin-right:.4rem}\n"
	".paging{display:flex;justify-content:space-between;margin:1rem 0}\n"
	"table{border-collapse:collapse;width:100%;background:#fff;font-size:.92rem}\n"
	"td,th{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}\n"
	".meta th{width:30%}.prov{color:var(--muted);font-size:.85rem}\n"
	".thumbs{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.7rem}\n"
	".thumbs a{display:block;background:#fff;border:1px solid var(--line);padding:.3rem;text-align:center;text-decoration:none}\n"
	".thumbs img{width:100%;height:auto;display:block}\n"
	".downloads a{display:inline-block;margin:.2rem .6rem .2rem 0}\n"
	".viewer{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem}\n"
	".viewer svg{width:100%;height:auto;background:#fff;border:1px solid var(--line)}\n"
	".viewer rect.hl{fill:var(--mark);fill-opacity:.45;stroke:#c49b00;stroke-width:3}\n"
	".ocr{white-space:pre-wrap;background:#fff;border:1px solid var(--line);padding:.8rem;font-size:.95rem;max-height:80vh;overflow:auto}\n"
	".nav{display:flex;gap:1rem;margin:.5rem 0}\n"
	".err{color:var(--accent)}\n"
	"@media (max-width:48rem){.viewer{grid-template-columns:1fr}.ocr{max-height:none}main{padding:.6rem}}\n";
