/* mets.c - data/METS.xml: the bundle's table of contents (mets.h).
 *
 * The file IDs are name-based UUIDs of the bag paths, so PREMIS (which uses
 * the same UUIDs as object identifiers) and METS agree without passing a
 * table between them, and two runs on the same input write the same bytes.
 */
#include "luutru/mets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/hash.h"
#include "luutru/layout.h"
#include "luutru/version.h"
#include "luutru/xmlw.h"

void lt_pkg_uuid(const char *doc_id, const char *name, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	char digest[LT_SHA256_HEX];
	unsigned char b[16];
	size_t len = strlen("luutru:") + strlen(doc_id) + 1 + strlen(name);
	char *full = malloc(len + 1);
	size_t o = 0;

	memset(b, 0, sizeof(b));
	if (full) {
		snprintf(full, len + 1, "luutru:%s:%s", doc_id, name);
		if (lt_sha256_mem(full, len, digest, NULL) == LT_OK)
			for (size_t i = 0; i < 16; i++)
				b[i] = (unsigned char)((strchr(hex, digest[2 * i]) - hex) << 4 |
						       (strchr(hex, digest[2 * i + 1]) - hex));
		free(full);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x80); /* version 8: custom (SHA-256 name-based) */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 9562 variant */
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

const char *lt_pkg_mimetype(const char *path)
{
	static const struct { const char *suffix, *type; } types[] = {
		{ ".tif", "image/tiff" }, { ".tiff", "image/tiff" }, { ".png", "image/png" },
		{ ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" }, { ".jp2", "image/jp2" },
		{ ".bmp", "image/bmp" }, { ".gif", "image/gif" }, { ".webp", "image/webp" },
		{ ".pnm", "image/x-portable-anymap" }, { ".pdf", "application/pdf" },
		{ ".txt", "text/plain" }, { ".hocr", "text/html" }, { ".xml", "application/xml" },
		{ ".xsd", "application/xml" }, { ".json", "application/json" },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ends_with(path, types[i].suffix))
			return types[i].type;
	return "application/octet-stream";
}

const struct lt_bundle_file *lt_pkg_file(const struct lt_pkg *pkg, const char *path)
{
	for (size_t i = 0; i < pkg->files->n_files; i++)
		if (strcmp(pkg->files->files[i].path, path) == 0)
			return &pkg->files->files[i];
	return NULL;
}

/* Paths in METS are relative to METS.xml, which is in data/. */
static const char *href(const char *bag_path)
{
	return strncmp(bag_path, "data/", 5) == 0 ? bag_path + 5 : bag_path;
}

static void file_id(const struct lt_pkg *pkg, const char *path, char out[48])
{
	char uuid[37];

	lt_pkg_uuid(pkg->doc->id, path, uuid);
	snprintf(out, 48, "uuid-%s", uuid);
}

static void fixity_attrs(struct lt_xw *x, const struct lt_pkg *pkg, const struct lt_bundle_file *f)
{
	lt_xw_attr(x, "MIMETYPE", lt_pkg_mimetype(f->path));
	lt_xw_attrf(x, "SIZE", "%llu", (unsigned long long)f->size);
	lt_xw_attr(x, "CREATED", pkg->created);
	lt_xw_attr(x, "CHECKSUM", f->sha256);
	lt_xw_attr(x, "CHECKSUMTYPE", "SHA-256");
}

/* An mdRef to a metadata file of the bundle; its size and digest when it is
 * already written. */
static void md_ref(struct lt_xw *x, const struct lt_pkg *pkg, const char *path, const char *mdtype,
		   const char *other)
{
	const struct lt_bundle_file *f = lt_pkg_file(pkg, path);

	lt_xw_start(x, "mdRef");
	lt_xw_attr(x, "LOCTYPE", "URL");
	lt_xw_attr(x, "xlink:type", "simple");
	lt_xw_attr(x, "xlink:href", href(path));
	lt_xw_attr(x, "MDTYPE", mdtype);
	lt_xw_attr(x, "OTHERMDTYPE", other);
	if (f)
		fixity_attrs(x, pkg, f);
	else
		lt_xw_attr(x, "MIMETYPE", lt_pkg_mimetype(path));
	lt_xw_end(x);
}

static int is_metadata(const char *path)
{
	return strncmp(path, "data/metadata/", 14) == 0 || strcmp(path, LT_LAYOUT_METS) == 0;
}

/* The fileGrps: one per representation, then the schemas; a payload file
 * elsewhere (none today) gets a group named after its folder. */
static const struct { const char *use, *prefix; } groups[] = {
	{ "master", LT_LAYOUT_MASTER_DATA "/" },
	{ "ocr", LT_LAYOUT_OCR_DATA "/" },
	{ "access", LT_LAYOUT_ACCESS_DATA "/" },
	{ "schemas", LT_LAYOUT_SCHEMAS "/" },
	{ "other", "data/" },
};

static int group_of(const char *path)
{
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		if (strncmp(path, groups[g].prefix, strlen(groups[g].prefix)) == 0)
			return (int)g;
	return -1;
}

static void write_file_sec(struct lt_xw *x, const struct lt_pkg *pkg)
{
	char id[48];

	lt_xw_start(x, "fileSec");
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		int open = 0;

		for (size_t i = 0; i < pkg->files->n_files; i++) {
			const struct lt_bundle_file *f = &pkg->files->files[i];

			if (is_metadata(f->path) || group_of(f->path) != (int)g)
				continue;
			if (!open) {
				lt_xw_start(x, "fileGrp");
				lt_xw_attrf(x, "ID", "grp-%s", groups[g].use);
				lt_xw_attr(x, "USE", groups[g].use);
				open = 1;
			}
			file_id(pkg, f->path, id);
			lt_xw_start(x, "file");
			lt_xw_attr(x, "ID", id);
			fixity_attrs(x, pkg, f);
			lt_xw_start(x, "FLocat");
			lt_xw_attr(x, "LOCTYPE", "URL");
			lt_xw_attr(x, "xlink:type", "simple");
			lt_xw_attr(x, "xlink:href", href(f->path));
			lt_xw_end(x);
			lt_xw_end(x);
		}
		if (open)
			lt_xw_end(x);
	}
	lt_xw_end(x);
}

/* An fptr to the file at path, if the bag has it. */
static void fptr(struct lt_xw *x, const struct lt_pkg *pkg, const char *path)
{
	char id[48];

	if (!path || !lt_pkg_file(pkg, path))
		return;
	file_id(pkg, path, id);
	lt_xw_start(x, "fptr");
	lt_xw_attr(x, "FILEID", id);
	lt_xw_end(x);
}

static int write_struct_map(struct lt_xw *x, const struct lt_pkg *pkg, struct lt_err *err)
{
	static const enum lt_layout_page_file ocr[] = { LT_PAGE_TEXT, LT_PAGE_HOCR, LT_PAGE_ALTO };
	const struct lt_doc *doc = pkg->doc;
	char *path = NULL;
	int rc;

	lt_xw_start(x, "structMap");
	lt_xw_attr(x, "TYPE", "physical");
	lt_xw_start(x, "div");
	lt_xw_attr(x, "TYPE", "document");
	lt_xw_attr(x, "LABEL", doc->label);
	lt_xw_attr(x, "DMDID", "dmd-ead dmd-json");
	lt_xw_attr(x, "ADMID", "digiprov-premis");
	rc = lt_layout_access_pdf(doc->id, &path, err);
	if (rc)
		return rc;
	fptr(x, pkg, path);
	free(path);
	path = NULL;
	for (size_t i = 0; i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		lt_xw_start(x, "div");
		lt_xw_attr(x, "TYPE", "page");
		lt_xw_attrf(x, "ORDER", "%d", p->number);
		lt_xw_attrf(x, "ORDERLABEL", "%d", p->number);
		/* A multi-page TIFF is one master file: each of its pages points
		 * at the whole file (METS has no begin type for "image n"). */
		rc = lt_layout_master(doc, (size_t)p->source, &path, err);
		if (rc)
			return rc;
		fptr(x, pkg, path);
		free(path);
		path = NULL;
		for (size_t k = 0; k < sizeof(ocr) / sizeof(ocr[0]); k++) {
			rc = lt_layout_page(p->number, ocr[k], &path, err);
			if (rc)
				return rc;
			fptr(x, pkg, path);
			free(path);
			path = NULL;
		}
		lt_xw_end(x);
	}
	lt_xw_end(x);
	lt_xw_end(x);
	return LT_OK;
}

int lt_mets_write(const struct lt_pkg *pkg, char **out, size_t *len, struct lt_err *err)
{
	struct lt_xw x;
	int rc = lt_xw_begin(&x, "METS.xml", err);

	*out = NULL;
	if (rc)
		return rc;
	lt_xw_start(&x, "mets");
	lt_xw_attr(&x, "xmlns", LT_METS_NS);
	lt_xw_attr(&x, "xmlns:xlink", LT_XLINK_NS);
	lt_xw_attr(&x, "xmlns:xsi", LT_XSI_NS);
	lt_xw_attr(&x, "xsi:schemaLocation", LT_METS_NS " " LT_METS_XSD " " LT_XLINK_NS " " LT_XLINK_XSD);
	lt_xw_attr(&x, "OBJID", pkg->doc->id);
	lt_xw_attr(&x, "LABEL", pkg->doc->label);
	lt_xw_attr(&x, "TYPE", "document");
	lt_xw_attr(&x, "PROFILE", "luutru bundle (E-ARK CSIP layout, TT05/2025/TT-BNV)");

	lt_xw_start(&x, "metsHdr");
	lt_xw_attr(&x, "CREATEDATE", pkg->created);
	lt_xw_attr(&x, "RECORDSTATUS", "NEW");
	lt_xw_start(&x, "agent");
	lt_xw_attr(&x, "ROLE", "CREATOR");
	lt_xw_attr(&x, "TYPE", "OTHER");
	lt_xw_attr(&x, "OTHERTYPE", "SOFTWARE");
	lt_xw_element(&x, "name", "luutru");
	lt_xw_element(&x, "note", "version " LT_VERSION);
	lt_xw_end(&x);
	if (pkg->organization) {
		lt_xw_start(&x, "agent");
		lt_xw_attr(&x, "ROLE", "CUSTODIAN");
		lt_xw_attr(&x, "TYPE", "ORGANIZATION");
		lt_xw_element(&x, "name", pkg->organization);
		lt_xw_end(&x);
	}
	lt_xw_element(&x, "metsDocumentID", "METS.xml");
	lt_xw_end(&x);

	lt_xw_start(&x, "dmdSec");
	lt_xw_attr(&x, "ID", "dmd-ead");
	lt_xw_attr(&x, "CREATED", pkg->created);
	md_ref(&x, pkg, LT_LAYOUT_EAD, "EAD", NULL);
	lt_xw_end(&x);
	lt_xw_start(&x, "dmdSec");
	lt_xw_attr(&x, "ID", "dmd-json");
	lt_xw_attr(&x, "CREATED", pkg->created);
	md_ref(&x, pkg, LT_LAYOUT_METADATA_JSON, "OTHER", "luutru-metadata");
	lt_xw_end(&x);

	lt_xw_start(&x, "amdSec");
	lt_xw_attr(&x, "ID", "amd");
	lt_xw_start(&x, "digiprovMD");
	lt_xw_attr(&x, "ID", "digiprov-premis");
	lt_xw_attr(&x, "CREATED", pkg->created);
	md_ref(&x, pkg, LT_LAYOUT_PREMIS, "PREMIS", NULL);
	lt_xw_end(&x);
	lt_xw_end(&x);

	write_file_sec(&x, pkg);
	rc = write_struct_map(&x, pkg, err);
	lt_xw_end(&x);
	if (rc) {
		lt_xw_release(&x);
		return rc;
	}
	return lt_xw_finish(&x, out, len, err);
}
