/* bag_profile.h - checking a bag against a BagIt Profile (BagIt Profiles
 * Specification 1.3.0, https://bagit-profiles.github.io/): the bag-info tags
 * it requires (and their allowed values, and whether they may repeat), the
 * manifest and tag-manifest algorithms required and allowed, fetch.txt,
 * serialisation, Accept-BagIt-Version, and the tag and payload files it
 * requires or allows (with '*' wildcards).
 *
 * luutru's own profile is schemas/bagit-profile.json, compiled in
 * (lt_bag_profile_luutru()); every bundle is checked against it before it is
 * moved into the archive, and `luutru bag validate` reports a luutru bag's
 * conformance.
 */
#ifndef LUUTRU_BAG_PROFILE_H
#define LUUTRU_BAG_PROFILE_H

#include <stddef.h>

#include "luutru/bag.h"
#include "luutru/buf.h"
#include "luutru/err.h"

struct lt_bag_profile;

/* Parses a profile (len bytes of JSON); what names it in errors. LT_EINPUT
 * for JSON that is not a profile (no BagIt-Profile-Info, a member of the
 * wrong type). Returns: *out owned, free with lt_bag_profile_free(). */
int lt_bag_profile_parse(const char *json, size_t len, const char *what, struct lt_bag_profile **out,
			 struct lt_err *err);

/* luutru's profile, from the copy compiled into the binary. */
int lt_bag_profile_luutru(struct lt_bag_profile **out, struct lt_err *err);

/* BagIt-Profile-Identifier. Borrowed. */
const char *lt_bag_profile_id(const struct lt_bag_profile *p);

/* Checks what lt_bag_read() found in a bag against the profile. Each way
 * the bag departs from it is a line appended to out (a sentence naming the
 * tag or file and the rule); *n counts them (0: conforms). The bag's own
 * BagIt problems are not repeated: look at rep->n_problems. Returns LT_OK
 * or LT_ENOMEM. */
int lt_bag_profile_check(const struct lt_bag_profile *p, const struct lt_bag_report *rep,
			 struct lt_buf *out, size_t *n, struct lt_err *err);

/* NULL-safe. */
void lt_bag_profile_free(struct lt_bag_profile *p);

#endif
