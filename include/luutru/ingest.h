/* ingest.h - the rules for taking scanned documents into the catalog, for
 * every front end (the ingest and batch commands, a web upload, a
 * spreadsheet import): what is new, what is known, what goes back in the
 * queue, and which unfinished predecessors a changed folder supersedes.
 *
 * Nothing here prints: outcomes are returned for the caller to report.
 */
#ifndef LUUTRU_INGEST_H
#define LUUTRU_INGEST_H

#include <stdint.h>

#include "luutru/doc.h"
#include "luutru/err.h"
#include "luutru/inbox.h"

struct lt_catalog;

enum lt_ingest_result {
	LT_INGEST_QUEUED,    /* new in the catalog, queued */
	LT_INGEST_REQUEUED,  /* was failed (and retry asked) or superseded: queued again */
	LT_INGEST_KNOWN,     /* already there; left as it is */
	LT_INGEST_REJECTED,  /* (lt_ingest_inbox only) the inbox scan rejected it */
};

struct lt_ingest_outcome {
	enum lt_ingest_result result;
	/* KNOWN: its state now (read again after the decision, so a document a
	 * concurrent ingest added meanwhile shows as it is); REQUEUED: its
	 * state before. */
	enum lt_doc_state state;
	/* QUEUED, REQUEUED: unfinished documents from the same origin (folder or
	 * file) with other content that this one superseded. */
	int superseded;
	/* QUEUED: the origin was ingested before as document `before` with
	 * other content that was not superseded (it was archived, say): the new
	 * content is a document of its own. Worth telling the person. */
	int origin_seen_before;
	char before[LT_DOC_ID_LEN + 1];
};

/* One ingest: the catalog and the batch its new documents are recorded in.
 * The batch row is created on the first new document, so an ingest that
 * finds nothing new leaves no empty batch. */
struct lt_ingest {
	struct lt_catalog *cat;  /* borrowed, open read-write */
	const char *source;      /* borrowed: names the batch (the inbox folder) */
	int retry;               /* requeue failed documents found again */
	int64_t batch;           /* 0 until created */
};

/* Starts an ingest; nothing is written yet. */
void lt_ingest_init(struct lt_ingest *ing, struct lt_catalog *cat, const char *source, int retry);

/* Takes one scanned document (with its id computed, as lt_inbox_scan gives
 * it) into the catalog and says what became of it in *out. doc is borrowed.
 * Errors are run-scoped (the catalog): stop the ingest. */
int lt_ingest_document(struct lt_ingest *ing, const struct lt_doc *doc,
		       struct lt_ingest_outcome *out, struct lt_err *err);

/* Counts of an inbox ingest. */
struct lt_ingest_totals {
	int queued;      /* QUEUED and REQUEUED */
	int known;
	int rejected;
	int superseded;  /* predecessors superseded, over all documents */
	size_t skipped;  /* entries that are not pages (files, folders, links) */
	size_t warnings; /* of those, the ones that may be pages someone expects archived */
};

/* Called as lt_ingest_inbox goes: each skipped file first, then each
 * document (e->doc is NULL and e->reason set for a rejected one). All
 * borrowed for the call. Either may be NULL. */
struct lt_ingest_report {
	void (*skipped)(void *ud, const struct lt_inbox_skip *skip);
	void (*document)(void *ud, const struct lt_inbox_entry *e, const struct lt_ingest_outcome *o);
	void *ud;
};

/* Scans inbox_dir (see lt_inbox_scan_with for opts, which may be NULL) and
 * ingests each document found, reporting each as it goes and counting in
 * *totals (zeroed first). Every entry of the inbox is accounted for: a page
 * of a document, a skipped entry or a rejected document. The skipped and
 * rejected ones are recorded in the catalog, before any document is queued,
 * as what this inbox's ingest left out (lt_catalog_record_skipped), so that
 * `status --skipped` lists them. Rejected documents are counted, not
 * errors. Errors are run-scoped: the inbox cannot be read, the catalog
 * fails; the documents reported before the error are in the catalog. */
int lt_ingest_inbox_with(struct lt_catalog *cat, const char *inbox_dir,
			 const struct lt_inbox_opts *opts, int retry,
			 const struct lt_ingest_report *report, struct lt_ingest_totals *totals,
			 struct lt_err *err);
/* The same with only min_age (links out of the inbox never followed). */
int lt_ingest_inbox(struct lt_catalog *cat, const char *inbox_dir, int min_age, int retry,
		    const struct lt_ingest_report *report, struct lt_ingest_totals *totals,
		    struct lt_err *err);

#endif
