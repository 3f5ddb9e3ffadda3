/* cmd_rebuild.c - `luutru rebuild-catalog [--from DIR]`: a new catalog from
 * the bundles alone (rebuild.h), each bundle left out reported on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "luutru/cmd.h"
#include "luutru/rebuild.h"

struct ui {
	int tty;
};

static void left_out(void *ud, const char *bundle, const char *why)
{
	struct ui *ui = ud;

	if (ui->tty)
		fprintf(stderr, "\r\033[K");
	printf(_("left out: %s: %s\n"), bundle, why);
}

static void progress(void *ud, size_t done, size_t total)
{
	struct ui *ui = ud;

	if (ui->tty) {
		fputc('\r', stderr);
		fprintf(stderr, _("reading bundles: %zu/%zu"), done, total);
	}
}

static int run_rebuild(const struct lt_args *args, struct lt_catalog *cat)
{
	struct ui ui = { .tty = isatty(STDERR_FILENO) };
	struct lt_rebuild_opts opts = { .from = lt_args_get(args, "from"), .left_out = left_out,
					.progress = progress, .ud = &ui };
	struct lt_rebuild_stats st;
	struct lt_err err = { 0 };
	char *old = NULL;
	int rc;

	(void)cat;
	rc = lt_rebuild_catalog(args->cli->archive, &opts, &st, &old, &err);
	if (ui.tty && st.bundles_found)
		fprintf(stderr, "\r\033[K");
	if (rc) {
		free(old);
		return lt_cmd_fail(&err);
	}
	lt_cmd_label(stdout, _("rebuilt:"), 12);
	printf(ngettext("%s/catalog.sqlite: %zu document, ", "%s/catalog.sqlite: %zu documents, ",
			(unsigned long)st.documents), args->cli->archive, st.documents);
	printf(ngettext("%zu page, ", "%zu pages, ", (unsigned long)st.pages), st.pages);
	printf(ngettext("from %zu of %zu bundle\n", "from %zu of %zu bundles\n",
			(unsigned long)st.bundles_found), st.bundles_used, st.bundles_found);
	if (old)
		printf(_("old catalog kept as %s\n"), old);
	if (st.bundles_left_out) {
		lt_cmd_label(stdout, _("left out:"), 12);
		printf(ngettext("%zu bundle (see above): their documents are not in the catalog "
				"unless another version of them is\n",
				"%zu bundles (see above): their documents are not in the catalog "
				"unless another version of them is\n", (unsigned long)st.bundles_left_out),
		       st.bundles_left_out);
	}
	free(old);
	return st.bundles_left_out ? LT_EXIT_PROBLEM : LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "from", 'f', "DIR", N_("read the bundles under DIR (e.g. a replica's bundles/)\n"
	  "instead of ARCHIVE/bundles"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_rebuild = {
	.name = "rebuild-catalog",
	.summary = N_("a new catalog made from the bundles alone"),
	.usage =
	N_("usage: luutru rebuild-catalog [--archive DIR] [--from DIR]\n"
	"\n"
	"Builds a new catalog from the bundles (every <id>.tar and <id>.vN.tar under\n"
	"ARCHIVE/bundles, or under --from DIR): each bundle is checked whole (every\n"
	"digest, Payload-Oxum, nothing missing or extra) and one that fails is\n"
	"reported and left out. Each document's newest sound bundle gives its pages,\n"
	"texts and history (data/metadata/descriptive/metadata.json). The catalog is\n"
	"built in ARCHIVE/catalog.sqlite.rebuild/ and swapped in only when complete;\n"
	"the old one is kept as catalog.sqlite.old-<time>, never written.\n"
	"\n"
	"What the bundles cannot give back: queued, failed and superseded documents\n"
	"(they have no bundle; ingest their scans again), ingest batches, and events\n"
	"after packaging other than the commit (fixity checks); the \"packaged\" and\n"
	"\"archived\" events are made again from the bundle, with the rebuild's time\n"
	"for \"archived\".\n"),
	.options = options,
	.epilog =
	N_("Exit codes: 0 rebuilt from every bundle; 1 rebuilt, but some bundles were\n"
	"left out (listed), or no bundle found (nothing changed); 3 nothing changed\n"
	"(a run in progress, a disk or catalog error).\n"
	"\n"
	"Example:\n"
	"  luutru rebuild-catalog\n"),
	.min_args = 0,
	.max_args = 0,
	.access = LT_ACCESS_NONE,
	.run = run_rebuild,
};
