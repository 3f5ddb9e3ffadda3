/* cmd_search.c - `luutru search [QUERY] [filters]`: full text, with or
 * without diacritics, and the metadata filters; one hit per document, or
 * per page with --pages. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/buf.h"
#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/i18n.h"
#include "luutru/profile.h"
#include "luutru/text.h"

/* The snippet with its match marks as brackets: the JSON form. Owned. */
static char *bracketed(const char *snippet)
{
	char *s = snippet ? strdup(snippet) : NULL;

	for (char *p = s; p && *p; p++) {
		if (*p == LT_HIT_MARK_OPEN)
			*p = '[';
		else if (*p == LT_HIT_MARK_CLOSE)
			*p = ']';
	}
	return s;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *hit_json(const struct lt_hit *h, const char *type_label)
{
	json_t *pages = json_array(), *o;
	char *snippet = bracketed(h->snippet);

	for (int i = 0; pages && i < h->n_pages; i++)
		json_array_append_new(pages, json_integer(h->pages[i]));
	o = json_pack("{s:s, s:o, s:o, s:i, s:s, s:o, s:f, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		      "document", h->document,
		      "page", h->page ? json_integer(h->page) : json_null(),
		      "pages", pages ? pages : json_null(),
		      "matching_pages", h->matching_pages,
		      "label", h->label,
		      "snippet", string_or_null(snippet),
		      "score", h->score,
		      "exact", h->exact,
		      "state", string_or_null(h->state),
		      "type", string_or_null(h->type),
		      "type_label", string_or_null(type_label),
		      "number", string_or_null(h->number),
		      "notation", string_or_null(h->notation),
		      "issued", string_or_null(h->issued),
		      "organ", string_or_null(h->organ),
		      "subject", string_or_null(h->subject));
	free(snippet);
	return o;
}

/* The type as printed, or the profile's name of its code. Borrowed. */
static const char *type_label_of(const struct lt_hit *h, const struct lt_profile *profile)
{
	if (h->type_label)
		return h->type_label;
	if (h->type && profile)
		return lt_profile_code_label(profile, "typeName", h->type);
	return NULL;
}

static int print_json(const struct lt_hit *hits, size_t n, const struct lt_profile *profile)
{
	json_t *arr = json_array();
	char *text;

	if (!arr)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *o = hit_json(&hits[i], type_label_of(&hits[i], profile));

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

/* The snippet on one line: matches in bold on a terminal, in [brackets]
 * otherwise; line breaks become spaces, and whatever else the OCR text
 * holds is escaped (lt_cmd_printf). */
static void print_snippet(const char *s, int tty)
{
	while (*s) {
		size_t n = strcspn(s, "\n\r\t\x01\x02");

		lt_cmd_printf(stdout, "%.*s", (int)n, s);
		s += n;
		if (!*s)
			break;
		if (*s == LT_HIT_MARK_OPEN)
			fputs(tty ? "\x1b[1m" : "[", stdout);
		else if (*s == LT_HIT_MARK_CLOSE)
			fputs(tty ? "\x1b[0m" : "]", stdout);
		else
			putchar(' ');
		s++;
	}
}

static void print_hit(const struct lt_hit *h, const struct lt_profile *profile, int pages_mode,
		      int tty)
{
	const char *type = type_label_of(h, profile);
	const char *sep = "    ";

	if (h->page) {
		lt_cmd_printf(stdout, _("%s p.%d %s: "), h->document, h->page, h->label);
		print_snippet(h->snippet ? h->snippet : "", tty);
	} else {
		lt_cmd_printf(stdout, ngettext("%s %s (%d page)", "%s %s (%d pages)",
					       (unsigned long)h->matching_pages),
			      h->document, h->label, h->matching_pages);
	}
	putchar('\n');
	/* A second line when there is more to say: what the document is, and
	 * where else it matches. */
	if (type || h->number || h->notation) {
		lt_cmd_printf(stdout, "%s%s%s%s%s%s", sep, type ? type : "", type ? " " : "",
			      h->number ? h->number : "", h->number && h->notation ? "/" : "",
			      h->notation ? h->notation : "");
		sep = " · ";
	}
	if (h->issued) {
		char date[LT_I18N_DATE_MAX];

		lt_cmd_printf(stdout, "%s%s", sep, lt_i18n_date(h->issued, date));
		sep = " · ";
	}
	if (h->organ) {
		lt_cmd_printf(stdout, "%s%s", sep, h->organ);
		sep = " · ";
	}
	if (!pages_mode && h->page && h->matching_pages > 1) {
		lt_cmd_printf(stdout, "%s", sep);
		lt_cmd_printf(stdout, ngettext("%d page matches: p.", "%d pages match: p.",
					       (unsigned long)h->matching_pages), h->matching_pages);
		for (int i = 0; i < h->n_pages; i++)
			printf("%s%d", i ? ", " : "", h->pages[i]);
		if (h->matching_pages > h->n_pages)
			printf(", …");
		sep = " · ";
	}
	if (strcmp(sep, "    ") != 0)
		putchar('\n');
}

/* A query that is not UTF-8 (a terminal in a legacy encoding) can match
 * nothing: a usage error, not "nothing matched". */
static int check_utf8(const char *what, const char *value, struct lt_err *err)
{
	struct lt_buf nfc = LT_BUF_INIT;
	int rc = lt_text_nfc(value, strlen(value), &nfc, err);

	lt_buf_release(&nfc);
	if (rc == LT_EINPUT)
		rc = lt_err_set(err, LT_EUSAGE, "search: %s '%s' is not valid UTF-8: set the "
				"terminal (or LANG) to UTF-8", _(what), value);
	return rc;
}

static int check_date(const char *cmd, const char *value, struct lt_err *err)
{
	size_t n = strlen(value);
	int ok = (n == 4 || n == 7 || n == 10);

	for (size_t i = 0; ok && i < n; i++)
		ok = (i == 4 || i == 7) ? value[i] == '-' : (value[i] >= '0' && value[i] <= '9');
	if (ok && n >= 7)
		ok = (value[5] - '0') * 10 + (value[6] - '0') >= 1 &&
		     (value[5] - '0') * 10 + (value[6] - '0') <= 12;
	if (ok && n == 10)
		ok = (value[8] - '0') * 10 + (value[9] - '0') >= 1 &&
		     (value[8] - '0') * 10 + (value[9] - '0') <= 31;
	if (!ok)
		return lt_err_set(err, LT_EUSAGE, "%s: a date is YYYY, YYYY-MM or YYYY-MM-DD, "
				  "not '%s'", cmd, value);
	return LT_OK;
}

static int check_state(const char *cmd, const char *value, struct lt_err *err)
{
	static const char *const states[] = { "archived", "queued", "processing", "failed",
					      "review", NULL };

	for (int i = 0; states[i]; i++)
		if (strcmp(states[i], value) == 0)
			return LT_OK;
	return lt_err_set(err, LT_EUSAGE, "%s: --state is archived, queued, processing, failed "
			  "or review, not '%s'", cmd, value);
}

static int check_offset(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 0, 1000000000, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --offset wants a number of hits to skip "
				  "(0 or more), not '%s'", cmd, value);
	return LT_OK;
}

static int check_batch(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 2000000000, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --batch wants a batch number (as `status` "
				  "and `show` print it), not '%s'", cmd, value);
	return LT_OK;
}

/* --type and --language: a code, or a name the profile knows, as its code
 * (*code owned). A --language that is no code may be an OCR language
 * ("vie"), passed as it is. */
static int resolve_code(const struct lt_profile *profile, const char *key, const char *option,
			const char *value, char **code, struct lt_err *err)
{
	struct lt_err ignored = { 0 };

	if (!profile)
		return lt_strdup(value, code, err);
	if (lt_profile_validate(profile, key, value, code, &ignored) == LT_OK)
		return LT_OK;
	if (strcmp(key, "language") == 0 && strspn(value, "abcdefghijklmnopqrstuvwxyz_") ==
	    strlen(value))
		return lt_strdup(value, code, err);
	return lt_err_set(err, LT_EUSAGE, "search: --%s '%s' is neither a code nor a name of "
			  "the metadata profile's %s (%s)", option, value, key,
			  ignored.msg[0] ? ignored.msg : _("unknown"));
}

/* Nothing to look for is a usage error before any catalog is opened. */
static int check_search(const struct lt_args *args, struct lt_err *err)
{
	static const char *const filters[] = { "type", "from", "to", "organ", "number", "batch",
					       "language", "state", NULL };

	if (args->argc > 0)
		return LT_OK;
	for (int i = 0; filters[i]; i++)
		if (lt_args_get(args, filters[i]))
			return LT_OK;
	return lt_err_set(err, LT_EUSAGE, "search: what should I look for? Give words, or a "
			  "filter (--type, --from, --number, ...)");
}

/* Matches a person's --count counts up to (lt_catalog_count_hits). */
#define COUNT_BOUND 10000

static int run_search(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_hit *hits = NULL;
	struct lt_buf text = LT_BUF_INIT;
	struct lt_err err = { 0 };
	struct lt_profile *profile = NULL;
	struct lt_search q = { 0 };
	const char *limit = lt_args_get(args, "limit"), *offset = lt_args_get(args, "offset");
	char *type = NULL, *language = NULL;
	const char *checked[] = { "organ", "number", NULL };
	size_t n = 0;
	int rc = LT_OK, counted = 0, json = lt_args_get(args, "json") != NULL;
	int64_t count = 0;

	for (int i = 0; !rc && i < args->argc; i++)
		rc = lt_buf_printf(&text, &err, "%s%s", i ? " " : "", args->argv[i]);
	if (!rc && text.len)
		rc = check_utf8(N_("the query"), lt_buf_str(&text), &err);
	for (int i = 0; !rc && checked[i]; i++)
		if (lt_args_get(args, checked[i]))
			rc = check_utf8(checked[i][0] == 'o' ? N_("--organ") : N_("--number"),
					lt_args_get(args, checked[i]), &err);
	q.text = text.len ? lt_buf_str(&text) : NULL;
	q.from = lt_args_get(args, "from");
	q.to = lt_args_get(args, "to");
	q.organ = lt_args_get(args, "organ");
	q.number = lt_args_get(args, "number");
	q.batch = lt_args_get(args, "batch") ? strtoll(lt_args_get(args, "batch"), NULL, 10) : 0;
	q.state = lt_args_get(args, "state");
	q.pages = lt_args_get(args, "pages") != NULL;
	q.limit = limit ? (int)strtol(limit, NULL, 10) : 20;
	q.offset = offset ? (int)strtol(offset, NULL, 10) : 0;
	q.include_secret = lt_args_get(args, "include-secret") != NULL;
	/* The profile names the codes; an archive without one uses luutru's. */
	if (!rc && lt_profile_open(args->cli->archive, &profile, &err) != LT_OK) {
		profile = NULL;
		memset(&err, 0, sizeof(err));
	}
	if (!rc && lt_args_get(args, "type"))
		rc = resolve_code(profile, "typeName", "type", lt_args_get(args, "type"), &type, &err);
	if (!rc && lt_args_get(args, "language"))
		rc = resolve_code(profile, "language", "language", lt_args_get(args, "language"),
				  &language, &err);
	q.type = type;
	q.language = language;
	if (!rc && lt_args_get(args, "count")) {
		counted = 1;
		/* Counted up to the bound for programs too (an exact count of a
		 * common word walks every match: seconds at a million pages):
		 * past it, "count" is the bound and "count_exact" false. */
		rc = lt_catalog_count_hits(cat, &q, COUNT_BOUND, &count, &err);
		if (!rc && json)
			printf("{\"count\": %lld, \"count_exact\": %s, \"of\": \"%s\"}\n",
			       (long long)(count > COUNT_BOUND ? COUNT_BOUND : count),
			       count > COUNT_BOUND ? "false" : "true", q.pages ? "pages" : "documents");
		else if (!rc && count > COUNT_BOUND)
			printf(_("more than %d\n"), COUNT_BOUND);
		else if (!rc)
			printf("%lld\n", (long long)count);
	} else if (!rc) {
		rc = lt_catalog_find_hits(cat, &q, &hits, &n, &err);
	}
	if (!rc && !counted && json) {
		if (print_json(hits, n, profile) != 0)
			rc = lt_err_set(&err, LT_ENOMEM, "cannot build the JSON output");
	} else if (!rc && !counted) {
		int tty = isatty(STDOUT_FILENO);

		for (size_t i = 0; i < n; i++)
			print_hit(&hits[i], profile, q.pages, tty);
		if (n == 0 && q.text)
			lt_cmd_printf(stderr, q.pages ? _("no pages match '%s'%s\n")
				      : _("no documents match '%s'%s\n"),
				      q.text, q.offset ? _(" at this --offset") : "");
		else if (n == 0)
			lt_cmd_printf(stderr, _("no documents match these filters%s\n"),
				      q.offset ? _(" at this --offset") : "");
	}
	lt_hits_free(hits, n);
	lt_buf_release(&text);
	lt_profile_close(profile);
	free(type);
	free(language);
	if (rc)
		return lt_cmd_fail(&err);
	return counted || n ? LT_EXIT_OK : LT_EXIT_PROBLEM;
}

static const struct lt_option options[] = {
	{ "type", 't', "TYPE", N_("documents of this type: a TT05 code (03) or its name\n"
	  "(\"Chỉ thị\", \"chi thi\")"), NULL },
	{ "from", 0, "DATE", N_("issued on or after DATE: YYYY, YYYY-MM or YYYY-MM-DD"), check_date },
	{ "to", 0, "DATE", N_("issued on or before DATE (2016: to the end of 2016)"), check_date },
	{ "organ", 0, "WORDS", N_("issued by an organ whose name holds WORDS (any case,\n"
	  "with or without diacritics)"), NULL },
	{ "number", 0, "NUMBER", N_("the document number however typed: 05-CT/TW, 5-CT/TW,\n"
	  "1127/QD-UBND, \"số 05\", CT/TW"), NULL },
	{ "batch", 0, "N", N_("documents of ingest batch N"), check_batch },
	{ "language", 0, "LANG", N_("a language code of the metadata (01) or its name\n"
	  "(\"Tiếng Việt\"), or an OCR language (vie)"), NULL },
	{ "state", 0, "STATE", N_("archived (default), queued, processing, failed, or review\n"
	  "(archived with a page flagged for review)"), check_state },
	{ "pages", 'p', NULL, N_("one hit per page, not one per document"), NULL },
	{ "limit", 'n', "N", N_("at most N hits (default 20)"), lt_cmd_check_limit },
	{ "offset", 0, "N", N_("skip the first N hits (the next screen: --offset 20)"), check_offset },
	{ "count", 'c', NULL, N_("print only how many documents (pages with --pages) match"), NULL },
	{ "json", 0, NULL, N_("a JSON array of hits (fields in README: search)"), NULL },
	{ "include-secret", 0, NULL, N_("also search documents with a secrecy level (Mật, Tối mật,\n"
	  "Tuyệt mật), which are left out otherwise"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_search = {
	.name = "search",
	.summary = N_("full-text and metadata search, with or without diacritics"),
	.usage =
	N_("usage: luutru search [--archive DIR] [filters] [--pages] [--limit N] [--offset N]\n"
	"                     [--count] [--json] [--include-secret] [QUERY...]\n"
	"\n"
	"Finds archived documents whose pages hold every word of QUERY, and that\n"
	"pass every filter; one hit per document (its best pages), or per page with\n"
	"--pages. Case and diacritics do not matter (\"van phong\" finds \"Văn\n"
	"phòng\", d finds đ), but pages with the words spelt as typed come first\n"
	"(\"exact\"), then by relevance (bm25).\n"
	"  \"double quotes\"  words next to each other, in order\n"
	"  nghị*            words that start so\n"
	"  a OR b           either word\n"
	"  -word            pages without it (quote the query, or put it after --)\n"
	"  05-CT/TW         a number is found however typed: 5-CT/TW, 05/CT-TW\n"
	"Words such as và, của alone are refused: they are on every page.\n"
	"Without QUERY, the filters alone list documents (by id).\n"
	"Matches are shown in bold on a terminal, in [brackets] otherwise.\n"
	"Documents with a secrecy level (given at ingest, or a stamp read off the\n"
	"page) are left out unless --include-secret is given.\n"),
	.options = options,
	.epilog =
	N_("Exit 0 with hits (and with --count), 1 with none, 2 for a usage error (a\n"
	"query of stop words only, a bad date, a query that is not valid UTF-8).\n"
	"\n"
	"Examples:\n"
	"  luutru search 'văn phòng tỉnh ủy'\n"
	"  luutru search van phong tinh uy\n"
	"  luutru search '\"Đà Nẵng\" nghị* -\"dự thảo\"'\n"
	"  luutru search --number 05-CT/TW\n"
	"  luutru search --type \"Chỉ thị\" --from 2016 --to 2016-06\n"
	"  luutru search lũ lụt --organ \"tỉnh ủy\" --count\n"),
	.min_args = 0,
	.max_args = -1,
	.access = LT_ACCESS_READ,
	.check = check_search,
	.run = run_search,
};
