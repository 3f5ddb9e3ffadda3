/* stage_unpack.c - the first stage of a redo (runner.h, lt_run_redo): an
 * archived document's newest bundle back into the job's work folder, so that
 * the package and commit stages make version N+1 exactly as they make a new
 * document's first bundle. The masters come from the bundle, not the inbox
 * (which may be gone since); every member is checked against the bag's
 * manifests as it is read, and the tar against the catalog's digest first.
 *
 * lt_stage_unpack takes everything: masters, page texts, hOCR, ALTO and the
 * access PDF (a correction changes only the metadata). lt_stage_unpack_masters
 * takes the masters, and the text, hOCR and ALTO of the pages a re-OCR does
 * not read again. Both work in begin, so the masters are in place before the
 * page-scoped stages load them.
 *
 * lt_stage_load_selected and lt_stage_ocr_selected are lt_stage_load and
 * lt_stage_ocr on the redo's pages only: the others keep what was unpacked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/layout.h"
#include "luutru/runner.h"
#include "luutru/stage.h"

#ifndef LT_WORK_ACCESS_PDF
/* Where the package stage finds the access copy in the work folder. */
#define LT_WORK_ACCESS_PDF "access.pdf"
#endif

/* The bundle's member rel (in-bag path) into the new file dst, its digest
 * checked against the manifests. *found (may be NULL: then a missing member
 * is an error) says whether the bag holds it; dst is removed when it does
 * not or the member does not check out. */
static int extract_member(const char *tar, const char *rel, const char *dst, int *found,
			  struct lt_err *err)
{
	int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), rc;

	if (found)
		*found = 0;
	if (fd < 0)
		return lt_err_set(err, LT_EIO, "cannot create '%s': %s", dst, strerror(errno));
	rc = lt_bag_extract(tar, rel, fd, err);
	if (close(fd) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	if (rc == LT_ENOTFOUND && found) {
		unlink(dst);
		return LT_OK;
	}
	if (rc) {
		unlink(dst);
		return rc;
	}
	if (found)
		*found = 1;
	return LT_OK;
}

static int append_chunk(void *ud, const void *data, size_t len, struct lt_err *err)
{
	return lt_buf_append(ud, data, len, err);
}

/* A page's text as the bundle holds it, into page->text. */
static int unpack_text(const char *tar, const char *work_dir, struct lt_page *page, struct lt_err *err)
{
	struct lt_buf text = LT_BUF_INIT;
	char *rel = NULL, *dst = NULL;
	int fd = -1, rc = lt_layout_page(page->number, LT_PAGE_TEXT, &rel, err);

	if (!rc)
		rc = lt_layout_work_page(work_dir, page->number, LT_PAGE_TEXT, &dst, err);
	if (!rc)
		rc = extract_member(tar, rel, dst, NULL, err);
	if (!rc) {
		fd = open(dst, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			rc = lt_err_set(err, LT_EIO, "cannot read '%s': %s", dst, strerror(errno));
	}
	if (!rc)
		rc = lt_read_chunks(fd, dst, LT_EIO, append_chunk, &text, err);
	if (!rc)
		rc = lt_buf_puts(&text, "", err); /* a page with no text is "" */
	if (!rc) {
		free(page->text);
		page->text = lt_buf_detach(&text);
	}
	if (fd >= 0)
		close(fd);
	lt_buf_release(&text);
	free(rel);
	free(dst);
	return rc;
}

/* The hOCR and ALTO of a page, where the OCR stage spools them. A bundle
 * made before a format was written lacks it: the package stage then leaves
 * it out as it did. */
static int unpack_spooled(const char *tar, const char *work_dir, int number, struct lt_err *err)
{
	static const enum lt_layout_page_file kinds[] = { LT_PAGE_HOCR, LT_PAGE_ALTO };
	int rc = LT_OK;

	for (size_t k = 0; !rc && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char *rel = NULL, *dst = NULL;
		int found;

		rc = lt_layout_page(number, kinds[k], &rel, err);
		if (!rc)
			rc = lt_layout_work_page(work_dir, number, kinds[k], &dst, err);
		if (!rc)
			rc = extract_member(tar, rel, dst, &found, err);
		free(rel);
		free(dst);
	}
	return rc;
}

/* Source i's master file from the bundle, under the scan's own file name
 * (the package stage records it in bag-info.txt) in a folder of its own. */
static int unpack_master(const char *tar, const char *work_dir, struct lt_doc *doc, size_t i,
			 struct lt_err *err)
{
	struct lt_source *src = &doc->sources[i];
	char *rel = NULL, *dir = NULL, *dst = NULL, sha[LT_SHA256_HEX];
	uint64_t size = 0;
	int rc = lt_layout_master(doc, i, &rel, err);

	if (!rc)
		rc = lt_path(&dir, err, "%s/masters/%04zu", work_dir, i + 1);
	if (!rc)
		rc = lt_mkdir_p(dir, 0755, err);
	if (!rc)
		rc = lt_path(&dst, err, "%s/%s", dir, lt_basename(src->path));
	if (!rc)
		rc = extract_member(tar, rel, dst, NULL, err);
	/* The bag's manifest vouches for the bytes; the catalog's digest of
	 * the scan must be the same, or the bundle is not this document's. */
	if (!rc)
		rc = lt_sha256_file(dst, sha, &size, err);
	if (!rc && strcmp(sha, src->sha256) != 0)
		rc = lt_err_set(err, LT_EVERIFY, "the master '%s' in '%s' is not the scan the catalog "
				"recorded for document %s (sha256 %s, expected %s)", rel, tar, doc->id, sha,
				src->sha256);
	if (!rc) {
		free(src->path);
		src->path = dst;
		dst = NULL;
	}
	free(rel);
	free(dir);
	free(dst);
	return rc;
}

static int unpack_access_pdf(const char *tar, const char *work_dir, const char *id, struct lt_err *err)
{
	char *rel = NULL, *dst = NULL;
	int found, rc = lt_layout_access_pdf(id, &rel, err);

	if (!rc)
		rc = lt_path(&dst, err, "%s/%s", work_dir, LT_WORK_ACCESS_PDF);
	if (!rc)
		rc = extract_member(tar, rel, dst, &found, err);
	free(rel);
	free(dst);
	return rc;
}

/* masters_only: a re-OCR, which keeps only the text of the pages it does
 * not read again. */
static int unpack(struct lt_job *job, int masters_only, struct lt_err *err)
{
	struct lt_doc *doc = job->doc;
	const char *archive = job->ctx->opts->archive;
	char *tar = NULL, sha[LT_SHA256_HEX];
	uint64_t size = 0;
	int rc;

	if (!job->redo || !doc->bundle.path)
		return lt_err_set(err, LT_EINTERNAL, "document %s has no bundle to unpack: only an "
				  "archived document named for a redo can be", doc->id);
	rc = lt_path(&tar, err, "%s/%s", archive, doc->bundle.path);
	if (rc)
		return rc;
	/* The whole tar first: a bundle that is not the one the catalog
	 * recorded is not built upon, even where its own manifests agree. */
	rc = lt_sha256_file(tar, sha, &size, err);
	if (rc == LT_ENOTFOUND || (rc == LT_EIO && access(tar, F_OK) != 0))
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' (version %d of document %s) is missing",
				tar, doc->bundle.version, doc->id);
	if (!rc && (strcmp(sha, doc->bundle.sha256) != 0 || size != doc->bundle.size))
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' does not match the catalog (sha256 %s, "
				"%llu bytes; recorded %s, %llu bytes): `luutru verify` and repair it first",
				tar, sha, (unsigned long long)size, doc->bundle.sha256,
				(unsigned long long)doc->bundle.size);
	for (size_t i = 0; !rc && i < doc->n_sources; i++)
		rc = unpack_master(tar, job->work_dir, doc, i, err);
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		struct lt_page *p = &doc->pages[i];

		if (masters_only)
			break;
		rc = unpack_text(tar, job->work_dir, p, err);
		if (!rc)
			rc = unpack_spooled(tar, job->work_dir, p->number, err);
	}
	/* A re-OCR changes the text the access copy carries: it is made anew. */
	if (!rc && !masters_only)
		rc = unpack_access_pdf(tar, job->work_dir, doc->id, err);
	if (rc && rc != LT_ENOMEM && !lt_code_is_fatal(rc))
		lt_err_prefix(err, "unpacking version %d of document %s: ", doc->bundle.version, doc->id);
	free(tar);
	return rc;
}

static int unpack_all(void *state, struct lt_job *job, struct lt_err *err)
{
	(void)state;
	return unpack(job, 0, err);
}

static int unpack_masters(void *state, struct lt_job *job, struct lt_err *err)
{
	(void)state;
	return unpack(job, 1, err);
}

static void describe_unpack(void *state, const struct lt_job *job, struct lt_buf *note)
{
	(void)state;
	lt_buf_printf(note, NULL, "from bundle version %d", job->doc->bundle.version);
}

const struct lt_stage lt_stage_unpack = {
	.name = "unpack",
	.scope = LT_PER_DOCUMENT,
	.event = "unpacked",
	.begin = unpack_all,
	.describe = describe_unpack,
};

const struct lt_stage lt_stage_unpack_masters = {
	.name = "unpack",
	.scope = LT_PER_DOCUMENT,
	.event = "unpacked",
	.begin = unpack_masters,
	.describe = describe_unpack,
};
