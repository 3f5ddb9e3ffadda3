/* main.c - global options, the command table and dispatch.
 *
 * Also makes sure Tesseract's OpenMP runs one thread per worker: libgomp reads
 * OMP_THREAD_LIMIT when the library loads, before main(), so setting it here
 * is too late for this process; we set it and re-execute ourselves once.
 */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/cmd.h"
#include "luutru/version.h"

static const struct lt_command commands[] = {
	{ "ingest", cmd_ingest, "queue the documents of an inbox folder (idempotent)", lt_usage_ingest },
	{ "run",    cmd_run,    "OCR, package and catalog the queued documents", lt_usage_run },
	{ "batch",  cmd_batch,  "ingest an inbox, then run: one command for cron", lt_usage_batch },
	{ "status", cmd_status, "queued, archived and failed documents", lt_usage_status },
	{ "search", cmd_search, "full-text search, with or without diacritics", lt_usage_search },
	{ "show",   cmd_show,   "a document's pages, bundle and history", lt_usage_show },
	{ "get",    cmd_get,    "write a document's bundle out of the archive", lt_usage_get },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: luutru [--archive DIR] COMMAND [ARGS]\n"
		"\n"
		"luutru turns scanned paper records into verifiable archival bundles (BagIt in\n"
		"tar), with Tesseract OCR (Vietnamese and English), catalogued in SQLite and\n"
		"searchable by their full text.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  --archive DIR  the archive (default: $LUUTRU_ARCHIVE, else ./archive)\n"
		"  --help         this text; `luutru COMMAND --help` or `luutru help COMMAND` for one command\n"
		"  --version      the version\n"
		"\n"
		"Exit codes: 0 all good; 1 some documents failed, a file was rejected, a run\n"
		"was interrupted, nothing matched, or there is no such document or catalog;\n"
		"2 usage error; 3 environment or internal error (catalog, disk, inbox, OCR\n"
		"language data, another run on the archive).\n");
}

static const struct lt_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void limit_openmp(char **argv)
{
	if (getenv("OMP_THREAD_LIMIT"))
		return;
	if (setenv("OMP_THREAD_LIMIT", "1", 1) != 0)
		return;
	execv("/proc/self/exe", argv);
	/* Still here: carry on; OCR is slower with OpenMP on, but correct. */
	fprintf(stderr, "warning: cannot re-execute to limit OpenMP threads (%s); "
		"set OMP_THREAD_LIMIT=1 for full speed\n", strerror(errno));
}

int main(int argc, char **argv)
{
	struct lt_cli cli = { 0 };
	const struct lt_command *cmd;
	int i = 1;

	limit_openmp(argv);
	/* Leptonica would print its own messages; ours name the file and reason. */
	setMsgSeverity(L_SEVERITY_NONE);
	cli.archive = getenv("LUUTRU_ARCHIVE");
	if (!cli.archive || !*cli.archive)
		cli.archive = "archive";

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return LT_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("luutru %s\n", LT_VERSION);
			return LT_EXIT_OK;
		} else if (strcmp(argv[i], "--archive") == 0 && i + 1 < argc) {
			cli.archive = argv[++i];
		} else if (strncmp(argv[i], "--archive=", 10) == 0) {
			cli.archive = argv[i] + 10;
		} else {
			fprintf(stderr, "error: unknown option '%s'\n\n", argv[i]);
			print_help(stderr);
			return LT_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return LT_EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 >= argc) {
			print_help(stdout);
			return LT_EXIT_OK;
		}
		cmd = find_command(argv[i + 1]);
		if (!cmd) {
			fprintf(stderr, "error: no command '%s'; `luutru --help` lists them\n", argv[i + 1]);
			return LT_EXIT_USAGE;
		}
		fputs(cmd->usage, stdout);
		return LT_EXIT_OK;
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		fprintf(stderr, "error: no command '%s'\n\n", argv[i]);
		print_help(stderr);
		return LT_EXIT_USAGE;
	}
	return cmd->run(argc - i, argv + i, &cli);
}
