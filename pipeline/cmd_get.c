/* cmd_get.c - `luutru get DOC --out PATH`: a document's bundle, out of the
 * archive, with its integrity proven on the way (retrieve.c): the copy is
 * hashed as it is written and must match the checksum the catalog recorded,
 * or it is removed. With --format bag, the bag extracted into a new folder,
 * every entry checked before anything is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/handout.h"
#include "luutru/layout.h"
#include "luutru/retrieve.h"

static int check_out(const char *cmd, const char *value, struct lt_err *err)
{
	if (!*value)
		return lt_err_set(err, LT_EUSAGE, "%s: --out wants a path", cmd);
	return LT_OK;
}

static const char *const doc_formats[] = { "tar", "bag", "pdf", "txt", NULL };
static const char *const page_formats[] = { "master", "txt", "hocr", "alto", "pdf", NULL };

static int one_of(const char *value, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(value, list[i]) == 0)
			return 1;
	return 0;
}

static int check_format(const char *cmd, const char *value, struct lt_err *err)
{
	if (!one_of(value, doc_formats) && !one_of(value, page_formats))
		return lt_err_set(err, LT_EUSAGE, "%s: --format is tar, bag, pdf or txt for a document; "
				  "master, txt, hocr, alto or pdf for a page (--page N), not '%s'",
				  cmd, value);
	return LT_OK;
}

static int check_page(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 1000000, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --page wants a page number (1, 2, ...), not '%s'",
				  cmd, value);
	return LT_OK;
}

static int check_version(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 1000000, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --version wants a bundle version (1, 2, ...), "
				  "not '%s'", cmd, value);
	return LT_OK;
}

/* Bundle version `version` of document id, as the catalog recorded it
 * (path, size, sha256: what retrieval checks), into *out (path owned). */
static int find_version(struct lt_catalog *cat, const char *id, int version, struct lt_bundle *out,
			struct lt_err *err)
{
	struct lt_bundle_ref *refs = NULL;
	size_t n = 0;
	int rc = lt_catalog_bundles(cat, id, &refs, &n, err), newest = 0;

	for (size_t i = 0; !rc && i < n; i++) {
		if (refs[i].bundle.version > newest)
			newest = refs[i].bundle.version;
		if (refs[i].bundle.version != version)
			continue;
		*out = refs[i].bundle;
		out->files = NULL;
		out->n_files = 0;
		refs[i].bundle.path = NULL; /* now out's */
		lt_bundle_refs_free(refs, n);
		return LT_OK;
	}
	if (!rc)
		rc = newest ? lt_err_set(err, LT_ENOTFOUND, "document %s has no bundle version %d (versions "
					 "1 to %d)", id, version, newest)
			    : lt_err_set(err, LT_ENOTFOUND, "document %s has no bundle yet", id);
	lt_bundle_refs_free(refs, n);
	return rc;
}

/* --format bag: out is the new folder itself (default ./DOC). */
static int get_bag(const struct lt_args *args, const struct lt_doc *doc, const char *out,
		   struct lt_err *err)
{
	struct lt_bag_report *rep = NULL;
	char bytes[32];
	unsigned flags = lt_args_get(args, "follow-symlinks") ? LT_RETRIEVE_FOLLOW_SYMLINK : 0;
	int rc = lt_retrieve_bag(args->cli->archive, &doc->bundle, out ? out : doc->id, flags, &rep,
				 err);

	if (rc)
		return rc;
	lt_format_bytes(rep->payload_bytes, bytes);
	lt_cmd_printf(stdout, _("extracted %s (version %d: %zu files, payload %zu files %s, bag valid; "
		      "bundle sha256 %s)\n"), out ? out : doc->id, doc->bundle.version, rep->n_files,
		      rep->payload_files, bytes, doc->bundle.sha256);
	lt_bag_report_free(rep);
	return LT_OK;
}

/* What one hand-out takes from the bundle and how it is made. */
struct handout {
	const char *format;
	int page;                  /* 1-based; 0: the whole document */
	char what[160];            /* names it in messages */
	char name[96];             /* its default file name */
};

/* The default file name: "<id>" (".vN" after version 1), ".pN" for a
 * page, then the format's extension. */
static void name_handout(struct handout *h, const struct lt_doc *doc, const char *ext)
{
	char version[16] = "", page[16] = "";

	if (doc->bundle.version > 1)
		snprintf(version, sizeof(version), ".v%d", doc->bundle.version);
	if (h->page)
		snprintf(page, sizeof(page), ".p%d", h->page);
	snprintf(h->name, sizeof(h->name), "%s%s%s.%s", doc->id, version, page, ext);
}

static int append_chunk(void *ud, const void *data, size_t len, struct lt_err *err)
{
	return lt_write_all(*(int *)ud, data, len, "the joined text", err);
}

/* All the page texts, a form feed between pages (as pdftotext marks them). */
static int joined_texts(const struct lt_args *args, const struct lt_doc *doc, int out,
			struct lt_err *err)
{
	char **paths = calloc(doc->n_pages ? doc->n_pages : 1, sizeof(*paths));
	int *fds = calloc(doc->n_pages ? doc->n_pages : 1, sizeof(*fds));
	int rc = paths && fds ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory");
	size_t made = 0;

	for (; !rc && made < doc->n_pages; made++) {
		fds[made] = -1;
		rc = lt_layout_page(doc->pages[made].number, LT_PAGE_TEXT, &paths[made], err);
		if (!rc)
			rc = lt_retrieve_scratch("luutru-get-page-text", &fds[made], err);
	}
	if (!rc)
		rc = lt_retrieve_members(args->cli->archive, &doc->bundle, (const char *const *)paths,
					 fds, doc->n_pages, err);
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		if (i)
			rc = lt_write_all(out, "\f", 1, "the joined text", err);
		if (!rc && lseek(fds[i], 0, SEEK_SET) != 0)
			rc = lt_err_set(err, LT_EIO, "cannot read page %d's text again: %s",
					doc->pages[i].number, strerror(errno));
		if (!rc)
			rc = lt_read_chunks(fds[i], paths[i], LT_EIO, append_chunk, &out, err);
	}
	for (size_t i = 0; i < made; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		free(paths[i]);
	}
	free(paths);
	free(fds);
	return rc;
}

/* The page's master: its source file as archived, or for a page of a
 * multi-page TIFF that image alone. */
static int page_master(const struct lt_args *args, const struct lt_doc *doc,
		       const struct lt_page *page, struct handout *h, int out, struct lt_err *err)
{
	const struct lt_source *src = &doc->sources[page->source];
	char *member = NULL;
	int in = -1, rc = lt_layout_master(doc, (size_t)page->source, &member, err);

	name_handout(h, doc, src->ext);
	if (!rc && src->page_count == 1) {
		const char *m = member;

		rc = lt_retrieve_members(args->cli->archive, &doc->bundle, &m, &out, 1, err);
		free(member);
		return rc;
	}
	if (!rc)
		rc = lt_retrieve_scratch("luutru-get-master", &in, err);
	if (!rc) {
		const char *m = member;

		rc = lt_retrieve_members(args->cli->archive, &doc->bundle, &m, &in, 1, err);
	}
	if (!rc)
		rc = lt_handout_tiff_page(in, member, page->index_in_source, out, err);
	if (in >= 0)
		close(in);
	free(member);
	return rc;
}

/* The page's or document's file(s) out of the bundle into out (a scratch
 * file), verified, and made into what was asked for. */
static int make_handout(const struct lt_args *args, const struct lt_doc *doc, struct handout *h,
			int out, struct lt_err *err)
{
	const struct lt_page *page = h->page ? &doc->pages[h->page - 1] : NULL;
	char *member = NULL;
	int rc = LT_OK, in = -1;

	if (!page && strcmp(h->format, "txt") == 0) {
		name_handout(h, doc, "txt");
		return joined_texts(args, doc, out, err);
	}
	if (page && strcmp(h->format, "master") == 0)
		return page_master(args, doc, page, h, out, err);
	if (strcmp(h->format, "pdf") == 0) {
		name_handout(h, doc, "pdf");
		rc = lt_layout_access_pdf(doc->id, &member, err);
	} else {
		enum lt_layout_page_file kind = strcmp(h->format, "txt") == 0 ? LT_PAGE_TEXT
			: strcmp(h->format, "hocr") == 0 ? LT_PAGE_HOCR : LT_PAGE_ALTO;

		name_handout(h, doc, kind == LT_PAGE_TEXT ? "txt" : kind == LT_PAGE_HOCR ? "hocr"
			     : "alto.xml");
		rc = lt_layout_page(page->number, kind, &member, err);
	}
	/* One page of the access copy: the PDF out and verified first. */
	if (!rc && page && strcmp(h->format, "pdf") == 0) {
		rc = lt_retrieve_scratch("luutru-get-access-pdf", &in, err);
		if (!rc) {
			const char *m = member;

			rc = lt_retrieve_members(args->cli->archive, &doc->bundle, &m, &in, 1, err);
		}
		if (!rc)
			rc = lt_handout_pdf_page(in, member, page->number, out, err);
		if (in >= 0)
			close(in);
	} else if (!rc) {
		const char *m = member;

		rc = lt_retrieve_members(args->cli->archive, &doc->bundle, &m, &out, 1, err);
	}
	free(member);
	return rc;
}

/* --format pdf|txt, or --page N: one file made from verified members. */
static int get_file(const struct lt_args *args, const struct lt_doc *doc, const char *format,
		    int page, const char *out, struct lt_err *err)
{
	struct handout h = { .format = format, .page = page };
	char sha[LT_SHA256_HEX], *dst = NULL;
	int scratch = -1, is_dir = 0, rc;

	if (page)
		snprintf(h.what, sizeof(h.what), _("page %d of %s (%s)"), page, doc->id, format);
	else
		snprintf(h.what, sizeof(h.what), strcmp(format, "pdf") == 0
			 ? _("the access copy (PDF/A) of %s") : _("the text of %s"), doc->id);
	rc = lt_retrieve_scratch("luutru-get", &scratch, err);
	if (!rc)
		rc = make_handout(args, doc, &h, scratch, err);
	if (!rc && lt_is_dir(out, &is_dir, NULL) == LT_OK && is_dir)
		rc = lt_path(&dst, err, "%s%s%s", out, out[strlen(out) - 1] == '/' ? "" : "/", h.name);
	else if (!rc)
		rc = lt_strdup(out, &dst, err);
	if (!rc)
		rc = lt_retrieve_deliver(args->cli->archive, scratch, h.what, dst,
					 lt_args_get(args, "follow-symlinks")
					 ? LT_RETRIEVE_FOLLOW_SYMLINK : 0, sha, err);
	if (!rc && strcmp(dst, "-") != 0)
		lt_cmd_printf(stdout, _("wrote %s (%s, version %d, verified against the bundle's "
			      "manifest; sha256 %s)\n"), dst, h.what, doc->bundle.version, sha);
	if (scratch >= 0)
		close(scratch);
	free(dst);
	return rc;
}

/* The format and page asked for, checked against each other and the
 * document. */
static int check_request(const struct lt_args *args, const struct lt_doc *doc,
			 const char **format, int *page, struct lt_err *err)
{
	const char *p = lt_args_get(args, "page");

	*page = p ? atoi(p) : 0;
	*format = lt_args_get(args, "format");
	if (!*format)
		*format = *page ? "master" : "tar";
	if (*page && !one_of(*format, page_formats))
		return lt_err_set(err, LT_EUSAGE, "get: a page is handed out as master, txt, hocr, "
				  "alto or pdf, not as %s", *format);
	if (!*page && !one_of(*format, doc_formats))
		return lt_err_set(err, LT_EUSAGE, "get: --format %s is one page's file: give --page N",
				  *format);
	if (*page > (int)doc->n_pages) {
		char pages[64];

		snprintf(pages, sizeof(pages), ngettext("%zu page", "%zu pages", (unsigned long)doc->n_pages),
			 doc->n_pages);
		return lt_err_set(err, LT_ENOTFOUND, "document %s has %s, not a page %d", doc->id, pages,
				  *page);
	}
	return LT_OK;
}

static int run_get(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	char id[LT_DOC_ID_LEN + 1], *dst = NULL;
	const char *out = lt_args_get(args, "out"), *format = NULL;
	const char *version = lt_args_get(args, "version");
	int rc, is_dir = 0, bag = 0, tar = 0, page = 0;

	rc = lt_catalog_resolve(cat, args->argv[0], id, &err);
	if (!rc)
		rc = lt_catalog_load(cat, id, &doc, &err);
	if (!rc && !doc->bundle.path)
		rc = lt_err_set(&err, LT_ENOTFOUND, "document %s has no bundle yet (state: %s)", id,
				lt_doc_state_name(doc->state));
	if (!rc && version && atoi(version) != doc->bundle.version) {
		struct lt_bundle older = { 0 };

		rc = find_version(cat, id, atoi(version), &older, &err);
		if (!rc) {
			lt_bundle_release(&doc->bundle);
			doc->bundle = older;
		}
	}
	if (!rc)
		rc = check_request(args, doc, &format, &page, &err);
	bag = !rc && strcmp(format, "bag") == 0;
	tar = !rc && strcmp(format, "tar") == 0;
	if (!out && !bag)
		out = ".";
	if (!rc && bag)
		rc = get_bag(args, doc, out, &err);
	else if (!rc && !tar)
		rc = get_file(args, doc, format, page, out, &err);
	else if (!rc && lt_is_dir(out, &is_dir, NULL) == LT_OK && is_dir)
		rc = lt_path(&dst, &err, "%s%s%s", out, out[strlen(out) - 1] == '/' ? "" : "/",
			     lt_basename(doc->bundle.path));
	else if (!rc)
		rc = lt_strdup(out, &dst, &err);
	if (!rc && tar)
		rc = lt_retrieve_bundle(args->cli->archive, &doc->bundle, dst,
					lt_args_get(args, "follow-symlinks") ? LT_RETRIEVE_FOLLOW_SYMLINK : 0,
					&err);
	if (!rc && tar && strcmp(dst, "-") != 0)
		lt_cmd_printf(stdout, _("wrote %s (version %d, %llu bytes, sha256 %s)\n"),
			      dst, doc->bundle.version, (unsigned long long)doc->bundle.size,
			      doc->bundle.sha256);
	free(dst);
	lt_doc_free(doc);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "out", 'o', "PATH", N_("where to write (never inside the archive)"), check_out },
	{ "format", 'f', "FORMAT", N_("a document: tar (default): the bundle as it is archived;\n"
	  "bag: the bag extracted into the new folder PATH;\n"
	  "pdf: the access copy (PDF/A); txt: every page's text, a form feed\n"
	  "between pages. A page (--page N): master (default): its scan;\n"
	  "txt, hocr, alto: its OCR files; pdf: its page of the access copy"), check_format },
	{ "page", 'p', "N", N_("page N of the document only (see --format)"), check_page },
	{ "version", 0, "N", N_("bundle version N (default: the newest; `luutru show DOC` lists them)"),
	  check_version },
	{ "follow-symlinks", 0, NULL, N_("if PATH is a symlink, write where it points (by default\n"
	  "a symlink at PATH is refused: another user may have planted it)"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_get = {
	.name = "get",
	.summary = N_("write a document's bundle out of the archive"),
	.usage =
	N_("usage: luutru get [--archive DIR] DOC [--out PATH] [--format tar|bag|pdf|txt]\n"
	"                  [--page N [--format master|txt|hocr|alto|pdf]] [--version N]\n"
	"                  [--follow-symlinks]\n"
	"\n"
	"Writes the newest bundle of document DOC (a BagIt bag in a tar), or with\n"
	"--version N that version, to PATH: a file name, a folder to write the\n"
	"bundle's own file name into (DOC.tar for version 1, DOC.vN.tar after), or\n"
	"- for standard output (default: the current folder). The\n"
	"copy is checked against the SHA-256 the catalog recorded before it replaces\n"
	"PATH; on a mismatch nothing is written and get exits 1. Open the bundle\n"
	"with any tar; check it with\n"
	"`sha256sum -c manifest-sha256.txt` inside the bag.\n"
	"\n"
	"With --format bag, the bag is extracted into PATH, a new folder (or an\n"
	"empty one; default: ./DOC) that then holds bagit.txt, data/ and the\n"
	"manifests. Every entry of the tar is checked before anything is written:\n"
	"an absolute name, \"..\", a symlink, a hard link, a device or a FIFO is\n"
	"refused and get exits 1. The bag is extracted beside PATH and moved into\n"
	"place only once it validates; a non-empty PATH is refused (exit 2).\n"
	"\n"
	"With --format pdf, the access copy (PDF/A); with --format txt, every page's\n"
	"text, a form feed between pages. With --page N, one page: its scan (master,\n"
	"the default; a page of a multi-page TIFF alone as a lossless TIFF), its OCR\n"
	"text, hOCR or ALTO, or its page of the access copy (pdf). Each file is taken\n"
	"out of the bundle and checked against the bag's manifests and the catalog\n"
	"before a byte reaches PATH or standard output; a damaged one is refused,\n"
	"named, and nothing is written (exit 1). Into a folder: DOC.pdf, DOC.txt,\n"
	"DOC.pN.<ext>.\n"
	"\n"
	"Safe as root: the copy is written to a new temporary file beside PATH\n"
	"(created exclusively, never through a link) and renamed over PATH. A PATH\n"
	"that is a symlink is refused unless --follow-symlinks is given, and so is\n"
	"a PATH in a folder anyone may write to without the sticky bit (chmod +t,\n"
	"as /tmp has): exit 2 for both.\n"),
	.options = options,
	.epilog =
	N_("Example:\n"
	"  luutru get 3f0c9a1b --out /tmp/\n"
	"  luutru get 3f0c9a1b --format bag --out /tmp/3f0c9a1b-bag\n"
	"  luutru get 3f0c9a1b --version 1 --out /tmp/\n"
	"  luutru get 3f0c9a1b --format pdf --out /tmp/\n"
	"  luutru get 3f0c9a1b --page 3 --format alto --out /tmp/page3.alto.xml\n"
	"  luutru get 3f0c9a1b --page 1 --format txt --out -\n"),
	.min_args = 1,
	.max_args = 1,
	.args_error = N_("give one document id"),
	.access = LT_ACCESS_READ,
	.run = run_get,
};
