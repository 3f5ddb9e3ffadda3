/* cmd_args.c - the one command-line parser: every command's options come
 * from its descriptor's table, so --archive, --help, unknown options and
 * missing values are handled here once, with getopt_long's own messages.
 * Also the help texts built from the descriptors and the final check that
 * standard output received everything.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/i18n.h"

/* getopt_long values for long-only options: above any letter. */
#define LONG_ONLY 256
#define OPT_ARCHIVE (LONG_ONLY + LT_CMD_MAX_OPTIONS)

static const struct lt_command *find_in(const struct lt_command *const *table, const char *name)
{
	for (size_t i = 0; table && table[i]; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

const struct lt_command *lt_cmd_find(const struct lt_command *const *table, int n_names,
				     char **names)
{
	const struct lt_command *cmd = NULL;

	for (int i = 0; i < n_names; i++) {
		cmd = find_in(i ? cmd->subs : table, names[i]);
		if (!cmd)
			return NULL;
	}
	return cmd;
}

int lt_cmd_help(const struct lt_command *const *table, int n_names, char **names, FILE *out)
{
	const struct lt_command *cmd = NULL;

	for (int i = 0; i < n_names; i++) {
		const struct lt_command *next = find_in(i ? cmd->subs : table, names[i]);

		if (!next && i == 0) {
			fprintf(stderr, _("error: no command '%s'; `luutru --help` lists them\n"), names[0]);
			return LT_EXIT_USAGE;
		}
		if (!next) {
			fprintf(stderr, cmd->subs ? _("error: %s has no sub-command '%s'; `luutru help %s` lists them\n")
				: _("error: %s has no sub-command '%s'; `luutru help %s` gives its usage\n"),
				cmd->name, names[i], cmd->name);
			return LT_EXIT_USAGE;
		}
		cmd = next;
	}
	if (cmd)
		lt_cmd_print_usage(cmd, out);
	return LT_EXIT_OK;
}

/* "-j, --jobs N" or "    --tessdata DIR" when some option has a letter. */
static void option_left(const struct lt_option *o, int any_letter, char *out, size_t n)
{
	if (o->letter)
		snprintf(out, n, "-%c, --%s%s%s", o->letter, o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else
		snprintf(out, n, "%s--%s%s%s", any_letter ? "    " : "", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
}

void lt_cmd_print_usage(const struct lt_command *cmd, FILE *out)
{
	const struct lt_option *opts = cmd->options;
	int any_letter = 0, listed = 0;

	fputs(_(cmd->usage), out);
	for (size_t i = 0; opts && opts[i].name; i++) {
		any_letter |= opts[i].letter != 0 && opts[i].help;
		listed |= opts[i].help != NULL;
	}
	if (listed)
		fputc('\n', out);
	for (size_t i = 0; listed && opts[i].name; i++) {
		char left[64];

		if (!opts[i].help)
			continue;
		option_left(&opts[i], any_letter, left, sizeof(left));
		fprintf(out, "  %-18s  ", left);
		for (const char *h = _(opts[i].help); *h; h++) {
			fputc(*h, out);
			if (*h == '\n')
				fprintf(out, "%22s", "");
		}
		fputc('\n', out);
	}
	if (cmd->subs) {
		fprintf(out, "\n%s\n", _("Commands:"));
		for (size_t i = 0; cmd->subs[i]; i++)
			fprintf(out, "  %-10s %s\n", cmd->subs[i]->name, _(cmd->subs[i]->summary));
	}
	if (cmd->epilog)
		fprintf(out, "\n%s", _(cmd->epilog));
}

const char *lt_args_get(const struct lt_args *args, const char *name)
{
	const struct lt_option *opts = args->cmd->options;

	for (size_t i = 0; opts && opts[i].name && i < LT_CMD_MAX_OPTIONS; i++)
		if (strcmp(opts[i].name, name) == 0)
			return args->values[i];
	return NULL;
}

int lt_args_all(const struct lt_args *args, const char *name, const char **out, int max)
{
	const struct lt_option *opts = args->cmd->options;
	int n = 0;

	for (int j = 0; j < args->n_all; j++)
		if (strcmp(opts[args->all_options[j]].name, name) == 0) {
			if (n < max)
				out[n] = args->all_values[j];
			n++;
		}
	return n;
}

static int is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int lt_cmd_parse(const struct lt_command *cmd, int argc, char **argv, struct lt_cli *cli,
		 struct lt_args *args)
{
	struct option longs[LT_CMD_MAX_OPTIONS + 3];
	char shorts[2 * LT_CMD_MAX_OPTIONS + 2];
	size_t n = 0, k = 0;
	int opt;

	/* Sub-commands are named before any option: `luutru bag validate PATH`. */
	for (int depth = 0; cmd->subs; depth++) {
		const struct lt_command *sub;

		if (argc < 2)
			return lt_cmd_usage_error(cmd, "%s: which one?", cmd->name);
		if (is_help(argv[1])) {
			lt_cmd_print_usage(cmd, stdout);
			return LT_EXIT_OK;
		}
		sub = find_in(cmd->subs, argv[1]);
		if (!sub || depth >= LT_CMD_MAX_DEPTH)
			return lt_cmd_usage_error(cmd, "%s: no sub-command '%s'", cmd->name, argv[1]);
		cmd = sub;
		argc--;
		argv++;
	}
	if (!cmd->run) {
		fprintf(stderr, _("error: %s: nothing to run (internal)\n"), cmd->name);
		return LT_EXIT_FATAL;
	}
	for (n = 0; cmd->options && cmd->options[n].name; n++) {
		const struct lt_option *o = &cmd->options[n];

		if (n >= LT_CMD_MAX_OPTIONS) {
			fprintf(stderr, _("error: %s: more than %d options (internal)\n"), cmd->name,
				LT_CMD_MAX_OPTIONS);
			return LT_EXIT_FATAL;
		}
		longs[n] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL,
					    o->letter ? o->letter : LONG_ONLY + (int)n };
		if (o->letter) {
			shorts[k++] = (char)o->letter;
			if (o->arg)
				shorts[k++] = ':';
		}
	}
	longs[n] = (struct option){ "archive", required_argument, NULL, OPT_ARCHIVE };
	longs[n + 1] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[n + 2] = (struct option){ 0 };
	shorts[k++] = 'h';
	shorts[k] = '\0';

	memset(args, 0, sizeof(*args));
	args->cmd = cmd;
	args->cli = cli;
	optind = 0; /* glibc: start afresh, also for a second parse in one process */
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		struct lt_err err = { 0 };
		size_t i = 0;

		if (opt == 'h') {
			lt_cmd_print_usage(cmd, stdout);
			return LT_EXIT_OK;
		}
		if (opt == OPT_ARCHIVE) {
			cli->archive = optarg;
			continue;
		}
		if (opt == '?' || opt == ':') {
			/* getopt_long already said what was wrong. */
			fputc('\n', stderr);
			lt_cmd_print_usage(cmd, stderr);
			return LT_EXIT_USAGE;
		}
		if (opt >= LONG_ONLY)
			i = (size_t)(opt - LONG_ONLY);
		else
			while (i < n && cmd->options[i].letter != opt)
				i++;
		if (i >= n)
			return lt_cmd_usage_error(cmd, "%s: unexpected option", cmd->name);
		if (cmd->options[i].check && cmd->options[i].check(cmd->name, optarg, &err) != LT_OK)
			return lt_cmd_usage_error(cmd, "%s", err.msg);
		args->values[i] = cmd->options[i].arg ? optarg : cmd->options[i].name;
		if (args->n_all >= LT_CMD_MAX_VALUES)
			return lt_cmd_usage_error(cmd, "%s: more than %d options", cmd->name,
						  LT_CMD_MAX_VALUES);
		args->all_values[args->n_all] = args->values[i];
		args->all_options[args->n_all++] = (int)i;
	}
	args->argc = argc - optind;
	args->argv = argv + optind;
	if (args->argc < cmd->min_args || (cmd->max_args >= 0 && args->argc > cmd->max_args)) {
		if (cmd->args_error)
			return lt_cmd_usage_error(cmd, "%s: %s", cmd->name, _(cmd->args_error));
		if (args->argc > cmd->max_args)
			return lt_cmd_usage_error(cmd, "%s: unexpected argument '%s'", cmd->name,
						  args->argv[cmd->max_args]);
		return lt_cmd_usage_error(cmd, "%s: missing arguments", cmd->name);
	}
	return -1;
}

int lt_cmd_catalog_mode(enum lt_cmd_access access)
{
	switch (access) {
	case LT_ACCESS_READ:
		return LT_CATALOG_READ;
	case LT_ACCESS_WRITE:
		return LT_CATALOG_WRITE;
	case LT_ACCESS_CREATE:
		return LT_CATALOG_CREATE;
	default:
		return -1;
	}
}

int lt_cmd_execute(const struct lt_command *cmd, int argc, char **argv, struct lt_cli *cli)
{
	struct lt_args args;
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	int rc = lt_cmd_parse(cmd, argc, argv, cli, &args), mode;

	if (rc >= 0)
		return rc;
	/* What --json prints is for programs: its error messages too. */
	if (lt_args_get(&args, "json"))
		lt_i18n_errors_untranslated();
	if (args.cmd->check && args.cmd->check(&args, &err))
		return lt_cmd_fail(&err);
	mode = lt_cmd_catalog_mode(args.cmd->access);
	if (mode >= 0 && lt_catalog_open(cli->archive, (enum lt_catalog_mode)mode, &cat, &err))
		return lt_cmd_fail(&err);
	rc = args.cmd->run(&args, cat);
	lt_catalog_close(cat);
	return rc;
}

int lt_cmd_finish_stdout(int rc)
{
	int cause = 0;

	/* A write error can have happened long before, when a full buffer went
	 * out; ferror remembers it even if this flush has nothing left to say. */
	if (fflush(stdout) != 0)
		cause = errno;
	if (!cause && ferror(stdout))
		cause = EIO;
	if (!cause)
		return rc;
	fprintf(stderr, _("error: cannot write to standard output: %s\n"), strerror(cause));
	return LT_EXIT_FATAL;
}
