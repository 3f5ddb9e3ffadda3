/* techmeta.h - technical metadata of a page, read from its scan file.
 *
 * What an archive must be able to say about each digitised page years later
 * (TT05 Điều 8; PREMIS objectCharacteristics): format, pixel size,
 * resolution, bit depth, colour, compression, and - when the scanner wrote
 * them - its make and model, the software and the capture time, from the
 * TIFF tags or the JPEG's EXIF block. Values the file does not hold are left
 * out, never guessed: a missing resolution stays 0 here even though OCR
 * assumes 300 dpi.
 */
#ifndef LUUTRU_TECHMETA_H
#define LUUTRU_TECHMETA_H

#include "luutru/err.h"

struct Pix;

struct lt_page_tech {
	char format[8];        /* "tiff", "png", "jpeg", "pnm", "bmp", "webp", "jp2", "gif" */
	char mime[24];         /* "image/tiff", ... */
	int width, height;     /* pixels */
	int xres, yres;        /* pixels per inch as recorded in the file; 0: not recorded */
	int bits_per_sample;
	int samples_per_pixel;
	char colour[12];       /* "bitonal", "grey", "palette", "rgb", "rgba" */
	char compression[16];  /* "ccitt-g4", "lzw", "deflate", "jpeg", "none", ...; "" unknown */
	char make[64];         /* scanner or camera maker; "" unknown */
	char model[64];
	char software[64];
	char capture_time[24]; /* "YYYY-MM-DDThh:mm:ss" (no zone: the tag has none); "" unknown */
};

/* Fills t for image `index` (0-based) of the scan at path, whose format
 * extension is ext ("tif", "png", "jpg", ...), using the decoded pix for what
 * the decoder knows best (size, depth, colour map). Tags that cannot be read
 * are left empty: a scan without EXIF is not an error. Fails only when pix is
 * NULL (LT_EINTERNAL). */
int lt_techmeta_read(const char *path, const char *ext, int index, const struct Pix *pix,
		     struct lt_page_tech *t, struct lt_err *err);

/* A compact JSON object of the known fields, plus "file_size" and "sha256"
 * of the scan file when size > 0 / sha256 is not NULL: the form the catalog
 * and metadata.json keep. *json owned by the caller, free(). */
int lt_techmeta_to_json(const struct lt_page_tech *t, unsigned long long size, const char *sha256,
			char **json, struct lt_err *err);

#endif
