/* cmd_status.c - `luutru status`: the queue and the archive at a glance;
 * `status --skipped`: what the last ingest of each inbox left out. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/i18n.h"
#include "luutru/shard.h"

#define FAILED_SHOWN 20

static void print_failed(void *ud, const char *id, const char *label, const char *failure, int pages)
{
	(void)ud;
	lt_cmd_printf(stdout, "  %s %s (%d page%s): %s\n", id, label, pages, pages == 1 ? "" : "s",
		      failure);
}

/* Each replica's last sync and how many of the catalog's bundles it lacks
 * now: bundles archived since its last sync count. */
static int print_replicas(struct lt_catalog *cat, struct lt_err *err)
{
	struct lt_replica *reps = NULL;
	size_t n = 0;
	int rc = lt_catalog_replicas(cat, &reps, &n, err);

	if (rc || !n)
		return rc;
	printf("replicas:\n");
	for (size_t i = 0; i < n; i++) {
		const struct lt_replica *r = &reps[i];

		lt_cmd_printf(stdout, "  %s: ", r->path);
		if (r->last_sync[0])
			printf("last sync %s (%lld copied", r->last_sync, (long long)r->copied);
		else
			printf("no sync finished yet (");
		if (r->problems)
			printf(", %lld problem%s", (long long)r->problems, r->problems == 1 ? "" : "s");
		if (r->behind)
			printf("), %lld bundle%s behind\n", (long long)r->behind,
			       r->behind == 1 ? "" : "s");
		else
			printf("), up to date\n");
	}
	lt_replicas_free(reps, n);
	return LT_OK;
}

static void print_skipped(void *ud, const struct lt_skipped *s)
{
	(void)ud;
	printf("  %s%s %s: %s (since %s)\n", s->kind, s->warning ? " warning" : "", s->path,
	       s->reason, s->first_seen);
}

static int run_skipped(struct lt_catalog *cat)
{
	struct lt_err err = { 0 };
	int64_t total = 0, warnings = 0;
	int rc = lt_catalog_count_skipped(cat, &total, &warnings, &err);

	if (!rc && !total)
		printf("skipped: nothing (as of each inbox's last ingest)\n");
	else if (!rc)
		printf("skipped: %lld inbox entr%s, %lld with a warning (as of each inbox's last "
		       "ingest):\n", (long long)total, total == 1 ? "y" : "ies", (long long)warnings);
	if (!rc && total)
		rc = lt_catalog_each_skipped(cat, 0, print_skipped, NULL, &err);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

/* Does a run hold ARCHIVE/run.lock (runner.c keeps it locked for its
 * whole life)? 1 yes, 0 no, -1 cannot tell (an unreadable lock file). A
 * shared lock is enough to ask and needs only read access. */
static int run_alive(const char *archive)
{
	char *path = NULL;
	int fd, alive = -1;

	if (lt_path(&path, NULL, "%s/run.lock", archive) != LT_OK)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		alive = errno == ENOENT ? 0 : -1;
	else if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		alive = 0;
	else if (errno == EWOULDBLOCK)
		alive = 1;
	if (fd >= 0)
		close(fd);
	free(path);
	return alive;
}

/* Plans in flight (`luutru shard`), each shard's progress as merge has
 * settled it. */
static json_t *plans_json(const struct lt_plan_status *plans, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		const struct lt_plan_status *p = &plans[i];
		json_t *shards = json_array();

		for (int k = 0; shards && k < p->tasks; k++) {
			const struct lt_plan_progress *g = &p->shards[k];

			json_array_append_new(shards, json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:b}",
				"task", g->task, "documents", g->documents, "pages", g->pages,
				"leased", g->leased, "merged", g->merged, "failed", g->failed,
				"refused", g->refused, "done", g->done));
		}
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:o}", "plan", p->id,
						     "dir", p->dir, "created", p->created, "tasks",
						     p->tasks, "shards", shards ? shards : json_array()));
	}
	return arr;
}

static void print_plans(const struct lt_plan_status *plans, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct lt_plan_status *p = &plans[i];

		lt_cmd_printf(stdout, _("plan %s (%s, since %s):\n"), p->id, p->dir, p->created);
		for (int k = 0; k < p->tasks; k++) {
			const struct lt_plan_progress *g = &p->shards[k];

			printf(ngettext("  shard %d: %d document, %d pages: %d merged, %d failed, "
					"%d refused, %d leased%s\n",
					"  shard %d: %d documents, %d pages: %d merged, %d failed, "
					"%d refused, %d leased%s\n", (unsigned long)g->documents),
			       g->task, g->documents, g->pages, g->merged, g->failed, g->refused,
			       g->leased, g->done ? _(" (DONE)") : "");
		}
	}
}

/* status --json: the counters as one object, for scripts and monitoring. */
static int print_json(const struct lt_status *st, int64_t skipped, int64_t warnings,
		      const struct lt_plan_status *plans, size_t n_plans)
{
	json_t *o = json_object(), *docs = json_object(), *pages = json_object();
	int rc;

	for (int s = 0; s < LT_N_STATES; s++) {
		json_object_set_new(docs, lt_doc_state_name((enum lt_doc_state)s),
				    json_integer(st->documents[s]));
		json_object_set_new(pages, lt_doc_state_name((enum lt_doc_state)s),
				    json_integer(st->pages[s]));
	}
	json_object_set_new(o, "documents", docs);
	json_object_set_new(o, "pages", pages);
	json_object_set_new(o, "bundles", json_integer(st->bundles));
	json_object_set_new(o, "bundle_bytes", json_integer(st->bundle_bytes));
	json_object_set_new(o, "pages_to_review", json_integer(st->pages_to_review));
	json_object_set_new(o, "skipped", json_integer(skipped));
	json_object_set_new(o, "skipped_warnings", json_integer(warnings));
	json_object_set_new(o, "plans", plans_json(plans, n_plans));
	rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (rc == 0)
		rc = fputc('\n', stdout) == EOF;
	return rc ? LT_EXIT_FATAL : LT_EXIT_OK;
}

static int run_status(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_status st;
	struct lt_err err = { 0 };
	struct lt_plan_status *plans = NULL;
	size_t n_plans = 0;
	int64_t skipped = 0, warnings = 0;
	char size[32];
	int rc;

	if (lt_args_get(args, "skipped"))
		return run_skipped(cat);
	rc = lt_catalog_status(cat, &st, &err);
	if (!rc)
		rc = lt_catalog_plans_in_flight(cat, &plans, &n_plans, &err);
	if (!rc && lt_args_get(args, "json")) {
		rc = lt_catalog_count_skipped(cat, &skipped, &warnings, &err);
		rc = rc ? lt_cmd_fail(&err) : print_json(&st, skipped, warnings, plans, n_plans);
		lt_plan_statuses_free(plans, n_plans);
		return rc;
	}
	if (!rc) {
		lt_format_bytes((unsigned long long)st.bundle_bytes, size);
		lt_cmd_printf(stdout, "archive:    %s\n", args->cli->archive);
		for (int s = 0; s < LT_N_STATES; s++) {
			char label[16];
			int interrupted;

			/* Superseded documents are history: shown only when there are some. */
			if (s == LT_SUPERSEDED && !st.documents[s])
				continue;
			/* Processing with no run alive: the run that had them died
			 * (the next run requeues them). */
			interrupted = s == LT_PROCESSING && st.documents[s] &&
				      run_alive(args->cli->archive) == 0;
			snprintf(label, sizeof(label), "%s:", interrupted ? "interrupted"
				 : lt_doc_state_name((enum lt_doc_state)s));
			printf("%-11s %lld document%s, %lld page%s%s\n", label,
			       (long long)st.documents[s], st.documents[s] == 1 ? "" : "s",
			       (long long)st.pages[s], st.pages[s] == 1 ? "" : "s",
			       interrupted ? " (no run is working on them: the run that had them "
			       "stopped; `luutru run` takes them up again)" : "");
		}
		printf("bundles:    %lld, %s\n", (long long)st.bundles, size);
		if (st.pages_to_review)
			printf("to review:  %lld page%s flagged by OCR (see `luutru review`)\n",
			       (long long)st.pages_to_review, st.pages_to_review == 1 ? "" : "s");
		if (!rc)
			rc = lt_catalog_count_skipped(cat, &skipped, &warnings, &err);
		if (!rc && skipped)
			printf("skipped:    %lld inbox entr%s, %lld with a warning (see `luutru status "
			       "--skipped`)\n", (long long)skipped, skipped == 1 ? "y" : "ies",
			       (long long)warnings);
		if (!rc)
			rc = print_replicas(cat, &err);
		print_plans(plans, n_plans);
		if (!rc && st.documents[LT_FAILED]) {
			printf("failed documents%s:\n", st.documents[LT_FAILED] > FAILED_SHOWN ? " (oldest 20)" : "");
			rc = lt_catalog_each_in_state(cat, LT_FAILED, FAILED_SHOWN, print_failed, NULL, &err);
		}
	}
	lt_plan_statuses_free(plans, n_plans);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "skipped", 0, NULL, "list the inbox entries ingest left out, with their reasons", NULL },
	{ "json", 0, NULL, "the counts as a JSON object {documents, pages (each by state), bundles,\n"
	  "bundle_bytes, pages_to_review, skipped, skipped_warnings, plans}", NULL },
	{ 0 },
};

const struct lt_command lt_cmd_status = {
	.name = "status",
	.summary = "queued, archived and failed documents",
	.usage =
	"usage: luutru status [--archive DIR] [--skipped | --json]\n"
	"\n"
	"Counts queued, processing, archived, failed (and superseded) documents and\n"
	"their pages (processing ones are shown as interrupted when no run holds\n"
	"ARCHIVE/run.lock: the run that had them died or was stopped),\n"
	"the bundles' total size, each replica's last sync and how many bundles it\n"
	"lacks (`luutru replicate`), plans in flight with each shard's progress\n"
	"(`luutru shard`, `luutru merge`), and lists failed documents with their reasons.\n"
	"With --skipped, lists instead every inbox entry the last ingest of its inbox\n"
	"left out: skipped files, folders and links, and rejected documents, each\n"
	"as KIND [warning] PATH: REASON (since FIRST SEEN). KIND is not-a-page,\n"
	"litter, hidden, link, folder, unreadable, young (under --min-age) or\n"
	"rejected; 'warning' marks an entry that may be a page someone expects\n"
	"archived.\n"
	"The counts are kept by the catalog as documents move (no scan of the\n"
	"pages), so status answers at once on an archive of millions of pages.\n",
	.options = options,
	.epilog =
	"Example:\n"
	"  luutru status\n"
	"  luutru status --skipped\n"
	"  luutru status --json\n",
	.access = LT_ACCESS_READ,
	.run = run_status,
};
