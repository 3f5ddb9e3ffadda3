/* retrieve.c - bundles out of the archive, verified as they are copied:
 * temporary file, hash while writing, compare with the catalog, rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/retrieve.h"

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

/* Is dst inside the archive? Judged on real paths of the archive and of
 * dst's folder, so "..", symlinked folders and relative paths do not
 * matter. If either cannot be resolved dst's folder does not exist, and the
 * write will fail on its own. */
static int inside_archive(const char *archive, const char *dst, int *inside, struct lt_err *err)
{
	const char *slash = strrchr(dst, '/');
	char *dir = NULL, *real_archive = NULL, *real_dir = NULL;
	int rc = LT_OK;
	size_t n;

	*inside = 0;
	if (!slash)
		rc = lt_strdup(".", &dir, err);
	else if (slash == dst)
		rc = lt_strdup("/", &dir, err);
	else if (!(dir = strndup(dst, (size_t)(slash - dst))))
		rc = lt_err_set(err, LT_ENOMEM, "out of memory");
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

static int copy_into(int in, const char *src, int out, const char *dst, const char *expect_sha,
		     uint64_t expect_size, struct lt_err *err)
{
	struct copy c = { .out = out, .dst = dst };
	char sha[LT_SHA256_HEX];
	int rc = lt_sha256_init(&c.h, err);

	if (!rc)
		rc = lt_read_chunks(in, src, LT_EIO, copy_chunk, &c, err);
	if (!rc)
		rc = lt_sha256_final(&c.h, sha, err);
	if (!rc && (strcmp(sha, expect_sha) != 0 || c.total != expect_size))
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: SHA-256 %s, %llu bytes; "
				"the catalog recorded %s, %llu bytes", src, sha, (unsigned long long)c.total,
				expect_sha, (unsigned long long)expect_size);
	lt_sha256_release(&c.h);
	return rc;
}

/* Into a regular file: beside it, then renamed, so dst changes only to the
 * verified bundle. */
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
				errno == ENOENT ? "its folder does not exist" : strerror(errno));
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
static int check_bag(const char *src, const struct lt_bundle *bundle, struct lt_err *err)
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
	lt_bag_report_free(rep);
	return rc;
}

int lt_retrieve_bundle(const char *archive_dir, const struct lt_bundle *bundle, const char *dst,
		       struct lt_err *err)
{
	char *src = NULL, *target = NULL;
	struct stat st;
	int in = -1, out, rc, inside = 0, to_stdout = strcmp(dst, "-") == 0;

	if (!bundle->path)
		return lt_err_set(err, LT_ENOTFOUND, "no bundle to retrieve");
	/* Through a symlink to where it points, not over the link; and the
	 * archive check is on where the bytes would really go. */
	if (!to_stdout && lstat(dst, &st) == 0 && S_ISLNK(st.st_mode)) {
		target = realpath(dst, NULL);
		if (!target)
			return lt_err_set(err, LT_EUSAGE, "'%s' is a symlink to nothing: choose another --out",
					  dst);
		dst = target;
	}
	rc = to_stdout ? LT_OK : inside_archive(archive_dir, dst, &inside, err);
	if (!rc && inside)
		rc = lt_err_set(err, LT_EUSAGE, "'%s' is inside the archive: choose another --out", dst);
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
	rc = check_bag(src, bundle, err);
	if (rc)
		goto out;
	if (to_stdout) {
		rc = copy_into(in, src, STDOUT_FILENO, "standard output", bundle->sha256, bundle->size,
			       err);
	} else if (stat(dst, &st) == 0 && !S_ISREG(st.st_mode)) {
		out = open(dst, O_WRONLY | O_CLOEXEC);
		if (out < 0) {
			rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
			goto out;
		}
		rc = copy_into(in, src, out, dst, bundle->sha256, bundle->size, err);
		if (close(out) != 0 && !rc)
			rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	} else {
		rc = copy_replacing(in, src, dst, bundle->sha256, bundle->size, err);
	}
out:
	if (in >= 0)
		close(in);
	free(src);
	free(target);
	return rc;
}
