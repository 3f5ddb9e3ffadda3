/* retrieve.h - a bundle out of the archive with its integrity proven on the
 * way: the copy is hashed as it is written and must match the checksum the
 * catalog recorded. For `get`, and for whatever else hands bundles out (a
 * page extract, verification, a reading room).
 */
#ifndef LUUTRU_RETRIEVE_H
#define LUUTRU_RETRIEVE_H

#include <stdint.h>

#include "luutru/doc.h"
#include "luutru/err.h"

struct lt_bag_report;

/* Flags of lt_retrieve_bundle() and lt_retrieve_bag(). */
enum lt_retrieve_flag {
	/* Write to where a symlink at dst points, as the user asked for it
	 * (get --follow-symlinks). Without it a symlink at dst is refused:
	 * one planted by another user would have root write over a file of
	 * its choosing. */
	LT_RETRIEVE_FOLLOW_SYMLINK = 1u << 0,
};

/* Checks the bag inside the bundle first (every manifest digest, the
 * Payload-Oxum, its layout: lt_bag_read()) and the tar's digest and size
 * against the catalog's, then copies the bundle (bundle->path relative to archive_dir; bundle->sha256
 * and ->size as the catalog recorded them) to dst:
 *   - a regular file, new or existing: written to a new temporary file
 *     beside dst (created with O_EXCL, so never through a link) and renamed
 *     over dst only if it matches, so a damaged bundle never replaces what
 *     dst held (nothing is left behind); the rename replaces the name, so a
 *     link swapped in meanwhile is replaced, not written through;
 *   - a symlink: refused (LT_EUSAGE) unless flags hold
 *     LT_RETRIEVE_FOLLOW_SYMLINK; then its target is written as above;
 *   - a device or pipe, or "-" for standard output: written straight
 *     through (opened with O_NOFOLLOW, and refused if a regular file took
 *     its place); the check comes at the end, and its failure is returned.
 * A dst inside the archive is refused (LT_EUSAGE): as root, read-only
 * permissions do not protect bundles or the catalog. So is a dst in a
 * folder anyone may write to that lacks the sticky bit (LT_EUSAGE): there
 * another user could swap the file between the checks and the rename.
 * flags: LT_RETRIEVE_* or 0.
 * Returns LT_OK; LT_EVERIFY if the bundle is missing or does not match;
 * LT_EUSAGE for a refused dst; LT_EIO, LT_ENOMEM. */
int lt_retrieve_bundle(const char *archive_dir, const struct lt_bundle *bundle, const char *dst,
		       unsigned flags, struct lt_err *err);

/* Extracts the bag inside the bundle into dst_dir, a NEW folder that then
 * holds the bag itself (dst_dir/bagit.txt, dst_dir/data/...), not the tar's
 * top directory. dst_dir must not exist, or be an empty folder (or, with
 * LT_RETRIEVE_FOLLOW_SYMLINK in flags, a symlink to one: its target is
 * used); a symlink without that flag, a non-empty folder, anything that is
 * not a folder, "-", a place inside the archive and a place in a folder
 * anyone may write to without the sticky bit are refused (LT_EUSAGE).
 *
 * Nothing is written before the whole bundle is checked as
 * lt_retrieve_bundle() does: the tar's digest and size against the
 * catalog's, and every entry through lt_bag_read(), which refuses absolute
 * names, "..", names outside the top directory, symlinks, hard links,
 * devices, FIFOs and duplicates. The bag is then extracted with libarchive's
 * secure flags (no symlinks followed, no "..", no absolute names, no
 * owner, modes 0644/0755 less the umask, an existing file never replaced)
 * into a temporary folder beside dst_dir, each entry checked again as it
 * is written and the tar hashed again on the way (a bundle changed since
 * the check is caught); the folder is validated with lt_bag_read(), fsync'ed
 * and renamed to dst_dir only then. On any failure the temporary folder is
 * removed and dst_dir is left as it was.
 *
 * The working directory is changed during the extraction (libarchive
 * resolves names from it, which is what lets it refuse absolute ones) and
 * restored before return: do not call while other threads use relative
 * paths.
 *
 * report may be NULL; else *report gets lt_bag_read()'s report of the
 * extracted bag (name: dst_dir's last component). Returns: *report owned,
 * free with lt_bag_report_free(); NULL on error.
 * Returns LT_OK; LT_EVERIFY if the bundle is missing, damaged or tampered
 * with; LT_EUSAGE for a refused dst_dir; LT_EIO, LT_EARCHIVE, LT_ENOMEM. */
int lt_retrieve_bag(const char *archive_dir, const struct lt_bundle *bundle, const char *dst_dir,
		    unsigned flags, struct lt_bag_report **report, struct lt_err *err);

/* Several files of a bundle, each into its own descriptor, in one read of
 * the tar: members[i] (a path inside the bag, e.g.
 * "data/representations/ocr/data/0003.alto.xml") is written to fds[i]
 * (a file open for writing, positioned where it should go, usually an
 * empty memory file from lt_retrieve_scratch()). Each member is checked
 * against every manifest that lists it and the manifests against the tag
 * manifest (lt_bag_read), and, where bundle->files holds it, against the
 * digest the catalog recorded; the tar is read only as far as the members
 * and the tag files need. The bytes reach fds[i] before the check is
 * complete: use them only on LT_OK.
 * Returns LT_OK; LT_EVERIFY if the bundle is missing or a member or a
 * manifest does not match (naming the bundle and the member); LT_ENOTFOUND
 * if the bag has no such member; LT_EIO, LT_EARCHIVE, LT_ENOMEM. */
int lt_retrieve_members(const char *archive_dir, const struct lt_bundle *bundle,
			const char *const *members, const int *fds, size_t n, struct lt_err *err);

/* An anonymous file in memory (memfd) for lt_retrieve_members() and what is
 * made from its output, named `what` in /proc. Returns LT_OK and *fd (the
 * caller closes it) or LT_EIO. */
int lt_retrieve_scratch(const char *what, int *fd, struct lt_err *err);

/* Hands out the whole content of `in` (from offset 0; a scratch file made
 * from verified members) to dst, by the same rules and with the same
 * refusals as lt_retrieve_bundle(): "-" for standard output, a device or
 * pipe written through, a regular file replaced only by a complete copy
 * (temporary file beside it, fsync, rename). The copy is hashed on the way
 * and must match the digest of `in` taken before it started, so what
 * reaches dst is what was verified. what names the content in errors
 * ("page 3 of 3f0c9a1b (ALTO)"). *sha_out (may be NULL; LT_SHA256_HEX
 * bytes) gets the digest of what was written. */
int lt_retrieve_deliver(const char *archive_dir, int in, const char *what, const char *dst,
			unsigned flags, char *sha_out, struct lt_err *err);

/* The one hashed copy of bundle bytes: reads in (named src; a read error
 * is read_code) to its end into out (named dst), hashing as it goes, and
 * checks the digest and size against expect_sha/expect_size: LT_EVERIFY
 * naming src if they differ. For get, replication and repair. */
int lt_copy_bundle_bytes(int in, const char *src, enum lt_code read_code, int out,
			 const char *dst, const char *expect_sha, uint64_t expect_size,
			 struct lt_err *err);

#endif
