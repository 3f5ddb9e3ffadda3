/* cmd_verify.c - `luutru verify [DOC...|--all]`: a fixity audit of the
 * archive's bundles (verify.c), one line per problem on stdout, each check
 * recorded as an event of its document. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/replica.h"
#include "luutru/verify.h"

static volatile int stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	/* A second signal kills at once. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

/* "2h", "30m", "90s", "1h30m", "1d"; a bare number is seconds. */
static int parse_duration(const char *value, double *seconds)
{
	const char *p = value;
	double total = 0;

	if (!*p)
		return 0;
	while (*p) {
		char *end;
		unsigned long n;

		if (*p < '0' || *p > '9')
			return 0;
		n = strtoul(p, &end, 10);
		if (n > 1000000)
			return 0;
		switch (*end) {
		case 'd': total += n * 86400.0; end++; break;
		case 'h': total += n * 3600.0; end++; break;
		case 'm': total += n * 60.0; end++; break;
		case 's': total += n; end++; break;
		case '\0':
			if (p != value)
				return 0; /* "1h30" is ambiguous */
			total += n;
			break;
		default:
			return 0;
		}
		p = end;
	}
	*seconds = total;
	return total > 0;
}

static int check_limit(const char *cmd, const char *value, struct lt_err *err)
{
	double s;

	if (!parse_duration(value, &s))
		return lt_err_set(err, LT_EUSAGE, "%s: --limit wants a duration such as 2h, 30m, "
				  "1h30m or 90s, not '%s'", cmd, value);
	return LT_OK;
}

static int check_since(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 0, 36500, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --since wants a number of days from 0 to 36500, "
				  "not '%s'", cmd, value);
	return LT_OK;
}

static int check_jobs(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 64, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: -j wants a number of workers from 1 to 64, "
				  "not '%s'", cmd, value);
	return LT_OK;
}

static int check_args(const struct lt_args *args, struct lt_err *err)
{
	int all = lt_args_get(args, "all") != NULL;

	if (all && args->argc > 0)
		return lt_err_set(err, LT_EUSAGE, "verify: give document ids or --all, not both");
	if (!all && args->argc == 0)
		return lt_err_set(err, LT_EUSAGE, "verify: give document ids, or --all for every bundle");
	return LT_OK;
}

struct progress {
	/* --repair: the bundles found damaged or missing (pointers into the
	 * list being verified), to repair once every check is done. */
	const struct lt_bundle_ref **bad;
	size_t n_bad;
	int repair;
	int tty;
	size_t total, done;
	uint64_t bytes;
	double t0, last;
	int printed;   /* a progress line is on the terminal */
};

static void clear_progress(struct progress *pr)
{
	if (pr->printed) {
		fprintf(stderr, "\r\033[K");
		pr->printed = 0;
	}
}

static void print_problem(const char *verdict, const char *bundle, const char *file,
			  const char *expected, const char *found)
{
	/* The verdict stays the word scripts look for (damaged, missing, unknown). */
	printf(_("%s %s %s: expected %s; found %s\n"), verdict, bundle, *file ? file : "(tar)", expected,
	       found);
}

static void on_done(void *ud, const struct lt_bundle_ref *ref, const struct lt_verify_result *res)
{
	struct progress *pr = ud;
	char mb[LT_I18N_NUMBER_MAX], rate[LT_I18N_NUMBER_MAX];
	double dt;

	pr->done++;
	pr->bytes += res->bytes;
	if (pr->repair && res->verdict != LT_VERDICT_OK && pr->bad)
		pr->bad[pr->n_bad++] = ref;
	if (res->n_problems)
		clear_progress(pr);
	for (size_t i = 0; i < res->n_problems; i++)
		print_problem(lt_verdict_name(res->verdict), ref->bundle.path, res->problems[i].file,
			      res->problems[i].expected, res->problems[i].found);
	fflush(stdout);
	if (!pr->tty)
		return;
	/* At most ten updates a second: thousands of small bundles go by fast. */
	if (pr->printed && pr->done < pr->total && lt_monotonic_seconds() - pr->last < 0.1)
		return;
	pr->last = lt_monotonic_seconds();
	dt = pr->last - pr->t0;
	fprintf(stderr, "\r\033[K");
	fprintf(stderr, _("verify: %zu/%zu bundles, %s MB, %s MB/s"), pr->done, pr->total,
		lt_i18n_decimal(pr->bytes / 1e6, 1, mb),
		lt_i18n_decimal(dt > 0 ? pr->bytes / 1e6 / dt : 0.0, 0, rate));
	pr->printed = 1;
}

static int jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* The bundles to check: those of the documents named, in the order given,
 * or every bundle, the ones checked longest ago first. */
static int collect(const struct lt_args *args, struct lt_catalog *cat, const char *before,
		   struct lt_bundle_ref **refs, size_t *n, struct lt_err *err)
{
	struct lt_bundle_ref *all = NULL, *one = NULL, *grown;
	size_t n_all = 0, n_one = 0;
	char id[LT_DOC_ID_LEN + 1];
	int rc = LT_OK;

	if (args->argc == 0)
		return lt_catalog_bundles_to_verify(cat, NULL, before, refs, n, err);
	for (int i = 0; !rc && i < args->argc; i++) {
		rc = lt_catalog_resolve(cat, args->argv[i], id, err);
		if (!rc)
			rc = lt_catalog_bundles_to_verify(cat, id, before, &one, &n_one, err);
		if (!rc && n_one == 0 && !before)
			rc = lt_err_set(err, LT_ENOTFOUND, "document %s has no bundle to verify", id);
		if (rc)
			break;
		grown = realloc(all, (n_all + n_one + 1) * sizeof(*all));
		if (!grown) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory listing bundles");
			break;
		}
		all = grown;
		memcpy(all + n_all, one, n_one * sizeof(*one));
		n_all += n_one;
		free(one); /* its contents moved into all */
		one = NULL;
		n_one = 0;
	}
	lt_bundle_refs_free(one, n_one);
	if (rc) {
		lt_bundle_refs_free(all, n_all);
		return rc;
	}
	*refs = all;
	*n = n_all;
	return LT_OK;
}

static void free_paths(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

static int known(char **paths, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], path) == 0)
			return 1;
	return 0;
}

/* Files under bundles/ that the catalog does not know: a bundle from
 * elsewhere, or one whose catalog row was lost. A run installs a bundle a
 * moment before it commits its row, so a file unknown during the walk is
 * looked up again after it: only one still unknown is reported. Printed;
 * *n_strays says how many. */
static int report_strays(struct lt_catalog *cat, const char *archive, size_t *n_strays,
			 struct lt_err *err)
{
	char **before = NULL, **after = NULL, **strays = NULL;
	size_t n_before = 0, n_after = 0;
	int rc = lt_catalog_bundle_paths(cat, &before, &n_before, err);

	*n_strays = 0;
	if (!rc)
		rc = lt_verify_strays(archive, before, n_before, &strays, err);
	if (!rc && strays[0])
		rc = lt_catalog_bundle_paths(cat, &after, &n_after, err);
	for (size_t i = 0; !rc && strays[i]; i++) {
		char *full = NULL;
		struct stat st;
		char found[64];


		if (known(after, n_after, strays[i]))
			continue;
		snprintf(found, sizeof(found), "%s", _("a file"));
		if (lt_path(&full, NULL, "%s/%s", archive, strays[i]) == LT_OK &&
		    stat(full, &st) == 0)
			snprintf(found, sizeof(found), ngettext("%llu byte", "%llu bytes",
								(unsigned long)st.st_size),
				 (unsigned long long)st.st_size);
		free(full);
		print_problem("unknown", strays[i], "", _("no file (the catalog knows no such bundle)"),
			      found);
		(*n_strays)++;
	}
	lt_verify_strays_free(strays);
	free_paths(after, n_after);
	free_paths(before, n_before);
	return rc;
}

/* Each bundle found bad, replaced from a replica whose copy passes every
 * check (replica.h), the repair recorded as an event. Printed; *left says
 * how many could not be repaired. */
static void repair_bad(struct lt_catalog *cat, const char *archive, const struct progress *pr,
		       size_t *left)
{
	*left = 0;
	for (size_t i = 0; i < pr->n_bad; i++) {
		const struct lt_bundle_ref *ref = pr->bad[i];
		struct lt_err err = { 0 };
		char *used = NULL;

		if (lt_replica_repair_any(cat, archive, &ref->bundle, ref->document, &used, &err) ==
		    LT_OK) {
			printf(_("repaired %s from %s\n"), ref->bundle.path, used ? used : _("a replica"));
		} else {
			printf(_("not repaired %s: %s\n"), ref->bundle.path, err.msg);
			(*left)++;
		}
		free(used);
	}
}

static int run_verify(const struct lt_args *args, struct lt_catalog *cat)
{
	const char *since = lt_args_get(args, "since"), *limit = lt_args_get(args, "limit"),
		   *jobs = lt_args_get(args, "jobs");
	struct lt_bundle_ref *refs = NULL;
	struct lt_verify_totals tot = { 0 };
	struct progress pr = { .tty = isatty(STDERR_FILENO) };
	struct lt_verify_opts opts = { .jobs = jobs_default(), .record = 1, .done = on_done,
				       .ud = &pr, .stop = &stop_requested };
	struct lt_err err = { 0 };
	struct sigaction sa = { 0 };
	char before[32], size[32], secs[LT_I18N_NUMBER_MAX];
	size_t n = 0, n_strays = 0, unrepaired = 0;
	double seconds;
	long v;
	int rc;

	if (since) {
		time_t t;
		struct tm tm;

		lt_cmd_int_in(since, 0, 36500, &v);
		t = time(NULL) - (time_t)v * 86400;
		gmtime_r(&t, &tm);
		strftime(before, sizeof(before), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (jobs && lt_cmd_int_in(jobs, 1, 64, &v))
		opts.jobs = (int)v;
	rc = collect(args, cat, since ? before : NULL, &refs, &n, &err);
	if (rc)
		return lt_cmd_fail(&err);
	if (limit && parse_duration(limit, &seconds))
		opts.deadline = lt_monotonic_seconds() + seconds;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pr.total = n;
	pr.t0 = lt_monotonic_seconds();
	pr.repair = lt_args_get(args, "repair") != NULL;
	if (pr.repair && n && !(pr.bad = calloc(n, sizeof(*pr.bad))))
		rc = lt_err_set(&err, LT_ENOMEM, "out of memory");
	if (!rc)
		rc = lt_verify_many(cat, args->cli->archive, refs, n, &opts, &tot, &err);
	clear_progress(&pr);
	if (!rc && pr.repair)
		repair_bad(cat, args->cli->archive, &pr, &unrepaired);
	if (!rc && args->argc == 0)
		rc = report_strays(cat, args->cli->archive, &n_strays, &err);
	lt_bundle_refs_free(refs, n);
	free(pr.bad);
	if (rc)
		return lt_cmd_fail(&err);
	lt_format_bytes(tot.bytes, size);
	printf(ngettext("verified %zu bundle (%s) in %s s: ", "verified %zu bundles (%s) in %s s: ",
			(unsigned long)tot.checked), tot.checked, size, lt_i18n_decimal(tot.seconds, 1, secs));
	printf(_("%zu ok, %zu damaged, %zu missing"), tot.ok, tot.damaged, tot.missing);
	if (args->argc == 0)
		printf(ngettext(", %zu unknown file", ", %zu unknown files", (unsigned long)n_strays),
		       n_strays);
	printf("\n");
	if (tot.not_started)
		printf(ngettext("%zu bundle left for the next run (%s)\n",
				"%zu bundles left for the next run (%s)\n", (unsigned long)tot.not_started),
		       tot.not_started, stop_requested ? _("interrupted") : _("--limit reached"));
	if (pr.repair && pr.n_bad)
		printf(ngettext("repaired %zu of %zu bad bundle from replicas\n",
				"repaired %zu of %zu bad bundles from replicas\n", (unsigned long)pr.n_bad),
		       pr.n_bad - unrepaired, pr.n_bad);
	/* Repaired bundles are sound again: only what is left is a problem. */
	if ((pr.repair ? unrepaired : tot.damaged + tot.missing) || n_strays)
		return LT_EXIT_PROBLEM;
	return stop_requested ? LT_EXIT_PROBLEM : LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "all", 'a', NULL, N_("every bundle of the archive, and files in bundles/ that the\n"
	  "catalog does not know"), NULL },
	{ "since", 0, "DAYS", N_("only bundles not checked in the last DAYS days (and those\n"
	  "whose last check failed)"), check_since },
	{ "limit", 0, "DURATION", N_("start no bundle after DURATION (2h, 30m, 1h30m, 90s); the\n"
	  "next run goes on with the bundles checked longest ago"), check_limit },
	{ "jobs", 'j', "N", N_("bundles checked at once (default: one per core)"), check_jobs },
	{ "repair", 0, NULL, N_("replace each bad bundle by a replica's copy that passes every\n"
	  "check (`luutru replicate`); both copies bad: neither is touched"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_verify = {
	.name = "verify",
	.summary = N_("check that every bundle is still what was archived (fixity)"),
	.usage =
	N_("usage: luutru verify [--archive DIR] (DOC... | --all) [--since DAYS] [--limit DURATION] [-j N]\n"
	"                     [--repair]\n"
	"\n"
	"Checks the bundles of documents DOC (every version), or with --all every\n"
	"bundle of the archive, the ones checked longest ago first. Each tar is read\n"
	"once, never unpacked: its size and SHA-256 against the catalog, every file\n"
	"against the bag's manifests and tag manifest and against the catalog,\n"
	"Payload-Oxum, nothing missing or extra, every path safe, and the bag's top\n"
	"directory and External-Identifier against the document's id. --all also\n"
	"lists files under bundles/ that the catalog does not know.\n"
	"\n"
	"Each check is recorded as a \"fixity\" event of its document (see `luutru\n"
	"show`), with the time of the bundle's last check; a document's state does\n"
	"not change. With --repair, each bad bundle is then replaced by the copy of\n"
	"a replica (`luutru replicate`) that passes every check, and the repair is\n"
	"recorded; when no replica holds a sound copy, nothing is touched.\n"),
	.options = options,
	.epilog =
	N_("Output: one line per problem on stdout,\n"
	"  VERDICT BUNDLE FILE: expected WHAT; found WHAT\n"
	"VERDICT is damaged, missing or unknown; FILE is the path inside the bag, or\n"
	"(tar) for the bundle as a whole. With --repair, `repaired BUNDLE from DIR`\n"
	"or `not repaired BUNDLE: why` for each bad one. Then a summary line. A progress line is\n"
	"shown on stderr when it is a terminal.\n"
	"\n"
	"Exit codes: 0 every bundle checked is sound (or was repaired); 1 a problem\n"
	"was found and remains (or the run was interrupted); 2 usage error; 3 catalog or environment error.\n"
	"\n"
	"Examples:\n"
	"  luutru verify 3f0c9a1b\n"
	"  luutru verify --all --since 30 --limit 2h     # a monthly audit, resumable\n"),
	.min_args = 0,
	.max_args = -1,
	.access = LT_ACCESS_WRITE,
	.check = check_args,
	.run = run_verify,
};
