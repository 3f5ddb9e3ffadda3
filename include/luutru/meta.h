/* meta.h - a document's descriptive metadata: TT05 fields with provenance.
 *
 * Every value keeps where it came from, so that a guess is never passed off
 * as a fact: the archivist's sidecar or spreadsheet, a default, a rule that
 * read it off the page (with the rule's name and a confidence), the image
 * itself, or a later correction. Keys are the TT05 keys of
 * schemas/metadata-profile.json ("codeNumber", "issuedDate", "organName").
 *
 * A struct lt_meta owns its fields and every string in them; release it
 * with lt_meta_release(). It lives in struct lt_doc (doc.h) as doc->meta.
 */
#ifndef LUUTRU_META_H
#define LUUTRU_META_H

#include <stddef.h>

#include "luutru/err.h"

/* In order of precedence: a lower value wins over a higher one, except that
 * a correction (LT_META_CORRECTED) wins over everything. */
enum lt_meta_source {
	LT_META_SIDECAR = 0, /* metadata.json in the document's folder */
	LT_META_MANIFEST,    /* a row of the batch spreadsheet (--manifest) */
	LT_META_DEFAULT,     /* --set key=value or the config file */
	LT_META_EXTRACTED,   /* read off the page by a rule: unconfirmed until confirmed */
	LT_META_TECHNICAL,   /* measured from the image or the processing */
	LT_META_CORRECTED,   /* luutru meta DOC --set: a person's correction */
};
#define LT_META_N_SOURCES 6

struct lt_meta_field {
	char *key;          /* TT05 key */
	char *value;        /* UTF-8 NFC */
	enum lt_meta_source source;
	char *origin;       /* where exactly: "inbox/a/metadata.json", "list.csv row 4"; may be NULL */
	char *rule;         /* extracted: the rule that matched; else NULL */
	double confidence;  /* extracted: 0-1; 1 for values a person gave */
	int confirmed;      /* 1 when a person gave or confirmed it */
};

struct lt_meta {
	struct lt_meta_field *fields; /* in the order they were set */
	size_t n;
};

#define LT_META_INIT { NULL, 0 }

/* "sidecar", "manifest", "default", "extracted", "technical", "corrected". */
const char *lt_meta_source_name(enum lt_meta_source s);
/* LT_OK, or LT_EINPUT for an unknown name. */
int lt_meta_source_parse(const char *name, enum lt_meta_source *s);

/* The field of that key, or NULL. Borrowed: valid until m changes. */
const struct lt_meta_field *lt_meta_get(const struct lt_meta *m, const char *key);
/* Its value, or NULL. */
const char *lt_meta_value(const struct lt_meta *m, const char *key);

/* Sets key to value (all strings copied), replacing a field of that key
 * whatever its source: for loading, and for corrections. origin and rule may
 * be NULL. */
int lt_meta_set(struct lt_meta *m, const char *key, const char *value,
		enum lt_meta_source source, const char *origin, const char *rule,
		double confidence, int confirmed, struct lt_err *err);

/* Offers a value by precedence: it is taken when the key is unset or held by
 * a source of lower precedence (a higher enum value, a correction excepted),
 * and returns LT_OK with *taken = 1. When a source of higher precedence
 * already holds a different value, nothing changes and *conflict = 1 (the
 * caller reports it: an extracted date that disagrees with the spreadsheet).
 * Equal values: *taken = 0, *conflict = 0. taken and conflict may be NULL. */
int lt_meta_offer(struct lt_meta *m, const char *key, const char *value,
		  enum lt_meta_source source, const char *origin, const char *rule,
		  double confidence, int *taken, int *conflict, struct lt_err *err);

/* Removes the field of that key, if any. */
void lt_meta_unset(struct lt_meta *m, const char *key);

/* Deep copy of src into *dst (which must be empty). */
int lt_meta_copy(struct lt_meta *dst, const struct lt_meta *src, struct lt_err *err);

/* Frees every field; m is empty afterwards. NULL-safe. */
void lt_meta_release(struct lt_meta *m);

#endif
