/* cmd_merge.c - `luutru merge DIR`: what the shards of a plan did, adopted
 * into the archive (shard.h): each bundle verified, moved in and committed,
 * one document at a time; a bundle that does not verify is refused and its
 * document queued again. Incremental: run it while shards still work. */
#include <jansson.h>
#include <stdio.h>

#include "luutru/cmd.h"
#include "luutru/i18n.h"
#include "luutru/shard.h"

struct ui {
	int json;
	json_t *refused;   /* [{task, id, reason}] */
	json_t *failed;
};

static void merged_one(void *ud, enum lt_merge_outcome what, int task, const char *id,
		       const char *label, const char *why)
{
	struct ui *ui = ud;
	json_t *list = what == LT_MERGE_REFUSED ? ui->refused : what == LT_MERGE_FAILED ? ui->failed : NULL;

	if (list)
		json_array_append_new(list, json_pack("{s:i, s:s, s:s}", "task", task, "id", id,
						      "reason", why));
	if (what == LT_MERGE_REFUSED)
		lt_cmd_printf(stderr, _("error: shard %d: document %s refused, back in the queue: %s\n"),
			      task, id, why);
	if (ui->json)
		return;
	if (what == LT_MERGE_ARCHIVED)
		lt_cmd_printf(stdout, _("merged %s %s (shard %d) -> %s\n"), id, label, task, why);
	else if (what == LT_MERGE_FAILED)
		lt_cmd_printf(stdout, _("failed %s (shard %d): %s\n"), id, task, why);
}

static int run_merge(const struct lt_args *args, struct lt_catalog *cat)
{
	struct ui ui = { .json = lt_args_get(args, "json") != NULL, .refused = json_array(),
			 .failed = json_array() };
	struct lt_merge_report rep;
	struct lt_err err = { 0 };
	int rc = lt_shard_merge(cat, args->cli->archive, args->argv[0], merged_one, &ui, &rep, &err);
	int code = rc ? lt_cmd_exit_code(err.code) : rep.refused ? LT_EXIT_PROBLEM : LT_EXIT_OK;

	if (ui.json) {
		json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:f, s:f, s:O, s:O, s:o}",
				      "plan", args->argv[0], "exit_code", code, "archived", rep.archived,
				      "failed", rep.failed, "refused", rep.refused, "skipped", rep.skipped,
				      "pages", rep.pages, "pending", rep.pending, "closed", rep.closed,
				      "seconds", rep.seconds,
				      "bundles_per_second", rep.seconds > 0 ? rep.archived / rep.seconds : 0.0,
				      "refused_documents", ui.refused, "failed_documents", ui.failed,
				      "error", rc ? json_string(err.msg) : json_null());

		if (o) {
			json_dumpf(o, stdout, JSON_INDENT(2));
			putchar('\n');
		}
		json_decref(o);
	} else if (!rc) {
		char n[8][LT_I18N_NUMBER_MAX];

		printf(_("Merge: %s archived (%s pages), %s failed, %s refused, %s merged before; "
			 "%s leased documents not finished yet; %s s (%s bundles/s).\n"),
		       lt_i18n_count(rep.archived, n[0]), lt_i18n_count(rep.pages, n[1]),
		       lt_i18n_count(rep.failed, n[2]), lt_i18n_count(rep.refused, n[3]),
		       lt_i18n_count(rep.skipped, n[4]), lt_i18n_count(rep.pending, n[5]),
		       lt_i18n_decimal(rep.seconds, 1, n[6]),
		       lt_i18n_decimal(rep.seconds > 0 ? rep.archived / rep.seconds : 0.0, 1, n[7]));
		if (rep.closed)
			printf("%s", _("Every shard is done and merged: the plan is closed.\n"));
		else if (rep.shards_done < rep.tasks)
			printf(ngettext("%d shard of %d has not finished: merge again when it has.\n",
					"%d shards of %d have not finished: merge again when they have.\n",
					(unsigned long)(rep.tasks - rep.shards_done)),
			       rep.tasks - rep.shards_done, rep.tasks);
	}
	json_decref(ui.refused);
	json_decref(ui.failed);
	if (rc)
		lt_cmd_fail(&err);
	return code;
}

static const struct lt_option options[] = {
	{ "json", 0, NULL, N_("print only a JSON summary on stdout"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_merge = {
	.name = "merge",
	.summary = N_("adopt what the shards of a plan did into the archive"),
	.usage =
	N_("usage: luutru merge [--archive DIR] [--json] DIR\n"
	"\n"
	"On the machine that holds the catalog, for each shard DIR/K of a plan made by\n"
	"`luutru shard`, finished or not: each document its journal lists and the\n"
	"catalog has not settled yet is merged. An archived document's bundle is\n"
	"verified (size, digest, every file, the bag, the page texts against the\n"
	"journal), moved into ARCHIVE/bundles/ without replacing anything, and its\n"
	"pages, texts, metadata and events committed in one transaction; a document\n"
	"the shard failed is failed with its reason. A bundle that does not verify is\n"
	"left in the shard and its document goes back to the queue with the reason.\n"
	"Safe to run again at any time (what is merged is skipped) and after a kill.\n"
	"When every shard is DONE and merged, the plan is closed.\n"),
	.options = options,
	.epilog =
	N_("Exit codes: 0 merged (or nothing new); 1 some bundles were refused, or the\n"
	"plan is closed or not this archive's; 3 catalog or disk error (what was\n"
	"merged stays merged: run again).\n"
	"\n"
	"Example:\n"
	"  luutru merge /shared/plan-1\n"),
	.min_args = 1,
	.max_args = 1,
	.args_error = N_("give the plan's folder DIR"),
	.access = LT_ACCESS_WRITE,
	.run = run_merge,
};
