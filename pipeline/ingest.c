/* ingest.c - scanned documents into the catalog: the decisions every front
 * end shares (new, known, back in the queue, superseding), the metadata a
 * person gave for each (sidecar, spreadsheet row, defaults; checked before
 * any OCR is spent), and an inbox folder's loop over them. Reports
 * outcomes; never prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/ingest.h"
#include "luutru/manifest.h"
#include "luutru/profile.h"
#include "luutru/i18n.h"

/* A sidecar larger than this is not a document's description. */
#define SIDECAR_MAX_BYTES (1 << 20)

void lt_ingest_init(struct lt_ingest *ing, struct lt_catalog *cat, const char *source, int retry)
{
	memset(ing, 0, sizeof(*ing));
	ing->cat = cat;
	ing->source = source;
	ing->retry = retry;
}

/* A document not yet in the catalog, superseding an unfinished one from the
 * same folder or file with other content (done by the catalog in the same
 * transaction as the insert). */
static int add_new(struct lt_ingest *ing, const struct lt_doc *doc, int *added,
		   struct lt_ingest_outcome *out, struct lt_err *err)
{
	int seen = 0, rc = LT_OK;

	if (!ing->batch)
		rc = lt_catalog_add_batch(ing->cat, ing->source, &ing->batch, err);
	if (!rc)
		rc = lt_catalog_find_origin(ing->cat, doc->origin, &seen, out->before, err);
	if (!rc)
		rc = lt_catalog_add_document(ing->cat, ing->batch, doc, added, &out->superseded, err);
	if (!rc && *added && seen && !out->superseded)
		out->origin_seen_before = 1;
	return rc;
}

static int has_row(const struct lt_meta *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->fields[i].source == LT_META_MANIFEST)
			return 1;
	return 0;
}

int lt_ingest_document(struct lt_ingest *ing, const struct lt_doc *doc,
		       struct lt_ingest_outcome *out, struct lt_err *err)
{
	enum lt_doc_state state = LT_QUEUED;
	int found = 0, added = 0, rc;

	memset(out, 0, sizeof(*out));
	rc = lt_catalog_find(ing->cat, doc->id, &found, &state, err);
	if (rc)
		return rc;
	/* A superseded document whose content is back at its origin (a page put
	 * back) is the current one again; a failed one only on request. */
	if (found && ((state == LT_FAILED && ing->retry) || state == LT_SUPERSEDED)) {
		/* As for a known document: only a spreadsheet row replaces what
		 * an earlier ingest gave (lt_catalog_retry saves a non-empty meta). */
		struct lt_doc same = *doc;

		if (!has_row(&doc->meta))
			same.meta = (struct lt_meta)LT_META_INIT;
		rc = lt_catalog_retry(ing->cat, &same, &added, &out->superseded, err);
	}
	else if (!found)
		rc = add_new(ing, doc, &added, out, err);
	if (rc)
		return rc;
	if (added) {
		out->result = found ? LT_INGEST_REQUEUED : LT_INGEST_QUEUED;
		out->state = state;
		return LT_OK;
	}
	/* Known, or added meanwhile by a concurrent ingest: its state now. */
	out->result = LT_INGEST_KNOWN;
	out->superseded = 0;
	rc = lt_catalog_find(ing->cat, doc->id, &found, &out->state, err);
	if (rc || !has_row(&doc->meta))
		return rc;
	/* A corrected spreadsheet ingested again: a document not yet claimed
	 * takes its new description; one in hand or archived keeps its own.
	 * Only with a spreadsheet: a nightly re-ingest of the inbox with
	 * defaults alone must not wipe what an earlier spreadsheet gave. */
	if (out->state == LT_QUEUED) {
		out->meta_updated = 1;
		return lt_catalog_save_meta(ing->cat, doc->id, &doc->meta, err);
	}
	out->meta_ignored = 1;
	return LT_OK;
}

/* ---- metadata given at ingest ---- */

/* One value as a person gave it: validated, offered at its source's rank.
 * where: "FILE row N, column 'X'" or "FILE, field 'X'", for the message. */
static int give(const struct lt_profile *p, struct lt_meta *m, const char *name, const char *value,
		enum lt_meta_source source, const char *origin, const char *where, struct lt_err *err)
{
	const char *key = NULL;
	char *norm = NULL;
	int rc;

	if (lt_profile_resolve_key(p, name, &key) != LT_OK)
		return lt_err_set(err, LT_EINPUT, "%s: '%s' is not a metadata field (a TT05 key, TT02 "
				  "name or Vietnamese label of the profile)", where, name);
	rc = lt_profile_validate(p, key, value, &norm, err);
	if (rc)
		return lt_err_prefix(err, "%s: ", where);
	rc = lt_meta_offer(m, key, norm, source, origin, NULL, 1, NULL, NULL, err);
	free(norm);
	return rc;
}

static int read_sidecar(const struct lt_profile *p, const char *path, struct lt_meta *m,
			struct lt_err *err)
{
	json_error_t jerr;
	json_t *root = NULL, *v;
	const char *name;
	struct stat st;
	char where[4200], number[64];
	int rc = LT_OK;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? LT_OK
			: lt_err_set(err, LT_EINPUT, "cannot read '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_size > SIDECAR_MAX_BYTES)
		return lt_err_set(err, LT_EINPUT, "'%s' is not a regular file of at most %d bytes",
				  path, SIDECAR_MAX_BYTES);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return lt_err_set(err, LT_EINPUT, "'%s': not valid JSON: line %d: %s", path, jerr.line,
				  jerr.text);
	if (!json_is_object(root))
		rc = lt_err_set(err, LT_EINPUT, "'%s': a JSON object of field -> value expected", path);
	json_object_foreach(root, name, v) {
		const char *value = number;

		if (rc)
			break;
		snprintf(where, sizeof(where), "%s, field '%s'", path, name);
		if (json_is_string(v))
			value = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(number, sizeof(number), "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			snprintf(number, sizeof(number), "%.17g", json_real_value(v));
		else if (json_is_null(v))
			continue;
		else {
			rc = lt_err_set(err, LT_EINPUT, "%s: a string or a number expected", where);
			break;
		}
		if (json_is_string(v) && !*value)
			continue; /* an empty value gives nothing, as an empty cell */
		rc = give(p, m, name, value, LT_META_SIDECAR, path, where, err);
	}
	json_decref(root);
	return rc;
}

int lt_ingest_describe(const struct lt_ingest_meta *im, const char *path, const char *label,
		       int folder, struct lt_meta *out, struct lt_err *err)
{
	struct lt_manifest_row *row = NULL;
	char *sidecar = NULL, origin[4200], where[4400];
	int rc = LT_OK;

	if (!im || !im->profile)
		return LT_OK;
	if (folder) {
		rc = lt_path(&sidecar, err, "%s/metadata.json", path);
		if (!rc)
			rc = read_sidecar(im->profile, sidecar, out, err);
		free(sidecar);
	}
	if (!rc && im->manifest)
		row = lt_manifest_find(im->manifest, label);
	if (row) {
		row->matched = 1;
		snprintf(origin, sizeof(origin), "%s row %d", im->manifest->path, row->number);
		for (size_t c = 0; !rc && c < row->n_cells; c++) {
			snprintf(where, sizeof(where), "%s, column '%s'", origin, row->cells[c].column);
			rc = give(im->profile, out, row->cells[c].key, row->cells[c].value,
				  LT_META_MANIFEST, origin, where, err);
		}
	}
	for (size_t i = 0; !rc && im->defaults && i < im->defaults->n; i++) {
		const struct lt_meta_field *f = &im->defaults->fields[i];

		rc = lt_meta_offer(out, f->key, f->value, LT_META_DEFAULT, f->origin, NULL, 1, NULL,
				   NULL, err);
	}
	if (!rc)
		rc = lt_profile_apply_secrecy(im->profile, out, im->allow_refused_secrecy, err);
	if (!rc)
		rc = lt_profile_check_required(im->profile, out, err);
	if (rc)
		lt_meta_release(out);
	return rc;
}

/* A document folder's metadata.json is its description, not a page that
 * failed to be one: say so where the skip is listed. */
static int name_sidecars(struct lt_inbox *inbox, struct lt_err *err)
{
	const char *reason = lt_i18n_err_format(N_("the document's metadata (sidecar), read at ingest"));

	for (size_t i = 0; i < inbox->n_skipped; i++) {
		struct lt_inbox_skip *s = &inbox->skipped[i];
		const char *base = strrchr(s->path, '/');
		char *copy;

		if (s->kind != LT_SKIP_NOT_PAGE || !base || strcmp(base + 1, "metadata.json") != 0)
			continue;
		for (size_t e = 0; e < inbox->n_entries; e++) {
			const char *p = inbox->entries[e].path;

			if (strlen(p) != (size_t)(base - s->path) || strncmp(p, s->path, strlen(p)) != 0)
				continue;
			if (!(copy = strdup(reason)))
				return lt_err_set(err, LT_ENOMEM, "out of memory");
			free(s->reason);
			s->reason = copy;
			s->warning = 0;
			break;
		}
	}
	return LT_OK;
}

/* Each accepted entry described; a refused description rejects it. */
static int describe_inbox(struct lt_inbox *inbox, const struct lt_ingest_meta *im,
			  struct lt_err *err)
{
	int rc = name_sidecars(inbox, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < inbox->n_entries; i++) {
		struct lt_inbox_entry *e = &inbox->entries[i];
		struct lt_err why = { 0 };
		struct stat st;

		if (e->reason || !e->doc)
			continue;
		rc = lt_ingest_describe(im, e->path, e->label, stat(e->path, &st) == 0 && S_ISDIR(st.st_mode),
					&e->doc->meta, &why);
		if (rc == LT_EINPUT) {
			if (!(e->reason = strdup(why.msg)))
				return lt_err_set(err, LT_ENOMEM, "out of memory");
		} else if (rc) {
			if (err)
				*err = why;
			return rc;
		}
	}
	return LT_OK;
}

/* The spreadsheet and the inbox must agree: a row for no document, or a
 * document with no row, is worth a warning (a typo in a folder name). */
static void report_unmatched(const struct lt_inbox *inbox, const struct lt_ingest_meta *im,
			     struct lt_ingest_totals *totals)
{
	char msg[4400];

	if (!im || !im->manifest)
		return;
	for (size_t r = 0; r < im->manifest->n_rows; r++) {
		const struct lt_manifest_row *row = &im->manifest->rows[r];

		if (row->matched)
			continue;
		totals->meta_warnings++;
		snprintf(msg, sizeof(msg),
			 lt_i18n_err_format(N_("%s row %d: '%s' is not a document of the inbox %s: "
			 "its row describes nothing")), im->manifest->path, row->number, row->name,
			 inbox->root);
		if (im->warning)
			im->warning(im->warning_ud, msg);
	}
	for (size_t i = 0; i < inbox->n_entries; i++) {
		const struct lt_inbox_entry *e = &inbox->entries[i];

		if (!e->doc || lt_manifest_find(im->manifest, e->label))
			continue;
		totals->meta_warnings++;
		snprintf(msg, sizeof(msg), lt_i18n_err_format(N_("%s: no row of %s describes it")),
			 e->label, im->manifest->path);
		if (im->warning)
			im->warning(im->warning_ud, msg);
	}
}

/* What the scan left out, as the catalog records it: the skipped entries,
 * then the rejected documents. */
static int record_left_out(struct lt_catalog *cat, const struct lt_inbox *inbox, struct lt_err *err)
{
	struct lt_skipped *items = calloc(inbox->n_skipped + inbox->n_entries + 1, sizeof(*items));
	size_t n = 0;
	int rc;

	if (!items)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	for (size_t i = 0; i < inbox->n_skipped; i++) {
		const struct lt_inbox_skip *s = &inbox->skipped[i];

		items[n++] = (struct lt_skipped){ .path = s->path, .reason = s->reason,
						  .kind = lt_skip_kind_name(s->kind),
						  .warning = s->warning };
	}
	for (size_t i = 0; i < inbox->n_entries; i++)
		if (inbox->entries[i].reason)
			items[n++] = (struct lt_skipped){ .path = inbox->entries[i].path,
							  .reason = inbox->entries[i].reason,
							  .kind = "rejected", .warning = 1 };
	rc = lt_catalog_record_skipped(cat, inbox->root, items, n, err);
	free(items);
	return rc;
}

int lt_ingest_inbox(struct lt_catalog *cat, const char *inbox_dir, int min_age, int retry,
		    const struct lt_ingest_report *report, struct lt_ingest_totals *totals,
		    struct lt_err *err)
{
	const struct lt_inbox_opts opts = { .min_age = min_age };

	return lt_ingest_inbox_with(cat, inbox_dir, &opts, retry, report, totals, err);
}

int lt_ingest_inbox_with(struct lt_catalog *cat, const char *inbox_dir,
			 const struct lt_inbox_opts *opts, int retry,
			 const struct lt_ingest_report *report, struct lt_ingest_totals *totals,
			 struct lt_err *err)
{
	return lt_ingest_inbox_meta(cat, inbox_dir, opts, NULL, retry, 0, report, totals, err);
}

int lt_ingest_inbox_meta(struct lt_catalog *cat, const char *inbox_dir,
			 const struct lt_inbox_opts *opts, const struct lt_ingest_meta *im,
			 int retry, int check, const struct lt_ingest_report *report,
			 struct lt_ingest_totals *totals, struct lt_err *err)
{
	struct lt_inbox inbox = { 0 };
	struct lt_ingest ing;
	int rc;

	memset(totals, 0, sizeof(*totals));
	rc = lt_inbox_scan_with(inbox_dir, opts, &inbox, err);
	if (rc)
		return rc;
	rc = describe_inbox(&inbox, im, err);
	if (!rc)
		report_unmatched(&inbox, im, totals);
	if (!rc && !check)
		rc = record_left_out(cat, &inbox, err);
	if (rc) {
		lt_inbox_release(&inbox);
		return rc;
	}
	lt_ingest_init(&ing, cat, inbox_dir, retry);
	totals->skipped = inbox.n_skipped;
	for (size_t i = 0; i < inbox.n_skipped; i++) {
		totals->warnings += inbox.skipped[i].warning ? 1 : 0;
		if (report && report->skipped)
			report->skipped(report->ud, &inbox.skipped[i]);
	}
	for (size_t i = 0; !rc && i < inbox.n_entries; i++) {
		const struct lt_inbox_entry *e = &inbox.entries[i];
		struct lt_ingest_outcome o = { .result = LT_INGEST_REJECTED };

		if (!e->reason && check)
			o.result = LT_INGEST_CHECKED;
		else if (!e->reason)
			rc = lt_ingest_document(&ing, e->doc, &o, err);
		if (rc)
			break;
		if (o.result == LT_INGEST_REJECTED)
			totals->rejected++;
		else if (o.result == LT_INGEST_CHECKED)
			totals->checked++;
		else if (o.result == LT_INGEST_KNOWN)
			totals->known++;
		else
			totals->queued++;
		totals->superseded += o.superseded;
		if (report && report->document)
			report->document(report->ud, e, &o);
	}
	lt_inbox_release(&inbox);
	return rc;
}
