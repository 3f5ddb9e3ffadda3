/* test_replica.c - unit tests for replica.h on a real catalog and real
 * bundles (BagIt tars made by bag.c) in a temp archive: replicate copies
 * every bundle and a catalog snapshot, a second replicate copies nothing, a
 * wrong copy on the replica is reported and kept; a flipped byte in the
 * archive is repaired from the replica with a "repair" event; both copies
 * damaged is refused with neither touched. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/buf.h"
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/layout.h"
#include "luutru/replica.h"
#include "helpers.h"

#define N_DOCS 3

struct fx {
	char dir[64];
	char *archive, *replica;
	struct lt_catalog *cat;
	char ids[N_DOCS][LT_DOC_ID_LEN + 1];
};

static char *path_of(const char *fmt, const char *a, const char *b)
{
	char *p = NULL;

	assert_int_equal(lt_path(&p, NULL, fmt, a, b), LT_OK);
	return p;
}

/* A one-page document, claimed, its bundle written by bag.c and archived. */
static void archive_doc(struct fx *fx, int64_t batch, int k, char id[LT_DOC_ID_LEN + 1])
{
	struct lt_err err = { 0 };
	struct lt_doc *doc = lt_doc_new(), *claimed = NULL;
	struct lt_bag *bag = NULL;
	char src[64], seed[32], sha[LT_SHA256_HEX], text[64], *rel = NULL, *dir = NULL, *tar = NULL;
	int added = 0, wait = 0;

	assert_non_null(doc);
	snprintf(src, sizeof(src), "/srv/inbox/doc-%d/page.png", k);
	snprintf(seed, sizeof(seed), "doc %d", k);
	assert_int_equal(lt_sha256_mem(seed, strlen(seed), sha, &err), LT_OK);
	assert_int_equal(lt_doc_add_source(doc, src, sha, 1000, 1, "png", &err), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup(seed, &doc->label, &err), LT_OK);
	assert_int_equal(lt_strdup("/srv/inbox/doc", &doc->origin, &err), LT_OK);
	assert_int_equal(lt_catalog_add_document(fx->cat, batch, doc, &added, NULL, &err), LT_OK);
	assert_int_equal(added, 1);
	lt_doc_free(doc);

	assert_int_equal(lt_catalog_claim(fx->cat, &claimed, &wait, &err), LT_OK);
	assert_non_null(claimed);
	memcpy(id, claimed->id, LT_DOC_ID_LEN + 1);
	snprintf(text, sizeof(text), "Văn bản số %d của Văn phòng Tỉnh ủy\n", k);
	assert_int_equal(lt_strdup(text, &claimed->pages[0].text, &err), LT_OK);
	assert_int_equal(lt_layout_bundle_path(id, 1, &rel, &err), LT_OK);
	assert_int_equal(lt_layout_bundle_dir(id, &dir, &err), LT_OK);
	{
		char *abs_dir = path_of("%s/%s", fx->archive, dir);

		assert_int_equal(lt_mkdir_p(abs_dir, 0755, &err), LT_OK);
		free(abs_dir);
	}
	tar = path_of("%s/%s", fx->archive, rel);
	assert_int_equal(lt_bag_create(tar, id, &bag, &err), LT_OK);
	assert_int_equal(lt_bag_add_data(bag, "data/0001.txt", text, strlen(text), &err), LT_OK);
	assert_int_equal(lt_bag_finish(bag, NULL, &claimed->bundle, &err), LT_OK);
	lt_bag_free(bag);
	assert_int_equal(chmod(tar, 0444), 0);
	claimed->bundle.version = 1;
	claimed->bundle.path = rel;
	assert_int_equal(lt_catalog_archive(fx->cat, claimed, &err), LT_OK);
	lt_doc_free(claimed);
	free(tar);
	free(dir);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct lt_err err = { 0 };
	int64_t batch = 0;

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/lt-test-replica-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->archive = path_of("%s/%s", fx->dir, "archive");
	fx->replica = path_of("%s/%s", fx->dir, "nas/replica");
	assert_int_equal(lt_catalog_open(fx->archive, LT_CATALOG_CREATE, &fx->cat, &err), LT_OK);
	assert_int_equal(lt_catalog_add_batch(fx->cat, "/srv/inbox", &batch, &err), LT_OK);
	for (int k = 0; k < N_DOCS; k++)
		archive_doc(fx, batch, k, fx->ids[k]);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char *cmd = path_of("chmod -R u+w '%s' && rm -rf '%s'", fx->dir, fx->dir);

	lt_catalog_close(fx->cat);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx->archive);
	free(fx->replica);
	free(fx);
	return 0;
}

static void load_bundle(struct fx *fx, int k, struct lt_bundle_ref **refs)
{
	struct lt_err err = { 0 };
	size_t n = 0;

	assert_int_equal(lt_catalog_bundles(fx->cat, fx->ids[k], refs, &n, &err), LT_OK);
	assert_int_equal(n, 1);
}

static void sha_of(const char *root, const char *rel, char hex[LT_SHA256_HEX])
{
	char *p = path_of("%s/%s", root, rel);

	assert_int_equal(lt_sha256_file(p, hex, NULL, NULL), LT_OK);
	free(p);
}

static void flip_byte(const char *root, const char *rel, long at)
{
	char *p = path_of("%s/%s", root, rel);
	FILE *f;
	int c;

	assert_int_equal(chmod(p, 0644), 0);
	f = fopen(p, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, at, SEEK_SET), 0);
	c = fgetc(f);
	assert_int_equal(fseek(f, at, SEEK_SET), 0);
	assert_int_not_equal(fputc(c ^ 0x01, f), EOF);
	assert_int_equal(fclose(f), 0);
	free(p);
}

static int64_t count_events(struct fx *fx, const char *id, const char *outcome)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *path = path_of("%s/%s", fx->archive, "catalog.sqlite");
	int64_t n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM events WHERE document_id = ? "
					    "AND type = 'repair' AND outcome = ?", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, outcome, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return n;
}

static void test_replicate_then_nothing_new(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_replicate_report rep;
	struct lt_replica *reps = NULL;
	struct lt_bundle_ref *refs = NULL;
	char a[LT_SHA256_HEX], r[LT_SHA256_HEX], *snap;
	size_t n = 0;

	assert_int_equal(lt_replicate(fx->cat, fx->archive, fx->replica, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.bundles, N_DOCS);
	assert_int_equal(rep.copied, N_DOCS);
	assert_int_equal(rep.present + rep.damaged + rep.failed, 0);
	lt_replicate_report_release(&rep);
	for (int k = 0; k < N_DOCS; k++) {
		load_bundle(fx, k, &refs);
		sha_of(fx->archive, refs[0].bundle.path, a);
		sha_of(fx->replica, refs[0].bundle.path, r);
		assert_string_equal(a, r);
		assert_int_equal(lt_replica_check_bundle(fx->replica, &refs[0].bundle, &err), LT_OK);
		lt_bundle_refs_free(refs, 1);
	}
	snap = path_of("%s/%s", fx->replica, "catalog.sqlite");
	assert_true(exists(snap));
	free(snap);

	assert_int_equal(lt_catalog_replicas(fx->cat, &reps, &n, &err), LT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(reps[0].held, N_DOCS);
	assert_int_equal(reps[0].behind, 0);
	assert_int_equal(reps[0].copied, N_DOCS);
	assert_true(reps[0].last_sync[0] != '\0');
	lt_replicas_free(reps, n);

	/* Again: nothing new. */
	assert_int_equal(lt_replicate(fx->cat, fx->archive, fx->replica, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.copied, 0);
	assert_int_equal(rep.present, N_DOCS);
	lt_replicate_report_release(&rep);

	/* A wrong copy on the replica is reported, never overwritten. */
	load_bundle(fx, 1, &refs);
	flip_byte(fx->replica, refs[0].bundle.path, 700);
	sha_of(fx->replica, refs[0].bundle.path, r);
	assert_int_equal(lt_replicate(fx->cat, fx->archive, fx->replica, NULL, NULL, &rep, &err), LT_OK);
	assert_int_equal(rep.damaged, 1);
	assert_int_equal(rep.present, N_DOCS - 1);
	lt_replicate_report_release(&rep);
	sha_of(fx->replica, refs[0].bundle.path, a);
	assert_string_equal(a, r);
	assert_int_equal(lt_catalog_replicas(fx->cat, &reps, &n, &err), LT_OK);
	assert_int_equal(reps[0].behind, 1);
	assert_int_equal(reps[0].problems, 1);
	lt_replicas_free(reps, n);
	lt_bundle_refs_free(refs, 1);
}

static void test_repair(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_replicate_report rep;
	struct lt_bundle_ref *refs = NULL;
	char good[LT_SHA256_HEX], now[LT_SHA256_HEX], *used = NULL, *p;
	struct stat st;

	assert_int_equal(lt_replicate(fx->cat, fx->archive, fx->replica, NULL, NULL, &rep, &err), LT_OK);
	lt_replicate_report_release(&rep);
	load_bundle(fx, 0, &refs);
	sha_of(fx->archive, refs[0].bundle.path, good);

	/* Intact: nothing done, no event. */
	assert_int_equal(lt_replica_repair(fx->cat, fx->archive, fx->replica, &refs[0].bundle,
					   fx->ids[0], &err), LT_OK);
	assert_int_equal(count_events(fx, fx->ids[0], "success"), 0);

	flip_byte(fx->archive, refs[0].bundle.path, 1500);
	assert_int_equal(lt_replica_check_bundle(fx->archive, &refs[0].bundle, &err), LT_EVERIFY);
	assert_int_equal(lt_replica_repair(fx->cat, fx->archive, fx->replica, &refs[0].bundle,
					   fx->ids[0], &err), LT_OK);
	sha_of(fx->archive, refs[0].bundle.path, now);
	assert_string_equal(now, good);
	p = path_of("%s/%s", fx->archive, refs[0].bundle.path);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0444);
	assert_int_equal(count_events(fx, fx->ids[0], "success"), 1);

	/* Missing: restored from whichever replica holds it. */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(lt_replica_repair_any(fx->cat, fx->archive, &refs[0].bundle, fx->ids[0],
					       &used, &err), LT_OK);
	assert_non_null(used);
	free(used);
	sha_of(fx->archive, refs[0].bundle.path, now);
	assert_string_equal(now, good);
	assert_int_equal(count_events(fx, fx->ids[0], "success"), 2);
	free(p);
	lt_bundle_refs_free(refs, 1);
}

static void test_both_damaged(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_replicate_report rep;
	struct lt_bundle_ref *refs = NULL;
	char a0[LT_SHA256_HEX], r0[LT_SHA256_HEX], a1[LT_SHA256_HEX], r1[LT_SHA256_HEX];
	char *used = NULL;

	assert_int_equal(lt_replicate(fx->cat, fx->archive, fx->replica, NULL, NULL, &rep, &err), LT_OK);
	lt_replicate_report_release(&rep);
	load_bundle(fx, 2, &refs);
	flip_byte(fx->archive, refs[0].bundle.path, 1500);
	flip_byte(fx->replica, refs[0].bundle.path, 900);
	sha_of(fx->archive, refs[0].bundle.path, a0);
	sha_of(fx->replica, refs[0].bundle.path, r0);

	assert_int_equal(lt_replica_repair(fx->cat, fx->archive, fx->replica, &refs[0].bundle,
					   fx->ids[2], &err), LT_EVERIFY);
	assert_non_null(strstr(err.msg, "damaged too"));
	assert_non_null(strstr(err.msg, refs[0].bundle.path));
	assert_int_equal(lt_replica_repair_any(fx->cat, fx->archive, &refs[0].bundle, fx->ids[2],
					       &used, &err), LT_EVERIFY);
	assert_null(used);
	sha_of(fx->archive, refs[0].bundle.path, a1);
	sha_of(fx->replica, refs[0].bundle.path, r1);
	assert_string_equal(a0, a1);
	assert_string_equal(r0, r1);
	assert_int_equal(count_events(fx, fx->ids[2], "failure"), 2);
	assert_int_equal(count_events(fx, fx->ids[2], "success"), 0);
	lt_bundle_refs_free(refs, 1);
}

static void test_replica_inside_archive_refused(void **state)
{
	struct fx *fx = *state;
	struct lt_err err = { 0 };
	struct lt_replicate_report rep;
	char *inside = path_of("%s/%s", fx->archive, "bundles/copy");

	assert_int_equal(lt_replicate(fx->cat, fx->archive, inside, NULL, NULL, &rep, &err), LT_EUSAGE);
	lt_replicate_report_release(&rep);
	assert_false(exists(inside));
	free(inside);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replicate_then_nothing_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replica_inside_archive_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
