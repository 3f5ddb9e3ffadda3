/* stage_package.c - one document becomes one BagIt bag in a tar.
 *
 * The tar is written in the document's work folder, fsync'ed, made read-only
 * and moved into ARCHIVE/bundles/ under the name of the next version
 * (layout.h), and the directory is fsync'ed - all before the catalog commit
 * that records it. The move never replaces a file: a crash leaves either no
 * bundle of that version or an orphan the catalog does not know, which the
 * next run replaces explicitly; a recorded bundle is never overwritten.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/stage.h"
#include "luutru/text.h"

/* Per worker: the bundle this worker moved into bundles/ for the document
 * in hand, so abort can take it back if the commit then fails. */
struct package_state {
	char *installed;
};

static int package_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	(void)ctx;
	*state = calloc(1, sizeof(struct package_state));
	if (!*state)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	return LT_OK;
}

static int add_payload(struct lt_bag *bag, const struct lt_job *job, struct lt_err *err)
{
	static const enum lt_layout_page_file spooled[] = { LT_PAGE_HOCR, LT_PAGE_ALTO };
	const struct lt_doc *doc = job->doc;
	char *path = NULL, *spool = NULL;
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < doc->n_sources; i++) {
		rc = lt_layout_master(doc, i, &path, err);
		if (!rc)
			rc = lt_bag_add_file(bag, path, doc->sources[i].path, doc->sources[i].sha256, err);
		free(path);
		path = NULL;
	}
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		if (!p->text)
			return lt_err_set(err, LT_EINTERNAL, "page %d has no OCR result to package", p->number);
		rc = lt_layout_page(p->number, LT_PAGE_TEXT, &path, err);
		if (!rc)
			rc = lt_bag_add_data(bag, path, p->text, strlen(p->text), err);
		free(path);
		path = NULL;
		/* Spooled by the OCR stage: streamed, never loaded whole. */
		for (size_t k = 0; !rc && k < sizeof(spooled) / sizeof(spooled[0]); k++) {
			rc = lt_layout_work_page(job->work_dir, p->number, spooled[k], &spool, err);
			if (!rc && access(spool, R_OK) != 0)
				rc = lt_err_set(err, LT_EINTERNAL, "page %d has no %s to package: '%s': %s",
						p->number, spooled[k] == LT_PAGE_HOCR ? "hOCR" : "ALTO",
						spool, strerror(errno));
			if (!rc)
				rc = lt_layout_page(p->number, spooled[k], &path, err);
			if (!rc)
				rc = lt_bag_add_file(bag, path, spool, NULL, err);
			free(path);
			free(spool);
			path = spool = NULL;
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

static int package_document(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	struct package_state *s = state;
	struct lt_doc *doc = job->doc;
	const char *archive = job->ctx->opts->archive;
	struct lt_bag *bag = NULL;
	struct lt_bundle bundle = { 0 };
	char *tmp = NULL, *shard = NULL, *final = NULL, *rel = NULL, *rel_dir = NULL, *label = NULL;
	struct lt_buf sources = LT_BUF_INIT, name = LT_BUF_INIT;
	char pages[32];
	int version = 0, rc;

	(void)page;
	/* Bundles are never rewritten: a new one is the next version. */
	rc = lt_catalog_latest_bundle_version(job->ctx->catalog, doc->id, &version, err);
	if (!rc)
		version++;
	if (!rc)
		rc = lt_layout_bundle_path(doc->id, version, &rel, err);
	if (!rc)
		rc = lt_layout_bundle_dir(doc->id, &rel_dir, err);
	if (!rc)
		rc = lt_path(&tmp, err, "%s/%s.tar.part", job->work_dir, doc->id);
	if (!rc)
		rc = lt_path(&shard, err, "%s/%s", archive, rel_dir);
	if (!rc)
		rc = lt_path(&final, err, "%s/%s", archive, rel);
	if (!rc)
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
	/* A stale part file can only be from an earlier attempt in this folder. */
	unlink(tmp);
	rc = lt_bag_create(tmp, doc->id, &bag, err);
	if (!rc)
		rc = add_payload(bag, job, err);
	if (!rc)
		rc = lt_bag_finish(bag, info, &bundle, err);
	if (rc)
		goto out;
	if (chmod(tmp, 0444) != 0) {
		rc = lt_err_set(err, LT_EIO, "cannot make '%s' read-only: %s", tmp, strerror(errno));
		goto out;
	}
	rc = lt_mkdir_p(shard, 0755, err);
	if (!rc)
		rc = lt_layout_install_bundle(job->ctx->catalog, doc->id, version, tmp, final, err);
	if (rc)
		goto out;
	s->installed = final;
	final = NULL;
	lt_bundle_release(&doc->bundle);
	doc->bundle = bundle;
	doc->bundle.version = version;
	doc->bundle.path = rel;
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
	free(rel_dir);
	return rc;
}

/* Forgets the previous document's bundle: it is committed, and abort must
 * never touch it. */
static int package_begin(void *state, struct lt_job *job, struct lt_err *err)
{
	struct package_state *s = state;

	(void)job;
	(void)err;
	free(s->installed);
	s->installed = NULL;
	return LT_OK;
}

/* The document failed after its bundle was moved into place (the commit
 * failed): the catalog does not record it, so it is taken back rather than
 * left as an orphan for the next run to find. */
static void package_abort(void *state, struct lt_job *job)
{
	struct package_state *s = state;

	(void)job;
	if (s->installed && unlink(s->installed) == 0)
		lt_fsync_parent(s->installed, NULL);
	free(s->installed);
	s->installed = NULL;
}

static void package_describe(void *state, const struct lt_job *job, struct lt_buf *note)
{
	const struct lt_doc *doc = job->doc;

	(void)state;
	lt_buf_printf(note, NULL, "%s, %zu files, %llu bytes, sha256 %s", doc->bundle.path,
		      doc->bundle.n_files, (unsigned long long)doc->bundle.size, doc->bundle.sha256);
}

static void package_close(void *state)
{
	struct package_state *s = state;

	if (s)
		free(s->installed);
	free(s);
}

const struct lt_stage lt_stage_package = {
	.name = "package",
	.scope = LT_PER_DOCUMENT,
	.event = "packaged",
	.open = package_open,
	.begin = package_begin,
	.process = package_document,
	.abort = package_abort,
	.describe = package_describe,
	.close = package_close,
};
