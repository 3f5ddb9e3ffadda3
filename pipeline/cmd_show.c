/* cmd_show.c - `luutru show DOC`: a document's metadata with its
 * provenance, pages, bundle and history; --json for programs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/profile.h"

/* The labels' column: "document:  " and its translations. */
#define LABEL_WIDTH 11


/* One line of what the scan file says about itself (techmeta.h): "tiff
 * ccitt-g4, bitonal 1-bit, 300 dpi, Fujitsu fi-7160, captured 2024-03-01T10:22:00". */
static void print_scan(const char *technical)
{
	json_t *t = technical ? json_loads(technical, 0, NULL) : NULL;
	const char *fmt, *comp, *colour, *make, *model, *when;
	json_int_t bits, xres, yres;

	if (!t)
		return;
	fmt = json_string_value(json_object_get(t, "format"));
	comp = json_string_value(json_object_get(t, "compression"));
	colour = json_string_value(json_object_get(t, "colour"));
	make = json_string_value(json_object_get(t, "scanner_make"));
	model = json_string_value(json_object_get(t, "scanner_model"));
	when = json_string_value(json_object_get(t, "capture_time"));
	bits = json_integer_value(json_object_get(t, "bits_per_sample"));
	xres = json_integer_value(json_object_get(t, "xres"));
	yres = json_integer_value(json_object_get(t, "yres"));
	lt_cmd_printf(stdout, _("        scan: %s%s%s, %s %lld-bit"), fmt ? fmt : "?", comp ? " " : "",
		      comp ? comp : "", colour ? colour : "?", (long long)bits);
	if (xres > 0 && xres == yres)
		lt_cmd_printf(stdout, ", %lld dpi", (long long)xres);
	else if (xres > 0)
		lt_cmd_printf(stdout, ", %lldx%lld dpi", (long long)xres, (long long)yres);
	else
		lt_cmd_printf(stdout, "%s", _(", no resolution recorded"));
	if (make || model)
		lt_cmd_printf(stdout, ", %s%s%s", make ? make : "", make && model ? " " : "",
			      model ? model : "");
	if (when)
		lt_cmd_printf(stdout, _(", captured %s"), when);
	lt_cmd_printf(stdout, "\n");
	json_decref(t);
}

/* "manifest, list.csv row 3" / "extracted, rule state-number, confidence
 * 0.93, unconfirmed": where a value came from, in one parenthesis. */
static void print_field(const struct lt_profile *p, const struct lt_meta_field *f)
{
	const char *code_label = p ? lt_profile_code_label(p, f->key, f->value) : NULL;

	lt_cmd_printf(stdout, "  %s: %s%s%s (%s", f->key, f->value, code_label ? " " : "",
		      code_label ? code_label : "", lt_meta_source_name(f->source));
	if (f->origin)
		lt_cmd_printf(stdout, ", %s", f->origin);
	if (f->rule)
		lt_cmd_printf(stdout, _(", rule %s"), f->rule);
	if (f->source == LT_META_EXTRACTED) {
		char n[LT_I18N_NUMBER_MAX];

		lt_cmd_printf(stdout, _(", confidence %s"), lt_i18n_decimal(f->confidence, 2, n));
	}
	if (!f->confirmed)
		lt_cmd_printf(stdout, "%s", _(", unconfirmed"));
	lt_cmd_printf(stdout, ")\n");
}

static void print_meta(const struct lt_profile *p, const struct lt_meta *m)
{
	if (!m->n) {
		lt_cmd_label(stdout, _("metadata:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, "%s\n", _("none given"));
		return;
	}
	lt_cmd_printf(stdout, "%s\n", _("metadata:"));
	for (size_t i = 0; i < m->n; i++)
		print_field(p, &m->fields[i]);
}

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
		lt_cmd_label(stdout, _("versions:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, _("cannot be listed: %s\n"), err.msg);
		return;
	}
	if (n == 0)
		return;
	lt_cmd_label(stdout, _("versions:"), LABEL_WIDTH);
	lt_cmd_printf(stdout, "%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct lt_bundle *b = &refs[i].bundle;
		const char *why = why_version(doc, b->version);

		lt_format_bytes(b->size, size);
		lt_cmd_printf(stdout, ngettext("  v%-3d %s  %10llu byte (%s)  %s%s%s%s\n",
					       "  v%-3d %s  %10llu bytes (%s)  %s%s%s%s\n",
					       (unsigned long)b->size), b->version, b->created,
			      (unsigned long long)b->size, size, b->path,
			      b->version == 1 ? _("  first archived") : why ? "  " : "", why ? why : "",
			      i + 1 == n ? _("  (current)") : "");
	}
	lt_bundle_refs_free(refs, n);
}

static void print_doc(struct lt_catalog *cat, const char *archive, const struct lt_profile *profile,
		      const struct lt_doc *doc)
{
	char size[32], checked[32];
	size_t n_fixity = 0;
	int ok = -1;

	lt_cmd_label(stdout, _("document:"), LABEL_WIDTH);
	lt_cmd_printf(stdout, "%s\n", doc->id);
	lt_cmd_label(stdout, _("label:"), LABEL_WIDTH);
	lt_cmd_printf(stdout, "%s\n", doc->label);
	lt_cmd_label(stdout, _("origin:"), LABEL_WIDTH);
	lt_cmd_printf(stdout, "%s\n", doc->origin);
	lt_cmd_label(stdout, _("state:"), LABEL_WIDTH);
	lt_cmd_printf(stdout, "%s%s%s\n",
		      lt_cmd_state_word(doc->state), doc->failure ? ": " : "",
		      doc->failure ? doc->failure : "");
	if (doc->lang) {
		lt_cmd_label(stdout, _("ocr:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, "%s\n", doc->lang);
	}
	print_meta(profile, &doc->meta);
	lt_cmd_printf(stdout, "%s\n", _("sources:"));
	for (size_t i = 0; i < doc->n_sources; i++) {
		const struct lt_source *s = &doc->sources[i];

		lt_format_bytes(s->size, size);
		lt_cmd_printf(stdout, ngettext("  %04zu  %s  (%d page, %s, sha256 %s)\n",
					       "  %04zu  %s  (%d pages, %s, sha256 %s)\n",
					       (unsigned long)s->page_count),
			      i + 1, s->path, s->page_count, size, s->sha256);
	}
	lt_cmd_printf(stdout, "%s\n", _("pages:"));
	for (size_t i = 0; i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		lt_cmd_printf(stdout, _("  p.%-3d source %04d image %d"),
			      p->number, p->source + 1, p->index_in_source + 1);
		if (p->text)
			lt_cmd_printf(stdout, _(", %dx%d px at %d dpi, %zu characters, confidence %.0f"),
				      p->width, p->height,
				      p->dpi, strlen(p->text), p->confidence);
		if (p->quality >= 0) {
			char n[LT_I18N_NUMBER_MAX];

			lt_cmd_printf(stdout, _(", quality %s"), lt_i18n_decimal(p->quality, 2, n));
		}
		lt_cmd_printf(stdout, "\n");
		if (p->preprocessing)
			lt_cmd_printf(stdout, _("        read as: %s%s%s\n"),
				      p->preprocessing, p->lang ? "; " : "",
				      p->lang ? p->lang : "");
		print_scan(p->technical);
		if (p->review)
			lt_cmd_printf(stdout, _("        REVIEW: %s\n"), p->review);
	}
	if (doc->bundle.path) {
		lt_format_bytes(doc->bundle.size, size);
		lt_cmd_label(stdout, _("bundle:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, "%s/%s\n", archive, doc->bundle.path);
		lt_cmd_label(stdout, _("  size:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, ngettext("%llu byte (%s)\n", "%llu bytes (%s)\n",
					       (unsigned long)doc->bundle.size),
			      (unsigned long long)doc->bundle.size, size);
		lt_cmd_label(stdout, "  sha256:", LABEL_WIDTH);
		lt_cmd_printf(stdout, "%s\n", doc->bundle.sha256);
		lt_cmd_label(stdout, _("  created:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, "%s\n", doc->bundle.created);
		/* The last fixity check (`luutru verify`); its details are events. */
		if (lt_catalog_bundle_fixity(cat, doc->bundle.path, checked, &ok, NULL) == LT_OK &&
		    ok >= 0) {
			lt_cmd_label(stdout, _("  checked:"), LABEL_WIDTH);
			lt_cmd_printf(stdout, "%s, %s\n",
				      checked, ok ? _("sound") : _("DAMAGED (see the fixity events)"));
		} else {
			lt_cmd_label(stdout, _("  checked:"), LABEL_WIDTH);
			lt_cmd_printf(stdout, "%s\n", _("never (luutru verify)"));
		}
		lt_cmd_label(stdout, _("  files:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, "%zu\n", doc->bundle.n_files);
		for (size_t i = 0; i < doc->bundle.n_files; i++)
			lt_cmd_printf(stdout, "    %s  %10llu  %s\n", doc->bundle.files[i].sha256,
				      (unsigned long long)doc->bundle.files[i].size, doc->bundle.files[i].path);
		print_versions(cat, doc);
	} else {
		lt_cmd_label(stdout, _("bundle:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, "%s\n", _("none yet"));
	}
	for (size_t i = 0; i < doc->n_events; i++)
		n_fixity += strcmp(doc->events[i].type, "fixity") == 0;
	lt_cmd_label(stdout, _("events:"), LABEL_WIDTH);
	lt_cmd_printf(stdout, "%zu", doc->n_events);
	if (n_fixity)
		lt_cmd_printf(stdout, ngettext(" (%zu fixity check)", " (%zu fixity checks)",
					       (unsigned long)n_fixity), n_fixity);
	lt_cmd_printf(stdout, "\n");
	for (size_t i = 0; i < doc->n_events; i++)
		lt_cmd_printf(stdout, "  %s  %-9s %-8s %s\n",
			      doc->events[i].at, doc->events[i].type,
			      doc->events[i].outcome, doc->events[i].detail);
}

static int print_json(const struct lt_profile *p, const char *archive, const struct lt_doc *doc)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:o?}", "document", doc->id,
			      "label", doc->label, "origin", doc->origin,
			      "state", lt_doc_state_name(doc->state), "failure", doc->failure,
			      "ocr", doc->lang, "fields", lt_profile_fields_json(p, &doc->meta));
	json_t *pages = json_array(), *events = json_array();
	int rc = o && pages && events ? 0 : -1;

	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *pg = &doc->pages[i];

		rc = json_array_append_new(pages, json_pack("{s:i, s:i, s:i, s:b}", "number", pg->number,
							    "source", pg->source + 1, "image",
							    pg->index_in_source + 1, "review",
							    pg->review != NULL));
	}
	for (size_t i = 0; !rc && i < doc->n_events; i++)
		rc = json_array_append_new(events, json_pack("{s:s, s:s, s:s?, s:s?}", "at",
							     doc->events[i].at, "type", doc->events[i].type,
							     "outcome", doc->events[i].outcome,
							     "detail", doc->events[i].detail));
	if (!rc)
		rc = json_object_set_new(o, "pages", pages);
	else
		json_decref(pages);
	pages = NULL;
	if (!rc && doc->bundle.path) {
		char *path = NULL;

		if (lt_path(&path, NULL, "%s/%s", archive, doc->bundle.path) == LT_OK)
			rc = json_object_set_new(o, "bundle", json_pack("{s:s, s:i, s:I, s:s, s:s}", "path",
									 path, "version", doc->bundle.version,
									 "size", (json_int_t)doc->bundle.size,
									 "sha256", doc->bundle.sha256,
									 "created", doc->bundle.created));
		free(path);
	}
	if (!rc)
		rc = json_object_set_new(o, "events", events);
	else
		json_decref(events);
	if (!rc)
		rc = json_dumpf(o, stdout, JSON_INDENT(2));
	if (!rc)
		putchar('\n');
	json_decref(o);
	return rc ? lt_err_set(NULL, LT_ENOMEM, "out of memory") : LT_OK;
}

static int run_show(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_profile *p = NULL;
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 }, perr = { 0 };
	char id[LT_DOC_ID_LEN + 1];
	int rc;

	rc = lt_catalog_resolve(cat, args->argv[0], id, &err);
	if (!rc)
		rc = lt_catalog_load(cat, id, &doc, &err);
	/* Labels only: a broken profile must not hide the document. */
	if (!rc && lt_profile_open(args->cli->archive, &p, &perr) != LT_OK)
		lt_cmd_printf(stderr, _("warning: %s: fields shown without their labels\n"), perr.msg);
	if (!rc && lt_args_get(args, "json")) {
		if (print_json(p, args->cli->archive, doc))
			rc = lt_err_set(&err, LT_ENOMEM, "out of memory printing document %s", id);
	} else if (!rc)
		print_doc(cat, args->cli->archive, p, doc);
	lt_profile_close(p);
	lt_doc_free(doc);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "json", 0, NULL, N_("print the document as JSON, its metadata under \"fields\"\n"
	  "as in the bundle's metadata.json"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_show = {
	.name = "show",
	.summary = N_("a document's pages, bundle and history"),
	.usage =
	N_("usage: luutru show [--archive DIR] [--json] DOC\n"
	"\n"
	"Prints what the catalog knows of document DOC (its id, or a unique prefix\n"
	"of 4 or more characters): state, metadata fields with where each came\n"
	"from (sidecar, manifest, default, extracted, technical, corrected: the\n"
	"file and row, or the rule and its confidence), source files, pages with OCR confidence,\n"
	"quality score, what was done to each page before recognition (rotation,\n"
	"deskew angle, steps, resolution) and why a page is flagged for review,\n"
	"the newest bundle (path, size, SHA-256, its last fixity check, files),\n"
	"every bundle version (number, date, size, path, why it was made: first\n"
	"archived, metadata-corrected, reocr; `luutru get DOC --version N` gets\n"
	"an older one) and the event history, fixity checks by `luutru verify`\n"
	"included.\n"),
	.epilog =
	N_("Example:\n"
	"  luutru show 3f0c9a1b\n"),
	.min_args = 1,
	.max_args = 1,
	.args_error = N_("give one document id"),
	.options = options,
	.access = LT_ACCESS_READ,
	.run = run_show,
};
