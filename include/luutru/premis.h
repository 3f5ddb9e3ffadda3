/* premis.h - PREMIS 3.0 for a bundle (data/metadata/preservation/PREMIS.xml).
 *
 * Objects: the document as an intellectual entity (identifier: the document
 * id) and a file object per file of pkg->files (identifier: the same
 * name-based UUID METS gives the file, lt_pkg_uuid()), each with its
 * SHA-256, size, format (a PRONOM key where one fits) and place in the bag.
 * Events: the catalog's history, this run's stages and the packaging itself
 * (LT_PREMIS_PACKAGED at pkg->created), each linked to its agents and the
 * document. Agents: luutru and its version, Tesseract and its version, and
 * the operating archive when one is configured.
 */
#ifndef LUUTRU_PREMIS_H
#define LUUTRU_PREMIS_H

#include <stddef.h>

#include "luutru/err.h"
#include "luutru/mets.h"

#define LT_PREMIS_NS  "http://www.loc.gov/premis/v3"
#define LT_PREMIS_XSD "http://www.loc.gov/standards/premis/v3/premis-v3-0.xsd"

/* The event type the package stage records, in the catalog and in PREMIS. */
#define LT_PREMIS_PACKAGED "packaged"

/* The PREMIS eventType (Library of Congress vocabulary) for a luutru event
 * type: "ingested" -> "ingestion", "ocr" -> "creation", "packaged" ->
 * "information package creation", ...; an unknown type is given as is. */
const char *lt_premis_event_type(const char *luutru_type);

/* A file's format by its bag path: name, and PRONOM key or NULL. */
void lt_premis_format(const char *path, const char **name, const char **pronom);

/* Writes PREMIS.xml. packaged_detail: the detail of the packaging event
 * (what the catalog records for it, up to what only the finished tar
 * knows). Returns: *out owned (free()), *len its length. */
int lt_premis_write(const struct lt_pkg *pkg, const char *packaged_detail, char **out, size_t *len,
		    struct lt_err *err);

#endif
