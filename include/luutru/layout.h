/* layout.h - where things go: the E-ARK layout inside a bundle, the bundle's
 * own path in the archive per version, and the per-document work folder.
 *
 * One module so that a reader (and the stages that write METS, ALTO, PDF or
 * PREMIS later) find every name in one place rather than as path literals
 * spread over the stages. In-bag paths are relative to the bag's top folder.
 * Every function that builds a name returns LT_OK and an owned string in
 * *out (free()), or fills err (LT_ENOMEM; LT_EIO for a path too long).
 */
#ifndef LUUTRU_LAYOUT_H
#define LUUTRU_LAYOUT_H

#include "luutru/doc.h"
#include "luutru/err.h"

struct lt_catalog;

/* Fixed files of an E-ARK information package. */
#define LT_LAYOUT_METS          "data/METS.xml"
#define LT_LAYOUT_EAD           "data/metadata/descriptive/EAD.xml"
#define LT_LAYOUT_METADATA_JSON "data/metadata/descriptive/metadata.json"
#define LT_LAYOUT_PREMIS        "data/metadata/preservation/PREMIS.xml"
#define LT_LAYOUT_SCHEMAS       "data/schemas"

/* The representations' data folders. */
#define LT_LAYOUT_MASTER_DATA   "data/representations/master/data"
#define LT_LAYOUT_OCR_DATA      "data/representations/ocr/data"
#define LT_LAYOUT_ACCESS_DATA   "data/representations/access/data"

/* Per-page files of the OCR representation. */
enum lt_layout_page_file {
	LT_PAGE_TEXT,   /* 0001.txt */
	LT_PAGE_HOCR,   /* 0001.hocr */
	LT_PAGE_ALTO,   /* 0001.alto.xml */
};

/* The master file of source i: "data/representations/master/data/0001.tif". */
int lt_layout_master(const struct lt_doc *doc, size_t source, char **out, struct lt_err *err);

/* A page's OCR file: "data/representations/ocr/data/0001.txt". page is 1-based. */
int lt_layout_page(int page, enum lt_layout_page_file kind, char **out, struct lt_err *err);

/* The access copy: "data/representations/access/data/<id>.pdf". */
int lt_layout_access_pdf(const char *id, char **out, struct lt_err *err);

/* A schema shipped in the bundle: "data/schemas/<name>" (name: a file name). */
int lt_layout_schema(const char *name, char **out, struct lt_err *err);

/* ---- in the archive ---- */

/* The folder holding a document's bundles, relative to the archive:
 * "bundles/<id[0:2]>". */
int lt_layout_bundle_dir(const char *id, char **out, struct lt_err *err);

/* A bundle's path relative to the archive. Version 1 (the first bundle of a
 * document) is "bundles/<id[0:2]>/<id>.tar", as archives always had it;
 * version N > 1 is "bundles/<id[0:2]>/<id>.vN.tar". A version < 1 is
 * LT_EINTERNAL. */
int lt_layout_bundle_path(const char *id, int version, char **out, struct lt_err *err);

/* A page's file as the OCR stage spools it into the document's work folder,
 * under the name it gets in the bundle: "<work_dir>/0001.hocr",
 * "<work_dir>/0001.alto.xml". */
int lt_layout_work_page(const char *work_dir, int page, enum lt_layout_page_file kind, char **out,
			struct lt_err *err);

/* The access copy as the PDF stage writes it into the document's work
 * folder: "<work_dir>/access.pdf". Packaging puts it in the bundle at
 * lt_layout_access_pdf() when it exists. */
#define LT_LAYOUT_WORK_ACCESS_PDF "access.pdf"
int lt_layout_work_access_pdf(const char *work_dir, char **out, struct lt_err *err);

/* Moves the finished tar `tmp` to `final` (absolute paths), never replacing
 * a file there by a plain rename: renameat2(RENAME_NOREPLACE), or link() and
 * unlink() where the file system does not support it. If final exists it is
 * either an orphan, left by a run that crashed between this move and its
 * catalog commit (version `version` of document `id` is not in cat): it is
 * removed and the move done again without replacing; or that version is
 * recorded: LT_EARCHIVE naming final, and neither file is touched. The
 * folder holding final must exist; it is fsync'ed after the move. */
int lt_layout_install_bundle(struct lt_catalog *cat, const char *id, int version, const char *tmp,
			     const char *final, struct lt_err *err);

/* What became of a file under bundles/ that the catalog does not know. */
enum lt_orphan_fate {
	LT_ORPHAN_ADOPTED, /* a sound bag of the next version of a queued document: left in
			    * place, where packaging that document replaces it */
	LT_ORPHAN_MOVED,   /* moved aside to ARCHIVE/orphans/<time>/bundles/..., never deleted */
};

/* Told of each orphan: rel its path under the archive ("bundles/ab/x.tar"),
 * dest where it went (relative to the archive; NULL when adopted), why a
 * sentence. All borrowed for the call. */
typedef void (*lt_orphan_fn)(void *ud, enum lt_orphan_fate fate, const char *rel, const char *dest,
			     const char *why);

/* Looks at every file under ARCHIVE/bundles/ (shard folders one deep) that
 * the catalog does not record: one named as the next bundle version
 * (lt_layout_bundle_path) of a document that is queued, whose bag
 * lt_bag_read() finds sound with the id as its top folder, is adopted; any
 * other is moved aside into ARCHIVE/orphans/<time>-<pid>/, keeping its path
 * (bundles/ab/x.tar), with the folders fsync'ed. Call under the run lock
 * (nothing may be installing bundles meanwhile), after interrupted
 * documents are requeued. fn (may be NULL) hears of each; *adopted and
 * *moved count them. An error (LT_EIO naming the file, LT_EDB) stops the
 * sweep; what was moved before it stays moved. */
int lt_layout_sweep_orphans(struct lt_catalog *cat, const char *archive, lt_orphan_fn fn, void *ud,
			    int *adopted, int *moved, struct lt_err *err);

#endif
