/* bench/merge - how fast `luutru merge` adopts shard bundles, and so how
 * many nodes one catalog machine can keep up with.
 *
 *   build/bench/merge [DOCUMENTS] [WORK_DIR] [TRUTH_DIR]     (make bench-merge)
 *
 * Queues DOCUMENTS (default 300) generated documents of 1 to 3 pages
 * (8 pages per 5 documents, as the samples) through the catalog's own
 * ingest path, plans them into 4 shards (lt_shard_plan), and plays each
 * shard's run without OCR: per document a real bag (lt_bag_create ... _finish)
 * holding a master of 1.2 MB of incompressible bytes per page (the samples'
 * bundles average 1.2 MB a page) and the page texts of the samples' ground
 * truth (TRUTH_DIR, default samples/truth), moved into DIR/K/bundles/ and
 * journaled with lt_shard_run_archived, as a shard run does. Then it times
 * lt_shard_merge on the whole plan — verification (every byte of every
 * bundle hashed), the move, and one catalog transaction per document with
 * its full-text entries — and prints bundles and pages adopted per second
 * and, at 2.5 s a page per core, the number of nodes whose output one merge
 * keeps up with. The page cache holds the bundles just written (as it
 * would on a catalog machine that merges while the shards finish); the
 * commits are durable (synchronous = FULL), as merge's are. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/doc.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/layout.h"
#include "luutru/shard.h"

#define TASKS 4
#define MASTER_BYTES_PER_PAGE (1200 * 1024)
#define SECONDS_PER_PAGE_CORE 2.5

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This process's CPU seconds, user and system. */
static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int die(const struct lt_err *err)
{
	fprintf(stderr, "bench/merge: %s\n", err->msg);
	return 3;
}

/* The pages of the samples' ground truth, as OCR texts of a realistic
 * length; a built-in page when there are none. */
static char **texts;
static size_t n_texts;

static void load_texts(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[1024];
		FILE *f;
		char *buf;
		long len;

		if (!strstr(e->d_name, ".gt.txt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		buf = len > 0 ? malloc((size_t)len + 1) : NULL;
		if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
			char **grown = realloc(texts, (n_texts + 1) * sizeof(*texts));

			buf[len] = '\0';
			if (grown) {
				texts = grown;
				texts[n_texts++] = buf;
				buf = NULL;
			}
		}
		free(buf);
		fclose(f);
	}
	if (d)
		closedir(d);
	if (!n_texts) {
		static char fallback[] = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: 12/UBND-VP\nV/v giao nộp hồ sơ, "
					 "tài liệu vào Lưu trữ lịch sử tỉnh\n";

		texts = malloc(sizeof(*texts));
		if (texts) {
			texts[0] = fallback;
			n_texts = 1;
		}
	}
}

static int make_doc(long i, struct lt_doc **out, struct lt_err *err)
{
	static const int page_counts[] = { 2, 2, 2, 1, 1 };
	struct lt_doc *doc = lt_doc_new();
	char label[64], origin[128], seed[64], sha[LT_SHA256_HEX];
	int pages = page_counts[i % 5];
	int rc;

	if (!doc)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	snprintf(label, sizeof(label), "gen-%07ld.tif", i);
	snprintf(origin, sizeof(origin), "/bench/inbox/%s", label);
	snprintf(seed, sizeof(seed), "bench-merge-%ld", i);
	rc = lt_sha256_mem(seed, strlen(seed), sha, err);
	if (!rc)
		rc = lt_doc_add_source(doc, origin, sha, (uint64_t)pages * MASTER_BYTES_PER_PAGE, pages,
				       "tif", err);
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

/* What a shard's run leaves for one document, without OCR: its bag in
 * DIR/K/bundles/ and its journal line. */
static int play_document(struct lt_shard_run *sr, const char *shard_dir, struct lt_doc *doc,
			 unsigned char *master, long serial, uint64_t *bytes, struct lt_err *err)
{
	struct lt_bag *bag = NULL;
	struct lt_bundle bundle = { 0 };
	char *rel = NULL, *dir_rel = NULL, *tmp = NULL, *dir = NULL, *final = NULL, *path = NULL;
	const char *info[] = { "External-Identifier", doc->id, "Number-Of-Pages", "1", NULL, NULL };
	size_t master_len = (size_t)doc->n_pages * MASTER_BYTES_PER_PAGE;
	int rc, e;

	/* Each master its own bytes: no two bundles alike. */
	memcpy(master, &serial, sizeof(serial));
	rc = lt_layout_bundle_path(doc->id, 1, &rel, err);
	if (!rc)
		rc = lt_layout_bundle_dir(doc->id, &dir_rel, err);
	if (!rc)
		rc = lt_path(&dir, err, "%s/%s", shard_dir, dir_rel);
	if (!rc)
		rc = lt_path(&final, err, "%s/%s", shard_dir, rel);
	if (!rc)
		rc = lt_path(&tmp, err, "%s.part", final);
	if (!rc)
		rc = lt_mkdir_p(dir, 0755, err);
	if (!rc)
		rc = lt_bag_create(tmp, doc->id, &bag, err);
	if (!rc)
		rc = lt_layout_master(doc, 0, &path, err);
	if (!rc)
		rc = lt_bag_add_data(bag, path, master, master_len, err);
	for (size_t p = 0; !rc && p < doc->n_pages; p++) {
		struct lt_page *pg = &doc->pages[p];

		free(path);
		path = NULL;
		pg->width = 2480;
		pg->height = 3508;
		pg->dpi = 300;
		pg->confidence = 91;
		pg->quality = 0.9;
		rc = lt_strdup(texts[((size_t)serial + p) % n_texts], &pg->text, err);
		if (!rc)
			rc = lt_strdup("vie", &pg->lang, err);
		if (!rc)
			rc = lt_layout_page(pg->number, LT_PAGE_TEXT, &path, err);
		if (!rc)
			rc = lt_bag_add_data(bag, path, pg->text, strlen(pg->text), err);
	}
	if (!rc)
		rc = lt_bag_finish(bag, info, &bundle, err);
	if (!rc && (e = lt_rename_noreplace(tmp, final)) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot move '%s': %s", tmp, strerror(e));
	if (!rc) {
		*bytes += bundle.size;
		lt_bundle_release(&doc->bundle);
		doc->bundle = bundle;
		memset(&bundle, 0, sizeof(bundle));
		doc->bundle.version = 1;
		doc->bundle.path = rel;
		rel = NULL;
		rc = lt_strdup("vie", &doc->lang, err);
	}
	if (!rc)
		rc = lt_shard_run_archived(sr, doc, err);
	lt_bag_free(bag);
	lt_bundle_release(&bundle);
	free(rel);
	free(dir_rel);
	free(tmp);
	free(dir);
	free(final);
	free(path);
	return rc;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 300;
	const char *work = argc > 2 ? argv[2] : "build/bench/merge-work";
	const char *truth = argc > 3 ? argv[3] : "samples/truth";
	char *archive = NULL, *plan_dir = NULL;
	struct lt_catalog *cat = NULL;
	struct lt_shard_opts opts = { .tasks = TASKS };
	struct lt_plan plan = { 0 };
	struct lt_merge_report rep;
	struct lt_err err = { 0 };
	unsigned char *master = NULL;
	uint64_t bytes = 0;
	int64_t batch = 0;
	long serial = 0;
	double t0, cpu0;
	int rc;

	if (n < 1 || n > 1000000) {
		fprintf(stderr, "usage: %s [DOCUMENTS (1 to 1000000)] [WORK_DIR] [TRUTH_DIR]\n", argv[0]);
		return 2;
	}
	load_texts(truth);
	master = malloc(3 * MASTER_BYTES_PER_PAGE);
	if (!master || !texts) {
		fprintf(stderr, "bench/merge: out of memory\n");
		return 3;
	}
	/* Incompressible, as scans are. */
	srand(1);
	for (size_t i = 0; i < 3 * MASTER_BYTES_PER_PAGE; i++)
		master[i] = (unsigned char)(rand() >> 7);
	rc = lt_remove_tree(work, &err);
	if (!rc)
		rc = lt_path(&archive, &err, "%s/archive", work);
	if (!rc)
		rc = lt_path(&plan_dir, &err, "%s/plan", work);
	if (!rc)
		rc = lt_catalog_open(archive, LT_CATALOG_CREATE, &cat, &err);
	if (!rc)
		rc = lt_catalog_add_batch(cat, "/bench/inbox", &batch, &err);
	for (long i = 0; !rc && i < n; i++) {
		struct lt_doc *doc = NULL;
		int added = 0;

		rc = make_doc(i, &doc, &err);
		if (!rc)
			rc = lt_catalog_add_document(cat, batch, doc, &added, NULL, &err);
		lt_doc_free(doc);
	}
	opts.archive = archive;
	opts.dir = plan_dir;
	if (!rc)
		rc = lt_shard_plan(cat, &opts, &plan, &err);
	if (rc)
		return die(&err);
	t0 = now_seconds();
	for (int k = 0; !rc && k < plan.tasks; k++) {
		struct lt_shard_run *sr = NULL;
		struct lt_doc *doc = NULL;
		char *shard_dir = NULL;
		int done = 0;

		rc = lt_path(&shard_dir, &err, "%s/%d", plan.dir, k);
		if (!rc)
			rc = lt_shard_run_open(shard_dir, &sr, &err);
		if (!rc)
			rc = lt_shard_run_recover(sr, &err);
		while (!rc && (rc = lt_shard_run_next(sr, &doc, &err)) == LT_OK && doc) {
			rc = play_document(sr, shard_dir, doc, master, ++serial, &bytes, &err);
			lt_doc_free(doc);
			doc = NULL;
		}
		if (!rc)
			rc = lt_shard_run_finish(sr, &done, &err);
		lt_shard_run_free(sr);
		free(shard_dir);
	}
	if (rc)
		return die(&err);
	fprintf(stderr, "bench/merge: %ld documents in %d shards written in %.1f s (%.0f MB)\n", n,
		plan.tasks, now_seconds() - t0, (double)bytes / 1e6);
	cpu0 = cpu_seconds();
	rc = lt_shard_merge(cat, archive, plan_dir, NULL, NULL, &rep, &err);
	cpu0 = cpu_seconds() - cpu0;
	if (rc)
		return die(&err);
	if (rep.archived != n || !rep.closed) {
		fprintf(stderr, "bench/merge: merged %d of %ld, plan %s\n", rep.archived, n,
			rep.closed ? "closed" : "still open");
		return 1;
	}
	{
		double bps = rep.archived / rep.seconds, pps = rep.pages / rep.seconds;
		static const int cores[] = { 2, 16, 32, 64 };

		printf("merge: %d bundles (%d pages, %.0f MB) adopted in %.2f s: %.1f bundles/s, "
		       "%.1f pages/s, %.0f MB/s\n", rep.archived, rep.pages, (double)bytes / 1e6,
		       rep.seconds, bps, pps, (double)bytes / 1e6 / rep.seconds);
		printf("  CPU %.2f s (%.1f ms a bundle: verifying, committing); the rest of the time the\n"
		       "  merge waits for the disk (a bundle's rename and its transaction are each fsync'ed)\n",
		       cpu0, cpu0 * 1000 / rep.archived);
		printf("a core OCRs %.1f pages/s (%.1f s a page): one merge keeps up with %.0f cores,\n",
		       1 / SECONDS_PER_PAGE_CORE, SECONDS_PER_PAGE_CORE, pps * SECONDS_PER_PAGE_CORE);
		for (size_t i = 0; i < sizeof(cores) / sizeof(cores[0]); i++)
			printf("  %3d-core nodes: merge becomes the bottleneck beyond %.0f nodes\n", cores[i],
			       pps * SECONDS_PER_PAGE_CORE / cores[i]);
	}
	lt_plan_release(&plan);
	lt_catalog_close(cat);
	free(archive);
	free(plan_dir);
	free(master);
	return 0;
}
