/* cmd_common.c - what every subcommand shares: error printing, exit codes,
 * checks of option values more than one command takes. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdlib.h>

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

int lt_cmd_usage_error(const struct lt_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	lt_cmd_print_usage(cmd, stderr);
	return LT_EXIT_USAGE;
}

int lt_cmd_check_min_age(const char *cmd, const char *value, struct lt_err *err)
{
	char *end;
	long v = strtol(value, &end, 10);

	(void)cmd;
	if (*end || v < 0 || v > 30 * 24 * 3600)
		return lt_err_set(err, LT_EUSAGE, "--min-age wants seconds (0 to 2592000), not '%s'",
				  value);
	return LT_OK;
}

int lt_cmd_int_in(const char *value, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (end == value || *end || errno || v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

int lt_cmd_check_limit(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 1000000000, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --limit wants a positive number, not '%s'", cmd,
				  value);
	return LT_OK;
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
