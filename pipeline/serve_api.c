/* serve_api.c - the reading room's JSON API: /api/search (the fields of
 * `search --json`) and /api/documents/ID (those of `show --json`), built
 * with jansson, which escapes what JSON must. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/profile.h"
#include "luutru/serve_req.h"
#include "luutru/i18n.h"

static void send_json(struct lt_serve_req *r, json_t *o, const char *doc, const char *detail)
{
	char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
	struct lt_err err = { 0 };

	json_decref(o);
	if (!text) {
		lt_serve_error(r, 500, "out of memory");
		return;
	}
	lt_buf_puts(&r->body, text, NULL);
	lt_buf_puts(&r->body, "\n", NULL);
	free(text);
	r->content_type = "application/json";
	if (lt_serve_log(r->srv->cfg->archive, r->user, r->address, doc ? "api-view" : "api-search", doc, 0,
			 detail, &err))
		fprintf(stderr, _("error: %s\n"), err.msg);
}

void lt_serve_api_search(struct lt_serve_req *r)
{
	struct lt_serve_query q = { .q = lt_serve_arg(r, "q"), .type = lt_serve_arg(r, "type"),
				    .from = lt_serve_arg(r, "from"), .to = lt_serve_arg(r, "to"),
				    .organ = lt_serve_arg(r, "organ"), .number = lt_serve_arg(r, "number"),
				    .include_secret = r->include_secret };
	struct lt_serve_results res = { 0 };
	struct lt_err err = { 0 };
	const char *offset = lt_serve_arg(r, "offset");
	json_t *arr;

	if (!q.q || !*q.q) {
		lt_serve_error(r, 400, "give the words to find: /api/search?q=...");
		return;
	}
	if (offset) {
		char *end;
		long v = strtol(offset, &end, 10);

		if (*end || v < 0 || v > 10000) {
			lt_serve_error(r, 400, "offset is a number of hits, 0 to 10000");
			return;
		}
		q.offset = (int)v;
	}
	if (lt_serve_search(r->cat, &q, &res, &err)) {
		lt_serve_error(r, err.code == LT_EUSAGE || err.code == LT_EINPUT ? 400 : 500, err.msg);
		return;
	}
	/* Hits in rank order across the groups, as search --json lists them. */
	arr = json_array();
	for (size_t g = 0; arr && g < res.n_groups; g++)
		for (size_t i = 0; i < res.groups[g].n_hits; i++) {
			const struct lt_serve_hit *h = &res.groups[g].hits[i];

			json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:s, s:f, s:b}", "document",
							     res.groups[g].document, "page", h->page, "label",
							     res.groups[g].label, "snippet", h->snippet,
							     "score", h->score, "exact", h->exact));
		}
	lt_serve_results_release(&res);
	send_json(r, arr, NULL, q.q);
}

void lt_serve_api_document(struct lt_serve_req *r, const char *id_text)
{
	struct lt_doc *doc = lt_serve_find_doc(r, id_text);
	json_t *o, *pages, *events;
	char *path = NULL;

	if (!doc)
		return;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:o?}", "document", doc->id, "label", doc->label,
		      "origin", doc->origin, "state", lt_doc_state_name(doc->state), "failure",
		      doc->failure, "ocr", doc->lang, "fields", lt_profile_fields_json(r->srv->profile, &doc->meta));
	pages = json_array();
	events = json_array();
	for (size_t i = 0; pages && i < doc->n_pages; i++) {
		const struct lt_page *pg = &doc->pages[i];

		json_array_append_new(pages, json_pack("{s:i, s:i, s:i, s:b}", "number", pg->number,
						       "source", pg->source + 1, "image",
						       pg->index_in_source + 1, "review", pg->review != NULL));
	}
	for (size_t i = 0; events && i < doc->n_events; i++)
		json_array_append_new(events, json_pack("{s:s, s:s, s:s?, s:s?}", "at", doc->events[i].at,
							"type", doc->events[i].type, "outcome",
							doc->events[i].outcome, "detail", doc->events[i].detail));
	if (o && pages)
		json_object_set_new(o, "pages", pages);
	else
		json_decref(pages);
	if (o && lt_path(&path, NULL, "%s/%s", r->srv->cfg->archive, doc->bundle.path) == LT_OK)
		json_object_set_new(o, "bundle", json_pack("{s:s, s:i, s:I, s:s, s:s}", "path", path,
							   "version", doc->bundle.version, "size",
							   (json_int_t)doc->bundle.size, "sha256",
							   doc->bundle.sha256, "created", doc->bundle.created));
	if (o && events)
		json_object_set_new(o, "events", events);
	else
		json_decref(events);
	free(path);
	send_json(r, o, doc->id, NULL);
	lt_doc_free(doc);
}
