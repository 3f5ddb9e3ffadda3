/* cmd_doc.h - documentation generated from the command descriptors (cmd.h):
 * the man pages (roff) and the bash completion script. They are written at
 * build time by the hidden `luutru help --man [CMD]` and `luutru help
 * --completion` (Makefile target `man`), so they cannot drift from --help.
 *
 * All functions write to `out` and leave checking the stream to the caller
 * (main.c checks stdout at exit). Nothing is allocated beyond the call.
 */
#ifndef LUUTRU_CMD_DOC_H
#define LUUTRU_CMD_DOC_H

#include <stdio.h>

#include "luutru/cmd.h"

/* What luutru(1) says besides the list of commands; main.c's --help prints
 * the same strings. All borrowed. */
struct lt_program_doc {
	const char *summary;            /* one line, for NAME */
	const char *synopsis;           /* "luutru [--archive DIR] COMMAND [ARGS]" */
	const char *description;        /* paragraphs split by blank lines */
	const struct lt_option *options; /* the global options, NULL-name terminated */
	const char *exit_status;        /* paragraph(s) */
};

/* Writes s as roff text: backslashes, hyphens and a leading '.' or '\''
 * escaped, every non-ASCII character as \[uXXXX] (so the page reads the
 * same whatever groff's input encoding), a byte that is not valid UTF-8 as
 * '?'. Writes at most len bytes of s. */
void lt_roff_put(FILE *out, const char *s, size_t len);

/* luutru(1): the program, its global options and every command of table
 * (NULL-terminated), each pointing to its luutru-CMD(1). */
void lt_man_program(const struct lt_program_doc *prog, const struct lt_command *const *table,
		    FILE *out);

/* luutru-CMD(1) for one top-level command: synopsis and description from its
 * usage, every listed option (and --archive, --help), its sub-commands with
 * theirs, and its epilog (examples under EXAMPLES). */
void lt_man_command(const struct lt_command *cmd, FILE *out);

/* A bash completion script for luutru: commands, sub-commands, each
 * command's options, option values (files, folders, the choices of an
 * option whose value is written "a|b") and, for a command whose synopsis
 * takes DOC, the archived documents' ids (from `luutru help --ids`). */
void lt_completion_bash(const struct lt_command *const *table, FILE *out);

/* The hidden doc requests of `luutru help ARGS` (argv[0] is the first word
 * after "help"): --man [CMD], --completion, --commands (names, one a line),
 * --ids (the archived documents of cli->archive, one a line; nothing and
 * exit 0 without a catalog, since completion must stay quiet).
 * Returns: -1 when argv is not such a request (the caller prints help),
 * else the exit code. */
int lt_cmd_doc(const struct lt_program_doc *prog, const struct lt_command *const *table,
	       const struct lt_cli *cli, int argc, char **argv);

#endif
