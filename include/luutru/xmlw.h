/* xmlw.h - the small layer over libxml2's xmlTextWriter that METS, PREMIS
 * and EAD are written with: a document in memory, failures sticky (the first
 * one is kept and every later call does nothing), so a writer reads as the
 * XML it makes and checks once at the end.
 *
 * Text and attribute values go in as UTF-8 with bytes that are not valid
 * UTF-8 replaced by U+FFFD and the control characters XML 1.0 forbids
 * replaced by a space: a scan's file name or an OCR'd title never makes the
 * document ill-formed.
 */
#ifndef LUUTRU_XMLW_H
#define LUUTRU_XMLW_H

#include <stddef.h>

#include "luutru/buf.h"
#include "luutru/err.h"

struct lt_xw {
	void *writer;          /* xmlTextWriterPtr */
	void *buffer;          /* xmlBufferPtr */
	struct lt_buf scratch; /* a value made safe for XML */
	int failed;
	const char *what;      /* names the document in the error: "METS.xml" */
};

/* Starts an indented UTF-8 document. what is borrowed (a literal). */
int lt_xw_begin(struct lt_xw *x, const char *what, struct lt_err *err);
/* <!DOCTYPE name PUBLIC "public_id" "system_id">, before the root element;
 * the strings are borrowed. */
void lt_xw_doctype(struct lt_xw *x, const char *name, const char *public_id,
		   const char *system_id);
void lt_xw_start(struct lt_xw *x, const char *name);
void lt_xw_end(struct lt_xw *x);
/* value NULL: nothing written. */
void lt_xw_attr(struct lt_xw *x, const char *name, const char *value);
void lt_xw_attrf(struct lt_xw *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* <name>text</name>; text NULL: nothing written. */
void lt_xw_element(struct lt_xw *x, const char *name, const char *text);
void lt_xw_text(struct lt_xw *x, const char *text);
/* Ends the document and hands over its bytes: *out owned (free()), *len
 * its length. LT_ENOMEM or LT_EINTERNAL naming x->what if any call failed.
 * Releases x whatever happens. */
int lt_xw_finish(struct lt_xw *x, char **out, size_t *len, struct lt_err *err);
/* NULL-safe; for a writer abandoned before lt_xw_finish(). */
void lt_xw_release(struct lt_xw *x);

#endif
