/* test_args.c - unit tests for the command-line parser in cmd.h on a
 * descriptor table built here (a command with options and checks, a
 * command with sub-commands): option values and positional arguments,
 * --archive and --help, unknown options, missing values, failed checks,
 * wrong argument counts, `help CMD SUB`, and a lost stdout write. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/buf.h"
#include "luutru/cmd.h"
#include "helpers.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int run_noop(const struct lt_args *args, struct lt_catalog *cat)
{
	(void)args;
	(void)cat;
	return LT_EXIT_OK;
}

static int check_even(const char *cmd, const char *value, struct lt_err *err)
{
	if (atoi(value) % 2)
		return lt_err_set(err, LT_EUSAGE, "%s: --count wants an even number, not '%s'", cmd, value);
	return LT_OK;
}

static const struct lt_option copy_opts[] = {
	{ "count", 'c', "N", "how many (even)", check_even },
	{ "force", 0, NULL, "overwrite", NULL },
	{ "secret", 0, "X", NULL, NULL },
	{ 0 },
};

static const struct lt_command cmd_copy = {
	.name = "copy", .summary = "copy things", .usage = "usage: t copy [-c N] [--force] FROM TO\n",
	.options = copy_opts, .epilog = "Example:\n  t copy a b\n",
	.min_args = 2, .max_args = 2, .access = LT_ACCESS_NONE, .run = run_noop,
};

static const struct lt_command cmd_list = {
	.name = "list", .summary = "list everything", .usage = "usage: t list\n",
	.min_args = 0, .max_args = 0, .access = LT_ACCESS_READ, .run = run_noop,
};

static const struct lt_option validate_opts[] = {
	{ "strict", 's', NULL, "warnings are errors", NULL },
	{ 0 },
};

static const struct lt_command sub_validate = {
	.name = "validate", .summary = "check a bag against the profile",
	.usage = "usage: t bag validate [--strict] PATH\n", .options = validate_opts,
	.min_args = 1, .max_args = 1, .args_error = "give one bag", .access = LT_ACCESS_NONE,
	.run = run_noop,
};

static const struct lt_command sub_inspect = {
	.name = "inspect", .summary = "what a bag holds", .usage = "usage: t bag inspect PATH\n",
	.min_args = 1, .max_args = 1, .access = LT_ACCESS_READ, .run = run_noop,
};

static const struct lt_command *const bag_subs[] = { &sub_validate, &sub_inspect, NULL };

static const struct lt_command cmd_bag = {
	.name = "bag", .summary = "bag tools", .usage = "usage: t bag COMMAND [ARGS]\n",
	.subs = bag_subs,
};

static const struct lt_command *const table[] = { &cmd_copy, &cmd_list, &cmd_bag, NULL };

/* Output of the streams during a call, captured in files. */
struct capture {
	char out_path[64], err_path[64];
	int saved_out, saved_err;
	struct lt_buf out, err;
};

static void capture_start(struct capture *c)
{
	int fo, fe;

	memset(c, 0, sizeof(*c));
	strcpy(c->out_path, "/tmp/lt-test-args-out-XXXXXX");
	strcpy(c->err_path, "/tmp/lt-test-args-err-XXXXXX");
	fo = mkstemp(c->out_path);
	fe = mkstemp(c->err_path);
	assert_true(fo >= 0 && fe >= 0);
	fflush(stdout);
	fflush(stderr);
	c->saved_out = dup(1);
	c->saved_err = dup(2);
	dup2(fo, 1);
	dup2(fe, 2);
	close(fo);
	close(fe);
}

static void capture_end(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	dup2(c->saved_out, 1);
	dup2(c->saved_err, 2);
	close(c->saved_out);
	close(c->saved_err);
	read_file(c->out_path, &c->out);
	read_file(c->err_path, &c->err);
	unlink(c->out_path);
	unlink(c->err_path);
}

static void capture_release(struct capture *c)
{
	lt_buf_release(&c->out);
	lt_buf_release(&c->err);
}

/* Parses argv (NULL-terminated list) for cmd, capturing what is printed. */
static int parse(const struct lt_command *cmd, struct lt_cli *cli, struct lt_args *args,
		 struct capture *c, char **argv)
{
	int argc = 0, rc;

	while (argv[argc])
		argc++;
	capture_start(c);
	rc = lt_cmd_parse(cmd, argc, argv, cli, args);
	capture_end(c);
	return rc;
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

static void test_options_and_arguments(void **state)
{
	struct lt_cli cli = { .archive = "archive" };
	struct lt_args a;
	struct capture c;

	(void)state;
	assert_int_equal(parse(&cmd_copy, &cli, &a, &c,
			       ARGV("copy", "from", "-c", "4", "--archive", "/tmp/x", "--force", "to",
				    "--secret=s")), -1);
	assert_ptr_equal(a.cmd, &cmd_copy);
	assert_string_equal(lt_args_get(&a, "count"), "4");
	assert_non_null(lt_args_get(&a, "force"));
	assert_string_equal(lt_args_get(&a, "secret"), "s");
	assert_null(lt_args_get(&a, "nosuch"));
	assert_string_equal(cli.archive, "/tmp/x");
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[0], "from");
	assert_string_equal(a.argv[1], "to");
	assert_int_equal(c.out.len + c.err.len, 0);
	capture_release(&c);

	/* Absent options are NULL; the last value given wins. */
	assert_int_equal(parse(&cmd_copy, &cli, &a, &c, ARGV("copy", "--count=2", "-c", "6", "a", "b")), -1);
	assert_string_equal(lt_args_get(&a, "count"), "6");
	assert_null(lt_args_get(&a, "force"));
	capture_release(&c);
}

static void test_help(void **state)
{
	struct lt_cli cli = { 0 };
	struct lt_args a;
	struct capture c;

	(void)state;
	/* --help wins over the missing arguments and goes to stdout. */
	assert_int_equal(parse(&cmd_copy, &cli, &a, &c, ARGV("copy", "--help")), LT_EXIT_OK);
	assert_non_null(strstr(lt_buf_str(&c.out), "usage: t copy"));
	assert_non_null(strstr(lt_buf_str(&c.out), "-c, --count N"));
	assert_non_null(strstr(lt_buf_str(&c.out), "    --force"));
	assert_null(strstr(lt_buf_str(&c.out), "secret")); /* no help line: not listed */
	assert_non_null(strstr(lt_buf_str(&c.out), "Example:"));
	assert_int_equal(c.err.len, 0);
	capture_release(&c);
	assert_int_equal(parse(&cmd_copy, &cli, &a, &c, ARGV("copy", "-h")), LT_EXIT_OK);
	assert_non_null(strstr(lt_buf_str(&c.out), "usage: t copy"));
	capture_release(&c);
}

static void test_usage_errors(void **state)
{
	const struct {
		char **argv;
		const char *says;   /* on stderr, before the usage */
	} cases[] = {
		{ ARGV("copy", "--nosuch", "a", "b"), "unrecognized option '--nosuch'" },
		{ ARGV("copy", "-x", "a", "b"), "invalid option -- 'x'" },
		{ ARGV("copy", "a", "b", "--count"), "option '--count' requires an argument" },
		{ ARGV("copy", "a", "b", "--force=yes"), "doesn't allow an argument" },
		{ ARGV("copy", "-c", "3", "a", "b"), "error: copy: --count wants an even number, not '3'" },
		{ ARGV("copy", "a"), "error: copy: missing arguments" },
		{ ARGV("copy", "a", "b", "c"), "error: copy: unexpected argument 'c'" },
		{ ARGV("list", "x"), "error: list: unexpected argument 'x'" },
	};
	struct lt_cli cli = { 0 };
	struct lt_args a;
	struct capture c;

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		const struct lt_command *cmd = lt_cmd_find(table, 1, cases[i].argv);

		assert_non_null(cmd);
		assert_int_equal(parse(cmd, &cli, &a, &c, cases[i].argv), LT_EXIT_USAGE);
		if (!strstr(lt_buf_str(&c.err), cases[i].says))
			fail_msg("case %zu: stderr lacks \"%s\":\n%s", i, cases[i].says, lt_buf_str(&c.err));
		/* The usage follows on stderr; nothing on stdout. */
		assert_non_null(strstr(lt_buf_str(&c.err), "usage: t "));
		assert_int_equal(c.out.len, 0);
		capture_release(&c);
	}
}

static void test_sub_commands(void **state)
{
	struct lt_cli cli = { 0 };
	struct lt_args a;
	struct capture c;

	(void)state;
	assert_int_equal(parse(&cmd_bag, &cli, &a, &c, ARGV("bag", "validate", "--strict", "b.tar")), -1);
	assert_ptr_equal(a.cmd, &sub_validate);
	assert_non_null(lt_args_get(&a, "strict"));
	assert_int_equal(a.argc, 1);
	assert_string_equal(a.argv[0], "b.tar");
	capture_release(&c);
	assert_int_equal(parse(&cmd_bag, &cli, &a, &c, ARGV("bag", "inspect", "b.tar")), -1);
	assert_ptr_equal(a.cmd, &sub_inspect);
	assert_int_equal(a.cmd->access, LT_ACCESS_READ);
	capture_release(&c);

	/* The parent's help lists its sub-commands. */
	assert_int_equal(parse(&cmd_bag, &cli, &a, &c, ARGV("bag", "--help")), LT_EXIT_OK);
	assert_non_null(strstr(lt_buf_str(&c.out), "validate"));
	assert_non_null(strstr(lt_buf_str(&c.out), "check a bag against the profile"));
	assert_non_null(strstr(lt_buf_str(&c.out), "inspect"));
	capture_release(&c);
	/* A sub-command's own help. */
	assert_int_equal(parse(&cmd_bag, &cli, &a, &c, ARGV("bag", "validate", "--help")), LT_EXIT_OK);
	assert_non_null(strstr(lt_buf_str(&c.out), "usage: t bag validate"));
	capture_release(&c);

	assert_int_equal(parse(&cmd_bag, &cli, &a, &c, ARGV("bag")), LT_EXIT_USAGE);
	assert_non_null(strstr(lt_buf_str(&c.err), "error: bag: which one?"));
	assert_non_null(strstr(lt_buf_str(&c.err), "validate"));
	capture_release(&c);
	assert_int_equal(parse(&cmd_bag, &cli, &a, &c, ARGV("bag", "nosuch")), LT_EXIT_USAGE);
	assert_non_null(strstr(lt_buf_str(&c.err), "no sub-command 'nosuch'"));
	capture_release(&c);
	assert_int_equal(parse(&cmd_bag, &cli, &a, &c, ARGV("bag", "validate")), LT_EXIT_USAGE);
	assert_non_null(strstr(lt_buf_str(&c.err), "error: validate: give one bag"));
	capture_release(&c);
}

static void test_help_command(void **state)
{
	struct capture c;
	int rc;

	(void)state;
	assert_ptr_equal(lt_cmd_find(table, 2, ARGV("bag", "validate")), &sub_validate);
	assert_null(lt_cmd_find(table, 2, ARGV("bag", "nosuch")));
	assert_null(lt_cmd_find(table, 1, ARGV("nosuch")));

	capture_start(&c);
	rc = lt_cmd_help(table, 2, ARGV("bag", "validate"), stdout);
	capture_end(&c);
	assert_int_equal(rc, LT_EXIT_OK);
	assert_non_null(strstr(lt_buf_str(&c.out), "usage: t bag validate"));
	assert_non_null(strstr(lt_buf_str(&c.out), "-s, --strict"));
	capture_release(&c);

	capture_start(&c);
	rc = lt_cmd_help(table, 1, ARGV("bag"), stdout);
	capture_end(&c);
	assert_int_equal(rc, LT_EXIT_OK);
	assert_non_null(strstr(lt_buf_str(&c.out), "Commands:"));
	assert_non_null(strstr(lt_buf_str(&c.out), "inspect"));
	capture_release(&c);

	capture_start(&c);
	rc = lt_cmd_help(table, 2, ARGV("bag", "nosuch"), stdout);
	capture_end(&c);
	assert_int_equal(rc, LT_EXIT_USAGE);
	assert_non_null(strstr(lt_buf_str(&c.err), "nosuch"));
	capture_release(&c);

	capture_start(&c);
	rc = lt_cmd_help(table, 1, ARGV("nosuch"), stdout);
	capture_end(&c);
	assert_int_equal(rc, LT_EXIT_USAGE);
	capture_release(&c);
}

static void test_catalog_modes(void **state)
{
	(void)state;
	assert_int_equal(lt_cmd_catalog_mode(LT_ACCESS_NONE), -1);
	assert_true(lt_cmd_catalog_mode(LT_ACCESS_READ) >= 0);
	assert_true(lt_cmd_catalog_mode(LT_ACCESS_CREATE) != lt_cmd_catalog_mode(LT_ACCESS_READ));
}

/* What was printed but never written is a fatal error, not success. */
static void test_lost_stdout(void **state)
{
	struct capture c;
	int full = open("/dev/full", O_WRONLY), rc;

	(void)state;
	assert_true(full >= 0);
	capture_start(&c);
	dup2(full, 1);
	close(full);
	printf("a result nobody will see\n");
	rc = lt_cmd_finish_stdout(LT_EXIT_OK);
	clearerr(stdout);
	capture_end(&c);
	assert_int_equal(rc, LT_EXIT_FATAL);
	assert_non_null(strstr(lt_buf_str(&c.err), "error: cannot write to standard output: No space left"));
	capture_release(&c);

	/* A good stdout keeps the command's code. */
	capture_start(&c);
	printf("fine\n");
	rc = lt_cmd_finish_stdout(LT_EXIT_PROBLEM);
	capture_end(&c);
	assert_int_equal(rc, LT_EXIT_PROBLEM);
	assert_string_equal(lt_buf_str(&c.out), "fine\n");
	capture_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_and_arguments),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_sub_commands),
		cmocka_unit_test(test_help_command),
		cmocka_unit_test(test_catalog_modes),
		cmocka_unit_test(test_lost_stdout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
