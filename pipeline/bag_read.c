/* bag_read.c - reading and checking a BagIt bag (RFC 8493), from a tar
 * through libarchive or from a directory, in one streaming pass.
 *
 * Each regular file is hashed while it streams by; only its digests (path ->
 * digest, small) and the tag files are kept. Everything is compared at the
 * end, because a tar's order is not fixed: luutru writes payload first and
 * manifests last. Problems with the bag are collected in the report; only
 * failures to read at all are errors.
 */
#include "luutru/bag.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/text.h"
#include "luutru/i18n.h"

#define TAG_MAX   ((size_t)64 << 20)  /* a tag file larger than this is not parsed */
#define CHUNK     ((size_t)1 << 16)

/* ---- digest algorithms ---- */

enum { ALG_MD5, ALG_SHA1, ALG_SHA224, ALG_SHA256, ALG_SHA384, ALG_SHA512, N_ALGS };

static const struct alg {
	const char *name;     /* as in manifest-<name>.txt */
	const EVP_MD *(*md)(void);
	size_t hex;
} algs[N_ALGS] = {
	{ "md5", EVP_md5, 32 },       { "sha1", EVP_sha1, 40 },     { "sha224", EVP_sha224, 56 },
	{ "sha256", EVP_sha256, 64 }, { "sha384", EVP_sha384, 96 }, { "sha512", EVP_sha512, 128 },
};

static int alg_by_name(const char *name, size_t len)
{
	for (int i = 0; i < N_ALGS; i++)
		if (strlen(algs[i].name) == len && strncmp(algs[i].name, name, len) == 0)
			return i;
	return -1;
}

/* ---- what one pass collects ---- */

struct file {
	char *path;
	uint64_t size;
	char *digest[N_ALGS];     /* lowercase hex, NULL if not computed */
	unsigned listed;          /* bit per algorithm: a payload manifest listed it */
	int tag_listed;           /* a tag manifest listed it */
	int hashed;
	int selected;             /* the caller's select() took it */
	char *key;                /* case-folded NFC name, computed when first needed */
};

/* One line of fetch.txt: a payload file still to be fetched from url. */
struct fetch {
	char *path;               /* decoded, relative to the top directory */
	char *url;
	long long length;         /* -1 for "-" */
	unsigned listed;          /* bit per algorithm: a payload manifest listed it */
	int reported;             /* its absence was reported */
};

enum tag_kind { TAG_BAGIT, TAG_INFO, TAG_MANIFEST, TAG_TAGMANIFEST, TAG_FETCH };

struct tag {
	enum tag_kind kind;
	int alg;                  /* manifests: ALG_*, or -1 if not one we know */
	char *path;
	struct lt_buf text;
	int too_big;
};

struct reader {
	const char *bag_path;
	const struct lt_bag_read_opts *opts;
	unsigned want;            /* algorithms to compute for the files still to come */
	struct lt_bag_report *rep;
	struct file *files;
	size_t n_files, cap_files;
	struct tag *tags;
	size_t n_tags;
	struct fetch *fetch;
	size_t n_fetch;
	size_t missing_junk;      /* OS junk files listed in a payload manifest, not in the bag */
	EVP_MD_CTX *ctx[N_ALGS];
	EVP_MD_CTX *tar_ctx;      /* the whole tar's SHA-256 */
	int tar_fd;
	int tar_seekable;
	unsigned char *tar_buf;
	struct lt_err io_err;     /* what the tar read callback hit */
};

/* The reader's view of the entry being read: its bytes, chunk by chunk. */
struct source {
	/* Returns LT_OK with *len 0 at the end. */
	int (*read)(struct source *s, const void **buf, size_t *len, struct lt_err *err);
	struct archive *ar;
	int fd;
	const char *what;
	const char *bag;
	unsigned char *buf;
};

static int add_problem(struct reader *r, int warn, enum lt_bag_problem_kind kind, const char *path,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* warn: into the report's warnings, which do not make the bag invalid. */
static int add_problem(struct reader *r, int warn, enum lt_bag_problem_kind kind, const char *path,
		       const char *fmt, ...)
{
	struct lt_bag_report *rep = r->rep;
	struct lt_bag_problem **list = warn ? &rep->warnings : &rep->problems, *p;
	size_t *n_list = warn ? &rep->n_warnings : &rep->n_problems;
	char *reason = NULL, *copy = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	/* Callers mark fmt with N_(): a reason is an error message's kin, in
	 * English under --json (i18n.h). */
	n = vasprintf(&reason, lt_i18n_err_format(fmt), ap);
	va_end(ap);
	copy = strdup(path ? path : "");
	p = realloc(*list, (*n_list + 1) * sizeof(*p));
	if (n < 0 || !copy || !p) {
		if (n >= 0)
			free(reason);
		free(copy);
		if (p)
			*list = p;
		return LT_ENOMEM;
	}
	*list = p;
	p[(*n_list)++] = (struct lt_bag_problem){ kind, copy, reason };
	return LT_OK;
}

#define PROBLEM(r, err, ...) \
	(add_problem((r), 0, __VA_ARGS__) ? lt_err_set((err), LT_ENOMEM, "out of memory listing bag problems") : LT_OK)
#define WARN(r, err, ...) \
	(add_problem((r), 1, __VA_ARGS__) ? lt_err_set((err), LT_ENOMEM, "out of memory listing bag problems") : LT_OK)

static const char *type_name(mode_t type)
{
	switch (type) {
	case S_IFLNK: return N_("a symbolic link");
	case S_IFDIR: return lt_i18n_err_format(N_("a directory"));
	case S_IFCHR: return lt_i18n_err_format(N_("a character device"));
	case S_IFBLK: return lt_i18n_err_format(N_("a block device"));
	case S_IFIFO: return lt_i18n_err_format(N_("a FIFO"));
	case S_IFSOCK: return lt_i18n_err_format(N_("a socket"));
	default: return lt_i18n_err_format(N_("not a regular file"));
	}
}

/* A relative path with no empty, "." or ".." component, not absolute and not
 * a "~" shortcut: one that cannot name anything outside the bag. */
static int safe_relative_n(const char *p, size_t len)
{
	const char *end = p + len;

	if (!len || *p == '/' || *p == '~')
		return 0;
	for (;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = (size_t)((slash ? slash : end) - p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!slash)
			return 1;
		p = slash + 1;
	}
}

static int safe_relative(const char *p)
{
	return safe_relative_n(p, strlen(p));
}

static int is_tag_name(const char *path, enum tag_kind *kind, int *alg)
{
	size_t n = strlen(path);

	*alg = -1;
	if (strcmp(path, "bagit.txt") == 0)
		*kind = TAG_BAGIT;
	else if (strcmp(path, "bag-info.txt") == 0)
		*kind = TAG_INFO;
	else if (strcmp(path, "fetch.txt") == 0)
		*kind = TAG_FETCH;
	else if (n > 13 && strncmp(path, "manifest-", 9) == 0 && strcmp(path + n - 4, ".txt") == 0) {
		*kind = TAG_MANIFEST;
		*alg = alg_by_name(path + 9, n - 13);
	} else if (n > 16 && strncmp(path, "tagmanifest-", 12) == 0 && strcmp(path + n - 4, ".txt") == 0) {
		*kind = TAG_TAGMANIFEST;
		*alg = alg_by_name(path + 12, n - 16);
	} else
		return 0;
	return 1;
}

static int add_file(struct reader *r, const char *path, uint64_t size, struct file **out,
		    struct lt_err *err)
{
	if (r->n_files == r->cap_files) {
		size_t cap = r->cap_files ? 2 * r->cap_files : 64;
		struct file *f = realloc(r->files, cap * sizeof(*f));

		if (!f)
			return lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
		r->files = f;
		r->cap_files = cap;
	}
	*out = &r->files[r->n_files];
	memset(*out, 0, sizeof(**out));
	(*out)->size = size;
	(*out)->path = strdup(path);
	if (!(*out)->path)
		return lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
	r->n_files++;
	return LT_OK;
}

static int digest_final(EVP_MD_CTX *ctx, char **out, struct lt_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (EVP_DigestFinal_ex(ctx, md, &n) != 1)
		return lt_err_set(err, LT_EINTERNAL, "digest failed (OpenSSL)");
	*out = malloc(2 * n + 1);
	if (!*out)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	lt_hex_encode(md, n, *out);
	return LT_OK;
}

/* The common handling of one entry, whichever the source: check where it
 * is, offer it to the caller, hash it, keep it if it is a tag file. */
static int take_entry(struct reader *r, const char *rel, mode_t type, uint64_t size,
		      struct source *src, struct lt_err *err)
{
	const struct lt_bag_read_opts *o = r->opts;
	struct lt_bag_entry entry = { rel, type, size };
	struct tag *tag = NULL;
	struct file *f = NULL;
	enum tag_kind kind;
	int selected = 0, alg, rc = LT_OK, is_tag;
	unsigned want;
	uint64_t got = 0;

	if (o && o->select)
		selected = o->select(o->ud, &entry) == 1;
	if (o && !o->data)
		selected = 0;
	if (type == S_IFDIR)
		return LT_OK;
	if (type != S_IFREG)
		return PROBLEM(r, err, LT_BAG_LAYOUT, rel,
			       N_("'%s' is %s; a bag holds regular files only"),
			       rel, type_name(type));
	rc = add_file(r, rel, size, &f, err);
	if (rc)
		return rc;
	f->selected = selected;
	if (strncmp(rel, "data/", 5) == 0) {
		r->rep->payload_bytes += size;
		r->rep->payload_files++;
	}
	is_tag = !strchr(rel, '/') && is_tag_name(rel, &kind, &alg);
	if (is_tag) {
		struct tag *t = realloc(r->tags, (r->n_tags + 1) * sizeof(*t));

		if (!t)
			return lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
		r->tags = t;
		tag = &t[r->n_tags++];
		memset(tag, 0, sizeof(*tag));
		tag->kind = kind;
		tag->alg = alg;
		tag->too_big = size > TAG_MAX;
		tag->path = strdup(rel);
		if (!tag->path)
			return lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
		/* A manifest met now tells which digests the files after it need. */
		if ((kind == TAG_MANIFEST || kind == TAG_TAGMANIFEST) && alg >= 0)
			r->want |= 1u << alg;
	}
	/* A top-level file that is not one of ours is still a tag file: it may be
	 * listed in a tag manifest, so it is hashed. */
	if (o && o->selected_only && !selected && strchr(rel, '/'))
		return LT_OK;
	want = r->want;
	for (int i = 0; i < N_ALGS; i++)
		if ((want >> i & 1) && EVP_DigestInit_ex(r->ctx[i], algs[i].md(), NULL) != 1)
			return lt_err_set(err, LT_EINTERNAL, "cannot start %s (OpenSSL)", algs[i].name);
	for (;;) {
		const void *buf;
		size_t len;

		rc = src->read(src, &buf, &len, err);
		if (rc || len == 0)
			break;
		got += len;
		for (int i = 0; i < N_ALGS; i++)
			if ((want >> i & 1) && EVP_DigestUpdate(r->ctx[i], buf, len) != 1)
				return lt_err_set(err, LT_EINTERNAL, "digest failed (OpenSSL)");
		if (tag && !tag->too_big) {
			rc = lt_buf_append(&tag->text, buf, len, err);
			if (rc)
				break;
		}
		if (selected && o->data) {
			rc = o->data(o->ud, buf, len, err);
			if (rc)
				break;
		}
	}
	if (rc)
		return rc;
	if (got != size)
		return lt_err_set(err, LT_EARCHIVE, "bag '%s': '%s' should hold %llu bytes but %llu were read",
				  r->bag_path, rel, (unsigned long long)size, (unsigned long long)got);
	for (int i = 0; !rc && i < N_ALGS; i++)
		if (want >> i & 1)
			rc = digest_final(r->ctx[i], &f->digest[i], err);
	f->hashed = 1;
	return rc;
}

/* ---- tar ---- */

static la_ssize_t tar_read_cb(struct archive *ar, void *ud, const void **buf)
{
	struct reader *r = ud;
	ssize_t n;

	(void)ar;
	do
		n = read(r->tar_fd, r->tar_buf, CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		lt_err_set(&r->io_err, LT_EIO, "cannot read bag '%s': %s", r->bag_path, strerror(errno));
		return -1;
	}
	if (r->tar_ctx && n > 0 && EVP_DigestUpdate(r->tar_ctx, r->tar_buf, (size_t)n) != 1) {
		lt_err_set(&r->io_err, LT_EINTERNAL, "digest failed (OpenSSL)");
		return -1;
	}
	r->rep->size += (uint64_t)n;
	*buf = r->tar_buf;
	return n;
}

/* Only when the whole tar's digest is not wanted: skipping leaves holes. */
static la_int64_t tar_skip_cb(struct archive *ar, void *ud, la_int64_t request)
{
	struct reader *r = ud;
	off_t to;

	(void)ar;
	if (r->tar_ctx || !r->tar_seekable)
		return 0;
	to = lseek(r->tar_fd, (off_t)request, SEEK_CUR);
	return to < 0 ? 0 : request;
}

static int tar_data(struct source *s, const void **buf, size_t *len, struct lt_err *err)
{
	la_ssize_t n = archive_read_data(s->ar, s->buf, CHUNK);

	if (n < 0)
		return lt_err_set(err, LT_EARCHIVE, "bag '%s': cannot read '%s': %s", s->bag, s->what,
				  archive_error_string(s->ar) ? archive_error_string(s->ar) : lt_i18n_err_format(N_("unknown error")));
	*buf = s->buf;
	*len = (size_t)n;
	return LT_OK;
}

static int archive_error(struct reader *r, struct archive *ar, struct lt_err *err)
{
	if (r->io_err.code)
		return lt_err_set(err, r->io_err.code, "%s", r->io_err.msg);
	return lt_err_set(err, LT_EARCHIVE, "bag '%s' is not a readable tar: %s", r->bag_path,
			  archive_error_string(ar) ? archive_error_string(ar) : lt_i18n_err_format(N_("unknown error")));
}

/* Splits a stored name into top directory and the path below it ("" for
 * the top directory itself or a name without '/'), after any leading "./"
 * (tar -C dir . writes those) and without a trailing '/'. Returns 0 if the
 * name is absolute, empty or has an empty, "." or ".." component. */
static int split_name(const char *name, const char **top, size_t *top_len, const char **rel,
		      size_t *rel_len)
{
	size_t n;

	while (strncmp(name, "./", 2) == 0)
		name += 2;
	n = strlen(name);
	if (n && name[n - 1] == '/')
		n--;
	if (!safe_relative_n(name, n))
		return 0;
	*top = name;
	*top_len = strcspn(name, "/");
	if (*top_len > n)
		*top_len = n;
	*rel = *top_len < n ? name + *top_len + 1 : name + n;
	*rel_len = *top_len < n ? n - *top_len - 1 : 0;
	return 1;
}

static int read_tar(struct reader *r, struct lt_err *err)
{
	struct archive *ar = NULL;
	struct archive_entry *ae;
	struct source src = { .read = tar_data };
	unsigned char *buf = NULL;
	char *path = NULL;
	int rc = LT_OK, ar_rc;
	struct stat st;

	r->tar_fd = open(r->bag_path, O_RDONLY | O_CLOEXEC);
	if (r->tar_fd < 0)
		return lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EIO, "cannot open bag '%s': %s",
				  r->bag_path, strerror(errno));
	r->tar_seekable = fstat(r->tar_fd, &st) == 0 && S_ISREG(st.st_mode);
	if (!(r->opts && r->opts->selected_only)) {
		r->tar_ctx = EVP_MD_CTX_new();
		if (!r->tar_ctx || EVP_DigestInit_ex(r->tar_ctx, EVP_sha256(), NULL) != 1) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
			goto out;
		}
	}
	r->tar_buf = malloc(CHUNK);
	buf = malloc(CHUNK);
	ar = archive_read_new();
	if (!r->tar_buf || !buf || !ar) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
		goto out;
	}
	src.ar = ar;
	src.buf = buf;
	src.bag = r->bag_path;
	if (archive_read_support_format_tar(ar) != ARCHIVE_OK ||
	    archive_read_support_filter_all(ar) != ARCHIVE_OK ||
	    archive_read_set_callback_data(ar, r) != ARCHIVE_OK ||
	    archive_read_set_read_callback(ar, tar_read_cb) != ARCHIVE_OK ||
	    archive_read_set_skip_callback(ar, tar_skip_cb) != ARCHIVE_OK ||
	    archive_read_open1(ar) != ARCHIVE_OK) {
		rc = archive_error(r, ar, err);
		goto out;
	}
	/* ARCHIVE_WARN: a UTF-8 name the locale's charset cannot show; the
	 * _utf8 accessor still has it. */
	while ((ar_rc = archive_read_next_header(ar, &ae)) == ARCHIVE_OK || ar_rc == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname_utf8(ae);
		const char *top, *rel;
		size_t top_len, rel_len;
		mode_t type = archive_entry_filetype(ae);

		if (!name)
			name = archive_entry_pathname(ae);
		if (!name)
			name = "";
		free(path);
		path = NULL;
		if (!split_name(name, &top, &top_len, &rel, &rel_len)) {
			rc = PROBLEM(r, err, LT_BAG_LAYOUT, name,
				     N_("'%s' is not a plain relative path inside "
				     "the bag (absolute, empty, \".\" or \"..\" component)"), name);
		} else if (!rel_len && (type != S_IFDIR || (r->rep->name &&
				(strlen(r->rep->name) != top_len || strncmp(top, r->rep->name, top_len))))) {
			rc = PROBLEM(r, err, LT_BAG_LAYOUT, name,
				     N_("'%s' is outside the bag's top directory "
				     "(a bag in a tar is one directory)"), name);
		} else if (!r->rep->name && !(r->rep->name = strndup(top, top_len))) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
		} else if (strlen(r->rep->name) != top_len || strncmp(top, r->rep->name, top_len) != 0) {
			rc = PROBLEM(r, err, LT_BAG_LAYOUT, name,
				     N_("'%s' is outside the bag's top "
				     "directory '%s/'"), name, r->rep->name);
		} else if (rel_len) {
			path = strndup(rel, rel_len);
			if (!path)
				rc = lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
			else if (archive_entry_hardlink(ae))
				rc = PROBLEM(r, err, LT_BAG_LAYOUT, path,
					     N_("'%s' is a hard link to '%s'; "
					     "a bag holds regular files only"), path, archive_entry_hardlink(ae));
			else if (type == S_IFREG && !archive_entry_size_is_set(ae))
				rc = PROBLEM(r, err, LT_BAG_LAYOUT, path,
					     N_("'%s' has no size in the tar"), path);
			else {
				src.what = path;
				rc = take_entry(r, path, type, (uint64_t)archive_entry_size(ae), &src,
						err);
			}
		}
		if (rc)
			goto out;
	}
	if (ar_rc != ARCHIVE_EOF) {
		rc = archive_error(r, ar, err);
		goto out;
	}
	r->rep->tar_format = archive_format(ar);
	if (r->tar_ctx) {
		/* Bytes after the end-of-archive blocks are part of the file too. */
		const void *b;

		while (tar_read_cb(ar, r, &b) > 0)
			;
		if (r->io_err.code) {
			rc = lt_err_set(err, r->io_err.code, "%s", r->io_err.msg);
			goto out;
		}
		char *hex = NULL;

		rc = digest_final(r->tar_ctx, &hex, err);
		if (!rc)
			snprintf(r->rep->sha256, sizeof(r->rep->sha256), "%s", hex);
		free(hex);
	}
out:
	if (ar)
		archive_read_free(ar);
	free(path);
	free(buf);
	free(r->tar_buf);
	r->tar_buf = NULL;
	EVP_MD_CTX_free(r->tar_ctx);
	r->tar_ctx = NULL;
	close(r->tar_fd);
	r->tar_fd = -1;
	return rc;
}

/* ---- directory ---- */

static int fd_data(struct source *s, const void **buf, size_t *len, struct lt_err *err)
{
	ssize_t n;

	do
		n = read(s->fd, s->buf, CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return lt_err_set(err, LT_EIO, "cannot read '%s': %s", s->what, strerror(errno));
	*buf = s->buf;
	*len = (size_t)n;
	return LT_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir (without "." and ".."): a directory bag is read in a
 * fixed order, whatever the file system's. */
static int list_dir(const char *dir, char ***out, size_t *n_out, struct lt_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = LT_OK;

	*out = NULL;
	*n_out = 0;
	if (!d)
		return lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EIO, "cannot open '%s': %s", dir,
				  strerror(errno));
	while (!rc && (errno = 0, de = readdir(d))) {
		char **p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = realloc(names, (n + 1) * sizeof(*names));
		if (!p || !(p[n] = strdup(de->d_name))) {
			if (p)
				names = p;
			rc = lt_err_set(err, LT_ENOMEM, "out of memory listing '%s'", dir);
			break;
		}
		names = p;
		n++;
	}
	if (!rc && errno)
		rc = lt_err_set(err, LT_EIO, "cannot list '%s': %s", dir, strerror(errno));
	closedir(d);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return rc;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*out = names;
	*n_out = n;
	return LT_OK;
}

/* Walks dir (rel below the bag's root, "" for the root). At the root, files
 * come before subdirectories, so the manifests are met before the payload
 * and one pass computes exactly the digests they use. */
static int walk_dir(struct reader *r, const char *root, const char *rel, unsigned char *buf,
		    struct lt_err *err)
{
	char **names = NULL, *dir = NULL;
	size_t n = 0;
	int rc;

	rc = *rel ? lt_path(&dir, err, "%s/%s", root, rel) : lt_path(&dir, err, "%s", root);
	if (!rc)
		rc = list_dir(dir, &names, &n, err);
	for (size_t i = 0; !rc && !*rel && i < n; i++) {
		enum tag_kind kind;
		int alg;

		if (is_tag_name(names[i], &kind, &alg) && alg >= 0)
			r->want |= 1u << alg;
	}
	for (int round = 0; !rc && round < 2; round++) {
		for (size_t i = 0; !rc && i < n; i++) {
			char *full = NULL, *child = NULL;
			struct stat st;

			rc = lt_path(&full, err, "%s/%s", dir, names[i]);
			if (!rc)
				rc = *rel ? lt_path(&child, err, "%s/%s", rel, names[i])
					  : lt_path(&child, err, "%s", names[i]);
			if (!rc && lstat(full, &st) != 0)
				rc = lt_err_set(err, LT_EIO, "cannot stat '%s': %s", full, strerror(errno));
			if (!rc && (S_ISDIR(st.st_mode) ? round == 1 : round == 0)) {
				if (S_ISDIR(st.st_mode)) {
					struct source none = { 0 };

					rc = take_entry(r, child, S_IFDIR, 0, &none, err);
					if (!rc)
						rc = walk_dir(r, root, child, buf, err);
				} else if (S_ISREG(st.st_mode)) {
					struct source src = { .read = fd_data, .what = full, .buf = buf };

					src.fd = open(full, O_RDONLY | O_CLOEXEC);
					if (src.fd < 0)
						rc = lt_err_set(err, LT_EIO, "cannot open '%s': %s", full,
								strerror(errno));
					else {
						rc = take_entry(r, child, S_IFREG, (uint64_t)st.st_size, &src,
								err);
						close(src.fd);
					}
				} else {
					rc = take_entry(r, child, st.st_mode & S_IFMT, 0, NULL, err);
				}
			}
			free(full);
			free(child);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	return rc;
}

static int read_dir(struct reader *r, struct lt_err *err)
{
	unsigned char *buf = malloc(CHUNK);
	const char *base = lt_basename(r->bag_path);
	int rc;

	if (!buf)
		return lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
	r->rep->name = strdup(*base ? base : r->bag_path);
	rc = r->rep->name ? walk_dir(r, r->bag_path, "", buf, err)
			  : lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", r->bag_path);
	free(buf);
	return rc;
}

/* ---- checks at the end ---- */

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path, ((const struct file *)b)->path);
}

static struct file *find_file(struct reader *r, const char *path)
{
	struct file key = { .path = (char *)path };

	if (!r->n_files)
		return NULL;
	return bsearch(&key, r->files, r->n_files, sizeof(key), cmp_file);
}

static struct tag *find_tag(struct reader *r, enum tag_kind kind)
{
	for (size_t i = 0; i < r->n_tags; i++)
		if (r->tags[i].kind == kind)
			return &r->tags[i];
	return NULL;
}

/* Next line of text (LF, CRLF or CR ends it); NULL at the end. */
static const char *next_line(const char **pos, const char *end, size_t *len)
{
	const char *s = *pos, *e;

	if (s >= end)
		return NULL;
	for (e = s; e < end && *e != '\n' && *e != '\r'; e++)
		;
	*len = (size_t)(e - s);
	if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n')
		e++;
	*pos = e < end ? e + 1 : end;
	return s;
}

static int check_bagit(struct reader *r, struct tag *t, struct lt_err *err)
{
	const char *pos = lt_buf_str(&t->text), *end = pos + t->text.len, *line;
	size_t len, n = 0;
	int bad = 0;

	if (t->text.len >= 3 && memcmp(pos, "\xEF\xBB\xBF", 3) == 0)
		return PROBLEM(r, err, LT_BAG_TAGFILE, "bagit.txt",
			       N_("bagit.txt starts with a byte order "
			       "mark; RFC 8493 2.1.1 forbids one"));
	while (!bad && (line = next_line(&pos, end, &len))) {
		static const char v[] = "BagIt-Version: ", e[] = "Tag-File-Character-Encoding: ";

		if (n == 0 && len > sizeof(v) - 1 && memcmp(line, v, sizeof(v) - 1) == 0) {
			const char *val = line + sizeof(v) - 1;
			size_t vl = len - (sizeof(v) - 1), d1 = 0, d2 = 0;

			while (d1 < vl && val[d1] >= '0' && val[d1] <= '9')
				d1++;
			if (d1 < vl && val[d1] == '.')
				while (d1 + 1 + d2 < vl && val[d1 + 1 + d2] >= '0' && val[d1 + 1 + d2] <= '9')
					d2++;
			if (!d1 || !d2 || d1 + 1 + d2 != vl || vl >= sizeof(r->rep->version))
				bad = 1;
			else
				memcpy(r->rep->version, val, vl);
		} else if (n == 1 && len > sizeof(e) - 1 && memcmp(line, e, sizeof(e) - 1) == 0 &&
			   !memchr(line + sizeof(e) - 1, ' ', len - (sizeof(e) - 1)) &&
			   !memchr(line + sizeof(e) - 1, '\t', len - (sizeof(e) - 1))) {
			r->rep->encoding = strndup(line + sizeof(e) - 1, len - (sizeof(e) - 1));
			if (!r->rep->encoding)
				return lt_err_set(err, LT_ENOMEM, "out of memory");
		} else {
			bad = 1;
		}
		n++;
	}
	if (bad || n != 2) {
		r->rep->version[0] = '\0';
		return PROBLEM(r, err, LT_BAG_TAGFILE, "bagit.txt",
			       N_("bagit.txt must be exactly the lines "
			       "'BagIt-Version: M.N' and 'Tag-File-Character-Encoding: ENCODING'"));
	}
	return LT_OK;
}

/* Tag files in another encoding are turned into UTF-8 once, here. */
static int to_utf8(struct reader *r, struct tag *t, struct lt_err *err)
{
	const char *enc = r->rep->encoding;
	struct lt_buf out = LT_BUF_INIT;
	iconv_t cd;
	char *in;
	size_t in_left;
	int rc = LT_OK;

	if (!enc || strcasecmp(enc, "UTF-8") == 0 || t->text.len == 0)
		return LT_OK;
	cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1)
		return PROBLEM(r, err, LT_BAG_UNSUPPORTED, t->path,
			       N_("cannot read '%s': tag file encoding "
			       "'%s' is not known here"), t->path, enc);
	in = t->text.data;
	in_left = t->text.len;
	while (!rc && in_left) {
		char chunk[4096], *o = chunk;
		size_t o_left = sizeof(chunk);

		if (iconv(cd, &in, &in_left, &o, &o_left) == (size_t)-1 && errno != E2BIG) {
			rc = PROBLEM(r, err, LT_BAG_TAGFILE, t->path, N_("'%s' is not valid %s"),
				     t->path, enc);
			lt_buf_reset(&t->text);
			break;
		}
		rc = lt_buf_append(&out, chunk, sizeof(chunk) - o_left, err);
	}
	iconv_close(cd);
	if (!rc && out.len) {
		lt_buf_release(&t->text);
		t->text = out;
		/* A UTF-16 file's byte order mark is not text. */
		if (t->text.len >= 3 && memcmp(t->text.data, "\xEF\xBB\xBF", 3) == 0) {
			memmove(t->text.data, t->text.data + 3, t->text.len - 2);
			t->text.len -= 3;
		}
	} else {
		lt_buf_release(&out);
	}
	return rc;
}

static int add_info(struct reader *r, const char *label, size_t ll, const char *value, size_t vl,
		    struct lt_err *err)
{
	struct lt_bag_report *rep = r->rep;
	struct lt_bag_info_pair *p = realloc(rep->info, (rep->n_info + 1) * sizeof(*p));

	if (!p)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	rep->info = p;
	p[rep->n_info].label = strndup(label, ll);
	p[rep->n_info].value = strndup(value, vl);
	rep->n_info++;
	if (!p[rep->n_info - 1].label || !p[rep->n_info - 1].value)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	return LT_OK;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 8493 2.2.2: "Label: value" lines; a line that starts with a blank
 * continues the value above it. */
static int parse_info(struct reader *r, struct tag *t, struct lt_err *err)
{
	const char *pos = lt_buf_str(&t->text), *end = pos + t->text.len, *line;
	size_t len;
	int rc = LT_OK;

	while (!rc && (line = next_line(&pos, end, &len))) {
		const char *colon = memchr(line, ':', len);
		size_t ll, vs;

		if (len == 0)
			continue;
		if (is_blank(line[0]) && r->rep->n_info) {
			struct lt_bag_info_pair *p = &r->rep->info[r->rep->n_info - 1];
			size_t skip = 0, old = strlen(p->value);
			char *v;

			while (skip < len && is_blank(line[skip]))
				skip++;
			v = realloc(p->value, old + 1 + (len - skip) + 1);
			if (!v)
				return lt_err_set(err, LT_ENOMEM, "out of memory");
			v[old] = ' ';
			memcpy(v + old + 1, line + skip, len - skip);
			v[old + 1 + len - skip] = '\0';
			p->value = v;
			continue;
		}
		if (!colon || colon == line || is_blank(line[0])) {
			rc = PROBLEM(r, err, LT_BAG_TAGFILE, t->path,
				     N_("bag-info.txt has a line that is not "
				     "'Label: value': '%.*s'"), (int)(len > 80 ? 80 : len), line);
			continue;
		}
		ll = (size_t)(colon - line);
		while (ll && is_blank(line[ll - 1]))
			ll--;
		vs = (size_t)(colon - line) + 1;
		while (vs < len && is_blank(line[vs]))
			vs++;
		rc = add_info(r, line, ll, line + vs, len - vs, err);
	}
	return rc;
}

/* RFC 8493 is BagIt 1.0; a bag whose bagit.txt could not be read is held
 * to it. */
static int is_rfc8493(const struct reader *r)
{
	return !r->rep->version[0] || atoi(r->rep->version) >= 1;
}

/* What an OS leaves behind in a folder, or NULL for an ordinary name. */
static const char *junk_kind(const char *path)
{
	static const char *const mac_dirs[] = { ".Spotlight-V100", ".Trashes", ".fseventsd",
						"__MACOSX", ".TemporaryItems", NULL };
	const char *base = strrchr(path, '/'), *p = path;

	base = base ? base + 1 : path;
	if (strcmp(base, ".DS_Store") == 0)
		return lt_i18n_err_format(N_("macOS Finder data"));
	if (strncmp(base, "._", 2) == 0)
		return lt_i18n_err_format(N_("a macOS resource fork"));
	if (strcasecmp(base, "Thumbs.db") == 0 || strcasecmp(base, "ehthumbs.db") == 0)
		return lt_i18n_err_format(N_("a Windows thumbnail cache"));
	if (strcasecmp(base, "desktop.ini") == 0)
		return lt_i18n_err_format(N_("Windows folder settings"));
	while (p < base) {
		size_t n = strcspn(p, "/");

		for (int i = 0; mac_dirs[i]; i++)
			if (strlen(mac_dirs[i]) == n && strncmp(p, mac_dirs[i], n) == 0)
				return lt_i18n_err_format(N_("macOS system data"));
		p += n + 1;
	}
	return NULL;
}

/* The name as macOS and Windows compare names: NFC, case-folded. Bytes that
 * are not UTF-8 are kept as they are. Returns: *out owned. */
static int fold_key(const char *s, char **out, struct lt_err *err)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_err ignored = { 0 };
	int rc = lt_text_casefold(s, strlen(s), &b, &ignored);

	if (rc == LT_ENOMEM) {
		lt_buf_release(&b);
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	if (rc) {
		lt_buf_reset(&b);
		rc = lt_buf_puts(&b, s, err);
	}
	if (!rc)
		*out = lt_buf_detach(&b);
	lt_buf_release(&b);
	return rc;
}

/* "case" or "Unicode normalisation": how two names with one key differ. */
static const char *how_differ(const char *a, const char *b)
{
	struct lt_buf na = LT_BUF_INIT, nb = LT_BUF_INIT;
	int same_nfc = lt_text_nfc(a, strlen(a), &na, NULL) == LT_OK &&
		       lt_text_nfc(b, strlen(b), &nb, NULL) == LT_OK &&
		       strcmp(lt_buf_str(&na), lt_buf_str(&nb)) == 0;

	lt_buf_release(&na);
	lt_buf_release(&nb);
	return same_nfc ? lt_i18n_err_format(N_("Unicode normalisation (NFC/NFD)")) : lt_i18n_err_format(N_("case"));
}

/* The file a manifest means when no file has exactly its name: one whose
 * name differs only in case or normalisation, as a bag made or copied on
 * macOS or Windows may have it. *out NULL if none. */
static int find_similar(struct reader *r, const char *path, struct file **out, struct lt_err *err)
{
	char *key = NULL;
	int rc = fold_key(path, &key, err);

	*out = NULL;
	for (size_t i = 0; !rc && i < r->n_files; i++) {
		struct file *f = &r->files[i];

		if (!f->key)
			rc = fold_key(f->path, &f->key, err);
		if (!rc && strcmp(f->key, key) == 0) {
			*out = f;
			break;
		}
	}
	free(key);
	return rc;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp((*(struct file *const *)a)->key, (*(struct file *const *)b)->key);
}

/* Files that are valid here but not everywhere: OS junk, and names that a
 * case-insensitive or normalising file system would take for one. */
static int check_portability(struct reader *r, struct lt_err *err)
{
	struct file **by_key = NULL;
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < r->n_files; i++) {
		const char *junk = junk_kind(r->files[i].path);

		if (junk)
			rc = WARN(r, err, LT_BAG_PORTABILITY, r->files[i].path,
				  N_("'%s' is %s, probably "
				  "not meant to be in the bag"), r->files[i].path, junk);
		if (!rc && !r->files[i].key)
			rc = fold_key(r->files[i].path, &r->files[i].key, err);
	}
	if (rc || r->n_files < 2)
		return rc;
	by_key = malloc(r->n_files * sizeof(*by_key));
	if (!by_key)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->n_files; i++)
		by_key[i] = &r->files[i];
	qsort(by_key, r->n_files, sizeof(*by_key), cmp_key);
	for (size_t i = 1; !rc && i < r->n_files; i++)
		if (strcmp(by_key[i - 1]->key, by_key[i]->key) == 0)
			rc = WARN(r, err, LT_BAG_PORTABILITY, by_key[i]->path,
				  N_("'%s' and '%s' differ only "
				  "in %s: on macOS or Windows one would overwrite the other"),
				  by_key[i - 1]->path, by_key[i]->path,
				  how_differ(by_key[i - 1]->path, by_key[i]->path));
	free(by_key);
	return rc;
}

static int check_oxum(struct reader *r, struct lt_err *err)
{
	const struct lt_bag_report *rep = r->rep;

	for (size_t i = 0; i < rep->n_info; i++) {
		unsigned long long bytes;
		size_t files;
		int used = 0;

		if (strcasecmp(rep->info[i].label, "Payload-Oxum") != 0)
			continue;
		if (sscanf(rep->info[i].value, "%llu.%zu%n", &bytes, &files, &used) != 2 ||
		    rep->info[i].value[used] || !strchr("0123456789", rep->info[i].value[0]))
			return PROBLEM(r, err, LT_BAG_OXUM, "bag-info.txt",
				       N_("Payload-Oxum '%s' is not "
				       "BYTES.FILES"), rep->info[i].value);
		if (bytes == rep->payload_bytes && files == rep->payload_files)
			continue;
		/* The junk a copy dropped was counted when the bag was made. */
		if (r->missing_junk && files == rep->payload_files + r->missing_junk &&
		    bytes >= rep->payload_bytes)
			return WARN(r, err, LT_BAG_PORTABILITY, "bag-info.txt",
				    N_("Payload-Oxum is %llu.%zu: it counts OS "
				    "junk files that the bag no longer holds (%zu)"), bytes, files,
				    r->missing_junk);
		return PROBLEM(r, err, LT_BAG_OXUM, "bag-info.txt",
			       N_("Payload-Oxum is %llu.%zu but "
			       "the payload is %llu bytes in %zu files"), bytes, files,
			       (unsigned long long)rep->payload_bytes, rep->payload_files);
	}
	return LT_OK;
}

/* RFC 8493 2.1.3: %0D, %0A and %25 in manifest paths. In place. */
static void percent_decode(char *s)
{
	char *o = s;

	while (*s) {
		if (strncmp(s, "%0D", 3) == 0 || strncmp(s, "%0d", 3) == 0) {
			*o++ = '\r';
			s += 3;
		} else if (strncmp(s, "%0A", 3) == 0 || strncmp(s, "%0a", 3) == 0) {
			*o++ = '\n';
			s += 3;
		} else if (strncmp(s, "%25", 3) == 0) {
			*o++ = '%';
			s += 3;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

static struct fetch *find_fetch(struct reader *r, const char *path)
{
	for (size_t i = 0; i < r->n_fetch; i++)
		if (strcmp(r->fetch[i].path, path) == 0)
			return &r->fetch[i];
	return NULL;
}

/* RFC 8493 2.2.3: "URL LENGTH FILEPATH" lines, LENGTH in bytes or "-";
 * payload files only, each inside the bag. */
static int parse_fetch(struct reader *r, struct tag *t, struct lt_err *err)
{
	const char *pos = lt_buf_str(&t->text), *end = pos + t->text.len, *line;
	size_t len;
	int rc = LT_OK;

	if (t->too_big)
		return PROBLEM(r, err, LT_BAG_UNSUPPORTED, t->path,
			       N_("fetch.txt is larger than %zu MiB; "
			       "it is not checked"), TAG_MAX >> 20);
	while (!rc && (line = next_line(&pos, end, &len))) {
		size_t ue = 0, ls, le, ps;
		char *path = NULL, *url = NULL;
		const char *colon;
		struct fetch *f;

		if (len == 0)
			continue;
		while (ue < len && !is_blank(line[ue]))
			ue++;
		for (ls = ue; ls < len && is_blank(line[ls]); ls++)
			;
		for (le = ls; le < len && !is_blank(line[le]); le++)
			;
		for (ps = le; ps < len && is_blank(line[ps]); ps++)
			;
		colon = memchr(line, ':', ue);
		if (!colon || colon == line || ls == ue || ps == le || ps == len ||
		    !((le - ls == 1 && line[ls] == '-') || strspn(line + ls, "0123456789") == le - ls)) {
			rc = PROBLEM(r, err, LT_BAG_FETCH, t->path,
				     N_("fetch.txt: a line is not 'URL LENGTH "
				     "PATH': '%.*s'"), (int)(len > 80 ? 80 : len), line);
			continue;
		}
		path = strndup(line + ps, len - ps);
		url = strndup(line, ue);
		if (!path || !url) {
			free(path);
			free(url);
			return lt_err_set(err, LT_ENOMEM, "out of memory");
		}
		percent_decode(path);
		if (!safe_relative(path))
			rc = PROBLEM(r, err, LT_BAG_LAYOUT, path,
				     N_("fetch.txt lists '%s', which is outside "
				     "the bag"), path);
		else if (strncmp(path, "data/", 5) != 0)
			rc = PROBLEM(r, err, LT_BAG_FETCH, path,
				     N_("fetch.txt lists '%s', which is not "
				     "payload (not under data/); it may list payload only"), path);
		else if (find_fetch(r, path))
			rc = PROBLEM(r, err, LT_BAG_FETCH, path, N_("fetch.txt lists '%s' twice"),
				     path);
		else if (!(f = realloc(r->fetch, (r->n_fetch + 1) * sizeof(*f))))
			rc = lt_err_set(err, LT_ENOMEM, "out of memory");
		else {
			r->fetch = f;
			f[r->n_fetch++] = (struct fetch){ path, url,
				line[ls] == '-' ? -1 : strtoll(line + ls, NULL, 10), 0, 0 };
			continue;
		}
		free(path);
		free(url);
	}
	return rc;
}

/* After the manifests: every fetch.txt entry is in every payload manifest,
 * and one already fetched has the length fetch.txt gives. */
static int check_fetch(struct reader *r, unsigned payload_algs, struct lt_err *err)
{
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < r->n_fetch; i++) {
		struct fetch *e = &r->fetch[i];
		struct file *f = find_file(r, e->path);

		if (!f && (e->listed & payload_algs) != payload_algs)
			rc = PROBLEM(r, err, LT_BAG_FETCH, e->path,
				     N_("fetch.txt lists '%s' but %s payload "
				     "manifest does not"), e->path, e->listed ? "a" : "the");
		else if (f && e->length >= 0 && (uint64_t)e->length != f->size)
			rc = PROBLEM(r, err, LT_BAG_FETCH, e->path,
				     N_("fetch.txt gives '%s' %lld bytes but "
				     "it holds %llu"), e->path, e->length, (unsigned long long)f->size);
	}
	return rc;
}

/* One line of a manifest, for the "listed twice" check. */
struct seen {
	char *path;
	const char *digest;       /* in the tag's text */
	size_t dl;
	int later;                /* no file has this name: resolve_later() */
};

static int cmp_seen(const void *a, const void *b)
{
	return strcmp(((const struct seen *)a)->path, ((const struct seen *)b)->path);
}

/* The file a manifest line names; a file still to be fetched is reported
 * here. *out NULL and *later 1 if no file has that name: resolve_later()
 * looks again once the whole manifest is read. */
static int resolve_listed(struct reader *r, struct tag *t, const char *path, struct file **out,
			  int *later, struct lt_err *err)
{
	struct fetch *e = t->kind == TAG_MANIFEST ? find_fetch(r, path) : NULL;

	*later = 0;
	*out = find_file(r, path);
	if (*out || (r->opts && r->opts->selected_only))
		return LT_OK;
	if (!e) {
		*later = 1;
		return LT_OK;
	}
	e->listed |= 1u << t->alg;
	if (e->reported++)
		return LT_OK;
	return PROBLEM(r, err, LT_BAG_FETCH, path,
		       N_("'%s' is still to be fetched (fetch.txt: %s): "
		       "the bag is incomplete"), path, e->url);
}

static int check_digest(struct reader *r, struct tag *t, const char *path, struct file *f,
			const char *digest, size_t dl, struct lt_err *err)
{
	if (!f->hashed)
		return LT_OK;
	if (!f->digest[t->alg])
		return PROBLEM(r, err, LT_BAG_UNSUPPORTED, path, N_("'%s' was not hashed with %s"),
			       path,
			       algs[t->alg].name);
	if (strncasecmp(f->digest[t->alg], digest, dl) != 0)
		return PROBLEM(r, err, LT_BAG_MISMATCH, path,
			       N_("'%s' has %s %s but %s records %.*s"), path,
			       algs[t->alg].name, f->digest[t->alg], t->path, (int)dl, digest);
	return LT_OK;
}

/* A name no file has. If the manifest also lists, under its own name, a file
 * whose name differs only in case or Unicode normalisation, the two lines
 * are one file to macOS or Windows, where the bag may have been made: a
 * warning. A file that is listed under another case only was renamed: it is
 * missing (and the file unlisted). OS junk that a copy dropped: a warning. */
static int resolve_later(struct reader *r, struct tag *t, const char *path, const char *digest,
			 size_t dl, struct lt_err *err)
{
	int payload = t->kind == TAG_MANIFEST;
	struct file *f = NULL;
	const char *junk;
	int rc = find_similar(r, path, &f, err);

	if (!rc && f && (payload ? (int)(f->listed >> t->alg & 1) : f->tag_listed)) {
		rc = WARN(r, err, LT_BAG_PORTABILITY, path,
			  N_("%s lists '%s' and '%s', which differ only "
			  "in %s: one file on macOS or Windows"), t->path, f->path, path,
			  how_differ(path, f->path));
		return rc ? rc : check_digest(r, t, path, f, digest, dl, err);
	}
	if (rc)
		return rc;
	junk = payload ? junk_kind(path) : NULL;
	if (junk) {
		r->missing_junk++;
		return WARN(r, err, LT_BAG_PORTABILITY, path,
			    N_("%s lists '%s' (%s), which is not in the "
			    "bag: copies often drop such files"), t->path, path, junk);
	}
	return PROBLEM(r, err, LT_BAG_MISSING, path,
		       N_("'%s' is listed in %s but is not in the bag"),
		       path, t->path);
}

static int check_manifest(struct reader *r, struct tag *t, struct lt_err *err)
{
	const char *pos = lt_buf_str(&t->text), *end = pos + t->text.len, *line;
	int payload = t->kind == TAG_MANIFEST;
	int star_said = 0, dot_said = 0;
	struct seen *seen = NULL;
	size_t len, n_seen = 0, cap_seen = 0;
	int rc = LT_OK;

	if (t->alg < 0)
		return PROBLEM(r, err, LT_BAG_UNSUPPORTED, t->path,
			       N_("'%s' uses a digest algorithm this "
			       "reader does not know; its files are not checked"), t->path);
	if (t->too_big)
		return PROBLEM(r, err, LT_BAG_UNSUPPORTED, t->path,
			       N_("'%s' is larger than %zu MiB; its "
			       "files are not checked"), t->path, TAG_MAX >> 20);
	while (!rc && (line = next_line(&pos, end, &len))) {
		size_t dl = 0, ps, skip = 0;
		char *path;
		struct file *f = NULL;
		int later = 0;

		if (len == 0)
			continue;
		while (dl < len && !is_blank(line[dl]))
			dl++;
		ps = dl;
		while (ps < len && is_blank(line[ps]))
			ps++;
		if (dl != algs[t->alg].hex || ps == dl || ps == len ||
		    strspn(line, "0123456789abcdefABCDEF") < dl) {
			rc = PROBLEM(r, err, LT_BAG_TAGFILE, t->path,
				     N_("%s: a line is not '%s-DIGEST  PATH': "
				     "'%.*s'"), t->path, algs[t->alg].name, (int)(len > 80 ? 80 : len), line);
			continue;
		}
		path = strndup(line + ps, len - ps);
		if (!path)
			return lt_err_set(err, LT_ENOMEM, "out of memory");
		percent_decode(path);
		/* md5sum -b writes "DIGEST *PATH". */
		if (path[0] == '*' && !find_file(r, path)) {
			skip = 1;
			if (!star_said++)
				rc = WARN(r, err, LT_BAG_STYLE, t->path,
					  N_("%s writes paths as md5sum's '*PATH' "
					  "(binary mode); BagIt has no such marker"), t->path);
		}
		/* Bags made before RFC 8493 write "./data/x". */
		if (strncmp(path + skip, "./", 2) == 0) {
			while (strncmp(path + skip, "./", 2) == 0)
				skip += 2;
			if (!rc && !dot_said++)
				rc = WARN(r, err, LT_BAG_STYLE, t->path,
					  N_("%s writes paths as './PATH'; BagIt "
					  "paths start at the bag's top directory"), t->path);
		}
		memmove(path, path + skip, strlen(path + skip) + 1);
		if (!rc && !safe_relative(path))
			rc = PROBLEM(r, err, LT_BAG_LAYOUT, path,
				     N_("%s lists '%s', which is outside the bag"),
				     t->path, path);
		else if (!rc && payload != (strncmp(path, "data/", 5) == 0))
			rc = PROBLEM(r, err, LT_BAG_LAYOUT, path,
				     payload ? N_("%s lists '%s', which is not "
				     "payload (not under data/)") : N_("%s lists '%s', which is payload, not a tag file"),
				     t->path, path);
		else if (!rc) {
			rc = resolve_listed(r, t, path, &f, &later, err);
			if (!rc && f && payload)
				f->listed |= 1u << t->alg;
			else if (!rc && f)
				f->tag_listed = 1;
			if (!rc && f)
				rc = check_digest(r, t, path, f, line, dl, err);
		}
		/* Kept for the "twice" check below. */
		if (n_seen == cap_seen) {
			size_t cap = cap_seen ? 2 * cap_seen : 64;
			struct seen *s = realloc(seen, cap * sizeof(*s));

			if (!s) {
				free(path);
				rc = lt_err_set(err, LT_ENOMEM, "out of memory");
				break;
			}
			seen = s;
			cap_seen = cap;
		}
		seen[n_seen++] = (struct seen){ path, line, dl, later };
	}
	for (size_t i = 0; !rc && i < n_seen; i++)
		if (seen[i].later)
			rc = resolve_later(r, t, seen[i].path, seen[i].digest, seen[i].dl, err);
	if (!rc && n_seen) {
		qsort(seen, n_seen, sizeof(*seen), cmp_seen);
		for (size_t i = 1; !rc && i < n_seen; i++) {
			int same = seen[i].dl == seen[i - 1].dl &&
				   strncasecmp(seen[i].digest, seen[i - 1].digest, seen[i].dl) == 0;

			if (strcmp(seen[i - 1].path, seen[i].path) != 0)
				continue;
			/* RFC 8493 2.1.3 says once; BagIt 0.97 did not. */
			if (same && !is_rfc8493(r))
				rc = WARN(r, err, LT_BAG_STYLE, seen[i].path,
					  N_("%s lists '%s' twice (with the "
					  "same digest)"), t->path, seen[i].path);
			else
				rc = PROBLEM(r, err, LT_BAG_TAGFILE, seen[i].path,
					     N_("%s lists '%s' twice%s"),
					     t->path, seen[i].path, same ? "" : N_(", with different digests"));
		}
	}
	for (size_t i = 0; i < n_seen; i++)
		free(seen[i].path);
	free(seen);
	return rc;
}

static int check_all(struct reader *r, struct lt_err *err)
{
	int selected_only = r->opts && r->opts->selected_only;
	unsigned payload_algs = 0;
	struct tag *t;
	int rc = LT_OK;

	if (r->n_files)
		qsort(r->files, r->n_files, sizeof(*r->files), cmp_file);
	for (size_t i = 1; !rc && i < r->n_files; i++)
		if (strcmp(r->files[i - 1].path, r->files[i].path) == 0)
			rc = PROBLEM(r, err, LT_BAG_LAYOUT, r->files[i].path,
				     N_("'%s' is in the bag twice"),
				     r->files[i].path);
	if (!rc && !selected_only)
		rc = check_portability(r, err);
	t = find_tag(r, TAG_BAGIT);
	if (!rc && !t)
		rc = PROBLEM(r, err, LT_BAG_TAGFILE, "bagit.txt", N_("the bag has no bagit.txt"));
	else if (!rc)
		rc = check_bagit(r, t, err);
	for (size_t i = 0; !rc && i < r->n_tags; i++)
		if (r->tags[i].kind != TAG_BAGIT)
			rc = to_utf8(r, &r->tags[i], err);
	t = find_tag(r, TAG_INFO);
	if (!rc && t)
		rc = parse_info(r, t, err);
	t = find_tag(r, TAG_FETCH);
	if (!rc && t)
		rc = parse_fetch(r, t, err);
	for (size_t i = 0; !rc && i < r->n_tags; i++) {
		t = &r->tags[i];
		if (t->kind == TAG_MANIFEST || t->kind == TAG_TAGMANIFEST)
			rc = check_manifest(r, t, err);
		if (!rc && t->kind == TAG_MANIFEST && t->alg >= 0)
			payload_algs |= 1u << t->alg;
	}
	/* After the manifests: junk they list that a copy dropped excuses a
	 * Payload-Oxum that counts it. */
	if (!rc && !selected_only)
		rc = check_oxum(r, err);
	if (!rc && !selected_only)
		rc = check_fetch(r, payload_algs, err);
	if (!rc && !find_tag(r, TAG_MANIFEST))
		rc = PROBLEM(r, err, LT_BAG_TAGFILE, "",
			     N_("the bag has no payload manifest (manifest-ALG.txt)"));
	for (size_t i = 0; !rc && selected_only && i < r->n_files; i++) {
		struct file *f = &r->files[i];

		if (f->selected && strncmp(f->path, "data/", 5) != 0 && !f->tag_listed)
			rc = PROBLEM(r, err, LT_BAG_UNLISTED, f->path,
				     N_("no tag manifest lists '%s'"), f->path);
	}
	for (size_t i = 0; !rc && i < r->n_files; i++) {
		struct file *f = &r->files[i];
		unsigned lacking = payload_algs & ~f->listed;

		if (selected_only && !f->selected)
			continue;

		if (strncmp(f->path, "data/", 5) != 0 || !payload_algs || !lacking)
			continue;
		if (lacking == payload_algs)
			rc = PROBLEM(r, err, LT_BAG_UNLISTED, f->path,
				     N_("'%s' is payload but no manifest "
				     "lists it"), f->path);
		else
			for (int a = 0; !rc && a < N_ALGS; a++)
				if (lacking >> a & 1)
					rc = PROBLEM(r, err, LT_BAG_UNLISTED, f->path,
						     N_("'%s' is not listed "
						     "in manifest-%s.txt"), f->path, algs[a].name);
	}
	return rc;
}

/* ---- the report ---- */

static void reader_reset(struct reader *r)
{
	for (size_t i = 0; i < r->n_files; i++) {
		free(r->files[i].path);
		free(r->files[i].key);
		for (int a = 0; a < N_ALGS; a++)
			free(r->files[i].digest[a]);
	}
	free(r->files);
	r->files = NULL;
	r->n_files = r->cap_files = 0;
	for (size_t i = 0; i < r->n_tags; i++) {
		free(r->tags[i].path);
		lt_buf_release(&r->tags[i].text);
	}
	free(r->tags);
	r->tags = NULL;
	r->n_tags = 0;
	for (size_t i = 0; i < r->n_fetch; i++) {
		free(r->fetch[i].path);
		free(r->fetch[i].url);
	}
	free(r->fetch);
	r->fetch = NULL;
	r->n_fetch = 0;
	r->missing_junk = 0;
}

void lt_bag_report_free(struct lt_bag_report *rep)
{
	if (!rep)
		return;
	free(rep->name);
	free(rep->encoding);
	for (size_t i = 0; i < rep->n_info; i++) {
		free(rep->info[i].label);
		free(rep->info[i].value);
	}
	free(rep->info);
	for (size_t i = 0; i < rep->n_files; i++)
		free(rep->files[i].path);
	free(rep->files);
	for (size_t i = 0; i < rep->n_problems; i++) {
		free(rep->problems[i].path);
		free(rep->problems[i].reason);
	}
	free(rep->problems);
	for (size_t i = 0; i < rep->n_warnings; i++) {
		free(rep->warnings[i].path);
		free(rep->warnings[i].reason);
	}
	free(rep->warnings);
	free(rep);
}

const char *lt_bag_problem_name(enum lt_bag_problem_kind kind)
{
	switch (kind) {
	case LT_BAG_MISSING: return lt_i18n_err_format(N_("missing"));
	case LT_BAG_UNLISTED: return lt_i18n_err_format(N_("not in a manifest"));
	case LT_BAG_MISMATCH: return lt_i18n_err_format(N_("digest mismatch"));
	case LT_BAG_OXUM: return lt_i18n_err_format(N_("Payload-Oxum mismatch"));
	case LT_BAG_LAYOUT: return lt_i18n_err_format(N_("bad layout"));
	case LT_BAG_TAGFILE: return lt_i18n_err_format(N_("bad tag file"));
	case LT_BAG_UNSUPPORTED: return lt_i18n_err_format(N_("cannot check"));
	case LT_BAG_FETCH: return lt_i18n_err_format(N_("fetch"));
	case LT_BAG_PORTABILITY: return lt_i18n_err_format(N_("portability"));
	case LT_BAG_STYLE: return lt_i18n_err_format(N_("manifest style"));
	}
	return lt_i18n_err_format(N_("problem"));
}

/* Manifests that come after the files they list (any tar luutru did not
 * write) need digests the pass did not compute. */
static unsigned missing_algs(const struct reader *r)
{
	unsigned need = 0, lack = 0;

	for (size_t i = 0; i < r->n_tags; i++)
		if ((r->tags[i].kind == TAG_MANIFEST || r->tags[i].kind == TAG_TAGMANIFEST) &&
		    r->tags[i].alg >= 0)
			need |= 1u << r->tags[i].alg;
	for (size_t i = 0; i < r->n_files; i++)
		for (int a = 0; r->files[i].hashed && a < N_ALGS; a++)
			if ((need >> a & 1) && !r->files[i].digest[a])
				lack |= 1u << a;
	return lack ? need : 0;
}

static int fill_files(struct reader *r, struct lt_err *err)
{
	struct lt_bag_report *rep = r->rep;

	rep->files = calloc(r->n_files ? r->n_files : 1, sizeof(*rep->files));
	if (!rep->files)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->n_files; i++) {
		struct lt_bag_file *f = &rep->files[rep->n_files];

		f->path = r->files[i].path;
		r->files[i].path = NULL;
		f->size = r->files[i].size;
		if (r->files[i].digest[ALG_SHA256])
			snprintf(f->sha256, sizeof(f->sha256), "%s", r->files[i].digest[ALG_SHA256]);
		rep->n_files++;
	}
	return LT_OK;
}

int lt_bag_read(const char *path, const struct lt_bag_read_opts *opts, struct lt_bag_report **out,
		struct lt_err *err)
{
	struct reader r = { .bag_path = path, .opts = opts, .tar_fd = -1 };
	int is_dir = 0, rc = LT_OK;

	*out = NULL;
	rc = lt_is_dir(path, &is_dir, err);
	if (rc)
		return rc == LT_ENOTFOUND ? lt_err_set(err, rc, "no bag at '%s'", path) : rc;
	/* luutru writes SHA-256 manifests; a bag with others may need a second
	 * pass. Selected entries are few: they get every digest at once, so
	 * that data() never sees the same bytes twice. */
	r.want = opts && opts->selected_only ? (1u << N_ALGS) - 1 : 1u << ALG_SHA256;
	for (int pass = 0; !rc && pass < 2; pass++) {
		unsigned again;

		r.rep = calloc(1, sizeof(*r.rep));
		if (!r.rep) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", path);
			break;
		}
		for (int a = 0; !rc && a < N_ALGS; a++)
			if (!r.ctx[a] && !(r.ctx[a] = EVP_MD_CTX_new()))
				rc = lt_err_set(err, LT_ENOMEM, "out of memory reading bag '%s'", path);
		if (!rc)
			rc = is_dir ? read_dir(&r, err) : read_tar(&r, err);
		if (!rc && pass == 0 && !is_dir && (again = missing_algs(&r)) != 0) {
			/* The caller has had every entry once: the second pass only hashes. */
			r.opts = NULL;
			r.want = again | 1u << ALG_SHA256;
			reader_reset(&r);
			lt_bag_report_free(r.rep);
			r.rep = NULL;
			continue;
		}
		break;
	}
	if (!rc && !r.rep->name)
		rc = PROBLEM(&r, err, LT_BAG_LAYOUT, "",
			     N_("'%s' holds no top directory: an empty tar"), path);
	if (!rc)
		rc = check_all(&r, err);
	if (!rc)
		rc = fill_files(&r, err);
	for (int a = 0; a < N_ALGS; a++)
		EVP_MD_CTX_free(r.ctx[a]);
	reader_reset(&r);
	if (rc)
		lt_bag_report_free(r.rep);
	else
		*out = r.rep;
	return rc;
}

/* ---- one member out ---- */

struct extract {
	const char *member;
	int fd;
	int found;
	const char *bag_path;
};

static int extract_select(void *ud, const struct lt_bag_entry *e)
{
	struct extract *x = ud;

	if (e->type != S_IFREG || strcmp(e->path, x->member) != 0)
		return 0;
	x->found++;
	return 1;
}

static int extract_data(void *ud, const void *buf, size_t len, struct lt_err *err)
{
	struct extract *x = ud;

	return lt_write_all(x->fd, buf, len, "the extracted member", err);
}

int lt_bag_extract(const char *bag_path, const char *rel_path, int fd, struct lt_err *err)
{
	struct extract x = { rel_path, fd, 0, bag_path };
	struct lt_bag_read_opts opts = { extract_select, extract_data, &x, 1 };
	struct lt_bag_report *rep = NULL;
	int rc = lt_bag_read(bag_path, &opts, &rep, err);

	if (rc)
		return rc;
	if (x.found > 1) {
		rc = lt_err_set(err, LT_EVERIFY, "bag '%s' holds '%s' twice", bag_path, rel_path);
		goto out;
	}
	if (!x.found) {
		rc = lt_err_set(err, LT_ENOTFOUND, "bag '%s' has no file '%s'", bag_path, rel_path);
		goto out;
	}
	/* The member's own problems, and any with a tag file: a manifest that
	 * does not match its tag manifest vouches for nothing. */
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct lt_bag_problem *p = &rep->problems[i];

		if (strcmp(p->path, rel_path) == 0 || !strchr(p->path, '/')) {
			rc = lt_err_set(err, LT_EVERIFY, "bag '%s', '%s': %s", bag_path, rel_path, p->reason);
			goto out;
		}
	}
out:
	lt_bag_report_free(rep);
	return rc;
}
