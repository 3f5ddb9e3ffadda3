/* rebuild.h - a catalog made again from the bundles alone.
 *
 * Every bundle carries what the catalog needs to show its document: the
 * per-page texts (data/representations/ocr/data/NNNN.txt) and a record
 * written by the package stage, LT_LAYOUT_METADATA_JSON
 * ("data/metadata/descriptive/metadata.json"), UTF-8 JSON:
 *
 *   { "format": "luutru-metadata", "format_version": 2,
 *     "document": { "id", "label", "origin", "lang", "created" },
 *     "fields":   { TT05 key: { "value", "provenance" (sidecar, manifest,
 *                     default, extracted, technical, corrected), "origin"
 *                     (or null), "rule" (or null), "confidence" (0-1),
 *                     "confirmed" (true/false) } }   (version 2; doc->meta),
 *     "sources":  [ { "seq" (1-based), "path", "size", "sha256",
 *                     "format" (tif, png, jpg, pnm), "page_count" } ],
 *     "pages":    [ { "number", "source" (its seq), "index" (0-based in the
 *                     source), "width", "height", "dpi", "confidence" (0-100
 *                     or null), "lang", "preprocessing", "quality" (0-1 or
 *                     null), "review" (null if fine) } ],
 *     "events":   [ { "type", "at", "outcome", "detail" } ],
 *     "bundle":   { "version", "created" } }
 *
 * A string that is not UTF-8 (a scan's path is bytes on Linux) is written
 * as its bytes in lowercase hex under KEY_hex instead of KEY ("path_hex").
 * The events are the history up to packaging: the bundle cannot hold the
 * "packaged" event (its detail is the tar's own digest) nor the commit's
 * "archived" one, nor any event after it (fixity checks, later versions):
 * rebuild re-creates "packaged" and "archived" from the bundle itself.
 * Readers ignore members they do not know; a change that breaks a reader
 * bumps format_version, and this reader takes every version up to
 * LT_METADATA_VERSION (version 1: no "fields").
 */
#ifndef LUUTRU_REBUILD_H
#define LUUTRU_REBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "luutru/doc.h"
#include "luutru/err.h"

#define LT_METADATA_FORMAT  "luutru-metadata"
#define LT_METADATA_VERSION 2

/* Reads a metadata record (the JSON above, len bytes) into *out: id, label,
 * origin, lang, sources with their pages, page results and events, and
 * *created (the document's first ingest time; "" if the record has none).
 * LT_EINPUT with a message naming `what` (e.g. the bundle) and the member
 * at fault when the record is not one this luutru reads.
 * Returns: *out owned, free with lt_doc_free(). */
int lt_metadata_parse(const char *json, size_t len, const char *what, struct lt_doc **out,
		      char created[32], struct lt_err *err);

/* What a rebuild did. */
struct lt_rebuild_stats {
	size_t bundles_found;      /* *.tar files under the folder read */
	size_t bundles_used;       /* sound, recorded in the new catalog */
	size_t bundles_left_out;   /* failed their check or unreadable: reported, not indexed */
	size_t documents;
	size_t pages;
};

struct lt_rebuild_opts {
	/* Where the bundles are read: NULL for ARCHIVE/bundles. Any folder tree
	 * of "<id>.tar" / "<id>.vN.tar" files (a replica's bundles/). The new
	 * catalog records each at its place in the archive (layout.h). */
	const char *from;
	/* Called once per bundle left out, with its path and why (borrowed for
	 * the call). May be NULL. */
	void (*left_out)(void *ud, const char *bundle, const char *why);
	/* Called after each bundle is read (progress). May be NULL. */
	void (*progress)(void *ud, size_t done, size_t total);
	void *ud;
};

/* Builds a new catalog for `archive` from its bundles: each *.tar is read
 * and checked with lt_bag_read() (every digest, Payload-Oxum, nothing
 * missing or extra); one with any problem, an unreadable one, or one whose
 * record does not match its name is left out (opts->left_out) and not
 * indexed. Per document the newest sound version gives the pages, texts
 * and history; every sound version is recorded as a bundle.
 *
 * The catalog is built in ARCHIVE/catalog.sqlite.rebuild/ (a stale one from
 * an interrupted rebuild is removed first) and only when it is complete is
 * the old ARCHIVE/catalog.sqlite (with its -wal and -shm) renamed to
 * catalog.sqlite.old-YYYYMMDDTHHMMSS and the new one renamed into place:
 * the old catalog is never written. *old_catalog (may be NULL) gets that
 * name (owned, free()), NULL if there was no old catalog. Takes the
 * archive's run lock: LT_EBUSY while a run works on it. No bundle found at
 * all is LT_ENOTFOUND and changes nothing (a wrong --from must not empty
 * the catalog). */
int lt_rebuild_catalog(const char *archive, const struct lt_rebuild_opts *opts,
		       struct lt_rebuild_stats *stats, char **old_catalog, struct lt_err *err);

#endif
