/* serve_search.c - the reading room's one adapter to the catalog's search:
 * the request's query and filters in, hits grouped by document out. Nothing
 * else in serve*.c knows the search API's shape. */
#include <stdlib.h>
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/profile.h"
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
	if (lt_strdup(h->snippet ? h->snippet : "", &hits[g->n_hits].snippet, err))
		return LT_ENOMEM;
	/* The catalog marks matches with bytes page text never holds; the
	 * views show them in [ ] (then <mark>). */
	for (char *c = hits[g->n_hits].snippet; *c; c++)
		if (*c == LT_HIT_MARK_OPEN)
			*c = '[';
		else if (*c == LT_HIT_MARK_CLOSE)
			*c = ']';
	g->n_hits++;
	res->n_hits++;
	return LT_OK;
}

/* A type as a code: "03" as it is, a name ("Chỉ thị", "chi thi") through
 * the metadata profile; *code owned, NULL when the name is unknown (the
 * filter then matches nothing rather than everything). */
static int type_code(const char *type, char **code, struct lt_err *err)
{
	struct lt_profile *profile = NULL;
	struct lt_err ignored = { 0 };
	int rc;

	*code = NULL;
	rc = lt_profile_open(NULL, &profile, err);
	if (!rc && lt_profile_validate(profile, "typeName", type, code, &ignored) != LT_OK)
		rc = lt_strdup("none", code, err);
	lt_profile_close(profile);
	return rc;
}

static const char *given(const char *s)
{
	return s && *s ? s : NULL;
}

int lt_serve_search(struct lt_catalog *cat, const struct lt_serve_query *q,
		    struct lt_serve_results *res, struct lt_err *err)
{
	struct lt_search s = { 0 };
	struct lt_hit *hits = NULL;
	char *type = NULL;
	size_t n = 0;
	int rc = LT_OK;

	memset(res, 0, sizeof(*res));
	if (!given(q->q) && !given(q->type) && !given(q->from) && !given(q->to) &&
	    !given(q->organ) && !given(q->number))
		return LT_OK;
	/* Page hits, grouped by document here: the viewer links each page. One
	 * more than a screenful says whether another screen follows. */
	s.text = given(q->q);
	s.from = given(q->from);
	s.to = given(q->to);
	s.organ = given(q->organ);
	s.number = given(q->number);
	s.pages = 1;
	s.limit = LT_SERVE_PAGE_SIZE + 1;
	s.offset = q->offset;
	s.include_secret = q->include_secret;
	if (given(q->type))
		rc = type_code(q->type, &type, err);
	s.type = type;
	if (!rc)
		rc = lt_catalog_find_hits(cat, &s, &hits, &n, err);
	for (size_t i = 0; !rc && i < n && i < LT_SERVE_PAGE_SIZE; i++)
		rc = add_hit(res, &hits[i], err);
	res->more = !rc && n > LT_SERVE_PAGE_SIZE;
	lt_hits_free(hits, n);
	free(type);
	if (rc)
		lt_serve_results_release(res);
	return rc;
}
