/* serve_search.c - the reading room's one adapter to the catalog's search:
 * the request's query and filters in, hits grouped by document out. Nothing
 * else in serve*.c knows the search API's shape. */
#include <stdlib.h>
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/serve.h"

void lt_serve_results_release(struct lt_serve_results *res)
{
	for (size_t g = 0; g < res->n_groups; g++) {
		for (size_t i = 0; i < res->groups[g].n_hits; i++)
			free(res->groups[g].hits[i].snippet);
		free(res->groups[g].hits);
		free(res->groups[g].label);
	}
	free(res->groups);
	memset(res, 0, sizeof(*res));
}

static int add_hit(struct lt_serve_results *res, const struct lt_hit *h, struct lt_err *err)
{
	struct lt_serve_group *g = NULL;
	struct lt_serve_hit *hits;

	for (size_t i = 0; i < res->n_groups; i++)
		if (strcmp(res->groups[i].document, h->document) == 0)
			g = &res->groups[i];
	if (!g) {
		struct lt_serve_group *grown = realloc(res->groups, (res->n_groups + 1) * sizeof(*grown));

		if (!grown)
			return lt_err_set(err, LT_ENOMEM, "out of memory");
		res->groups = grown;
		g = &res->groups[res->n_groups++];
		memset(g, 0, sizeof(*g));
		memcpy(g->document, h->document, sizeof(g->document));
		if (lt_strdup(h->label, &g->label, err))
			return LT_ENOMEM;
	}
	hits = realloc(g->hits, (g->n_hits + 1) * sizeof(*hits));
	if (!hits)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	g->hits = hits;
	memset(&hits[g->n_hits], 0, sizeof(*hits));
	hits[g->n_hits].page = h->page;
	hits[g->n_hits].score = h->score;
	hits[g->n_hits].exact = h->exact;
	if (lt_strdup(h->snippet, &hits[g->n_hits].snippet, err))
		return LT_ENOMEM;
	g->n_hits++;
	res->n_hits++;
	return LT_OK;
}

int lt_serve_search(struct lt_catalog *cat, const struct lt_serve_query *q,
		    struct lt_serve_results *res, struct lt_err *err)
{
	struct lt_hit *hits = NULL;
	size_t n = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!q->q || !*q->q)
		return LT_OK;
	/* Today's search has no offset: ask for this page's hits and the
	 * ones before, plus one that says whether another page follows.
	 * The filters (type, from, to, organ, number) wait for the search
	 * that takes them. */
	rc = lt_catalog_search_with(cat, q->q, q->offset + LT_SERVE_PAGE_SIZE + 1, q->include_secret,
				    &hits, &n, err);
	for (size_t i = (size_t)q->offset; !rc && i < n && i < (size_t)q->offset + LT_SERVE_PAGE_SIZE; i++)
		rc = add_hit(res, &hits[i], err);
	res->more = !rc && n > (size_t)q->offset + LT_SERVE_PAGE_SIZE;
	lt_hits_free(hits, n);
	if (rc)
		lt_serve_results_release(res);
	return rc;
}
