/* cmd_show.c - `luutru show DOC`: a document's pages, bundle and history. */
#include <stdio.h>
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"

/* Why version v was made: the event a redo recorded with it (a correction,
 * a re-OCR), which comes after the previous version's "archived" event and
 * before its own. NULL for the first version or when none says. */
static const char *why_version(const struct lt_doc *doc, int v)
{
	char mark[64];
	const char *why = NULL;

	if (v <= 1)
		return NULL;
	snprintf(mark, sizeof(mark), "bundle version %d:", v);
	for (size_t i = 0; i < doc->n_events; i++) {
		const struct lt_event *e = &doc->events[i];

		if (strcmp(e->type, "archived") == 0 && e->detail &&
		    strncmp(e->detail, mark, strlen(mark)) == 0)
			return why;
		if (strcmp(e->type, "archived") == 0)
			why = NULL;
		else if ((strcmp(e->type, "metadata-corrected") == 0 || strcmp(e->type, "reocr") == 0) &&
			 !why)
			why = e->type;
	}
	return NULL;
}

/* Every bundle version, oldest first; the last is the current one. */
static void print_versions(struct lt_catalog *cat, const struct lt_doc *doc)
{
	struct lt_bundle_ref *refs = NULL;
	struct lt_err err = { 0 };
	size_t n = 0;
	char size[32];

	if (lt_catalog_bundles(cat, doc->id, &refs, &n, &err) != LT_OK) {
		lt_cmd_printf(stdout, "versions:  cannot be listed: %s\n", err.msg);
		return;
	}
	if (n == 0)
		return;
	lt_cmd_printf(stdout, "versions:  %zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct lt_bundle *b = &refs[i].bundle;
		const char *why = why_version(doc, b->version);

		lt_format_bytes(b->size, size);
		lt_cmd_printf(stdout, "  v%-3d %s  %10llu bytes (%s)  %s%s%s%s\n", b->version, b->created,
			      (unsigned long long)b->size, size, b->path,
			      b->version == 1 ? "  first archived" : why ? "  " : "", why ? why : "",
			      i + 1 == n ? "  (current)" : "");
	}
	lt_bundle_refs_free(refs, n);
}

static void print_doc(struct lt_catalog *cat, const char *archive, const struct lt_doc *doc)
{
	char size[32], checked[32];
	size_t n_fixity = 0;
	int ok = -1;

	lt_cmd_printf(stdout, "document:  %s\n", doc->id);
	lt_cmd_printf(stdout, "label:     %s\n", doc->label);
	lt_cmd_printf(stdout, "origin:    %s\n", doc->origin);
	lt_cmd_printf(stdout, "state:     %s%s%s\n",
		      lt_doc_state_name(doc->state), doc->failure ? ": " : "",
		      doc->failure ? doc->failure : "");
	if (doc->lang)
		lt_cmd_printf(stdout, "ocr:       %s\n", doc->lang);
	lt_cmd_printf(stdout, "sources:\n");
	for (size_t i = 0; i < doc->n_sources; i++) {
		const struct lt_source *s = &doc->sources[i];

		lt_format_bytes(s->size, size);
		lt_cmd_printf(stdout, "  %04zu  %s  (%d page%s, %s, sha256 %s)\n",
			      i + 1, s->path, s->page_count,
			      s->page_count == 1 ? "" : "s", size, s->sha256);
	}
	lt_cmd_printf(stdout, "pages:\n");
	for (size_t i = 0; i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		lt_cmd_printf(stdout, "  p.%-3d source %04d image %d",
			      p->number, p->source + 1, p->index_in_source + 1);
		if (p->text)
			lt_cmd_printf(stdout, ", %dx%d px at %d dpi, %zu characters, confidence %.0f",
				      p->width, p->height,
				      p->dpi, strlen(p->text), p->confidence);
		if (p->quality >= 0)
			lt_cmd_printf(stdout, ", quality %.2f", p->quality);
		lt_cmd_printf(stdout, "\n");
		if (p->preprocessing)
			lt_cmd_printf(stdout, "        read as: %s%s%s\n",
				      p->preprocessing, p->lang ? "; " : "",
				      p->lang ? p->lang : "");
		if (p->review)
			lt_cmd_printf(stdout, "        REVIEW: %s\n", p->review);
	}
	if (doc->bundle.path) {
		lt_format_bytes(doc->bundle.size, size);
		lt_cmd_printf(stdout, "bundle:    %s/%s\n", archive, doc->bundle.path);
		lt_cmd_printf(stdout, "  size:    %llu bytes (%s)\n",
			      (unsigned long long)doc->bundle.size, size);
		lt_cmd_printf(stdout, "  sha256:  %s\n", doc->bundle.sha256);
		lt_cmd_printf(stdout, "  created: %s\n", doc->bundle.created);
		/* The last fixity check (`luutru verify`); its details are events. */
		if (lt_catalog_bundle_fixity(cat, doc->bundle.path, checked, &ok, NULL) == LT_OK &&
		    ok >= 0)
			lt_cmd_printf(stdout, "  checked: %s, %s\n",
				      checked, ok ? "sound" : "DAMAGED (see the fixity events)");
		else
			lt_cmd_printf(stdout, "  checked: never (luutru verify)\n");
		lt_cmd_printf(stdout, "  files:   %zu\n", doc->bundle.n_files);
		for (size_t i = 0; i < doc->bundle.n_files; i++)
			lt_cmd_printf(stdout, "    %s  %10llu  %s\n", doc->bundle.files[i].sha256,
				      (unsigned long long)doc->bundle.files[i].size, doc->bundle.files[i].path);
		print_versions(cat, doc);
	} else {
		lt_cmd_printf(stdout, "bundle:    none yet\n");
	}
	for (size_t i = 0; i < doc->n_events; i++)
		n_fixity += strcmp(doc->events[i].type, "fixity") == 0;
	lt_cmd_printf(stdout, "events:    %zu", doc->n_events);
	if (n_fixity)
		lt_cmd_printf(stdout, " (%zu fixity check%s)", n_fixity, n_fixity == 1 ? "" : "s");
	lt_cmd_printf(stdout, "\n");
	for (size_t i = 0; i < doc->n_events; i++)
		lt_cmd_printf(stdout, "  %s  %-9s %-8s %s\n",
			      doc->events[i].at, doc->events[i].type,
			      doc->events[i].outcome, doc->events[i].detail);
}

static int run_show(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	char id[LT_DOC_ID_LEN + 1];
	int rc;

	rc = lt_catalog_resolve(cat, args->argv[0], id, &err);
	if (!rc)
		rc = lt_catalog_load(cat, id, &doc, &err);
	if (!rc)
		print_doc(cat, args->cli->archive, doc);
	lt_doc_free(doc);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

const struct lt_command lt_cmd_show = {
	.name = "show",
	.summary = "a document's pages, bundle and history",
	.usage =
	"usage: luutru show [--archive DIR] DOC\n"
	"\n"
	"Prints what the catalog knows of document DOC (its id, or a unique prefix\n"
	"of 4 or more characters): state, source files, pages with OCR confidence,\n"
	"quality score, what was done to each page before recognition (rotation,\n"
	"deskew angle, steps, resolution) and why a page is flagged for review,\n"
	"the newest bundle (path, size, SHA-256, its last fixity check, files),\n"
	"every bundle version (number, date, size, path, why it was made: first\n"
	"archived, metadata-corrected, reocr; `luutru get DOC --version N` gets\n"
	"an older one) and the event history, fixity checks by `luutru verify`\n"
	"included.\n",
	.epilog =
	"Example:\n"
	"  luutru show 3f0c9a1b\n",
	.min_args = 1,
	.max_args = 1,
	.args_error = "give one document id",
	.access = LT_ACCESS_READ,
	.run = run_show,
};
