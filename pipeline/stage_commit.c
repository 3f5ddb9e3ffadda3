/* stage_commit.c - the document, its pages, bundle, files and events go into
 * the catalog in one transaction, after the bundle is safely on disk; in a
 * shard's run (no catalog), the same rows go into the shard's journal as
 * one fsync'ed line, for `merge` to commit. */
#include "luutru/catalog.h"
#include "luutru/shard.h"
#include "luutru/stage.h"

static int commit_document(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	(void)state;
	(void)page;
	if (job->ctx->opts->shard)
		return lt_shard_run_archived(job->ctx->opts->shard, job->doc, err);
	/* The worker's own connection: the commit needs no state of its own. */
	return lt_catalog_archive(job->ctx->catalog, job->doc, err);
}

const struct lt_stage lt_stage_commit = {
	.name = "commit",
	.scope = LT_PER_DOCUMENT,
	.event = NULL,
	.process = commit_document,
};
