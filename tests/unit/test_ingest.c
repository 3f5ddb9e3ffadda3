/* test_ingest.c - unit tests for ingest.h against a real catalog in a temp
 * archive: a new document is queued and its batch made only then; known
 * documents are left alone; new content at an origin supersedes its
 * unfinished predecessor, and the old content coming back is requeued;
 * failed documents come back only on --retry; a predecessor in hand is not
 * superseded but noted. Then the inbox loop on a copy of samples/inbox,
 * with a skipped note and a rejected fake image; what an inbox's ingest left
 * out (hidden image, OS litter, a link out, a rejected document) recorded in
 * the catalog and replaced by its next ingest. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/defaults.h"
#include "luutru/ingest.h"
#include "luutru/manifest.h"
#include "luutru/profile.h"
#include "helpers.h"

struct fx {
	char dir[64];
	struct lt_catalog *cat;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct lt_err err = { 0 };

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/lt-test-ingest-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(lt_catalog_open(fx->dir, LT_CATALOG_CREATE, &fx->cat, &err), LT_OK);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char *cmd = NULL;

	lt_catalog_close(fx->cat);
	assert_int_equal(lt_path(&cmd, NULL, "rm -rf '%s'", fx->dir), LT_OK);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx);
	return 0;
}

/* A scanned document from /srv/inbox/<label> whose one page has content
 * `content` (its digest is what makes the id). */
static struct lt_doc *make_doc(const char *label, const char *content)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_err err = { 0 };
	char *origin = NULL, *path = NULL, sha[LT_SHA256_HEX];

	assert_non_null(doc);
	assert_int_equal(lt_path(&origin, NULL, "/srv/inbox/%s", label), LT_OK);
	assert_int_equal(lt_path(&path, NULL, "%s/page-1.png", origin), LT_OK);
	assert_int_equal(lt_sha256_mem(content, strlen(content), sha, &err), LT_OK);
	assert_int_equal(lt_doc_add_source(doc, path, sha, 1000, 1, "png", &err), LT_OK);
	assert_int_equal(lt_doc_add_pages_of_last_source(doc, &err), LT_OK);
	assert_int_equal(lt_doc_compute_id(doc, &err), LT_OK);
	assert_int_equal(lt_strdup(label, &doc->label, &err), LT_OK);
	doc->origin = origin;
	free(path);
	return doc;
}

static enum lt_doc_state state_of(struct lt_catalog *cat, const char *id)
{
	enum lt_doc_state s = LT_QUEUED;
	int found = 0;

	assert_int_equal(lt_catalog_find(cat, id, &found, &s, NULL), LT_OK);
	assert_int_equal(found, 1);
	return s;
}

static void test_new_then_known(void **state)
{
	struct fx *fx = *state;
	struct lt_doc *doc = make_doc("dossier", "v1");
	struct lt_ingest ing;
	struct lt_ingest_outcome o;
	struct lt_err err = { 0 };

	lt_ingest_init(&ing, fx->cat, "/srv/inbox", 0);
	assert_int_equal(ing.batch, 0);
	assert_int_equal(lt_ingest_document(&ing, doc, &o, &err), LT_OK);
	assert_int_equal(o.result, LT_INGEST_QUEUED);
	assert_int_equal(o.superseded, 0);
	assert_int_equal(o.origin_seen_before, 0);
	assert_true(ing.batch > 0);
	assert_int_equal(state_of(fx->cat, doc->id), LT_QUEUED);

	/* Again, in a new ingest: known, and no batch made for nothing. */
	lt_ingest_init(&ing, fx->cat, "/srv/inbox", 0);
	assert_int_equal(lt_ingest_document(&ing, doc, &o, &err), LT_OK);
	assert_int_equal(o.result, LT_INGEST_KNOWN);
	assert_int_equal(o.state, LT_QUEUED);
	assert_int_equal(ing.batch, 0);
	lt_doc_free(doc);
}

static void test_new_content_supersedes_and_old_returns(void **state)
{
	struct fx *fx = *state;
	struct lt_doc *v1 = make_doc("dossier", "v1"), *v2 = make_doc("dossier", "v2");
	struct lt_ingest ing;
	struct lt_ingest_outcome o;
	struct lt_err err = { 0 };

	lt_ingest_init(&ing, fx->cat, "/srv/inbox", 0);
	assert_int_equal(lt_ingest_document(&ing, v1, &o, &err), LT_OK);
	assert_int_equal(o.result, LT_INGEST_QUEUED);
	/* A page changed: a new document, the unfinished one superseded. */
	assert_int_equal(lt_ingest_document(&ing, v2, &o, &err), LT_OK);
	assert_int_equal(o.result, LT_INGEST_QUEUED);
	assert_int_equal(o.superseded, 1);
	assert_int_equal(o.origin_seen_before, 0);
	assert_int_equal(state_of(fx->cat, v1->id), LT_SUPERSEDED);
	/* The page put back: v1 is current again, v2 superseded. */
	assert_int_equal(lt_ingest_document(&ing, v1, &o, &err), LT_OK);
	assert_int_equal(o.result, LT_INGEST_REQUEUED);
	assert_int_equal(o.state, LT_SUPERSEDED);
	assert_int_equal(o.superseded, 1);
	assert_int_equal(state_of(fx->cat, v1->id), LT_QUEUED);
	assert_int_equal(state_of(fx->cat, v2->id), LT_SUPERSEDED);
	lt_doc_free(v2);
	lt_doc_free(v1);
}

static void test_failed_only_on_retry(void **state)
{
	struct fx *fx = *state;
	struct lt_doc *doc = make_doc("bad.png", "x");
	struct lt_ingest ing;
	struct lt_ingest_outcome o;
	struct lt_err err = { 0 };
	struct lt_doc *claimed = NULL;
	int wait = 0;

	lt_ingest_init(&ing, fx->cat, "/srv/inbox", 0);
	assert_int_equal(lt_ingest_document(&ing, doc, &o, &err), LT_OK);
	/* Only a document being processed can fail (state.h). */
	assert_int_equal(lt_catalog_claim(fx->cat, &claimed, &wait, &err), LT_OK);
	assert_non_null(claimed);
	lt_doc_free(claimed);
	assert_int_equal(lt_catalog_fail(fx->cat, doc->id, "load", "unreadable", &err), LT_OK);
	assert_int_equal(lt_ingest_document(&ing, doc, &o, &err), LT_OK);
	assert_int_equal(o.result, LT_INGEST_KNOWN);
	assert_int_equal(o.state, LT_FAILED);
	assert_int_equal(state_of(fx->cat, doc->id), LT_FAILED);

	lt_ingest_init(&ing, fx->cat, "/srv/inbox", 1);
	assert_int_equal(lt_ingest_document(&ing, doc, &o, &err), LT_OK);
	assert_int_equal(o.result, LT_INGEST_REQUEUED);
	assert_int_equal(o.state, LT_FAILED);
	assert_int_equal(state_of(fx->cat, doc->id), LT_QUEUED);
	/* Requeuing makes no batch: the document has one. */
	assert_int_equal(ing.batch, 0);
	lt_doc_free(doc);
}

/* A predecessor being processed is not superseded: the new content is a
 * document of its own, and the outcome says so. */
static void test_origin_seen_before(void **state)
{
	struct fx *fx = *state;
	struct lt_doc *v1 = make_doc("dossier", "v1"), *v2 = make_doc("dossier", "v2");
	struct lt_doc *claimed = NULL;
	struct lt_ingest ing;
	struct lt_ingest_outcome o;
	struct lt_err err = { 0 };
	int wait = 0;

	lt_ingest_init(&ing, fx->cat, "/srv/inbox", 0);
	assert_int_equal(lt_ingest_document(&ing, v1, &o, &err), LT_OK);
	assert_int_equal(lt_catalog_claim(fx->cat, &claimed, &wait, &err), LT_OK);
	assert_non_null(claimed);
	assert_string_equal(claimed->id, v1->id);
	assert_int_equal(lt_ingest_document(&ing, v2, &o, &err), LT_OK);
	assert_int_equal(o.result, LT_INGEST_QUEUED);
	assert_int_equal(o.superseded, 0);
	assert_int_equal(o.origin_seen_before, 1);
	assert_string_equal(o.before, v1->id);
	assert_int_equal(state_of(fx->cat, v1->id), LT_PROCESSING);
	lt_doc_free(claimed);
	lt_doc_free(v2);
	lt_doc_free(v1);
}

struct seen {
	int skipped, documents, rejected;
	char last_reason[256];
};

static void on_skipped(void *ud, const struct lt_inbox_skip *s)
{
	struct seen *seen = ud;

	assert_non_null(strstr(s->path, "notes.txt"));
	seen->skipped++;
}

static void on_document(void *ud, const struct lt_inbox_entry *e, const struct lt_ingest_outcome *o)
{
	struct seen *seen = ud;

	seen->documents++;
	if (o->result == LT_INGEST_REJECTED) {
		assert_null(e->doc);
		assert_non_null(e->reason);
		snprintf(seen->last_reason, sizeof(seen->last_reason), "%s", e->reason);
		seen->rejected++;
	} else {
		assert_non_null(e->doc);
	}
}

static void test_inbox(void **state)
{
	struct fx *fx = *state;
	struct seen seen = { 0 };
	const struct lt_ingest_report report = { on_skipped, on_document, &seen };
	struct lt_ingest_totals t;
	struct lt_err err = { 0 };
	char *inbox = NULL, *cmd = NULL, *p = NULL;

	assert_int_equal(lt_path(&inbox, NULL, "%s/inbox", fx->dir), LT_OK);
	assert_int_equal(lt_path(&cmd, NULL, "mkdir '%s' && cp -R samples/inbox/. '%s'/", inbox, inbox),
			 LT_OK);
	assert_int_equal(system(cmd), 0);

	assert_int_equal(lt_ingest_inbox(fx->cat, inbox, 0, 0, &report, &t, &err), LT_OK);
	assert_int_equal(t.queued, 5);
	assert_int_equal(t.known + t.rejected + t.superseded, 0);
	assert_int_equal(t.skipped, 0);
	assert_int_equal(seen.documents, 5);

	/* Again, with a note and a fake image added. */
	assert_int_equal(lt_path(&p, NULL, "%s/notes.txt", inbox), LT_OK);
	write_file(p, "scanned by Lan\n", 15);
	free(p);
	assert_int_equal(lt_path(&p, NULL, "%s/fake.png", inbox), LT_OK);
	write_file(p, "not a png at all", 16);
	free(p);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(lt_ingest_inbox(fx->cat, inbox, 0, 0, &report, &t, &err), LT_OK);
	assert_int_equal(t.queued, 0);
	assert_int_equal(t.known, 5);
	assert_int_equal(t.rejected, 1);
	assert_int_equal(t.skipped, 1);
	assert_int_equal(seen.skipped, 1);
	assert_int_equal(seen.rejected, 1);
	assert_non_null(strstr(seen.last_reason, "fake.png"));

	/* No callbacks is fine; an inbox that cannot be read is an error. */
	assert_int_equal(lt_ingest_inbox(fx->cat, inbox, 0, 0, NULL, &t, &err), LT_OK);
	assert_int_equal(t.known, 5);
	assert_int_not_equal(lt_ingest_inbox(fx->cat, "/nonexistent/inbox", 0, 0, NULL, &t, &err), LT_OK);
	assert_non_null(strstr(err.msg, "/nonexistent/inbox"));
	free(cmd);
	free(inbox);
}

struct left_out {
	int n, warnings;
	char rows[8][512];   /* "kind name" */
};

static void collect_left_out(void *ud, const struct lt_skipped *s)
{
	struct left_out *lo = ud;
	const char *name = strrchr(s->path, '/');

	assert_true(lo->n < 8);
	assert_non_null(name);
	assert_true(s->reason[0] != '\0');
	assert_true(s->first_seen[0] != '\0' && s->last_seen[0] != '\0');
	snprintf(lo->rows[lo->n++], sizeof(lo->rows[0]), "%s %s", s->kind, name + 1);
	lo->warnings += s->warning;
}

static void test_left_out_recorded(void **state)
{
	struct fx *fx = *state;
	struct lt_ingest_totals t;
	struct lt_err err = { 0 };
	struct left_out lo = { 0 };
	int64_t total = 0, warnings = 0;
	char *inbox = NULL, *cmd = NULL;
	static const char *const first[] = {
		"litter .DS_Store", "link out.png", "hidden .page-2.png", "rejected fake.png",
	};

	assert_int_equal(lt_path(&inbox, NULL, "%s/inbox", fx->dir), LT_OK);
	assert_int_equal(lt_path(&cmd, NULL, "mkdir -p '%s/doc' && "
				 "cp samples/inbox/letter-en.png '%s/doc/page-1.png' && cd '%s' && "
				 "cp doc/page-1.png doc/.page-2.png && echo x > .DS_Store && "
				 "echo 'not a png' > fake.png && cp doc/page-1.png ../elsewhere.png && "
				 "ln -s '%s/elsewhere.png' doc/out.png", inbox, inbox, inbox, fx->dir),
			 LT_OK);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	assert_int_equal(lt_ingest_inbox(fx->cat, inbox, 0, 0, NULL, &t, &err), LT_OK);
	assert_int_equal(t.queued, 1);
	assert_int_equal(t.rejected, 1);
	assert_int_equal(t.skipped, 3);
	assert_int_equal(t.warnings, 2);
	assert_int_equal(lt_catalog_count_skipped(fx->cat, &total, &warnings, &err), LT_OK);
	assert_int_equal(total, 4);
	assert_int_equal(warnings, 3);   /* the rejected document warns too */
	assert_int_equal(lt_catalog_each_skipped(fx->cat, 0, collect_left_out, &lo, &err), LT_OK);
	assert_int_equal(lo.n, 4);
	for (size_t i = 0; i < 4; i++) {
		int found = 0;

		for (int j = 0; j < lo.n; j++)
			found |= strcmp(lo.rows[j], first[i]) == 0;
		if (!found)
			fail_msg("'%s' is not recorded as left out", first[i]);
	}

	/* Fixed at once (same second): the hidden page renamed, the fake
	 * removed. Only what is still left out stays recorded. */
	assert_int_equal(lt_path(&cmd, NULL, "cd '%s' && mv doc/.page-2.png doc/page-2.png && rm fake.png",
				 inbox), LT_OK);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(lt_ingest_inbox(fx->cat, inbox, 0, 0, NULL, &t, &err), LT_OK);
	assert_int_equal(t.queued, 1);
	assert_int_equal(t.rejected, 0);
	memset(&lo, 0, sizeof(lo));
	assert_int_equal(lt_catalog_each_skipped(fx->cat, 0, collect_left_out, &lo, &err), LT_OK);
	assert_int_equal(lo.n, 2);
	assert_string_equal(lo.rows[0], "litter .DS_Store");
	assert_string_equal(lo.rows[1], "link out.png");
	assert_int_equal(lo.warnings, 1);
	free(cmd);
	free(inbox);
}


/* lt_ingest_describe: sidecar over spreadsheet row over defaults, each
 * value normalised with its origin; secrecy and required fields. */
static void test_describe(void **state)
{
	struct fx *fx = *state;
	struct lt_profile *p = NULL;
	struct lt_manifest man;
	struct lt_meta defaults = LT_META_INIT, m = LT_META_INIT;
	struct lt_ingest_meta im = { 0 };
	struct lt_err err = { 0 };
	const char *sets[] = { "Số=1", "urgency=Hỏa tốc", "maintenance=Vĩnh viễn" };
	const char *csv = "thư mục,Số,Ngày ban hành,Độ mật\na,12,5/1/2020,\nb,,,Tuyệt mật\n";
	char folder[128], sidecar[160];
	const struct lt_meta_field *f;

	assert_int_equal(lt_profile_open(NULL, &p, &err), LT_OK);
	assert_int_equal(lt_manifest_parse("list.csv", csv, strlen(csv), p, &man, &err), LT_OK);
	assert_int_equal(lt_defaults_load(p, NULL, sets, 3, &defaults, &err), LT_OK);
	im = (struct lt_ingest_meta){ .profile = p, .manifest = &man, .defaults = &defaults };
	snprintf(folder, sizeof(folder), "%s/a", fx->dir);
	snprintf(sidecar, sizeof(sidecar), "%s/metadata.json", folder);
	assert_int_equal(mkdir(folder, 0755), 0);
	write_file(sidecar, "{\"Ngày ban hành\": \"2020-01-06\"}", 33);

	assert_int_equal(lt_ingest_describe(&im, folder, "a", 1, &m, &err), LT_OK);
	f = lt_meta_get(&m, "issuedDate");
	assert_string_equal(f->value, "2020-01-06");            /* sidecar */
	assert_int_equal(f->source, LT_META_SIDECAR);
	assert_string_equal(f->origin, sidecar);
	f = lt_meta_get(&m, "codeNumber");
	assert_string_equal(f->value, "12");                    /* row over --set */
	assert_string_equal(f->origin, "list.csv row 2");
	f = lt_meta_get(&m, "urgency");
	assert_string_equal(f->value, "hoa-toc");               /* default */
	assert_int_equal(f->source, LT_META_DEFAULT);
	assert_true(man.rows[0].matched);
	assert_false(man.rows[1].matched);
	lt_meta_release(&m);

	/* b is Tuyệt mật: refused, then taken when allowed, as mode 03 */
	assert_int_equal(lt_ingest_describe(&im, "/nowhere/b", "b", 0, &m, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "list.csv row 3"));
	assert_non_null(strstr(err.msg, "refused"));
	assert_int_equal(m.n, 0);
	im.allow_refused_secrecy = 1;
	assert_int_equal(lt_ingest_describe(&im, "/nowhere/b", "b", 0, &m, &err), LT_OK);
	assert_string_equal(lt_meta_value(&m, "mode"), "03");
	lt_meta_release(&m);

	/* a bad sidecar value names the file and the field */
	write_file(sidecar, "{\"Ngày ban hành\": \"2020-02-30\"}", 33);
	assert_int_equal(lt_ingest_describe(&im, folder, "a", 1, &m, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, sidecar));
	assert_non_null(strstr(err.msg, "bad date"));
	/* without maintenance from anywhere, a described document is refused */
	lt_meta_release(&defaults);
	unlink(sidecar);
	assert_int_equal(lt_ingest_describe(&im, folder, "a", 1, &m, &err), LT_EINPUT);
	assert_non_null(strstr(err.msg, "maintenance"));
	/* nobody described c: nothing is asked of it */
	assert_int_equal(lt_ingest_describe(&im, "/nowhere/c", "c", 0, &m, &err), LT_OK);
	assert_int_equal(m.n, 0);
	rmdir(folder);
	lt_manifest_release(&man);
	lt_profile_close(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_then_known, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_content_supersedes_and_old_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_only_on_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_origin_seen_before, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_left_out_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
