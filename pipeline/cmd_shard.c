/* cmd_shard.c - `luutru shard --tasks N --out DIR`: the queue leased into N
 * shards of a plan folder for other machines (shard.h); `shard --cancel
 * DIR`: the plan's unmerged documents back to the queue. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/cmd.h"
#include "luutru/config.h"
#include "luutru/fsutil.h"
#include "luutru/i18n.h"
#include "luutru/shard.h"

static int check_tasks(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, LT_SHARD_MAX_TASKS, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --tasks wants a number of shards from 1 to %d, "
				  "not '%s'", cmd, LT_SHARD_MAX_TASKS, value);
	return LT_OK;
}

static int print_plan_json(const struct lt_plan *plan)
{
	char *path = NULL;
	json_t *j = NULL;
	int rc;

	if (lt_path(&path, NULL, "%s/%s", plan->dir, LT_SHARD_PLAN_FILE) != LT_OK)
		return LT_EXIT_FATAL;
	j = json_load_file(path, 0, NULL);
	free(path);
	if (!j)
		return LT_EXIT_FATAL;
	rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (rc == 0)
		rc = fputc('\n', stdout) == EOF;
	return rc ? LT_EXIT_FATAL : LT_EXIT_OK;
}

static int run_cancel(const struct lt_args *args, struct lt_catalog *cat, const char *dir)
{
	struct lt_err err = { 0 };
	int returned = 0, rc = lt_shard_cancel(cat, dir, &returned, &err);

	if (rc)
		return lt_cmd_fail(&err);
	(void)args;
	char n_returned[LT_I18N_NUMBER_MAX];

	lt_cmd_printf(stdout, ngettext("plan %s cancelled: %s document back in the queue\n",
				       "plan %s cancelled: %s documents back in the queue\n",
				       (unsigned long)returned), dir, lt_i18n_count(returned, n_returned));
	return LT_EXIT_OK;
}

static int run_shard(const struct lt_args *args, struct lt_catalog *cat)
{
	const char *tasks = lt_args_get(args, "tasks"), *out = lt_args_get(args, "out");
	const char *cancel = lt_args_get(args, "cancel");
	struct lt_config config = LT_CONFIG_INIT;
	struct lt_shard_opts opts = { .archive = args->cli->archive };
	struct lt_plan plan;
	struct lt_err err = { 0 };
	int rc;

	if (cancel && (tasks || out))
		return lt_cmd_usage_error(args->cmd, _("--cancel DIR takes no --tasks or --out"));
	if (cancel)
		return run_cancel(args, cat, cancel);
	if (!tasks || !out)
		return lt_cmd_usage_error(args->cmd, _("give --tasks N and --out DIR (or --cancel DIR)"));
	opts.tasks = (int)strtol(tasks, NULL, 10);
	opts.dir = out;
	/* The nodes have no luutru.conf: the organization travels in the work lists. */
	if (lt_config_load(args->cli->archive, &config, &err) != LT_OK) {
		lt_cmd_fail(&err);
		return LT_EXIT_FATAL;
	}
	opts.organization = lt_args_get(args, "organization");
	if (!opts.organization)
		opts.organization = lt_config_get(&config, "organization");
	rc = lt_shard_plan(cat, &opts, &plan, &err);
	lt_config_release(&config);
	if (rc)
		return lt_cmd_fail(&err);
	if (lt_args_get(args, "json"))
		rc = print_plan_json(&plan);
	else {
		int64_t pages = 0;
		int docs = 0;

		for (int k = 0; k < plan.tasks; k++) {
			docs += plan.shards[k].documents;
			pages += plan.shards[k].pages;
		}
		char n_docs[LT_I18N_NUMBER_MAX], n_pages[LT_I18N_NUMBER_MAX];

		/* TRANSLATORS: the plural follows the number of documents. */
		lt_cmd_printf(stdout, ngettext("plan %s: %s document (%s pages) leased into %d shards in %s\n",
					       "plan %s: %s documents (%s pages) leased into %d shards in %s\n",
					       (unsigned long)docs),
			      plan.id, lt_i18n_count(docs, n_docs), lt_i18n_count(pages, n_pages),
			      plan.tasks, plan.dir);
		for (int k = 0; k < plan.tasks; k++)
			/* TRANSLATORS: the plural follows the number of documents. */
			printf(ngettext("  shard %d: %s document, %s pages\n",
					"  shard %d: %s documents, %s pages\n",
					(unsigned long)plan.shards[k].documents),
			       k, lt_i18n_count(plan.shards[k].documents, n_docs),
			       lt_i18n_count(plan.shards[k].pages, n_pages));
		lt_cmd_printf(stdout, _("Run each shard on any node: luutru run --shard %s/K; then: "
					"luutru merge %s\n"), plan.dir, plan.dir);
		rc = LT_EXIT_OK;
	}
	lt_plan_release(&plan);
	return rc;
}

static int check_organization(const char *cmd, const char *value, struct lt_err *err)
{
	if (!*value || strchr(value, '\n') || strchr(value, '\r'))
		return lt_err_set(err, LT_EUSAGE, "%s: --organization must be a name on one line", cmd);
	return LT_OK;
}

static const struct lt_option options[] = {
	{ "tasks", 'n', "N", N_("how many shards (one per Slurm array task or node)"), check_tasks },
	{ "out", 'o', "DIR", N_("the plan folder, on storage every node sees (created if missing)"), NULL },
	{ "cancel", 0, "DIR", N_("give the plan's documents not merged yet back to the queue and\n"
	  "close the plan"), NULL },
	{ "organization", 0, "NAME", N_("the archive named in every bundle (default: the\n"
	  "'organization = ...' line of ARCHIVE/luutru.conf)"), check_organization },
	{ "json", 0, NULL, N_("print plan.json on stdout"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_shard = {
	.name = "shard",
	.summary = N_("lease the queue into N shards for other machines (a cluster)"),
	.usage =
	N_("usage: luutru shard [--archive DIR] --tasks N --out DIR [--json]\n"
	"       luutru shard [--archive DIR] --cancel DIR\n"
	"\n"
	"On the machine that holds the catalog: leases every queued document into N\n"
	"shards balanced by page count (the longest first into the lightest shard)\n"
	"and writes DIR/plan.json and, per shard K (0 to N-1), DIR/K/worklist.json:\n"
	"everything `luutru run --shard DIR/K` needs on a node without the catalog\n"
	"(document ids, absolute scan paths, digests, metadata). Leased documents\n"
	"stay queued but a local `run` does not take them; `luutru merge DIR` adopts\n"
	"what the shards did, and `--cancel DIR` gives back what is not merged.\n"),
	.options = options,
	.epilog =
	N_("Exit codes: 0 planned (or cancelled); 1 nothing queued to plan (nothing is\n"
	"created), a folder that holds a plan already, or an unknown plan; 2 usage;\n"
	"3 catalog or disk error (nothing is leased).\n"
	"\n"
	"Example:\n"
	"  luutru shard --tasks 3 --out /shared/plan-1\n"
	"  parallel -S node1,node2 luutru run --shard /shared/plan-1/{} ::: 0 1 2\n"
	"  luutru merge /shared/plan-1\n"),
	.min_args = 0,
	.max_args = 0,
	.access = LT_ACCESS_WRITE,
	.run = run_shard,
};
