/* stage_package.c - one document becomes one BagIt bag in a tar.
 *
 * The tar is written under ARCHIVE/work/, fsync'ed, made read-only and
 * renamed into ARCHIVE/bundles/<id[0:2]>/<id>.tar, and the directory is
 * fsync'ed - all before the catalog commit that records it. A crash therefore
 * leaves either no bundle or a complete one, which the next run rewrites
 * under the same name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/fsutil.h"
#include "luutru/stage.h"
#include "luutru/text.h"

struct package_state {
	const char *archive;
};

static int package_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	struct package_state *s = calloc(1, sizeof(*s));

	*state = s;
	if (!s)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	s->archive = ctx->opts->archive;
	return LT_OK;
}

static int add_payload(struct lt_bag *bag, struct lt_doc *doc, struct lt_err *err)
{
	char path[128];
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < doc->n_sources; i++) {
		char name[32];

		lt_source_master_name(doc, i, name);
		snprintf(path, sizeof(path), "data/representations/master/data/%s", name);
		rc = lt_bag_add_file(bag, path, doc->sources[i].path, doc->sources[i].sha256, err);
	}
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		if (!p->text || !p->hocr)
			return lt_err_set(err, LT_EINTERNAL, "page %d has no OCR result to package", p->number);
		snprintf(path, sizeof(path), "data/representations/ocr/data/%04d.txt", p->number);
		rc = lt_bag_add_data(bag, path, p->text, strlen(p->text), err);
		if (!rc) {
			snprintf(path, sizeof(path), "data/representations/ocr/data/%04d.hocr", p->number);
			rc = lt_bag_add_data(bag, path, p->hocr, strlen(p->hocr), err);
		}
	}
	return rc;
}

/* bag-info values must be one line. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static int package_document(void *state, struct lt_doc *doc, struct lt_page *page, struct lt_err *err)
{
	struct package_state *s = state;
	struct lt_bag *bag = NULL;
	struct lt_bundle bundle = { 0 };
	char *tmp = NULL, *shard = NULL, *final = NULL, *rel = NULL, *label = NULL;
	struct lt_buf sources = LT_BUF_INIT, name = LT_BUF_INIT;
	char pages[32];
	int rc = LT_OK;

	(void)page;
	if (asprintf(&tmp, "%s/work/%s.tar.part", s->archive, doc->id) < 0 ||
	    asprintf(&shard, "%s/bundles/%.2s", s->archive, doc->id) < 0 ||
	    asprintf(&rel, "bundles/%.2s/%s.tar", doc->id, doc->id) < 0 ||
	    asprintf(&final, "%s/%s", s->archive, rel) < 0) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory");
		goto out;
	}
	rc = lt_strdup(doc->label, &label, err);
	if (rc)
		goto out;
	one_line(label);
	snprintf(pages, sizeof(pages), "%zu", doc->n_pages);
	/* The scans' own names, so the bundle alone maps 0002.png to page-2.jpg. */
	for (size_t i = 0; !rc && i < doc->n_sources; i++) {
		char master[32];

		lt_source_master_name(doc, i, master);
		lt_buf_reset(&name);
		rc = lt_text_repair_utf8(lt_basename(doc->sources[i].path), &name, err);
		if (!rc)
			rc = lt_buf_printf(&sources, err, "%s%s = %s", i ? "; " : "scans: ", master,
					   lt_buf_str(&name));
	}
	if (rc)
		goto out;
	if (sources.data)
		one_line(sources.data);
	const char *info[] = {
		"External-Identifier", doc->id,
		"Internal-Sender-Identifier", label,
		"Internal-Sender-Description", lt_buf_str(&sources),
		"Number-Of-Pages", pages,
		NULL, NULL,
	};
	/* A stale part file can only be ours from a crashed run. */
	unlink(tmp);
	rc = lt_bag_create(tmp, doc->id, &bag, err);
	if (!rc)
		rc = add_payload(bag, doc, err);
	if (!rc)
		rc = lt_bag_finish(bag, info, &bundle, err);
	if (rc)
		goto out;
	if (chmod(tmp, 0444) != 0) {
		rc = lt_err_set(err, LT_EIO, "cannot make '%s' read-only: %s", tmp, strerror(errno));
		goto out;
	}
	rc = lt_mkdir_p(shard, 0755, err);
	if (!rc && rename(tmp, final) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot move bundle to '%s': %s", final, strerror(errno));
	if (!rc)
		rc = lt_fsync_dir(shard, err);
	if (rc)
		goto out;
	lt_bundle_release(&doc->bundle);
	doc->bundle = bundle;
	doc->bundle.path = rel;
	doc->bundle.version = 1; /* one bundle path per document so far: always the first */
	memset(&bundle, 0, sizeof(bundle));
	rel = NULL;
out:
	lt_bag_free(bag);
	if (rc && tmp)
		unlink(tmp);
	lt_bundle_release(&bundle);
	lt_buf_release(&sources);
	lt_buf_release(&name);
	free(label);
	free(tmp);
	free(shard);
	free(final);
	free(rel);
	return rc;
}

static void package_describe(void *state, const struct lt_doc *doc, struct lt_buf *note)
{
	(void)state;
	lt_buf_printf(note, NULL, "%s, %zu files, %llu bytes, sha256 %s", doc->bundle.path,
		      doc->bundle.n_files, (unsigned long long)doc->bundle.size, doc->bundle.sha256);
}

static void package_close(void *state)
{
	free(state);
}

const struct lt_stage lt_stage_package = {
	.name = "package",
	.scope = LT_PER_DOCUMENT,
	.event = "packaged",
	.open = package_open,
	.process = package_document,
	.describe = package_describe,
	.close = package_close,
};
