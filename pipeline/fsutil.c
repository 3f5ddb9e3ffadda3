/* fsutil.c - file-system helpers: directories, durable renames, whole-file reads. */
#include "luutru/fsutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int lt_path(char **out, struct lt_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	*out = NULL;
	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*out = NULL;
		return lt_err_set(err, LT_ENOMEM, "out of memory building a path");
	}
	if (n >= PATH_MAX) {
		int rc = lt_err_set(err, LT_EIO, "path too long (%d bytes, the limit is %d): '%.200s…'",
				    n, PATH_MAX - 1, *out);

		free(*out);
		*out = NULL;
		return rc;
	}
	return LT_OK;
}

int lt_rename_noreplace(const char *tmp, const char *final)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return errno;
	/* No RENAME_NOREPLACE here: link() never replaces either. */
	if (link(tmp, final) != 0)
		return errno;
	if (unlink(tmp) != 0) {
		int e = errno;

		/* Both names hold the file: undo the one we made. */
		unlink(final);
		return e;
	}
	return 0;
}

int lt_mkdir_p(const char *path, unsigned mode, struct lt_err *err)
{
	char *tmp = NULL;
	int rc;

	if (!*path)
		return lt_err_set(err, LT_EIO, "cannot create a directory with an empty name");
	rc = lt_path(&tmp, err, "%s", path);
	if (rc)
		return rc;
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(tmp, mode) == 0) {
				/* A new directory's entry must reach the disk too, or
				 * a power cut can lose what is renamed into it. */
				rc = lt_fsync_parent(tmp, err);
			} else if (errno != EEXIST) {
				rc = lt_err_set(err, LT_EIO, "cannot create directory '%s': %s",
						tmp, strerror(errno));
			}
			*p = saved;
			if (rc || saved == '\0')
				break;
		}
	}
	free(tmp);
	if (rc)
		return rc;
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return lt_err_set(err, LT_EIO, "cannot create directory '%s': a file is in the way", path);
	return LT_OK;
}

int lt_fsync_dir(const char *path, struct lt_err *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = LT_OK;

	if (fd < 0)
		return lt_err_set(err, LT_EIO, "cannot open directory '%s': %s", path, strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = lt_err_set(err, LT_EIO, "cannot fsync directory '%s': %s", path, strerror(errno));
	close(fd);
	return rc;
}

int lt_fsync_parent(const char *path, struct lt_err *err)
{
	char *dir = NULL;
	const char *slash = strrchr(path, '/');
	int n, rc;

	if (!slash)
		return lt_fsync_dir(".", err);
	n = slash == path ? 1 : (int)(slash - path);
	rc = lt_path(&dir, err, "%.*s", n, path);
	if (!rc)
		rc = lt_fsync_dir(dir, err);
	free(dir);
	return rc;
}

int lt_write_all(int fd, const void *data, size_t len, const char *what, struct lt_err *err)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return lt_err_set(err, LT_EIO, "cannot write '%s': %s", what, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return LT_OK;
}

int lt_read_chunks(int fd, const char *what, enum lt_code read_code, lt_chunk_fn fn, void *ud,
		   struct lt_err *err)
{
	char chunk[1 << 16];
	ssize_t n;
	int rc = LT_OK;

	while (!rc && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lt_err_set(err, read_code, "cannot read '%s': %s", what, strerror(errno));
		rc = fn(ud, chunk, (size_t)n, err);
	}
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int lt_remove_tree(const char *path, struct lt_err *err)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? LT_OK
			: lt_err_set(err, LT_EIO, "cannot remove '%s': %s", path, strerror(errno));
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return lt_err_set(err, LT_EIO, "cannot remove '%s': %s", path, strerror(errno));
	return LT_OK;
}

int lt_lock_exclusive(const char *dir, const char *name, int *fd_out, struct lt_err *err)
{
	char *path = NULL;
	int fd, rc = lt_path(&path, err, "%s/%s", dir, name);

	*fd_out = -1;
	if (rc)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		rc = lt_err_set(err, LT_EIO, "cannot open '%s': %s", path, strerror(errno));
	else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? lt_err_set(err, LT_EBUSY, "'%s' is locked by another process", path)
		     : lt_err_set(err, LT_EIO, "cannot lock '%s': %s", path, strerror(errno));
		close(fd);
	} else
		*fd_out = fd;
	free(path);
	return rc;
}

int lt_is_dir(const char *path, int *is_dir, struct lt_err *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EIO,
				  "cannot access '%s': %s", path, strerror(errno));
	*is_dir = S_ISDIR(st.st_mode) ? 1 : 0;
	return LT_OK;
}

const char *lt_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void lt_extension_lower(const char *path, char *out, size_t outsize)
{
	const char *base = lt_basename(path);
	const char *dot = strrchr(base, '.');
	size_t i = 0;

	if (outsize == 0)
		return;
	if (dot && dot != base) {
		for (dot++; *dot && i + 1 < outsize; dot++) {
			/* ASCII letters and digits only: the extension ends up in
			 * file names inside bundles, which must stay portable. */
			if (!isalnum((unsigned char)*dot) || (unsigned char)*dot > 127) {
				i = 0;
				break;
			}
			out[i++] = (char)tolower((unsigned char)*dot);
		}
		if (*dot)
			i = 0; /* longer than out: no usable extension */
	}
	out[i] = '\0';
}

/* SOURCE_DATE_EPOCH (reproducible-builds.org): a decimal count of seconds
 * since 1970 that stands in for "now", so two runs on the same inputs give
 * byte-identical bundles. Anything else in it is ignored, as if unset. */
static int source_date_epoch(time_t *t)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	unsigned long long v;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > (unsigned long long)INT64_MAX)
		return 0;
	*t = (time_t)v;
	return 1;
}

time_t lt_now(int *fixed)
{
	time_t t;
	int from_env = source_date_epoch(&t);

	if (fixed)
		*fixed = from_env;
	return from_env ? t : time(NULL);
}

void lt_now_iso8601(char out[32])
{
	int fixed;
	time_t now = lt_now(&fixed);
	struct tm tm;
	char zone[8];

	/* A fixed epoch is written in UTC: the local zone of the machine that
	 * runs the build must not show in a reproducible bundle. */
	if (fixed)
		gmtime_r(&now, &tm);
	else
		localtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	if (fixed) {
		snprintf(out + strlen(out), 32 - strlen(out), "+00:00");
		return;
	}
	/* strftime's %z gives +0700; ISO 8601 and TT05 want +07:00. */
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(out + strlen(out), 32 - strlen(out), "%.3s:%.2s", zone, zone + 3);
}

double lt_monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
