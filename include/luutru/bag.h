/* bag.h - writing a BagIt bag (RFC 8493) straight into an uncompressed POSIX
 * tar with libarchive, in one pass: every file is hashed as it is streamed,
 * the manifests are written last, and the tar itself is hashed on its way to
 * disk, so nothing is read twice.
 *
 * Usage: lt_bag_create(), any number of lt_bag_add_file()/lt_bag_add_data()
 * for payload (paths under "data/"), then lt_bag_finish(). lt_bag_free() on a
 * bag that did not finish removes the partial tar.
 *
 * Reading (pipeline/bag_read.c): lt_bag_read() checks a bag, a tar or a
 * directory, in one streaming pass (payload is hashed as it is read, never
 * held in memory) and lists every problem it finds; lt_bag_extract() pulls
 * one member out with its digest checked against the bag's manifests.
 */
#ifndef LUUTRU_BAG_H
#define LUUTRU_BAG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* The files added so far, in order, with their sizes and digests (paths
 * relative to the bag's top folder), so METS and PREMIS can list the
 * payload before it is finished. Borrowed: valid until the next call on
 * bag. */
const struct lt_bundle *lt_bag_files(const struct lt_bag *bag);

/* Writes manifest-sha256.txt, bag-info.txt (Bagging-Date, Payload-Oxum,
 * Bag-Software-Agent and the given extra "Label: value" pairs, a
 * NULL-terminated list of label/value pointers), bagit.txt and
 * tagmanifest-sha256.txt; closes the tar and fsyncs it. Fills out->size,
 * out->sha256, out->created and appends every file of the bag to out->files.
 * out->path is left to the caller. Every entry of the tar has owner 0:0,
 * mode 0644 and the mtime of lt_now() (fsutil.h) at lt_bag_create(), and
 * Bag-Size is the payload's size in human units, so with SOURCE_DATE_EPOCH
 * set the same files make the same bytes. */
int lt_bag_finish(struct lt_bag *bag, const char *const *info, struct lt_bundle *out,
		  struct lt_err *err);

/* NULL-safe. Unlinks the tar unless lt_bag_finish() succeeded. */
void lt_bag_free(struct lt_bag *bag);

/* ---- reading ---- */

/* What is wrong with a bag. A reader reports every problem it finds rather
 * than stopping at the first: a fixity audit wants the whole list.
 * Problems make a bag invalid; warnings (same struct, in their own list) do
 * not: the bag is valid but may not travel well, as the Library of
 * Congress conformance suite's "warning" bags. */
enum lt_bag_problem_kind {
	LT_BAG_MISSING = 1,  /* listed in a manifest, not in the bag */
	LT_BAG_UNLISTED,     /* a payload file that a payload manifest does not list */
	LT_BAG_MISMATCH,     /* its digest is not the one its manifest records */
	LT_BAG_OXUM,         /* Payload-Oxum disagrees with the payload */
	LT_BAG_LAYOUT,       /* an entry or manifest path outside the top directory,
			      * "..", absolute, not a regular file, twice in the bag */
	LT_BAG_TAGFILE,      /* bagit.txt, bag-info.txt or a manifest missing or malformed */
	LT_BAG_UNSUPPORTED,  /* a digest algorithm or encoding this reader cannot check */
	LT_BAG_FETCH,        /* fetch.txt malformed, or a file it lists not fetched yet
			      * (the bag is incomplete) or not in every payload manifest */
	/* Kinds for warnings only (lt_bag_report.warnings): */
	LT_BAG_PORTABILITY,  /* names that differ only in case or Unicode normalisation,
			      * OS junk files (.DS_Store, Thumbs.db, ...) */
	LT_BAG_STYLE,        /* a manifest line in a tolerated non-standard form: md5sum's
			      * "*PATH", "./PATH", a line repeated with the same digest
			      * (BagIt < 1.0) */
};

struct lt_bag_problem {
	enum lt_bag_problem_kind kind;
	char *path;          /* relative to the bag's top directory ("data/0001.txt"), or
			      * the name as stored when it is outside it; UTF-8 */
	char *reason;        /* a sentence naming what was expected and what was found */
};

struct lt_bag_info_pair {
	char *label;         /* as written, surrounding blanks removed */
	char *value;         /* continuation lines joined with one space */
};

/* One regular file of the bag. */
struct lt_bag_file {
	char *path;                 /* relative to the top directory */
	uint64_t size;
	char sha256[65];            /* "" if it was not hashed (lt_bag_read_opts.select) */
};

/* What lt_bag_read() found. Owned by the caller: lt_bag_report_free(). */
struct lt_bag_report {
	char *name;                 /* the top directory (tar) or the directory's own name */
	int tar_format;             /* libarchive's archive_format() of a tar; 0 for a directory */
	char version[16];           /* BagIt-Version, "" if bagit.txt was not read */
	char *encoding;             /* Tag-File-Character-Encoding; NULL if absent */
	struct lt_bag_info_pair *info;   /* bag-info.txt in file order, duplicates kept */
	size_t n_info;
	struct lt_bag_file *files;  /* every regular file, sorted by path (bytewise) */
	size_t n_files;
	struct lt_bag_problem *problems; /* in the order found; none for a sound bag */
	size_t n_problems;
	uint64_t payload_bytes;     /* regular files under data/ */
	size_t payload_files;
	uint64_t size;              /* bytes of the tar read; 0 for a directory */
	char sha256[65];            /* of the whole tar, when every byte was read; else "" */
	struct lt_bag_problem *warnings; /* in the order found; a valid bag may have some */
	size_t n_warnings;
};

/* An entry as the reader meets it, for lt_bag_read_opts.select. Borrowed:
 * valid during the call. */
struct lt_bag_entry {
	const char *path;           /* relative to the top directory, UTF-8 */
	mode_t type;                /* S_IFREG, S_IFDIR, S_IFLNK, ... */
	uint64_t size;
};

struct lt_bag_read_opts {
	/* Called for each entry inside the top directory (not for entries the
	 * reader already refuses as outside it). Return 1 to have a regular
	 * file's bytes passed to data(), 0 not to. NULL: no entry selected. */
	int (*select)(void *ud, const struct lt_bag_entry *entry);
	/* The bytes of the entry select() last accepted, in order. A non-zero
	 * return stops the read with that code (err filled by data). */
	int (*data)(void *ud, const void *buf, size_t len, struct lt_err *err);
	void *ud;
	/* Only the tag files and the selected entries are hashed and checked;
	 * the rest is skipped (not read at all where the tar can seek), and
	 * missing, unlisted and Payload-Oxum are not checked. For pulling one
	 * file out of a large bag. */
	int selected_only;
};

/* Reads the bag at path: a tar (uncompressed or not: any tar libarchive
 * reads) holding one top directory NAME/, or a directory holding the bag.
 * Every regular file is hashed as it streams, so payload of any size is
 * never held in memory (tag files are, up to 64 MiB each). Order in a tar
 * does not matter: digests are compared with the manifests at the end; a
 * tar whose manifests use an algorithm other than SHA-256 and come after
 * the payload is read a second time. Digests: md5, sha1, sha224, sha256,
 * sha384, sha512. opts may be NULL.
 *
 * Strict BagIt 1.0 (RFC 8493) and 0.97: bagit.txt exactly two lines, every
 * payload file in every payload manifest once (BagIt < 1.0: a line repeated
 * with the same digest is a warning), manifest paths percent-decoded (%0D,
 * %0A, %25), fetch.txt parsed (a listed file not in the bag makes it
 * incomplete: a problem). Tolerated with a warning: md5sum's "*PATH",
 * "./PATH", a listed name found only under another case or Unicode
 * normalisation, OS junk files (present, or listed and missing: copies drop
 * them; Payload-Oxum may then count them).
 *
 * Returns LT_OK when the bag could be read, whatever problems it has: look
 * at (*out)->n_problems. An error (LT_EIO, LT_EARCHIVE for a tar that is
 * not one or is cut short, LT_ENOMEM, or data()'s code) leaves *out NULL.
 * Returns: *out owned, free with lt_bag_report_free(). */
int lt_bag_read(const char *path, const struct lt_bag_read_opts *opts, struct lt_bag_report **out,
		struct lt_err *err);

/* NULL-safe. */
void lt_bag_report_free(struct lt_bag_report *rep);

/* A short name for a problem kind ("missing", "digest mismatch", ...), for
 * people: translated. Static string. */
const char *lt_bag_problem_name(enum lt_bag_problem_kind kind);

/* Writes the member at rel_path ("data/representations/ocr/data/0001.txt",
 * or a tag file) of the bag at bag_path to fd, and checks its digest against
 * every manifest that lists it, and those manifests against the tag
 * manifests. The bytes reach fd before the check can be made (the manifests
 * come last in a tar), so write to a temporary file and keep it only on
 * LT_OK. LT_ENOTFOUND: no such member; LT_EVERIFY: the member or a manifest
 * does not match, or no manifest lists the member; errors name the bag and
 * the member. */
int lt_bag_extract(const char *bag_path, const char *rel_path, int fd, struct lt_err *err);

#endif
