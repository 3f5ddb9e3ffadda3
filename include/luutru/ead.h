/* ead.h - EAD3 for a bundle (data/metadata/descriptive/EAD.xml): the
 * document as one item, described from its TT05 metadata (doc->meta).
 *
 * control: recordid (the document id), titlestmt, maintenance status,
 * agency (the operating archive, else luutru) and history (created by
 * luutru at pkg->created). archdesc level="item": did with unittitle
 * (subject, else title, else the inbox label), unitid (the document id; the
 * TT05 docCode, or codeNumber with codeNotation as printed: "05-CT/TW" for a
 * party document, "1127/QĐ-UBND" for a state one; fileCode), unitdate
 * (issuedDate, else the dates of the scans), origination (organName,
 * parentOrganName), physdescstructured (pages), langmaterial (the OCR
 * languages); scopecontent (subject, description), controlaccess (type,
 * place, keywords, signer), accessrestrict (secrecy), and an odd listing
 * every TT05 field with its provenance, so none is lost.
 */
#ifndef LUUTRU_EAD_H
#define LUUTRU_EAD_H

#include <stddef.h>

#include "luutru/err.h"
#include "luutru/mets.h"

#define LT_EAD_NS  "http://ead3.archivists.org/schema/"
#define LT_EAD_XSD "https://www.loc.gov/ead/ead3.xsd"

/* Returns: *out owned (free()), *len its length. */
int lt_ead_write(const struct lt_pkg *pkg, char **out, size_t *len, struct lt_err *err);

#endif
