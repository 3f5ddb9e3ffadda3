/* buf.h - a growable, always NUL-terminated byte buffer (git's strbuf shape).
 *
 * Ownership: the caller owns the struct; lt_buf_release() frees its memory
 * (safe on a zeroed or released buffer); lt_buf_detach() hands the memory to
 * the caller, who frees it with free(). Growth is capped at LT_BUF_MAX so one
 * hostile input cannot exhaust memory: appends past it fail with LT_ENOMEM.
 */
#ifndef LUUTRU_BUF_H
#define LUUTRU_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "luutru/err.h"

#define LT_BUF_MAX ((size_t)1 << 30)

struct lt_buf {
	char *data;   /* NULL until the first append; then NUL-terminated */
	size_t len;
	size_t cap;
};

#define LT_BUF_INIT { NULL, 0, 0 }

void lt_buf_init(struct lt_buf *b);
void lt_buf_release(struct lt_buf *b);
/* Returns the data (never NULL: "" for an empty buffer), owned by the caller. */
char *lt_buf_detach(struct lt_buf *b);
/* The contents as a C string, borrowed until the next change ("" when empty). */
const char *lt_buf_str(const struct lt_buf *b);
void lt_buf_reset(struct lt_buf *b);

int lt_buf_grow(struct lt_buf *b, size_t extra, struct lt_err *err);
int lt_buf_append(struct lt_buf *b, const void *data, size_t len, struct lt_err *err);
int lt_buf_puts(struct lt_buf *b, const char *s, struct lt_err *err);
int lt_buf_printf(struct lt_buf *b, struct lt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int lt_buf_vprintf(struct lt_buf *b, struct lt_err *err, const char *fmt, va_list ap);

#endif
