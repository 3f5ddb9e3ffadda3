/* mets.h - METS 1.12 for a bundle (data/METS.xml), and what METS, PREMIS
 * (premis.h) and EAD (ead.h) share: the description of one document being
 * packaged.
 *
 * Packaging writes the payload first, so every file's size and SHA-256 are
 * known (struct lt_bundle of the bag, bag.h: lt_bag_files()); then EAD.xml,
 * metadata.json and PREMIS.xml, which PREMIS and METS then list with their
 * own digests; METS last, since it cannot list itself.
 */
#ifndef LUUTRU_METS_H
#define LUUTRU_METS_H

#include <stddef.h>

#include "luutru/doc.h"
#include "luutru/err.h"

#define LT_METS_NS  "http://www.loc.gov/METS/"
#define LT_METS_XSD "http://www.loc.gov/standards/mets/mets.xsd"
#define LT_XLINK_NS "http://www.w3.org/1999/xlink"
#define LT_XLINK_XSD "http://www.loc.gov/standards/xlink/xlink.xsd"
#define LT_XSI_NS   "http://www.w3.org/2001/XMLSchema-instance"

/* One document being packaged. Everything borrowed for the call. */
struct lt_pkg {
	const struct lt_doc *doc;        /* id, label, pages, meta, this run's events */
	const struct lt_bundle *files;   /* bag files written so far (paths "data/..."),
					  * with their sizes and digests */
	const struct lt_event *history;  /* the catalog's events before this run, oldest first */
	size_t n_history;
	const char *created;             /* ISO 8601: when the package is made */
	const char *organization;        /* the operating archive; NULL when not configured */
	const char *tesseract_version;   /* TessVersion(); NULL when unknown */
};

/* A name-based UUID (RFC 9562 version 8, SHA-256 of "luutru:<doc_id>:<name>"),
 * so the identifiers in METS and PREMIS are the same on every run:
 * "1b4e28ba-2fa1-81d2-a83f-0123456789ab". */
void lt_pkg_uuid(const char *doc_id, const char *name, char out[37]);

/* The MIME type of a bundle file by its name ("image/tiff", "text/plain",
 * "application/xml", ...); "application/octet-stream" when unknown. Static. */
const char *lt_pkg_mimetype(const char *path);

/* The file of that bag path in pkg->files, or NULL. Borrowed. */
const struct lt_bundle_file *lt_pkg_file(const struct lt_pkg *pkg, const char *path);

/* Writes METS.xml: metsHdr (CREATEDATE, luutru as creator, the archive as
 * custodian), dmdSec with mdRefs to EAD.xml and metadata.json, amdSec with a
 * digiprovMD mdRef to PREMIS.xml (each with size and SHA-256 when the file
 * is in pkg->files), a fileSec with a fileGrp per representation (master,
 * ocr, access) and one for the schemas listing every other payload file,
 * and a physical structMap: the document (with its PDF), then a div per
 * page in page order with its master, text, hOCR and ALTO.
 * Returns: *out owned (free()), *len its length. */
int lt_mets_write(const struct lt_pkg *pkg, char **out, size_t *len, struct lt_err *err);

#endif
