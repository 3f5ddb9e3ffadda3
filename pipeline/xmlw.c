/* xmlw.c - xmlTextWriter into memory with sticky failure (xmlw.h). Values
 * are made safe for XML 1.0 here, once, rather than by each writer. */
#include "luutru/xmlw.h"

#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/text.h"

int lt_xw_begin(struct lt_xw *x, const char *what, struct lt_err *err)
{
	memset(x, 0, sizeof(*x));
	x->what = what;
	x->buffer = xmlBufferCreate();
	if (x->buffer)
		x->writer = xmlNewTextWriterMemory(x->buffer, 0);
	if (!x->writer) {
		lt_xw_release(x);
		return lt_err_set(err, LT_ENOMEM, "out of memory starting %s", what);
	}
	if (xmlTextWriterSetIndent(x->writer, 1) < 0 ||
	    xmlTextWriterSetIndentString(x->writer, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(x->writer, "1.0", "UTF-8", NULL) < 0)
		x->failed = 1;
	return LT_OK;
}

void lt_xw_doctype(struct lt_xw *x, const char *name, const char *public_id,
		   const char *system_id)
{
	if (!x->failed && xmlTextWriterWriteDTD(x->writer, BAD_CAST name, BAD_CAST public_id,
						BAD_CAST system_id, NULL) < 0)
		x->failed = 1;
}

/* s as UTF-8 that XML 1.0 accepts, in x->scratch. */
static const char *safe(struct lt_xw *x, const char *s)
{
	lt_buf_reset(&x->scratch);
	if (lt_text_repair_utf8(s, &x->scratch, NULL) != LT_OK) {
		x->failed = 1;
		return NULL;
	}
	if (!x->scratch.data)
		return "";
	for (char *p = x->scratch.data; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			*p = ' ';
	return x->scratch.data;
}

void lt_xw_start(struct lt_xw *x, const char *name)
{
	if (!x->failed && xmlTextWriterStartElement(x->writer, BAD_CAST name) < 0)
		x->failed = 1;
}

void lt_xw_end(struct lt_xw *x)
{
	if (!x->failed && xmlTextWriterEndElement(x->writer) < 0)
		x->failed = 1;
}

void lt_xw_attr(struct lt_xw *x, const char *name, const char *value)
{
	const char *v;

	if (x->failed || !value)
		return;
	v = safe(x, value);
	if (v && xmlTextWriterWriteAttribute(x->writer, BAD_CAST name, BAD_CAST v) < 0)
		x->failed = 1;
}

void lt_xw_attrf(struct lt_xw *x, const char *name, const char *fmt, ...)
{
	char v[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	lt_xw_attr(x, name, v);
}

void lt_xw_text(struct lt_xw *x, const char *text)
{
	const char *v;

	if (x->failed || !text)
		return;
	v = safe(x, text);
	if (v && xmlTextWriterWriteString(x->writer, BAD_CAST v) < 0)
		x->failed = 1;
}

void lt_xw_element(struct lt_xw *x, const char *name, const char *text)
{
	if (!text)
		return;
	lt_xw_start(x, name);
	lt_xw_text(x, text);
	lt_xw_end(x);
}

int lt_xw_finish(struct lt_xw *x, char **out, size_t *len, struct lt_err *err)
{
	int rc = LT_OK;

	*out = NULL;
	*len = 0;
	if (!x->failed && xmlTextWriterEndDocument(x->writer) < 0)
		x->failed = 1;
	if (!x->failed) {
		/* Frees the writer and flushes it into the buffer. */
		xmlFreeTextWriter(x->writer);
		x->writer = NULL;
		*len = (size_t)xmlBufferLength(x->buffer);
		*out = malloc(*len + 1);
		if (*out) {
			memcpy(*out, xmlBufferContent(x->buffer), *len);
			(*out)[*len] = 0;
		}
	}
	if (!*out)
		rc = lt_err_set(err, x->failed ? LT_EINTERNAL : LT_ENOMEM,
				"cannot write %s: libxml2's writer failed (out of memory?)", x->what);
	lt_xw_release(x);
	return rc;
}

void lt_xw_release(struct lt_xw *x)
{
	if (!x)
		return;
	if (x->writer)
		xmlFreeTextWriter(x->writer);
	if (x->buffer)
		xmlBufferFree(x->buffer);
	lt_buf_release(&x->scratch);
	x->writer = x->buffer = NULL;
}
