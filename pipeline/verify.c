/* verify.c - fixity checks of bundles: one streaming read of each tar
 * (lt_bag_read hashes the tar and its members in the same pass), worker
 * threads for many bundles, the catalog writes serialised under one lock. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "luutru/bag.h"
#include "luutru/fsutil.h"
#include "luutru/verify.h"
#include "luutru/i18n.h"

void lt_verify_result_init(struct lt_verify_result *r)
{
	memset(r, 0, sizeof(*r));
}

void lt_verify_result_release(struct lt_verify_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_problems; i++) {
		free(r->problems[i].file);
		free(r->problems[i].expected);
		free(r->problems[i].found);
	}
	free(r->problems);
	memset(r, 0, sizeof(*r));
}

const char *lt_verdict_name(enum lt_verdict v)
{
	switch (v) {
	case LT_VERDICT_OK: return "ok";
	case LT_VERDICT_DAMAGED: return "damaged";
	case LT_VERDICT_MISSING: return "missing";
	}
	return "?";
}

static int add(struct lt_verify_result *r, struct lt_err *err, const char *file,
	       const char *expected, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Appends a problem; the bundle is damaged unless already judged missing. */
static int add(struct lt_verify_result *r, struct lt_err *err, const char *file,
	       const char *expected, const char *fmt, ...)
{
	struct lt_verify_problem *p = realloc(r->problems, (r->n_problems + 1) * sizeof(*p));
	char *found = NULL;
	va_list ap;
	int n;

	if (!p)
		return lt_err_set(err, LT_ENOMEM, "out of memory listing problems");
	r->problems = p;
	va_start(ap, fmt);
	n = vasprintf(&found, fmt, ap);
	va_end(ap);
	p = &r->problems[r->n_problems];
	p->file = strdup(file);
	p->expected = strdup(expected);
	p->found = n < 0 ? NULL : found;
	if (!p->file || !p->expected || !p->found) {
		free(p->file);
		free(p->expected);
		free(p->found);
		return lt_err_set(err, LT_ENOMEM, "out of memory listing problems");
	}
	r->n_problems++;
	if (r->verdict == LT_VERDICT_OK)
		r->verdict = LT_VERDICT_DAMAGED;
	return LT_OK;
}

static const struct lt_bag_file *find_file(const struct lt_bag_report *rep, const char *path)
{
	size_t lo = 0, hi = rep->n_files;

	/* rep->files is sorted bytewise (bag.h). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rep->files[mid].path, path);

		if (c == 0)
			return &rep->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct lt_bundle_file *find_expected(const struct lt_bundle *b, const char *path)
{
	for (size_t i = 0; i < b->n_files; i++)
		if (strcmp(b->files[i].path, path) == 0)
			return &b->files[i];
	return NULL;
}

/* The catalog's list of files against the bag's: the catalog was written
 * from the bag as it was made, so this also catches a bag whose manifests
 * were rewritten to match edited files. */
static int check_files(const struct lt_bag_report *rep, const struct lt_bundle *expect,
		       struct lt_verify_result *r, struct lt_err *err)
{
	char want[128];
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < expect->n_files; i++) {
		const struct lt_bundle_file *e = &expect->files[i];
		const struct lt_bag_file *f = find_file(rep, e->path);

		snprintf(want, sizeof(want), "sha256 %s, %llu bytes (catalog)", e->sha256,
			 (unsigned long long)e->size);
		if (!f)
			rc = add(r, err, e->path, want,
				 "%s", lt_i18n_err_format(N_("not in the bundle")));
		else if (strcmp(f->sha256, e->sha256) != 0 || f->size != e->size)
			rc = add(r, err, e->path, want, "sha256 %s, %llu bytes", f->sha256,
				 (unsigned long long)f->size);
	}
	for (size_t i = 0; !rc && expect->n_files && i < rep->n_files; i++)
		if (!find_expected(expect, rep->files[i].path))
			rc = add(r, err, rep->files[i].path,
				 lt_i18n_err_format(N_("not in the bundle (catalog)")),
				 "sha256 %s, %llu bytes", rep->files[i].sha256,
				 (unsigned long long)rep->files[i].size);
	return rc;
}

/* Right tar, wrong document? Its top directory and External-Identifier
 * name the document it was made for. */
static int check_identity(const struct lt_bag_report *rep, const char *doc_id,
			  struct lt_verify_result *r, struct lt_err *err)
{
	const char *ext = NULL;
	char want[64];
	int rc = LT_OK;

	snprintf(want, sizeof(want), "top directory %s/", doc_id);
	if (!rep->name || strcmp(rep->name, doc_id) != 0)
		rc = add(r, err, "", want, "top directory %s/", rep->name ? rep->name : "");
	for (size_t i = 0; i < rep->n_info; i++)
		if (strcasecmp(rep->info[i].label, "External-Identifier") == 0)
			ext = rep->info[i].value;
	snprintf(want, sizeof(want), "External-Identifier %s", doc_id);
	if (!rc && (!ext || strcmp(ext, doc_id) != 0))
		rc = add(r, err, "bag-info.txt", want, ext ? "External-Identifier %s" : "%s",
			 ext ? ext : "no External-Identifier");
	return rc;
}

int lt_verify_bundle(const char *archive, const struct lt_bundle *expect, const char *doc_id,
		     struct lt_verify_result *out, struct lt_err *err)
{
	struct lt_bag_report *rep = NULL;
	struct lt_err rerr = { 0 };
	char *path = NULL, want[160];
	double t0 = lt_monotonic_seconds();
	struct stat st;
	int rc, read_rc;

	lt_verify_result_release(out);
	snprintf(want, sizeof(want), "sha256 %s, %llu bytes (catalog)", expect->sha256,
		 (unsigned long long)expect->size);
	if (!expect->path)
		return lt_err_set(err, LT_EINTERNAL, "document %s: a bundle without a path", doc_id);
	rc = lt_path(&path, err, "%s/%s", archive, expect->path);
	if (rc)
		return rc;
	if (stat(path, &st) != 0) {
		out->verdict = errno == ENOENT ? LT_VERDICT_MISSING : LT_VERDICT_DAMAGED;
		rc = add(out, err, "", want, "%s",
			 errno == ENOENT ? lt_i18n_err_format(N_("no such file")) : strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = add(out, err, "", want, "%s", lt_i18n_err_format(N_("not a regular file")));
		goto out;
	}
	read_rc = lt_bag_read(path, NULL, &rep, &rerr);
	if (read_rc == LT_ENOMEM) {
		rc = lt_err_set(err, LT_ENOMEM, "%s", rerr.msg);
		goto out;
	}
	if (read_rc) {
		/* Cut short, not a tar, unreadable: whatever it holds is lost. */
		out->bytes = (uint64_t)st.st_size;
		rc = add(out, err, "", want,
			 lt_i18n_err_format(N_("%llu bytes that cannot be read as a bag: %s")),
			 (unsigned long long)st.st_size, rerr.msg);
		goto out;
	}
	out->bytes = rep->size;
	out->n_files = rep->n_files;
	if (strcmp(rep->sha256, expect->sha256) != 0 || rep->size != expect->size)
		rc = add(out, err, "", want, "sha256 %s, %llu bytes", rep->sha256[0] ? rep->sha256 : "?",
			 (unsigned long long)rep->size);
	for (size_t i = 0; !rc && i < rep->n_problems; i++) {
		char what[64];

		snprintf(what, sizeof(what), lt_i18n_err_format(N_("a sound bag (%s)")),
			 lt_bag_problem_name(rep->problems[i].kind));
		rc = add(out, err, rep->problems[i].path, what, "%s", rep->problems[i].reason);
	}
	if (!rc)
		rc = check_identity(rep, doc_id, out, err);
	if (!rc)
		rc = check_files(rep, expect, out, err);
out:
	out->seconds = lt_monotonic_seconds() - t0;
	lt_bag_report_free(rep);
	free(path);
	return rc;
}

/* ---- many bundles ---- */

#define MAX_DETAIL_PROBLEMS 10

struct pool {
	struct lt_catalog *cat;
	const char *archive;
	const struct lt_bundle_ref *refs;
	size_t n, next;
	const struct lt_verify_opts *opts;
	struct lt_verify_totals *totals;
	pthread_mutex_t lock;   /* next, totals, cat, opts->done, rc/err */
	int rc;
	struct lt_err err;
};

static void utc_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The event's detail: the verdict and, on failure, every problem, so the
 * history alone says what was found. */
static int detail_of(const struct lt_bundle_ref *ref, const struct lt_verify_result *res,
		     struct lt_buf *b, struct lt_err *err)
{
	int rc = lt_buf_printf(b, err, "fixity check of %s (version %d): %s", ref->bundle.path,
			       ref->bundle.version, lt_verdict_name(res->verdict));

	if (!rc && res->verdict == LT_VERDICT_OK)
		rc = lt_buf_printf(b, err, ", %zu files, sha256 %s", res->n_files, ref->bundle.sha256);
	/* A bundle damaged all over would make one huge event: the first
	 * problems say what happened, `luutru verify DOC` lists them all. */
	for (size_t i = 0; !rc && i < res->n_problems && i < MAX_DETAIL_PROBLEMS; i++)
		rc = lt_buf_printf(b, err, "%s %s: expected %s; found %s", i ? ";" : ":",
				   res->problems[i].file[0] ? res->problems[i].file : "(tar)",
				   res->problems[i].expected, res->problems[i].found);
	if (!rc && res->n_problems > MAX_DETAIL_PROBLEMS)
		rc = lt_buf_printf(b, err, "; and %zu more problems",
				   res->n_problems - MAX_DETAIL_PROBLEMS);
	return rc;
}

static int claim(struct pool *p, size_t *i)
{
	int go = 0;

	pthread_mutex_lock(&p->lock);
	if (!p->rc && p->next < p->n && !(p->opts->stop && *p->opts->stop) &&
	    !(p->opts->deadline > 0 && lt_monotonic_seconds() >= p->opts->deadline)) {
		*i = p->next++;
		go = 1;
	}
	pthread_mutex_unlock(&p->lock);
	return go;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct lt_verify_result res;
	struct lt_buf detail = { 0 };
	size_t i;

	lt_verify_result_init(&res);
	while (claim(p, &i)) {
		const struct lt_bundle_ref *ref = &p->refs[i];
		struct lt_err err = { 0 };
		char at[32];
		int rc = lt_verify_bundle(p->archive, &ref->bundle, ref->document, &res, &err);

		lt_buf_reset(&detail);
		if (!rc && p->opts->record)
			rc = detail_of(ref, &res, &detail, &err);
		pthread_mutex_lock(&p->lock);
		utc_now(at);
		if (!rc && p->opts->record)
			rc = lt_catalog_record_fixity(p->cat, ref, res.verdict == LT_VERDICT_OK, at,
						      lt_buf_str(&detail), &err);
		if (!rc) {
			p->totals->checked++;
			p->totals->bytes += res.bytes;
			if (res.verdict == LT_VERDICT_OK)
				p->totals->ok++;
			else if (res.verdict == LT_VERDICT_MISSING)
				p->totals->missing++;
			else
				p->totals->damaged++;
			if (p->opts->done)
				p->opts->done(p->opts->ud, ref, &res);
		} else if (!p->rc) {
			p->rc = rc;
			p->err = err;
		}
		pthread_mutex_unlock(&p->lock);
	}
	lt_buf_release(&detail);
	lt_verify_result_release(&res);
	return NULL;
}

int lt_verify_many(struct lt_catalog *cat, const char *archive, const struct lt_bundle_ref *refs,
		   size_t n, const struct lt_verify_opts *opts, struct lt_verify_totals *totals,
		   struct lt_err *err)
{
	struct pool p = { .cat = cat, .archive = archive, .refs = refs, .n = n, .opts = opts,
			  .totals = totals };
	pthread_t threads[64];
	int jobs = opts->jobs < 1 ? 1 : opts->jobs > 64 ? 64 : opts->jobs, started = 0, e;
	double t0 = lt_monotonic_seconds();

	memset(totals, 0, sizeof(*totals));
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	pthread_mutex_init(&p.lock, NULL);
	/* The calling thread is a worker too: one thread needs no pool. */
	for (int i = 1; i < jobs; i++) {
		e = pthread_create(&threads[started], NULL, worker, &p);
		if (e) {
			/* Fewer workers is slower, not wrong. */
			break;
		}
		started++;
	}
	worker(&p);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.lock);
	totals->not_started = n - p.next;
	totals->seconds = lt_monotonic_seconds() - t0;
	if (p.rc) {
		if (err)
			*err = p.err;
		return p.rc;
	}
	return LT_OK;
}

/* ---- files nobody knows ---- */

struct strays {
	char **known;       /* sorted copy of the catalog's paths (borrowed strings) */
	size_t n_known;
	char **list;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *archive, const char *rel, struct strays *s, struct lt_err *err)
{
	char *dir = NULL, *child = NULL;
	DIR *d = NULL;
	struct dirent *de;
	int rc = lt_path(&dir, err, "%s/%s", archive, rel);

	if (rc)
		return rc;
	d = opendir(dir);
	if (!d) {
		rc = errno == ENOENT && strcmp(rel, "bundles") == 0
			     ? LT_OK
			     : lt_err_set(err, LT_EIO, "cannot read folder '%s': %s", dir, strerror(errno));
		free(dir);
		return rc;
	}
	while (!rc && (errno = 0, de = readdir(d))) {
		struct stat st;
		char *full = NULL;
		const char *key;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		free(child);
		child = NULL;
		rc = lt_path(&child, err, "%s/%s", rel, de->d_name);
		if (!rc)
			rc = lt_path(&full, err, "%s/%s", archive, child);
		if (rc)
			break;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			free(full);
			rc = walk(archive, child, s, err);
			continue;
		}
		free(full);
		key = child;
		if (bsearch(&key, s->known, s->n_known, sizeof(*s->known), cmp_str))
			continue;
		if (s->n + 1 >= s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			char **grown = realloc(s->list, cap * sizeof(*grown));

			if (!grown) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory listing files");
				break;
			}
			s->list = grown;
			s->cap = cap;
		}
		s->list[s->n++] = child;
		s->list[s->n] = NULL;
		child = NULL;
	}
	if (!rc && errno)
		rc = lt_err_set(err, LT_EIO, "cannot read folder '%s': %s", dir, strerror(errno));
	free(child);
	closedir(d);
	free(dir);
	return rc;
}

void lt_verify_strays_free(char **strays)
{
	if (!strays)
		return;
	for (size_t i = 0; strays[i]; i++)
		free(strays[i]);
	free(strays);
}

int lt_verify_strays(const char *archive, char *const *known, size_t n_known, char ***out,
		     struct lt_err *err)
{
	struct strays s = { 0 };
	int rc;

	*out = NULL;
	s.known = malloc((n_known ? n_known : 1) * sizeof(*s.known));
	s.list = calloc(1, sizeof(*s.list));
	s.cap = 1;
	if (!s.known || !s.list) {
		free(s.known);
		free(s.list);
		return lt_err_set(err, LT_ENOMEM, "out of memory listing files");
	}
	memcpy(s.known, known, n_known * sizeof(*known));
	s.n_known = n_known;
	qsort(s.known, n_known, sizeof(*s.known), cmp_str);
	rc = walk(archive, "bundles", &s, err);
	free(s.known);
	if (rc) {
		lt_verify_strays_free(s.list);
		return rc;
	}
	qsort(s.list, s.n, sizeof(*s.list), cmp_str);
	*out = s.list;
	return LT_OK;
}
