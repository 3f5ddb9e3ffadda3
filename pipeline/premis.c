/* premis.c - PREMIS 3.0 for a bundle (premis.h).
 *
 * Identifiers are derived, never random: file objects carry the name-based
 * UUID of their bag path (the METS file ID without "uuid-"), events the
 * name-based UUID of their place in the history, so a bundle made twice
 * from the same input is the same bytes.
 */
#include "luutru/premis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/version.h"
#include "luutru/xmlw.h"

#define AGENT_SOFTWARE_ID "software"
#define LUUTRU_AGENT "luutru " LT_VERSION
#define DOC_ID_TYPE "luutru document id"

const char *lt_premis_event_type(const char *t)
{
	static const struct { const char *luutru, *premis; } map[] = {
		{ "ingested", "ingestion" },
		{ "requeued", "ingestion" },
		{ "ocr", "creation" },
		{ "access-copy", "creation" },
		{ "metadata", "metadata extraction" },
		{ "validated", "validation" },
		{ "validation", "validation" },
		{ LT_PREMIS_PACKAGED, "information package creation" },
		{ "archived", "accession" },
		{ "fixity", "fixity check" },
		{ "verified", "fixity check" },
		{ "replicated", "replication" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(t, map[i].luutru) == 0)
			return map[i].premis;
	return t;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

void lt_premis_format(const char *path, const char **name, const char **pronom)
{
	static const struct { const char *suffix, *name, *pronom; } formats[] = {
		{ ".tif", "TIFF", "fmt/353" }, { ".tiff", "TIFF", "fmt/353" },
		{ ".png", "PNG", "fmt/12" }, { ".jpg", "JPEG File Interchange Format", "fmt/43" },
		{ ".jpeg", "JPEG File Interchange Format", "fmt/43" },
		{ ".jp2", "JPEG 2000 JP2", "x-fmt/392" },
		{ ".pdf", "PDF/A-2b", "fmt/477" },
		{ ".txt", "Plain Text File", "x-fmt/111" },
		{ ".hocr", "hOCR (XHTML 1.0)", "fmt/102" },
		{ ".xsd", "XML Schema Definition", "x-fmt/280" },
		{ ".xml", "Extensible Markup Language", "fmt/101" },
		{ ".json", "JSON Data Interchange Format", "fmt/817" },
	};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (ends_with(path, formats[i].suffix)) {
			*name = formats[i].name;
			*pronom = formats[i].pronom;
			return;
		}
	*name = lt_pkg_mimetype(path);
	*pronom = NULL;
}

static void identifier(struct lt_xw *x, const char *elem, const char *type, const char *value)
{
	char t[64], v[64];

	snprintf(t, sizeof(t), "%sType", elem);
	snprintf(v, sizeof(v), "%sValue", elem);
	lt_xw_start(x, elem);
	lt_xw_element(x, t, type);
	lt_xw_element(x, v, value);
}

/* The original name of a master file: the scan's own file name. */
static const char *original_name(const struct lt_pkg *pkg, const char *path, struct lt_err *err)
{
	const struct lt_doc *doc = pkg->doc;
	const char *name = NULL;
	char *master = NULL;

	for (size_t i = 0; !name && i < doc->n_sources; i++) {
		if (lt_layout_master(doc, i, &master, err))
			return NULL;
		if (strcmp(master, path) == 0)
			name = lt_basename(doc->sources[i].path);
		free(master);
	}
	return name;
}

static void file_object(struct lt_xw *x, const struct lt_pkg *pkg, const struct lt_bundle_file *f,
			struct lt_err *err)
{
	const char *fmt_name, *pronom, *orig = original_name(pkg, f->path, err);
	char uuid[37];

	lt_pkg_uuid(pkg->doc->id, f->path, uuid);
	lt_premis_format(f->path, &fmt_name, &pronom);
	lt_xw_start(x, "object");
	lt_xw_attr(x, "xsi:type", "file");
	identifier(x, "objectIdentifier", "UUID", uuid);
	lt_xw_end(x);
	lt_xw_start(x, "objectCharacteristics");
	lt_xw_element(x, "compositionLevel", "0");
	lt_xw_start(x, "fixity");
	lt_xw_element(x, "messageDigestAlgorithm", "SHA-256");
	lt_xw_element(x, "messageDigest", f->sha256);
	lt_xw_element(x, "messageDigestOriginator", "luutru");
	lt_xw_end(x);
	{
		char size[32];

		snprintf(size, sizeof(size), "%llu", (unsigned long long)f->size);
		lt_xw_element(x, "size", size);
	}
	lt_xw_start(x, "format");
	lt_xw_start(x, "formatDesignation");
	lt_xw_element(x, "formatName", fmt_name);
	lt_xw_end(x);
	if (pronom) {
		lt_xw_start(x, "formatRegistry");
		lt_xw_element(x, "formatRegistryName", "PRONOM");
		lt_xw_element(x, "formatRegistryKey", pronom);
		lt_xw_element(x, "formatRegistryRole", "specification");
		lt_xw_end(x);
	}
	lt_xw_end(x);
	lt_xw_end(x);
	lt_xw_element(x, "originalName", orig ? orig : f->path + strlen("data/"));
	lt_xw_start(x, "storage");
	identifier(x, "contentLocation", "bag path", f->path);
	lt_xw_end(x);
	lt_xw_end(x);
	lt_xw_start(x, "relationship");
	lt_xw_element(x, "relationshipType", "structural");
	lt_xw_element(x, "relationshipSubType", "is included in");
	identifier(x, "relatedObjectIdentifier", DOC_ID_TYPE, pkg->doc->id);
	lt_xw_end(x);
	lt_xw_end(x);
	lt_xw_end(x);
}

static void entity_object(struct lt_xw *x, const struct lt_pkg *pkg)
{
	lt_xw_start(x, "object");
	lt_xw_attr(x, "xsi:type", "intellectualEntity");
	identifier(x, "objectIdentifier", DOC_ID_TYPE, pkg->doc->id);
	lt_xw_end(x);
	lt_xw_element(x, "originalName", pkg->doc->label);
	lt_xw_end(x);
}

static void link_agent(struct lt_xw *x, const char *type, const char *value, const char *role)
{
	identifier(x, "linkingAgentIdentifier", type, value);
	lt_xw_element(x, "linkingAgentRole", role);
	lt_xw_end(x);
}

static void tesseract_id(const struct lt_pkg *pkg, char out[96])
{
	snprintf(out, 96, "tesseract %s", pkg->tesseract_version ? pkg->tesseract_version : "(unknown version)");
}

/* One event. n: its place in the whole history, which with the type and
 * time names it. this_run: the event is of the run making the package, so
 * the pages' results in pkg->doc are its own. */
static void event(struct lt_xw *x, const struct lt_pkg *pkg, size_t n, int this_run, const char *type,
		  const char *at, const char *outcome, const char *detail)
{
	const struct lt_doc *doc = pkg->doc;
	char name[160], uuid[37], tess[96];

	snprintf(name, sizeof(name), "event:%zu:%s:%s", n, type, at);
	lt_pkg_uuid(doc->id, name, uuid);
	lt_xw_start(x, "event");
	identifier(x, "eventIdentifier", "UUID", uuid);
	lt_xw_end(x);
	lt_xw_element(x, "eventType", lt_premis_event_type(type));
	lt_xw_element(x, "eventDateTime", at);
	lt_xw_start(x, "eventDetailInformation");
	{
		struct lt_buf d = LT_BUF_INIT;

		if (lt_buf_printf(&d, NULL, "luutru %s%s%s", type, detail && *detail ? ": " : "",
				  detail ? detail : "") != LT_OK)
			x->failed = 1;
		lt_xw_element(x, "eventDetail", lt_buf_str(&d));
		lt_buf_release(&d);
	}
	lt_xw_end(x);
	/* What an OCR pass did to each page's working copy, and how it read it. */
	if (this_run && strcmp(type, "ocr") == 0)
		for (size_t i = 0; i < doc->n_pages; i++) {
			const struct lt_page *p = &doc->pages[i];
			char line[512];

			if (!p->lang && !p->preprocessing)
				continue;
			snprintf(line, sizeof(line), "page %d: languages %s; preprocessing: %s", p->number,
				 p->lang ? p->lang : "?", p->preprocessing ? p->preprocessing : "none recorded");
			lt_xw_start(x, "eventDetailInformation");
			lt_xw_element(x, "eventDetail", line);
			lt_xw_end(x);
		}
	lt_xw_start(x, "eventOutcomeInformation");
	lt_xw_element(x, "eventOutcome", outcome ? outcome : "unknown");
	lt_xw_end(x);
	link_agent(x, AGENT_SOFTWARE_ID, LUUTRU_AGENT, "executing program");
	if (strcmp(type, "ocr") == 0) {
		tesseract_id(pkg, tess);
		link_agent(x, AGENT_SOFTWARE_ID, tess, "executing program");
	}
	if (pkg->organization)
		link_agent(x, "organization", pkg->organization, "implementer");
	identifier(x, "linkingObjectIdentifier", DOC_ID_TYPE, doc->id);
	lt_xw_element(x, "linkingObjectRole", "source");
	lt_xw_end(x);
	lt_xw_end(x);
}

static void agent(struct lt_xw *x, const char *id_type, const char *id, const char *name,
		  const char *type, const char *version, const char *note)
{
	lt_xw_start(x, "agent");
	identifier(x, "agentIdentifier", id_type, id);
	lt_xw_end(x);
	lt_xw_element(x, "agentName", name);
	lt_xw_element(x, "agentType", type);
	lt_xw_element(x, "agentVersion", version);
	lt_xw_element(x, "agentNote", note);
	lt_xw_end(x);
}

int lt_premis_write(const struct lt_pkg *pkg, const char *packaged_detail, char **out, size_t *len,
		    struct lt_err *err)
{
	const struct lt_doc *doc = pkg->doc;
	struct lt_xw x;
	char tess[96];
	size_t n = 0;
	int rc = lt_xw_begin(&x, "PREMIS.xml", err);

	*out = NULL;
	if (rc)
		return rc;
	lt_xw_start(&x, "premis");
	lt_xw_attr(&x, "xmlns", LT_PREMIS_NS);
	lt_xw_attr(&x, "xmlns:xsi", LT_XSI_NS);
	lt_xw_attr(&x, "xsi:schemaLocation", LT_PREMIS_NS " " LT_PREMIS_XSD);
	lt_xw_attr(&x, "version", "3.0");

	entity_object(&x, pkg);
	err->code = LT_OK;
	for (size_t i = 0; i < pkg->files->n_files; i++)
		if (strncmp(pkg->files->files[i].path, "data/", 5) == 0)
			file_object(&x, pkg, &pkg->files->files[i], err);
	if (err->code) {
		lt_xw_release(&x);
		return err->code;
	}
	for (size_t i = 0; i < pkg->n_history; i++, n++)
		event(&x, pkg, n, 0, pkg->history[i].type, pkg->history[i].at, pkg->history[i].outcome,
		      pkg->history[i].detail);
	for (size_t i = 0; i < doc->n_events; i++, n++)
		event(&x, pkg, n, 1, doc->events[i].type, doc->events[i].at, doc->events[i].outcome,
		      doc->events[i].detail);
	event(&x, pkg, n, 1, LT_PREMIS_PACKAGED, pkg->created, "success", packaged_detail);

	agent(&x, AGENT_SOFTWARE_ID, LUUTRU_AGENT, "luutru", "software", LT_VERSION,
	      "the archival pipeline that made this package");
	tesseract_id(pkg, tess);
	agent(&x, AGENT_SOFTWARE_ID, tess, "Tesseract OCR", "software", pkg->tesseract_version,
	      "the OCR engine, through its C API");
	if (pkg->organization)
		agent(&x, "organization", pkg->organization, pkg->organization, "organization", NULL,
		      "the operating archive (bag-info.txt Source-Organization)");
	lt_xw_end(&x);
	return lt_xw_finish(&x, out, len, err);
}
