/* cmd_search.c - `luutru search QUERY`: full text, with or without diacritics. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"
#include "luutru/catalog.h"
#include "luutru/cmd.h"

const char lt_usage_search[] =
	"usage: luutru search [--archive DIR] [--json] [--limit N] QUERY...\n"
	"\n"
	"Finds archived pages containing every word of QUERY. Case and diacritics\n"
	"do not matter (\"van phong\" finds \"Văn phòng\", d finds đ), but pages with\n"
	"the words spelt as typed come first (\"exact\"), then by relevance.\n"
	"\"double quotes\" ask for words next to each other; a number such as\n"
	"05-CT/TW is searched as written. Matches are shown in [brackets].\n"
	"\n"
	"  --json      a JSON array of {document, page, label, snippet, score, exact}\n"
	"  --limit N   at most N hits (default 20)\n"
	"\n"
	"Exit 0 with hits, 1 with none.\n"
	"\n"
	"Examples:\n"
	"  luutru search 'văn phòng tỉnh ủy'\n"
	"  luutru search van phong tinh uy\n"
	"  luutru search --json '05-CT/TW'\n";

static int print_json(const struct lt_hit *hits, size_t n)
{
	json_t *arr = json_array();
	char *text;

	if (!arr)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:f, s:b}", "document", hits[i].document,
				      "page", hits[i].page, "label", hits[i].label,
				      "snippet", hits[i].snippet, "score", hits[i].score,
				      "exact", hits[i].exact);
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return -1;
		}
	}
	text = json_dumps(arr, JSON_INDENT(2));
	json_decref(arr);
	if (!text)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}

/* Snippets span lines; one hit per output line reads better. */
static void print_flat(const char *s)
{
	for (; *s; s++)
		putchar(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
}

int cmd_search(int argc, char **argv, struct lt_cli *cli)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "limit", required_argument, NULL, 'n' },
		LT_COMMON_OPTIONS,
		{ 0 },
	};
	struct lt_catalog *cat = NULL;
	struct lt_hit *hits = NULL;
	struct lt_buf query = LT_BUF_INIT;
	struct lt_err err = { 0 };
	size_t n = 0;
	int opt, exit_now = -1, json = 0, limit = 20, rc;
	char *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "n:h", options, NULL)) != -1) {
		if (opt == 'J') {
			json = 1;
		} else if (opt == 'n') {
			limit = (int)strtol(optarg, &end, 10);
			if (*end || limit < 1)
				return lt_cmd_usage_error(lt_usage_search, "search: --limit wants a positive number, not '%s'", optarg);
		} else {
			if (!lt_cmd_common_option(opt, optarg, lt_usage_search, cli, &exit_now))
				return lt_cmd_usage_error(lt_usage_search, "search: unexpected option");
			if (exit_now >= 0)
				return exit_now;
		}
	}
	if (optind >= argc)
		return lt_cmd_usage_error(lt_usage_search, "search: what should I look for?");
	rc = LT_OK;
	for (int i = optind; !rc && i < argc; i++)
		rc = lt_buf_printf(&query, &err, "%s%s", i > optind ? " " : "", argv[i]);
	if (!rc)
		rc = lt_catalog_open(cli->archive, LT_CATALOG_READ, &cat, &err);
	if (!rc)
		rc = lt_catalog_search(cat, lt_buf_str(&query), limit, &hits, &n, &err);
	if (!rc && json) {
		if (print_json(hits, n) != 0)
			rc = lt_err_set(&err, LT_ENOMEM, "cannot build the JSON output");
	} else if (!rc) {
		for (size_t i = 0; i < n; i++) {
			printf("%s p.%d %s: ", hits[i].document, hits[i].page, hits[i].label);
			print_flat(hits[i].snippet);
			putchar('\n');
		}
		if (n == 0)
			fprintf(stderr, "no pages match '%s'\n", lt_buf_str(&query));
	}
	lt_hits_free(hits, n);
	lt_catalog_close(cat);
	lt_buf_release(&query);
	if (rc)
		return lt_cmd_fail(&err);
	return n ? LT_EXIT_OK : LT_EXIT_PROBLEM;
}
