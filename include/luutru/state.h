/* state.h - how a document changes state: the one transition table.
 *
 * A document's state (documents.state in the catalog) changes only through
 * the catalog's one writer, which looks the move up here, refuses it when it
 * is not in the table (LT_EINTERNAL), and records the row's event in the same
 * transaction. Every legal move:
 *
 *   from        to          event        outcome  by        when
 *   (new)       queued      ingested     success  ingest    a document is first seen
 *   queued      processing  claimed      success  run       a worker takes it (detail: attempt N)
 *   processing  archived    archived     success  run       its bundle is committed
 *   archived    archived    archived     success  run       a newer bundle version (re-OCR, correction)
 *   processing  failed      failed       failure  run       a stage failed on it
 *                                                 recovery  LT_MAX_ATTEMPTS runs died with it
 *   processing  queued      requeued     warning  run       a run-wide error stopped its run
 *                                                 recovery  a crashed or stopped run left it
 *   queued      superseded  superseded   success  ingest    its origin came back with other content
 *   failed      superseded  superseded   success  retry       (as above)
 *   failed      queued      requeued     success  retry     ingested again
 *   superseded  queued      requeued     success  retry     its content came back
 *   (new)       archived    archived     success  rebuild   a catalog rebuilt from its bundles
 *
 * Everything else is illegal: an archived document never fails or goes back
 * to the queue, a queued one is never archived without being claimed.
 * State names (lt_doc_state_name) come from one table in state.c, which the
 * schema's CHECK list must equal (test_state checks it).
 */
#ifndef LUUTRU_STATE_H
#define LUUTRU_STATE_H

#include "luutru/doc.h"

/* The pseudo-state of a document not yet in the catalog: only a `from`. */
#define LT_STATE_NEW ((int)LT_N_STATES)

/* Who moves documents; a transition lists those allowed to make it. */
enum lt_actor {
	LT_BY_INGEST   = 1 << 0, /* luutru ingest: new documents, superseding their siblings */
	LT_BY_RUN      = 1 << 1, /* a worker of luutru run: claim, commit, fail, run-wide stop */
	LT_BY_RECOVERY = 1 << 2, /* the start of a run: documents a crashed run left processing */
	LT_BY_RETRY    = 1 << 3, /* luutru ingest finding failed or superseded content again */
	LT_BY_REBUILD  = 1 << 4, /* luutru rebuild-catalog: a document found in a sound bundle */
};

/* How a transition treats documents.failure. */
enum lt_failure_rule {
	LT_FAILURE_KEEP,  /* as it was */
	LT_FAILURE_SET,   /* the event's detail becomes the reason */
	LT_FAILURE_CLEAR, /* NULL: the document is fine again */
};

struct lt_transition {
	int from;                   /* enum lt_doc_state, or LT_STATE_NEW */
	enum lt_doc_state to;
	const char *event;          /* events.type recorded with the move */
	const char *outcome;        /* events.outcome: success, failure or warning */
	unsigned actors;            /* enum lt_actor bits allowed to make it */
	enum lt_failure_rule failure;
};

/* The whole table, lt_n_transitions rows. Static. */
extern const struct lt_transition lt_transitions[];
extern const size_t lt_n_transitions;

/* The row for from -> to, or NULL if that move is illegal. */
const struct lt_transition *lt_state_transition(int from, enum lt_doc_state to);

/* Checks that `by` may move a document from -> to: LT_OK, or LT_EINTERNAL
 * with a message naming the document id (may be NULL), the states and who
 * tried. *t (may be NULL) gets the row. */
int lt_state_check(const char *id, int from, enum lt_doc_state to, enum lt_actor by,
		   const struct lt_transition **t, struct lt_err *err);

/* "ingest", "run", "recovery", "retry", "rebuild"; "unknown" otherwise. Static. */
const char *lt_actor_name(enum lt_actor by);

#endif
