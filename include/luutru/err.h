/* err.h - status codes and the error record every fallible function fills.
 *
 * Contract: a function that can fail returns LT_OK (0) or an enum lt_code and,
 * on failure, fills the caller's struct lt_err with a message a person can act
 * on (what failed, on which file, why). The message lives in a fixed buffer so
 * that reporting out-of-memory never allocates.
 */
#ifndef LUUTRU_ERR_H
#define LUUTRU_ERR_H

enum lt_code {
	LT_OK = 0,
	LT_ENOMEM,     /* out of memory: run-scoped */
	LT_EIO,        /* file system: run-scoped unless it concerns one input file */
	LT_EINPUT,     /* bad input file (unreadable image, wrong format): document-scoped */
	LT_EOCR,       /* Tesseract failed on a page: document-scoped */
	LT_EARCHIVE,   /* writing or reading a bundle failed */
	LT_EDB,        /* catalog (SQLite) error: run-scoped */
	LT_ENOTFOUND,  /* no such document, bundle or file */
	LT_EVERIFY,    /* a checksum or size did not match */
	LT_EUSAGE,     /* bad command line */
	LT_EBUSY,      /* the archive is in use by another run: run-scoped */
	LT_EINTERNAL,  /* a bug or an environment we cannot work in */
};

struct lt_err {
	enum lt_code code;
	int cause;      /* errno, SQLite code, ... when there is one; else 0 */
	char msg[512];
};

/* Fills err (may be NULL) and returns code, so callers can write
 * `return lt_err_set(err, LT_EIO, "cannot open '%s': %s", p, strerror(errno));`. */
int lt_err_set(struct lt_err *err, enum lt_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with more context ("page 3: " + msg). */
int lt_err_prefix(struct lt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Resets err to LT_OK with an empty message. */
void lt_err_clear(struct lt_err *err);

/* A short name for a code ("I/O error", "bad input", ...), for people:
 * translated. Static string. */
const char *lt_code_name(enum lt_code code);

/* True for errors that stop a whole run rather than one document. */
int lt_code_is_fatal(enum lt_code code);

#endif
