/* layout.c - the names of everything in a bundle and of bundles in the
 * archive, and the one way a bundle file is put in place: never over a file
 * the catalog knows. */
#include "luutru/layout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/fsutil.h"

int lt_layout_master(const struct lt_doc *doc, size_t source, char **out, struct lt_err *err)
{
	char name[32];

	lt_source_master_name(doc, source, name);
	return lt_path(out, err, "%s/%s", LT_LAYOUT_MASTER_DATA, name);
}

static int page_file(const char *dir, int page, enum lt_layout_page_file kind, char **out,
		     struct lt_err *err)
{
	static const char *const ext[] = {
		[LT_PAGE_TEXT] = "txt",
		[LT_PAGE_HOCR] = "hocr",
		[LT_PAGE_ALTO] = "alto.xml",
	};

	*out = NULL;
	if ((unsigned)kind >= sizeof(ext) / sizeof(ext[0]) || page < 1)
		return lt_err_set(err, LT_EINTERNAL, "no OCR file of kind %d for page %d", (int)kind, page);
	return lt_path(out, err, "%s/%04d.%s", dir, page, ext[kind]);
}

int lt_layout_page(int page, enum lt_layout_page_file kind, char **out, struct lt_err *err)
{
	return page_file(LT_LAYOUT_OCR_DATA, page, kind, out, err);
}

int lt_layout_access_pdf(const char *id, char **out, struct lt_err *err)
{
	return lt_path(out, err, "%s/%s.pdf", LT_LAYOUT_ACCESS_DATA, id);
}

int lt_layout_schema(const char *name, char **out, struct lt_err *err)
{
	*out = NULL;
	if (!*name || strchr(name, '/'))
		return lt_err_set(err, LT_EINTERNAL, "'%s' is not a schema file name", name);
	return lt_path(out, err, "%s/%s", LT_LAYOUT_SCHEMAS, name);
}

int lt_layout_bundle_dir(const char *id, char **out, struct lt_err *err)
{
	/* Sharded by the id's first two hex digits: 256 folders, none huge. */
	return lt_path(out, err, "bundles/%.2s", id);
}

int lt_layout_bundle_path(const char *id, int version, char **out, struct lt_err *err)
{
	*out = NULL;
	if (version < 1)
		return lt_err_set(err, LT_EINTERNAL, "document %s: no bundle version %d", id, version);
	/* Version 1 keeps the name bundles always had, so existing archives and
	 * the tools reading them stay valid. */
	if (version == 1)
		return lt_path(out, err, "bundles/%.2s/%s.tar", id, id);
	return lt_path(out, err, "bundles/%.2s/%s.v%d.tar", id, id, version);
}

int lt_layout_work_page(const char *work_dir, int page, enum lt_layout_page_file kind, char **out,
			struct lt_err *err)
{
	return page_file(work_dir, page, kind, out, err);
}

int lt_layout_install_bundle(struct lt_catalog *cat, const char *id, int version, const char *tmp,
			     const char *final, struct lt_err *err)
{
	int latest = 0, e, rc;

	e = lt_rename_noreplace(tmp, final);
	if (e == EEXIST) {
		/* Asked again now, not trusted from before the tar was written. */
		rc = lt_catalog_latest_bundle_version(cat, id, &latest, err);
		if (rc)
			return rc;
		if (version <= latest)
			return lt_err_set(err, LT_EARCHIVE, "document %s: bundle version %d is already "
					  "recorded and '%s' exists: refusing to overwrite it", id,
					  version, final);
		/* An orphan: complete or not, nothing refers to it. */
		if (unlink(final) != 0 && errno != ENOENT)
			return lt_err_set(err, LT_EIO, "cannot remove the orphan bundle '%s' left by an "
					  "interrupted run: %s", final, strerror(errno));
		e = lt_rename_noreplace(tmp, final);
	}
	if (e)
		return lt_err_set(err, e == EEXIST ? LT_EARCHIVE : LT_EIO, "cannot move bundle '%s' to '%s': %s",
				  tmp, final, strerror(e));
	return lt_fsync_parent(final, err);
}
