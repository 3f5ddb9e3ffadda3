/* cmd_common.c - what every subcommand shares: error printing, exit codes,
 * the common options. */
#include <stdarg.h>
#include <stdio.h>

#include "luutru/cmd.h"

int lt_cmd_exit_code(enum lt_code code)
{
	if (code == LT_OK)
		return LT_EXIT_OK;
	if (code == LT_EUSAGE)
		return LT_EXIT_USAGE;
	if (lt_code_is_fatal(code))
		return LT_EXIT_FATAL;
	return LT_EXIT_PROBLEM;
}

int lt_cmd_fail(const struct lt_err *err)
{
	fprintf(stderr, "error: %s\n", err->msg[0] ? err->msg : lt_code_name(err->code));
	return lt_cmd_exit_code(err->code);
}

int lt_cmd_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n%s", usage);
	return LT_EXIT_USAGE;
}

int lt_cmd_common_option(int opt, const char *arg, const char *usage, struct lt_cli *cli,
			 int *exit_now)
{
	switch (opt) {
	case 'A':
		cli->archive = arg;
		return 1;
	case 'h':
		fputs(usage, stdout);
		*exit_now = LT_EXIT_OK;
		return 1;
	case '?':
		/* getopt_long already said what was wrong. */
		fprintf(stderr, "\n%s", usage);
		*exit_now = LT_EXIT_USAGE;
		return 1;
	default:
		return 0;
	}
}

void lt_format_bytes(unsigned long long bytes, char out[32])
{
	if (bytes < 1000)
		snprintf(out, 32, "%llu bytes", bytes);
	else if (bytes < 1000000)
		snprintf(out, 32, "%.1f kB", bytes / 1e3);
	else if (bytes < 1000000000)
		snprintf(out, 32, "%.1f MB", bytes / 1e6);
	else
		snprintf(out, 32, "%.2f GB", bytes / 1e9);
}
