/* doc.c - building and freeing documents. */
#include "luutru/doc.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/fsutil.h"

int lt_strdup(const char *s, char **out, struct lt_err *err)
{
	*out = NULL;
	if (!s)
		return LT_OK;
	*out = strdup(s);
	if (!*out)
		return lt_err_set(err, LT_ENOMEM, "out of memory copying a string");
	return LT_OK;
}

struct lt_doc *lt_doc_new(void)
{
	return calloc(1, sizeof(struct lt_doc));
}

void lt_page_drop_image(struct lt_page *page)
{
	if (page && page->pix) {
		PIX *pix = page->pix;

		pixDestroy(&pix);
		page->pix = NULL;
	}
}

void lt_page_drop_words(struct lt_page *page)
{
	if (!page)
		return;
	for (size_t i = 0; i < page->n_words; i++)
		free(page->words[i].text);
	free(page->words);
	page->words = NULL;
	page->n_words = 0;
}

void lt_bundle_release(struct lt_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n_files; i++)
		free(b->files[i].path);
	free(b->files);
	free(b->path);
	memset(b, 0, sizeof(*b));
}

void lt_doc_free(struct lt_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->n_sources; i++)
		free(doc->sources[i].path);
	free(doc->sources);
	for (size_t i = 0; i < doc->n_pages; i++) {
		lt_page_drop_image(&doc->pages[i]);
		lt_page_drop_words(&doc->pages[i]);
		free(doc->pages[i].text);
		free(doc->pages[i].lang);
		free(doc->pages[i].preprocessing);
		free(doc->pages[i].review);
		free(doc->pages[i].technical);
	}
	free(doc->pages);
	for (size_t i = 0; i < doc->n_events; i++) {
		free(doc->events[i].type);
		free(doc->events[i].outcome);
		free(doc->events[i].detail);
	}
	free(doc->events);
	lt_meta_release(&doc->meta);
	lt_bundle_release(&doc->bundle);
	free(doc->label);
	free(doc->origin);
	free(doc->failure);
	free(doc->lang);
	free(doc);
}

/* Grows an array by one element, zeroed; returns the new element or NULL. */
static void *grow_one(void **items, size_t *n, size_t size)
{
	char *p = realloc(*items, (*n + 1) * size);

	if (!p)
		return NULL;
	*items = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

int lt_doc_add_source(struct lt_doc *doc, const char *path, const char sha256[LT_SHA256_HEX],
		      uint64_t size, int page_count, const char *ext, struct lt_err *err)
{
	struct lt_source *s = grow_one((void **)&doc->sources, &doc->n_sources, sizeof(*s));

	if (!s)
		return lt_err_set(err, LT_ENOMEM, "out of memory adding '%s'", path);
	int rc = lt_strdup(path, &s->path, err);

	if (rc) {
		doc->n_sources--;
		return rc;
	}
	memcpy(s->sha256, sha256, LT_SHA256_HEX);
	s->size = size;
	s->page_count = page_count;
	if (ext)
		snprintf(s->ext, sizeof(s->ext), "%s", ext);
	else
		lt_extension_lower(path, s->ext, sizeof(s->ext));
	return LT_OK;
}

void lt_source_master_name(const struct lt_doc *doc, size_t i, char out[32])
{
	const char *ext = i < doc->n_sources && doc->sources[i].ext[0] ? doc->sources[i].ext : "img";

	snprintf(out, 32, "%04zu.%s", i + 1, ext);
}

int lt_doc_add_pages_of_last_source(struct lt_doc *doc, struct lt_err *err)
{
	int src = (int)doc->n_sources - 1;

	if (src < 0)
		return lt_err_set(err, LT_EINTERNAL, "no source to add pages for");
	for (int i = 0; i < doc->sources[src].page_count; i++) {
		struct lt_page *p = grow_one((void **)&doc->pages, &doc->n_pages, sizeof(*p));

		if (!p)
			return lt_err_set(err, LT_ENOMEM, "out of memory adding pages");
		p->number = (int)doc->n_pages;
		p->source = src;
		p->index_in_source = i;
		p->confidence = -1;
		p->quality = -1;
	}
	return LT_OK;
}

int lt_doc_add_event(struct lt_doc *doc, const char *type, const char *at, const char *outcome,
		     const char *detail, struct lt_err *err)
{
	struct lt_event *e = grow_one((void **)&doc->events, &doc->n_events, sizeof(*e));

	if (!e)
		return lt_err_set(err, LT_ENOMEM, "out of memory recording an event");
	snprintf(e->at, sizeof(e->at), "%s", at);
	int rc = lt_strdup(type, &e->type, err);

	if (!rc)
		rc = lt_strdup(outcome, &e->outcome, err);
	if (!rc)
		rc = lt_strdup(detail ? detail : "", &e->detail, err);
	return rc;
}

int lt_bundle_add_file(struct lt_bundle *b, const char *path, uint64_t size,
		       const char sha256[LT_SHA256_HEX], struct lt_err *err)
{
	struct lt_bundle_file *f = grow_one((void **)&b->files, &b->n_files, sizeof(*f));

	if (!f)
		return lt_err_set(err, LT_ENOMEM, "out of memory listing bundle files");
	f->size = size;
	memcpy(f->sha256, sha256, LT_SHA256_HEX);
	return lt_strdup(path, &f->path, err);
}

int lt_doc_compute_id(struct lt_doc *doc, struct lt_err *err)
{
	struct lt_sha256 h;
	char hex[LT_SHA256_HEX];
	int rc = lt_sha256_init(&h, err);

	/* Versioned prefix: a change to what identifies a document must change
	 * the prefix, never silently reuse old ids for other content. */
	if (!rc)
		rc = lt_sha256_update(&h, "luutru-doc-v1\n", 14, err);
	for (size_t i = 0; !rc && i < doc->n_sources; i++) {
		char line[LT_SHA256_HEX + 16];
		int n = snprintf(line, sizeof(line), "%s %d\n", doc->sources[i].sha256,
				 doc->sources[i].page_count);

		rc = lt_sha256_update(&h, line, (size_t)n, err);
	}
	if (!rc)
		rc = lt_sha256_final(&h, hex, err);
	lt_sha256_release(&h);
	if (rc)
		return rc;
	memcpy(doc->id, hex, LT_DOC_ID_LEN);
	doc->id[LT_DOC_ID_LEN] = '\0';
	return LT_OK;
}

/* lt_doc_state_name() and lt_doc_state_parse() live in state.c, beside the
 * transition table. */
