/* layout.c - the names of everything in a bundle and of bundles in the
 * archive, and the one way a bundle file is put in place: never over a file
 * the catalog knows. */
#include "luutru/layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/i18n.h"

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

int lt_layout_work_access_pdf(const char *work_dir, char **out, struct lt_err *err)
{
	return lt_path(out, err, "%s/%s", work_dir, LT_LAYOUT_WORK_ACCESS_PDF);
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

/* ---- orphans ---- */

struct sweep {
	struct lt_catalog *cat;
	const char *archive;
	char **known;          /* sorted bundle paths the catalog records */
	size_t n_known;
	char *aside;           /* orphans/<time>-<pid>, relative; made on first use */
	lt_orphan_fn fn;
	void *ud;
	int adopted, moved;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int known(const struct sweep *sw, const char *rel)
{
	return sw->n_known > 0 &&
	       bsearch(&rel, sw->known, sw->n_known, sizeof(*sw->known), cmp_str) != NULL;
}

/* The version a bundle file name gives document `id`, 0 if it is not one
 * of lt_layout_bundle_path()'s names (in its own shard). */
static int bundle_name_version(const char *rel, char id[LT_DOC_ID_LEN + 1])
{
	const char *name = strrchr(rel, '/');
	char *expect = NULL;
	int version = 0;

	name = name ? name + 1 : rel;
	if (strlen(name) < LT_DOC_ID_LEN + 4)
		return 0;
	memcpy(id, name, LT_DOC_ID_LEN);
	id[LT_DOC_ID_LEN] = '\0';
	if (strcmp(name + LT_DOC_ID_LEN, ".tar") == 0)
		version = 1;
	else if (sscanf(name + LT_DOC_ID_LEN, ".v%d.tar", &version) != 1 || version < 2)
		version = 0;
	/* Round trip: the one name that version has, in the right shard. */
	if (version && (lt_layout_bundle_path(id, version, &expect, NULL) || strcmp(expect, rel)))
		version = 0;
	free(expect);
	return version;
}

/* 1 if rel may be adopted; else 0 with why filled. */
static int adoptable(struct sweep *sw, const char *rel, const char *abs, char *why, size_t n,
		     struct lt_err *err, int *rc)
{
	char id[LT_DOC_ID_LEN + 1];
	enum lt_doc_state state = LT_QUEUED;
	struct lt_bag_report *rep = NULL;
	int version = bundle_name_version(rel, id), found = 0, latest = 0, ok;

	*rc = LT_OK;
	if (!version) {
		snprintf(why, n, "%s", lt_i18n_err_format(N_("not a bundle name of this archive")));
		return 0;
	}
	*rc = lt_catalog_find(sw->cat, id, &found, &state, err);
	if (!*rc && found && state == LT_QUEUED)
		*rc = lt_catalog_latest_bundle_version(sw->cat, id, &latest, err);
	if (*rc)
		return 0;
	if (!found) {
		snprintf(why, n, lt_i18n_err_format(N_("no document %s in the catalog")), id);
		return 0;
	}
	if (state != LT_QUEUED) {
		snprintf(why, n,
			 lt_i18n_err_format(N_("document %s is %s, not waiting to be packaged")), id,
			 lt_doc_state_name(state));
		return 0;
	}
	if (version != latest + 1) {
		snprintf(why, n,
			 lt_i18n_err_format(N_("document %s's next bundle is version %d, not %d")), id, latest + 1,
			 version);
		return 0;
	}
	/* A tar cut short by a crash or a full disk is an error here, not a report. */
	if (lt_bag_read(abs, NULL, &rep, NULL) != LT_OK) {
		snprintf(why, n, "%s", lt_i18n_err_format(N_("not a readable bag (cut short?)")));
		return 0;
	}
	ok = rep->n_problems == 0 && rep->name && strcmp(rep->name, id) == 0;
	if (!ok && rep->n_problems)
		snprintf(why, n, lt_i18n_err_format(N_("its bag is not sound (problems: %zu; "
						       "the first: %s)")),
			 rep->n_problems, rep->problems[0].reason);
	else if (!ok)
		snprintf(why, n,
			 lt_i18n_err_format(N_("its bag is not sound (its top directory is '%s', not %s)")),
			 rep->name ? rep->name : "", id);
	else
		snprintf(why, n,
			 lt_i18n_err_format(N_("a sound bag of queued document %s, version %d: kept, packaging "
			 "the document replaces it")), id, version);
	lt_bag_report_free(rep);
	return ok;
}

static int move_aside(struct sweep *sw, const char *rel, const char *abs, const char *why,
		      struct lt_err *err)
{
	char *dest_rel = NULL, *dest = NULL, *dir = NULL;
	int e, rc = LT_OK;

	if (!sw->aside) {
		struct tm tm;
		time_t now = time(NULL);
		char stamp[32];

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		rc = lt_path(&sw->aside, err, "orphans/%s-%ld", stamp, (long)getpid());
	}
	if (!rc)
		rc = lt_path(&dest_rel, err, "%s/%s", sw->aside, rel);
	if (!rc)
		rc = lt_path(&dest, err, "%s/%s", sw->archive, dest_rel);
	if (!rc)
		rc = lt_strdup(dest, &dir, err);
	if (!rc) {
		*strrchr(dir, '/') = '\0';
		rc = lt_mkdir_p(dir, 0755, err);
	}
	if (!rc && (e = lt_rename_noreplace(abs, dest)) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot move the orphan bundle '%s' aside to '%s': %s", abs,
				dest, strerror(e));
	if (!rc)
		rc = lt_fsync_parent(dest, err);
	if (!rc)
		rc = lt_fsync_parent(abs, err);
	if (!rc) {
		sw->moved++;
		if (sw->fn)
			sw->fn(sw->ud, LT_ORPHAN_MOVED, rel, dest_rel, why);
	}
	free(dir);
	free(dest);
	free(dest_rel);
	return rc;
}

static int sweep_file(struct sweep *sw, const char *rel, struct lt_err *err)
{
	char *abs = NULL;
	char why[400];
	int rc;

	if (known(sw, rel))
		return LT_OK;
	rc = lt_path(&abs, err, "%s/%s", sw->archive, rel);
	if (!rc && adoptable(sw, rel, abs, why, sizeof(why), err, &rc)) {
		sw->adopted++;
		if (sw->fn)
			sw->fn(sw->ud, LT_ORPHAN_ADOPTED, rel, NULL, why);
	} else if (!rc) {
		rc = move_aside(sw, rel, abs, why, err);
	}
	free(abs);
	return rc;
}

/* Files of bundles/ (depth 1) and of its shard folders (depth 2). */
static int sweep_dir(struct sweep *sw, const char *rel_dir, int depth, struct lt_err *err)
{
	char *abs = NULL;
	DIR *d = NULL;
	struct dirent *e;
	int rc = lt_path(&abs, err, "%s/%s", sw->archive, rel_dir);

	if (!rc && !(d = opendir(abs))) {
		if (errno != ENOENT)
			rc = lt_err_set(err, LT_EIO, "cannot list '%s': %s", abs, strerror(errno));
	}
	while (!rc && d && (errno = 0, e = readdir(d))) {
		char *rel = NULL;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rc = lt_path(&rel, err, "%s/%s", rel_dir, e->d_name);
		if (!rc && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			rc = lt_err_set(err, LT_EIO, "cannot look at '%s/%s': %s", abs, e->d_name,
					strerror(errno));
		if (!rc && S_ISDIR(st.st_mode) && depth == 1)
			rc = sweep_dir(sw, rel, 2, err);
		else if (!rc && !S_ISDIR(st.st_mode))
			rc = sweep_file(sw, rel, err);
		free(rel);
	}
	if (d)
		closedir(d);
	free(abs);
	return rc;
}

int lt_layout_sweep_orphans(struct lt_catalog *cat, const char *archive, lt_orphan_fn fn, void *ud,
			    int *adopted, int *moved, struct lt_err *err)
{
	struct sweep sw = { .cat = cat, .archive = archive, .fn = fn, .ud = ud };
	int rc;

	*adopted = *moved = 0;
	rc = lt_catalog_bundle_paths(cat, &sw.known, &sw.n_known, err);
	if (!rc) {
		if (sw.n_known > 1) /* an empty catalog may hand back no array at all */
			qsort(sw.known, sw.n_known, sizeof(*sw.known), cmp_str);
		rc = sweep_dir(&sw, "bundles", 1, err);
	}
	*adopted = sw.adopted;
	*moved = sw.moved;
	for (size_t i = 0; i < sw.n_known; i++)
		free(sw.known[i]);
	free(sw.known);
	free(sw.aside);
	return rc;
}
