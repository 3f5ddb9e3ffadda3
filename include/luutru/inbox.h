/* inbox.h - discovering documents in a scanner's inbox folder.
 *
 * Each sub-folder of the inbox is one document whose pages are its image
 * files in natural name order (page-2 before page-10); each loose image file
 * is a document of its own; a multi-page TIFF contributes all its pages.
 * TIFF, PNG, JPEG and PNM are accepted, recognised by content, not by name.
 * The inbox is only read, never modified.
 *
 * Nothing in an inbox vanishes in silence: every entry (at the top and in a
 * document folder) ends as a page, a skipped entry with its reason, or a
 * rejected document with its reason.
 *
 * Hidden names (a leading '.'):
 *   - OS litter (.DS_Store, ._*, Thumbs.db, desktop.ini and the like, see
 *     lt_inbox_name_kind) is skipped quietly: listed, no warning;
 *   - any other hidden entry (.page-2.png in a document folder, .loose.png,
 *     ..png, ... or a folder ..foo/ at the top) is skipped WITH a warning
 *     that names it. Not included, because hidden names are where rsync,
 *     Syncthing and editors keep files they have not finished writing: a
 *     half-copied scan must never become a page. Renaming it archives it.
 *
 * Symbolic links: a link whose target (fully resolved) stays strictly inside
 * the inbox is followed, and what it points to is read through its resolved
 * path. A link that leads out of the inbox is not followed, and is skipped
 * with a warning naming its target, unless the operator asks
 * (follow_symlinks), which follows links to files only: a linked folder
 * outside the inbox (etc -> /etc, up -> ..) or the inbox itself is never
 * walked. Dangling and looping links are skipped with their reason.
 */
#ifndef LUUTRU_INBOX_H
#define LUUTRU_INBOX_H

#include "luutru/doc.h"
#include "luutru/err.h"

/* What the scan found: each entry is either a document or a rejection. */
struct lt_inbox_entry {
	struct lt_doc *doc;  /* owned; NULL when rejected */
	char *label;         /* folder or file name, owned */
	char *path;          /* the entry's absolute path in the inbox, owned */
	char *reason;        /* why it was rejected, naming the file; owned; NULL if accepted */
};

/* Why an entry is not a page. */
enum lt_skip_kind {
	LT_SKIP_NOT_PAGE,    /* not an image (notes.txt), not a regular file (a FIFO) */
	LT_SKIP_LITTER,      /* OS litter: .DS_Store, ._x, Thumbs.db, desktop.ini (quiet) */
	LT_SKIP_HIDDEN,      /* another hidden name: .page-2.png, ..foo/ (warning) */
	LT_SKIP_LINK,        /* a symbolic link not followed: out, dangling, a loop (warning) */
	LT_SKIP_FOLDER,      /* a folder inside a document folder */
	LT_SKIP_UNREADABLE,  /* cannot even be looked at (permissions) (warning) */
	LT_SKIP_YOUNG,       /* changed within min_age: left for a later ingest */
};

/* The kind's name, as recorded in the catalog: "not-a-page", "litter",
 * "hidden", "link", "folder", "unreadable", "young". Static. */
const char *lt_skip_kind_name(enum lt_skip_kind kind);

struct lt_inbox_skip {
	char *path;          /* absolute, owned */
	char *reason;        /* owned; says why, and what to do if it should be a page */
	enum lt_skip_kind kind;
	int warning;         /* 1: it may be a page someone expects archived; say so loudly */
};

struct lt_inbox {
	char *root;          /* the inbox's resolved absolute path, owned */
	struct lt_inbox_entry *entries;
	size_t n_entries;
	struct lt_inbox_skip *skipped;
	size_t n_skipped;
};

struct lt_inbox_opts {
	int min_age;         /* seconds; see lt_inbox_scan_with */
	int follow_symlinks; /* follow links to files outside the inbox (never to folders) */
};

/* What a directory entry's name alone says: a visible name, OS litter, or
 * another hidden name (see the top of this file). "." and ".." are not
 * entries (LT_NAME_SELF). */
enum lt_name_kind { LT_NAME_VISIBLE, LT_NAME_LITTER, LT_NAME_HIDDEN, LT_NAME_SELF };
enum lt_name_kind lt_inbox_name_kind(const char *name);

/* Scans inbox_dir: hashes every page file, counts TIFF pages and computes ids.
 * A bad file rejects only its own document. A document any of whose files
 * (or, for a folder, the folder itself) changed less than opts->min_age
 * seconds ago is skipped as still being written, so a scanner mid-way
 * through a folder does not produce half a document. Hidden names and
 * symbolic links as the top of this file says. Run-scoped failures (the
 * inbox cannot be read, out of memory) return an error. Labels are valid
 * UTF-8 (invalid bytes of legacy file names replaced); paths are kept as
 * they are. opts may be NULL (min_age 0, no link out of the inbox followed).
 * Returns: *out filled, release with lt_inbox_release(). */
int lt_inbox_scan_with(const char *inbox_dir, const struct lt_inbox_opts *opts,
		       struct lt_inbox *out, struct lt_err *err);
/* The same, with links out of the inbox never followed. */
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
