/* stage_commit.c - the document, its pages, bundle, files and events go into
 * the catalog in one transaction, after the bundle is safely on disk. */
#include "luutru/catalog.h"
#include "luutru/stage.h"

static int commit_document(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	(void)state;
	(void)page;
	/* The worker's own connection: the commit needs no state of its own. */
	return lt_catalog_archive(job->ctx->catalog, job->doc, err);
}

const struct lt_stage lt_stage_commit = {
	.name = "commit",
	.scope = LT_PER_DOCUMENT,
	.event = NULL,
	.process = commit_document,
};
