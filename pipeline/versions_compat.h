/* versions_compat.h - TEMPORARY: the metadata profile's interface as
 * include/luutru/profile.h declares it on the metadata branch, so that the
 * versions branch builds and its tests run before that lands. The lead
 * deletes this file and versions_compat.c at merge; cmd_meta.c then takes
 * luutru/profile.h (it includes this only when that header is absent).
 */
#ifndef LUUTRU_VERSIONS_COMPAT_H
#define LUUTRU_VERSIONS_COMPAT_H

#include "luutru/err.h"

struct lt_profile;

/* The profile for the archive. Returns: *p owned, free with lt_profile_close(). */
int lt_profile_open(const char *archive, struct lt_profile **p, struct lt_err *err);
void lt_profile_close(struct lt_profile *p); /* NULL-safe */

/* The TT05 key of a key or a label a person typed: LT_OK and *key (static,
 * borrowed), or LT_ENOTFOUND. */
int lt_profile_resolve_key(const struct lt_profile *p, const char *label, const char **key);

/* Checks value for key: LT_OK and *normalised (owned, free()) the value as it
 * is to be stored; LT_EINPUT with a message naming key, value and rule. */
int lt_profile_validate(const struct lt_profile *p, const char *key, const char *value,
			char **normalised, struct lt_err *err);

#endif
