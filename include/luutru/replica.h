/* replica.h - a second copy of the archive in another place (another disk,
 * a NAS mount, a removable drive), and repairing the archive from it.
 *
 * A replica folder holds the bundles under the archive's own relative paths
 * (DIR/bundles/ab/<id>.tar, <id>.v2.tar) and DIR/catalog.sqlite, a snapshot
 * of the catalog. The catalog records each replica and which bundles it
 * holds (catalog.h: lt_catalog_replicas()), so `status` shows how far
 * behind each one is and a repair knows where to look.
 *
 * Bundles are immutable and never overwritten, on either side, with one
 * exception: a repair replaces a damaged or missing bundle in the archive by
 * a replica's copy that was proven good first.
 */
#ifndef LUUTRU_REPLICA_H
#define LUUTRU_REPLICA_H

#include <stddef.h>
#include <stdint.h>

#include "luutru/doc.h"
#include "luutru/err.h"

struct lt_catalog;

/* What happened to one bundle in a replicate. */
enum lt_replica_outcome {
	LT_REPLICA_COPIED,   /* copied, verified, in place */
	LT_REPLICA_PRESENT,  /* already on the replica with the right size and SHA-256 */
	LT_REPLICA_DAMAGED,  /* on the replica but not as the catalog recorded: left alone */
	LT_REPLICA_FAILED,   /* could not be copied: the archive's copy is missing or
			      * damaged (run `luutru verify`), nothing left on the replica */
};

struct lt_replicate_report {
	size_t bundles;          /* recorded in the catalog */
	size_t copied;
	size_t present;
	size_t damaged;
	size_t failed;
	uint64_t bytes_copied;
	char *snapshot;          /* DIR/catalog.sqlite, owned: lt_replicate_report_release() */
};

/* Called once per bundle; `why` (NULL for copied and present) is a sentence
 * naming the file and the reason. All borrowed for the call. */
typedef void (*lt_replicate_fn)(void *ud, const char *doc_id, const struct lt_bundle *bundle,
				enum lt_replica_outcome outcome, const char *why);

/* Brings the replica at dir up to date with the archive: dir (created if
 * missing; never the archive or inside it: LT_EUSAGE) gets every catalog
 * bundle it lacks, each written to "<name>.part", fsync'ed, checked (size
 * and SHA-256 against the catalog, and the bag by lt_bag_read()), made
 * read-only, renamed into place without replacing anything, and its folder
 * fsync'ed. A bundle already there is hashed: the right size and SHA-256 is
 * PRESENT, anything else DAMAGED and left as it is (never overwritten).
 * Then the catalog snapshot (lt_catalog_snapshot() into dir/catalog.sqlite)
 * and the replica's sync are recorded in the catalog.
 *
 * Idempotent and resumable: a replicate stopped anywhere leaves only whole,
 * verified bundles (and perhaps a "<name>.part" the next one overwrites); the
 * next one copies what is still missing. One replicate per dir at a time
 * (a lock file, dir/.luutru-replica.lock; LT_EUSAGE if held).
 *
 * fn (may be NULL) hears of each bundle. Per-bundle problems (DAMAGED,
 * FAILED) do not stop the run: LT_OK is returned, look at rep->damaged and
 * rep->failed. Errors that concern the whole run stop it (LT_EIO writing to
 * dir, such as a full disk; LT_EDB; LT_ENOMEM), the bundles copied so far
 * staying recorded. rep is filled in both cases; release it with
 * lt_replicate_report_release(). */
int lt_replicate(struct lt_catalog *cat, const char *archive, const char *dir, lt_replicate_fn fn,
		 void *ud, struct lt_replicate_report *rep, struct lt_err *err);

/* NULL-safe; frees what rep owns. */
void lt_replicate_report_release(struct lt_replicate_report *rep);

/* Checks the bundle at root/bundle->path (root: the archive or a replica)
 * fully: the tar's size and SHA-256 against the catalog's (bundle->size,
 * bundle->sha256), and the bag inside by lt_bag_read() (every manifest
 * digest, Payload-Oxum, layout). LT_OK if sound; LT_EVERIFY if missing or
 * damaged, the message naming the file and what is wrong; LT_EIO, LT_ENOMEM. */
int lt_replica_check_bundle(const char *root, const struct lt_bundle *bundle, struct lt_err *err);

/* Replaces the archive's copy of `bundle` (of document doc_id) by the copy in
 * replica_dir, after proving that copy sound (lt_replica_check_bundle()).
 * The new file is written beside the old one under a temporary name, checked
 * again as written, made read-only (0444), fsync'ed and renamed over the
 * damaged (or into the place of the missing) bundle; the folder is fsync'ed.
 * A "repair" event (success) is recorded for the document naming the bundle,
 * the replica and what was wrong.
 *
 * If the archive's copy already has the catalog's size and SHA-256 nothing is
 * done and LT_OK returned (no event). If the replica's copy is missing or
 * damaged too, neither file is touched, a "repair" event (failure) says so,
 * and LT_EVERIFY is returned with a message naming both. Other errors:
 * LT_EIO (the archive's copy is unchanged unless the rename was done),
 * LT_EDB, LT_ENOMEM. */
int lt_replica_repair(struct lt_catalog *cat, const char *archive, const char *replica_dir,
		      const struct lt_bundle *bundle, const char *doc_id, struct lt_err *err);

/* The same from whichever replica recorded in the catalog (oldest first)
 * holds a sound copy; *used (may be NULL) gets that replica's path (owned,
 * free()) when one was used. LT_EVERIFY when none does (or none is
 * recorded): nothing touched, one "repair" failure event naming each
 * replica tried. For `verify --repair`. */
int lt_replica_repair_any(struct lt_catalog *cat, const char *archive,
			  const struct lt_bundle *bundle, const char *doc_id, char **used,
			  struct lt_err *err);

#endif
