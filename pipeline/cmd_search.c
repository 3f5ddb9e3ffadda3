/* cmd_search.c - `luutru search QUERY`: full text, with or without diacritics. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"
#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/text.h"

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
	/* Exact: jansson escapes what JSON must. */
	printf("%s\n", text);
	free(text);
	return 0;
}

/* Snippets span lines; one hit per output line reads better. Whatever
 * else the OCR text holds is escaped. */
static void print_flat(const char *s)
{
	size_t n;

	while (*s) {
		n = strcspn(s, "\n\r\t");
		lt_cmd_printf(stdout, "%.*s", (int)n, s);
		s += n;
		if (*s) {
			putchar(' ');
			s++;
		}
	}
}

/* A query that is not UTF-8 (a terminal in a legacy encoding) can match
 * nothing: a usage error, not "nothing matched". */
static int check_utf8(const char *query, struct lt_err *err)
{
	struct lt_buf nfc = LT_BUF_INIT;
	int rc = lt_text_nfc(query, strlen(query), &nfc, err);

	lt_buf_release(&nfc);
	if (rc == LT_EINPUT)
		rc = lt_err_set(err, LT_EUSAGE, "search: the query '%s' is not valid UTF-8: set the "
				"terminal (or LANG) to UTF-8", query);
	return rc;
}

static int run_search(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_hit *hits = NULL;
	struct lt_buf query = LT_BUF_INIT;
	struct lt_err err = { 0 };
	const char *limit = lt_args_get(args, "limit");
	size_t n = 0;
	int rc = LT_OK;

	for (int i = 0; !rc && i < args->argc; i++)
		rc = lt_buf_printf(&query, &err, "%s%s", i ? " " : "", args->argv[i]);
	if (!rc)
		rc = check_utf8(lt_buf_str(&query), &err);
	if (!rc)
		rc = lt_catalog_search_with(cat, lt_buf_str(&query),
					    limit ? (int)strtol(limit, NULL, 10) : 20,
					    lt_args_get(args, "include-secret") != NULL, &hits, &n, &err);
	if (!rc && lt_args_get(args, "json")) {
		if (print_json(hits, n) != 0)
			rc = lt_err_set(&err, LT_ENOMEM, "cannot build the JSON output");
	} else if (!rc) {
		for (size_t i = 0; i < n; i++) {
			lt_cmd_printf(stdout, "%s p.%d %s: ",
				      hits[i].document, hits[i].page, hits[i].label);
			print_flat(hits[i].snippet);
			putchar('\n');
		}
		if (n == 0)
			lt_cmd_printf(stderr, "no pages match '%s'\n", lt_buf_str(&query));
	}
	lt_hits_free(hits, n);
	lt_buf_release(&query);
	if (rc)
		return lt_cmd_fail(&err);
	return n ? LT_EXIT_OK : LT_EXIT_PROBLEM;
}

static const struct lt_option options[] = {
	{ "json", 0, NULL, "a JSON array of {document, page, label, snippet, score, exact}", NULL },
	{ "limit", 'n', "N", "at most N hits (default 20)", lt_cmd_check_limit },
	{ "include-secret", 0, NULL, "also search documents with a secrecy level (Mật, Tối mật,\n"
	  "Tuyệt mật), which are left out otherwise", NULL },
	{ 0 },
};

const struct lt_command lt_cmd_search = {
	.name = "search",
	.summary = "full-text search, with or without diacritics",
	.usage =
	"usage: luutru search [--archive DIR] [--json] [--limit N] [--include-secret] QUERY...\n"
	"\n"
	"Finds archived pages containing every word of QUERY. Case and diacritics\n"
	"do not matter (\"van phong\" finds \"Văn phòng\", d finds đ), but pages with\n"
	"the words spelt as typed come first (\"exact\"), then by relevance.\n"
	"\"double quotes\" ask for words next to each other; a number such as\n"
	"05-CT/TW is searched as written. Matches are shown in [brackets].\n"
	"Documents with a secrecy level (given at ingest, or a stamp read off the\n"
	"page) are left out unless --include-secret is given.\n",
	.options = options,
	.epilog =
	"Exit 0 with hits, 1 with none, 2 for a query that is not valid UTF-8.\n"
	"\n"
	"Examples:\n"
	"  luutru search 'văn phòng tỉnh ủy'\n"
	"  luutru search van phong tinh uy\n"
	"  luutru search --json '05-CT/TW'\n",
	.min_args = 1,
	.max_args = -1,
	.args_error = "what should I look for?",
	.access = LT_ACCESS_READ,
	.run = run_search,
};
