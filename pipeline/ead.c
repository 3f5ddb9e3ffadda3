/* ead.c - EAD3 for one document (ead.h). Values come from doc->meta when
 * the archivist or a rule gave them; until then the label, the scan dates
 * and the archive's identifier still make a valid record. */
#include "luutru/ead.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/version.h"
#include "luutru/xmlw.h"

static const char *meta(const struct lt_pkg *pkg, const char *key)
{
	const char *v = lt_meta_value(&pkg->doc->meta, key);

	return v && *v ? v : NULL;
}

/* The date the scans were first ingested (YYYY-MM-DD), from the history. */
static void scan_date(const struct lt_pkg *pkg, char out[11])
{
	const char *at = pkg->created;

	for (size_t i = 0; i < pkg->n_history; i++)
		if (strcmp(pkg->history[i].type, "ingested") == 0) {
			at = pkg->history[i].at;
			break;
		}
	snprintf(out, 11, "%.10s", at ? at : "");
}

static void named(struct lt_xw *x, const char *elem, const char *localtype, const char *relator,
		  const char *value)
{
	if (!value)
		return;
	lt_xw_start(x, elem);
	lt_xw_attr(x, "localtype", localtype);
	lt_xw_attr(x, "relator", relator);
	lt_xw_element(x, "part", value);
	lt_xw_end(x);
}

static void paragraph_block(struct lt_xw *x, const char *elem, const char *localtype,
			    const char *const *values, size_t n)
{
	size_t have = 0;

	for (size_t i = 0; i < n; i++)
		have += values[i] != NULL;
	if (!have)
		return;
	lt_xw_start(x, elem);
	lt_xw_attr(x, "localtype", localtype);
	for (size_t i = 0; i < n; i++)
		lt_xw_element(x, "p", values[i]);
	lt_xw_end(x);
}

/* "05-CT/TW" (party) or "1127/QĐ-UBND" (state), as Vietnamese documents
 * print their number and notation. */
static void doc_number(const struct lt_pkg *pkg, char *out, size_t size)
{
	const char *num = meta(pkg, "codeNumber"), *notation = meta(pkg, "codeNotation");
	const char *family = meta(pkg, "docFamily");
	const char *sep = family && strcmp(family, "party") == 0 ? "-" : "/";

	out[0] = 0;
	if (num && notation)
		snprintf(out, size, "%s%s%s", num, sep, notation);
	else if (num || notation)
		snprintf(out, size, "%s", num ? num : notation);
}

static void write_did(struct lt_xw *x, const struct lt_pkg *pkg)
{
	const struct lt_doc *doc = pkg->doc;
	const char *title = meta(pkg, "subject");
	const char *issued = meta(pkg, "issuedDate");
	char number[256], date[11], pages[32];

	if (!title)
		title = meta(pkg, "title");
	if (!title)
		title = doc->label;
	lt_xw_start(x, "did");
	lt_xw_element(x, "unittitle", title);
	lt_xw_start(x, "unitid");
	lt_xw_attr(x, "localtype", "luutru-id");
	lt_xw_text(x, doc->id);
	lt_xw_end(x);
	doc_number(pkg, number, sizeof(number));
	if (meta(pkg, "docCode") || number[0]) {
		lt_xw_start(x, "unitid");
		lt_xw_attr(x, "localtype", meta(pkg, "docCode") ? "docCode" : "codeNumber-codeNotation");
		lt_xw_text(x, meta(pkg, "docCode") ? meta(pkg, "docCode") : number);
		lt_xw_end(x);
	}
	if (meta(pkg, "fileCode")) {
		lt_xw_start(x, "unitid");
		lt_xw_attr(x, "localtype", "fileCode");
		lt_xw_text(x, meta(pkg, "fileCode"));
		lt_xw_end(x);
	}
	lt_xw_start(x, "unitdatestructured");
	if (issued) {
		lt_xw_attr(x, "datechar", "issued");
		lt_xw_start(x, "datesingle");
		/* standarddate must be ISO 8601: only for a YYYY-MM-DD value. */
		if (strlen(issued) == 10 && issued[4] == '-' && issued[7] == '-')
			lt_xw_attr(x, "standarddate", issued);
		lt_xw_text(x, issued);
	} else {
		scan_date(pkg, date);
		lt_xw_attr(x, "datechar", "digitized");
		lt_xw_start(x, "datesingle");
		lt_xw_attr(x, "standarddate", date);
		lt_xw_text(x, date);
	}
	lt_xw_end(x);
	lt_xw_end(x);
	if (meta(pkg, "organName") || meta(pkg, "parentOrganName")) {
		lt_xw_start(x, "origination");
		named(x, "corpname", "organName", NULL, meta(pkg, "organName"));
		named(x, "corpname", "parentOrganName", NULL, meta(pkg, "parentOrganName"));
		lt_xw_end(x);
	}
	snprintf(pages, sizeof(pages), "%zu", doc->n_pages);
	lt_xw_start(x, "physdescstructured");
	lt_xw_attr(x, "coverage", "whole");
	lt_xw_attr(x, "physdescstructuredtype", "carrier");
	lt_xw_element(x, "quantity", meta(pkg, "numberOfPage") ? meta(pkg, "numberOfPage") : pages);
	lt_xw_element(x, "unittype", "pages");
	lt_xw_end(x);
	if (doc->lang && *doc->lang) {
		/* Tesseract's language names are ISO 639-2 codes (vie, eng, fra). */
		const char *p = doc->lang;

		lt_xw_start(x, "langmaterial");
		while (*p) {
			size_t n = strcspn(p, "+");
			char code[16];

			if (n > 0 && n < sizeof(code)) {
				memcpy(code, p, n);
				code[n] = 0;
				lt_xw_start(x, "language");
				lt_xw_attr(x, "langcode", code);
				lt_xw_text(x, code);
				lt_xw_end(x);
			}
			p += n;
			if (*p)
				p++;
		}
		lt_xw_end(x);
	}
	lt_xw_end(x);
}

static void write_control(struct lt_xw *x, const struct lt_pkg *pkg)
{
	const struct lt_doc *doc = pkg->doc;
	const char *title = meta(pkg, "title") ? meta(pkg, "title") : meta(pkg, "subject");

	lt_xw_start(x, "control");
	lt_xw_element(x, "recordid", doc->id);
	lt_xw_start(x, "filedesc");
	lt_xw_start(x, "titlestmt");
	lt_xw_element(x, "titleproper", title ? title : doc->label);
	lt_xw_end(x);
	lt_xw_end(x);
	lt_xw_start(x, "maintenancestatus");
	lt_xw_attr(x, "value", "new");
	lt_xw_end(x);
	lt_xw_start(x, "maintenanceagency");
	lt_xw_element(x, "agencyname", pkg->organization ? pkg->organization : "luutru");
	lt_xw_end(x);
	lt_xw_start(x, "maintenancehistory");
	lt_xw_start(x, "maintenanceevent");
	lt_xw_start(x, "eventtype");
	lt_xw_attr(x, "value", "created");
	lt_xw_end(x);
	lt_xw_start(x, "eventdatetime");
	lt_xw_attr(x, "standarddatetime", pkg->created);
	lt_xw_text(x, pkg->created);
	lt_xw_end(x);
	lt_xw_start(x, "agenttype");
	lt_xw_attr(x, "value", "machine");
	lt_xw_end(x);
	lt_xw_element(x, "agent", "luutru " LT_VERSION);
	lt_xw_element(x, "eventdescription", "packaged from the scans and their OCR");
	lt_xw_end(x);
	lt_xw_end(x);
	lt_xw_end(x);
}

/* Every TT05 field with where it came from. */
static void write_fields(struct lt_xw *x, const struct lt_pkg *pkg)
{
	const struct lt_meta *m = &pkg->doc->meta;

	if (!m->n)
		return;
	lt_xw_start(x, "odd");
	lt_xw_attr(x, "localtype", "tt05-fields");
	lt_xw_element(x, "head", "TT05 metadata fields");
	lt_xw_start(x, "list");
	lt_xw_attr(x, "listtype", "deflist");
	for (size_t i = 0; i < m->n; i++) {
		const struct lt_meta_field *f = &m->fields[i];
		struct lt_buf item = LT_BUF_INIT;

		if (lt_buf_printf(&item, NULL, "%s (%s%s%s%s)", f->value ? f->value : "",
				  lt_meta_source_name(f->source), f->origin ? ": " : "",
				  f->origin ? f->origin : "", f->confirmed ? ", confirmed" : "") != LT_OK)
			x->failed = 1;
		lt_xw_start(x, "defitem");
		lt_xw_element(x, "label", f->key);
		lt_xw_element(x, "item", lt_buf_str(&item));
		lt_xw_end(x);
		lt_buf_release(&item);
	}
	lt_xw_end(x);
	lt_xw_end(x);
}

int lt_ead_write(const struct lt_pkg *pkg, char **out, size_t *len, struct lt_err *err)
{
	struct lt_xw x;
	int rc = lt_xw_begin(&x, "EAD.xml", err);
	const char *scope[2], *secrecy[1];
	int access;

	*out = NULL;
	if (rc)
		return rc;
	lt_xw_start(&x, "ead");
	lt_xw_attr(&x, "xmlns", LT_EAD_NS);
	lt_xw_attr(&x, "xmlns:xsi", LT_XSI_NS);
	lt_xw_attr(&x, "xsi:schemaLocation", LT_EAD_NS " " LT_EAD_XSD);
	write_control(&x, pkg);
	lt_xw_start(&x, "archdesc");
	lt_xw_attr(&x, "level", "item");
	write_did(&x, pkg);
	scope[0] = meta(pkg, "subject");
	scope[1] = meta(pkg, "description");
	paragraph_block(&x, "scopecontent", "subject-description", scope, 2);
	secrecy[0] = meta(pkg, "secrecyLevel");
	paragraph_block(&x, "accessrestrict", "secrecyLevel", secrecy, 1);
	access = meta(pkg, "typeLabel") || meta(pkg, "typeName") || meta(pkg, "issuedPlace") ||
		 meta(pkg, "keyword") || meta(pkg, "signerName");
	if (access) {
		lt_xw_start(&x, "controlaccess");
		named(&x, "genreform", "typeLabel", NULL,
		      meta(pkg, "typeLabel") ? meta(pkg, "typeLabel") : meta(pkg, "typeName"));
		named(&x, "geogname", "issuedPlace", NULL, meta(pkg, "issuedPlace"));
		named(&x, "subject", "keyword", NULL, meta(pkg, "keyword"));
		named(&x, "persname", "signerName", "signer", meta(pkg, "signerName"));
		lt_xw_end(&x);
	}
	write_fields(&x, pkg);
	lt_xw_end(&x);
	lt_xw_end(&x);
	return lt_xw_finish(&x, out, len, err);
}
