/* profile.h - the metadata profile: which TT05 keys exist, what each may
 * hold, and the names people give them.
 *
 * The profile is schemas/metadata-profile.json, compiled into luutru; an
 * ARCHIVE/metadata-profile.json replaces it whole, so a length or a code list
 * changes without a recompile. Keys are the TT05 keys ("codeNumber",
 * "issuedDate") and luutru's own ("secrecyLevel", "urgency", ...). A key may
 * be named by the key itself, its Vietnamese label ("Số của tài liệu"), an
 * alias archivists type ("Số", "Ngày ban hành") or a TT02/2019 name ("Số của
 * văn bản"); names match ignoring case, diacritics (đ = d), spaces and
 * punctuation.
 *
 * A struct lt_profile is read-only once open and may be shared by threads.
 */
#ifndef LUUTRU_PROFILE_H
#define LUUTRU_PROFILE_H

#include "luutru/buf.h"
#include "luutru/err.h"
#include "luutru/meta.h"

struct lt_profile;

/* Opens ARCHIVE/metadata-profile.json if archive is not NULL and the file
 * exists, else the compiled-in profile. A profile file that cannot be read
 * or is not a valid profile is LT_EINPUT naming the file and the reason.
 * Returns: *out owned, close with lt_profile_close(). */
int lt_profile_open(const char *archive, struct lt_profile **out, struct lt_err *err);
/* The same from JSON text (for tests and tools); `name` names it in errors. */
int lt_profile_open_text(const char *json, const char *name, struct lt_profile **out,
			 struct lt_err *err);
void lt_profile_close(struct lt_profile *p); /* NULL-safe */

/* Where the profile came from: the file's path or "built-in". Borrowed. */
const char *lt_profile_origin(const struct lt_profile *p);

/* A TT05 key, TT02 alias or Vietnamese label, any case, with or without
 * diacritics -> the TT05 key (borrowed from p). LT_ENOTFOUND otherwise
 * (err not filled: the caller names its own context). */
int lt_profile_resolve_key(const struct lt_profile *p, const char *label, const char **key);

/* Checks value as key's value and gives it normalised: trimmed, NFC; dates
 * (DD/MM/YYYY, D/M/YYYY, DD-MM-YYYY, DD.MM.YYYY, YYYY-MM-DD) as YYYY-MM-DD;
 * a code given by its label or an alias ("Quyết định", "quyet dinh",
 * "2") as its code ("02"); several codes (type "codes") joined by ",";
 * numbers without leading zeros. LT_EINPUT with a message naming key, value
 * and the rule broken: unknown key, empty, wrong code (listing the allowed
 * codes), too long (max N characters), bad date, not a number, invalid UTF-8.
 * Returns: *normalised owned (free()), NULL on error. */
int lt_profile_validate(const struct lt_profile *p, const char *key, const char *value,
			char **normalised, struct lt_err *err);

/* The requiredAt "ingest" rule: a document described by a person (any
 * sidecar or manifest field in m) must hold every field the profile
 * requires at ingest (TT05's retention code, maintenance: only the archive
 * knows it). LT_EINPUT naming the missing fields (key and label); LT_OK for
 * a document nobody described (its fields will come from the page). */
int lt_profile_check_required(const struct lt_profile *p, const struct lt_meta *m,
			      struct lt_err *err);

/* Appends to out the keys required at `at` ("ingest" or "archive") that m
 * lacks, separated by ", "; *n_missing says how many. For the warning at
 * packaging: TT05 requires them, but a missing one never refuses a document. */
int lt_profile_missing(const struct lt_profile *p, const struct lt_meta *m, const char *at,
		       struct lt_buf *out, int *n_missing, struct lt_err *err);

/* Dublin Core element (title, creator, date, type, language, identifier,
 * rights) -> the first TT05 key mapped to it (borrowed). LT_ENOTFOUND for an
 * element the profile does not map. */
int lt_profile_dc(const struct lt_profile *p, const char *element, const char **key);
/* The value for a Dublin Core element: the first of its mapped keys (in the
 * profile's order: title then subject for "title") that m holds; NULL if
 * none. *key (may be NULL) gets the key used. Borrowed from m and p. */
const char *lt_profile_dc_value(const struct lt_profile *p, const struct lt_meta *m,
				const char *element, const char **key);

/* key's Vietnamese label ("Số của tài liệu"), or NULL for an unknown key. */
const char *lt_profile_label(const struct lt_profile *p, const char *key);
/* The label of a code of key ("02" of typeName -> "Quyết định"), or NULL. */
const char *lt_profile_code_label(const struct lt_profile *p, const char *key, const char *code);

/* The document keys in the profile's order: keys[0..*n), borrowed from p. */
void lt_profile_keys(const struct lt_profile *p, const char *const **keys, size_t *n);

/* Secrecy (the profile's "secrecy" member): the key holding the level
 * ("secrecyLevel"), the access key and code a secret level forces ("mode",
 * "03"), and whether a level is refused at ingest unless allowed
 * ("tuyet-mat"). Borrowed. */
const char *lt_profile_secrecy_key(const struct lt_profile *p);
const char *lt_profile_secret_mode_key(const struct lt_profile *p);
const char *lt_profile_secret_mode(const struct lt_profile *p);
int lt_profile_secrecy_refused(const struct lt_profile *p, const char *level);

/* A name as names are matched: folded, and everything but letters and
 * digits dropped ("Ngày, tháng, năm" -> "ngaythangnam"). Returns: *out
 * owned (free()). */
int lt_profile_fold_name(const char *name, char **out, struct lt_err *err);

/* The secrecy rules on m: a secret level (the secrecy key holds any value)
 * makes the document the secret mode (mode 03), set with the level's source
 * and origin and the rule named; a different mode already in m is
 * LT_EINPUT naming both; a level the profile refuses at ingest (tuyet-mat)
 * is LT_EINPUT ("refused ... --allow-secret=LEVEL") unless allow_refused. */
int lt_profile_apply_secrecy(const struct lt_profile *p, struct lt_meta *m, int allow_refused,
			     struct lt_err *err);

/* The search-folded form of a value ("Tỉnh ủy Đà Nẵng" -> "tinh uy da nang"),
 * for the catalog's indexed copy. Returns: *out owned (free()). */
int lt_profile_fold(const char *value, char **out, struct lt_err *err);

/* A document's metadata as the bundle's metadata.json "fields" member holds
 * it (value, provenance, origin, rule, confidence, confirmed), with the
 * profile's "label" of each key and "valueLabel" of a code beside (p may be
 * NULL: none). Returns a new JSON object (the caller json_decref()s it), or
 * NULL out of memory. */
struct json_t *lt_profile_fields_json(const struct lt_profile *p, const struct lt_meta *m);

#endif
