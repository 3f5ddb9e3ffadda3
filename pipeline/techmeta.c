/* techmeta.c - a page's technical metadata from its file (techmeta.h). */
#include <ctype.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <libexif/exif-data.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "luutru/techmeta.h"

static const struct {
	const char *ext, *format, *mime;
} formats[] = {
	{ "tif", "tiff", "image/tiff" }, { "tiff", "tiff", "image/tiff" },
	{ "png", "png", "image/png" },   { "jpg", "jpeg", "image/jpeg" },
	{ "jpeg", "jpeg", "image/jpeg" }, { "pnm", "pnm", "image/x-portable-anymap" },
	{ "pgm", "pnm", "image/x-portable-graymap" }, { "pbm", "pnm", "image/x-portable-bitmap" },
	{ "ppm", "pnm", "image/x-portable-pixmap" }, { "bmp", "bmp", "image/bmp" },
	{ "webp", "webp", "image/webp" }, { "jp2", "jp2", "image/jp2" }, { "gif", "gif", "image/gif" },
};

/* Copies a tag's text, keeping printable ASCII and UTF-8 bytes only: scanner
 * firmware pads with NULs and spaces, and a hostile file may hold anything. */
static void copy_tag(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	if (!src)
		return;
	while (*src == ' ')
		src++;
	for (; *src && n + 1 < cap; src++) {
		unsigned char c = (unsigned char)*src;

		if (c >= 0x20 && c != 0x7f)
			dst[n++] = (char)c;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
	/* Do not leave half a UTF-8 sequence at a cut. */
	while (n > 0 && ((unsigned char)dst[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0 && ((unsigned char)dst[n - 1] & 0x80))
		dst[n - 1] = '\0';
}

/* EXIF and TIFF both write "YYYY:MM:DD HH:MM:SS"; anything else is dropped. */
static void copy_datetime(char out[24], const char *s)
{
	int y, mo, d, h, mi, sec;
	char tail;

	out[0] = '\0';
	if (!s || sscanf(s, "%4d:%2d:%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) != 6)
		return;
	if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || h < 0 || mi < 0 || sec < 0)
		return;
	snprintf(out, 24, "%04u-%02u-%02uT%02u:%02u:%02u", (unsigned)y % 10000u, (unsigned)mo % 100u,
		 (unsigned)d % 100u, (unsigned)h % 100u, (unsigned)mi % 100u, (unsigned)sec % 100u);
}

static const char *tiff_compression_name(uint16_t c)
{
	switch (c) {
	case COMPRESSION_NONE: return "none";
	case COMPRESSION_CCITTRLE: return "ccitt-rle";
	case COMPRESSION_CCITTFAX3: return "ccitt-g3";
	case COMPRESSION_CCITTFAX4: return "ccitt-g4";
	case COMPRESSION_LZW: return "lzw";
	case COMPRESSION_OJPEG:
	case COMPRESSION_JPEG: return "jpeg";
	case COMPRESSION_ADOBE_DEFLATE:
	case COMPRESSION_DEFLATE: return "deflate";
	case COMPRESSION_PACKBITS: return "packbits";
	case COMPRESSION_LZMA: return "lzma";
	case COMPRESSION_ZSTD: return "zstd";
	case COMPRESSION_WEBP: return "webp";
	default: return "other";
	}
}

static void silent_tiff_handler(const char *module, const char *fmt, va_list ap)
{
	(void)module;
	(void)fmt;
	(void)ap;
}

static void read_tiff_tags(const char *path, int index, struct lt_page_tech *t)
{
	TIFFErrorHandler old_err = TIFFSetErrorHandler(silent_tiff_handler);
	TIFFErrorHandler old_warn = TIFFSetWarningHandler(silent_tiff_handler);
	TIFF *tif = TIFFOpen(path, "rm");
	char *s = NULL;
	uint16_t comp = 0, unit = RESUNIT_INCH;
	float xr = 0, yr = 0;

	if (!tif)
		goto out;
	if (!TIFFSetDirectory(tif, (tdir_t)index))
		goto out;
	if (TIFFGetField(tif, TIFFTAG_COMPRESSION, &comp))
		snprintf(t->compression, sizeof(t->compression), "%s", tiff_compression_name(comp));
	if (TIFFGetField(tif, TIFFTAG_MAKE, &s))
		copy_tag(t->make, sizeof(t->make), s);
	if (TIFFGetField(tif, TIFFTAG_MODEL, &s))
		copy_tag(t->model, sizeof(t->model), s);
	if (TIFFGetField(tif, TIFFTAG_SOFTWARE, &s))
		copy_tag(t->software, sizeof(t->software), s);
	if (TIFFGetField(tif, TIFFTAG_DATETIME, &s))
		copy_datetime(t->capture_time, s);
	TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
	if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xr) && TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yr) &&
	    xr > 0 && yr > 0 && xr < 100000 && yr < 100000 && unit != RESUNIT_NONE) {
		double k = unit == RESUNIT_CENTIMETER ? 2.54 : 1.0;

		t->xres = (int)(xr * k + 0.5);
		t->yres = (int)(yr * k + 0.5);
	}
out:
	if (tif)
		TIFFClose(tif);
	TIFFSetErrorHandler(old_err);
	TIFFSetWarningHandler(old_warn);
}

static void exif_text(ExifData *ed, ExifIfd ifd, ExifTag tag, char *dst, size_t cap)
{
	ExifEntry *e = exif_content_get_entry(ed->ifd[ifd], tag);
	char buf[128];

	if (e && exif_entry_get_value(e, buf, sizeof(buf)))
		copy_tag(dst, cap, buf);
}

static void read_exif(const char *path, struct lt_page_tech *t)
{
	ExifData *ed = exif_data_new_from_file(path);
	char when[64] = "";

	if (!ed)
		return;
	exif_text(ed, EXIF_IFD_0, EXIF_TAG_MAKE, t->make, sizeof(t->make));
	exif_text(ed, EXIF_IFD_0, EXIF_TAG_MODEL, t->model, sizeof(t->model));
	exif_text(ed, EXIF_IFD_0, EXIF_TAG_SOFTWARE, t->software, sizeof(t->software));
	exif_text(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, when, sizeof(when));
	if (!when[0])
		exif_text(ed, EXIF_IFD_0, EXIF_TAG_DATE_TIME, when, sizeof(when));
	copy_datetime(t->capture_time, when);
	exif_data_unref(ed);
}

int lt_techmeta_read(const char *path, const char *ext, int index, const struct Pix *cpix,
		     struct lt_page_tech *t, struct lt_err *err)
{
	PIX *pix = (PIX *)cpix; /* Leptonica's getters take non-const */
	int depth, spp;

	memset(t, 0, sizeof(*t));
	if (!pix)
		return lt_err_set(err, LT_EINTERNAL, "no decoded image of '%s' to describe", path);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (ext && strcmp(ext, formats[i].ext) == 0) {
			snprintf(t->format, sizeof(t->format), "%s", formats[i].format);
			snprintf(t->mime, sizeof(t->mime), "%s", formats[i].mime);
		}
	t->width = pixGetWidth(pix);
	t->height = pixGetHeight(pix);
	depth = pixGetDepth(pix);
	spp = pixGetSpp(pix);
	if (pixGetColormap(pix)) {
		snprintf(t->colour, sizeof(t->colour), "palette");
		t->bits_per_sample = depth;
		t->samples_per_pixel = 1;
	} else if (depth == 1) {
		snprintf(t->colour, sizeof(t->colour), "bitonal");
		t->bits_per_sample = 1;
		t->samples_per_pixel = 1;
	} else if (depth <= 16) {
		snprintf(t->colour, sizeof(t->colour), "grey");
		t->bits_per_sample = depth;
		t->samples_per_pixel = 1;
	} else {
		snprintf(t->colour, sizeof(t->colour), spp == 4 ? "rgba" : "rgb");
		t->bits_per_sample = 8;
		t->samples_per_pixel = spp == 4 ? 4 : 3;
	}
	/* The decoder's resolution, before luutru assumed 300 dpi for OCR. */
	t->xres = pixGetXRes(pix);
	t->yres = pixGetYRes(pix);
	if (strcmp(t->format, "tiff") == 0)
		read_tiff_tags(path, index, t);
	else if (strcmp(t->format, "jpeg") == 0)
		read_exif(path, t);
	if (t->xres <= 0 || t->yres <= 0)
		t->xres = t->yres = 0;
	return LT_OK;
}

static int put_str(json_t *o, const char *key, const char *v)
{
	json_t *s;

	if (!v || !*v)
		return 0;
	/* A tag that is not UTF-8 (a scanner writing a legacy code page) is
	 * left out rather than guessed at or failing the page. */
	s = json_string(v);
	return s ? json_object_set_new(o, key, s) : 0;
}

static int put_int(json_t *o, const char *key, long long v)
{
	return v > 0 ? json_object_set_new(o, key, json_integer(v)) : 0;
}

int lt_techmeta_to_json(const struct lt_page_tech *t, unsigned long long size, const char *sha256,
			char **json, struct lt_err *err)
{
	json_t *o = json_object();
	int bad = !o;

	*json = NULL;
	if (!bad) {
		bad |= put_str(o, "format", t->format);
		bad |= put_str(o, "mime", t->mime);
		bad |= put_int(o, "width", t->width);
		bad |= put_int(o, "height", t->height);
		bad |= put_int(o, "xres", t->xres);
		bad |= put_int(o, "yres", t->yres);
		bad |= put_int(o, "bits_per_sample", t->bits_per_sample);
		bad |= put_int(o, "samples_per_pixel", t->samples_per_pixel);
		bad |= put_str(o, "colour", t->colour);
		bad |= put_str(o, "compression", t->compression);
		bad |= put_str(o, "scanner_make", t->make);
		bad |= put_str(o, "scanner_model", t->model);
		bad |= put_str(o, "software", t->software);
		bad |= put_str(o, "capture_time", t->capture_time);
		bad |= put_int(o, "file_size", (long long)size);
		bad |= put_str(o, "sha256", sha256);
	}
	if (!bad)
		*json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!*json)
		return lt_err_set(err, LT_ENOMEM, "out of memory describing '%s'", t->format);
	return LT_OK;
}
