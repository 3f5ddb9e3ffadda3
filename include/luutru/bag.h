/* bag.h - writing a BagIt bag (RFC 8493) straight into an uncompressed POSIX
 * tar with libarchive, in one pass: every file is hashed as it is streamed,
 * the manifests are written last, and the tar itself is hashed on its way to
 * disk, so nothing is read twice.
 *
 * Usage: lt_bag_create(), any number of lt_bag_add_file()/lt_bag_add_data()
 * for payload (paths under "data/"), then lt_bag_finish(). lt_bag_free() on a
 * bag that did not finish removes the partial tar.
 */
#ifndef LUUTRU_BAG_H
#define LUUTRU_BAG_H

#include <stddef.h>

#include "luutru/doc.h"
#include "luutru/err.h"

struct lt_bag;

/* Creates tar_path (which must not exist) holding one top directory
 * bag_name/. Returns: *out owned, free with lt_bag_free(). */
int lt_bag_create(const char *tar_path, const char *bag_name, struct lt_bag **out,
		  struct lt_err *err);

/* Streams the file at src into the bag as payload_path ("data/..."). If
 * expect_sha256 is not NULL the file must still have that digest
 * (LT_EVERIFY otherwise: the scan changed since it was ingested). */
int lt_bag_add_file(struct lt_bag *bag, const char *payload_path, const char *src,
		    const char *expect_sha256, struct lt_err *err);

/* Adds a payload file from memory. */
int lt_bag_add_data(struct lt_bag *bag, const char *payload_path, const void *data, size_t len,
		    struct lt_err *err);

/* Writes manifest-sha256.txt, bag-info.txt (Bagging-Date, Payload-Oxum,
 * Bag-Software-Agent and the given extra "Label: value" pairs, a
 * NULL-terminated list of label/value pointers), bagit.txt and
 * tagmanifest-sha256.txt; closes the tar and fsyncs it. Fills out->size,
 * out->sha256, out->created and appends every file of the bag to out->files.
 * out->path is left to the caller. */
int lt_bag_finish(struct lt_bag *bag, const char *const *info, struct lt_bundle *out,
		  struct lt_err *err);

/* NULL-safe. Unlinks the tar unless lt_bag_finish() succeeded. */
void lt_bag_free(struct lt_bag *bag);

#endif
