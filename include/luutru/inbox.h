/* inbox.h - discovering documents in a scanner's inbox folder.
 *
 * Each sub-folder of the inbox is one document whose pages are its image
 * files in natural name order (page-2 before page-10); each loose image file
 * is a document of its own; a multi-page TIFF contributes all its pages.
 * TIFF, PNG, JPEG and PNM are accepted, recognised by content, not by name.
 * The inbox is only read, never modified.
 */
#ifndef LUUTRU_INBOX_H
#define LUUTRU_INBOX_H

#include "luutru/doc.h"
#include "luutru/err.h"

/* What the scan found: each entry is either a document or a rejection. */
struct lt_inbox_entry {
	struct lt_doc *doc;  /* owned; NULL when rejected */
	char *label;         /* folder or file name, owned */
	char *reason;        /* why it was rejected, naming the file; owned; NULL if accepted */
};

struct lt_inbox_skip {
	char *path;          /* a file that is not a page (notes.txt, Thumbs.db), owned */
	char *reason;
};

struct lt_inbox {
	struct lt_inbox_entry *entries;
	size_t n_entries;
	struct lt_inbox_skip *skipped;
	size_t n_skipped;
};

/* Scans inbox_dir: hashes every page file, counts TIFF pages and computes ids.
 * A bad file rejects only its own document. A document any of whose files
 * (or, for a folder, the folder itself) changed less than min_age seconds ago
 * is skipped as still being written, so a scanner mid-way through a folder
 * does not produce half a document. Run-scoped failures (the inbox cannot be
 * read, out of memory) return an error. Labels are valid UTF-8 (invalid
 * bytes of legacy file names replaced); paths are kept as they are.
 * Returns: *out filled, release with lt_inbox_release(). */
int lt_inbox_scan(const char *inbox_dir, int min_age, struct lt_inbox *out, struct lt_err *err);
void lt_inbox_release(struct lt_inbox *inbox);

/* Can inbox_dir be read as a folder? The same error lt_inbox_scan() would
 * give, without scanning: commands check it before creating an archive, so
 * a mistyped inbox leaves nothing behind. */
int lt_inbox_check(const char *inbox_dir, struct lt_err *err);

/* Checks one file: its image format (by content) and number of pages.
 * LT_EINPUT with a reason naming the file if it is not an acceptable image;
 * *format_name (static) says what it is, e.g. "TIFF", "PNG", and *ext (static,
 * may be NULL) the extension its master file gets: "tif", "png", "jpg", "pnm". */
int lt_inbox_probe(const char *path, int *pages, const char **format_name, const char **ext,
		   struct lt_err *err);

#endif
