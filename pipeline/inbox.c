/* inbox.c - turning an inbox folder into documents to queue.
 *
 * Formats are recognised by content with Leptonica (a PNG named .jpg is
 * still a PNG). Files that are neither a known image by content nor by
 * extension (notes, Thumbs.db) are skipped and reported; a file that claims
 * to be an image but is not rejects its document, so a damaged scan is never
 * archived silently as a shorter document.
 *
 * Every directory entry is looked at with lstat(), and named in a skip when
 * it is not read: hidden names, OS litter and symbolic links follow the
 * rules at the top of inbox.h. A followed link is read through its resolved
 * path, so the run reads the file that was checked here, not whatever the
 * link points to by then.
 */
#include "luutru/inbox.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <leptonica/allheaders.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/text.h"
#include "luutru/i18n.h"

static const char *const image_exts[] = {
	"tif", "tiff", "png", "jpg", "jpeg", "jpe", "pnm", "pbm", "pgm", "ppm", NULL
};

static int has_image_extension(const char *path)
{
	char ext[16];

	lt_extension_lower(path, ext, sizeof(ext));
	for (int i = 0; image_exts[i]; i++)
		if (strcmp(ext, image_exts[i]) == 0)
			return 1;
	return 0;
}

static const char *format_name(l_int32 format)
{
	switch (format) {
	case IFF_TIFF: case IFF_TIFF_PACKBITS: case IFF_TIFF_RLE: case IFF_TIFF_G3:
	case IFF_TIFF_G4: case IFF_TIFF_LZW: case IFF_TIFF_ZIP: case IFF_TIFF_JPEG:
		return "TIFF";
	case IFF_PNG: return "PNG";
	case IFF_JFIF_JPEG: return "JPEG";
	case IFF_PNM: return "PNM";
	case IFF_BMP: return "BMP";
	case IFF_GIF: return "GIF";
	case IFF_WEBP: return "WebP";
	case IFF_JP2: return "JPEG 2000";
	case IFF_PS: return "PostScript";
	case IFF_LPDF: return "PDF";
	case IFF_SPIX: return "SPIX";
	default: return NULL;
	}
}

int lt_inbox_probe(const char *path, int *pages, const char **fmt_name, const char **ext,
		   struct lt_err *err)
{
	l_int32 format = IFF_UNKNOWN, n = 1;
	const char *name;

	*pages = 0;
	*fmt_name = "unknown";
	if (access(path, R_OK) != 0)
		return lt_err_set(err, LT_EINPUT, "cannot read '%s': %s", path, strerror(errno));
	if (findFileFormat(path, &format) != 0 || format == IFF_UNKNOWN)
		return lt_err_set(err, LT_EINPUT, "'%s' is not a readable image (unrecognised content)", path);
	name = format_name(format);
	*fmt_name = name ? name : "unknown";
	if (!name || (strcmp(name, "TIFF") && strcmp(name, "PNG") && strcmp(name, "JPEG") &&
		      strcmp(name, "PNM")))
		return lt_err_set(err, LT_EINPUT, "'%s' is %s, which luutru does not take "
				  "(TIFF, PNG, JPEG or PNM)", path, name ? name : lt_i18n_err_format(N_("an unknown format")));
	if (strcmp(name, "TIFF") == 0) {
		FILE *fp = fopen(path, "rb");

		if (!fp)
			return lt_err_set(err, LT_EINPUT, "cannot open '%s': %s", path, strerror(errno));
		if (tiffGetCount(fp, &n) != 0 || n < 1) {
			fclose(fp);
			return lt_err_set(err, LT_EINPUT, "'%s' is a damaged TIFF: cannot count its pages", path);
		}
		fclose(fp);
	}
	*pages = n;
	if (ext)
		*ext = strcmp(name, "TIFF") == 0 ? "tif" : strcmp(name, "PNG") == 0 ? "png"
			: strcmp(name, "JPEG") == 0 ? "jpg" : "pnm";
	return LT_OK;
}

/* Files that desktops and file systems drop into every folder they touch
 * (compared without case: FAT and SMB shares change it). */
static const char *const litter_names[] = {
	".DS_Store", ".localized", ".directory", ".apdisk", "Icon\r", "Thumbs.db",
	"ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", ".Spotlight-V100", ".Trashes",
	".fseventsd", ".TemporaryItems", ".DocumentRevisions-V100", "$RECYCLE.BIN",
	"System Volume Information", NULL
};

enum lt_name_kind lt_inbox_name_kind(const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return LT_NAME_SELF;
	/* AppleDouble: a Mac's resource fork beside each file on a foreign disk. */
	if (strncmp(name, "._", 2) == 0 && name[2] != '\0')
		return LT_NAME_LITTER;
	for (int i = 0; litter_names[i]; i++)
		if (strcasecmp(name, litter_names[i]) == 0)
			return LT_NAME_LITTER;
	return name[0] == '.' ? LT_NAME_HIDDEN : LT_NAME_VISIBLE;
}

const char *lt_skip_kind_name(enum lt_skip_kind kind)
{
	switch (kind) {
	case LT_SKIP_NOT_PAGE: return "not-a-page";
	case LT_SKIP_LITTER: return "litter";
	case LT_SKIP_HIDDEN: return "hidden";
	case LT_SKIP_LINK: return "link";
	case LT_SKIP_FOLDER: return "folder";
	case LT_SKIP_UNREADABLE: return "unreadable";
	case LT_SKIP_YOUNG: return "young";
	}
	return "not-a-page";
}

static int by_natural_name(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int folder_error(const char *dir, struct lt_err *err)
{
	return lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EIO, "cannot read folder '%s': %s",
			  dir, strerror(errno));
}

int lt_inbox_check(const char *inbox_dir, struct lt_err *err)
{
	DIR *d = opendir(inbox_dir);

	if (!d)
		return lt_err_set(err, LT_EIO, "cannot open inbox '%s': %s", inbox_dir, strerror(errno));
	closedir(d);
	return LT_OK;
}

/* Lists the names in dir (all but "." and ".."), naturally sorted.
 * Returns: *names owned, free each and the array. */
static int list_dir(const char *dir, char ***names, size_t *n, struct lt_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t count = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return folder_error(dir, err);
	while ((de = readdir(d)) != NULL) {
		char **grown;

		if (lt_inbox_name_kind(de->d_name) == LT_NAME_SELF)
			continue;
		grown = realloc(v, (count + 1) * sizeof(*v));
		if (grown)
			v = grown;
		if (!grown || !(v[count] = strdup(de->d_name))) {
			free_names(v, count);
			closedir(d);
			return lt_err_set(err, LT_ENOMEM, "out of memory listing '%s'", dir);
		}
		count++;
	}
	closedir(d);
	if (count > 1)
		qsort(v, count, sizeof(*v), by_natural_name);
	*names = v;
	*n = count;
	return LT_OK;
}

/* One scan: the inbox being filled and the rules it is read by. */
struct scan {
	struct lt_inbox *in;
	const char *root;          /* the inbox, resolved */
	size_t root_len;
	struct lt_inbox_opts opts;
};

static int add_skip(struct scan *sc, const char *path, enum lt_skip_kind kind, int warning,
		    struct lt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int add_skip(struct scan *sc, const char *path, enum lt_skip_kind kind, int warning,
		    struct lt_err *err, const char *fmt, ...)
{
	struct lt_inbox *in = sc->in;
	struct lt_inbox_skip *grown = realloc(in->skipped, (in->n_skipped + 1) * sizeof(*grown));
	va_list ap;
	int n;

	if (!grown)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	in->skipped = grown;
	grown += in->n_skipped++;
	grown->kind = kind;
	grown->warning = warning;
	grown->path = strdup(path);
	va_start(ap, fmt);
	/* Callers mark fmt with N_(): translated like an error message (i18n.h). */
	n = vasprintf(&grown->reason, lt_i18n_err_format(fmt), ap);
	va_end(ap);
	if (n < 0)
		grown->reason = NULL;
	if (!grown->path || !grown->reason)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	return LT_OK;
}

/* Adds one file to doc. A document-level problem goes to *reject (owned). */
static int add_file(struct lt_doc *doc, const char *path, char **reject, struct lt_err *err)
{
	struct lt_err ferr = { 0 };
	char sha[LT_SHA256_HEX];
	const char *fmt, *ext;
	uint64_t size;
	int pages, rc;

	if (lt_inbox_probe(path, &pages, &fmt, &ext, &ferr) ||
	    lt_sha256_file(path, sha, &size, &ferr)) {
		*reject = strdup(ferr.msg);
		return *reject ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	rc = lt_doc_add_source(doc, path, sha, size, pages, ext, err);
	if (!rc)
		rc = lt_doc_add_pages_of_last_source(doc, err);
	return rc;
}

static int is_page_candidate(const char *path)
{
	l_int32 format = IFF_UNKNOWN;

	if (has_image_extension(path))
		return 1;
	return findFileFormat(path, &format) == 0 && format_name(format) != NULL;
}

/* What a directory entry is to ingest: a folder, a page file, or neither
 * (then it has been recorded as skipped, with its reason). */
enum entry_kind { ENTRY_FOLDER, ENTRY_PAGE, ENTRY_OTHER };

#define RENAME_TO_ARCHIVE N_("rsync and sync tools keep unfinished copies under hidden names; " \
	"rename it without the leading '.' to archive it")

static int skip_hidden(struct scan *sc, const char *path, const struct stat *st, struct lt_err *err)
{
	if (S_ISLNK(st->st_mode))
		return add_skip(sc, path, LT_SKIP_HIDDEN, 1, err,
				N_("a hidden symbolic link: not followed (%s)"), lt_i18n_err_format(RENAME_TO_ARCHIVE));
	if (S_ISDIR(st->st_mode))
		return add_skip(sc, path, LT_SKIP_HIDDEN, 1, err,
				N_("a hidden folder: not read as a document (%s)"), lt_i18n_err_format(RENAME_TO_ARCHIVE));
	if (S_ISREG(st->st_mode) && is_page_candidate(path))
		return add_skip(sc, path, LT_SKIP_HIDDEN, 1, err,
				N_("a hidden image: not taken as a page (%s)"), lt_i18n_err_format(RENAME_TO_ARCHIVE));
	return add_skip(sc, path, LT_SKIP_HIDDEN, 1, err, N_("a hidden file: not a page (%s)"),
			lt_i18n_err_format(RENAME_TO_ARCHIVE));
}

/* A symbolic link: *target (owned) is its resolved path when it is to be
 * followed, with *st its target's; NULL when it was recorded as skipped. */
static int resolve_link(struct scan *sc, const char *path, struct stat *st, char **target,
			struct lt_err *err)
{
	char shown[PATH_MAX];
	ssize_t len = readlink(path, shown, sizeof(shown) - 1);
	char *real;
	int inside, rc;

	*target = NULL;
	shown[len > 0 ? len : 0] = '\0';
	real = realpath(path, NULL);
	if (!real || stat(real, st) != 0) {
		rc = add_skip(sc, path, LT_SKIP_LINK, 1, err,
			      N_("a symbolic link to '%s' that leads "
			      "nowhere (%s): not followed"), shown, strerror(errno));
		free(real);
		return rc;
	}
	/* Strictly inside: the inbox itself is no document, and walking it
	 * again as one would take every loose scan as its pages. */
	inside = strncmp(real, sc->root, sc->root_len) == 0 &&
		 (real[sc->root_len] == '/' || (sc->root_len == 1 && real[1] != '\0'));
	if (inside) {
		*target = real;
		return LT_OK;
	}
	if (strcmp(real, sc->root) == 0)
		rc = add_skip(sc, path, LT_SKIP_LINK, 1, err,
			      N_("a symbolic link to the inbox itself: never walked"));
	else if (S_ISDIR(st->st_mode))
		rc = add_skip(sc, path, LT_SKIP_LINK, 1, err,
			      N_("a symbolic link to the folder '%s', "
			      "outside the inbox: never walked, even with --follow-symlinks (copy "
			      "the folder into the inbox to archive it)"), real);
	else if (!sc->opts.follow_symlinks)
		rc = add_skip(sc, path, LT_SKIP_LINK, 1, err,
			      N_("a symbolic link to '%s', outside the "
			      "inbox: not followed (--follow-symlinks follows links to files)"), real);
	else
		rc = LT_OK, *target = real, real = NULL;
	free(real);
	return rc;
}

/* Classifies the entry at path (named `name` in its folder). For a folder
 * or a page, *real (owned) is the path to read it by: path itself, or a
 * followed link's resolved target. Errors are run-scoped (out of memory). */
static int classify(struct scan *sc, const char *path, const char *name, enum entry_kind *kind,
		    char **real, struct lt_err *err)
{
	enum lt_name_kind nk = lt_inbox_name_kind(name);
	char *target = NULL;
	struct stat st;
	int rc = LT_OK;

	*kind = ENTRY_OTHER;
	*real = NULL;
	if (nk == LT_NAME_LITTER)
		return add_skip(sc, path, LT_SKIP_LITTER, 0, err,
				N_("OS litter (a desktop's or file system's own file), not a page"));
	if (lstat(path, &st) != 0)
		return add_skip(sc, path, LT_SKIP_UNREADABLE, 1, err, N_("cannot look at it: %s"),
				strerror(errno));
	if (nk == LT_NAME_HIDDEN)
		return skip_hidden(sc, path, &st, err);
	if (S_ISLNK(st.st_mode)) {
		rc = resolve_link(sc, path, &st, &target, err);
		if (rc || !target)
			return rc;
	}
	if (S_ISDIR(st.st_mode))
		*kind = ENTRY_FOLDER;
	else if (!S_ISREG(st.st_mode))
		rc = add_skip(sc, path, LT_SKIP_NOT_PAGE, 0, err, N_("not a regular file"));
	else if (!is_page_candidate(target ? target : path))
		rc = add_skip(sc, path, LT_SKIP_NOT_PAGE, 0, err, N_("not an image"));
	else
		*kind = ENTRY_PAGE;
	if (*kind == ENTRY_OTHER) {
		free(target);
		return rc;
	}
	if (target) {
		*real = target;
		return LT_OK;
	}
	return lt_strdup(path, real, err);
}

static int add_entry(struct lt_inbox *in, struct lt_doc *doc, const char *label, const char *path,
		     char *reason, struct lt_err *err)
{
	struct lt_inbox_entry *grown = realloc(in->entries, (in->n_entries + 1) * sizeof(*grown));

	if (!grown) {
		lt_doc_free(doc);
		free(reason);
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	in->entries = grown;
	grown += in->n_entries++;
	grown->doc = reason ? NULL : doc;
	grown->reason = reason;
	grown->label = strdup(label);
	grown->path = strdup(path);
	if (reason)
		lt_doc_free(doc);
	if (!grown->label || !grown->path)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	return LT_OK;
}

/* Seconds since the newest change to path or, for a folder, to any entry in it. */
static double seconds_since_change(const char *path, int is_dir, char **names, size_t n)
{
	struct stat st;
	time_t newest = 0;

	if (stat(path, &st) == 0)
		newest = st.st_mtime > st.st_ctime ? st.st_mtime : st.st_ctime;
	for (size_t i = 0; is_dir && i < n; i++) {
		char *file = NULL;

		if (asprintf(&file, "%s/%s", path, names[i]) >= 0 && stat(file, &st) == 0) {
			if (st.st_mtime > newest)
				newest = st.st_mtime;
			if (st.st_ctime > newest)
				newest = st.st_ctime;
		}
		free(file);
	}
	return difftime(time(NULL), newest);
}

/* Builds the document for a folder or a loose file: path is the entry in
 * the inbox (the document's origin), real the path it is read by (the same,
 * or a followed link's target). */
static int scan_document(struct scan *sc, const char *path, const char *real, const char *name,
			 int is_dir, struct lt_err *err)
{
	struct lt_inbox *in = sc->in;
	struct lt_doc *doc = lt_doc_new();
	struct lt_buf label = LT_BUF_INIT;
	char **names = NULL;
	size_t n = 0;
	char *reason = NULL;
	int rc = LT_OK;

	if (!doc)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	rc = lt_text_repair_utf8(name, &label, err);
	if (!rc) {
		doc->label = lt_buf_detach(&label);
		rc = lt_strdup(path, &doc->origin, err);
	}
	if (rc) {
		lt_doc_free(doc);
		return rc;
	}
	if (is_dir) {
		struct lt_err lerr = { 0 };

		rc = list_dir(real, &names, &n, &lerr);
		if (rc == LT_EIO || rc == LT_ENOTFOUND) {
			/* An unreadable folder rejects that document, not the ingest. */
			reason = strdup(lerr.msg);
			rc = reason ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory");
		} else if (rc) {
			rc = lt_err_set(err, rc, "%s", lerr.msg);
		}
	}
	if (!rc && !reason && sc->opts.min_age > 0) {
		double age = seconds_since_change(real, is_dir, names, n);
		int min_age = sc->opts.min_age;

		if (age < min_age) {
			free_names(names, n);
			lt_doc_free(doc);
			if (age < -1)
				return add_skip(sc, path, LT_SKIP_YOUNG, 0, err,
						N_("changed %.0f s in the "
						"future (a clock is wrong?), under --min-age %d: left "
						"for a later ingest"), -age, min_age);
			return add_skip(sc, path, LT_SKIP_YOUNG, 0, err,
					N_("changed %.0f s ago, under "
					"--min-age %d: left for a later ingest"), age < 0 ? 0 : age,
					min_age);
		}
	}
	if (!rc && !reason && !is_dir) {
		rc = add_file(doc, real, &reason, err);
	} else if (!rc && !reason) {
		for (size_t i = 0; !rc && !reason && i < n; i++) {
			char *file = NULL, *file_real = NULL;
			enum entry_kind kind;

			rc = lt_path(&file, err, "%s/%s", real, names[i]);
			if (!rc)
				rc = classify(sc, file, names[i], &kind, &file_real, err);
			if (!rc && kind == ENTRY_FOLDER)
				rc = add_skip(sc, file, LT_SKIP_FOLDER, 0, err,
					      N_("a folder inside a document folder is not read"));
			else if (!rc && kind == ENTRY_PAGE)
				rc = add_file(doc, file_real, &reason, err);
			free(file_real);
			free(file);
		}
		if (!rc && !reason && doc->n_pages == 0 &&
		    asprintf(&reason,
			     lt_i18n_err_format(N_("folder '%s' holds no page images (what it holds is listed "
			     "as skipped)")), path) < 0)
			rc = lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	free_names(names, n);
	if (!rc && !reason)
		rc = lt_doc_compute_id(doc, err);
	if (rc) {
		lt_doc_free(doc);
		free(reason);
		return rc;
	}
	return add_entry(in, doc, doc->label, doc->origin, reason, err);
}

int lt_inbox_scan_with(const char *inbox_dir, const struct lt_inbox_opts *opts,
		       struct lt_inbox *out, struct lt_err *err)
{
	struct scan sc = { .in = out };
	char **names = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (opts)
		sc.opts = *opts;
	out->root = realpath(inbox_dir, NULL);
	if (!out->root)
		return lt_err_set(err, LT_EIO, "cannot open inbox '%s': %s", inbox_dir, strerror(errno));
	sc.root = out->root;
	sc.root_len = strlen(out->root);
	rc = list_dir(out->root, &names, &n, err);
	if (rc == LT_ENOTFOUND) /* vanished since realpath: the inbox is the problem */
		rc = lt_err_set(err, LT_EIO, "cannot open inbox '%s': it vanished while being read",
				inbox_dir);
	for (size_t i = 0; !rc && i < n; i++) {
		char *path = NULL, *real = NULL;
		enum entry_kind kind;

		rc = lt_path(&path, err, "%s/%s", out->root, names[i]);
		if (!rc)
			rc = classify(&sc, path, names[i], &kind, &real, err);
		if (!rc && kind != ENTRY_OTHER)
			rc = scan_document(&sc, path, real, names[i], kind == ENTRY_FOLDER, err);
		free(real);
		free(path);
	}
	free_names(names, n);
	if (rc)
		lt_inbox_release(out);
	return rc;
}

int lt_inbox_scan(const char *inbox_dir, int min_age, struct lt_inbox *out, struct lt_err *err)
{
	const struct lt_inbox_opts opts = { .min_age = min_age };

	return lt_inbox_scan_with(inbox_dir, &opts, out, err);
}

void lt_inbox_release(struct lt_inbox *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n_entries; i++) {
		lt_doc_free(in->entries[i].doc);
		free(in->entries[i].label);
		free(in->entries[i].path);
		free(in->entries[i].reason);
	}
	free(in->entries);
	for (size_t i = 0; i < in->n_skipped; i++) {
		free(in->skipped[i].path);
		free(in->skipped[i].reason);
	}
	free(in->skipped);
	free(in->root);
	memset(in, 0, sizeof(*in));
}
