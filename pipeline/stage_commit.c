/* stage_commit.c - the document, its pages, bundle, files and events go into
 * the catalog in one transaction, after the bundle is safely on disk. */
#include "luutru/catalog.h"
#include "luutru/stage.h"

static int commit_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	(void)err;
	*state = ctx->catalog;
	return LT_OK;
}

static int commit_document(void *state, struct lt_doc *doc, struct lt_page *page, struct lt_err *err)
{
	(void)page;
	return lt_catalog_archive(state, doc, err);
}

static void commit_close(void *state)
{
	(void)state; /* the catalog belongs to the worker */
}

const struct lt_stage lt_stage_commit = {
	.name = "commit",
	.scope = LT_PER_DOCUMENT,
	.event = NULL,
	.open = commit_open,
	.process = commit_document,
	.close = commit_close,
};
