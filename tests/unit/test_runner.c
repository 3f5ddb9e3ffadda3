/* test_runner.c - unit tests for runner.h with fake stages on a real catalog
 * in a temp archive: the order of a pipeline's hooks, the per-document work
 * folder, a stage failing in begin, on a page and in end (the document fails
 * with the stage's name and reason, the begun stages are aborted in reverse,
 * the run goes on), warnings recorded as events, and stages without open or
 * close. The real commit stage records the documents. One worker, so the
 * order of calls is deterministic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/layout.h"
#include "luutru/runner.h"

struct fx {
	char dir[64];
	char archive[128];
};

/* What the fake stages do, set by each test; what they saw, read after the
 * run. The worker thread only records: assertions run on the main thread. */
struct script {
	const char *fail_stage;  /* "P" or "D" */
	const char *fail_hook;   /* "begin", "page", "doc", "end" */
	const char *fail_label;  /* document */
	int fail_page;
	const char *warn_label;  /* P and D warn on this document */
	const char *die_label;   /* P kills the process on this document's page 1 */
	int die_signal;          /* SIGABRT: abort() (a crash); SIGKILL: as from outside */
};

static struct script script;
static struct lt_buf calls;              /* "open:P begin:P:a ..." */
static char seen_work[8][300];           /* work folders the documents had */
static int n_seen_work;
static int spool_missing;                /* a spooled file was gone before its end */
static int stale_work;                   /* an earlier document's folder outlived it */
static int progress_failed;
static int bad_args;                     /* a hook got a state or page it should not have */
static char progress_stage[32];
/* The shared-pages cases (below): whether the other worker is reading a
 * page, and whether a document was concluded meanwhile. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static int helper_reading;
static int concluded_while_reading;

static void called(const char *hook, const char *stage, const struct lt_job *job, int page)
{
	if (calls.len)
		lt_buf_puts(&calls, " ", NULL);
	lt_buf_printf(&calls, NULL, "%s:%s", hook, stage);
	if (job)
		lt_buf_printf(&calls, NULL, ":%s", job->doc->label);
	if (page)
		lt_buf_printf(&calls, NULL, ":%d", page);
}

static int fails(const char *stage, const char *hook, const struct lt_job *job, int page)
{
	return script.fail_stage && strcmp(script.fail_stage, stage) == 0 &&
	       strcmp(script.fail_hook, hook) == 0 && strcmp(script.fail_label, job->doc->label) == 0 &&
	       (!page || page == script.fail_page);
}

static char *spool_path(const struct lt_job *job, const char *name)
{
	char *p = NULL;

	lt_path(&p, NULL, "%s/%s", job->work_dir, name);
	return p;
}

/* ---- stage P: page-scoped, every hook ---- */

static int p_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	(void)ctx;
	(void)err;
	*state = &script;
	called("open", "P", NULL, 0);
	return LT_OK;
}

static int p_begin(void *state, struct lt_job *job, struct lt_err *err)
{
	(void)state;
	called("begin", "P", job, 0);
	/* Removed as soon as its document was done, not at the end of the run. */
	for (int i = 0; i < n_seen_work; i++)
		stale_work |= exists(seen_work[i]);
	stale_work |= !job->work_dir || !exists(job->work_dir);
	if (n_seen_work < 8)
		snprintf(seen_work[n_seen_work++], sizeof(seen_work[0]), "%s", job->work_dir);
	if (fails("P", "begin", job, 0))
		return lt_err_set(err, LT_EINPUT, "P refused %s", job->doc->label);
	return LT_OK;
}

static int p_page(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	char name[32], *path;
	int rc = LT_OK;

	(void)state;
	called("page", "P", job, page->number);
	/* Fault injection, compiled only into this test: a real death. */
	if (script.die_label && strcmp(script.die_label, job->doc->label) == 0 && page->number == 1) {
		if (script.die_signal == SIGABRT)
			abort();
		raise(script.die_signal);
	}
	if (fails("P", "page", job, page->number))
		return lt_err_set(err, LT_EINPUT, "P could not read page %d of %s", page->number,
				  job->doc->label);
	free(page->text);
	if (lt_strdup("some words", &page->text, err))
		return LT_ENOMEM;
	/* Spooled like hOCR: in the work folder until the end. */
	snprintf(name, sizeof(name), "%04d.spool", page->number);
	path = spool_path(job, name);
	if (!path)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	FILE *f = fopen(path, "w");
	if (!f || fputs("spooled", f) < 0)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s'", path);
	if (f)
		fclose(f);
	free(path);
	if (!rc && script.warn_label && strcmp(script.warn_label, job->doc->label) == 0)
		rc = lt_job_warn(job, err, "page %d is faint", page->number);
	return rc;
}

static int p_end(void *state, struct lt_job *job, struct lt_err *err)
{
	char *path = spool_path(job, "0001.spool");

	(void)state;
	called("end", "P", job, 0);
	if (!path || !exists(path))
		spool_missing = 1;
	free(path);
	if (fails("P", "end", job, 0))
		return lt_err_set(err, LT_EINPUT, "P could not finish %s", job->doc->label);
	return LT_OK;
}

static void p_abort(void *state, struct lt_job *job)
{
	(void)state;
	called("abort", "P", job, 0);
}

static void p_describe(void *state, const struct lt_job *job, struct lt_buf *note)
{
	(void)state;
	lt_buf_printf(note, NULL, "P read %zu pages", job->doc->n_pages);
}

static void p_close(void *state)
{
	bad_args |= state != &script;
	called("close", "P", NULL, 0);
}

static const struct lt_stage stage_p = {
	.name = "P",
	.scope = LT_PER_PAGE,
	.event = "p-done",
	.open = p_open,
	.begin = p_begin,
	.process = p_page,
	.end = p_end,
	.abort = p_abort,
	.describe = p_describe,
	.close = p_close,
};

/* ---- stage D: document-scoped, no open, no close, no event; fills the
 * bundle so the real commit stage can record the document ---- */

static int d_begin(void *state, struct lt_job *job, struct lt_err *err)
{
	(void)state;
	called("begin", "D", job, 0);
	if (fails("D", "begin", job, 0))
		return lt_err_set(err, LT_EINPUT, "D refused %s", job->doc->label);
	return LT_OK;
}

static int d_doc(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	struct lt_doc *doc = job->doc;
	int rc;

	(void)state;
	bad_args |= page != NULL;
	called("doc", "D", job, 0);
	if (fails("D", "doc", job, 0))
		return lt_err_set(err, LT_EINPUT, "D could not package %s", doc->label);
	lt_bundle_release(&doc->bundle);
	doc->bundle.version = 1;
	rc = lt_layout_bundle_path(doc->id, 1, &doc->bundle.path, err);
	doc->bundle.size = 10;
	if (!rc)
		rc = lt_sha256_mem("x", 1, doc->bundle.sha256, err);
	lt_now_iso8601(doc->bundle.created);
	if (!rc && script.warn_label && strcmp(script.warn_label, doc->label) == 0)
		rc = lt_job_warn(job, err, "D found %s odd", doc->label);
	return rc;
}

static int d_end(void *state, struct lt_job *job, struct lt_err *err)
{
	(void)state;
	called("end", "D", job, 0);
	if (fails("D", "end", job, 0))
		return lt_err_set(err, LT_EVERIFY, "D found %s changed", job->doc->label);
	return LT_OK;
}

static void d_abort(void *state, struct lt_job *job)
{
	(void)state;
	called("abort", "D", job, 0);
}

static const struct lt_stage stage_d = {
	.name = "D",
	.scope = LT_PER_DOCUMENT,
	.event = NULL,
	.begin = d_begin,
	.process = d_doc,
	.end = d_end,
	.abort = d_abort,
};

static const struct lt_stage *const test_stages[] = { &stage_p, &stage_d, &lt_stage_commit };
static const struct lt_pipeline test_pipeline = { "test", test_stages, 3, 0 };

/* ---- fixture ---- */

/* Where the scans are said to be; their content is their label. */
static char inbox[128] = "/srv/inbox";

/* A document of `pages` pages from one made-up scan named label. */
static void add_doc(struct lt_catalog *cat, int64_t batch, const char *label, int pages)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };
	char path[200], sha[LT_SHA256_HEX];
	int added = 0;

	assert_non_null(doc);
	snprintf(path, sizeof(path), "%s/%s.tif", inbox, label);
	assert_int_equal(lt_sha256_mem(label, strlen(label), sha, &err), LT_OK);
	assert_int_equal(lt_doc_add_source(doc, path, sha, 100, pages, "tif", &err), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup(label, &doc->label, &err), LT_OK);
	assert_int_equal(lt_strdup(path, &doc->origin, &err), LT_OK);
	assert_int_equal(lt_catalog_add_document(cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	lt_doc_free(doc);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lt-test-runner.XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->archive, sizeof(fx->archive), "%s/archive", fx->dir);
	memset(&script, 0, sizeof(script));
	lt_buf_release(&calls);
	n_seen_work = 0;
	spool_missing = 0;
	progress_failed = 0;
	bad_args = 0;
	stale_work = 0;
	snprintf(inbox, sizeof(inbox), "/srv/inbox");
	progress_stage[0] = '\0';
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	int rc = lt_remove_tree(fx->dir, &err) == LT_OK ? 0 : -1;

	lt_buf_release(&calls);
	free(fx);
	return rc;
}

/* Queues documents a (1 page), b (2 pages), c (1 page), in that order. */
static void queue_abc(const struct fx *fx)
{
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	int64_t batch = 0;

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &cat, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(cat, batch, "a", 1);
	add_doc(cat, batch, "b", 2);
	add_doc(cat, batch, "c", 1);
	lt_catalog_close(cat);
}

static void progress(void *ud, enum lt_run_event what, const struct lt_doc *doc, const char *stage,
		     const struct lt_err *failure, double seconds)
{
	(void)ud;
	(void)doc;
	(void)seconds;
	if (what == LT_RUN_FAILED || what == LT_RUN_ARCHIVED) {
		pthread_mutex_lock(&shared_lock);
		concluded_while_reading |= helper_reading > 0;
		pthread_mutex_unlock(&shared_lock);
	}
	if (what == LT_RUN_FAILED) {
		progress_failed++;
		snprintf(progress_stage, sizeof(progress_stage), "%s", stage);
		assert_non_null(failure);
	}
}

static void run(const struct fx *fx, struct lt_run_report *rep)
{
	struct lt_run_opts opts = { .archive = fx->archive, .jobs = 1, .lang = "vie+eng" };
	struct lt_err err = { 0 };

	assert_int_equal(lt_run(&test_pipeline, &opts, progress, NULL, rep, &err), LT_OK);
	assert_false(bad_args);
	assert_false(stale_work);
}

/* Loads the document labelled label, of `pages` pages. Returns: owned. */
static struct lt_doc *load_pages(const struct fx *fx, const char *label, int pages)
{
	struct lt_catalog *cat = NULL;
	struct lt_doc *probe = lt_doc_new(), *doc = NULL;
	struct lt_err err = { 0 };
	char path[200], sha[LT_SHA256_HEX];

	assert_non_null(probe);
	snprintf(path, sizeof(path), "%s/%s.tif", inbox, label);
	assert_int_equal(lt_sha256_mem(label, strlen(label), sha, &err), LT_OK);
	assert_int_equal(lt_doc_add_source(probe, path, sha, 100, pages, "tif", &err), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(probe, &err), LT_OK);
	assert_int_equal(lt_doc_compute_id(probe, &err), LT_OK);
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &cat, &err), LT_OK);
	assert_int_equal(lt_catalog_load(cat, probe->id, &doc, &err), LT_OK);
	lt_catalog_close(cat);
	lt_doc_free(probe);
	return doc;
}

/* Loads a, b (2 pages) or c. Returns: owned. */
static struct lt_doc *load(const struct fx *fx, const char *label)
{
	return load_pages(fx, label, strcmp(label, "b") ? 1 : 2);
}

static const struct lt_event *find_event(const struct lt_doc *doc, const char *type)
{
	for (size_t i = 0; i < doc->n_events; i++)
		if (strcmp(doc->events[i].type, type) == 0)
			return &doc->events[i];
	return NULL;
}

/* work/ holds nothing: every document's folder and the run's are gone. */
static void expect_work_empty(const struct fx *fx)
{
	char work[200];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(work, sizeof(work), "%s/work", fx->archive);
	d = opendir(work);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	assert_int_equal(n, 0);
	for (int i = 0; i < n_seen_work; i++) {
		assert_non_null(strstr(seen_work[i], "/work/"));
		assert_false(exists(seen_work[i]));
	}
}

static void expect_calls(const char *want)
{
	if (!strstr(lt_buf_str(&calls), want))
		fail_msg("calls\n  %s\ndo not contain\n  %s", lt_buf_str(&calls), want);
}

/* ---- cases ---- */

static void test_all_good(void **state)
{
	struct fx *fx = *state;
	struct lt_run_report rep;
	struct lt_doc *doc;

	queue_abc(fx);
	run(fx, &rep);
	assert_int_equal(rep.workers, 1);
	assert_int_equal(rep.archived, 3);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.pages_archived, 4);
	/* open once; each document (b first: the longest is claimed first):
	 * every begin, pages through P, then P's end before D's document work
	 * and D's end; close once. */
	assert_string_equal(lt_buf_str(&calls),
			    "open:P "
			    "begin:P:b begin:D:b page:P:b:1 page:P:b:2 end:P:b doc:D:b end:D:b "
			    "begin:P:a begin:D:a page:P:a:1 end:P:a doc:D:a end:D:a "
			    "begin:P:c begin:D:c page:P:c:1 end:P:c doc:D:c end:D:c "
			    "close:P");
	assert_int_equal(n_seen_work, 3);
	/* Each document had its own folder, inside this run's folder. */
	assert_string_not_equal(seen_work[0], seen_work[1]);
	assert_non_null(strstr(seen_work[1], "/work/"));
	assert_false(spool_missing);
	expect_work_empty(fx);

	doc = load(fx, "b");
	assert_int_equal(doc->state, LT_ARCHIVED);
	assert_non_null(doc->bundle.path);
	const struct lt_event *ev = find_event(doc, "p-done");
	assert_non_null(ev);
	assert_string_equal(ev->outcome, "success");
	assert_string_equal(ev->detail, "P read 2 pages");
	/* D has no event and did not warn: none recorded. */
	assert_null(find_event(doc, "D"));
	lt_doc_free(doc);
}

/* Fails b at (stage, hook, page); the run goes on with a (b, the longest,
 * was claimed first) and c. */
static void run_failing(const struct fx *fx, const char *stage, const char *hook, int page,
			const char *reason, const char *want_calls)
{
	struct lt_run_report rep;
	struct lt_doc *doc;

	script.fail_stage = stage;
	script.fail_hook = hook;
	script.fail_label = "b";
	script.fail_page = page;
	queue_abc(fx);
	run(fx, &rep);
	assert_int_equal(rep.archived, 2);
	assert_int_equal(rep.failed, 1);
	assert_int_equal(rep.pages_failed, 2);
	assert_int_equal(progress_failed, 1);
	assert_string_equal(progress_stage, stage);
	expect_calls(want_calls);
	expect_work_empty(fx);

	doc = load(fx, "b");
	assert_int_equal(doc->state, LT_FAILED);
	assert_non_null(doc->failure);
	assert_non_null(strstr(doc->failure, stage));
	assert_non_null(strstr(doc->failure, reason));
	assert_null(doc->bundle.path);
	lt_doc_free(doc);
	doc = load(fx, "c");
	assert_int_equal(doc->state, LT_ARCHIVED);
	lt_doc_free(doc);
}

static void test_fail_in_begin(void **state)
{
	/* D's begin failed: only P had begun, and only P is aborted; nothing
	 * of b is processed. */
	run_failing(*state, "D", "begin", 0, "D refused b",
		    "begin:P:b begin:D:b abort:P:b begin:P:a");
}

static void test_fail_on_page_2(void **state)
{
	run_failing(*state, "P", "page", 2, "P could not read page 2 of b",
		    "page:P:b:1 page:P:b:2 abort:D:b abort:P:b begin:P:a");
}

static void test_fail_in_end(void **state)
{
	/* P had ended already: it is aborted too, after D, in reverse order. */
	run_failing(*state, "D", "end", 0, "D found b changed",
		    "end:P:b doc:D:b end:D:b abort:D:b abort:P:b begin:P:a");
}

static void test_warning(void **state)
{
	struct fx *fx = *state;
	struct lt_run_report rep;
	struct lt_doc *doc;
	const struct lt_event *ev;

	script.warn_label = "b";
	queue_abc(fx);
	run(fx, &rep);
	assert_int_equal(rep.archived, 3);
	assert_int_equal(rep.failed, 0);

	doc = load(fx, "b");
	assert_int_equal(doc->state, LT_ARCHIVED);
	ev = find_event(doc, "p-done");
	assert_non_null(ev);
	assert_string_equal(ev->outcome, "warning");
	assert_string_equal(ev->detail, "P read 2 pages; page 1 is faint; page 2 is faint");
	/* A stage without an event of its own gets one named after it. */
	ev = find_event(doc, "D");
	assert_non_null(ev);
	assert_string_equal(ev->outcome, "warning");
	assert_string_equal(ev->detail, "D found b odd");
	lt_doc_free(doc);

	/* Warnings belong to their document: c's event is a success. */
	doc = load(fx, "c");
	ev = find_event(doc, "p-done");
	assert_non_null(ev);
	assert_string_equal(ev->outcome, "success");
	assert_null(find_event(doc, "D"));
	lt_doc_free(doc);
}

/* A pipeline of one page stage without open, close or any other hook but
 * process, and the commit: it runs, and nothing is recorded as failed. */
static int bare_page(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	struct lt_doc *doc = job->doc;

	bad_args |= state != NULL;
	free(page->text);
	if (lt_strdup("text", &page->text, err))
		return LT_ENOMEM;
	if (!doc->bundle.path) {
		doc->bundle.version = 1;
		if (lt_layout_bundle_path(doc->id, 1, &doc->bundle.path, err))
			return LT_ENOMEM;
		lt_sha256_mem("y", 1, doc->bundle.sha256, err);
		lt_now_iso8601(doc->bundle.created);
	}
	return LT_OK;
}

static void test_stage_without_open_close(void **state)
{
	static const struct lt_stage bare = { .name = "bare", .scope = LT_PER_PAGE, .process = bare_page };
	static const struct lt_stage *const stages[] = { &bare, &lt_stage_commit };
	static const struct lt_pipeline pl = { "bare", stages, 2, 0 };
	struct fx *fx = *state;
	struct lt_run_opts opts = { .archive = fx->archive, .jobs = 2, .lang = "eng" };
	struct lt_run_report rep;
	struct lt_err err = { 0 };
	struct lt_doc *doc;

	queue_abc(fx);
	assert_int_equal(lt_run(&pl, &opts, NULL, NULL, &rep, &err), LT_OK);
	assert_false(bad_args);
	assert_int_equal(rep.archived, 3);
	assert_int_equal(rep.failed, 0);
	doc = load(fx, "a");
	assert_int_equal(doc->state, LT_ARCHIVED);
	assert_string_equal(doc->lang, "eng");
	lt_doc_free(doc);
	n_seen_work = 0;
	expect_work_empty(fx);
}

/* ---- with the real package stage ---- */

/* Page stage O: OCR as the real one leaves it: text in memory, hOCR and
 * ALTO spooled. */
static int o_page(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	static const enum lt_layout_page_file kinds[] = { LT_PAGE_HOCR, LT_PAGE_ALTO };
	int rc;

	(void)state;
	free(page->text);
	rc = lt_strdup("chữ Việt", &page->text, err);
	for (size_t k = 0; !rc && k < 2; k++) {
		char *path = NULL;
		FILE *f;

		rc = lt_layout_work_page(job->work_dir, page->number, kinds[k], &path, err);
		if (rc)
			return rc;
		f = fopen(path, "w");
		if (!f || fputs(k ? "<alto/>\n" : "<html>hocr</html>\n", f) < 0)
			rc = lt_err_set(err, LT_EIO, "cannot write '%s'", path);
		if (f)
			fclose(f);
		free(path);
	}
	return rc;
}

/* Document stage X, after package: fails document b. */
static int x_doc(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	(void)state;
	(void)page;
	if (strcmp(job->doc->label, "b") == 0)
		return lt_err_set(err, LT_EINPUT, "X rejects b after packaging");
	return LT_OK;
}

/* Document stage P, before package: writes the access copy where the PDF
 * stage will, for documents a and c only. */
static const char access_pdf[] = "%PDF-1.7\n% a stand-in access copy\n%%EOF\n";

static int p_doc(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	char *path = NULL;
	int rc;

	(void)state;
	(void)page;
	if (strcmp(job->doc->label, "b") == 0)
		return LT_OK;
	rc = lt_layout_work_access_pdf(job->work_dir, &path, err);
	if (!rc)
		write_file(path, access_pdf, sizeof(access_pdf) - 1);
	free(path);
	return rc;
}

/* The bundle holds the access copy when the work folder has one, and
 * METS lists it; without one, neither. */
static void test_package_access_copy(void **state)
{
	static const struct lt_stage o = { .name = "O", .scope = LT_PER_PAGE, .process = o_page };
	static const struct lt_stage p = { .name = "P", .scope = LT_PER_DOCUMENT, .process = p_doc };
	static const struct lt_stage *const stages[] = { &o, &p, &lt_stage_package, &lt_stage_commit };
	/* Package and commit in the I/O thread, as the archive pipeline has them. */
	static const struct lt_pipeline pl = { "package", stages, 4, 2 };
	struct fx *fx = *state;
	struct lt_run_opts opts = { .archive = fx->archive, .jobs = 1, .lang = "vie" };
	struct lt_run_report rep;
	struct lt_err err = { 0 };
	const char *labels[] = { "a", "b", "c" };

	snprintf(inbox, sizeof(inbox), "%s", fx->dir);
	for (size_t i = 0; i < 3; i++) {
		char path[200];

		snprintf(path, sizeof(path), "%s/%s.tif", fx->dir, labels[i]);
		write_file(path, labels[i], 1);
	}
	queue_abc(fx);
	assert_int_equal(lt_run(&pl, &opts, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.archived, 3);
	for (size_t i = 0; i < 2; i++) {
		struct lt_doc *doc = load(fx, i ? "b" : "a");
		struct lt_buf mets = LT_BUF_INIT;
		char *pdf = NULL, *tar = NULL, metsfile[300], href[120];
		int found = 0, fd;

		assert_int_equal(lt_layout_access_pdf(doc->id, &pdf, &err), LT_OK);
		for (size_t k = 0; k < doc->bundle.n_files; k++)
			found |= strcmp(doc->bundle.files[k].path, pdf) == 0 &&
				 doc->bundle.files[k].size == sizeof(access_pdf) - 1;
		assert_int_equal(found, i == 0);
		/* METS, taken out of the bundle with its digest checked. */
		assert_int_equal(lt_path(&tar, &err, "%s/%s", fx->archive, doc->bundle.path), LT_OK);
		snprintf(metsfile, sizeof(metsfile), "%s/mets-%zu.xml", fx->dir, i);
		fd = open(metsfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(lt_bag_extract(tar, LT_LAYOUT_METS, fd, &err), LT_OK);
		close(fd);
		read_file(metsfile, &mets);
		snprintf(href, sizeof(href), "xlink:href=\"%s\"", pdf + strlen("data/"));
		assert_int_equal(strstr(lt_buf_str(&mets), href) != NULL, i == 0);
		assert_int_equal(strstr(lt_buf_str(&mets), "USE=\"access\"") != NULL, i == 0);
		lt_buf_release(&mets);
		free(pdf);
		free(tar);
		lt_doc_free(doc);
	}
}

static void test_package_abort_and_versions(void **state)
{
	static const struct lt_stage o = { .name = "O", .scope = LT_PER_PAGE, .process = o_page };
	static const struct lt_stage x = { .name = "X", .scope = LT_PER_DOCUMENT, .process = x_doc };
	static const struct lt_stage *const stages[] = { &o, &lt_stage_package, &x, &lt_stage_commit };
	/* Package, X and commit in the I/O thread: X's failure aborts the
	 * package stage there. */
	static const struct lt_pipeline pl = { "package", stages, 4, 1 };
	struct fx *fx = *state;
	struct lt_run_opts opts = { .archive = fx->archive, .jobs = 1, .lang = "vie" };
	struct lt_run_report rep;
	struct lt_err err = { 0 };
	struct lt_doc *doc;
	char *abs = NULL;
	const char *labels[] = { "a", "b", "c" };

	snprintf(inbox, sizeof(inbox), "%s", fx->dir);
	for (size_t i = 0; i < 3; i++) {
		char path[200];

		snprintf(path, sizeof(path), "%s/%s.tif", fx->dir, labels[i]);
		write_file(path, labels[i], 1);
	}
	queue_abc(fx);
	assert_int_equal(lt_run(&pl, &opts, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.archived, 2);
	assert_int_equal(rep.failed, 1);

	/* b's bundle had been moved into place before X failed it: the
	 * package stage's abort took it back. */
	doc = load(fx, "b");
	assert_int_equal(doc->state, LT_FAILED);
	assert_non_null(strstr(doc->failure, "X rejects b"));
	assert_int_equal(lt_path(&abs, &err, "%s/bundles/%.2s/%s.tar", fx->archive, doc->id, doc->id),
			 LT_OK);
	assert_false(exists(abs));
	free(abs);
	lt_doc_free(doc);

	/* a's bundle is version 1 at the name bundles always had, with the
	 * spooled hOCR streamed in. */
	doc = load(fx, "a");
	assert_int_equal(doc->state, LT_ARCHIVED);
	assert_int_equal(doc->bundle.version, 1);
	assert_int_equal(lt_layout_bundle_path(doc->id, 1, &abs, &err), LT_OK);
	assert_string_equal(doc->bundle.path, abs);
	free(abs);
	int hocr = 0;
	for (size_t i = 0; i < doc->bundle.n_files; i++)
		hocr |= strcmp(doc->bundle.files[i].path, "data/representations/ocr/data/0001.hocr") == 0 &&
			doc->bundle.files[i].size == strlen("<html>hocr</html>\n");
	assert_true(hocr);
	lt_doc_free(doc);
	n_seen_work = 0;
	expect_work_empty(fx);
}

/* Nothing queued: no worker, no run folder left behind. */
static void test_nothing_to_do(void **state)
{
	struct fx *fx = *state;
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	struct lt_run_report rep;

	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &cat, &err), LT_OK);
	lt_catalog_close(cat);
	run(fx, &rep);
	assert_int_equal(rep.workers, 0);
	assert_string_equal(lt_buf_str(&calls), "");
	expect_work_empty(fx);
}

/* ---- deaths: a crash of the document's own counts, an outside kill not ---- */

/* One run in a child process (it may die); returns its wait status. */
static int run_in_child(const struct fx *fx, const char *die_label, int die_signal)
{
	pid_t pid;
	int status = 0;

	script.die_label = die_label;
	script.die_signal = die_signal;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct lt_run_opts opts = { .archive = fx->archive, .jobs = 1, .lang = "vie" };
		struct lt_run_report rep;
		struct lt_err err = { 0 };

		_exit(lt_run(&test_pipeline, &opts, NULL, NULL, &rep, &err) == LT_OK ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	script.die_label = NULL;
	return status;
}

static void expect_state(const struct fx *fx, const char *label, enum lt_doc_state state)
{
	struct lt_doc *doc = load(fx, label);

	if (doc->state != state)
		fail_msg("%s is %s, not %s", label, lt_doc_state_name(doc->state), lt_doc_state_name(state));
	lt_doc_free(doc);
}

/* b kills the process from outside (SIGKILL, as the OOM killer or kill -9)
 * in five runs in a row: never its fault, so it is not failed, and the run
 * after archives it. Before the crash record, the third kill failed it. */
static void test_outside_kills_blame_nobody(void **state)
{
	struct fx *fx = *state;
	struct lt_run_report rep;
	struct lt_doc *doc;

	queue_abc(fx);
	for (int i = 0; i < LT_MAX_ATTEMPTS + 2; i++) {
		int st = run_in_child(fx, "b", SIGKILL);

		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGKILL);
		expect_state(fx, "b", LT_PROCESSING);
	}
	/* b, the longest, was claimed first by every killed run: a and c wait. */
	run(fx, &rep);
	assert_int_equal(rep.given_up, 0);
	assert_int_equal(rep.requeued, 1);
	assert_int_equal(rep.archived, 3);
	doc = load(fx, "b");
	assert_int_equal(doc->state, LT_ARCHIVED);
	assert_int_equal(doc->attempts, 1);
	lt_doc_free(doc);
	expect_state(fx, "a", LT_ARCHIVED);
	expect_state(fx, "c", LT_ARCHIVED);
}

/* b crashes the process (abort(): SIGABRT) every time: the crash handler
 * names it, so after LT_MAX_ATTEMPTS crashes it is failed with the reason,
 * and c, never in hand when it crashed, is archived. */
static void test_real_crash_fails_the_culprit(void **state)
{
	struct fx *fx = *state;
	struct lt_run_report rep;
	struct lt_doc *doc;

	queue_abc(fx);
	for (int i = 0; i < LT_MAX_ATTEMPTS; i++) {
		int st = run_in_child(fx, "b", SIGABRT);

		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGABRT);
	}
	run(fx, &rep);
	assert_int_equal(rep.given_up, 1);
	doc = load(fx, "b");
	assert_int_equal(doc->state, LT_FAILED);
	assert_non_null(strstr(doc->failure, "runs died while processing it"));
	lt_doc_free(doc);
	expect_state(fx, "a", LT_ARCHIVED);
	expect_state(fx, "c", LT_ARCHIVED);
}

/* A crash counts against the crashing document only: b crashes once, then
 * c is killed from outside in four runs; b's one crash stays counted, c's
 * kills do not, and both are archived in the end. */
static void test_crash_record_names_one(void **state)
{
	struct fx *fx = *state;
	struct lt_run_report rep;
	struct lt_doc *doc;
	int st;

	queue_abc(fx);
	st = run_in_child(fx, "b", SIGABRT);
	assert_true(WIFSIGNALED(st));
	for (int i = 0; i < LT_MAX_ATTEMPTS + 1; i++) {
		st = run_in_child(fx, "c", SIGKILL);
		assert_true(WIFSIGNALED(st));
	}
	/* b's crash is counted (fewest attempts go first: b waits), c's kills
	 * are not: c is in hand for its first counted attempt only. */
	doc = load(fx, "b");
	assert_int_equal(doc->state, LT_QUEUED);
	assert_int_equal(doc->attempts, 1);
	lt_doc_free(doc);
	doc = load(fx, "c");
	assert_int_equal(doc->state, LT_PROCESSING);
	assert_int_equal(doc->attempts, 1);
	lt_doc_free(doc);
	run(fx, &rep);
	assert_int_equal(rep.given_up, 0);
	expect_state(fx, "b", LT_ARCHIVED);
	expect_state(fx, "c", LT_ARCHIVED);
}

/* ---- orphans: bundles the catalog does not know ---- */

static int o_page(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err);

static char orphan_notes[4096];

static void orphan_progress(void *ud, enum lt_run_event what, const struct lt_doc *doc,
			    const char *stage, const struct lt_err *failure, double seconds)
{
	(void)ud;
	(void)seconds;
	if (what != LT_RUN_ORPHAN)
		return;
	bad_args |= doc != NULL || failure != NULL || stage == NULL;
	if (stage)
		snprintf(orphan_notes + strlen(orphan_notes), sizeof(orphan_notes) - strlen(orphan_notes),
			 "%s\n", stage);
}

static void copy_file(const char *from, const char *to)
{
	struct lt_buf b = LT_BUF_INIT;

	read_file(from, &b);
	write_file(to, b.data, b.len);
	lt_buf_release(&b);
}

static int count_glob(const char *pattern)
{
	glob_t g;
	int n = 0;

	if (glob(pattern, 0, NULL, &g) == 0)
		n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

static void test_orphans_adopted_or_moved_aside(void **state)
{
	static const struct lt_stage o = { .name = "O", .scope = LT_PER_PAGE, .process = o_page };
	static const struct lt_stage *const stages[] = { &o, &lt_stage_package, &lt_stage_commit };
	static const struct lt_pipeline pl = { "package", stages, 3, 0 };
	struct fx *fx = *state;
	struct lt_run_opts opts = { .archive = fx->archive, .jobs = 1, .lang = "vie" };
	struct lt_run_report rep;
	struct lt_err err = { 0 };
	struct lt_catalog *cat = NULL;
	struct lt_bag *bag = NULL;
	struct lt_bundle bundle = { 0 };
	struct lt_doc *a, *d;
	char path[300], tmp[300], v2[300], junk[300], wrong[300], pattern[300];
	int64_t batch = 0;
	const char *labels[] = { "a", "b", "c", "d" };

	snprintf(inbox, sizeof(inbox), "%s", fx->dir);
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s.tif", fx->dir, labels[i]);
		write_file(path, labels[i], 1);
	}
	queue_abc(fx);
	assert_int_equal(lt_run(&pl, &opts, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.archived, 3);
	assert_int_equal(rep.orphans_moved + rep.orphans_adopted, 0);

	/* d queued; a sound bag of its version 1 left by a run that died
	 * before its commit: adopted. */
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_WRITE, &cat, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(cat, fx->dir, &batch, &err), LT_OK);
	add_doc(cat, batch, "d", 1);
	lt_catalog_close(cat);
	d = load(fx, "d");
	a = load(fx, "a");
	snprintf(tmp, sizeof(tmp), "%s/d.tar", fx->dir);
	assert_int_equal(lt_bag_create(tmp, d->id, &bag, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, "data/0001.txt", "d", 1, &err), LT_OK);
	assert_int_equal(lt_bag_finish(bag, NULL, &bundle, &err), LT_OK);
	lt_bag_free(bag);
	lt_bundle_release(&bundle);
	snprintf(path, sizeof(path), "%s/bundles/%.2s", fx->archive, d->id);
	assert_int_equal(lt_mkdir_p(path, 0755, &err), LT_OK);
	snprintf(path, sizeof(path), "%s/bundles/%.2s/%s.tar", fx->archive, d->id, d->id);
	assert_int_equal(rename(tmp, path), 0);
	/* Moved aside: a's version 2 (a is archived, nothing to adopt it), a
	 * wrong version of d, and a stray file. */
	snprintf(tmp, sizeof(tmp), "%s/%s", fx->archive, a->bundle.path);
	snprintf(v2, sizeof(v2), "%s/bundles/%.2s/%s.v2.tar", fx->archive, a->id, a->id);
	copy_file(tmp, v2);
	snprintf(wrong, sizeof(wrong), "%s/bundles/%.2s/%s.v3.tar", fx->archive, d->id, d->id);
	copy_file(tmp, wrong);
	snprintf(junk, sizeof(junk), "%s/bundles/junk.txt", fx->archive);
	write_file(junk, "junk", 4);

	orphan_notes[0] = '\0';
	assert_int_equal(lt_run(&pl, &opts, orphan_progress, NULL, &rep, &err), LT_OK);
	assert_false(bad_args);
	assert_int_equal(rep.orphans_adopted, 1);
	assert_int_equal(rep.orphans_moved, 3);
	assert_int_equal(rep.archived, 1);
	assert_false(exists(v2));
	assert_false(exists(wrong));
	assert_false(exists(junk));
	assert_true(exists(tmp));          /* a's recorded bundle untouched */
	snprintf(pattern, sizeof(pattern), "%s/orphans/*/bundles/%.2s/%s.v2.tar", fx->archive, a->id,
		 a->id);
	assert_int_equal(count_glob(pattern), 1);
	snprintf(pattern, sizeof(pattern), "%s/orphans/*/bundles/junk.txt", fx->archive);
	assert_int_equal(count_glob(pattern), 1);
	assert_non_null(strstr(orphan_notes, "adopted"));
	assert_non_null(strstr(orphan_notes, "moved aside to orphans/"));
	assert_non_null(strstr(orphan_notes, "is archived"));
	/* d was packaged again over its adopted version 1 and committed. */
	lt_doc_free(d);
	d = load(fx, "d");
	assert_int_equal(d->state, LT_ARCHIVED);
	assert_int_equal(d->bundle.version, 1);
	assert_true(exists(path));
	lt_doc_free(d);
	lt_doc_free(a);

	/* Nothing unknown left: the next run finds no orphan. */
	assert_int_equal(lt_run(&pl, &opts, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.orphans_moved + rep.orphans_adopted, 0);
}

/* ---- redo: a new version of archived documents (lt_run_redo) ---- */

static int redo_events(const struct lt_doc *doc, const char *type)
{
	int n = 0;

	for (size_t i = 0; i < doc->n_events; i++)
		n += strcmp(doc->events[i].type, type) == 0;
	return n;
}

/* a and b archived as version 1 through the real package stage, d queued;
 * then redone: a becomes version 2 with the redo's metadata and event; b,
 * failed by X after packaging, stays version 1 and archived, its version 2
 * taken back; d, not archived, is reported and left queued. */
static void test_redo_versions(void **state)
{
	static const struct lt_stage o = { .name = "O", .scope = LT_PER_PAGE, .process = o_page };
	static const struct lt_stage x = { .name = "X", .scope = LT_PER_DOCUMENT, .process = x_doc };
	static const struct lt_stage *const first[] = { &o, &lt_stage_package, &lt_stage_commit };
	static const struct lt_pipeline archive_pl = { "package", first, 3, 0 };
	static const struct lt_stage *const again[] = { &lt_stage_unpack, &lt_stage_package, &x,
							 &lt_stage_commit };
	/* Packaged in the I/O thread: a redo's failure there keeps the version. */
	static const struct lt_pipeline redo_pl = { "repackage", again, 4, 1 };
	struct fx *fx = *state;
	struct lt_run_opts opts = { .archive = fx->archive, .jobs = 1, .lang = "vie" };
	struct lt_run_report rep;
	struct lt_catalog *cat = NULL;
	struct lt_meta meta = LT_META_INIT;
	struct lt_err err = { 0 };
	struct lt_doc *a, *b, *c;
	char *v1 = NULL, *v2 = NULL;
	int64_t batch = 0;
	const char *labels[] = { "a", "b", "c" };

	snprintf(inbox, sizeof(inbox), "%s", fx->dir);
	for (size_t i = 0; i < 3; i++) {
		char path[200];

		snprintf(path, sizeof(path), "%s/%s.tif", fx->dir, labels[i]);
		write_file(path, labels[i], 1);
	}
	queue_abc(fx);
	assert_int_equal(lt_run(&archive_pl, &opts, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.archived, 3);
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_WRITE, &cat, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(cat, fx->dir, &batch, &err), LT_OK);
	add_doc(cat, batch, "d", 1);
	lt_catalog_close(cat);
	/* The scans may be gone: the redo works from the bundles. */
	for (size_t i = 0; i < 3; i++) {
		char path[200];

		snprintf(path, sizeof(path), "%s/%s.tif", fx->dir, labels[i]);
		unlink(path);
	}
	a = load(fx, "a");
	b = load(fx, "b");
	c = load(fx, "c");
	assert_int_equal(lt_meta_set(&meta, "issuedDate", "2021-03-04", LT_META_CORRECTED, "test", NULL,
				     1, 1, &err), LT_OK);
	char d_id[LT_DOC_ID_LEN + 1];
	{
		struct lt_doc *probe = lt_doc_new();
		char path[200], sha[LT_SHA256_HEX];

		snprintf(path, sizeof(path), "%s/d.tif", inbox);
		assert_int_equal(lt_sha256_mem("d", 1, sha, &err), LT_OK);
		assert_int_equal(lt_doc_add_source(probe, path, sha, 100, 1, "tif", &err), LT_OK);
		assert_int_equal(lt_doc_add_pages_of_last_source(probe, &err), LT_OK);
		assert_int_equal(lt_doc_compute_id(probe, &err), LT_OK);
		snprintf(d_id, sizeof(d_id), "%s", probe->id);
		lt_doc_free(probe);
	}
	const struct lt_redo redo[] = {
		{ .id = a->id, .meta = &meta, .event_type = "metadata-corrected", .event_detail = "by t" },
		{ .id = b->id, .event_type = "metadata-corrected", .event_detail = "by t" },
		{ .id = d_id, .event_type = "metadata-corrected", .event_detail = "by t" },
	};
	progress_failed = 0;
	assert_int_equal(lt_run_redo(&redo_pl, &opts, redo, 3, progress, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.archived, 1);
	assert_int_equal(rep.failed, 2);
	assert_int_equal(progress_failed, 2);
	lt_doc_free(a);
	lt_doc_free(b);

	a = load(fx, "a");
	assert_int_equal(a->state, LT_ARCHIVED);
	assert_int_equal(a->bundle.version, 2);
	assert_int_equal(lt_layout_bundle_path(a->id, 1, &v1, &err), LT_OK);
	assert_int_equal(lt_layout_bundle_path(a->id, 2, &v2, &err), LT_OK);
	assert_string_equal(a->bundle.path, v2);
	/* Its history once, with the redo's event and no repeat of the old ones. */
	assert_int_equal(redo_events(a, "ingested"), 1);
	assert_int_equal(redo_events(a, "metadata-corrected"), 1);
	assert_int_equal(redo_events(a, "unpacked"), 1);
	assert_int_equal(redo_events(a, "archived"), 2);
	/* Version 2 holds the same master and hOCR as version 1. */
	char tar1[300], tar2[300];
	snprintf(tar1, sizeof(tar1), "%s/%s", fx->archive, v1);
	snprintf(tar2, sizeof(tar2), "%s/%s", fx->archive, v2);
	assert_true(exists(tar1));
	assert_true(exists(tar2));
	for (size_t i = 0; i < a->bundle.n_files; i++)
		if (strncmp(a->bundle.files[i].path, "data/representations/", 21) == 0) {
			int found = 0;

			for (size_t j = 0; j < c->bundle.n_files; j++)
				found |= strcmp(c->bundle.files[j].path, a->bundle.files[i].path) == 0;
			assert_true(found); /* same layout as an untouched first version */
		}
	free(v1);
	free(v2);
	v1 = v2 = NULL;

	/* b: X failed it after its version 2 was moved into place; the package
	 * stage's abort took that back, and b is archived as it was. */
	b = load(fx, "b");
	assert_int_equal(b->state, LT_ARCHIVED);
	assert_int_equal(b->bundle.version, 1);
	assert_null(b->failure);
	assert_int_equal(redo_events(b, "metadata-corrected"), 0);
	assert_int_equal(redo_events(b, "failed"), 0);
	assert_int_equal(lt_layout_bundle_path(b->id, 2, &v2, &err), LT_OK);
	snprintf(tar2, sizeof(tar2), "%s/%s", fx->archive, v2);
	assert_false(exists(tar2));
	free(v2);

	/* d: queued, not archived: left as it was. */
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_READ, &cat, &err), LT_OK);
	enum lt_doc_state st;
	int found = 0;
	assert_int_equal(lt_catalog_find(cat, d_id, &found, &st, &err), LT_OK);
	assert_true(found);
	assert_int_equal(st, LT_QUEUED);
	lt_catalog_close(cat);

	lt_doc_free(a);
	lt_doc_free(b);
	lt_doc_free(c);
	lt_meta_release(&meta);
	n_seen_work = 0;
	expect_work_empty(fx);
}

/* ---- one document's pages read by two workers ----
 *
 * S reads a page (any_worker: on whichever worker is free); O, which has a
 * begin, sees the pages in page order in the document's worker. What they
 * saw is recorded under shared_lock; assertions run after the run. */

#define SHARED_PAGES 6

static int owner_worker;                   /* the document's worker, from O's begin */
static int page_reader[SHARED_PAGES + 1];  /* who read each page */
static int times_read[SHARED_PAGES + 1];
static char written_order[64];             /* the pages O saw, in order: "1 2 3" */
static int written_unread;                 /* O saw a page S had not read */
enum shared_failure {
	NO_FAILURE,
	HELPER_FAILS,      /* S fails the first page the other worker reads */
	OWNER_FAILS,       /* S fails at once the first page the document's worker starts while the
			    * other reads one (page 1: it waits for the other to begin reading
			    * page 2, which takes longer) */
};
static enum shared_failure shared_failure;
static int failed_page;                    /* the page S failed */

static int helper_started;                 /* the other worker has begun reading a page */

/* The document's worker waits (up to 10 s) for the other worker to begin
 * reading a page of the document, so that the cases below do not depend on
 * how soon a loaded machine starts the second thread. */
static void wait_for_helper(void)
{
	for (int i = 0; i < 2000; i++) {
		int started;

		pthread_mutex_lock(&shared_lock);
		started = helper_started;
		pthread_mutex_unlock(&shared_lock);
		if (started)
			return;
		usleep(5 * 1000);
	}
}

static int s_page(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	int worker = job->ctx->worker, fail = 0, helper;

	(void)state;
	pthread_mutex_lock(&shared_lock);
	helper = worker != owner_worker;
	pthread_mutex_unlock(&shared_lock);
	if (!helper)
		wait_for_helper();
	pthread_mutex_lock(&shared_lock);
	helper_started |= helper;
	helper_reading += helper;
	if (page->number >= 1 && page->number <= SHARED_PAGES) {
		page_reader[page->number] = worker;
		times_read[page->number]++;
	}
	if (!failed_page && ((shared_failure == HELPER_FAILS && helper) ||
			     (shared_failure == OWNER_FAILS && !helper && helper_reading > 0))) {
		failed_page = page->number;
		fail = 1;
	}
	pthread_mutex_unlock(&shared_lock);
	/* A page's recognition: long enough for the other worker to join in. */
	if (!fail)
		usleep(shared_failure == OWNER_FAILS && helper ? 150 * 1000 : 40 * 1000);
	pthread_mutex_lock(&shared_lock);
	helper_reading -= helper;
	pthread_mutex_unlock(&shared_lock);
	if (fail)
		return lt_err_set(err, LT_EINPUT, "S could not read page %d", page->number);
	free(page->text);
	page->text = NULL;
	if (lt_strdup("read", &page->text, err))
		return LT_ENOMEM;
	return lt_job_warn(job, err, "page %d is faint", page->number);
}

static int o_begin(void *state, struct lt_job *job, struct lt_err *err)
{
	(void)state;
	(void)err;
	pthread_mutex_lock(&shared_lock);
	owner_worker = job->ctx->worker;
	pthread_mutex_unlock(&shared_lock);
	return LT_OK;
}

static int o_in_order(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	size_t len = strlen(written_order);

	(void)state;
	(void)err;
	pthread_mutex_lock(&shared_lock);
	written_unread |= !page->text || strcmp(page->text, "read") != 0 ||
		job->ctx->worker != owner_worker;
	snprintf(written_order + len, sizeof(written_order) - len, "%s%d", len ? " " : "", page->number);
	pthread_mutex_unlock(&shared_lock);
	return LT_OK;
}

static const struct lt_stage stage_s = { .name = "S", .scope = LT_PER_PAGE, .any_worker = 1,
					 .event = "s-done", .process = s_page };
static const struct lt_stage stage_o = { .name = "O", .scope = LT_PER_PAGE, .begin = o_begin,
					 .process = o_in_order };
static const struct lt_stage *const shared_stages[] = { &stage_s, &stage_o, &stage_d, &lt_stage_commit };
/* The commit in the I/O thread, as in the archive pipeline: its part of a
 * document has no page to share. */
static const struct lt_pipeline shared_pipeline = { "shared", shared_stages, 4, 3 };

static void reset_shared(enum shared_failure failure)
{
	owner_worker = -1;
	memset(page_reader, 0xff, sizeof(page_reader));
	memset(times_read, 0, sizeof(times_read));
	written_order[0] = '\0';
	written_unread = failed_page = helper_reading = concluded_while_reading = helper_started = 0;
	shared_failure = failure;
}

/* Queues one document "long" of SHARED_PAGES pages alone and runs it with
 * two workers, S failing as told. */
static void run_shared(const struct fx *fx, enum shared_failure failure, struct lt_run_report *rep)
{
	struct lt_run_opts opts = { .archive = fx->archive, .jobs = 2, .lang = "vie+eng" };
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	int64_t batch = 0;

	reset_shared(failure);
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &cat, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(cat, "/srv/inbox", &batch, &err), LT_OK);
	add_doc(cat, batch, "long", SHARED_PAGES);
	lt_catalog_close(cat);
	assert_int_equal(lt_run(&shared_pipeline, &opts, progress, NULL, rep, &err), LT_OK);
	assert_false(bad_args);
}

/* The document "long" failed, at S on page `page`, with S's reason. */
static void expect_failed_at(const struct fx *fx, int page)
{
	struct lt_doc *doc = load_pages(fx, "long", SHARED_PAGES);
	char want[64];

	assert_int_equal(doc->state, LT_FAILED);
	snprintf(want, sizeof(want), "S could not read page %d", page);
	if (!doc->failure || !strstr(doc->failure, want))
		fail_msg("failure '%s' does not say '%s'", doc->failure ? doc->failure : "", want);
	lt_doc_free(doc);
}

/* The run of "long" just done had two workers, archived it, each page read
 * once, some by the other worker (as many as the report says), written in
 * page order by the document's worker; work/ is empty. */
static void expect_shared_by_two(const struct fx *fx, const struct lt_run_report *rep)
{
	int helped = 0;

	assert_int_equal(rep->workers, 2);
	assert_int_equal(rep->archived, 1);
	assert_int_equal(rep->pages_archived, SHARED_PAGES);
	assert_string_equal(written_order, "1 2 3 4 5 6");
	assert_false(written_unread);
	for (int p = 1; p <= SHARED_PAGES; p++) {
		assert_int_equal(times_read[p], 1);
		helped += page_reader[p] != owner_worker;
	}
	assert_true(helped > 0);
	assert_int_equal(rep->pages_helped, helped);
	expect_work_empty(fx);
}

/* A document alone with two workers: the second reads some of its pages
 * (one worker per page, never two), the document's worker takes each in
 * page order, and the warnings are in page order as with one worker. */
static void test_pages_read_by_two_workers(void **state)
{
	struct fx *fx = *state;
	struct lt_run_report rep;
	const struct lt_event *ev;
	struct lt_doc *doc;

	run_shared(fx, NO_FAILURE, &rep);
	expect_shared_by_two(fx, &rep);

	doc = load_pages(fx, "long", SHARED_PAGES);
	assert_int_equal(doc->state, LT_ARCHIVED);
	ev = find_event(doc, "s-done");
	assert_non_null(ev);
	assert_string_equal(ev->outcome, "warning");
	assert_string_equal(ev->detail, "page 1 is faint; page 2 is faint; page 3 is faint; "
			    "page 4 is faint; page 5 is faint; page 6 is faint");
	lt_doc_free(doc);
}

/* A page the other worker fails to read fails the document with that
 * page's stage and reason, as if its own worker had read it: no page after
 * it reaches O, nothing is left in work/. */
static void test_page_failed_by_the_other_worker(void **state)
{
	struct fx *fx = *state;
	struct lt_run_report rep;

	run_shared(fx, HELPER_FAILS, &rep);
	assert_int_equal(rep.failed, 1);
	assert_int_equal(rep.archived, 0);
	assert_int_equal(progress_failed, 1);
	assert_string_equal(progress_stage, "S");
	assert_true(failed_page > 1);
	/* O saw the pages before the failed one, at most, in order. */
	for (const char *p = written_order; *p; p++)
		if (*p != ' ')
			assert_true(*p - '0' < failed_page);
	assert_false(written_unread);
	for (int p = 1; p <= SHARED_PAGES; p++)
		assert_true(times_read[p] <= 1);
	expect_work_empty(fx);
	expect_failed_at(fx, failed_page);
}

/* A page failing in the document's worker while the other reads one: the
 * document is concluded only once that read is over (the other worker
 * writes into the document's pages until then). */
static void test_page_failed_while_the_other_reads(void **state)
{
	struct fx *fx = *state;
	struct lt_run_report rep;

	run_shared(fx, OWNER_FAILS, &rep);
	assert_int_equal(rep.failed, 1);
	assert_int_equal(failed_page, 1);
	assert_string_equal(written_order, "");
	assert_int_equal(times_read[2], 1);
	assert_false(concluded_while_reading);
	expect_work_empty(fx);
	expect_failed_at(fx, failed_page);
}

/* A redo (reocr) of an archived document of SHARED_PAGES pages starts a
 * second worker only when it says it reads pages, and that worker reads
 * some of them; the document's worker packages them in page order. */
static void test_redo_pages_read_by_two_workers(void **state)
{
	/* W writes what the package stage wants of a page. */
	static const struct lt_stage w = { .name = "W", .scope = LT_PER_PAGE, .process = o_page };
	static const struct lt_stage *const first[] = { &stage_s, &stage_o, &w, &lt_stage_package,
							 &lt_stage_commit };
	static const struct lt_pipeline archive_pl = { "archive", first, 5, 3 };
	static const struct lt_stage *const again[] = { &lt_stage_unpack, &stage_s, &stage_o, &w,
							 &lt_stage_package, &lt_stage_commit };
	static const struct lt_pipeline reocr_pl = { "reocr", again, 6, 4 };
	struct fx *fx = *state;
	struct lt_run_opts opts = { .archive = fx->archive, .jobs = 2, .lang = "vie" };
	struct lt_run_report rep;
	struct lt_catalog *cat = NULL;
	struct lt_err err = { 0 };
	struct lt_doc *doc;
	char path[200];
	int64_t batch = 0;

	snprintf(inbox, sizeof(inbox), "%s", fx->dir);
	snprintf(path, sizeof(path), "%s/long.tif", fx->dir);
	write_file(path, "long", 4);
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &cat, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(cat, fx->dir, &batch, &err), LT_OK);
	add_doc(cat, batch, "long", SHARED_PAGES);
	lt_catalog_close(cat);
	reset_shared(NO_FAILURE);
	if (lt_run(&archive_pl, &opts, progress, NULL, &rep, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(rep.archived, 1);
	doc = load_pages(fx, "long", SHARED_PAGES);
	struct lt_redo redo = { .id = doc->id, .event_type = "reocr", .event_detail = "by t" };

	/* No pages said (a repackage): one worker, which reads them all. */
	reset_shared(NO_FAILURE);
	assert_int_equal(lt_run_redo(&reocr_pl, &opts, &redo, 1, progress, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.workers, 1);
	assert_int_equal(rep.archived, 1);
	assert_int_equal(rep.pages_helped, 0);

	redo.pages = SHARED_PAGES;
	reset_shared(NO_FAILURE);
	assert_int_equal(lt_run_redo(&reocr_pl, &opts, &redo, 1, progress, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.pages_queued, SHARED_PAGES);
	expect_shared_by_two(fx, &rep);
	lt_doc_free(doc);
	doc = load_pages(fx, "long", SHARED_PAGES);
	assert_int_equal(doc->state, LT_ARCHIVED);
	assert_int_equal(doc->bundle.version, 3);
	lt_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_in_begin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_on_page_2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_in_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage_without_open_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_package_abort_and_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_package_access_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_to_do, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_kills_blame_nobody, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_crash_fails_the_culprit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_record_names_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orphans_adopted_or_moved_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redo_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_read_by_two_workers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_failed_by_the_other_worker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_failed_while_the_other_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redo_pages_read_by_two_workers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
