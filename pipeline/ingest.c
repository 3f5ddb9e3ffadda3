/* ingest.c - scanned documents into the catalog: the decisions every front
 * end shares (new, known, back in the queue, superseding), and an inbox
 * folder's loop over them. Reports outcomes; never prints.
 */
#include <stdlib.h>
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/ingest.h"

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
	if (found && ((state == LT_FAILED && ing->retry) || state == LT_SUPERSEDED))
		rc = lt_catalog_retry(ing->cat, doc, &added, &out->superseded, err);
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
	return lt_catalog_find(ing->cat, doc->id, &found, &out->state, err);
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
	struct lt_inbox inbox = { 0 };
	struct lt_ingest ing;
	int rc;

	memset(totals, 0, sizeof(*totals));
	rc = lt_inbox_scan_with(inbox_dir, opts, &inbox, err);
	if (rc)
		return rc;
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

		if (!e->reason)
			rc = lt_ingest_document(&ing, e->doc, &o, err);
		if (rc)
			break;
		if (o.result == LT_INGEST_REJECTED)
			totals->rejected++;
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
