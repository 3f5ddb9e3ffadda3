/* catalog_open.c - opening the catalog, bringing its schema up to date, the
 * per-connection statement cache and the helpers the catalog_*.c files share
 * (catalog_int.h). */
#include "catalog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "luutru/fsutil.h"
#include "luutru/fts.h"
#include "luutru/version.h"

/* Indexed by enum lt_cat_stmt. State names are always bound (state.c). */
static const char *const stmt_sql[LT_N_STMTS] = {
	[LT_ST_STATE_OF] = "SELECT state FROM documents WHERE id = ?",
	[LT_ST_MOVE] = "UPDATE documents SET state = ?1, updated = ?2, "
		       "failure = CASE ?3 WHEN 1 THEN ?4 WHEN 2 THEN NULL ELSE failure END "
		       "WHERE id = ?5 AND state = ?6",
	[LT_ST_EVENT] = "INSERT INTO events(document_id, type, at, agent, outcome, detail) "
			"VALUES (?, ?, ?, ?, ?, ?)",
	/* Both claim statements are seeks in documents_claim
	 * (schemas/catalog/009-claim-order.sql): the in-hand count reads the
	 * processing range of the index only, the next document is the first
	 * entry of the queued range (fewest attempts, then most pages, then
	 * oldest), never a sort of the queue. */
	[LT_ST_CLAIM_IN_HAND] = "SELECT COUNT(*), COALESCE(MAX(attempts), 0) FROM documents "
				"WHERE state = ?",
	[LT_ST_CLAIM_NEXT] = "SELECT id, attempts FROM documents WHERE state = ? AND lease IS NULL "
			     "ORDER BY attempts, page_count DESC, created, rowid LIMIT 1",
	[LT_ST_CLAIM_COUNT] = "UPDATE documents SET attempts = attempts + 1 WHERE id = ?",
	[LT_ST_LOAD_ROW] = "SELECT id, label, origin, state, failure, lang, attempts FROM documents "
			   "WHERE id = ?",
	[LT_ST_LOAD_SOURCES] = "SELECT path, " LT_CAT_SHA256_HEX ", size, page_count, format FROM sources "
			       "WHERE document_id = ? ORDER BY seq",
	/* pages.text and pages.technical are packed (lt_text_pack, lt_meta_pack,
	 * fts.h): read through lt_text_unpack. */
	[LT_ST_LOAD_PAGES] = "SELECT number, width, height, dpi, confidence, lt_text_unpack(text), lang, "
			     "preprocessing, quality, review, lt_text_unpack(technical) FROM pages "
			     "WHERE document_id = ? ORDER BY number",
	[LT_ST_PAGE_OLD] = "SELECT id, lt_text_unpack(text) FROM pages WHERE document_id = ? "
			   "AND number = ?",
	[LT_ST_PAGE_UNINDEX] = "INSERT INTO page_text(page_text, rowid, text) VALUES ('delete', ?, ?)",
	[LT_ST_PAGE_STORE] = "UPDATE pages SET width = ?, height = ?, dpi = ?, confidence = ?, "
			     "text = lt_text_pack(?), lang = ?, preprocessing = ?, quality = ?, review = ?, "
			     "technical = lt_meta_pack(?) "
			     "WHERE id = ?",
	[LT_ST_PAGE_INDEX] = "INSERT INTO page_text(rowid, text) VALUES (?, ?)",
	[LT_ST_EXACT_UNINDEX] = "INSERT INTO page_exact(page_exact, rowid, text) VALUES ('delete', ?, ?)",
	[LT_ST_EXACT_INDEX] = "INSERT INTO page_exact(rowid, text) VALUES (?, ?)",
	[LT_ST_BUNDLE_LATEST] = "SELECT COALESCE(MAX(version), 0) FROM bundles WHERE document_id = ?",
	[LT_ST_BUNDLE_ADD] = "INSERT INTO bundles(document_id, version, path, size, sha256, created) "
			     "VALUES (?, ?, ?, ?, ?, ?)",
	[LT_ST_FILE_ADD] = "INSERT INTO files(bundle_id, path, size, sha256) VALUES (?, ?, ?, ?)",
	[LT_ST_WORD_ADD] = "INSERT OR IGNORE INTO page_words(word) VALUES (?)",
};

int lt_cat_db_error(struct lt_catalog *cat, struct lt_err *err, const char *what)
{
	/* Callers mark what with N_(): translated here, on the error path only. */
	int rc = lt_err_set(err, LT_EDB, "catalog '%s': %s: %s", cat->path,
			    lt_i18n_err_format(what),
			    sqlite3_errmsg(cat->db));

	if (err)
		err->cause = sqlite3_extended_errcode(cat->db);
	return rc;
}

int lt_cat_exec(struct lt_catalog *cat, const char *sql, struct lt_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(cat->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		lt_err_set(err, LT_EDB, "catalog '%s': %s (running \"%.40s%s\")", cat->path,
			   msg ? msg : lt_i18n_err_format(N_("unknown error")), sql, strlen(sql) > 40 ? "…" : "");
		sqlite3_free(msg);
		return LT_EDB;
	}
	return LT_OK;
}

int lt_cat_prepare(struct lt_catalog *cat, const char *sql, sqlite3_stmt **st, struct lt_err *err)
{
	if (sqlite3_prepare_v2(cat->db, sql, -1, st, NULL) != SQLITE_OK)
		return lt_cat_db_error(cat, err, N_("cannot prepare a statement"));
	return LT_OK;
}

int lt_cat_stmt(struct lt_catalog *cat, enum lt_cat_stmt which, sqlite3_stmt **st,
		struct lt_err *err)
{
	*st = NULL;
	if ((unsigned)which >= LT_N_STMTS)
		return lt_err_set(err, LT_EINTERNAL, "no cached catalog statement %d", (int)which);
	if (!cat->stmts[which]) {
		/* PERSISTENT: kept for the connection's life, SQLite places it accordingly. */
		if (sqlite3_prepare_v3(cat->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
				       &cat->stmts[which], NULL) != SQLITE_OK)
			return lt_cat_db_error(cat, err, N_("cannot prepare a statement"));
	}
	*st = cat->stmts[which];
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	return LT_OK;
}

void lt_cat_put(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

int lt_cat_step_done(struct lt_catalog *cat, sqlite3_stmt *st, const char *what, struct lt_err *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return lt_cat_db_error(cat, err, what);
	return LT_OK;
}

static void rollback(struct lt_catalog *cat)
{
	if (!sqlite3_get_autocommit(cat->db))
		sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
}

int lt_cat_begin(struct lt_catalog *cat, struct lt_err *err)
{
	int rc;

	if (sqlite3_get_autocommit(cat->db))
		return lt_cat_exec(cat, "BEGIN IMMEDIATE", err);
	rc = lt_cat_exec(cat, "SAVEPOINT lt_nested", err);
	cat->nested += !rc;
	return rc;
}

int lt_cat_end(struct lt_catalog *cat, int rc, struct lt_err *err)
{
	/* A cached statement left mid-step would keep the transaction's
	 * snapshot alive past its end. */
	for (int i = 0; i < LT_N_STMTS; i++)
		if (cat->stmts[i])
			sqlite3_reset(cat->stmts[i]);
	if (cat->nested > 0) {
		cat->nested--;
		if (rc)
			sqlite3_exec(cat->db, "ROLLBACK TO lt_nested", NULL, NULL, NULL);
		return sqlite3_exec(cat->db, "RELEASE lt_nested", NULL, NULL, NULL) == SQLITE_OK || rc
			? rc : lt_cat_db_error(cat, err, N_("cannot release a savepoint"));
	}
	if (!rc)
		rc = lt_cat_exec(cat, "COMMIT", err);
	if (rc)
		rollback(cat);
	return rc;
}

const char *lt_cat_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

const char *lt_catalog_agent(void)
{
	return "luutru " LT_VERSION;
}

static int read_version(struct lt_catalog *cat, int *version, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "PRAGMA user_version", &st, err);

	if (!rc && sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	else if (!rc)
		rc = lt_cat_db_error(cat, err, N_("cannot read the schema version"));
	sqlite3_finalize(st);
	return rc;
}

/* The compiled-in migrations must be versions 1, 2, ... LT_CATALOG_VERSION;
 * the build checks the last one (build/schemas.c), this the order. */
static int check_migrations(struct lt_err *err)
{
	for (int i = 0; i < lt_catalog_n_migrations; i++)
		if (lt_catalog_migrations[i].version != i + 1)
			return lt_err_set(err, LT_EINTERNAL, "catalog migration %d is numbered %d: "
					  "schemas/catalog/ must hold 001, 002, ... without gaps",
					  i + 1, lt_catalog_migrations[i].version);
	if (lt_catalog_n_migrations != LT_CATALOG_VERSION)
		return lt_err_set(err, LT_EINTERNAL, "this luutru has %d catalog migrations but "
				  "LT_CATALOG_VERSION %d", lt_catalog_n_migrations, LT_CATALOG_VERSION);
	return LT_OK;
}

/* Brings the schema up to date. Reading the version needs no lock, so a
 * current catalog (the usual case) opens without writing, even read-only. */
static int migrate(struct lt_catalog *cat, enum lt_catalog_mode mode, struct lt_err *err)
{
	int version = 0, rc = check_migrations(err);

	if (!rc)
		rc = read_version(cat, &version, err);
	if (!rc && version == LT_CATALOG_VERSION)
		return LT_OK;
	if (!rc && mode == LT_CATALOG_READ && version < LT_CATALOG_VERSION)
		return lt_err_set(err, LT_EDB, "catalog '%s' has schema version %d and needs upgrading "
				  "to %d: run `luutru run` once with write access", cat->path, version,
				  LT_CATALOG_VERSION);
	if (!rc)
		rc = lt_cat_begin(cat, err);
	/* Again under the lock: another process may have migrated meanwhile. */
	if (!rc)
		rc = read_version(cat, &version, err);
	if (!rc && version > LT_CATALOG_VERSION)
		rc = lt_err_set(err, LT_EDB,
				"catalog '%s' has schema version %d but this luutru knows only up to %d: "
				"use a newer luutru", cat->path, version, LT_CATALOG_VERSION);
	for (int i = 0; !rc && i < lt_catalog_n_migrations; i++) {
		char pragma[64];

		if (lt_catalog_migrations[i].version <= version)
			continue;
		rc = lt_cat_exec(cat, lt_catalog_migrations[i].sql, err);
		if (rc) {
			lt_err_prefix(err, "upgrading the catalog to version %d: ",
				      lt_catalog_migrations[i].version);
			break;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			 lt_catalog_migrations[i].version);
		rc = lt_cat_exec(cat, pragma, err);
	}
	return lt_cat_end(cat, rc, err);
}

/* Switching to WAL needs a moment of exclusive access, which SQLite's busy
 * handler does not wait for; two processes opening a new catalog at once
 * would otherwise fail with "database is locked". */
static int enable_wal(struct lt_catalog *cat, struct lt_err *err)
{
	for (int tries = 0; ; tries++) {
		int rc = sqlite3_exec(cat->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

		if (rc == SQLITE_OK)
			return LT_OK;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 600)
			return lt_cat_db_error(cat, err, N_("cannot switch to WAL mode"));
		sqlite3_sleep(100);
	}
}

/* A reader without write access cannot create the WAL index (-shm) that a
 * WAL database needs; luutru's writers keep it (PERSIST_WAL), but another
 * tool (the sqlite3 shell, a backup) may have removed it. Then the catalog is
 * read as immutable: correct whenever no writer is active, which is when the
 * files are missing. */
static int open_read_only_fallback(struct lt_catalog *cat, struct lt_err *err)
{
	struct lt_buf uri = LT_BUF_INIT;
	int version = 0, code, rc;

	if (read_version(cat, &version, NULL) == LT_OK)
		return LT_OK;
	code = sqlite3_extended_errcode(cat->db) & 0xff;
	if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN)
		return lt_cat_db_error(cat, err, N_("cannot read the catalog"));
	sqlite3_close(cat->db);
	cat->db = NULL;
	rc = lt_buf_puts(&uri, "file:", err);
	for (const char *p = cat->path; !rc && *p; p++)
		rc = (*p == '%' || *p == '?' || *p == '#')
			? lt_buf_printf(&uri, err, "%%%02X", (unsigned char)*p)
			: lt_buf_append(&uri, p, 1, err);
	if (!rc)
		rc = lt_buf_puts(&uri, "?immutable=1", err);
	if (!rc && sqlite3_open_v2(lt_buf_str(&uri), &cat->db,
				   SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		rc = lt_err_set(err, LT_EDB, "cannot open catalog '%s' read-only: %s", cat->path,
				cat->db ? sqlite3_errmsg(cat->db) : lt_i18n_err_format(N_("out of memory")));
	lt_buf_release(&uri);
	return rc;
}

int lt_catalog_open(const char *archive_dir, enum lt_catalog_mode mode,
		    struct lt_catalog **out, struct lt_err *err)
{
	struct lt_catalog *cat = NULL;
	struct stat sb;
	int flags = (mode == LT_CATALOG_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		SQLITE_OPEN_NOMUTEX;
	int rc;

	*out = NULL;
	cat = calloc(1, sizeof(*cat));
	if (!cat)
		return lt_err_set(err, LT_ENOMEM, "out of memory opening the catalog");
	rc = lt_path(&cat->path, err, "%s/catalog.sqlite", archive_dir);
	if (rc) {
		free(cat);
		return rc;
	}
	if (mode == LT_CATALOG_CREATE) {
		rc = lt_mkdir_p(archive_dir, 0755, err);
		if (rc)
			goto fail;
		flags |= SQLITE_OPEN_CREATE;
	} else if (stat(cat->path, &sb) != 0) {
		rc = lt_err_set(err, LT_ENOTFOUND,
				"no catalog at '%s' (is --archive right? `luutru ingest INBOX` creates one)",
				cat->path);
		goto fail;
	}
	if (sqlite3_open_v2(cat->path, &cat->db, flags, NULL) != SQLITE_OK) {
		rc = lt_err_set(err, LT_EDB, "cannot open catalog '%s': %s", cat->path,
				cat->db ? sqlite3_errmsg(cat->db) : lt_i18n_err_format(N_("out of memory")));
		goto fail;
	}
	/* Long busy timeout: workers queue on the write lock for a few ms each;
	 * a reader never blocks a writer in WAL mode. */
	sqlite3_busy_timeout(cat->db, 60000);
	if (mode == LT_CATALOG_READ) {
		rc = open_read_only_fallback(cat, err);
		if (rc)
			goto fail;
	} else {
		/* Keep -wal and -shm after the last writer closes: a reader without
		 * write access to the archive folder cannot create them, and could
		 * not open the catalog at all. */
		int persist = 1;

		sqlite3_file_control(cat->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	}
	/* A new catalog gets 16 KB pages (the page size can only be chosen
	 * before the first table, and not at all in WAL mode): a page row
	 * (its packed text, ~2 KB) fits two to a 4 KB page at best, which
	 * left a quarter of the pages table empty; in 16 KB pages the rows
	 * pack (issue #11: 814 -> 726 MB at 100,000 pages). Incremental
	 * auto-vacuum: the pages FTS5's merges free are given back by the
	 * upkeep after a run (catalog_health.c), not kept as the file's
	 * free list. An existing catalog keeps both: they change only by a
	 * VACUUM out of WAL mode (README, "At scale"). */
	rc = mode == LT_CATALOG_CREATE
		? lt_cat_exec(cat, "PRAGMA page_size = 16384; PRAGMA auto_vacuum = INCREMENTAL", err)
		: LT_OK;
	if (!rc)
		rc = mode == LT_CATALOG_READ ? LT_OK : enable_wal(cat, err);
	/* The kept WAL file is cut back after checkpoints rather than staying
	 * at its largest size. */
	if (!rc)
		rc = lt_cat_exec(cat, mode == LT_CATALOG_READ
			  /* A reader does not map the file: a search touches a few
			   * hundred scattered pages once, and on this VM the page
			   * faults and the unmapping cost more than pread copies
			   * (issue 11: a common word 22 -> 13 ms of CPU in process at
			   * 100,000 pages, --organ 'Đà Nẵng' 'ngân sách' 52 -> 28). */
			  ? "PRAGMA foreign_keys = ON;"
			  : "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
			    "PRAGMA journal_size_limit = 4194304;", err);
	if (!rc)
		rc = lt_fts_register(cat->db, err);
	if (!rc)
		rc = migrate(cat, mode, err);
	if (rc)
		goto fail;
	*out = cat;
	return LT_OK;
fail:
	lt_catalog_close(cat);
	return rc;
}

void lt_catalog_close(struct lt_catalog *cat)
{
	if (!cat)
		return;
	for (int i = 0; i < LT_N_STMTS; i++)
		sqlite3_finalize(cat->stmts[i]);
	sqlite3_close(cat->db);
	free(cat->path);
	free(cat);
}

