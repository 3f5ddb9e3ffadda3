/* serve_routes.c - the reading room's routes and HTML views: search, a
 * document, a page, page images, downloads. A URL never names a file: ids
 * and page numbers are parsed strictly and looked up in the catalog, and
 * every file sent comes out of the document's bundle, verified
 * (retrieve.h), or from the image cache under a name made of its digest. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/handout.h"
#include "luutru/hash.h"
#include "luutru/layout.h"
#include "luutru/profile.h"
#include "luutru/retrieve.h"
#include "luutru/serve_req.h"
#include "luutru/i18n.h"

#define IMAGE_WIDTH 1400
#define THUMB_WIDTH 300

static void log_access(struct lt_serve_req *r, const char *what, const char *doc, int page,
		       const char *detail)
{
	struct lt_err err = { 0 };

	if (lt_serve_log(r->srv->cfg->archive, r->user, r->address, what, doc, page, detail, &err))
		fprintf(stderr, _("error: %s\n"), err.msg);
}

void lt_serve_error(struct lt_serve_req *r, int status, const char *message)
{
	struct lt_buf body = LT_BUF_INIT;

	r->status = status;
	r->fd = -1;
	lt_buf_reset(&r->body);
	if (strncmp(r->url, "/api/", 5) == 0) {
		json_t *o = json_pack("{s:s}", "error", message);
		char *text = o ? json_dumps(o, 0) : NULL;

		r->content_type = "application/json";
		lt_buf_puts(&r->body, text ? text : "{}", NULL);
		lt_buf_puts(&r->body, "\n", NULL);
		free(text);
		json_decref(o);
		return;
	}
	r->content_type = "text/html; charset=utf-8";
	lt_buf_puts(&body, "<h1 class=\"err\">", NULL);
	lt_html_escape(&body, message, NULL);
	lt_buf_printf(&body, NULL, "</h1><p><a href=\"/%s\">%s</a></p>", r->english ? "?lang=en" : "",
		      lt_ui(r->english, UI_BACK_TO_SEARCH));
	lt_html_page(&r->body, r->english, message, "", r->lang_suffix, lt_buf_str(&body), NULL);
	lt_buf_release(&body);
}

static void server_error(struct lt_serve_req *r, const struct lt_err *err)
{
	fprintf(stderr, _("error: %s %s: %s\n"), r->address, r->url, err->msg);
	lt_serve_error(r, 500, lt_ui(r->english, UI_ERROR));
}

/* Hex only, 4 to 16: anything else never reaches the catalog. */
static int valid_id(const char *s, size_t n)
{
	return n >= 4 && n <= LT_DOC_ID_LEN && strspn(s, "0123456789abcdef") >= n;
}

struct lt_doc *lt_serve_find_doc(struct lt_serve_req *r, const char *id_text)
{
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	char id[LT_DOC_ID_LEN + 1];
	int rc;

	if (!valid_id(id_text, strlen(id_text))) {
		lt_serve_error(r, 404, lt_ui(r->english, UI_NOT_FOUND));
		return NULL;
	}
	rc = lt_catalog_resolve(r->cat, id_text, id, &err);
	if (!rc)
		rc = lt_catalog_load(r->cat, id, &doc, &err);
	if (rc == LT_ENOTFOUND || rc == LT_EUSAGE || (!rc && (!doc->bundle.path ||
							      doc->state != LT_ARCHIVED)) ||
	    (!rc && !r->include_secret && lt_meta_value(&doc->meta, LT_SECRECY_KEY))) {
		/* A secret document is not there for whoever may not see it. */
		lt_serve_error(r, 404, lt_ui(r->english, UI_NOT_FOUND));
		lt_doc_free(doc);
		return NULL;
	}
	if (rc) {
		server_error(r, &err);
		return NULL;
	}
	return doc;
}

/* ---- search ---- */

static int add_param(struct lt_buf *b, const char *name, const char *value, struct lt_err *err)
{
	int rc = LT_OK;

	if (!value || !*value)
		return LT_OK;
	rc = lt_buf_printf(b, err, "%s%s=", b->len ? "&" : "", name);
	if (!rc)
		rc = lt_url_encode(b, value, err);
	return rc;
}

/* A snippet (matches in [ ]) as HTML: escaped, matches in <mark>. */
static int snippet_html(struct lt_buf *b, const char *snippet, struct lt_err *err)
{
	struct lt_buf plain = LT_BUF_INIT;
	int rc = LT_OK, open = 0;

	for (const char *s = snippet; !rc && *s; s++) {
		if (*s == '[' || *s == ']') {
			rc = lt_html_escape(b, lt_buf_str(&plain), err);
			lt_buf_reset(&plain);
			if (!rc && *s == '[' && !open)
				rc = lt_buf_puts(b, "<mark>", err), open = 1;
			else if (!rc && *s == ']' && open)
				rc = lt_buf_puts(b, "</mark>", err), open = 0;
		} else {
			rc = lt_buf_append(&plain, s, 1, err);
		}
	}
	if (!rc && plain.len)
		rc = lt_html_escape(b, lt_buf_str(&plain), err);
	if (!rc && open)
		rc = lt_buf_puts(b, "</mark>", err);
	lt_buf_release(&plain);
	return rc;
}

static int filter_input(struct lt_buf *b, int en, enum lt_ui_msg label, const char *name,
			const char *type, const char *value, struct lt_err *err)
{
	int rc = lt_buf_printf(b, err, "<label>%s<input type=\"%s\" name=\"%s\" maxlength=\"%d\" value=\"",
			       lt_ui(en, label), type, name, LT_SERVE_MAX_PARAM);

	if (!rc)
		rc = lt_html_escape(b, value, err);
	if (!rc)
		rc = lt_buf_puts(b, "\"></label>", err);
	return rc;
}

static void view_search(struct lt_serve_req *r)
{
	struct lt_serve_query q = { .q = lt_serve_arg(r, "q"), .type = lt_serve_arg(r, "type"),
				    .from = lt_serve_arg(r, "from"), .to = lt_serve_arg(r, "to"),
				    .organ = lt_serve_arg(r, "organ"), .number = lt_serve_arg(r, "number"),
				    .include_secret = r->include_secret };
	struct lt_serve_results res = { 0 };
	struct lt_buf body = LT_BUF_INIT, params = LT_BUF_INIT, qenc = LT_BUF_INIT;
	struct lt_err err = { 0 };
	const char *offset = lt_serve_arg(r, "offset");
	int en = r->english, rc = LT_OK;

	if (offset) {
		char *end;
		long v = strtol(offset, &end, 10);

		if (*end || v < 0 || v > 10000) {
			lt_serve_error(r, 400, lt_ui(en, UI_BAD_REQUEST));
			return;
		}
		q.offset = (int)v;
	}
	if (q.q && *q.q)
		rc = lt_serve_search(r->cat, &q, &res, &err);
	if (rc == LT_EUSAGE || rc == LT_EINPUT) {
		lt_serve_error(r, 400, err.msg);
		return;
	}
	rc = rc ? rc : lt_buf_printf(&body, &err, "<h1>%s</h1><form class=\"filters\" method=\"get\" "
				     "action=\"/\">", lt_ui(en, UI_TITLE));
	if (!rc)
		rc = filter_input(&body, en, UI_SEARCH, "q", "search", q.q, &err);
	if (!rc)
		rc = filter_input(&body, en, UI_TYPE, "type", "text", q.type, &err);
	if (!rc)
		rc = filter_input(&body, en, UI_FROM, "from", "date", q.from, &err);
	if (!rc)
		rc = filter_input(&body, en, UI_TO, "to", "date", q.to, &err);
	if (!rc)
		rc = filter_input(&body, en, UI_ORGAN, "organ", "text", q.organ, &err);
	if (!rc)
		rc = filter_input(&body, en, UI_NUMBER, "number", "text", q.number, &err);
	if (!rc)
		rc = lt_buf_printf(&body, &err, "%s<label>&nbsp;<button type=\"submit\">%s</button></label>"
				   "</form>", en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "",
				   lt_ui(en, UI_SEARCH));
	/* The search's parameters, for the links to pages and hits. */
	rc = rc ? rc : add_param(&params, "q", q.q, &err);
	rc = rc ? rc : add_param(&params, "type", q.type, &err);
	rc = rc ? rc : add_param(&params, "from", q.from, &err);
	rc = rc ? rc : add_param(&params, "to", q.to, &err);
	rc = rc ? rc : add_param(&params, "organ", q.organ, &err);
	rc = rc ? rc : add_param(&params, "number", q.number, &err);
	rc = rc ? rc : add_param(&qenc, "q", q.q, &err);
	if (!rc && q.q && *q.q && res.n_hits == 0)
		rc = lt_buf_printf(&body, &err, "<p>%s</p>", lt_ui(en, UI_NO_HITS));
	else if (!rc && res.n_hits)
		rc = lt_buf_printf(&body, &err, "<p class=\"count\">%d–%d %s</p>", q.offset + 1,
				   q.offset + (int)res.n_hits, lt_ui(en, UI_HITS));
	for (size_t g = 0; !rc && g < res.n_groups; g++) {
		const struct lt_serve_group *grp = &res.groups[g];

		rc = lt_buf_printf(&body, &err, "<section class=\"group\"><h2><a href=\"/d/%s?%s%s\">",
				   grp->document, lt_buf_str(&qenc), r->lang_suffix);
		if (!rc)
			rc = lt_html_escape(&body, grp->label, &err);
		if (!rc)
			rc = lt_buf_puts(&body, "</a></h2>", &err);
		for (size_t i = 0; !rc && i < grp->n_hits; i++) {
			rc = lt_buf_printf(&body, &err, "<p class=\"hit\"><a class=\"p\" href=\"/d/%s/p/%d?%s%s\">"
					   "%s %d</a>", grp->document, grp->hits[i].page,
					   lt_buf_str(&qenc), r->lang_suffix, lt_ui(en, UI_PAGE),
					   grp->hits[i].page);
			if (!rc)
				rc = snippet_html(&body, grp->hits[i].snippet, &err);
			if (!rc)
				rc = lt_buf_puts(&body, "</p>", &err);
		}
		if (!rc)
			rc = lt_buf_puts(&body, "</section>", &err);
	}
	if (!rc && (q.offset > 0 || res.more)) {
		rc = lt_buf_puts(&body, "<nav class=\"paging\"><span>", &err);
		if (!rc && q.offset > 0)
			rc = lt_buf_printf(&body, &err, "<a rel=\"prev\" href=\"/?%s&offset=%d%s\">%s</a>",
					   lt_buf_str(&params), q.offset > LT_SERVE_PAGE_SIZE
					   ? q.offset - LT_SERVE_PAGE_SIZE : 0, r->lang_suffix,
					   lt_ui(en, UI_PREV));
		if (!rc)
			rc = lt_buf_puts(&body, "</span><span>", &err);
		if (!rc && res.more)
			rc = lt_buf_printf(&body, &err, "<a rel=\"next\" href=\"/?%s&offset=%d%s\">%s</a>",
					   lt_buf_str(&params), q.offset + LT_SERVE_PAGE_SIZE,
					   r->lang_suffix, lt_ui(en, UI_NEXT));
		if (!rc)
			rc = lt_buf_puts(&body, "</span></nav>", &err);
	}
	if (!rc)
		rc = lt_html_page(&r->body, en, q.q && *q.q ? q.q : lt_ui(en, UI_SEARCH), q.q,
				  r->lang_suffix, lt_buf_str(&body), &err);
	if (rc)
		server_error(r, &err);
	else if (q.q && *q.q)
		log_access(r, "search", NULL, 0, q.q);
	lt_serve_results_release(&res);
	lt_buf_release(&body);
	lt_buf_release(&params);
	lt_buf_release(&qenc);
}

/* ---- a document ---- */

static int meta_rows(struct lt_serve_req *r, const struct lt_doc *doc, struct lt_buf *b,
		     struct lt_err *err)
{
	const struct lt_profile *p = r->srv->profile;
	int rc = lt_buf_printf(b, err, "<h2>%s</h2><table class=\"meta\">", lt_ui(r->english, UI_METADATA));

	for (size_t i = 0; !rc && i < doc->meta.n; i++) {
		const struct lt_meta_field *f = &doc->meta.fields[i];
		const char *label = p ? lt_profile_label(p, f->key) : NULL;
		const char *code = p ? lt_profile_code_label(p, f->key, f->value) : NULL;

		rc = lt_buf_puts(b, "<tr><th>", err);
		rc = rc ? rc : lt_html_escape(b, label ? label : f->key, err);
		rc = rc ? rc : lt_buf_puts(b, "</th><td>", err);
		rc = rc ? rc : lt_html_escape(b, f->value, err);
		if (!rc && code) {
			rc = lt_buf_puts(b, " (", err);
			rc = rc ? rc : lt_html_escape(b, code, err);
			rc = rc ? rc : lt_buf_puts(b, ")", err);
		}
		rc = rc ? rc : lt_buf_printf(b, err, "<div class=\"prov\">%s: %s",
					     lt_ui(r->english, UI_PROVENANCE), lt_meta_source_name(f->source));
		if (!rc && f->origin) {
			rc = lt_buf_puts(b, ", ", err);
			rc = rc ? rc : lt_html_escape(b, f->origin, err);
		}
		if (!rc && f->rule) {
			rc = lt_buf_puts(b, ", rule ", err);
			rc = rc ? rc : lt_html_escape(b, f->rule, err);
		}
		if (!rc && f->source == LT_META_EXTRACTED)
			rc = lt_buf_printf(b, err, ", %s %.2f", lt_ui(r->english, UI_CONFIDENCE), f->confidence);
		if (!rc && !f->confirmed)
			rc = lt_buf_printf(b, err, ", %s", lt_ui(r->english, UI_UNCONFIRMED));
		rc = rc ? rc : lt_buf_puts(b, "</div></td></tr>", err);
	}
	return rc ? rc : lt_buf_puts(b, "</table>", err);
}

static int event_rows(const struct lt_doc *doc, struct lt_buf *b, int fixity_only, struct lt_err *err)
{
	int rc = lt_buf_puts(b, "<table class=\"events\">", err);

	for (size_t i = 0; !rc && i < doc->n_events; i++) {
		const struct lt_event *e = &doc->events[i];

		if (fixity_only != (strcmp(e->type, "fixity") == 0))
			continue;
		rc = lt_buf_puts(b, "<tr><td>", err);
		rc = rc ? rc : lt_html_escape(b, e->at, err);
		rc = rc ? rc : lt_buf_puts(b, "</td><td>", err);
		rc = rc ? rc : lt_html_escape(b, e->type, err);
		rc = rc ? rc : lt_buf_puts(b, "</td><td>", err);
		rc = rc ? rc : lt_html_escape(b, e->outcome, err);
		rc = rc ? rc : lt_buf_puts(b, "</td><td>", err);
		rc = rc ? rc : lt_html_escape(b, e->detail, err);
		rc = rc ? rc : lt_buf_puts(b, "</td></tr>", err);
	}
	return rc ? rc : lt_buf_puts(b, "</table>", err);
}

static int versions_rows(struct lt_serve_req *r, const struct lt_doc *doc, struct lt_buf *b,
			 struct lt_err *err)
{
	struct lt_bundle_ref *refs = NULL;
	size_t n = 0;
	int rc = lt_catalog_bundles(r->cat, doc->id, &refs, &n, err);

	rc = rc ? rc : lt_buf_printf(b, err, "<h2>%s</h2><table class=\"versions\">",
				     lt_ui(r->english, UI_VERSIONS));
	for (size_t i = 0; !rc && i < n; i++) {
		const struct lt_bundle *v = &refs[i].bundle;
		char checked[32];
		int ok = -1;

		if (lt_catalog_bundle_fixity(r->cat, v->path, checked, &ok, NULL) != LT_OK)
			ok = -1;
		rc = lt_buf_printf(b, err, "<tr><td>v%d</td><td>", v->version);
		rc = rc ? rc : lt_html_escape(b, v->created, err);
		rc = rc ? rc : lt_buf_printf(b, err, "</td><td>%llu B</td><td><code>%s</code></td><td>",
					     (unsigned long long)v->size, v->sha256);
		if (!rc && ok < 0)
			rc = lt_buf_puts(b, lt_ui(r->english, UI_NEVER_CHECKED), err);
		else if (!rc) {
			rc = lt_html_escape(b, checked, err);
			rc = rc ? rc : lt_buf_printf(b, err, ": %s", lt_ui(r->english, ok ? UI_SOUND : UI_DAMAGED));
		}
		rc = rc ? rc : lt_buf_puts(b, "</td></tr>", err);
	}
	lt_bundle_refs_free(refs, n);
	return rc ? rc : lt_buf_puts(b, "</table>", err);
}

static void view_document(struct lt_serve_req *r, struct lt_doc *doc)
{
	struct lt_buf body = LT_BUF_INIT, qenc = LT_BUF_INIT;
	struct lt_err err = { 0 };
	int en = r->english, rc = add_param(&qenc, "q", lt_serve_arg(r, "q"), &err);

	rc = rc ? rc : lt_buf_puts(&body, "<h1>", &err);
	rc = rc ? rc : lt_html_escape(&body, lt_meta_value(&doc->meta, "subject") ? lt_meta_value(&doc->meta, "subject")
				      : doc->label, &err);
	rc = rc ? rc : lt_buf_printf(&body, &err, "</h1><p class=\"prov\">%s <code>%s</code> · ",
				     lt_ui(en, UI_DOCUMENT), doc->id);
	rc = rc ? rc : lt_html_escape(&body, doc->label, &err);
	rc = rc ? rc : lt_buf_printf(&body, &err, " · %zu %s</p><h2>%s</h2><p class=\"downloads\">"
				     "<a href=\"/d/%s/download/pdf\">%s</a> <a href=\"/d/%s/download/txt\">%s</a> "
				     "<a href=\"/d/%s/download/bag\">%s</a></p>",
				     doc->n_pages, lt_ui(en, UI_N_PAGES), lt_ui(en, UI_DOWNLOADS), doc->id,
				     lt_ui(en, UI_PDF), doc->id, lt_ui(en, UI_TEXT), doc->id, lt_ui(en, UI_BAG));
	rc = rc ? rc : lt_buf_printf(&body, &err, "<h2>%s</h2><div class=\"thumbs\">", lt_ui(en, UI_PAGES));
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		int n = doc->pages[i].number;

		rc = lt_buf_printf(&body, &err, "<a href=\"/d/%s/p/%d?%s%s\"><img src=\"/d/%s/p/%d/thumb\" "
				   "alt=\"%s %d\" loading=\"lazy\">%s %d</a>", doc->id, n, lt_buf_str(&qenc),
				   r->lang_suffix, doc->id, n, lt_ui(en, UI_PAGE), n, lt_ui(en, UI_PAGE), n);
	}
	rc = rc ? rc : lt_buf_puts(&body, "</div>", &err);
	rc = rc ? rc : meta_rows(r, doc, &body, &err);
	rc = rc ? rc : versions_rows(r, doc, &body, &err);
	rc = rc ? rc : lt_buf_printf(&body, &err, "<h2>%s</h2>", lt_ui(en, UI_FIXITY));
	rc = rc ? rc : event_rows(doc, &body, 1, &err);
	rc = rc ? rc : lt_buf_printf(&body, &err, "<h2>%s</h2>", lt_ui(en, UI_EVENTS));
	rc = rc ? rc : event_rows(doc, &body, 0, &err);
	rc = rc ? rc : lt_html_page(&r->body, en, doc->label, lt_serve_arg(r, "q"), r->lang_suffix,
				    lt_buf_str(&body), &err);
	if (rc)
		server_error(r, &err);
	else
		log_access(r, "view", doc->id, 0, NULL);
	lt_buf_release(&body);
	lt_buf_release(&qenc);
}

/* ---- a page ---- */

static void view_page(struct lt_serve_req *r, struct lt_doc *doc, const struct lt_page *page)
{
	struct lt_buf body = LT_BUF_INIT, qenc = LT_BUF_INIT;
	struct lt_serve_box *boxes = NULL;
	struct lt_err err = { 0 }, berr = { 0 };
	const char *q = lt_serve_arg(r, "q");
	size_t n_boxes = 0;
	int en = r->english, w = page->width > 0 ? page->width : 1000;
	int h = page->height > 0 ? page->height : 1414, rc = add_param(&qenc, "q", q, &err);

	/* The boxes only highlight: a page without ALTO is still shown. */
	if (q && *q && lt_serve_page_boxes(r->srv->cfg->archive, doc, page->number, &boxes, &n_boxes,
					   &berr) != LT_OK)
		fprintf(stderr, _("warning: %s\n"), berr.msg);
	rc = rc ? rc : lt_buf_printf(&body, &err, "<nav class=\"nav\"><a href=\"/d/%s?%s%s\">", doc->id,
				     lt_buf_str(&qenc), r->lang_suffix);
	rc = rc ? rc : lt_html_escape(&body, doc->label, &err);
	rc = rc ? rc : lt_buf_puts(&body, "</a>", &err);
	if (!rc && page->number > 1)
		rc = lt_buf_printf(&body, &err, "<a rel=\"prev\" href=\"/d/%s/p/%d?%s%s\">%s</a>", doc->id,
				   page->number - 1, lt_buf_str(&qenc), r->lang_suffix, lt_ui(en, UI_PREV));
	if (!rc && page->number < (int)doc->n_pages)
		rc = lt_buf_printf(&body, &err, "<a rel=\"next\" href=\"/d/%s/p/%d?%s%s\">%s</a>", doc->id,
				   page->number + 1, lt_buf_str(&qenc), r->lang_suffix, lt_ui(en, UI_NEXT));
	rc = rc ? rc : lt_buf_printf(&body, &err, "</nav><h1>%s %d / %zu</h1><div class=\"viewer\"><div>"
				     "<svg role=\"img\" aria-label=\"%s %d\" viewBox=\"0 0 %d %d\" "
				     "xmlns=\"http://www.w3.org/2000/svg\"><image href=\"/d/%s/p/%d/image\" "
				     "x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>",
				     lt_ui(en, UI_PAGE), page->number, doc->n_pages, lt_ui(en, UI_PAGE_IMAGE),
				     page->number, w, h, doc->id, page->number, w, h);
	for (size_t i = 0; !rc && i < n_boxes; i++)
		if (lt_query_matches_word(q, boxes[i].text, strlen(boxes[i].text)))
			rc = lt_buf_printf(&body, &err, "<rect class=\"hl\" x=\"%d\" y=\"%d\" width=\"%d\" "
					   "height=\"%d\"/>", boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h);
	rc = rc ? rc : lt_buf_printf(&body, &err, "</svg><p class=\"downloads\">%s: "
				     "<a href=\"/d/%s/p/%d/download/master\">%s</a> "
				     "<a href=\"/d/%s/p/%d/download/txt\">%s</a> "
				     "<a href=\"/d/%s/p/%d/download/alto\">%s</a> "
				     "<a href=\"/d/%s/p/%d/download/pdf\">PDF</a></p></div>"
				     "<div><h2>%s</h2><div class=\"ocr\" lang=\"vi\">",
				     lt_ui(en, UI_DOWNLOADS), doc->id, page->number, lt_ui(en, UI_MASTER),
				     doc->id, page->number, lt_ui(en, UI_TEXT), doc->id, page->number,
				     lt_ui(en, UI_ALTO), doc->id, page->number, lt_ui(en, UI_OCR_TEXT));
	rc = rc ? rc : lt_html_highlight(&body, page->text, q, &err);
	rc = rc ? rc : lt_buf_puts(&body, "</div></div></div>", &err);
	if (!rc) {
		char title[64];

		snprintf(title, sizeof(title), "%s %d", lt_ui(en, UI_PAGE), page->number);
		rc = lt_html_page(&r->body, en, title, q, r->lang_suffix, lt_buf_str(&body), &err);
	}
	if (rc)
		server_error(r, &err);
	else
		log_access(r, "view", doc->id, page->number, NULL);
	lt_serve_boxes_free(boxes, n_boxes);
	lt_buf_release(&body);
	lt_buf_release(&qenc);
}

static void send_image(struct lt_serve_req *r, struct lt_doc *doc, const struct lt_page *page,
		       int width)
{
	struct lt_err err = { 0 };

	if (lt_serve_page_image(r->srv->cfg->archive, r->srv->cache_dir, doc, page, width, &r->fd,
				&r->fd_size, &err)) {
		server_error(r, &err);
		return;
	}
	r->content_type = "image/jpeg";
	/* Named by the master's digest behind the URL's document and page:
	 * the same URL gives the same image until the document gets a new bundle. */
	r->cache_control = "private, max-age=3600";
}

/* ---- downloads: every byte out of the bundle, verified first ---- */

static int members_into(struct lt_serve_req *r, const struct lt_doc *doc, const char *member,
			int *fd, struct lt_err *err)
{
	int rc = lt_retrieve_scratch("luutru-serve-download", fd, err);

	if (!rc)
		rc = lt_retrieve_members(r->srv->cfg->archive, &doc->bundle, &member, fd, 1, err);
	return rc;
}

static int make_download(struct lt_serve_req *r, const struct lt_doc *doc, const struct lt_page *page,
			 const char *format, int out, const char **type, const char **ext,
			 struct lt_err *err)
{
	char *member = NULL;
	int rc, in = -1;

	if (!page && strcmp(format, "bag") == 0) {
		char *path = NULL;

		*type = "application/x-tar";
		*ext = "tar";
		rc = lt_path(&path, err, "%s/%s", r->srv->cfg->archive, doc->bundle.path);
		if (!rc && (in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			rc = lt_err_set(err, LT_EVERIFY, "bundle %s of %s cannot be read: %s", path, doc->id,
					strerror(errno));
		if (!rc)
			rc = lt_copy_bundle_bytes(in, path, LT_EVERIFY, out,
						  lt_i18n_err_format(N_("the download")), doc->bundle.sha256,
						  doc->bundle.size, err);
		if (in >= 0)
			close(in);
		free(path);
		return rc;
	}
	if (!page && strcmp(format, "txt") == 0) {
		/* Every page's text, a form feed between pages, as get --format txt. */
		*type = "text/plain; charset=utf-8";
		*ext = "txt";
		rc = LT_OK;
		for (size_t i = 0; !rc && i < doc->n_pages; i++) {
			char *m = NULL;
			int fd = -1;

			rc = lt_layout_page(doc->pages[i].number, LT_PAGE_TEXT, &m, err);
			if (!rc && i)
				rc = lt_write_all(out, "\f", 1,
						  lt_i18n_err_format(N_("the download")), err);
			if (!rc)
				rc = members_into(r, doc, m, &fd, err);
			if (!rc && lseek(fd, 0, SEEK_SET) != 0)
				rc = lt_err_set(err, LT_EIO, "cannot read %s again", m);
			while (!rc) {
				char chunk[8192];
				ssize_t n = read(fd, chunk, sizeof(chunk));

				if (n <= 0) {
					if (n < 0)
						rc = lt_err_set(err, LT_EIO, "cannot read %s again", m);
					break;
				}
				rc = lt_write_all(out, chunk, (size_t)n,
						  lt_i18n_err_format(N_("the download")), err);
			}
			if (fd >= 0)
				close(fd);
			free(m);
		}
		return rc;
	}
	if (strcmp(format, "pdf") == 0) {
		*type = "application/pdf";
		*ext = "pdf";
		rc = lt_layout_access_pdf(doc->id, &member, err);
		if (!rc && !page) {
			const char *m = member;

			rc = lt_retrieve_members(r->srv->cfg->archive, &doc->bundle, &m, &out, 1, err);
		} else if (!rc) {
			rc = members_into(r, doc, member, &in, err);
			rc = rc ? rc : lt_handout_pdf_page(in, member, page->number, out, err);
		}
	} else if (page && strcmp(format, "master") == 0) {
		const struct lt_source *src = &doc->sources[page->source];

		*type = strcmp(src->ext, "png") == 0 ? "image/png" : strcmp(src->ext, "jpg") == 0
			? "image/jpeg" : strncmp(src->ext, "tif", 3) == 0 ? "image/tiff"
			: "application/octet-stream";
		*ext = src->ext;
		rc = lt_layout_master(doc, (size_t)page->source, &member, err);
		if (!rc && src->page_count == 1) {
			const char *m = member;

			rc = lt_retrieve_members(r->srv->cfg->archive, &doc->bundle, &m, &out, 1, err);
		} else if (!rc) {
			rc = members_into(r, doc, member, &in, err);
			rc = rc ? rc : lt_handout_tiff_page(in, member, page->index_in_source, out, err);
		}
	} else if (page && (strcmp(format, "txt") == 0 || strcmp(format, "alto") == 0)) {
		const char *m;
		int alto = strcmp(format, "alto") == 0;

		*type = alto ? "application/xml" : "text/plain; charset=utf-8";
		*ext = alto ? "alto.xml" : "txt";
		rc = lt_layout_page(page->number, alto ? LT_PAGE_ALTO : LT_PAGE_TEXT, &member, err);
		m = member;
		rc = rc ? rc : lt_retrieve_members(r->srv->cfg->archive, &doc->bundle, &m, &out, 1, err);
	} else {
		rc = lt_err_set(err, LT_ENOTFOUND, "no such download");
	}
	if (in >= 0)
		close(in);
	free(member);
	return rc;
}

static void send_download(struct lt_serve_req *r, struct lt_doc *doc, const struct lt_page *page,
			  const char *format)
{
	struct lt_err err = { 0 };
	const char *type = NULL, *ext = NULL;
	struct stat st;
	char sha256[LT_SHA256_HEX] = "";
	int rc = lt_retrieve_scratch("luutru-serve-download", &r->fd, &err);

	rc = rc ? rc : make_download(r, doc, page, format, r->fd, &type, &ext, &err);
	if (!rc && fstat(r->fd, &st) != 0)
		rc = lt_err_set(&err, LT_EIO, "cannot size the download: %s", strerror(errno));
	/* A bag is its bundle, whose checksum the catalog keeps; anything else
	 * is made for this request: its checksum is the ETag a resumed
	 * download names (If-Range), and lets the file be checked. */
	if (!rc && !(!page && strcmp(format, "bag") == 0)) {
		if (lseek(r->fd, 0, SEEK_SET) != 0)
			rc = lt_err_set(&err, LT_EIO, "cannot read the download again: %s",
					strerror(errno));
		rc = rc ? rc : lt_sha256_fd(r->fd, lt_i18n_err_format(N_("the download")), sha256,
					  NULL, &err);
	}
	if (rc) {
		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
		if (rc == LT_ENOTFOUND)
			lt_serve_error(r, 404, lt_ui(r->english, UI_NOT_FOUND));
		else
			server_error(r, &err);
		return;
	}
	r->fd_size = (uint64_t)st.st_size;
	r->content_type = type;
	snprintf(r->checksum, sizeof(r->checksum), "%s",
		 sha256[0] ? sha256 : doc->bundle.sha256);
	if (page)
		snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s.p%d.%s\"",
			 doc->id, page->number, ext);
	else
		snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s.%s\"", doc->id,
			 ext);
	log_access(r, "download", doc->id, page ? page->number : 0, format);
}

/* ---- routing ---- */

/* "/d/ID..." split: id text (hex checked later), page (0 none), rest after. */
static int split_doc_url(const char *url, char *id, size_t id_size, int *page, const char **rest)
{
	size_t n = strcspn(url, "/");
	long v;
	char *end;

	if (n == 0 || n >= id_size)
		return -1;
	memcpy(id, url, n);
	id[n] = 0;
	url += n;
	*page = 0;
	if (strncmp(url, "/p/", 3) == 0) {
		url += 3;
		if (*url < '1' || *url > '9')
			return -1;
		v = strtol(url, &end, 10);
		if (v < 1 || v > 1000000)
			return -1;
		*page = (int)v;
		url = end;
	}
	*rest = url;
	return 0;
}

void lt_serve_route(struct lt_serve_req *r)
{
	const char *url = r->url, *rest = NULL;
	struct lt_doc *doc;
	char id[LT_DOC_ID_LEN + 2];
	int page = 0;

	if (strcmp(url, "/") == 0) {
		view_search(r);
		return;
	}
	if (strcmp(url, "/static/luutru.css") == 0) {
		lt_buf_puts(&r->body, lt_serve_css, NULL);
		r->content_type = "text/css; charset=utf-8";
		r->cache_control = "public, max-age=86400";
		return;
	}
	if (strcmp(url, "/api/search") == 0) {
		lt_serve_api_search(r);
		return;
	}
	if (strncmp(url, "/api/documents/", 15) == 0) {
		lt_serve_api_document(r, url + 15);
		return;
	}
	if (strncmp(url, "/d/", 3) != 0 || split_doc_url(url + 3, id, sizeof(id), &page, &rest)) {
		lt_serve_error(r, 404, lt_ui(r->english, UI_NOT_FOUND));
		return;
	}
	/* Only these shapes; the rest is 404 before the catalog is asked. */
	if (!(*rest == 0 || (page && (strcmp(rest, "/image") == 0 || strcmp(rest, "/thumb") == 0 ||
				      strcmp(rest, "/download/master") == 0 ||
				      strcmp(rest, "/download/txt") == 0 ||
				      strcmp(rest, "/download/alto") == 0 ||
				      strcmp(rest, "/download/pdf") == 0)) ||
	      (!page && (strcmp(rest, "/download/pdf") == 0 || strcmp(rest, "/download/bag") == 0 ||
			 strcmp(rest, "/download/txt") == 0)))) {
		lt_serve_error(r, 404, lt_ui(r->english, UI_NOT_FOUND));
		return;
	}
	doc = lt_serve_find_doc(r, id);
	if (!doc)
		return;
	if (page > (int)doc->n_pages)
		lt_serve_error(r, 404, lt_ui(r->english, UI_NOT_FOUND));
	else if (!page && !*rest)
		view_document(r, doc);
	else if (!page)
		send_download(r, doc, NULL, rest + strlen("/download/"));
	else if (!*rest)
		view_page(r, doc, &doc->pages[page - 1]);
	else if (strcmp(rest, "/image") == 0)
		send_image(r, doc, &doc->pages[page - 1], IMAGE_WIDTH);
	else if (strcmp(rest, "/thumb") == 0)
		send_image(r, doc, &doc->pages[page - 1], THUMB_WIDTH);
	else
		send_download(r, doc, &doc->pages[page - 1], rest + strlen("/download/"));
	lt_doc_free(doc);
}
