/* serve_image.c - what the page viewer shows of a page: its image, rendered
 * from the master (taken out of the bundle and verified) by Leptonica at
 * screen size and cached, and the word boxes of its ALTO. The cache names
 * files by the master's digest, so a cached image can never be another
 * page's, and a new bundle version with another master gets a new name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <leptonica/allheaders.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "luutru/flatten.h"
#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/retrieve.h"
#include "luutru/serve.h"

/* The member of the bundle into a new scratch file, verified; *data maps
 * it (munmap(*data, *size) and close(*fd) after). */
static int member_mapped(const char *archive, const struct lt_doc *doc, const char *member,
			 int *fd, void **data, size_t *size, struct lt_err *err)
{
	struct stat st;
	int rc = lt_retrieve_scratch("luutru-serve", fd, err);

	*data = NULL;
	if (!rc)
		rc = lt_retrieve_members(archive, &doc->bundle, &member, fd, 1, err);
	if (!rc && fstat(*fd, &st) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot read %s again: %s", member, strerror(errno));
	if (!rc && st.st_size == 0)
		rc = lt_err_set(err, LT_EINPUT, "%s of %s is empty", member, doc->id);
	if (!rc) {
		*size = (size_t)st.st_size;
		*data = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, *fd, 0);
		if (*data == MAP_FAILED) {
			*data = NULL;
			rc = lt_err_set(err, LT_EIO, "cannot map %s: %s", member, strerror(errno));
		}
	}
	if (rc && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

static int render(const char *archive, const struct lt_doc *doc, const struct lt_page *page,
		  const char *member, int max_width, const char *dst, struct lt_err *err)
{
	const struct lt_source *src = &doc->sources[page->source];
	PIX *pix = NULL, *shown = NULL;
	l_uint8 *jpeg = NULL;
	size_t size = 0, jpeg_size = 0;
	void *data = NULL;
	char *tmp = NULL;
	int fd = -1, out = -1, rc = member_mapped(archive, doc, member, &fd, &data, &size, err);

	if (!rc) {
		pix = src->page_count > 1 ? pixReadMemTiff(data, size, page->index_in_source)
					  : pixReadMem(data, size);
		if (!pix)
			rc = lt_err_set(err, LT_EINPUT, "Leptonica cannot read %s of %s", member, doc->id);
		else if (lt_flatten_alpha(&pix) != 0)
			rc = lt_err_set(err, LT_ENOMEM, "out of memory rendering page %d of %s",
					page->number, doc->id);
	}
	if (!rc) {
		PIX *deep = pixConvertTo8Or32(pix, L_CLONE, 0);
		int w = pixGetWidth(pix);

		shown = deep && w > max_width ? pixScale(deep, (float)max_width / (float)w,
							 (float)max_width / (float)w)
					       : deep ? pixClone(deep) : NULL;
		pixDestroy(&deep);
		if (!shown || pixWriteMemJpeg(&jpeg, &jpeg_size, shown, 85, 0) != 0)
			rc = lt_err_set(err, LT_EINTERNAL, "Leptonica cannot render page %d of %s",
					page->number, doc->id);
	}
	if (!rc)
		rc = lt_path(&tmp, err, "%s.tmpXXXXXX", dst);
	if (!rc && (out = mkostemp(tmp, O_CLOEXEC)) < 0)
		rc = lt_err_set(err, LT_EIO, "cannot write in the image cache '%s': %s", tmp,
				strerror(errno));
	if (!rc)
		rc = lt_write_all(out, jpeg, jpeg_size, tmp, err);
	if (out >= 0) {
		fchmod(out, 0644);
		close(out);
	}
	if (!rc && rename(tmp, dst) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot write in the image cache '%s': %s", dst,
				strerror(errno));
	if (rc && out >= 0)
		unlink(tmp);
	free(tmp);
	lept_free(jpeg);
	pixDestroy(&shown);
	pixDestroy(&pix);
	if (data)
		munmap(data, size);
	if (fd >= 0)
		close(fd);
	return rc;
}

int lt_serve_page_image(const char *archive, const char *cache_dir, const struct lt_doc *doc,
			const struct lt_page *page, int max_width, int *fd, uint64_t *size,
			struct lt_err *err)
{
	const char *digest = NULL;
	char *member = NULL, *path = NULL;
	struct stat st;
	int rc = lt_layout_master(doc, (size_t)page->source, &member, err);

	*fd = -1;
	for (size_t i = 0; !rc && i < doc->bundle.n_files; i++)
		if (strcmp(doc->bundle.files[i].path, member) == 0)
			digest = doc->bundle.files[i].sha256;
	if (!rc && !digest)
		rc = lt_err_set(err, LT_ENOTFOUND, "the catalog lists no %s in %s's bundle", member, doc->id);
	if (!rc)
		rc = lt_mkdir_p(cache_dir, 0755, err);
	if (!rc)
		rc = lt_path(&path, err, "%s/%s-%d-w%d.jpg", cache_dir, digest, page->index_in_source,
			     max_width);
	if (!rc && access(path, R_OK) != 0)
		rc = render(archive, doc, page, member, max_width, path, err);
	if (!rc && (*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		rc = lt_err_set(err, LT_EIO, "cannot open the cached image '%s': %s", path, strerror(errno));
	if (!rc && fstat(*fd, &st) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot read the cached image '%s': %s", path, strerror(errno));
	if (!rc)
		*size = (uint64_t)st.st_size;
	if (rc && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	free(member);
	free(path);
	return rc;
}

void lt_serve_boxes_free(struct lt_serve_box *boxes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(boxes[i].text);
	free(boxes);
}

static int int_attr(xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	int n = v ? (int)strtol((const char *)v, NULL, 10) : -1;

	xmlFree(v);
	return n;
}

static int collect(xmlNode *node, struct lt_serve_box **boxes, size_t *n, size_t *cap,
		   struct lt_err *err)
{
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(node->name, (const xmlChar *)"String") == 0) {
			xmlChar *content = xmlGetProp(node, (const xmlChar *)"CONTENT");
			struct lt_serve_box b = { int_attr(node, "HPOS"), int_attr(node, "VPOS"),
						  int_attr(node, "WIDTH"), int_attr(node, "HEIGHT"), NULL };

			if (content && b.x >= 0 && b.y >= 0 && b.w > 0 && b.h > 0) {
				if (*n == *cap) {
					size_t c = *cap ? *cap * 2 : 64;
					struct lt_serve_box *grown = realloc(*boxes, c * sizeof(*grown));

					if (!grown) {
						xmlFree(content);
						return lt_err_set(err, LT_ENOMEM, "out of memory");
					}
					*boxes = grown;
					*cap = c;
				}
				b.text = strdup((const char *)content);
				if (!b.text) {
					xmlFree(content);
					return lt_err_set(err, LT_ENOMEM, "out of memory");
				}
				(*boxes)[(*n)++] = b;
			}
			xmlFree(content);
		} else if (collect(node->children, boxes, n, cap, err)) {
			return LT_ENOMEM;
		}
	}
	return LT_OK;
}

int lt_serve_page_boxes(const char *archive, const struct lt_doc *doc, int page,
			struct lt_serve_box **boxes, size_t *n, struct lt_err *err)
{
	char *member = NULL;
	void *data = NULL;
	size_t size = 0, cap = 0;
	xmlDoc *xml = NULL;
	int fd = -1, rc = lt_layout_page(page, LT_PAGE_ALTO, &member, err);

	*boxes = NULL;
	*n = 0;
	if (!rc)
		rc = member_mapped(archive, doc, member, &fd, &data, &size, err);
	if (!rc) {
		/* No network, no entity substitution: the ALTO is data, not a program. */
		xml = xmlReadMemory(data, (int)size, member, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
		if (!xml)
			rc = lt_err_set(err, LT_EINPUT, "%s of %s is not well-formed XML", member, doc->id);
	}
	if (!rc)
		rc = collect(xmlDocGetRootElement(xml), boxes, n, &cap, err);
	if (rc) {
		lt_serve_boxes_free(*boxes, *n);
		*boxes = NULL;
		*n = 0;
	}
	xmlFreeDoc(xml);
	if (data)
		munmap(data, size);
	if (fd >= 0)
		close(fd);
	free(member);
	return rc;
}
