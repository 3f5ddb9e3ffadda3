/* retrieve.c - bundles out of the archive, verified as they are copied:
 * temporary file, hash while writing, compare with the catalog, rename.
 * A bag extracted into a folder the same way: every entry checked before
 * anything is written, extracted with libarchive's secure flags into a
 * temporary folder, validated, then renamed into place.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/retrieve.h"
#include "luutru/i18n.h"

struct copy {
	struct lt_sha256 h;
	uint64_t total;
	int out;
	const char *dst;
};

static int copy_chunk(void *ud, const void *data, size_t len, struct lt_err *err)
{
	struct copy *c = ud;
	int rc = lt_sha256_update(&c->h, data, len, err);

	c->total += len;
	return rc ? rc : lt_write_all(c->out, data, len, c->dst, err);
}

/* The folder dst is named in: "." for a bare name, "/" for "/x".
 * Returns: *dir owned, free(). */
static int parent_of(const char *dst, char **dir, struct lt_err *err)
{
	const char *slash = strrchr(dst, '/');

	*dir = NULL;
	if (!slash)
		return lt_strdup(".", dir, err);
	if (slash == dst)
		return lt_strdup("/", dir, err);
	if (!(*dir = strndup(dst, (size_t)(slash - dst))))
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	return LT_OK;
}

/* Is dst inside the archive? Judged on real paths of the archive and of
 * dst's folder, so "..", symlinked folders and relative paths do not
 * matter. If either cannot be resolved dst's folder does not exist, and the
 * write will fail on its own. */
static int inside_archive(const char *archive, const char *dst, int *inside, struct lt_err *err)
{
	char *dir = NULL, *real_archive = NULL, *real_dir = NULL;
	int rc;
	size_t n;

	*inside = 0;
	rc = parent_of(dst, &dir, err);
	if (rc)
		return rc;
	real_archive = realpath(archive, NULL);
	real_dir = real_archive ? realpath(dir, NULL) : NULL;
	if (real_archive && real_dir) {
		n = strlen(real_archive);
		*inside = strncmp(real_dir, real_archive, n) == 0 &&
			  (real_dir[n] == '/' || real_dir[n] == '\0' || n == 1);
	}
	free(real_dir);
	free(real_archive);
	free(dir);
	return LT_OK;
}

/* In a folder anyone may write to, without the sticky bit (/tmp has it),
 * another user can rename or replace our file between our checks and our
 * rename, or swap dst for a link after we looked: refused, whoever we run
 * as. A folder that cannot be looked at is left to the write to report. */
static int safe_folder(const char *dst, struct lt_err *err)
{
	char *dir = NULL;
	struct stat st;
	int rc = parent_of(dst, &dir, err);

	if (!rc && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH) &&
	    !(st.st_mode & S_ISVTX))
		rc = lt_err_set(err, LT_EUSAGE, "'%s' is in '%s', a folder anyone may write to and "
				"without the sticky bit (chmod +t): another user could swap what is "
				"written there; choose another --out", dst, dir);
	free(dir);
	return rc;
}

/* dst itself a symlink: refused unless the caller asked to follow it,
 * since another user may have planted it to point at a file we can write
 * and they cannot. Followed, *target is where it points (owned, free()),
 * else NULL. */
static int final_link(const char *dst, unsigned flags, char **target, struct lt_err *err)
{
	struct stat st;

	*target = NULL;
	if (lstat(dst, &st) != 0 || !S_ISLNK(st.st_mode))
		return LT_OK;
	if (!(flags & LT_RETRIEVE_FOLLOW_SYMLINK))
		return lt_err_set(err, LT_EUSAGE, "'%s' is a symlink: get does not write through one "
				  "unless asked (--follow-symlinks); remove it or choose another --out",
				  dst);
	*target = realpath(dst, NULL);
	if (!*target)
		return lt_err_set(err, LT_EUSAGE, "'%s' is a symlink to nothing: choose another --out",
				  dst);
	return LT_OK;
}

int lt_copy_bundle_bytes(int in, const char *src, enum lt_code read_code, int out,
			 const char *dst, const char *expect_sha, uint64_t expect_size,
			 struct lt_err *err)
{
	struct copy c = { .out = out, .dst = dst };
	char sha[LT_SHA256_HEX];
	int rc = lt_sha256_init(&c.h, err);

	if (!rc)
		rc = lt_read_chunks(in, src, read_code, copy_chunk, &c, err);
	if (!rc)
		rc = lt_sha256_final(&c.h, sha, err);
	if (!rc && (strcmp(sha, expect_sha) != 0 || c.total != expect_size))
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: SHA-256 %s, %llu bytes; "
				"the catalog recorded %s, %llu bytes", src, sha, (unsigned long long)c.total,
				expect_sha, (unsigned long long)expect_size);
	lt_sha256_release(&c.h);
	return rc;
}

static int copy_into(int in, const char *src, int out, const char *dst, const char *expect_sha,
		     uint64_t expect_size, struct lt_err *err)
{
	return lt_copy_bundle_bytes(in, src, LT_EIO, out, dst, expect_sha, expect_size, err);
}

/* Into a regular file: beside it, then renamed, so dst changes only to the
 * verified bundle. mkstemp creates with O_EXCL, which never follows a link;
 * rename() replaces the name dst, never what a link planted there after our
 * checks points to. */
static int copy_replacing(int in, const char *src, const char *dst, const char *expect_sha,
			  uint64_t expect_size, struct lt_err *err)
{
	char *tmp = NULL;
	int out, rc;
	mode_t mask;

	rc = lt_path(&tmp, err, "%s.part-XXXXXX", dst);
	if (rc)
		return rc;
	out = mkstemp(tmp);
	if (out < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst,
				errno == ENOENT ? lt_i18n_err_format(N_("its folder does not exist")) : strerror(errno));
		free(tmp);
		return rc;
	}
	rc = copy_into(in, src, out, tmp, expect_sha, expect_size, err);
	/* mkstemp makes 0600; a copy gets what any new file would. */
	mask = umask(0);
	umask(mask);
	if (!rc && (fchmod(out, 0666 & ~mask) != 0 || fsync(out) != 0))
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (close(out) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (!rc && rename(tmp, dst) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* The bag's own proof, before a byte is copied: every manifest digest, the
 * Payload-Oxum and the layout (lt_bag_read), and the tar's digest and size
 * against what the catalog recorded. The copy is hashed again as it is
 * written, so a bundle that changes in between is still caught. */
static int check_bag(const char *src, const struct lt_bundle *bundle, struct lt_bag_report **keep,
		     struct lt_err *err)
{
	struct lt_bag_report *rep = NULL;
	int rc = lt_bag_read(src, NULL, &rep, err);

	if (rc == LT_ENOTFOUND || rc == LT_EIO || rc == LT_EARCHIVE) {
		lt_err_prefix(err, "bundle '%s' is damaged: it cannot be read as a bag: ", src);
		rc = err ? (err->code = LT_EVERIFY) : LT_EVERIFY;
	} else if (!rc && rep->n_problems) {
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: %s: %s (%zu problem%s)", src,
				rep->problems[0].path, rep->problems[0].reason, rep->n_problems,
				rep->n_problems == 1 ? "" : "s");
	} else if (!rc && (strcmp(rep->sha256, bundle->sha256) != 0 || rep->size != bundle->size)) {
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: SHA-256 %s, %llu bytes; "
				"the catalog recorded %s, %llu bytes", src, rep->sha256,
				(unsigned long long)rep->size, bundle->sha256,
				(unsigned long long)bundle->size);
	}
	if (!rc && keep) {
		*keep = rep;
		rep = NULL;
	}
	lt_bag_report_free(rep);
	return rc;
}

/* Straight into a device or pipe that exists (/dev/null, a FIFO): opened
 * without following a link and checked again once open, so a regular file
 * swapped in meanwhile is never written over in place. */
static int copy_to_special(int in, const char *src, const char *dst, const struct lt_bundle *bundle,
			   struct lt_err *err)
{
	struct stat st;
	int out = open(dst, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC), rc;

	if (out < 0)
		return lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	if (fstat(out, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		close(out);
		return lt_err_set(err, LT_EIO, "cannot write '%s': it changed while it was opened", dst);
	}
	rc = copy_into(in, src, out, dst, bundle->sha256, bundle->size, err);
	if (close(out) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	return rc;
}

/* Where the bytes of a hand-out really go, after get's refusals: a symlink
 * at dst (unless followed), a place inside the archive, a folder anyone may
 * write to without the sticky bit. *target: where a followed link points
 * (owned, free()) or NULL; *special: a device or pipe that exists. */
static int check_dst(const char *archive_dir, const char *dst, unsigned flags, char **target,
		     int *special, struct lt_err *err)
{
	struct stat st;
	int rc = LT_OK, inside = 0;

	*target = NULL;
	*special = 0;
	if (strcmp(dst, "-") == 0)
		return LT_OK;
	/* The archive check is on where the bytes would really go. */
	rc = final_link(dst, flags, target, err);
	if (!rc && *target)
		dst = *target;
	if (!rc)
		rc = inside_archive(archive_dir, dst, &inside, err);
	if (!rc && inside)
		rc = lt_err_set(err, LT_EUSAGE, "'%s' is inside the archive: choose another --out", dst);
	*special = !rc && lstat(dst, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode);
	if (!rc && !*special)
		rc = safe_folder(dst, err);
	return rc;
}

/* Copies in (named src) to dst, checked by check_dst(), hashing on the way
 * against expect_sha/expect_size. */
static int send_to(int in, const char *src, const char *dst, int special, const char *expect_sha,
		   uint64_t expect_size, struct lt_err *err)
{
	if (strcmp(dst, "-") == 0)
		return copy_into(in, src, STDOUT_FILENO, lt_i18n_err_format(N_("standard output")),
				 expect_sha, expect_size,
				 err);
	if (special) {
		struct lt_bundle b = { .size = expect_size };

		memcpy(b.sha256, expect_sha, LT_SHA256_HEX);
		return copy_to_special(in, src, dst, &b, err);
	}
	return copy_replacing(in, src, dst, expect_sha, expect_size, err);
}

int lt_retrieve_bundle(const char *archive_dir, const struct lt_bundle *bundle, const char *dst,
		       unsigned flags, struct lt_err *err)
{
	char *src = NULL, *target = NULL;
	int in = -1, rc, special = 0;

	if (!bundle->path)
		return lt_err_set(err, LT_ENOTFOUND, "no bundle to retrieve");
	rc = check_dst(archive_dir, dst, flags, &target, &special, err);
	if (!rc)
		rc = lt_path(&src, err, "%s/%s", archive_dir, bundle->path);
	if (rc)
		goto out;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is missing from the archive: %s", src,
				strerror(errno));
		goto out;
	}
	rc = check_bag(src, bundle, NULL, err);
	if (!rc)
		rc = send_to(in, src, target ? target : dst, special, bundle->sha256, bundle->size,
			     err);
out:
	if (in >= 0)
		close(in);
	free(src);
	free(target);
	return rc;
}

/* ---- files of a bundle ---- */

struct members {
	const char *const *paths;
	const int *fds;
	size_t n;
	int *found;      /* times each path was met */
	int current;     /* the index select() accepted last; -1 none */
};

static int member_select(void *ud, const struct lt_bag_entry *e)
{
	struct members *m = ud;

	m->current = -1;
	if (e->type != S_IFREG)
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(e->path, m->paths[i]) == 0) {
			m->found[i]++;
			m->current = (int)i;
			return 1;
		}
	return 0;
}

static int member_data(void *ud, const void *buf, size_t len, struct lt_err *err)
{
	struct members *m = ud;

	/* A member met twice is refused after the read; its second copy must
	 * not be appended to the first meanwhile. */
	if (m->current < 0 || m->found[m->current] > 1)
		return LT_OK;
	return lt_write_all(m->fds[m->current], buf, len, m->paths[m->current], err);
}

/* The catalog's record of a member, when bundle->files was loaded. */
static const struct lt_bundle_file *catalog_record(const struct lt_bundle *bundle, const char *path)
{
	for (size_t i = 0; i < bundle->n_files; i++)
		if (strcmp(bundle->files[i].path, path) == 0)
			return &bundle->files[i];
	return NULL;
}

/* One member's verdict: found once, no problem of its own or of a tag file
 * (a manifest that does not match its tag manifest vouches for nothing),
 * and the digest the catalog recorded. */
static int member_sound(const char *src, const struct lt_bag_report *rep,
			const struct lt_bundle *bundle, const char *path, int found,
			struct lt_err *err)
{
	const struct lt_bundle_file *rec = catalog_record(bundle, path);

	if (found > 1)
		return lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: it holds '%s' twice", src,
				  path);
	if (!found)
		return lt_err_set(err, LT_ENOTFOUND, "bundle '%s' has no file '%s'", src, path);
	for (size_t i = 0; i < rep->n_problems; i++) {
		const struct lt_bag_problem *p = &rep->problems[i];

		if (strcmp(p->path, path) == 0 || !strchr(p->path, '/'))
			return lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: '%s': %s", src,
					  p->path, p->reason);
	}
	for (size_t i = 0; rec && i < rep->n_files; i++) {
		const struct lt_bag_file *f = &rep->files[i];

		if (strcmp(f->path, path) == 0 &&
		    (strcmp(f->sha256, rec->sha256) != 0 || f->size != rec->size))
			return lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: '%s' has SHA-256 "
					  "%s, %llu bytes; the catalog recorded %s, %llu bytes", src,
					  path, f->sha256, (unsigned long long)f->size, rec->sha256,
					  (unsigned long long)rec->size);
	}
	return LT_OK;
}

int lt_retrieve_members(const char *archive_dir, const struct lt_bundle *bundle,
			const char *const *members, const int *fds, size_t n, struct lt_err *err)
{
	struct members m = { members, fds, n, NULL, -1 };
	struct lt_bag_read_opts opts = { member_select, member_data, &m, 1 };
	struct lt_bag_report *rep = NULL;
	char *src = NULL;
	int rc;

	if (!bundle->path)
		return lt_err_set(err, LT_ENOTFOUND, "no bundle to retrieve");
	if (!(m.found = calloc(n ? n : 1, sizeof(*m.found))))
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	rc = lt_path(&src, err, "%s/%s", archive_dir, bundle->path);
	if (!rc && access(src, F_OK) != 0)
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is missing from the archive: %s", src,
				strerror(errno));
	if (!rc)
		rc = lt_bag_read(src, &opts, &rep, err);
	if (rc == LT_EARCHIVE) {
		lt_err_prefix(err, "bundle '%s' is damaged: it cannot be read as a bag: ", src);
		rc = err ? (err->code = LT_EVERIFY) : LT_EVERIFY;
	}
	for (size_t i = 0; !rc && i < n; i++)
		rc = member_sound(src, rep, bundle, members[i], m.found[i], err);
	lt_bag_report_free(rep);
	free(m.found);
	free(src);
	return rc;
}

int lt_retrieve_scratch(const char *what, int *fd, struct lt_err *err)
{
	*fd = memfd_create(what, MFD_CLOEXEC);
	if (*fd < 0)
		return lt_err_set(err, LT_EIO, "cannot make a memory file for %s: %s", what,
				  strerror(errno));
	return LT_OK;
}

static int rewind_fd(int fd, const char *what, struct lt_err *err)
{
	if (lseek(fd, 0, SEEK_SET) != 0)
		return lt_err_set(err, LT_EIO, "cannot read %s again: %s", what, strerror(errno));
	return LT_OK;
}

struct digest {
	struct lt_sha256 h;
	uint64_t total;
};

static int digest_chunk(void *ud, const void *data, size_t len, struct lt_err *err)
{
	struct digest *d = ud;

	d->total += len;
	return lt_sha256_update(&d->h, data, len, err);
}

int lt_retrieve_deliver(const char *archive_dir, int in, const char *what, const char *dst,
			unsigned flags, char *sha_out, struct lt_err *err)
{
	struct digest d = { .total = 0 };
	char sha[LT_SHA256_HEX], *target = NULL;
	int rc, special = 0;

	rc = check_dst(archive_dir, dst, flags, &target, &special, err);
	if (!rc)
		rc = lt_sha256_init(&d.h, err);
	if (!rc) {
		rc = rewind_fd(in, what, err);
		if (!rc)
			rc = lt_read_chunks(in, what, LT_EIO, digest_chunk, &d, err);
		if (!rc)
			rc = lt_sha256_final(&d.h, sha, err);
		lt_sha256_release(&d.h);
	}
	if (!rc)
		rc = rewind_fd(in, what, err);
	if (!rc)
		rc = send_to(in, what, target ? target : dst, special, sha, d.total, err);
	if (!rc && sha_out)
		memcpy(sha_out, sha, LT_SHA256_HEX);
	free(target);
	return rc;
}

/* ---- a bag into a new folder ---- */

#define CHUNK ((size_t)1 << 16)

/* What libarchive may do on disk: nothing through a symlink, nothing with
 * "..", nothing absolute, never replace what an earlier entry wrote; no
 * owner, permissions, ACLs, attributes or flags from the tar (not asked
 * for), only the modification times. */
#define EXTRACT_FLAGS (ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT | \
		       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_NO_OVERWRITE | \
		       ARCHIVE_EXTRACT_TIME)

/* The bundle as libarchive reads it, hashed on the way: the second read
 * must be of the same bytes the first one checked. */
struct tar_in {
	int fd;
	const char *path;
	struct lt_sha256 h;
	uint64_t total;
	unsigned char *buf;
	struct lt_err io_err;
};

static la_ssize_t tar_in_read(struct archive *ar, void *ud, const void **buf)
{
	struct tar_in *t = ud;
	ssize_t n;

	do
		n = read(t->fd, t->buf, CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		lt_err_set(&t->io_err, LT_EIO, "cannot read bundle '%s': %s", t->path, strerror(errno));
		archive_set_error(ar, EIO, "%s", t->io_err.msg);
		return -1;
	}
	if (n > 0 && lt_sha256_update(&t->h, t->buf, (size_t)n, &t->io_err) != LT_OK) {
		archive_set_error(ar, ENOMEM, "%s", t->io_err.msg);
		return -1;
	}
	t->total += (uint64_t)n;
	*buf = t->buf;
	return n;
}

/* A relative name with no empty, "." or ".." component that cannot name
 * anything outside the folder it is resolved in. */
static int plain_relative(const char *p)
{
	if (!*p || *p == '/' || *p == '~')
		return 0;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!p[n])
			return 1;
		p += n + 1;
	}
}

static int refuse_entry(const char *src, const char *name, const char *why, struct lt_err *err)
{
	return lt_err_set(err, LT_EVERIFY, "bundle '%s' changed while it was extracted: '%s' %s; "
			  "nothing was kept", src, name, why);
}

/* One entry: checked again (the tar may have been swapped since
 * lt_bag_read() saw it), renamed relative to the bag's top directory, its
 * mode made sane, and written below the working directory. */
static int extract_entry(struct archive *ar, struct archive *disk, struct archive_entry *ae,
			 const char *src, const char *top, struct lt_err *err)
{
	const char *name = archive_entry_pathname_utf8(ae);
	mode_t type = archive_entry_filetype(ae);
	size_t top_len = strlen(top), n;
	char *rel = NULL;
	int rc = LT_OK;

	if (!name)
		name = archive_entry_pathname(ae);
	if (!name || strncmp(name, top, top_len) != 0 || (name[top_len] != '/' && name[top_len]))
		return refuse_entry(src, name ? name : "",
				    lt_i18n_err_format(N_("is outside the bag's top directory")), err);
	name += top_len;
	if (*name == '/')
		name++;
	n = strlen(name);
	while (type == S_IFDIR && n && name[n - 1] == '/')
		n--;
	if (!n)
		return type == S_IFDIR ? LT_OK : refuse_entry(src, top,
							      lt_i18n_err_format(N_("is not a directory")), err);
	if (!(rel = strndup(name, n)))
		return lt_err_set(err, LT_ENOMEM, "out of memory extracting bundle '%s'", src);
	if (!plain_relative(rel))
		rc = refuse_entry(src, rel, lt_i18n_err_format(N_("is not a plain relative path")),
				  err);
	else if (archive_entry_hardlink(ae) || archive_entry_symlink(ae))
		rc = refuse_entry(src, rel, lt_i18n_err_format(N_("is a link")), err);
	else if (type != S_IFREG && type != S_IFDIR)
		rc = refuse_entry(src, rel,
				  lt_i18n_err_format(N_("is not a regular file or a directory")), err);
	if (rc)
		goto out;
	/* The raw UTF-8 bytes: the names on disk are the manifest's. */
	archive_entry_copy_pathname(ae, rel);
	archive_entry_set_perm(ae, type == S_IFDIR ? 0755 : 0644);
	if (archive_write_header(disk, ae) < ARCHIVE_WARN) {
		rc = lt_err_set(err, LT_EVERIFY, "cannot extract '%s' from bundle '%s': %s", rel, src,
				archive_error_string(disk));
		goto out;
	}
	while (type == S_IFREG) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int r = archive_read_data_block(ar, &buf, &len, &off);

		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = lt_err_set(err, LT_EVERIFY, "cannot read '%s' in bundle '%s': %s", rel, src,
					archive_error_string(ar));
			goto out;
		}
		if (archive_write_data_block(disk, buf, len, off) < ARCHIVE_WARN) {
			rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", rel,
					archive_error_string(disk));
			goto out;
		}
	}
	if (archive_write_finish_entry(disk) < ARCHIVE_WARN)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", rel, archive_error_string(disk));
out:
	free(rel);
	return rc;
}

/* Extracts the bag under top/ in the tar src into the folder tmp (which
 * exists and is empty). libarchive resolves names from the working
 * directory, so it is moved into tmp for the loop: the entry names stay
 * relative, which is what lets ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS refuse
 * an absolute one. */
static int extract_tar(const char *src, const char *top, const char *tmp,
		       const struct lt_bundle *bundle, struct lt_err *err)
{
	struct tar_in in = { .fd = -1, .path = src };
	struct archive *ar = NULL, *disk = NULL;
	struct archive_entry *ae;
	char sha[LT_SHA256_HEX];
	int rc, ar_rc, here = -1, there = -1, moved = 0;
	const void *rest;

	rc = lt_sha256_init(&in.h, err);
	if (rc)
		return rc;
	in.buf = malloc(CHUNK);
	ar = archive_read_new();
	disk = archive_write_disk_new();
	if (!in.buf || !ar || !disk) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory extracting bundle '%s'", src);
		goto out;
	}
	in.fd = open(src, O_RDONLY | O_CLOEXEC);
	if (in.fd < 0) {
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is missing from the archive: %s", src,
				strerror(errno));
		goto out;
	}
	here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	there = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (here < 0 || there < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot open the folder %s: %s",
				here < 0 ? lt_i18n_err_format(N_("we work in")) : tmp, strerror(errno));
		goto out;
	}
	if (archive_read_support_format_tar(ar) != ARCHIVE_OK ||
	    archive_read_open(ar, &in, NULL, tar_in_read, NULL) != ARCHIVE_OK ||
	    archive_write_disk_set_options(disk, EXTRACT_FLAGS) != ARCHIVE_OK) {
		rc = in.io_err.code ? lt_err_set(err, in.io_err.code, "%s", in.io_err.msg)
				    : lt_err_set(err, LT_EARCHIVE, "cannot read bundle '%s': %s", src,
						 archive_error_string(ar));
		goto out;
	}
	if (fchdir(there) != 0) {
		rc = lt_err_set(err, LT_EIO, "cannot enter '%s': %s", tmp, strerror(errno));
		goto out;
	}
	moved = 1;
	while ((ar_rc = archive_read_next_header(ar, &ae)) == ARCHIVE_OK || ar_rc == ARCHIVE_WARN) {
		rc = extract_entry(ar, disk, ae, src, top, err);
		if (rc)
			goto out;
	}
	if (ar_rc != ARCHIVE_EOF) {
		rc = in.io_err.code ? lt_err_set(err, in.io_err.code, "%s", in.io_err.msg)
				    : lt_err_set(err, LT_EVERIFY, "bundle '%s' changed while it was "
						 "extracted: %s", src, archive_error_string(ar));
		goto out;
	}
	/* Directory times are set here, after their files. */
	if (archive_write_close(disk) != ARCHIVE_OK) {
		rc = lt_err_set(err, LT_EIO, "cannot finish extracting into '%s': %s", tmp,
				archive_error_string(disk));
		goto out;
	}
	/* The bytes after the end-of-archive blocks count in the digest too. */
	while (tar_in_read(ar, &in, &rest) > 0)
		;
	if (in.io_err.code) {
		rc = lt_err_set(err, in.io_err.code, "%s", in.io_err.msg);
		goto out;
	}
	rc = lt_sha256_final(&in.h, sha, err);
	if (!rc && (strcmp(sha, bundle->sha256) != 0 || in.total != bundle->size))
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' changed while it was extracted: SHA-256 "
				"%s, %llu bytes; the catalog recorded %s, %llu bytes", src, sha,
				(unsigned long long)in.total, bundle->sha256,
				(unsigned long long)bundle->size);
out:
	/* Freed before leaving tmp: on an error path, freeing runs the
	 * handle's pending fix-ups (directory times), by relative name. */
	if (disk)
		archive_write_free(disk);
	if (moved && fchdir(here) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot return to the working directory: %s",
				strerror(errno));
	if (here >= 0)
		close(here);
	if (there >= 0)
		close(there);
	if (in.fd >= 0)
		close(in.fd);
	if (ar)
		archive_read_free(ar);
	lt_sha256_release(&in.h);
	free(in.buf);
	return rc;
}

static int fsync_path(const char *path, int flags, struct lt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | flags), rc = LT_OK;

	if (fd < 0 || fsync(fd) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Every extracted file and its folder on disk before the rename makes them
 * the bag at dst_dir. Files come sorted by path, so a folder's files are
 * together and each folder is synced once (about). */
static int sync_bag(const char *root, const struct lt_bag_report *rep, struct lt_err *err)
{
	char *path = NULL, *last_dir = NULL;
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < rep->n_files; i++) {
		char *slash;

		free(path);
		path = NULL;
		rc = lt_path(&path, err, "%s/%s", root, rep->files[i].path);
		if (!rc)
			rc = fsync_path(path, 0, err);
		if (rc)
			break;
		slash = strrchr(path, '/');
		*slash = '\0';
		if (!last_dir || strcmp(last_dir, path) != 0) {
			rc = fsync_path(path, O_DIRECTORY, err);
			free(last_dir);
			last_dir = strdup(path);
			if (!rc && !last_dir)
				rc = lt_err_set(err, LT_ENOMEM, "out of memory");
		}
	}
	if (!rc)
		rc = fsync_path(root, O_DIRECTORY, err);
	free(last_dir);
	free(path);
	return rc;
}

/* 1 if path is a folder holding nothing, 0 if it holds something; errors
 * name it. */
static int dir_is_empty(const char *path, int *empty, struct lt_err *err)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return lt_err_set(err, LT_EIO, "cannot read the folder '%s': %s", path, strerror(errno));
	*empty = 1;
	errno = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			*empty = 0;
			break;
		}
	closedir(d);
	return LT_OK;
}

/* dst_dir as it will be used: no trailing '/', a symlink's target (if
 * asked), and refused unless it is new or an empty folder outside the
 * archive, in a folder other users cannot swap things in. */
static int bag_target(const char *archive_dir, const char *dst_dir, unsigned flags, char **out,
		      struct lt_err *err)
{
	char *dst = NULL, *target = NULL;
	struct stat st;
	size_t n;
	int rc, empty = 0, inside = 0;

	*out = NULL;
	if (!*dst_dir || strcmp(dst_dir, "-") == 0)
		return lt_err_set(err, LT_EUSAGE, "a bag is extracted into a folder: give --out a new "
				  "folder's path");
	rc = lt_strdup(dst_dir, &dst, err);
	if (rc)
		return rc;
	n = strlen(dst);
	while (n > 1 && dst[n - 1] == '/')
		dst[--n] = '\0';
	rc = final_link(dst, flags, &target, err);
	if (rc)
		goto out;
	if (target) {
		free(dst);
		dst = target;
	}
	if (stat(dst, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			rc = lt_err_set(err, LT_EUSAGE, "'%s' exists and is not a folder: the bag goes "
					"into a new folder", dst);
			goto out;
		}
		rc = dir_is_empty(dst, &empty, err);
		if (!rc && !empty)
			rc = lt_err_set(err, LT_EUSAGE, "'%s' is not empty: the bag goes into a new "
					"folder; choose another --out", dst);
	} else if (errno != ENOENT) {
		rc = lt_err_set(err, LT_EIO, "cannot access '%s': %s", dst, strerror(errno));
	}
	if (!rc)
		rc = inside_archive(archive_dir, dst, &inside, err);
	if (!rc && inside)
		rc = lt_err_set(err, LT_EUSAGE, "'%s' is inside the archive: choose another --out", dst);
	if (!rc)
		rc = safe_folder(dst, err);
out:
	if (rc)
		free(dst);
	else
		*out = dst;
	return rc;
}

int lt_retrieve_bag(const char *archive_dir, const struct lt_bundle *bundle, const char *dst_dir,
		    unsigned flags, struct lt_bag_report **report, struct lt_err *err)
{
	struct lt_bag_report *checked = NULL, *rep = NULL;
	char *dst = NULL, *src = NULL, *tmp = NULL, *name = NULL;
	struct stat st;
	int rc, made = 0;
	mode_t mask;

	if (report)
		*report = NULL;
	if (!bundle->path)
		return lt_err_set(err, LT_ENOTFOUND, "no bundle to retrieve");
	rc = bag_target(archive_dir, dst_dir, flags, &dst, err);
	if (!rc)
		rc = lt_path(&src, err, "%s/%s", archive_dir, bundle->path);
	if (rc)
		goto out;
	if (stat(src, &st) != 0) {
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is missing from the archive: %s", src,
				strerror(errno));
		goto out;
	}
	/* Every name, type and digest, before anything is written. */
	rc = check_bag(src, bundle, &checked, err);
	if (rc) {
		lt_err_prefix(err, "nothing extracted: ");
		goto out;
	}
	rc = lt_path(&tmp, err, "%s.part-XXXXXX", dst);
	if (rc)
		goto out;
	if (!mkdtemp(tmp)) {
		rc = lt_err_set(err, LT_EIO, "cannot create a folder beside '%s': %s", dst,
				errno == ENOENT ? lt_i18n_err_format(N_("its folder does not exist")) : strerror(errno));
		goto out;
	}
	made = 1;
	rc = extract_tar(src, checked->name, tmp, bundle, err);
	if (!rc)
		rc = lt_bag_read(tmp, NULL, &rep, err);
	if (!rc && rep->n_problems)
		rc = lt_err_set(err, LT_EVERIFY, "the bag extracted from '%s' does not validate: %s: %s "
				"(%zu problem%s); nothing was kept", src, rep->problems[0].path,
				rep->problems[0].reason, rep->n_problems, rep->n_problems == 1 ? "" : "s");
	else if (!rc && rep->n_files != checked->n_files)
		rc = lt_err_set(err, LT_EVERIFY, "the bag extracted from '%s' holds %zu files, the "
				"bundle %zu; nothing was kept", src, rep->n_files, checked->n_files);
	if (!rc)
		rc = sync_bag(tmp, rep, err);
	/* mkdtemp makes 0700; the bag's folder gets what any new one would. */
	mask = umask(0);
	umask(mask);
	if (!rc && chmod(tmp, 0777 & ~mask) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot set the mode of '%s': %s", tmp, strerror(errno));
	/* Over an empty folder at most: rename() refuses a non-empty one, so
	 * whatever appeared at dst meanwhile is never replaced. */
	if (!rc && rename(tmp, dst) != 0)
		rc = lt_err_set(err, errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR
				? LT_EUSAGE : LT_EIO, "cannot move the bag to '%s': %s", dst,
				errno == ENOTEMPTY || errno == EEXIST ? lt_i18n_err_format(N_("it is no longer empty"))
								      : strerror(errno));
	if (rc)
		goto out;
	made = 0;
	rc = lt_fsync_parent(dst, err);
	if (!rc)
		rc = lt_strdup(lt_basename(dst), &name, err);
	if (!rc) {
		free(rep->name);
		rep->name = name;
		if (report) {
			*report = rep;
			rep = NULL;
		}
	}
out:
	if (made)
		lt_remove_tree(tmp, NULL);
	lt_bag_report_free(rep);
	lt_bag_report_free(checked);
	free(tmp);
	free(src);
	free(dst);
	return rc;
}
