/* retrieve.h - a bundle out of the archive with its integrity proven on the
 * way: the copy is hashed as it is written and must match the checksum the
 * catalog recorded. For `get`, and for whatever else hands bundles out (a
 * page extract, verification, a reading room).
 */
#ifndef LUUTRU_RETRIEVE_H
#define LUUTRU_RETRIEVE_H

#include "luutru/doc.h"
#include "luutru/err.h"

/* Checks the bag inside the bundle first (every manifest digest, the
 * Payload-Oxum, its layout: lt_bag_read()) and the tar's digest and size
 * against the catalog's, then copies the bundle (bundle->path relative to archive_dir; bundle->sha256
 * and ->size as the catalog recorded them) to dst:
 *   - a regular file, new or existing: written beside dst and renamed into
 *     place only if it matches, so a damaged bundle never replaces what dst
 *     held (nothing is left behind);
 *   - a symlink: followed, the file it points to is written as above;
 *   - a device or pipe, or "-" for standard output: written straight
 *     through; the check comes at the end, and its failure is returned.
 * A dst inside the archive is refused (LT_EUSAGE): as root, read-only
 * permissions do not protect bundles or the catalog.
 * Returns LT_OK; LT_EVERIFY if the bundle is missing or does not match;
 * LT_EUSAGE for a refused dst; LT_EIO, LT_ENOMEM. */
int lt_retrieve_bundle(const char *archive_dir, const struct lt_bundle *bundle, const char *dst,
		       struct lt_err *err);

#endif
