/* handout.c - one page of a PDF or of a multi-page TIFF as a file of its own. */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/fsutil.h"
#include "luutru/handout.h"
#include "luutru/i18n.h"

/* The whole of `in`, mapped read-only. *len 0 for an empty file (*data
 * NULL then). */
static int map_input(int in, const char *what, const unsigned char **data, size_t *len,
		     struct lt_err *err)
{
	struct stat st;
	void *p;

	*data = NULL;
	*len = 0;
	if (fstat(in, &st) != 0)
		return lt_err_set(err, LT_EIO, "cannot read %s: %s", what, strerror(errno));
	if (st.st_size == 0)
		return lt_err_set(err, LT_EINPUT, "%s is empty", what);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, in, 0);
	if (p == MAP_FAILED)
		return lt_err_set(err, LT_EIO, "cannot read %s: %s", what, strerror(errno));
	*data = p;
	*len = (size_t)st.st_size;
	return LT_OK;
}

static int qpdf_failed(qpdf_data q, const char *what, const char *doing, struct lt_err *err)
{
	qpdf_error e = qpdf_has_error(q) ? qpdf_get_error(q) : NULL;
	const char *why = e ? qpdf_get_error_full_text(q,
						       e) : lt_i18n_err_format(N_("unknown error"));

	/* TRANSLATORS: the second %s is what failed, e.g. "read it as a PDF". */
	return lt_err_set(err, LT_EINPUT, "%s: cannot %s: %s", what, doing, why);
}

int lt_handout_pdf_page(int in, const char *what, int page, int out, struct lt_err *err)
{
	const unsigned char *data = NULL;
	size_t len = 0;
	qpdf_data q = NULL;
	int rc = map_input(in, what, &data, &len, err), n;

	if (rc)
		return rc;
	q = qpdf_init();
	if (!q) {
		munmap((void *)data, len);
		return lt_err_set(err, LT_ENOMEM, "out of memory reading %s", what);
	}
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (qpdf_read_memory(q, what, (const char *)data, (unsigned long long)len, NULL) & QPDF_ERRORS)
		rc = qpdf_failed(q, what, lt_i18n_err_format(N_("read it as a PDF")), err);
	n = rc ? 0 : qpdf_get_num_pages(q);
	if (!rc && n < 0)
		rc = qpdf_failed(q, what, lt_i18n_err_format(N_("find its pages")), err);
	if (!rc && (page < 1 || page > n))
		rc = lt_err_set(err, LT_EINPUT, "%s has %d page%s, not a page %d", what, n,
				n == 1 ? "" : "s", page);
	/* From the end, so the indexes of the pages still to remove stay put. */
	for (int i = n - 1; !rc && i >= 0; i--)
		if (i != page - 1 && qpdf_remove_page(q, qpdf_get_page_n(q, (size_t)i)) & QPDF_ERRORS)
			rc = qpdf_failed(q, what, lt_i18n_err_format(N_("remove the other pages")),
					 err);
	if (!rc && qpdf_init_write_memory(q) & QPDF_ERRORS)
		rc = qpdf_failed(q, what, lt_i18n_err_format(N_("write the page")), err);
	if (!rc) {
		qpdf_set_deterministic_ID(q, QPDF_TRUE);
		if (qpdf_write(q) & QPDF_ERRORS)
			rc = qpdf_failed(q, what, lt_i18n_err_format(N_("write the page")), err);
	}
	if (!rc)
		rc = lt_write_all(out, qpdf_get_buffer(q), qpdf_get_buffer_length(q), what, err);
	qpdf_cleanup(&q);
	munmap((void *)data, len);
	return rc;
}

int lt_handout_tiff_page(int in, const char *what, int index, int out, struct lt_err *err)
{
	const unsigned char *data = NULL;
	l_uint8 *tiff = NULL;
	size_t len = 0, tiff_len = 0;
	l_int32 pages = 0;
	PIX *pix = NULL;
	int rc = map_input(in, what, &data, &len, err);

	if (rc)
		return rc;
	FILE *f = fmemopen((void *)data, len, "rb");
	int counted = f && tiffGetCount(f, &pages) == 0;

	if (f)
		fclose(f);
	if (!counted || index < 0 || index >= pages)
		rc = lt_err_set(err, LT_EINPUT, "%s has %zu image%s, not an image %d", what, (size_t)pages,
				pages == 1 ? "" : "s", index + 1);
	if (!rc && !(pix = pixReadMemTiff(data, len, index)))
		rc = lt_err_set(err, LT_EINPUT, "%s: image %d cannot be decoded", what, index + 1);
	if (!rc && pixWriteMemTiff(&tiff, &tiff_len, pix,
				   pixGetDepth(pix) == 1 ? IFF_TIFF_G4 : IFF_TIFF_ZIP) != 0)
		rc = lt_err_set(err, LT_ENOMEM, "%s: image %d cannot be written as a TIFF", what,
				index + 1);
	if (!rc)
		rc = lt_write_all(out, tiff, tiff_len, what, err);
	free(tiff);
	pixDestroy(&pix);
	munmap((void *)data, len);
	return rc;
}
