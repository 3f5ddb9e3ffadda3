/* cmd.h - the subcommands: one pipeline/cmd_<name>.c each, listed in main.c.
 *
 * A command gets its own argv (argv[0] is the command name), parses its
 * options with getopt_long, reports each failure on stderr as
 * "error: ...", prints results on stdout, and returns the exit code.
 */
#ifndef LUUTRU_CMD_H
#define LUUTRU_CMD_H

#include <stdio.h>

#include "luutru/err.h"

/* Exit codes, for cron and scripts. */
enum lt_exit {
	LT_EXIT_OK = 0,       /* all good */
	LT_EXIT_PROBLEM = 1,  /* some documents failed, or a check found a problem */
	LT_EXIT_USAGE = 2,    /* bad command line */
	LT_EXIT_FATAL = 3,    /* environment or internal error */
};

struct lt_cli {
	const char *archive;  /* --archive, $LUUTRU_ARCHIVE or ./archive */
};

struct lt_command {
	const char *name;
	int (*run)(int argc, char **argv, struct lt_cli *cli);
	const char *summary;  /* one line for `luutru --help` */
	const char *usage;    /* the full text for `luutru CMD --help` */
};

int cmd_ingest(int argc, char **argv, struct lt_cli *cli);
int cmd_run(int argc, char **argv, struct lt_cli *cli);
int cmd_batch(int argc, char **argv, struct lt_cli *cli);
int cmd_status(int argc, char **argv, struct lt_cli *cli);
int cmd_search(int argc, char **argv, struct lt_cli *cli);
int cmd_show(int argc, char **argv, struct lt_cli *cli);
int cmd_get(int argc, char **argv, struct lt_cli *cli);

extern const char lt_usage_ingest[], lt_usage_run[], lt_usage_batch[], lt_usage_status[],
	lt_usage_search[], lt_usage_show[], lt_usage_get[];

/* The work of `ingest` and `run`, shared with `batch`. Return exit codes. */
int lt_cmd_ingest_inbox(struct lt_cli *cli, const char *inbox_dir, int min_age, int retry);
/* --min-age's value into *min_age; returns -1 if fine, else an exit code. */
int lt_cmd_parse_min_age(const char *arg, const char *usage, int *min_age);
struct lt_run_opts;
int lt_cmd_run_queue(struct lt_cli *cli, struct lt_run_opts *opts);

/* Prints "error: <msg>" on stderr and returns the exit code for err's code. */
int lt_cmd_fail(const struct lt_err *err);

/* Exit code for an error code: usage -> 2, fatal -> 3, else 1. */
int lt_cmd_exit_code(enum lt_code code);

/* Prints "error: <cmd>: <msg>\n<usage>" on stderr; returns LT_EXIT_USAGE. */
int lt_cmd_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The options every command takes: --archive DIR and --help. getopt_long
 * entries to splice into a command's table, and their handling: returns 1 if
 * opt was one of them (and *exit_now set to an exit code for --help). */
#define LT_COMMON_OPTIONS \
	{ "archive", required_argument, NULL, 'A' }, \
	{ "help", no_argument, NULL, 'h' }
int lt_cmd_common_option(int opt, const char *arg, const char *usage, struct lt_cli *cli,
			 int *exit_now);

/* Human-readable byte count ("4.2 MB") into out. */
void lt_format_bytes(unsigned long long bytes, char out[32]);

#endif
