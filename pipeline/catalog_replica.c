/* catalog_replica.c - what the catalog knows of second copies: the replicas,
 * which bundles each one holds (so "how far behind" counts bundles archived
 * since its last sync), a snapshot of the catalog for them (SQLite's online
 * backup API), and the repair events.
 */
#include "catalog_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/fsutil.h"

int lt_catalog_bundles(struct lt_catalog *cat, const char *id, struct lt_bundle_ref **refs,
		       size_t *n, struct lt_err *err)
{
	return lt_cat_list_bundles(cat, id, NULL, 0, refs, n, err);
}

int lt_catalog_replica_add(struct lt_catalog *cat, const char *path, int64_t *id,
			   struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	lt_now_iso8601(now);
	rc = lt_cat_prepare(cat, "INSERT INTO replicas (path, added) VALUES (?, ?) "
			    "ON CONFLICT (path) DO NOTHING", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, N_("cannot record a replica"), err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = lt_cat_prepare(cat, "SELECT id FROM replicas WHERE path = ?", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		else
			rc = lt_cat_db_error(cat, err, N_("cannot read back a replica"));
	}
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_replica_mark(struct lt_catalog *cat, int64_t replica, const char *bundle_path,
			    int held, const char *at, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, held ?
				"INSERT OR REPLACE INTO replica_bundles (replica_id, bundle_id, verified) "
				"SELECT ?1, id, ?3 FROM bundles WHERE path = ?2" :
				"DELETE FROM replica_bundles WHERE replica_id = ?1 AND bundle_id = "
				"(SELECT id FROM bundles WHERE path = ?2)",
				&st, err);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, replica);
	sqlite3_bind_text(st, 2, bundle_path, -1, SQLITE_STATIC);
	if (held)
		sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
	rc = lt_cat_step_done(cat, st, N_("cannot record a replica's bundle"), err);
	if (!rc && held && sqlite3_changes(cat->db) == 0)
		rc = lt_err_set(err, LT_ENOTFOUND, "no bundle '%s' in the catalog", bundle_path);
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_replica_synced(struct lt_catalog *cat, int64_t replica, const char *at,
			      int64_t copied, int64_t problems, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "UPDATE replicas SET last_sync = ?, copied = ?, problems = ? "
				"WHERE id = ?", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, copied);
	sqlite3_bind_int64(st, 3, problems);
	sqlite3_bind_int64(st, 4, replica);
	rc = lt_cat_step_done(cat, st, N_("cannot record a replica's sync"), err);
	sqlite3_finalize(st);
	return rc;
}

void lt_replicas_free(struct lt_replica *replicas, size_t n)
{
	if (!replicas)
		return;
	for (size_t i = 0; i < n; i++)
		free(replicas[i].path);
	free(replicas);
}

int lt_catalog_replicas(struct lt_catalog *cat, struct lt_replica **out, size_t *n,
			struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	struct lt_replica *v = NULL;
	size_t len = 0, cap = 0;
	int rc, s = SQLITE_DONE;

	*out = NULL;
	*n = 0;
	rc = lt_cat_prepare(cat, "SELECT r.id, r.path, r.added, r.last_sync, r.copied, r.problems, "
			    "(SELECT COUNT(*) FROM replica_bundles rb WHERE rb.replica_id = r.id), "
			    "(SELECT COUNT(*) FROM bundles) FROM replicas r ORDER BY r.id", &st, err);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_replica *r;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct lt_replica *nv = realloc(v, ncap * sizeof(*nv));

			if (!nv) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory listing replicas");
				break;
			}
			v = nv;
			cap = ncap;
		}
		r = &v[len];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		snprintf(r->added, sizeof(r->added), "%s", lt_cat_col_text(st, 2));
		snprintf(r->last_sync, sizeof(r->last_sync), "%s", lt_cat_col_text(st, 3));
		r->copied = sqlite3_column_int64(st, 4);
		r->problems = sqlite3_column_int64(st, 5);
		r->held = sqlite3_column_int64(st, 6);
		r->behind = sqlite3_column_int64(st, 7) - r->held;
		rc = lt_strdup(lt_cat_col_text(st, 1), &r->path, err);
		len++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot list replicas"));
	sqlite3_finalize(st);
	if (rc) {
		lt_replicas_free(v, len);
		return rc;
	}
	*out = v;
	*n = len;
	return LT_OK;
}

/* fsync()s the file at path (the snapshot SQLite wrote and closed). */
static int fsync_file(const char *path, struct lt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = LT_OK;

	if (fd < 0)
		return lt_err_set(err, LT_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fsync(fd) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot fsync '%s': %s", path, strerror(errno));
	close(fd);
	return rc;
}

/* Removes path and SQLite's companions of it (-journal, -wal, -shm). */
static void unlink_db(const char *path)
{
	static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
	char *p = NULL;

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if (lt_path(&p, NULL, "%s%s", path, suffix[i]) == LT_OK)
			unlink(p);
		free(p);
		p = NULL;
	}
}

int lt_catalog_snapshot(struct lt_catalog *cat, const char *dst, struct lt_err *err)
{
	sqlite3 *out = NULL;
	sqlite3_backup *b = NULL;
	char *tmp = NULL;
	int rc, s;

	rc = lt_path(&tmp, err, "%s.part-%ld", dst, (long)getpid());
	if (rc)
		return rc;
	unlink_db(tmp);
	if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = lt_err_set(err, LT_EIO, "cannot create the catalog snapshot '%s': %s", tmp,
				out ? sqlite3_errmsg(out) : lt_i18n_err_format(N_("out of memory")));
		goto out;
	}
	/* -1: every page in one step, so the copy is one consistent read of
	 * the catalog, whatever writers do meanwhile. */
	b = sqlite3_backup_init(out, "main", cat->db, "main");
	if (!b) {
		rc = lt_err_set(err, LT_EIO, "cannot snapshot catalog '%s' into '%s': %s", cat->path,
				tmp, sqlite3_errmsg(out));
		goto out;
	}
	s = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (s != SQLITE_DONE) {
		rc = lt_err_set(err, s == SQLITE_FULL ? LT_EIO : LT_EDB,
				"cannot snapshot catalog '%s' into '%s': %s", cat->path, tmp,
				sqlite3_errstr(s));
		goto out;
	}
	/* The catalog is in WAL mode and the copy says so: one file is easier
	 * to carry away, and no stale -wal beside an older snapshot can be
	 * replayed into this one. */
	if (sqlite3_exec(out, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = lt_err_set(err, LT_EIO, "cannot finish the catalog snapshot '%s': %s", tmp,
				sqlite3_errmsg(out));
		goto out;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		rc = lt_err_set(err, LT_EIO, "cannot close the catalog snapshot '%s'", tmp);
		out = NULL;
		goto out;
	}
	out = NULL;
	rc = fsync_file(tmp, err);
	if (!rc) {
		/* A -wal left beside an older snapshot (opened by luutru since)
		 * would be replayed into this one. */
		char *side = NULL;

		if (lt_path(&side, NULL, "%s-wal", dst) == LT_OK)
			unlink(side);
		free(side);
		side = NULL;
		if (lt_path(&side, NULL, "%s-shm", dst) == LT_OK)
			unlink(side);
		free(side);
	}
	if (!rc && rename(tmp, dst) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot rename '%s' to '%s': %s", tmp, dst, strerror(errno));
	if (!rc)
		rc = lt_fsync_parent(dst, err);
out:
	if (out)
		sqlite3_close(out);
	if (rc)
		unlink_db(tmp);
	free(tmp);
	return rc;
}

int lt_catalog_record_repair(struct lt_catalog *cat, const char *id, const char *outcome,
			     const char *detail, struct lt_err *err)
{
	struct lt_event e = { .type = (char *)"repair", .outcome = (char *)outcome, .detail = (char *)detail };

	lt_now_iso8601(e.at);
	return lt_cat_add_event(cat, id, &e, err);
}
