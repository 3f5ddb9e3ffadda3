/* main.c - global options, the command table and dispatch.
 *
 * main() holds only the list of commands: each descriptor (cmd.h) says
 * what it needs, lt_cmd_parse() reads its command line, and the catalog is
 * opened here as it asks.
 *
 * Also makes sure Tesseract's OpenMP runs one thread per worker: libgomp reads
 * OMP_THREAD_LIMIT when the library loads, before main(), so setting it here
 * is too late for this process; a command that recognises sets it and
 * re-executes itself once (only those: a search would pay a second start-up
 * for nothing). Those also get a heap that keeps what recognition frees
 * (tess_runtime.h).
 */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/cmd_doc.h"
#include "luutru/i18n.h"
#include "luutru/tess_runtime.h"
#include "luutru/version.h"

/* The commands, in the order `luutru --help` lists them. */
static const struct lt_command *const commands[] = {
	&lt_cmd_ingest, &lt_cmd_run, &lt_cmd_batch, &lt_cmd_status, &lt_cmd_search, &lt_cmd_show,
	&lt_cmd_get, &lt_cmd_meta, &lt_cmd_reocr, &lt_cmd_review, &lt_cmd_verify, &lt_cmd_replicate,
	&lt_cmd_rebuild, &lt_cmd_bag, &lt_cmd_serve,
	&lt_cmd_shard, &lt_cmd_merge,
	&lt_cmd_slurm,
	NULL,
};

/* What `luutru --help` and luutru(1) say about the program as a whole. */
static const struct lt_option global_options[] = {
	{ "archive", 0, "DIR", N_("the archive (default: $LUUTRU_ARCHIVE, else ./archive)"), NULL },
	{ "help", 0, NULL, N_("this text; `luutru COMMAND --help` or `luutru help COMMAND` for one command"),
	  NULL },
	{ "version", 0, NULL, N_("the version"), NULL },
	{ 0 },
};

static const struct lt_program_doc program = {
	.summary = N_("turn scanned paper records into verifiable archival bundles"),
	.synopsis = N_("usage: luutru [--archive DIR] COMMAND [ARGS]\n"),
	.description =
	N_("luutru turns scanned paper records into verifiable archival bundles (BagIt in\n"
	"tar), with Tesseract OCR (Vietnamese and English), catalogued in SQLite and\n"
	"searchable by their full text.\n"),
	.options = global_options,
	.exit_status =
	N_("Exit codes: 0 all good; 1 some documents failed, a file was rejected, a run\n"
	"was interrupted, nothing matched, or there is no such document or catalog;\n"
	"2 usage error; 3 environment or internal error (catalog, disk, inbox, OCR\n"
	"language data, another run on the archive, standard output that cannot be\n"
	"written).\n"),
};

static void print_help(FILE *out)
{
	int width = 0, opt_width = 0;

	fprintf(out, "%s\n%s\n%s\n", _(program.synopsis), _(program.description), _("Commands:"));
	for (size_t i = 0; commands[i]; i++)
		if ((int)strlen(commands[i]->name) > width)
			width = (int)strlen(commands[i]->name);
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-*s %s\n", width, commands[i]->name, _(commands[i]->summary));
	for (size_t i = 0; global_options[i].name; i++) {
		const struct lt_option *o = &global_options[i];
		int w = 2 + (int)strlen(o->name) + (o->arg ? 1 + (int)strlen(o->arg) : 0);

		opt_width = w > opt_width ? w : opt_width;
	}
	fprintf(out, "\n%s\n", _("Options:"));
	for (size_t i = 0; global_options[i].name; i++) {
		const struct lt_option *o = &global_options[i];
		int w = fprintf(out, "  --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");

		fprintf(out, "%*s%s\n", opt_width + 4 - w, "", _(o->help));
	}
	fprintf(out, "\n%s", _(program.exit_status));
}

static void limit_openmp(char **argv)
{
	if (getenv("OMP_THREAD_LIMIT"))
		return;
	if (setenv("OMP_THREAD_LIMIT", "1", 1) != 0)
		return;
	execv("/proc/self/exe", argv);
	/* Still here: carry on; OCR is slower with OpenMP on, but correct. */
	fprintf(stderr, _("warning: cannot re-execute to limit OpenMP threads (%s); "
		"set OMP_THREAD_LIMIT=1 for full speed\n"), strerror(errno));
}

static int dispatch(int argc, char **argv, struct lt_cli *cli)
{
	const struct lt_command *cmd;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return LT_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("luutru %s\n", LT_VERSION);
			return LT_EXIT_OK;
		} else if (strcmp(argv[i], "--archive") == 0 && i + 1 < argc) {
			cli->archive = argv[++i];
		} else if (strncmp(argv[i], "--archive=", 10) == 0) {
			cli->archive = argv[i] + 10;
		} else {
			fprintf(stderr, _("error: unknown option '%s'\n\n"), argv[i]);
			print_help(stderr);
			return LT_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return LT_EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		/* Hidden: man pages, completion and its ids (cmd_doc.h). */
		int rc = lt_cmd_doc(&program, commands, cli, argc - i - 1, argv + i + 1);

		if (rc >= 0)
			return rc;
		if (i + 1 >= argc) {
			print_help(stdout);
			return LT_EXIT_OK;
		}
		return lt_cmd_help(commands, argc - i - 1, argv + i + 1, stdout);
	}
	cmd = lt_cmd_find(commands, 1, argv + i);
	if (!cmd) {
		fprintf(stderr, _("error: no command '%s'\n\n"), argv[i]);
		print_help(stderr);
		return LT_EXIT_USAGE;
	}
	if (cmd->recognises) {
		limit_openmp(argv);
		lt_tess_runtime_keep_heap(); /* refused: slower, not wrong */
	}
	return lt_cmd_execute(cmd, argc - i, argv + i, cli);
}

int main(int argc, char **argv)
{
	struct lt_cli cli = { 0 };

	lt_i18n_init(argv[0]);
	/* Leptonica would print its own messages; ours name the file and reason. */
	setMsgSeverity(L_SEVERITY_NONE);
	cli.archive = getenv("LUUTRU_ARCHIVE");
	if (!cli.archive || !*cli.archive)
		cli.archive = "archive";
	/* Results that never reached stdout (a full disk, a closed pipe) are a
	 * failure, whatever the command thought. */
	return lt_cmd_finish_stdout(dispatch(argc, argv, &cli));
}
