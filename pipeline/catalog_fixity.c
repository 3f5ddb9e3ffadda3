/* catalog_fixity.c - what `luutru verify` reads and records: the bundles to
 * check, oldest-checked first, and each check as an event of its document
 * with the bundle's last check (schemas/catalog/004-fixity.sql). */
#include "catalog_int.h"
#include "luutru/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lt_bundle_refs_free(struct lt_bundle_ref *refs, size_t n)
{
	if (!refs)
		return;
	for (size_t i = 0; i < n; i++)
		lt_bundle_release(&refs[i].bundle);
	free(refs);
}

static int load_files(struct lt_catalog *cat, struct lt_bundle_ref *ref, sqlite3_stmt *st,
		      struct lt_err *err)
{
	int rc = LT_OK, s;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, ref->id);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = lt_bundle_add_file(&ref->bundle, lt_cat_col_text(st, 0),
					(uint64_t)sqlite3_column_int64(st, 1), lt_cat_col_text(st, 2),
					err);
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot read a bundle's files"));
	sqlite3_reset(st);
	return rc;
}

int lt_cat_list_bundles(struct lt_catalog *cat, const char *doc_id, const char *checked_before,
			int to_verify, struct lt_bundle_ref **refs, size_t *n, struct lt_err *err)
{
	sqlite3_stmt *st = NULL, *fst = NULL;
	struct lt_bundle_ref *list = NULL, *grown;
	size_t count = 0, cap = 0;
	int rc, s = SQLITE_DONE;

	*refs = NULL;
	*n = 0;
	/* To verify: ORDER BY walks bundles_verified, NULL (never checked)
	 * first. Else by document and version. */
	rc = lt_cat_prepare(cat, to_verify
			    ? "SELECT id, document_id, version, path, size, sha256, created, "
			      "verified_at, verified_ok FROM bundles "
			      "WHERE (?1 IS NULL OR document_id = ?1) "
			      "AND (?2 IS NULL OR verified_at IS NULL OR verified_at < ?2 OR verified_ok = 0) "
			      "ORDER BY verified_at, id"
			    : "SELECT id, document_id, version, path, size, sha256, created, "
			      "verified_at, verified_ok FROM bundles "
			      "WHERE (?1 IS NULL OR document_id = ?1) ORDER BY document_id, version",
			    &st, err);
	if (!rc && to_verify)
		rc = lt_cat_prepare(cat, "SELECT path, size, " LT_CAT_SHA256_HEX " FROM files WHERE bundle_id = ? "
				    "ORDER BY path", &fst, err);
	if (rc)
		goto out;
	if (doc_id)
		sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	if (checked_before && to_verify)
		sqlite3_bind_text(st, 2, checked_before, -1, SQLITE_STATIC);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_bundle_ref *r;

		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory listing bundles");
				break;
			}
			list = grown;
		}
		r = &list[count++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		snprintf(r->document, sizeof(r->document), "%s", lt_cat_col_text(st, 1));
		r->bundle.version = sqlite3_column_int(st, 2);
		r->bundle.size = (uint64_t)sqlite3_column_int64(st, 4);
		snprintf(r->bundle.sha256, sizeof(r->bundle.sha256), "%s", lt_cat_col_text(st, 5));
		snprintf(r->bundle.created, sizeof(r->bundle.created), "%s", lt_cat_col_text(st, 6));
		snprintf(r->verified_at, sizeof(r->verified_at), "%s", lt_cat_col_text(st, 7));
		r->verified_ok = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1
									  : sqlite3_column_int(st, 8);
		rc = lt_strdup(lt_cat_col_text(st, 3), &r->bundle.path, err);
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot list bundles"));
	for (size_t i = 0; !rc && to_verify && i < count; i++)
		rc = load_files(cat, &list[i], fst, err);
out:
	sqlite3_finalize(fst);
	sqlite3_finalize(st);
	if (rc) {
		lt_bundle_refs_free(list, count);
		return rc;
	}
	*refs = list;
	*n = count;
	return LT_OK;
}

int lt_catalog_bundles_to_verify(struct lt_catalog *cat, const char *doc_id,
				 const char *checked_before, struct lt_bundle_ref **refs, size_t *n,
				 struct lt_err *err)
{
	return lt_cat_list_bundles(cat, doc_id, checked_before, 1, refs, n, err);
}

int lt_catalog_record_fixity(struct lt_catalog *cat, const struct lt_bundle_ref *ref, int ok,
			     const char *at_utc, const char *detail, struct lt_err *err)
{
	struct lt_event e = { .type = "fixity", .outcome = ok ? "success" : "failure",
			      .detail = (char *)detail };
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_begin(cat, err);

	if (rc)
		return rc;
	/* The event in the archive's usual local time, like every other one;
	 * verified_at in UTC so that it sorts. */
	lt_now_iso8601(e.at);
	rc = lt_cat_prepare(cat, "UPDATE bundles SET verified_at = ?, verified_ok = ? WHERE id = ?",
			    &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, at_utc, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, ok ? 1 : 0);
		sqlite3_bind_int64(st, 3, ref->id);
		rc = lt_cat_step_done(cat, st, N_("cannot record a bundle's check"), err);
	}
	if (!rc && sqlite3_changes(cat->db) != 1)
		rc = lt_err_set(err, LT_ENOTFOUND, "bundle '%s' is no longer in the catalog",
				ref->bundle.path);
	sqlite3_finalize(st);
	if (!rc)
		rc = lt_cat_add_event(cat, ref->document, &e, err);
	return lt_cat_end(cat, rc, err);
}

int lt_catalog_bundle_fixity(struct lt_catalog *cat, const char *path, char at_utc[32], int *ok,
			     struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, s;

	at_utc[0] = '\0';
	*ok = -1;
	rc = lt_cat_prepare(cat, "SELECT verified_at, verified_ok FROM bundles WHERE path = ?", &st,
			    err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		snprintf(at_utc, 32, "%s", lt_cat_col_text(st, 0));
		*ok = sqlite3_column_int(st, 1);
	} else if (s != SQLITE_ROW && s != SQLITE_DONE) {
		rc = lt_cat_db_error(cat, err, N_("cannot read a bundle's last check"));
	}
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_bundle_paths(struct lt_catalog *cat, char ***paths, size_t *n, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char **list = NULL, **grown;
	size_t count = 0, cap = 0;
	int rc, s = SQLITE_DONE;

	*paths = NULL;
	*n = 0;
	rc = lt_cat_prepare(cat, "SELECT path FROM bundles", &st, err);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory listing bundles");
				break;
			}
			list = grown;
		}
		rc = lt_strdup(lt_cat_col_text(st, 0), &list[count], err);
		if (!rc)
			count++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot list bundles"));
	sqlite3_finalize(st);
	if (rc) {
		for (size_t i = 0; i < count; i++)
			free(list[i]);
		free(list);
		return rc;
	}
	*paths = list;
	*n = count;
	return LT_OK;
}
