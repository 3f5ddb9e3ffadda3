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
/* The labels' column: "processing: " and its translations. */
#define LABEL_WIDTH 12

/* A state as status labels it for people (lt_doc_state_name is for programs). */
static const char *state_label(int state)
{
	switch ((enum lt_doc_state)state) {
	case LT_QUEUED: return _("queued:");
	case LT_PROCESSING: return _("processing:");
	case LT_ARCHIVED: return _("archived:");
	case LT_FAILED: return _("failed:");
	case LT_SUPERSEDED: return _("superseded:");
	default: break;
	}
	return lt_doc_state_name((enum lt_doc_state)state);
}

static void print_failed(void *ud, const char *id, const char *label, const char *failure, int pages)
{
	(void)ud;
	lt_cmd_printf(stdout, ngettext("  %s %s (%d page): %s\n", "  %s %s (%d pages): %s\n",
				       (unsigned long)pages), id, label, pages, failure);
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
	printf("%s\n", _("replicas:"));
	for (size_t i = 0; i < n; i++) {
		const struct lt_replica *r = &reps[i];

		lt_cmd_printf(stdout, "  %s: ", r->path);
		char num[LT_I18N_NUMBER_MAX];

		if (r->last_sync[0])
			printf(_("last sync %s (%s copied"), r->last_sync, lt_i18n_count(r->copied, num));
		else
			printf("%s", _("no sync finished yet ("));
		if (r->problems)
			printf(ngettext(", %s problem", ", %s problems", (unsigned long)r->problems),
			       lt_i18n_count(r->problems, num));
		if (r->behind)
			printf(ngettext("), %s bundle behind\n", "), %s bundles behind\n",
					(unsigned long)r->behind), lt_i18n_count(r->behind, num));
		else
			printf("%s", _("), up to date\n"));
	}
	lt_replicas_free(reps, n);
	return LT_OK;
}

static void print_skipped(void *ud, const struct lt_skipped *s)
{
	(void)ud;
	/* The kind stays as written (not-a-page, ...): `status --help` explains it. */
	printf(_("  %s%s %s: %s (since %s)\n"), s->kind, s->warning ? _(" warning") : "", s->path,
	       s->reason, s->first_seen);
}

static int run_skipped(struct lt_catalog *cat)
{
	struct lt_err err = { 0 };
	int64_t total = 0, warnings = 0;
	int rc = lt_catalog_count_skipped(cat, &total, &warnings, &err);

	char n_total[LT_I18N_NUMBER_MAX], n_warnings[LT_I18N_NUMBER_MAX];

	if (!rc && !total)
		printf("%s", _("skipped: nothing (as of each inbox's last ingest)\n"));
	else if (!rc)
		printf(ngettext("skipped: %s inbox entry, %s with a warning (as of each inbox's last "
				"ingest):\n",
				"skipped: %s inbox entries, %s with a warning (as of each inbox's last "
				"ingest):\n", (unsigned long)total),
		       lt_i18n_count(total, n_total), lt_i18n_count(warnings, n_warnings));
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

			char n_docs[LT_I18N_NUMBER_MAX], n_pages[LT_I18N_NUMBER_MAX], n_merged[LT_I18N_NUMBER_MAX],
			     n_failed[LT_I18N_NUMBER_MAX], n_refused[LT_I18N_NUMBER_MAX],
			     n_leased[LT_I18N_NUMBER_MAX];

			/* TRANSLATORS: the plural follows the number of documents; the
			 * last %s is " (DONE)" or nothing. */
			printf(ngettext("  shard %d: %s document, %s pages: %s merged, %s failed, "
					"%s refused, %s leased%s\n",
					"  shard %d: %s documents, %s pages: %s merged, %s failed, "
					"%s refused, %s leased%s\n", (unsigned long)g->documents),
			       g->task, lt_i18n_count(g->documents, n_docs), lt_i18n_count(g->pages, n_pages),
			       lt_i18n_count(g->merged, n_merged), lt_i18n_count(g->failed, n_failed),
			       lt_i18n_count(g->refused, n_refused), lt_i18n_count(g->leased, n_leased),
			       g->done ? _(" (DONE)") : "");
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
		char n1[LT_I18N_NUMBER_MAX], n2[LT_I18N_NUMBER_MAX];

		lt_format_bytes((unsigned long long)st.bundle_bytes, size);
		lt_cmd_label(stdout, _("archive:"), LABEL_WIDTH);
		lt_cmd_printf(stdout, "%s\n", args->cli->archive);
		for (int s = 0; s < LT_N_STATES; s++) {
			int interrupted;

			if (s == LT_SUPERSEDED && !st.documents[s])
				continue;
			/* Processing with no run alive: the run that had them died
			 * (the next run requeues them). */
			interrupted = s == LT_PROCESSING && st.documents[s] &&
				      run_alive(args->cli->archive) == 0;
			lt_cmd_label(stdout, interrupted ? _("interrupted:") : state_label(s), LABEL_WIDTH);
			/* TRANSLATORS: "N documents, " then "M pages" on one line. */
			printf(ngettext("%s document, ", "%s documents, ", (unsigned long)st.documents[s]),
			       lt_i18n_count(st.documents[s], n1));
			printf(ngettext("%s page", "%s pages", (unsigned long)st.pages[s]),
			       lt_i18n_count(st.pages[s], n2));
			printf("%s\n", interrupted ? _(" (no run is working on them: the run that had them "
						       "stopped; `luutru run` takes them up again)") : "");
		}
		lt_cmd_label(stdout, _("bundles:"), LABEL_WIDTH);
		printf("%s, %s\n", lt_i18n_count(st.bundles, n1), size);
		if (st.pages_to_review) {
			lt_cmd_label(stdout, _("to review:"), LABEL_WIDTH);
			printf(ngettext("%s page flagged by OCR (see `luutru review`)\n",
					"%s pages flagged by OCR (see `luutru review`)\n",
					(unsigned long)st.pages_to_review),
			       lt_i18n_count(st.pages_to_review, n1));
		}
		if (!rc)
			rc = lt_catalog_count_skipped(cat, &skipped, &warnings, &err);
		if (!rc && skipped) {
			lt_cmd_label(stdout, _("skipped:"), LABEL_WIDTH);
			printf(ngettext("%s inbox entry, %s with a warning (see `luutru status --skipped`)\n",
					"%s inbox entries, %s with a warning (see `luutru status --skipped`)\n",
					(unsigned long)skipped),
			       lt_i18n_count(skipped, n1), lt_i18n_count(warnings, n2));
		}
		if (!rc)
			rc = print_replicas(cat, &err);
		print_plans(plans, n_plans);
		if (!rc && st.documents[LT_FAILED]) {
			printf("%s\n", st.documents[LT_FAILED] > FAILED_SHOWN ? _("failed documents (oldest 20):")
			       : _("failed documents:"));
			rc = lt_catalog_each_in_state(cat, LT_FAILED, FAILED_SHOWN, print_failed, NULL, &err);
		}
	}
	lt_plan_statuses_free(plans, n_plans);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "skipped", 0, NULL, N_("list the inbox entries ingest left out, with their reasons"), NULL },
	{ "json", 0, NULL, N_("the counts as a JSON object {documents, pages (each by state), bundles,\n"
	  "bundle_bytes, pages_to_review, skipped, skipped_warnings, plans}"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_status = {
	.name = "status",
	.summary = N_("queued, archived and failed documents"),
	.usage =
	N_("usage: luutru status [--archive DIR] [--skipped | --json]\n"
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
	"pages), so status answers at once on an archive of millions of pages.\n"),
	.options = options,
	.epilog =
	N_("Example:\n"
	"  luutru status\n"
	"  luutru status --skipped\n"
	"  luutru status --json\n"),
	.access = LT_ACCESS_READ,
	.run = run_status,
};
