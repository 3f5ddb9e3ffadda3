/* state.c - state names and the transition table (see state.h). */
#include "luutru/state.h"

#include <string.h>

/* The one list of state names, indexed by enum lt_doc_state. The catalog
 * binds these; schemas/catalog/001-initial.sql's CHECK lists the same. */
static const char *const state_names[LT_N_STATES] = {
	[LT_QUEUED] = "queued",
	[LT_PROCESSING] = "processing",
	[LT_ARCHIVED] = "archived",
	[LT_FAILED] = "failed",
	[LT_SUPERSEDED] = "superseded",
};

const char *lt_doc_state_name(enum lt_doc_state s)
{
	return (unsigned)s < LT_N_STATES ? state_names[s] : "unknown";
}

int lt_doc_state_parse(const char *name, enum lt_doc_state *s)
{
	for (int i = 0; i < LT_N_STATES; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*s = (enum lt_doc_state)i;
			return 1;
		}
	}
	return 0;
}

/* Keep in step with the table in state.h's comment. */
const struct lt_transition lt_transitions[] = {
	{ LT_STATE_NEW,  LT_QUEUED,     "ingested",   "success", LT_BY_INGEST, LT_FAILURE_CLEAR },
	{ LT_QUEUED,     LT_PROCESSING, "claimed",    "success", LT_BY_RUN, LT_FAILURE_KEEP },
	{ LT_PROCESSING, LT_ARCHIVED,   "archived",   "success", LT_BY_RUN, LT_FAILURE_CLEAR },
	{ LT_ARCHIVED,   LT_ARCHIVED,   "archived",   "success", LT_BY_RUN, LT_FAILURE_CLEAR },
	{ LT_PROCESSING, LT_FAILED,     "failed",     "failure", LT_BY_RUN | LT_BY_RECOVERY, LT_FAILURE_SET },
	{ LT_PROCESSING, LT_QUEUED,     "requeued",   "warning", LT_BY_RUN | LT_BY_RECOVERY, LT_FAILURE_KEEP },
	{ LT_QUEUED,     LT_SUPERSEDED, "superseded", "success", LT_BY_INGEST | LT_BY_RETRY, LT_FAILURE_KEEP },
	{ LT_FAILED,     LT_SUPERSEDED, "superseded", "success", LT_BY_INGEST | LT_BY_RETRY, LT_FAILURE_KEEP },
	{ LT_FAILED,     LT_QUEUED,     "requeued",   "success", LT_BY_RETRY, LT_FAILURE_CLEAR },
	{ LT_SUPERSEDED, LT_QUEUED,     "requeued",   "success", LT_BY_RETRY, LT_FAILURE_CLEAR },
	{ LT_STATE_NEW,  LT_ARCHIVED,   "archived",   "success", LT_BY_REBUILD, LT_FAILURE_CLEAR },
};
const size_t lt_n_transitions = sizeof(lt_transitions) / sizeof(lt_transitions[0]);

const struct lt_transition *lt_state_transition(int from, enum lt_doc_state to)
{
	for (size_t i = 0; i < lt_n_transitions; i++)
		if (lt_transitions[i].from == from && lt_transitions[i].to == to)
			return &lt_transitions[i];
	return NULL;
}

const char *lt_actor_name(enum lt_actor by)
{
	switch (by) {
	case LT_BY_INGEST: return "ingest";
	case LT_BY_RUN: return "run";
	case LT_BY_RECOVERY: return "recovery";
	case LT_BY_RETRY: return "retry";
	case LT_BY_REBUILD: return "rebuild";
	}
	return "unknown";
}

static const char *from_name(int from)
{
	return from == LT_STATE_NEW ? "(new)" : lt_doc_state_name((enum lt_doc_state)from);
}

int lt_state_check(const char *id, int from, enum lt_doc_state to, enum lt_actor by,
		   const struct lt_transition **out, struct lt_err *err)
{
	const struct lt_transition *t = lt_state_transition(from, to);

	if (out)
		*out = t;
	if (!t)
		return lt_err_set(err, LT_EINTERNAL,
				  "document %s cannot go from %s to %s: not a transition in the "
				  "state table (state.h)", id ? id : "?", from_name(from),
				  lt_doc_state_name(to));
	if (!(t->actors & (unsigned)by))
		return lt_err_set(err, LT_EINTERNAL,
				  "document %s: %s may not move it from %s to %s (state.h)",
				  id ? id : "?", lt_actor_name(by), from_name(from), lt_doc_state_name(to));
	return LT_OK;
}
