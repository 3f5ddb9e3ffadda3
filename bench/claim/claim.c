/* bench/claim - claim latency against the size of the queue.
 *
 *   build/bench/claim [CACHE_DIR] [CLAIMS]     (make bench-claim)
 *
 * Queues generated documents (1 to 20 pages each, no OCR) through the
 * catalog's own ingest path (lt_catalog_add_document) up to 1,000, 100,000
 * and 1,000,000 queued, and at each size times CLAIMS (default 1000) claims
 * through lt_catalog_claim, as a run makes them: the whole transaction (in-
 * hand count, next document, move, event, attempt) and the loading of the
 * claimed document. The claimed documents are then put back uncounted
 * (lt_catalog_requeue_interrupted, as after a stopped run), so the queue is
 * as it was. Generating a million documents takes minutes: each size's
 * archive is kept in CACHE_DIR (default build/bench/claim-cache) and reused.
 *
 * The catalog is opened as a run opens it: a claim's commit does not wait
 * for the disk (lt_catalog_claim), the archiving commit does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../pipeline/catalog_int.h"
#include "luutru/catalog.h"
#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"

static const long sizes[] = { 1000, 100000, 1000000 };
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const struct lt_err *err)
{
	fprintf(stderr, "bench/claim: %s\n", err->msg);
	return 3;
}

/* Generated document number i: its own origin and source hash (so its own
 * id), 1 to 20 pages, most documents short as in a real backlog. */
static int make_doc(long i, struct lt_doc **out, struct lt_err *err)
{
	static const int page_counts[] = { 1, 1, 1, 2, 1, 3, 1, 2, 5, 1, 1, 20, 1, 2, 8 };
	struct lt_doc *doc = lt_doc_new();
	char label[64], origin[128], path[160], seed[64], sha[LT_SHA256_HEX];
	int pages = page_counts[i % (long)(sizeof(page_counts) / sizeof(page_counts[0]))];
	int rc;

	if (!doc)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	snprintf(label, sizeof(label), "gen-%07ld.tif", i);
	snprintf(origin, sizeof(origin), "/bench/inbox/%s", label);
	snprintf(path, sizeof(path), "%s", origin);
	snprintf(seed, sizeof(seed), "bench-claim-%ld", i);
	rc = lt_sha256_mem(seed, strlen(seed), sha, err);
	if (!rc)
		rc = lt_doc_add_source(doc, path, sha, 100000 + (uint64_t)i, pages, "tif", err);
	if (!rc)
		rc = lt_doc_add_pages_of_last_source(doc, err);
	if (!rc)
		rc = lt_doc_compute_id(doc, err);
	if (!rc)
		rc = lt_strdup(label, &doc->label, err);
	if (!rc)
		rc = lt_strdup(origin, &doc->origin, err);
	if (rc) {
		lt_doc_free(doc);
		return rc;
	}
	*out = doc;
	return LT_OK;
}

/* Adds documents from..to-1 to the archive's queue. */
static int queue_documents(const char *archive, long from, long to, struct lt_err *err)
{
	struct lt_catalog *cat = NULL;
	int64_t batch = 0;
	double t0 = now_seconds();
	int rc = lt_catalog_open(archive, LT_CATALOG_CREATE, &cat, err);

	/* Generation only: a power cut here loses nothing but time. */
	if (!rc)
		rc = lt_cat_exec(cat, "PRAGMA synchronous = OFF", err);
	if (!rc)
		rc = lt_catalog_add_batch(cat, "/bench/inbox", &batch, err);
	for (long i = from; !rc && i < to; i++) {
		struct lt_doc *doc = NULL;
		int added = 0;

		rc = make_doc(i, &doc, err);
		if (!rc)
			rc = lt_catalog_add_document(cat, batch, doc, &added, NULL, err);
		if (!rc && !added)
			rc = lt_err_set(err, LT_EINTERNAL, "generated document %ld was not added", i);
		lt_doc_free(doc);
		if (!rc && (i + 1) % 100000 == 0)
			fprintf(stderr, "bench/claim: %ld queued (%.0f s)\n", i + 1, now_seconds() - t0);
	}
	lt_catalog_close(cat);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Times n claims, then puts the claimed documents back uncounted. */
static int time_claims(const char *archive, int n, double *ms, struct lt_err *err)
{
	struct lt_catalog *cat = NULL;
	int requeued = 0, given_up = 0;
	int rc = lt_catalog_open(archive, LT_CATALOG_WRITE, &cat, err);

	for (int i = 0; !rc && i < n; i++) {
		struct lt_doc *doc = NULL;
		int wait = 0;
		double t0 = now_seconds();

		rc = lt_catalog_claim(cat, &doc, &wait, err);
		ms[i] = (now_seconds() - t0) * 1000.0;
		if (!rc && !doc)
			rc = lt_err_set(err, LT_EINTERNAL, "claim %d found the queue empty", i + 1);
		lt_doc_free(doc);
	}
	/* The claims above are the documents in hand of a stopped run. */
	if (!rc)
		rc = lt_catalog_requeue_interrupted(cat, 1, &requeued, &given_up, err);
	if (!rc && requeued != n)
		rc = lt_err_set(err, LT_EINTERNAL, "%d claimed documents but %d put back", n, requeued);
	lt_catalog_close(cat);
	return rc;
}

static void print_row(long queued, double *ms, int n)
{
	qsort(ms, (size_t)n, sizeof(*ms), cmp_double);
	printf("%10ld %8.3f %8.3f %8.3f\n", queued, ms[n / 2], ms[(n * 95) / 100], ms[n - 1]);
}

/* archive of size sizes[k] in cache: made from the previous size's copy. */
static int archive_path(const char *cache, long size, char **out, struct lt_err *err)
{
	return lt_path(out, err, "%s/queued-%ld", cache, size);
}

static int copy_file(const char *from, const char *to, struct lt_err *err)
{
	char buf[1 << 16];
	FILE *in = fopen(from, "rb"), *out = NULL;
	size_t n;
	int rc = LT_OK;

	if (!in)
		return errno == ENOENT ? LT_OK
			: lt_err_set(err, LT_EIO, "cannot read '%s': %s", from, strerror(errno));
	out = fopen(to, "wb");
	if (!out)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", to, strerror(errno));
	while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", to, strerror(errno));
	fclose(in);
	if (out && fclose(out) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", to, strerror(errno));
	return rc;
}

/* The catalog of `from` (checkpointed into one file by its last close)
 * copied into a new archive `to`. */
static int copy_archive(const char *from, const char *to, struct lt_err *err)
{
	static const char *const files[] = { "catalog.sqlite", "catalog.sqlite-wal" };
	int rc = lt_mkdir_p(to, 0755, err);

	for (size_t i = 0; !rc && i < sizeof(files) / sizeof(files[0]); i++) {
		char *src = NULL, *dst = NULL;

		rc = lt_path(&src, err, "%s/%s", from, files[i]);
		if (!rc)
			rc = lt_path(&dst, err, "%s/%s", to, files[i]);
		if (!rc)
			rc = copy_file(src, dst, err);
		free(src);
		free(dst);
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *cache = argc > 1 ? argv[1] : "build/bench/claim-cache";
	int n = argc > 2 ? atoi(argv[2]) : 1000;
	struct lt_err err = { 0 };
	double *ms = NULL;
	char *prev = NULL;
	long prev_size = 0;
	int rc;

	if (n < 20) {
		fprintf(stderr, "usage: claim [CACHE_DIR] [CLAIMS >= 20]\n");
		return 2;
	}
	ms = calloc((size_t)n, sizeof(*ms));
	rc = ms ? lt_mkdir_p(cache, 0755, &err) : lt_err_set(&err, LT_ENOMEM, "out of memory");
	if (!rc)
		printf("claim latency in ms over %d claims (lt_catalog_claim: the transaction and the "
		       "loading of the document)\n%10s %8s %8s %8s\n", n, "queued", "p50", "p95", "max");
	for (size_t k = 0; !rc && k < N_SIZES; k++) {
		char *path = NULL, *done = NULL;
		struct stat sb;

		rc = archive_path(cache, sizes[k], &path, &err);
		if (!rc)
			rc = lt_path(&done, &err, "%s/complete", path);
		/* "complete" is written last: a size cut short is made again. */
		if (!rc && stat(done, &sb) != 0) {
			rc = lt_remove_tree(path, &err);
			if (!rc && prev)
				rc = copy_archive(prev, path, &err);
			if (!rc)
				rc = lt_mkdir_p(path, 0755, &err);
			if (!rc)
				rc = queue_documents(path, prev ? prev_size : 0, sizes[k], &err);
			if (!rc) {
				FILE *f = fopen(done, "w");

				if (!f || fclose(f) != 0)
					rc = lt_err_set(&err, LT_EIO, "cannot write '%s'", done);
			}
		}
		if (!rc)
			rc = time_claims(path, n, ms, &err);
		if (!rc)
			print_row(sizes[k], ms, n);
		fflush(stdout);
		free(done);
		free(prev);
		prev = path;
		prev_size = sizes[k];
	}
	free(prev);
	free(ms);
	return rc ? die(&err) : 0;
}
