/* inbox.c - turning an inbox folder into documents to queue.
 *
 * Formats are recognised by content with Leptonica (a PNG named .jpg is
 * still a PNG). Files that are neither a known image by content nor by
 * extension (notes, Thumbs.db) are skipped and reported; a file that claims
 * to be an image but is not rejects its document, so a damaged scan is never
 * archived silently as a shorter document.
 */
#include "luutru/inbox.h"

#include <dirent.h>
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
				  "(TIFF, PNG, JPEG or PNM)", path, name ? name : "an unknown format");
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

/* Lists the names in dir (no hidden entries), naturally sorted.
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

		if (de->d_name[0] == '.')
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

static int add_skip(struct lt_inbox *in, const char *path, const char *reason, struct lt_err *err)
{
	struct lt_inbox_skip *grown = realloc(in->skipped, (in->n_skipped + 1) * sizeof(*grown));

	if (!grown)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	in->skipped = grown;
	grown += in->n_skipped++;
	grown->path = strdup(path);
	grown->reason = strdup(reason);
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
 * (then *why says why it is skipped). */
enum entry_kind { ENTRY_FOLDER, ENTRY_PAGE, ENTRY_OTHER };

static enum entry_kind classify(const char *path, const char **why)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		*why = strerror(errno);
		return ENTRY_OTHER;
	}
	if (S_ISDIR(st.st_mode))
		return ENTRY_FOLDER;
	*why = !S_ISREG(st.st_mode) ? "not a regular file" : !is_page_candidate(path) ? "not an image" : NULL;
	return *why ? ENTRY_OTHER : ENTRY_PAGE;
}

static int add_entry(struct lt_inbox *in, struct lt_doc *doc, const char *label, char *reason,
		     struct lt_err *err)
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
	if (reason)
		lt_doc_free(doc);
	if (!grown->label)
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

/* Builds the document for a folder or a loose file. */
static int scan_document(struct lt_inbox *in, const char *path, const char *name, int is_dir,
			 int min_age, struct lt_err *err)
{
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
		rc = list_dir(path, &names, &n, err);
		if (rc == LT_EIO) {
			/* An unreadable folder rejects that document, not the ingest. */
			reason = strdup(err->msg);
			rc = reason ? LT_OK : LT_ENOMEM;
		}
	}
	if (!rc && !reason && min_age > 0) {
		double age = seconds_since_change(path, is_dir, names, n);

		if (age < min_age) {
			char why[128];

			if (age < -1)
				snprintf(why, sizeof(why), "changed %.0f s in the future (a clock is "
					 "wrong?), under --min-age %d: left for a later ingest", -age, min_age);
			else
				snprintf(why, sizeof(why), "changed %.0f s ago, under --min-age %d: "
					 "left for a later ingest", age < 0 ? 0 : age, min_age);
			free_names(names, n);
			lt_doc_free(doc);
			return add_skip(in, path, why, err);
		}
	}
	if (!rc && !reason && !is_dir) {
		rc = add_file(doc, path, &reason, err);
	} else if (!rc && !reason) {
		for (size_t i = 0; !rc && !reason && i < n; i++) {
			char *file = NULL;
			const char *why = NULL;

			if (asprintf(&file, "%s/%s", path, names[i]) < 0) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory");
				break;
			}
			switch (classify(file, &why)) {
			case ENTRY_FOLDER:
				rc = add_skip(in, file, "a folder inside a document folder is not read", err);
				break;
			case ENTRY_PAGE:
				rc = add_file(doc, file, &reason, err);
				break;
			case ENTRY_OTHER:
				rc = add_skip(in, file, why, err);
				break;
			}
			free(file);
		}
		if (!rc && !reason && doc->n_pages == 0 &&
		    asprintf(&reason, "folder '%s' holds no page images (hidden files are ignored)",
			     path) < 0)
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
	return add_entry(in, doc, doc->label, reason, err);
}

int lt_inbox_scan(const char *inbox_dir, int min_age, struct lt_inbox *out, struct lt_err *err)
{
	char *root = NULL;
	char **names = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	root = realpath(inbox_dir, NULL);
	if (!root)
		return lt_err_set(err, LT_EIO, "cannot open inbox '%s': %s", inbox_dir, strerror(errno));
	rc = list_dir(root, &names, &n, err);
	if (rc == LT_ENOTFOUND) /* vanished since realpath: the inbox is the problem */
		rc = lt_err_set(err, LT_EIO, "cannot open inbox '%s': it vanished while being read",
				inbox_dir);
	for (size_t i = 0; !rc && i < n; i++) {
		char *path = NULL;
		const char *why = NULL;
		enum entry_kind kind;

		rc = lt_path(&path, err, "%s/%s", root, names[i]);
		if (rc)
			break;
		kind = classify(path, &why);
		if (kind == ENTRY_OTHER)
			rc = add_skip(out, path, why, err);
		else
			rc = scan_document(out, path, names[i], kind == ENTRY_FOLDER, min_age, err);
		free(path);
	}
	free_names(names, n);
	free(root);
	if (rc)
		lt_inbox_release(out);
	return rc;
}

void lt_inbox_release(struct lt_inbox *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n_entries; i++) {
		lt_doc_free(in->entries[i].doc);
		free(in->entries[i].label);
		free(in->entries[i].reason);
	}
	free(in->entries);
	for (size_t i = 0; i < in->n_skipped; i++) {
		free(in->skipped[i].path);
		free(in->skipped[i].reason);
	}
	free(in->skipped);
	memset(in, 0, sizeof(*in));
}
