/* pdf.c - the two-layer PDF/A-2b access copy (pdf.h).
 *
 * Written by hand rather than by Tesseract's PDF renderer: the renderer
 * embeds the working image (deskewed, normalised, maybe upscaled, JPEG
 * re-encoded), while the access copy must show the master scan without
 * lossy recompression, and the words' boxes on the master are already known
 * (transform.h). Objects are numbered as they are written; only the page
 * tree's number is reserved ahead, since every page points at it. The
 * document's description (Info, XMP) is written last, so that it can use
 * metadata found while the pages were read.
 */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "luutru/hash.h"
#include "luutru/pdf.h"
#include "luutru/text.h"
#include "luutru/i18n.h"

/* PDF's implementation limit on a page side (ISO 32000-1 annex C), points. */
#define PDF_MAX_PAGE_PT 14400.0
#define DEFAULT_DPI 300
/* The least gap between two words of a line, as a fraction of its height. */
#define WORD_GAP_MIN 0.2
/* Object numbers fixed at open. */
#define PAGES_OBJ 1
/* An image or font stream larger than this is not a page of a document. */
#define MAX_FILE_BYTES (64u << 20)

struct lt_pdf {
	FILE *f;
	char *path;
	uint64_t off;
	struct lt_sha256 sha;      /* of everything written: the document /ID */
	uint64_t *offsets;         /* offsets[n]: where object n starts; 0 unused */
	size_t n_objs, cap_objs;   /* objects numbered 1..n_objs */
	int *kids;                 /* page object numbers */
	size_t n_kids, cap_kids;
	int font_obj, metadata_obj, info_obj, icc_obj;
	int glyph_width;
};

const char *lt_pdf_encoding_name(enum lt_pdf_encoding e)
{
	switch (e) {
	case LT_PDF_JPEG: return "jpeg passthrough";
	case LT_PDF_G4: return "ccitt g4";
	case LT_PDF_FLATE: return "flate";
	case LT_PDF_PNG: return "png data as is";
	default: return "?";
	}
}

/* ---- resources ---------------------------------------------------------- */

static int read_file(const char *path, const char *what, const char *package, unsigned char **out,
		     size_t *len, struct lt_err *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	long size;

	if (!f)
		return lt_err_set(err, LT_EINTERNAL, "cannot read the %s '%s': %s (Debian package %s)",
				  what, path, strerror(errno), package);
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    size == 0 || (unsigned long)size > MAX_FILE_BYTES) {
		fclose(f);
		return lt_err_set(err, LT_EINTERNAL, "the %s '%s' is empty, too large or unreadable",
				  what, path);
	}
	data = malloc((size_t)size);
	if (!data) {
		fclose(f);
		return lt_err_set(err, LT_ENOMEM, "out of memory reading '%s'", path);
	}
	if (fread(data, 1, (size_t)size, f) != (size_t)size) {
		free(data);
		fclose(f);
		return lt_err_set(err, LT_EINTERNAL, "cannot read the %s '%s': short read", what, path);
	}
	fclose(f);
	*out = data;
	*len = (size_t)size;
	return LT_OK;
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The advance width of glyph 1 in 1/1000 em, from the font's head, hhea and
 * hmtx tables: PDF/A wants the font dictionary's widths to be the program's.
 * 0 if the font is not a TrueType font with a glyph 1. */
static int glyph1_width(const unsigned char *font, size_t len)
{
	uint32_t head = 0, hhea = 0, hmtx = 0, hmtx_len = 0;
	unsigned n_tables, units, n_metrics, advance;

	if (len < 12 || (be32(font) != 0x00010000 && be32(font) != 0x74727565))
		return 0;
	n_tables = be16(font + 4);
	if (12 + 16 * (size_t)n_tables > len)
		return 0;
	for (unsigned i = 0; i < n_tables; i++) {
		const unsigned char *rec = font + 12 + 16 * i;
		uint32_t off = be32(rec + 8), tlen = be32(rec + 12);

		if (off > len || tlen > len - off)
			return 0;
		if (memcmp(rec, "head", 4) == 0 && tlen >= 20)
			head = off;
		else if (memcmp(rec, "hhea", 4) == 0 && tlen >= 36)
			hhea = off;
		else if (memcmp(rec, "hmtx", 4) == 0) {
			hmtx = off;
			hmtx_len = tlen;
		}
	}
	if (!head || !hhea || !hmtx)
		return 0;
	units = be16(font + head + 18);
	n_metrics = be16(font + hhea + 34);
	if (units == 0 || n_metrics == 0)
		return 0;
	/* Glyphs past the last metric share its advance. */
	{
		unsigned i = n_metrics > 1 ? 1 : 0;

		if (4 * (size_t)i + 2 > hmtx_len)
			return 0;
		advance = be16(font + hmtx + 4 * i);
	}
	return (int)((advance * 1000 + units / 2) / units);
}

int lt_pdf_resources_load(const char *font_path, const char *icc_path,
			  struct lt_pdf_resources *res, struct lt_err *err)
{
	int rc;

	memset(res, 0, sizeof(*res));
	font_path = font_path ? font_path : LT_PDF_FONT_DEFAULT;
	icc_path = icc_path ? icc_path : LT_PDF_ICC_DEFAULT;
	rc = read_file(font_path, lt_i18n_err_format(N_("glyphless font of the PDF text layer")),
		       "tesseract-ocr", &res->font,
		       &res->font_len, err);
	if (!rc)
		rc = read_file(icc_path,
			       lt_i18n_err_format(N_("sRGB profile of the PDF/A OutputIntent")), "icc-profiles-free",
			       &res->icc, &res->icc_len, err);
	if (!rc && (res->glyph_width = glyph1_width(res->font, res->font_len)) <= 0)
		rc = lt_err_set(err, LT_EINTERNAL, "'%s' is not a TrueType font with a glyph 1 "
				"(expected Tesseract's glyphless pdf.ttf)", font_path);
	/* An ICC header is 128 bytes: 'acsp' at 36, the colour space at 16. */
	if (!rc && (res->icc_len < 128 || memcmp(res->icc + 36, "acsp", 4) != 0 ||
		    memcmp(res->icc + 16, "RGB ", 4) != 0))
		rc = lt_err_set(err, LT_EINTERNAL, "'%s' is not an RGB ICC profile", icc_path);
	if (rc)
		lt_pdf_resources_release(res);
	return rc;
}

void lt_pdf_resources_release(struct lt_pdf_resources *res)
{
	if (!res)
		return;
	free(res->font);
	free(res->icc);
	memset(res, 0, sizeof(*res));
}

/* ---- output ------------------------------------------------------------- */

static int put(struct lt_pdf *pdf, const void *data, size_t len, struct lt_err *err)
{
	if (len && fwrite(data, 1, len, pdf->f) != len)
		return lt_err_set(err, LT_EIO, "cannot write '%s': %s", pdf->path, strerror(errno));
	pdf->off += len;
	/* The trailer, written after the digest it carries, is not hashed. */
	return pdf->sha.ctx ? lt_sha256_update(&pdf->sha, data, len, err) : LT_OK;
}

static int putf(struct lt_pdf *pdf, struct lt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int putf(struct lt_pdf *pdf, struct lt_err *err, const char *fmt, ...)
{
	struct lt_buf b = LT_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = lt_buf_vprintf(&b, err, fmt, ap);
	va_end(ap);
	if (!rc)
		rc = put(pdf, b.data, b.len, err);
	lt_buf_release(&b);
	return rc;
}

/* A new object number, its offset to be set by begin_obj. */
static int new_obj(struct lt_pdf *pdf, int *num, struct lt_err *err)
{
	if (pdf->n_objs + 1 >= pdf->cap_objs) {
		size_t n = pdf->cap_objs ? pdf->cap_objs * 2 : 64;
		uint64_t *bigger = realloc(pdf->offsets, n * sizeof(*bigger));

		if (!bigger)
			return lt_err_set(err, LT_ENOMEM, "out of memory writing '%s'", pdf->path);
		memset(bigger + pdf->cap_objs, 0, (n - pdf->cap_objs) * sizeof(*bigger));
		pdf->offsets = bigger;
		pdf->cap_objs = n;
	}
	*num = (int)++pdf->n_objs;
	return LT_OK;
}

static int begin_obj(struct lt_pdf *pdf, int num, struct lt_err *err)
{
	pdf->offsets[num] = pdf->off;
	return putf(pdf, err, "%d 0 obj\n", num);
}

/* A whole stream object: dict entries (without << >> and /Length), data. */
static int stream_obj(struct lt_pdf *pdf, int num, const char *dict, const void *data, size_t len,
		      struct lt_err *err)
{
	int rc = begin_obj(pdf, num, err);

	if (!rc)
		rc = putf(pdf, err, "<<%s /Length %zu >>\nstream\n", dict, len);
	if (!rc)
		rc = put(pdf, data, len, err);
	if (!rc)
		rc = putf(pdf, err, "\nendstream\nendobj\n");
	return rc;
}

/* The same, Flate-compressed. */
static int flate_obj(struct lt_pdf *pdf, int num, const char *dict, const void *data, size_t len,
		     struct lt_err *err)
{
	size_t zlen = 0;
	unsigned char *z = zlibCompress(data, len, &zlen);
	struct lt_buf d = LT_BUF_INIT;
	int rc;

	if (!z)
		return lt_err_set(err, LT_ENOMEM, "cannot compress a stream of '%s'", pdf->path);
	rc = lt_buf_printf(&d, err, "%s /Filter /FlateDecode", dict);
	if (!rc)
		rc = stream_obj(pdf, num, lt_buf_str(&d), z, zlen, err);
	lt_buf_release(&d);
	free(z);
	return rc;
}

/* A PDF text string: UTF-16BE with its byte order mark, in hex, so any
 * Vietnamese title survives. Invalid UTF-8 bytes become U+FFFD. */
static int put_text_string(struct lt_buf *out, const char *s, struct lt_err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = lt_buf_puts(out, "<FEFF", err);

	while (!rc && *p) {
		uint32_t c = *p++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

		if (c >= 0x80 && c < 0xC0)
			c = 0xFFFD;
		else if (more)
			c &= 0x3F >> more;
		for (; more > 0; more--) {
			if ((*p & 0xC0) != 0x80) {
				c = 0xFFFD;
				break;
			}
			c = (c << 6) | (*p++ & 0x3F);
		}
		if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			c = 0xFFFD;
		if (c >= 0x10000) {
			c -= 0x10000;
			rc = lt_buf_printf(out, err, "%04X%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
		} else {
			rc = lt_buf_printf(out, err, "%04X", c);
		}
	}
	if (!rc)
		rc = lt_buf_puts(out, ">", err);
	return rc;
}

/* ---- the document's metadata -------------------------------------------- */

static int set(const char *s)
{
	return s && *s;
}

/* xmlTextWriter returns < 0 on failure. */
#define XW(call) do { if ((call) < 0) goto fail; } while (0)

static int xmp_alt(xmlTextWriterPtr w, const char *element, const char *value)
{
	XW(xmlTextWriterStartElement(w, BAD_CAST element));
	XW(xmlTextWriterStartElement(w, BAD_CAST "rdf:Alt"));
	XW(xmlTextWriterStartElement(w, BAD_CAST "rdf:li"));
	XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang", BAD_CAST "x-default"));
	XW(xmlTextWriterWriteString(w, BAD_CAST value));
	XW(xmlTextWriterEndElement(w));
	XW(xmlTextWriterEndElement(w));
	XW(xmlTextWriterEndElement(w));
	return 0;
fail:
	return -1;
}

/* The XMP packet: PDF/A identification and the Info dictionary's values
 * under their XMP names (ISO 19005-2 6.6.2.3.1 wants the two to agree). */
static int xmp_packet(const struct lt_pdf_info *info, const char *xmp_date, xmlBufferPtr buf)
{
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);

	if (!w)
		return -1;
	XW(xmlTextWriterSetIndent(w, 1));
	XW(xmlTextWriterWritePI(w, BAD_CAST "xpacket",
				BAD_CAST "begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\""));
	XW(xmlTextWriterStartElement(w, BAD_CAST "x:xmpmeta"));
	XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:x", BAD_CAST "adobe:ns:meta/"));
	XW(xmlTextWriterStartElement(w, BAD_CAST "rdf:RDF"));
	XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:rdf",
				       BAD_CAST "http://www.w3.org/1999/02/22-rdf-syntax-ns#"));
	XW(xmlTextWriterStartElement(w, BAD_CAST "rdf:Description"));
	XW(xmlTextWriterWriteAttribute(w, BAD_CAST "rdf:about", BAD_CAST ""));
	XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:pdfaid",
				       BAD_CAST "http://www.aiim.org/pdfa/ns/id/"));
	XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:dc",
				       BAD_CAST "http://purl.org/dc/elements/1.1/"));
	XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:xmp", BAD_CAST "http://ns.adobe.com/xap/1.0/"));
	XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:pdf", BAD_CAST "http://ns.adobe.com/pdf/1.3/"));
	XW(xmlTextWriterWriteElement(w, BAD_CAST "pdfaid:part", BAD_CAST "2"));
	XW(xmlTextWriterWriteElement(w, BAD_CAST "pdfaid:conformance", BAD_CAST "B"));
	XW(xmlTextWriterWriteElement(w, BAD_CAST "dc:format", BAD_CAST "application/pdf"));
	XW(xmp_alt(w, "dc:title", info->title));
	if (set(info->author)) {
		XW(xmlTextWriterStartElement(w, BAD_CAST "dc:creator"));
		XW(xmlTextWriterStartElement(w, BAD_CAST "rdf:Seq"));
		XW(xmlTextWriterWriteElement(w, BAD_CAST "rdf:li", BAD_CAST info->author));
		XW(xmlTextWriterEndElement(w));
		XW(xmlTextWriterEndElement(w));
	}
	if (set(info->subject))
		XW(xmp_alt(w, "dc:description", info->subject));
	if (set(info->keywords))
		XW(xmlTextWriterWriteElement(w, BAD_CAST "pdf:Keywords", BAD_CAST info->keywords));
	XW(xmlTextWriterWriteElement(w, BAD_CAST "pdf:Producer", BAD_CAST info->producer));
	XW(xmlTextWriterWriteElement(w, BAD_CAST "xmp:CreatorTool", BAD_CAST info->producer));
	XW(xmlTextWriterWriteElement(w, BAD_CAST "xmp:CreateDate", BAD_CAST xmp_date));
	XW(xmlTextWriterWriteElement(w, BAD_CAST "xmp:ModifyDate", BAD_CAST xmp_date));
	XW(xmlTextWriterWriteElement(w, BAD_CAST "xmp:MetadataDate", BAD_CAST xmp_date));
	XW(xmlTextWriterEndElement(w)); /* rdf:Description */
	XW(xmlTextWriterEndElement(w)); /* rdf:RDF */
	XW(xmlTextWriterEndElement(w)); /* x:xmpmeta */
	XW(xmlTextWriterWritePI(w, BAD_CAST "xpacket", BAD_CAST "end=\"w\""));
	XW(xmlTextWriterFlush(w));
	xmlFreeTextWriter(w);
	return 0;
fail:
	xmlFreeTextWriter(w);
	return -1;
}

static int write_metadata(struct lt_pdf *pdf, const struct lt_pdf_info *info, struct lt_err *err)
{
	char xmp_date[32], pdf_date[32];
	struct tm tm;
	xmlBufferPtr buf = xmlBufferCreate();
	struct lt_buf d = LT_BUF_INIT;
	int rc = LT_OK;

	if (!buf)
		return lt_err_set(err, LT_ENOMEM, "out of memory writing '%s'", pdf->path);
	gmtime_r(&info->created, &tm);
	strftime(xmp_date, sizeof(xmp_date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(pdf_date, sizeof(pdf_date), "D:%Y%m%d%H%M%SZ", &tm);
	if (xmp_packet(info, xmp_date, buf) != 0)
		rc = lt_err_set(err, LT_ENOMEM, "cannot build the XMP packet of '%s'", pdf->path);
	/* Uncompressed, so that tools that do not parse PDF can find it. */
	if (!rc)
		rc = new_obj(pdf, &pdf->metadata_obj, err);
	if (!rc)
		rc = stream_obj(pdf, pdf->metadata_obj, " /Type /Metadata /Subtype /XML",
				xmlBufferContent(buf), (size_t)xmlBufferLength(buf), err);
	if (!rc)
		rc = lt_buf_puts(&d, "<< /Title ", err);
	if (!rc)
		rc = put_text_string(&d, info->title, err);
	if (!rc && set(info->author)) {
		rc = lt_buf_puts(&d, " /Author ", err);
		if (!rc)
			rc = put_text_string(&d, info->author, err);
	}
	if (!rc && set(info->subject)) {
		rc = lt_buf_puts(&d, " /Subject ", err);
		if (!rc)
			rc = put_text_string(&d, info->subject, err);
	}
	if (!rc && set(info->keywords)) {
		rc = lt_buf_puts(&d, " /Keywords ", err);
		if (!rc)
			rc = put_text_string(&d, info->keywords, err);
	}
	if (!rc)
		rc = lt_buf_puts(&d, " /Producer ", err);
	if (!rc)
		rc = put_text_string(&d, info->producer, err);
	if (!rc)
		rc = lt_buf_puts(&d, " /Creator ", err);
	if (!rc)
		rc = put_text_string(&d, info->producer, err);
	if (!rc)
		rc = lt_buf_printf(&d, err, " /CreationDate (%s) /ModDate (%s) >>\nendobj\n", pdf_date,
				   pdf_date);
	if (!rc)
		rc = new_obj(pdf, &pdf->info_obj, err);
	if (!rc)
		rc = begin_obj(pdf, pdf->info_obj, err);
	if (!rc)
		rc = put(pdf, d.data, d.len, err);
	lt_buf_release(&d);
	xmlBufferFree(buf);
	return rc;
}

/* ---- the glyphless font ------------------------------------------------- */

/* Text is shown as 2-byte codes, CID = the UTF-16 code unit of the BMP
 * (Vietnamese lies wholly in it); every CID draws glyph 1, whose width the
 * font dictionary states, and ToUnicode maps each CID back to itself. */
static int write_font(struct lt_pdf *pdf, const struct lt_pdf_resources *res, struct lt_err *err)
{
	int cid_font, descriptor, file, to_unicode, cid_to_gid, rc;
	unsigned char *map = malloc(2 * 65536);
	struct lt_buf b = LT_BUF_INIT;

	if (!map)
		return lt_err_set(err, LT_ENOMEM, "out of memory writing '%s'", pdf->path);
	for (size_t i = 0; i < 65536; i++) {
		map[2 * i] = 0;
		map[2 * i + 1] = 1;
	}
	rc = new_obj(pdf, &pdf->font_obj, err);
	if (!rc)
		rc = new_obj(pdf, &cid_font, err);
	if (!rc)
		rc = new_obj(pdf, &descriptor, err);
	if (!rc)
		rc = new_obj(pdf, &file, err);
	if (!rc)
		rc = new_obj(pdf, &to_unicode, err);
	if (!rc)
		rc = new_obj(pdf, &cid_to_gid, err);
	if (!rc)
		rc = begin_obj(pdf, pdf->font_obj, err);
	if (!rc)
		rc = putf(pdf, err, "<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont "
			  "/Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>\n"
			  "endobj\n", cid_font, to_unicode);
	if (!rc)
		rc = begin_obj(pdf, cid_font, err);
	if (!rc)
		rc = putf(pdf, err, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
			  "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
			  "/FontDescriptor %d 0 R /DW %d /CIDToGIDMap %d 0 R >>\nendobj\n",
			  descriptor, res->glyph_width, cid_to_gid);
	if (!rc)
		rc = begin_obj(pdf, descriptor, err);
	/* Ascent and descent put a word's extent on its box: the text sits on
	 * the box's bottom edge at a size of the box's height. */
	if (!rc)
		rc = putf(pdf, err, "<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 "
			  "/FontBBox [0 0 %d 1000] /ItalicAngle 0 /Ascent 1000 /Descent -1 "
			  "/CapHeight 1000 /StemV 80 /FontFile2 %d 0 R >>\nendobj\n",
			  res->glyph_width, file);
	if (!rc)
		rc = lt_buf_printf(&b, err, " /Length1 %zu", res->font_len);
	if (!rc)
		rc = flate_obj(pdf, file, lt_buf_str(&b), res->font, res->font_len, err);
	lt_buf_reset(&b);
	if (!rc)
		rc = lt_buf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
				 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
				 "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
				 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n", err);
	/* bfrange entries may only vary in their last byte: one per high byte,
	 * in blocks of at most 100. */
	for (int hi = 0; hi < 256 && !rc; hi++) {
		if (hi % 100 == 0)
			rc = lt_buf_printf(&b, err, "%d beginbfrange\n", 256 - hi < 100 ? 256 - hi : 100);
		if (!rc)
			rc = lt_buf_printf(&b, err, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
		if (!rc && (hi % 100 == 99 || hi == 255))
			rc = lt_buf_puts(&b, "endbfrange\n", err);
	}
	if (!rc)
		rc = lt_buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n",
				 err);
	if (!rc)
		rc = flate_obj(pdf, to_unicode, "", b.data, b.len, err);
	if (!rc)
		rc = flate_obj(pdf, cid_to_gid, "", map, 2 * 65536, err);
	lt_buf_release(&b);
	free(map);
	return rc;
}

/* ---- open / close ------------------------------------------------------- */

static void pdf_free(struct lt_pdf *pdf)
{
	if (!pdf)
		return;
	if (pdf->f)
		fclose(pdf->f);
	lt_sha256_release(&pdf->sha);
	free(pdf->offsets);
	free(pdf->kids);
	free(pdf->path);
	free(pdf);
}

/* A metadata string as XMP (XML 1.0) and PDF text strings can carry it: a
 * label from a legacy-encoded file name gets U+FFFD for its bad bytes, and
 * control characters, which XML cannot hold, become spaces. NULL stays NULL. */
static int clean_text(const char *s, char **out, struct lt_err *err)
{
	struct lt_buf b = LT_BUF_INIT;
	int rc;

	*out = NULL;
	if (!s)
		return LT_OK;
	rc = lt_text_repair_utf8(s, &b, err);
	if (!rc && !b.data)
		rc = lt_buf_puts(&b, "", err);
	if (rc) {
		lt_buf_release(&b);
		return rc;
	}
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7F)
			b.data[i] = ' ';
	*out = lt_buf_detach(&b);
	return LT_OK;
}

int lt_pdf_open(const char *path, const struct lt_pdf_resources *res, struct lt_pdf **out,
		struct lt_err *err)
{
	struct lt_pdf *pdf = calloc(1, sizeof(*pdf));
	int num, rc;

	*out = NULL;
	if (!pdf)
		return lt_err_set(err, LT_ENOMEM, "out of memory creating '%s'", path);
	rc = lt_strdup(path, &pdf->path, err);
	if (!rc)
		rc = lt_sha256_init(&pdf->sha, err);
	if (rc) {
		pdf_free(pdf);
		return rc;
	}
	pdf->glyph_width = res->glyph_width;
	pdf->f = fopen(path, "wb");
	if (!pdf->f) {
		rc = lt_err_set(err, LT_EIO, "cannot create '%s': %s", path, strerror(errno));
		pdf_free(pdf);
		return rc;
	}
	/* The comment's bytes above 127 mark the file as binary (PDF/A 6.1.2). */
	rc = putf(pdf, err, "%%PDF-1.7\n%%\xE2\xE3\xCF\xD3\n");
	if (!rc)
		rc = new_obj(pdf, &num, err); /* PAGES_OBJ, written at close */
	if (!rc)
		rc = write_font(pdf, res, err);
	if (!rc)
		rc = new_obj(pdf, &pdf->icc_obj, err);
	if (!rc)
		rc = flate_obj(pdf, pdf->icc_obj, " /N 3", res->icc, res->icc_len, err);
	if (rc) {
		lt_pdf_discard(pdf);
		return rc;
	}
	*out = pdf;
	return LT_OK;
}

/* Info and XMP from the caller's strings, cleaned. */
static int write_info(struct lt_pdf *pdf, const struct lt_pdf_info *given, struct lt_err *err)
{
	struct lt_pdf_info info = *given;
	char *title = NULL, *author = NULL, *subject = NULL, *keywords = NULL, *producer = NULL;
	int rc;

	if (!set(given->title) || !set(given->producer))
		return lt_err_set(err, LT_EINTERNAL, "'%s': a PDF needs a title and a producer",
				  pdf->path);
	rc = clean_text(given->title, &title, err);
	if (!rc)
		rc = clean_text(given->author, &author, err);
	if (!rc)
		rc = clean_text(given->subject, &subject, err);
	if (!rc)
		rc = clean_text(given->keywords, &keywords, err);
	if (!rc)
		rc = clean_text(given->producer, &producer, err);
	info.title = title;
	info.author = author;
	info.subject = subject;
	info.keywords = keywords;
	info.producer = producer;
	if (!rc)
		rc = write_metadata(pdf, &info, err);
	free(title);
	free(author);
	free(subject);
	free(keywords);
	free(producer);
	return rc;
}

size_t lt_pdf_pages(const struct lt_pdf *pdf)
{
	return pdf->n_kids;
}

uint64_t lt_pdf_bytes(const struct lt_pdf *pdf)
{
	return pdf->off;
}

void lt_pdf_discard(struct lt_pdf *pdf)
{
	if (!pdf)
		return;
	if (pdf->f) {
		fclose(pdf->f);
		pdf->f = NULL;
	}
	unlink(pdf->path);
	pdf_free(pdf);
}

int lt_pdf_close(struct lt_pdf *pdf, const struct lt_pdf_info *info, struct lt_err *err)
{
	char hex[LT_SHA256_HEX];
	uint64_t xref;
	int catalog, rc = LT_OK;

	if (pdf->n_kids == 0)
		rc = lt_err_set(err, LT_EINTERNAL, "'%s' would have no pages", pdf->path);
	if (!rc)
		rc = write_info(pdf, info, err);
	if (!rc)
		rc = begin_obj(pdf, PAGES_OBJ, err);
	if (!rc)
		rc = putf(pdf, err, "<< /Type /Pages /Count %zu /Kids [", pdf->n_kids);
	for (size_t i = 0; i < pdf->n_kids && !rc; i++)
		rc = putf(pdf, err, "%s%d 0 R", i ? " " : "", pdf->kids[i]);
	if (!rc)
		rc = putf(pdf, err, "] >>\nendobj\n");
	if (!rc)
		rc = new_obj(pdf, &catalog, err);
	if (!rc)
		rc = begin_obj(pdf, catalog, err);
	if (!rc)
		rc = putf(pdf, err, "<< /Type /Catalog /Pages %d 0 R /Metadata %d 0 R "
			  "/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 "
			  "/OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) "
			  "/DestOutputProfile %d 0 R >>] >>\nendobj\n", PAGES_OBJ, pdf->metadata_obj,
			  pdf->icc_obj);
	xref = pdf->off;
	if (!rc)
		rc = putf(pdf, err, "xref\n0 %zu\n0000000000 65535 f\r\n", pdf->n_objs + 1);
	for (size_t i = 1; i <= pdf->n_objs && !rc; i++)
		rc = putf(pdf, err, "%010llu 00000 n\r\n", (unsigned long long)pdf->offsets[i]);
	/* The /ID: from the content, so the same inputs give the same file. */
	if (!rc)
		rc = lt_sha256_final(&pdf->sha, hex, err);
	if (!rc)
		rc = putf(pdf, err, "trailer\n<< /Size %zu /Root %d 0 R /Info %d 0 R "
			  "/ID [<%.32s> <%.32s>] >>\nstartxref\n%llu\n%%%%EOF\n", pdf->n_objs + 1,
			  catalog, pdf->info_obj, hex, hex, (unsigned long long)xref);
	if (!rc && (fflush(pdf->f) != 0 || fsync(fileno(pdf->f)) != 0))
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", pdf->path, strerror(errno));
	if (!rc) {
		FILE *f = pdf->f;

		pdf->f = NULL;
		if (fclose(f) != 0)
			rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", pdf->path, strerror(errno));
	}
	if (rc)
		lt_pdf_discard(pdf);
	else
		pdf_free(pdf);
	return rc;
}

/* ---- pages -------------------------------------------------------------- */

/* The decoded rows of an 8-bit grey or 32-bit RGB image, deflated. Level
 * 1: on a noisy greyscale scan zlib's default level took 1.5 s a page (half
 * of its OCR), level 1 0.2 s for a file 6% larger. */
#define FLATE_LEVEL 1

/* Makes room for more deflated output. */
static int grow_output(z_stream *z, unsigned char **buf, size_t *cap)
{
	size_t used = *cap - z->avail_out;
	unsigned char *bigger = realloc(*buf, *cap * 2);

	if (!bigger)
		return -1;
	*buf = bigger;
	*cap *= 2;
	z->next_out = bigger + used;
	z->avail_out = (uInt)(*cap - used);
	return 0;
}

static int deflate_pix(PIX *pix, const char *what, unsigned char **out, size_t *len,
		       struct lt_err *err)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), rgb = pixGetDepth(pix) == 32, zrc = Z_OK;
	size_t row_len = (size_t)w * (rgb ? 3 : 1), cap = row_len * (size_t)h / 4 + 4096;
	unsigned char *row = malloc(row_len), *buf = malloc(cap);
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (!row || !buf || deflateInit(&z, FLATE_LEVEL) != Z_OK) {
		free(row);
		free(buf);
		return lt_err_set(err, LT_ENOMEM, "out of memory compressing a page image for '%s'",
				  what);
	}
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	for (int y = 0; y < h && zrc != Z_MEM_ERROR; y++) {
		const l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);

		for (int x = 0; x < w; x++) {
			if (rgb) {
				row[3 * x] = GET_DATA_BYTE(line + x, COLOR_RED);
				row[3 * x + 1] = GET_DATA_BYTE(line + x, COLOR_GREEN);
				row[3 * x + 2] = GET_DATA_BYTE(line + x, COLOR_BLUE);
			} else {
				row[x] = GET_DATA_BYTE(line, x);
			}
		}
		z.next_in = row;
		z.avail_in = (uInt)row_len;
		while (z.avail_in > 0 && zrc != Z_MEM_ERROR) {
			if (z.avail_out == 0 && grow_output(&z, &buf, &cap) != 0)
				zrc = Z_MEM_ERROR;
			else
				deflate(&z, Z_NO_FLUSH);
		}
	}
	while (zrc != Z_MEM_ERROR && zrc != Z_STREAM_END) {
		if (z.avail_out == 0 && grow_output(&z, &buf, &cap) != 0)
			zrc = Z_MEM_ERROR;
		else
			zrc = deflate(&z, Z_FINISH);
		if (zrc == Z_STREAM_ERROR)
			zrc = Z_MEM_ERROR;
	}
	*len = z.total_out;
	deflateEnd(&z);
	free(row);
	if (zrc != Z_STREAM_END) {
		free(buf);
		return lt_err_set(err, LT_ENOMEM, "cannot compress a page image for '%s'", what);
	}
	*out = buf;
	return LT_OK;
}

/* The page image as an XObject. */
static int write_image(struct lt_pdf *pdf, const struct lt_pdf_page *pg, int num,
		       enum lt_pdf_encoding *enc, struct lt_err *err)
{
	PIX *pix = pg->pix, *conv = NULL;
	L_COMP_DATA *cid = NULL;
	struct lt_buf d = LT_BUF_INIT;
	unsigned char *flate = NULL;
	const unsigned char *data;
	size_t len = 0;
	int w = pixGetWidth(pix), h = pixGetHeight(pix), bps = 8, spp = 1, rc = LT_OK;

	/* A JPEG goes in as scanned, if a PDF reader can show it as it is; so
	 * does a PNG's compressed data (PDF's Flate with PNG predictors is
	 * PNG's own), which spares deflating the page again. */
	if (pg->jpeg_path && l_generateCIData(pg->jpeg_path, L_JPEG_ENCODE, 0, 0, &cid) == 0 && cid &&
	    cid->w == w && cid->h == h && (cid->spp == 1 || cid->spp == 3) && cid->bps == 8) {
		*enc = LT_PDF_JPEG;
	} else if (l_CIDataDestroy(&cid), pg->png_path && pixGetDepth(pix) > 1 &&
		   (cid = l_generateFlateDataPdf(pg->png_path, NULL)) != NULL && cid->predictor &&
		   cid->w == w && cid->h == h && cid->bps == 8 &&
		   (cid->ncolors > 0 ? cid->spp == 1 : cid->spp == 1 || cid->spp == 3)) {
		*enc = LT_PDF_PNG;
	} else {
		l_CIDataDestroy(&cid);
		/* A palette is expanded: what it indexes is grey or colour. */
		if (pixGetColormap(pix))
			conv = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
		else if (pixGetDepth(pix) == 16)
			conv = pixConvert16To8(pix, L_MS_BYTE);
		else if (pixGetDepth(pix) == 2 || pixGetDepth(pix) == 4)
			conv = pixConvertTo8(pix, 0);
		else if (pixGetDepth(pix) == 24)
			conv = pixConvertTo32(pix);
		else
			conv = pixClone(pix);
		if (conv && pixGetDepth(conv) != 1 && pixGetDepth(conv) != 8 &&
		    pixGetDepth(conv) != 32) {
			PIX *eight = pixConvertTo8(conv, 0);

			pixDestroy(&conv);
			conv = eight;
		}
		if (!conv)
			return lt_err_set(err, LT_EINPUT, "cannot convert a %d-bit page image for '%s'",
					  pixGetDepth(pix), pdf->path);
		if (pixGetDepth(conv) == 1) {
			*enc = LT_PDF_G4;
			if (pixGenerateCIData(conv, L_G4_ENCODE, 0, 0, &cid) != 0 || !cid)
				rc = lt_err_set(err, LT_EINPUT, "cannot encode a bitonal page image "
						"for '%s'", pdf->path);
		} else {
			*enc = LT_PDF_FLATE;
			spp = pixGetDepth(conv) == 32 ? 3 : 1;
			rc = deflate_pix(conv, pdf->path, &flate, &len, err);
		}
		pixDestroy(&conv);
	}
	if (rc)
		return rc;
	if (cid) {
		bps = cid->bps;
		spp = cid->spp;
		data = cid->datacomp;
		len = cid->nbytescomp;
	} else {
		data = flate;
	}
	rc = lt_buf_printf(&d, err, " /Type /XObject /Subtype /Image /Width %d /Height %d "
			   "/BitsPerComponent %d", w, h, bps);
	if (!rc && cid && cid->ncolors > 0)
		rc = lt_buf_printf(&d, err, " /ColorSpace [/Indexed /DeviceRGB %d %s]",
				   cid->ncolors - 1, cid->cmapdatahex);
	else if (!rc)
		rc = lt_buf_printf(&d, err, " /ColorSpace /Device%s", spp == 3 ? "RGB" : "Gray");
	if (!rc && *enc == LT_PDF_JPEG)
		rc = lt_buf_puts(&d, " /Filter /DCTDecode", err);
	else if (!rc && *enc == LT_PDF_G4)
		rc = lt_buf_printf(&d, err, " /Filter /CCITTFaxDecode /DecodeParms << /K -1 "
				   "/Columns %d /Rows %d >>%s", w, h,
				   cid->minisblack ? " /Decode [1 0]" : "");
	else if (!rc && *enc == LT_PDF_PNG)
		rc = lt_buf_printf(&d, err, " /Filter /FlateDecode /DecodeParms << /Predictor 15 "
				   "/Colors %d /BitsPerComponent %d /Columns %d >>", spp, bps, w);
	else if (!rc)
		rc = lt_buf_puts(&d, " /Filter /FlateDecode", err);
	if (!rc)
		rc = stream_obj(pdf, num, lt_buf_str(&d), data, len, err);
	lt_buf_release(&d);
	l_CIDataDestroy(&cid);
	free(flate);
	return rc;
}

/* A box of the master in the upright page's pixels (y down). */
static void upright_box(const struct lt_box *b, int orientation, int mw, int mh, double *l,
			double *t, double *r, double *bot)
{
	switch (orientation) {
	case 90:
		*l = mh - (b->y + b->h); *r = mh - b->y; *t = b->x; *bot = b->x + b->w;
		break;
	case 180:
		*l = mw - (b->x + b->w); *r = mw - b->x; *t = mh - (b->y + b->h); *bot = mh - b->y;
		break;
	case 270:
		*l = b->y; *r = b->y + b->h; *t = mw - (b->x + b->w); *bot = mw - b->x;
		break;
	default:
		*l = b->x; *r = b->x + b->w; *t = b->y; *bot = b->y + b->h;
	}
}

/* Code points of UTF-8 s as 4-digit hex CIDs (beyond the BMP: U+FFFD). */
static int put_cids(struct lt_buf *out, const char *s, size_t *n, struct lt_err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = LT_OK;

	*n = 0;
	while (*p && !rc) {
		uint32_t c = *p++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

		int bad = c >= 0x80 && c < 0xC0;

		if (more)
			c &= 0x3F >> more;
		for (; more > 0 && (*p & 0xC0) == 0x80; more--)
			c = (c << 6) | (*p++ & 0x3F);
		if (bad || more || c > 0xFFFF || (c >= 0xD800 && c <= 0xDFFF))
			c = 0xFFFD;
		rc = lt_buf_printf(out, err, "%04X", c);
		(*n)++;
	}
	return rc;
}

/* The invisible text layer, laid out in the upright page (points, y up) and
 * turned onto the master by the caller's matrix. Per line: one text object,
 * at a size of the line's height, on its bottom edge; each word at its own
 * left edge, stretched (Tz) to its box's width, followed by a space (but
 * for the line's last) so that extraction sees separate words. */
static int text_layer(struct lt_buf *c, const struct lt_pdf_page *pg, double s, int mw, int mh,
		      int uh, int glyph_width, struct lt_err *err)
{
	struct lt_buf hex = LT_BUF_INIT;
	int rc = LT_OK;

	for (size_t i = 0; i < pg->n_words && !rc;) {
		size_t j = i;
		double top = 1e30, bottom = -1e30, size;

		while (j < pg->n_words && pg->words[j].line == pg->words[i].line)
			j++;
		for (size_t k = i; k < j; k++) {
			double l, t, r, b;

			if (pg->words[k].box.h <= 0)
				continue;
			upright_box(&pg->words[k].box, pg->orientation, mw, mh, &l, &t, &r, &b);
			top = t < top ? t : top;
			bottom = b > bottom ? b : bottom;
		}
		if (top > bottom)
			top = bottom = 0;
		size = (bottom - top) * s;
		if (size < 1)
			size = 1;
		rc = lt_buf_printf(c, err, "BT\n3 Tr\n/F1 %.2f Tf\n", size);
		for (size_t k = i; k < j && !rc; k++) {
			const struct lt_word *wd = &pg->words[k];
			double l, t, r, b, scale;
			size_t n = 0;

			if (!wd->text[0])
				continue;
			/* A box mapped wholly off the master (a skewed corner) is empty:
			 * the word keeps a sliver, so the text stays whole. */
			upright_box(&wd->box, pg->orientation, mw, mh, &l, &t, &r, &b);
			if (r - l < 1)
				r = l + 1;
			/* Text extraction (poppler's pdftotext) joins two words closer
			 * than 0.15 of the font size, whatever space lies between: a
			 * word that nearly touches the next is drawn a little short. */
			if (k + 1 < j) {
				double nl, nt, nr, nb, room;

				upright_box(&pg->words[k + 1].box, pg->orientation, mw, mh, &nl, &nt, &nr,
					    &nb);
				room = nl - WORD_GAP_MIN * (bottom - top);
				if (room < r && room > l + (r - l) / 2)
					r = room;
				else if (room < r)
					r = l + (r - l) / 2;
			}
			lt_buf_reset(&hex);
			rc = put_cids(&hex, wd->text, &n, err);
			/* The word's own glyphs fill its box; its trailing space,
			 * stretched alike, about fills the gap to the next. */
			scale = 100.0 * (r - l) * s / (n * glyph_width / 1000.0 * size);
			if (!rc && k + 1 < j)
				rc = lt_buf_puts(&hex, "0020", err);
			if (!rc)
				rc = lt_buf_printf(c, err, "1 0 0 1 %.2f %.2f Tm %.2f Tz <%s> Tj\n", l * s,
						   (uh - bottom) * s, scale, lt_buf_str(&hex));
		}
		if (!rc)
			rc = lt_buf_puts(c, "ET\n", err);
		i = j;
	}
	lt_buf_release(&hex);
	return rc;
}

int lt_pdf_add_page(struct lt_pdf *pdf, const struct lt_pdf_page *pg,
		    enum lt_pdf_encoding *encoding, struct lt_err *err)
{
	int mw = pixGetWidth(pg->pix), mh = pixGetHeight(pg->pix), uh, dpi, page, contents, image,
		orientation = pg->orientation, rc;
	double s, W, H, cm[6];
	enum lt_pdf_encoding enc = LT_PDF_FLATE;
	struct lt_buf c = LT_BUF_INIT;

	if (orientation != 0 && orientation != 90 && orientation != 180 && orientation != 270)
		return lt_err_set(err, LT_EINTERNAL, "'%s': page orientation %d is not a multiple "
				  "of 90", pdf->path, orientation);
	dpi = pg->dpi > 0 ? pg->dpi : DEFAULT_DPI;
	/* A huge scan at a low resolution would exceed PDF's largest page: it
	 * is shown smaller rather than cut. */
	if ((mw > mh ? mw : mh) * 72.0 / dpi > PDF_MAX_PAGE_PT)
		dpi = (int)ceil((mw > mh ? mw : mh) * 72.0 / PDF_MAX_PAGE_PT);
	s = 72.0 / dpi;
	W = mw * s;
	H = mh * s;
	uh = orientation == 90 || orientation == 270 ? mw : mh;
	/* From the upright page (points, y up) onto the master's. */
	{
		const double m[4][6] = {
			{ 1, 0, 0, 1, 0, 0 },
			{ 0, 1, -1, 0, W, 0 },
			{ -1, 0, 0, -1, W, H },
			{ 0, -1, 1, 0, 0, H },
		};

		memcpy(cm, m[orientation / 90], sizeof(cm));
	}
	rc = new_obj(pdf, &image, err);
	if (!rc)
		rc = write_image(pdf, pg, image, &enc, err);
	if (!rc)
		rc = lt_buf_printf(&c, err, "q %.4f 0 0 %.4f 0 0 cm /Im1 Do Q\n", W, H);
	if (!rc && pg->n_words)
		rc = lt_buf_printf(&c, err, "q %g %g %g %g %.4f %.4f cm\n", cm[0], cm[1], cm[2], cm[3],
				   cm[4], cm[5]);
	if (!rc && pg->n_words)
		rc = text_layer(&c, pg, s, mw, mh, uh, pdf->glyph_width, err);
	if (!rc && pg->n_words)
		rc = lt_buf_puts(&c, "Q\n", err);
	if (!rc)
		rc = new_obj(pdf, &contents, err);
	if (!rc)
		rc = flate_obj(pdf, contents, "", c.data, c.len, err);
	lt_buf_release(&c);
	if (!rc)
		rc = new_obj(pdf, &page, err);
	if (!rc)
		rc = begin_obj(pdf, page, err);
	if (!rc)
		rc = putf(pdf, err, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.4f %.4f] "
			  "/Rotate %d /Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> "
			  "/Contents %d 0 R >>\nendobj\n", PAGES_OBJ, W, H, orientation,
			  pdf->font_obj, image, contents);
	if (!rc && pdf->n_kids == pdf->cap_kids) {
		size_t n = pdf->cap_kids ? pdf->cap_kids * 2 : 16;
		int *bigger = realloc(pdf->kids, n * sizeof(*bigger));

		if (!bigger)
			rc = lt_err_set(err, LT_ENOMEM, "out of memory writing '%s'", pdf->path);
		else {
			pdf->kids = bigger;
			pdf->cap_kids = n;
		}
	}
	if (!rc)
		pdf->kids[pdf->n_kids++] = page;
	if (!rc && encoding)
		*encoding = enc;
	return rc;
}
