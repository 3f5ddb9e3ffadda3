/* fsutil.h - small file-system helpers with errors that name the path.
 *
 * All functions return LT_OK or an lt_code and fill err. Paths are borrowed.
 */
#ifndef LUUTRU_FSUTIL_H
#define LUUTRU_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "luutru/buf.h"
#include "luutru/err.h"

/* The one way to build a file-system path: formats it into a new string.
 * A path of PATH_MAX bytes or more is an error (LT_EIO) naming the start of
 * the path, never a silently truncated name.
 * Returns: *out owned, free(); NULL on error. */
int lt_path(char **out, struct lt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Renames from to to without ever replacing a file at to:
 * renameat2(RENAME_NOREPLACE), or link() + unlink() where the file system
 * lacks it. Returns 0, or an errno (EEXIST: to exists, nothing changed). */
int lt_rename_noreplace(const char *from, const char *to);

/* Creates path and its missing parents (like mkdir -p), fsync'ing the parent
 * of each directory it creates. */
int lt_mkdir_p(const char *path, unsigned mode, struct lt_err *err);

/* fsync()s a directory so a rename or create inside it survives a power cut. */
int lt_fsync_dir(const char *path, struct lt_err *err);

/* fsync()s the directory holding path. */
int lt_fsync_parent(const char *path, struct lt_err *err);

/* write() all of data, retrying short writes; errors name `what`. */
int lt_write_all(int fd, const void *data, size_t len, const char *what, struct lt_err *err);

/* Called for each chunk lt_read_chunks() reads; a non-zero return stops it. */
typedef int (*lt_chunk_fn)(void *ud, const void *data, size_t len, struct lt_err *err);

/* Reads fd to its end, handing each chunk to fn. A read error is reported
 * with read_code, naming `what`. Returns fn's first non-zero status, if any. */
int lt_read_chunks(int fd, const char *what, enum lt_code read_code, lt_chunk_fn fn, void *ud,
		   struct lt_err *err);

/* Removes path recursively (files and directories); a missing path is fine. */
int lt_remove_tree(const char *path, struct lt_err *err);

/* Takes an exclusive, non-blocking flock on dir/name (created 0644 if
 * missing): *fd_out is the descriptor the caller closes to release it. When
 * another process holds it, returns LT_EBUSY with a generic message the
 * caller may replace with one naming what holds it; *fd_out is then -1. */
int lt_lock_exclusive(const char *dir, const char *name, int *fd_out, struct lt_err *err);

/* *is_dir: 1 if path is a directory, 0 if something else; LT_ENOTFOUND/LT_EIO on error. */
int lt_is_dir(const char *path, int *is_dir, struct lt_err *err);

/* The last path component (borrowed pointer into path). */
const char *lt_basename(const char *path);

/* The extension after the last '.', lower-cased into out; "" if there is
 * none, or it is not all ASCII letters and digits, or it does not fit. */
void lt_extension_lower(const char *path, char *out, size_t outsize);

/* "Now": SOURCE_DATE_EPOCH when it is set to a decimal number of seconds
 * (reproducible bundles), else the clock. *fixed (may be NULL): 1 when the
 * time came from SOURCE_DATE_EPOCH. */
time_t lt_now(int *fixed);

/* lt_now() as ISO 8601 with the local offset, e.g. 2026-11-27T10:15:02+07:00;
 * in UTC (+00:00) when SOURCE_DATE_EPOCH fixes it. */
void lt_now_iso8601(char out[32]);

/* Monotonic seconds, for durations. */
double lt_monotonic_seconds(void);

#endif
