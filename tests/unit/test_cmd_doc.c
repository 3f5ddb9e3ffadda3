/* test_cmd_doc.c - unit tests for cmd_doc.h: roff escaping (control lines,
 * backslashes, hyphens, Vietnamese as \[uXXXX], broken UTF-8), a command's
 * man page from a descriptor with sub-commands, and the completion arms a
 * descriptor gives (option values, positional documents and folders). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/cmd_doc.h"

/* What fn wrote, as a NUL-terminated string the caller frees. */
struct capture {
	char *text;
	size_t len;
	FILE *out;
};

static void capture_open(struct capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->out = open_memstream(&c->text, &c->len);
	assert_non_null(c->out);
}

static char *capture_close(struct capture *c)
{
	assert_int_equal(fclose(c->out), 0);
	return c->text;
}

static char *roff_of(const char *s, size_t len)
{
	struct capture c;

	capture_open(&c);
	lt_roff_put(c.out, s, len);
	return capture_close(&c);
}

static void test_roff_escapes(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "--jobs N", "\\-\\-jobs N" },
		{ "a\\b", "a\\eb" },
		{ ".TH evil", "\\&.TH evil" },
		{ "'quoted", "\\&'quoted" },
		{ "one\n.two", "one\n\\&.two" },
		{ "mid. dot", "mid. dot" },
		{ "thư mục", "th\\[u01B0] m\\[u1EE5]c" },
		{ "Đà Nẵng", "\\[u0110]\\[u00E0] N\\[u1EB5]ng" },
		{ "emoji \xF0\x9F\x93\x84", "emoji \\[u1F4C4]" },
		{ "bad \xC3 byte", "bad ? byte" },
		{ "overlong \xC0\xAF", "overlong ??" },
		{ "surrogate \xED\xA0\x80", "surrogate ???" },
		{ "tab\there", "tab here" },
		{ "bell\a", "bell?" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = roff_of(cases[i].in, strlen(cases[i].in));

		if (strcmp(got, cases[i].out) != 0)
			fail_msg("case %zu: '%s' gave '%s', expected '%s'", i, cases[i].in, got,
				 cases[i].out);
		free(got);
	}
}

static void test_roff_len_stops_inside(void **state)
{
	/* A length that ends inside a character writes '?' for its start, never
	 * reads past len. */
	char *got = roff_of("ab\xE1\xBB\xA5", 4);

	(void)state;
	assert_string_equal(got, "ab??");
	free(got);
}

static const struct lt_option sub_opts[] = {
	{ "strict", 0, NULL, "refuse what is merely odd", NULL },
	{ 0 },
};
static const struct lt_command sub = {
	.name = "check",
	.summary = "check one thing",
	.usage = "usage: luutru thing check [--strict] PATH...\n\nChecks each PATH.\n",
	.options = sub_opts,
	.min_args = 1,
	.max_args = -1,
};
static const struct lt_command *const subs[] = { &sub, NULL };
static const struct lt_option thing_opts[] = {
	{ "jobs", 'j', "N", "workers\n(default: one per core)", NULL },
	{ "format", 0, "tar|bag", "what to write", NULL },
	{ "out", 'o', "PATH", "where to write", NULL },
	{ "hidden", 0, NULL, NULL, NULL },
	{ 0 },
};
static const struct lt_command thing = {
	.name = "thing",
	.summary = "do things",
	.usage = "usage: luutru thing [--archive DIR] [-j N] [--out PATH] DOC\n"
		 "\n"
		 "Does the thing to DOC.\n"
		 ".dot at a line's start stays text.\n"
		 "\n"
		 "A second paragraph.\n",
	.options = thing_opts,
	.epilog = "Exit 0 when done.\n"
		  "\n"
		  "Example:\n"
		  "  luutru thing -j 2 0123456789abcdef\n",
	.max_args = 1,
	.subs = subs,
};

static void test_man_command(void **state)
{
	struct capture c;
	char *man;

	(void)state;
	unsetenv("SOURCE_DATE_EPOCH");
	capture_open(&c);
	lt_man_command(&thing, c.out);
	man = capture_close(&c);
	assert_non_null(strstr(man, "\n.TH LUUTRU\\-THING 1 \"\" \"luutru "));
	assert_non_null(strstr(man, "\n.SH NAME\nluutru\\-thing \\- do things\n"));
	assert_non_null(strstr(man, ".SH SYNOPSIS\n.nf\nluutru thing [\\-\\-archive DIR] [\\-j N]"));
	assert_non_null(strstr(man, "Does the thing to DOC.\n\\&.dot at a line's start"));
	assert_non_null(strstr(man, ".PP\nA second paragraph.\n"));
	assert_non_null(strstr(man, ".TP\n\\fB\\-j\\fR, \\fB\\-\\-jobs\\fR \\fIN\\fR\nworkers\n(default: one per core)\n"));
	assert_non_null(strstr(man, "\\fB\\-\\-format\\fR \\fItar|bag\\fR"));
	assert_null(strstr(man, "hidden"));            /* an option without help is not listed */
	assert_non_null(strstr(man, "\\fB\\-\\-archive\\fR \\fIDIR\\fR")); /* every command takes it */
	assert_non_null(strstr(man, ".SS \"luutru thing check\"\ncheck one thing\n"));
	assert_non_null(strstr(man, "luutru thing check [\\-\\-strict] PATH..."));
	assert_non_null(strstr(man, "\\fB\\-\\-strict\\fR\nrefuse what is merely odd"));
	assert_non_null(strstr(man, ".SH NOTES\nExit 0 when done.\n"));
	assert_non_null(strstr(man, ".SH EXAMPLES\n.nf\n  luutru thing \\-j 2 0123456789abcdef\n.fi\n"));
	assert_null(strstr(man, "Example:"));
	free(man);

	setenv("SOURCE_DATE_EPOCH", "1764547200", 1);
	capture_open(&c);
	lt_man_command(&thing, c.out);
	man = capture_close(&c);
	assert_non_null(strstr(man, ".TH LUUTRU\\-THING 1 \"2025-12-01\" "));
	free(man);
	setenv("SOURCE_DATE_EPOCH", "not a number", 1);
	capture_open(&c);
	lt_man_command(&thing, c.out);
	man = capture_close(&c);
	assert_non_null(strstr(man, ".TH LUUTRU\\-THING 1 \"\" "));
	free(man);
	unsetenv("SOURCE_DATE_EPOCH");
}

static const struct lt_command inbox_cmd = {
	.name = "take",
	.summary = "take an inbox",
	.usage = "usage: luutru take [--manifest FILE.csv] [--since DAYS] INBOX\n\nTakes it.\n",
	.options = (const struct lt_option[]){
		{ "manifest", 0, "FILE.csv", "a spreadsheet", NULL },
		{ "since", 0, "DAYS", "how far back", NULL },
		{ 0 } },
	.min_args = 1,
	.max_args = 1,
};
static const struct lt_command bad_name = {
	.name = "x;rm",
	.summary = "a name the shell must never see",
	.usage = "usage: luutru x\n",
};

static void test_completion(void **state)
{
	const struct lt_command *const table[] = { &thing, &inbox_cmd, &bad_name, NULL };
	struct capture c;
	char *sh;

	(void)state;
	capture_open(&c);
	lt_completion_bash(table, c.out);
	sh = capture_close(&c);
	assert_non_null(strstr(sh, "compgen -W \"help thing take\""));
	assert_null(strstr(sh, "x;rm"));
	/* Option values: a choice, a file, a folder-less number. */
	assert_non_null(strstr(sh, "\"thing:--format\")\n\t\tCOMPREPLY=($(compgen -W \"tar bag\" -- \"$cur\"))"));
	assert_non_null(strstr(sh, "\"thing:--out\" | \"thing:-o\")\n\t\tCOMPREPLY=($(compgen -f"));
	assert_non_null(strstr(sh, "\"thing:--jobs\" | \"thing:-j\") return ;;"));
	assert_non_null(strstr(sh, "\"take:--manifest\")\n\t\tCOMPREPLY=($(compgen -f"));
	assert_non_null(strstr(sh, "\"take:--since\") return ;;"));
	/* Options of a command and of its sub-command. */
	assert_non_null(strstr(sh, "\"thing\") words=\" --jobs -j --format --out -o --archive --help -h\""));
	assert_non_null(strstr(sh, "\"thing check\") words=\" --strict --archive --help -h\""));
	/* Positionals: sub-commands first, DOC (not PATH of [--out PATH]), INBOX, PATH. */
	assert_non_null(strstr(sh, "\t\"thing\") COMPREPLY=($(compgen -W \"check\""));
	assert_non_null(strstr(sh, "\t\"take\") COMPREPLY=($(compgen -d"));
	assert_non_null(strstr(sh, "\t\"thing check\") COMPREPLY=($(compgen -f"));
	assert_non_null(strstr(sh, "\tthing) sub=$w ;;\n"));
	free(sh);
}

static void test_positional_doc(void **state)
{
	static const struct lt_command show = {
		.name = "show",
		.summary = "show",
		.usage = "usage: luutru show [--archive DIR] [--json] DOC\n\nShows.\n",
		.max_args = 1,
	};
	const struct lt_command *const table[] = { &show, NULL };
	struct capture c;
	char *sh;

	(void)state;
	capture_open(&c);
	lt_completion_bash(table, c.out);
	sh = capture_close(&c);
	assert_non_null(strstr(sh, "\t\"show\") COMPREPLY=($(compgen -W \"$(_luutru_ids)\""));
	free(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roff_escapes),
		cmocka_unit_test(test_roff_len_stops_inside),
		cmocka_unit_test(test_man_command),
		cmocka_unit_test(test_completion),
		cmocka_unit_test(test_positional_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
