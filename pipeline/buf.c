/* buf.c - growable byte buffer with a hard cap. */
#include "luutru/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lt_buf_init(struct lt_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void lt_buf_release(struct lt_buf *b)
{
	if (!b)
		return;
	free(b->data);
	lt_buf_init(b);
}

char *lt_buf_detach(struct lt_buf *b)
{
	char *d = b->data;

	if (!d)
		d = calloc(1, 1);
	lt_buf_init(b);
	return d;
}

const char *lt_buf_str(const struct lt_buf *b)
{
	return b->data ? b->data : "";
}

void lt_buf_reset(struct lt_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int lt_buf_grow(struct lt_buf *b, size_t extra, struct lt_err *err)
{
	size_t need, cap;
	char *p;

	if (extra > LT_BUF_MAX - b->len - 1)
		return lt_err_set(err, LT_ENOMEM, "buffer would exceed %zu bytes", LT_BUF_MAX);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return LT_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > LT_BUF_MAX / 2 ? LT_BUF_MAX : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return lt_err_set(err, LT_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
	b->data = p;
	b->cap = cap;
	return LT_OK;
}

int lt_buf_append(struct lt_buf *b, const void *data, size_t len, struct lt_err *err)
{
	int rc = lt_buf_grow(b, len, err);

	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return LT_OK;
}

int lt_buf_puts(struct lt_buf *b, const char *s, struct lt_err *err)
{
	return lt_buf_append(b, s, strlen(s), err);
}

int lt_buf_vprintf(struct lt_buf *b, struct lt_err *err, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return lt_err_set(err, LT_EINTERNAL, "bad format string '%s'", fmt);
	rc = lt_buf_grow(b, (size_t)n, err);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return LT_OK;
}

int lt_buf_printf(struct lt_buf *b, struct lt_err *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = lt_buf_vprintf(b, err, fmt, ap);
	va_end(ap);
	return rc;
}
