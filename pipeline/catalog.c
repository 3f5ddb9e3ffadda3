/* catalog.c - the SQLite catalog: schema migrations, ingest, claiming and
 * committing work, search and reporting.
 *
 * Every write that belongs together is one transaction, so a crash leaves the
 * catalog at the last document boundary. Writers take the lock up front
 * (BEGIN IMMEDIATE) so two workers never deadlock upgrading a read lock.
 */
#include "luutru/catalog.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "luutru/fsutil.h"
#include "luutru/fts.h"
#include "luutru/text.h"
#include "luutru/version.h"

/* The schema files, compiled in (build/schemas.c, made from schemas/). */
extern const char lt_schema_catalog_sql[];

struct migration {
	int version;
	const char *sql;
};

/* Ordered: migration N takes a catalog from version N-1 to N. */
static const struct migration migrations[] = {
	{ 1, lt_schema_catalog_sql },
};

struct lt_catalog {
	sqlite3 *db;
	char *path;
};

static int db_error(struct lt_catalog *cat, struct lt_err *err, const char *what)
{
	int rc = lt_err_set(err, LT_EDB, "catalog '%s': %s: %s", cat->path, what,
			    sqlite3_errmsg(cat->db));

	if (err)
		err->cause = sqlite3_extended_errcode(cat->db);
	return rc;
}

static int exec(struct lt_catalog *cat, const char *sql, struct lt_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(cat->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		lt_err_set(err, LT_EDB, "catalog '%s': %s (running \"%.40s%s\")", cat->path,
			   msg ? msg : "unknown error", sql, strlen(sql) > 40 ? "…" : "");
		sqlite3_free(msg);
		return LT_EDB;
	}
	return LT_OK;
}

static int prepare(struct lt_catalog *cat, const char *sql, sqlite3_stmt **st, struct lt_err *err)
{
	if (sqlite3_prepare_v2(cat->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_error(cat, err, "cannot prepare a statement");
	return LT_OK;
}

static int step_done(struct lt_catalog *cat, sqlite3_stmt *st, const char *what, struct lt_err *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(cat, err, what);
	return LT_OK;
}

static void rollback(struct lt_catalog *cat)
{
	if (!sqlite3_get_autocommit(cat->db))
		sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Commits if everything went well (rc == LT_OK), else rolls back; returns
 * the first failure. Every BEGIN IMMEDIATE ends here. */
static int end_transaction(struct lt_catalog *cat, int rc, struct lt_err *err)
{
	if (!rc)
		rc = exec(cat, "COMMIT", err);
	if (rc)
		rollback(cat);
	return rc;
}

static const char *col_text(sqlite3_stmt *st, int col)
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
	int rc = prepare(cat, "PRAGMA user_version", &st, err);

	if (!rc && sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	else if (!rc)
		rc = db_error(cat, err, "cannot read the schema version");
	sqlite3_finalize(st);
	return rc;
}

/* Brings the schema up to date. Reading the version needs no lock, so a
 * current catalog (the usual case) opens without writing, even read-only. */
static int migrate(struct lt_catalog *cat, enum lt_catalog_mode mode, struct lt_err *err)
{
	int version = 0, rc;
	size_t n = sizeof(migrations) / sizeof(migrations[0]);

	rc = read_version(cat, &version, err);
	if (!rc && version == LT_CATALOG_VERSION)
		return LT_OK;
	if (!rc && mode == LT_CATALOG_READ && version < LT_CATALOG_VERSION)
		return lt_err_set(err, LT_EDB, "catalog '%s' has schema version %d and needs upgrading "
				  "to %d: run `luutru run` once with write access", cat->path, version,
				  LT_CATALOG_VERSION);
	if (!rc)
		rc = exec(cat, "BEGIN IMMEDIATE", err);
	/* Again under the lock: another process may have migrated meanwhile. */
	if (!rc)
		rc = read_version(cat, &version, err);
	if (!rc && version > LT_CATALOG_VERSION)
		rc = lt_err_set(err, LT_EDB,
				"catalog '%s' has schema version %d but this luutru knows only up to %d: "
				"use a newer luutru", cat->path, version, LT_CATALOG_VERSION);
	for (size_t i = 0; !rc && i < n; i++) {
		char pragma[64];

		if (migrations[i].version <= version)
			continue;
		rc = exec(cat, migrations[i].sql, err);
		if (rc) {
			lt_err_prefix(err, "upgrading the catalog to version %d: ", migrations[i].version);
			break;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", migrations[i].version);
		rc = exec(cat, pragma, err);
	}
	rc = end_transaction(cat, rc, err);
	return rc;
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
			return db_error(cat, err, "cannot switch to WAL mode");
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
		return db_error(cat, err, "cannot read the catalog");
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
				cat->db ? sqlite3_errmsg(cat->db) : "out of memory");
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
	if (!cat || asprintf(&cat->path, "%s/catalog.sqlite", archive_dir) < 0) {
		free(cat);
		return lt_err_set(err, LT_ENOMEM, "out of memory opening the catalog");
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
				cat->db ? sqlite3_errmsg(cat->db) : "out of memory");
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
	rc = mode == LT_CATALOG_READ ? LT_OK : enable_wal(cat, err);
	/* The kept WAL file is cut back after checkpoints rather than staying
	 * at its largest size. */
	if (!rc)
		rc = exec(cat, mode == LT_CATALOG_READ
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
	sqlite3_close(cat->db);
	free(cat->path);
	free(cat);
}

/* ---- ingest ---- */

int lt_catalog_add_batch(struct lt_catalog *cat, const char *inbox, int64_t *batch_id,
			 struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	lt_now_iso8601(now);
	rc = prepare(cat, "INSERT INTO batches(inbox, started) VALUES (?, ?)", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, inbox, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		rc = step_done(cat, st, "cannot record the batch", err);
	}
	sqlite3_finalize(st);
	if (!rc)
		*batch_id = sqlite3_last_insert_rowid(cat->db);
	return rc;
}

/* Runs a one-parameter query expected to give at most one text value.
 * *found is 1 and out filled (truncated to outsize) when it gives a row. */
static int select_one(struct lt_catalog *cat, const char *sql, const char *arg, char *out,
		      size_t outsize, int *found, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(cat, sql, &st, err);

	*found = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*found = 1;
		snprintf(out, outsize, "%s", col_text(st, 0));
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = db_error(cat, err, "cannot look a document up");
	}
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_find(struct lt_catalog *cat, const char *id, int *found,
		    enum lt_doc_state *state, struct lt_err *err)
{
	char name[16];
	int rc = select_one(cat, "SELECT state FROM documents WHERE id = ?", id, name, sizeof(name),
			    found, err);

	if (!rc && *found && state && !lt_doc_state_parse(name, state))
		rc = lt_err_set(err, LT_EDB, "document %s has an unknown state '%s'", id, name);
	return rc;
}

static int add_event(struct lt_catalog *cat, const char *id, const struct lt_event *e,
		     struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(cat, "INSERT INTO events(document_id, type, at, agent, outcome, detail) "
			      "VALUES (?, ?, ?, ?, ?, ?)", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, lt_catalog_agent(), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->detail, -1, SQLITE_STATIC);
	rc = step_done(cat, st, "cannot record an event", err);
	sqlite3_finalize(st);
	return rc;
}

/* Inside the caller's transaction: every document `where` selects (an SQL
 * condition on documents that may use :a and :b, bound to a and b) moves to
 * `state`, records an event type/outcome/detail, and gets `failure` as its
 * reason (NULL leaves the reason as it is). *count (may be NULL) says how
 * many moved. One place for a state change and its PREMIS event. */
static int move_documents(struct lt_catalog *cat, const char *where, const char *a, const char *b,
			  const char *state, const char *failure, const char *type,
			  const char *outcome, const char *detail, int *count, struct lt_err *err)
{
	static const char *const templates[] = {
		"INSERT INTO events(document_id, type, at, agent, outcome, detail) "
		"SELECT id, :type, :now, :agent, :outcome, :detail FROM documents WHERE %s",
		"UPDATE documents SET state = :state, failure = COALESCE(:failure, failure), "
		"updated = :now WHERE %s",
	};
	char now[32];
	int rc = LT_OK;

	lt_now_iso8601(now);
	for (size_t i = 0; !rc && i < 2; i++) {
		struct lt_buf sql = LT_BUF_INIT;
		sqlite3_stmt *st = NULL;
		const char *names[] = { ":a", ":b", ":type", ":now", ":agent", ":outcome", ":detail",
					":state", ":failure" };
		const char *values[] = { a, b, type, now, lt_catalog_agent(), outcome, detail, state,
					 failure };

		rc = lt_buf_printf(&sql, err, templates[i], where);
		if (!rc)
			rc = prepare(cat, lt_buf_str(&sql), &st, err);
		for (size_t k = 0; !rc && k < sizeof(names) / sizeof(names[0]); k++) {
			int idx = sqlite3_bind_parameter_index(st, names[k]);

			if (idx > 0)
				sqlite3_bind_text(st, idx, values[k], -1, SQLITE_STATIC);
		}
		if (!rc)
			rc = step_done(cat, st, i == 0 ? "cannot record events" : "cannot change states", err);
		if (!rc && i == 1 && count)
			*count = sqlite3_changes(cat->db);
		sqlite3_finalize(st);
		lt_buf_release(&sql);
	}
	return rc;
}

/* Inside the caller's transaction: see lt_catalog_add_document(). */
static int supersede_others(struct lt_catalog *cat, const struct lt_doc *doc, int *count,
			    struct lt_err *err)
{
	char detail[96];

	snprintf(detail, sizeof(detail), "the same origin was ingested again with other content: %s",
		 doc->id);
	return move_documents(cat, "origin = :a AND id != :b AND state IN ('queued', 'failed')",
			      doc->origin, doc->id, "superseded", NULL, "superseded", "success", detail,
			      count, err);
}

int lt_catalog_add_document(struct lt_catalog *cat, int64_t batch_id, const struct lt_doc *doc,
			    int *added, int *superseded, struct lt_err *err)
{
	int n_superseded = 0;
	sqlite3_stmt *st = NULL;
	char now[32], detail[128];
	struct lt_event ev = { .type = "ingested", .outcome = "success", .detail = detail };
	int rc;

	lt_now_iso8601(now);
	memcpy(ev.at, now, sizeof(ev.at));
	snprintf(detail, sizeof(detail), "%zu files, %zu pages", doc->n_sources, doc->n_pages);
	*added = 0;
	if (superseded)
		*superseded = 0;
	rc = exec(cat, "BEGIN IMMEDIATE", err);
	if (!rc)
		rc = prepare(cat, "INSERT INTO documents(id, batch_id, label, origin, state, created, updated) "
				  "VALUES (?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT(id) DO NOTHING", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, batch_id);
		sqlite3_bind_text(st, 3, doc->label, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, doc->origin, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
		rc = step_done(cat, st, "cannot add the document", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc && sqlite3_changes(cat->db) == 0) {
		/* Known already: a concurrent ingest of the same scans won. */
		return end_transaction(cat, rc, err);
	}
	if (!rc)
		rc = prepare(cat, "INSERT INTO sources(document_id, seq, path, size, sha256, format, page_count) "
				  "VALUES (?, ?, ?, ?, ?, ?, ?)", &st, err);
	for (size_t i = 0; !rc && i < doc->n_sources; i++) {
		const struct lt_source *s = &doc->sources[i];

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, (int)i + 1);
		sqlite3_bind_text(st, 3, s->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)s->size);
		sqlite3_bind_text(st, 5, s->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, s->ext, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, s->page_count);
		rc = step_done(cat, st, "cannot add a source file", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = prepare(cat, "INSERT INTO pages(document_id, number, source_seq, source_index) "
				  "VALUES (?, ?, ?, ?)", &st, err);
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, p->number);
		sqlite3_bind_int(st, 3, p->source + 1);
		sqlite3_bind_int(st, 4, p->index_in_source);
		rc = step_done(cat, st, "cannot add a page", err);
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = add_event(cat, doc->id, &ev, err);
	if (!rc)
		rc = supersede_others(cat, doc, &n_superseded, err);
	rc = end_transaction(cat, rc, err);
	if (rc)
		return rc;
	*added = 1;
	if (superseded)
		*superseded = n_superseded;
	return LT_OK;
}

int lt_catalog_retry(struct lt_catalog *cat, const struct lt_doc *scanned, int *requeued,
		     int *superseded, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	struct lt_event ev = { .type = "requeued", .outcome = "success",
			       .detail = "ingested again" };
	int rc, changed = 0, n_superseded = 0;

	*requeued = 0;
	if (superseded)
		*superseded = 0;
	lt_now_iso8601(ev.at);
	rc = exec(cat, "BEGIN IMMEDIATE", err);
	if (!rc)
		rc = prepare(cat, "UPDATE documents SET state = 'queued', attempts = 0, failure = NULL, "
				  "label = ?, origin = ?, updated = ? "
				  "WHERE id = ? AND state IN ('failed', 'superseded')", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, scanned->label, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, scanned->origin, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ev.at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, scanned->id, -1, SQLITE_STATIC);
		rc = step_done(cat, st, "cannot requeue the document", err);
		changed = sqlite3_changes(cat->db);
	}
	sqlite3_finalize(st);
	st = NULL;
	/* The scans may have moved since: the run must read them where they are now. */
	if (!rc && changed)
		rc = prepare(cat, "UPDATE sources SET path = ? WHERE document_id = ? AND seq = ?", &st, err);
	for (size_t i = 0; !rc && changed && i < scanned->n_sources; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, scanned->sources[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, scanned->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, (int)i + 1);
		rc = step_done(cat, st, "cannot update the document's sources", err);
	}
	sqlite3_finalize(st);
	if (!rc && changed)
		rc = add_event(cat, scanned->id, &ev, err);
	if (!rc && changed)
		rc = supersede_others(cat, scanned, &n_superseded, err);
	rc = end_transaction(cat, rc, err);
	if (rc)
		return rc;
	*requeued = changed > 0;
	if (superseded)
		*superseded = n_superseded;
	return LT_OK;
}

int lt_catalog_find_origin(struct lt_catalog *cat, const char *origin, int *found,
			   char id[LT_DOC_ID_LEN + 1], struct lt_err *err)
{
	return select_one(cat, "SELECT id FROM documents WHERE origin = ? "
			       "ORDER BY created DESC, rowid DESC LIMIT 1",
			  origin, id, LT_DOC_ID_LEN + 1, found, err);
}

/* ---- run ---- */

static int set_state_where(struct lt_catalog *cat, const char *sql, const char *id, int *count,
			   struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = prepare(cat, sql, &st, err);

	lt_now_iso8601(now);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	if (id)
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = step_done(cat, st, "cannot change a document's state", err);
	sqlite3_finalize(st);
	if (!rc && count)
		*count = sqlite3_changes(cat->db);
	return rc;
}

int lt_catalog_requeue_interrupted(struct lt_catalog *cat, int forgive, int *requeued,
				   int *given_up, struct lt_err *err)
{
	char reason[160], limit[16];
	int rc, back = 0, gave_up = 0;

	*requeued = *given_up = 0;
	snprintf(limit, sizeof(limit), "%d", LT_MAX_ATTEMPTS);
	snprintf(reason, sizeof(reason), "run: %d runs died while processing it (the last two with "
		 "nothing else in hand): it is likely what stops them", LT_MAX_ATTEMPTS);
	rc = exec(cat, "BEGIN IMMEDIATE", err);
	if (!rc && forgive)
		rc = exec(cat, "UPDATE documents SET attempts = MAX(attempts - 1, 0) "
			       "WHERE state = 'processing'", err);
	/* attempts is an INTEGER column: the text bound to :a compares as a number. */
	if (!rc)
		rc = move_documents(cat, "state = 'processing' AND attempts >= :a", limit, NULL, "failed",
				    reason, "failed", "failure", reason, &gave_up, err);
	if (!rc)
		rc = set_state_where(cat, "UPDATE documents SET state = 'queued', updated = ? "
					  "WHERE state = 'processing'", NULL, &back, err);
	rc = end_transaction(cat, rc, err);
	if (rc)
		return rc;
	*requeued = back;
	*given_up = gave_up;
	return LT_OK;
}

int lt_catalog_requeue(struct lt_catalog *cat, const char *id, struct lt_err *err)
{
	return set_state_where(cat, "UPDATE documents SET state = 'queued', updated = ?, "
				    "attempts = MAX(attempts - 1, 0) WHERE id = ? AND state = 'processing'",
			       id, NULL, err);
}

static int load_sources_and_pages(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(cat, "SELECT path, sha256, size, page_count, format FROM sources "
			      "WHERE document_id = ? ORDER BY seq", &st, err);

	if (!rc)
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	while (!rc) {
		int s = sqlite3_step(st);

		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = db_error(cat, err, "cannot read a document's sources");
			break;
		}
		char sha[LT_SHA256_HEX];
		snprintf(sha, sizeof(sha), "%s", col_text(st, 1));
		rc = lt_doc_add_source(doc, col_text(st, 0), sha, (uint64_t)sqlite3_column_int64(st, 2),
				       sqlite3_column_int(st, 3), col_text(st, 4), err);
		if (!rc)
			rc = lt_doc_add_pages_of_last_source(doc, err);
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Pages were derived from the sources above; fill in what a run stored. */
	if (!rc)
		rc = prepare(cat, "SELECT number, width, height, dpi, confidence, text FROM pages "
				  "WHERE document_id = ? ORDER BY number", &st, err);
	if (!rc)
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	while (!rc) {
		int s = sqlite3_step(st), number;

		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = db_error(cat, err, "cannot read a document's pages");
			break;
		}
		number = sqlite3_column_int(st, 0);
		if (number < 1 || (size_t)number > doc->n_pages) {
			rc = lt_err_set(err, LT_EDB, "document %s: page %d does not match its sources",
					doc->id, number);
			break;
		}
		struct lt_page *p = &doc->pages[number - 1];
		p->width = sqlite3_column_int(st, 1);
		p->height = sqlite3_column_int(st, 2);
		p->dpi = sqlite3_column_int(st, 3);
		p->confidence = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1
			: sqlite3_column_double(st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			rc = lt_strdup(col_text(st, 5), &p->text, err);
	}
	sqlite3_finalize(st);
	return rc;
}

static int load_row(struct lt_catalog *cat, const char *id, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(cat, "SELECT id, label, origin, state, failure, lang, attempts FROM documents "
			      "WHERE id = ?", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		snprintf(doc->id, sizeof(doc->id), "%s", col_text(st, 0));
		lt_doc_state_parse(col_text(st, 3), &doc->state);
		doc->attempts = sqlite3_column_int(st, 6);
		if (lt_strdup(col_text(st, 1), &doc->label, err) ||
		    lt_strdup(col_text(st, 2), &doc->origin, err) ||
		    lt_strdup((const char *)sqlite3_column_text(st, 4), &doc->failure, err) ||
		    lt_strdup((const char *)sqlite3_column_text(st, 5), &doc->lang, err))
			rc = err->code;
		break;
	case SQLITE_DONE:
		rc = lt_err_set(err, LT_ENOTFOUND, "no document '%s' in the catalog", id);
		break;
	default:
		rc = db_error(cat, err, "cannot read a document");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Claimed by this many runs that died: from now on it runs alone. Two, not
 * one: after a single crash the culprit cannot be told from its neighbours,
 * but a neighbour that reaches two runs alone next time and succeeds, while
 * the culprit dies alone and reaches LT_MAX_ATTEMPTS. */
#define SUSPECT_ATTEMPTS 2

int lt_catalog_claim(struct lt_catalog *cat, struct lt_doc **out, int *wait, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	struct lt_doc *doc = NULL;
	char id[LT_DOC_ID_LEN + 1] = "";
	int rc, s, in_hand = 0, suspect_in_hand = 0, attempts = 0;

	*out = NULL;
	*wait = 0;
	rc = exec(cat, "BEGIN IMMEDIATE", err);
	if (!rc)
		rc = prepare(cat, "SELECT COUNT(*), COALESCE(MAX(attempts), 0) FROM documents "
				  "WHERE state = 'processing'", &st, err);
	if (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		in_hand = sqlite3_column_int(st, 0);
		suspect_in_hand = sqlite3_column_int(st, 1) > SUSPECT_ATTEMPTS;
	} else if (!rc) {
		rc = db_error(cat, err, "cannot read the queue");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = prepare(cat, "SELECT id, attempts FROM documents WHERE state = 'queued' "
				  "ORDER BY attempts, created, rowid LIMIT 1", &st, err);
	if (!rc) {
		s = sqlite3_step(st);
		if (s == SQLITE_ROW) {
			snprintf(id, sizeof(id), "%s", col_text(st, 0));
			attempts = sqlite3_column_int(st, 1);
		} else if (s != SQLITE_DONE) {
			rc = db_error(cat, err, "cannot read the queue");
		}
	}
	sqlite3_finalize(st);
	/* A suspect runs alone: wait while anything is in hand beside it. */
	if (!rc && id[0] && (suspect_in_hand || (attempts >= SUSPECT_ATTEMPTS && in_hand > 0))) {
		id[0] = '\0';
		*wait = 1;
	}
	if (!rc && id[0])
		rc = set_state_where(cat, "UPDATE documents SET state = 'processing', "
					  "attempts = attempts + 1, updated = ? WHERE id = ?", id, NULL, err);
	rc = end_transaction(cat, rc, err);
	if (rc)
		return rc;
	if (!id[0])
		return LT_OK;
	doc = lt_doc_new();
	rc = doc ? load_row(cat, id, doc, err)
		: lt_err_set(err, LT_ENOMEM, "out of memory loading document %s", id);
	if (!rc)
		rc = load_sources_and_pages(cat, doc, err);
	if (rc) {
		/* Not the document's fault: put it back, uncounted. */
		struct lt_err ignored = { 0 };

		lt_catalog_requeue(cat, id, &ignored);
		lt_doc_free(doc);
		return rc;
	}
	*out = doc;
	return LT_OK;
}

static int store_pages(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *old = NULL, *upd = NULL, *del = NULL, *ins = NULL;
	int rc;

	/* pages is the external content of page_text: an old entry must be
	 * deleted with its old text before the text changes, or the index rots. */
	rc = prepare(cat, "SELECT id, text FROM pages WHERE document_id = ? AND number = ?", &old, err);
	if (!rc)
		rc = prepare(cat, "INSERT INTO page_text(page_text, rowid, text) VALUES ('delete', ?, ?)",
			     &del, err);
	if (!rc)
		rc = prepare(cat, "UPDATE pages SET width = ?, height = ?, dpi = ?, confidence = ?, "
				  "text = ? WHERE id = ?", &upd, err);
	if (!rc)
		rc = prepare(cat, "INSERT INTO page_text(rowid, text) VALUES (?, ?)", &ins, err);
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];
		sqlite3_int64 rowid;

		sqlite3_reset(old);
		sqlite3_bind_text(old, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(old, 2, p->number);
		if (sqlite3_step(old) != SQLITE_ROW) {
			rc = lt_err_set(err, LT_EDB, "document %s has no page %d in the catalog",
					doc->id, p->number);
			break;
		}
		rowid = sqlite3_column_int64(old, 0);
		if (sqlite3_column_type(old, 1) != SQLITE_NULL) {
			sqlite3_reset(del);
			sqlite3_bind_int64(del, 1, rowid);
			sqlite3_bind_value(del, 2, sqlite3_column_value(old, 1));
			rc = step_done(cat, del, "cannot update the full-text index", err);
			if (rc)
				break;
		}
		sqlite3_reset(upd);
		sqlite3_bind_int(upd, 1, p->width);
		sqlite3_bind_int(upd, 2, p->height);
		sqlite3_bind_int(upd, 3, p->dpi);
		if (p->confidence >= 0)
			sqlite3_bind_double(upd, 4, p->confidence);
		else
			sqlite3_bind_null(upd, 4);
		sqlite3_bind_text(upd, 5, p->text ? p->text : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 6, rowid);
		rc = step_done(cat, upd, "cannot store a page's text", err);
		if (rc)
			break;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, rowid);
		sqlite3_bind_text(ins, 2, p->text ? p->text : "", -1, SQLITE_STATIC);
		rc = step_done(cat, ins, "cannot index a page's text", err);
	}
	sqlite3_finalize(old);
	sqlite3_finalize(del);
	sqlite3_finalize(upd);
	sqlite3_finalize(ins);
	return rc;
}

static int store_bundle(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err)
{
	const struct lt_bundle *b = &doc->bundle;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 bundle_id;
	int rc;

	/* The same path again means the same bundle was rewritten (a crash
	 * after the rename, before this commit): replace its row. */
	rc = prepare(cat, "DELETE FROM bundles WHERE path = ?", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, b->path, -1, SQLITE_STATIC);
		rc = step_done(cat, st, "cannot replace an old bundle row", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = prepare(cat, "INSERT INTO bundles(document_id, version, path, size, sha256, created) "
				  "VALUES (?1, (SELECT COALESCE(MAX(version), 0) + 1 FROM bundles "
				  "WHERE document_id = ?1), ?2, ?3, ?4, ?5)", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, b->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)b->size);
		sqlite3_bind_text(st, 4, b->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, b->created, -1, SQLITE_STATIC);
		rc = step_done(cat, st, "cannot record the bundle", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc)
		return rc;
	bundle_id = sqlite3_last_insert_rowid(cat->db);
	rc = prepare(cat, "INSERT INTO files(bundle_id, path, size, sha256) VALUES (?, ?, ?, ?)", &st, err);
	for (size_t i = 0; !rc && i < b->n_files; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, bundle_id);
		sqlite3_bind_text(st, 2, b->files[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)b->files[i].size);
		sqlite3_bind_text(st, 4, b->files[i].sha256, -1, SQLITE_STATIC);
		rc = step_done(cat, st, "cannot record a bundle file", err);
	}
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_archive(struct lt_catalog *cat, const struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	if (!doc->bundle.path)
		return lt_err_set(err, LT_EINTERNAL, "document %s has no bundle to commit", doc->id);
	lt_now_iso8601(now);
	rc = exec(cat, "BEGIN IMMEDIATE", err);
	if (!rc)
		rc = store_pages(cat, doc, err);
	if (!rc)
		rc = store_bundle(cat, doc, err);
	for (size_t i = 0; !rc && i < doc->n_events; i++)
		rc = add_event(cat, doc->id, &doc->events[i], err);
	if (!rc)
		rc = prepare(cat, "UPDATE documents SET state = 'archived', failure = NULL, lang = ?, "
				  "updated = ? WHERE id = ?", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, doc->lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, doc->id, -1, SQLITE_STATIC);
		rc = step_done(cat, st, "cannot mark the document archived", err);
	}
	sqlite3_finalize(st);
	rc = end_transaction(cat, rc, err);
	if (rc)
		lt_err_prefix(err, "committing document %s: ", doc->id);
	return rc;
}

int lt_catalog_latest_bundle_version(struct lt_catalog *cat, const char *id, int *version,
				     struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(cat, "SELECT COALESCE(MAX(version), 0) FROM bundles WHERE document_id = ?",
			 &st, err);

	*version = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	else
		rc = db_error(cat, err, "cannot read the document's bundle versions");
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_fail(struct lt_catalog *cat, const char *id, const char *stage,
		    const char *reason, struct lt_err *err)
{
	char detail[768];
	int rc;

	snprintf(detail, sizeof(detail), "%s: %s", stage, reason);
	rc = exec(cat, "BEGIN IMMEDIATE", err);
	if (!rc)
		rc = move_documents(cat, "id = :a", id, NULL, "failed", detail, "failed", "failure",
				    detail, NULL, err);
	return end_transaction(cat, rc, err);
}

/* ---- retrieval ---- */

int lt_catalog_resolve(struct lt_catalog *cat, const char *id_or_prefix,
		       char id[LT_DOC_ID_LEN + 1], struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t len = strlen(id_or_prefix);
	int rc, matches = 0;

	if (len < 4 || len > LT_DOC_ID_LEN || strspn(id_or_prefix, "0123456789abcdef") != len)
		return lt_err_set(err, LT_EUSAGE,
				  "'%s' is not a document id (16 hex digits, or a unique prefix of 4 or more)",
				  id_or_prefix);
	/* Hex only (checked above), so the prefix cannot contain LIKE wildcards. */
	rc = prepare(cat, "SELECT id FROM documents WHERE id LIKE ? || '%' LIMIT 2", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id_or_prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (matches++ == 0)
			snprintf(id, LT_DOC_ID_LEN + 1, "%s", col_text(st, 0));
	}
	rc = rc == SQLITE_DONE ? LT_OK : db_error(cat, err, "cannot look the document up");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (matches == 0)
		return lt_err_set(err, LT_ENOTFOUND, "no document '%s' in the catalog", id_or_prefix);
	if (matches > 1)
		return lt_err_set(err, LT_EUSAGE, "'%s' matches several documents: give more of the id",
				  id_or_prefix);
	return LT_OK;
}

static int load_bundle(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 bundle_id = 0;
	int s = SQLITE_DONE, rc = prepare(cat, "SELECT id, path, size, sha256, created, version FROM bundles "
			      "WHERE document_id = ? ORDER BY version DESC LIMIT 1", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = db_error(cat, err, "cannot read the document's bundle");
	if (s == SQLITE_ROW) {
		bundle_id = sqlite3_column_int64(st, 0);
		doc->bundle.version = sqlite3_column_int(st, 5);
		rc = lt_strdup(col_text(st, 1), &doc->bundle.path, err);
		doc->bundle.size = (uint64_t)sqlite3_column_int64(st, 2);
		snprintf(doc->bundle.sha256, sizeof(doc->bundle.sha256), "%s", col_text(st, 3));
		snprintf(doc->bundle.created, sizeof(doc->bundle.created), "%s", col_text(st, 4));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc || !bundle_id)
		return rc;
	rc = prepare(cat, "SELECT path, size, sha256 FROM files WHERE bundle_id = ? ORDER BY path", &st, err);
	if (!rc)
		sqlite3_bind_int64(st, 1, bundle_id);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		char sha[LT_SHA256_HEX];

		snprintf(sha, sizeof(sha), "%s", col_text(st, 2));
		rc = lt_bundle_add_file(&doc->bundle, col_text(st, 0),
					(uint64_t)sqlite3_column_int64(st, 1), sha, err);
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_error(cat, err, "cannot read the bundle's files");
	sqlite3_finalize(st);
	return rc;
}

static int load_events(struct lt_catalog *cat, struct lt_doc *doc, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int s = SQLITE_DONE;
	int rc = prepare(cat, "SELECT type, at, outcome, detail FROM events WHERE document_id = ? "
			      "ORDER BY id", &st, err);

	if (!rc)
		sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = lt_doc_add_event(doc, col_text(st, 0), col_text(st, 1), col_text(st, 2),
				      col_text(st, 3), err);
	if (!rc && s != SQLITE_DONE)
		rc = db_error(cat, err, "cannot read the document's events");
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_load(struct lt_catalog *cat, const char *id, struct lt_doc **out, struct lt_err *err)
{
	struct lt_doc *doc = lt_doc_new();
	int rc;

	*out = NULL;
	if (!doc)
		return lt_err_set(err, LT_ENOMEM, "out of memory loading document %s", id);
	rc = load_row(cat, id, doc, err);
	if (!rc)
		rc = load_sources_and_pages(cat, doc, err);
	if (!rc)
		rc = load_bundle(cat, doc, err);
	if (!rc)
		rc = load_events(cat, doc, err);
	if (rc) {
		lt_doc_free(doc);
		return rc;
	}
	*out = doc;
	return LT_OK;
}

void lt_hits_free(struct lt_hit *hits, size_t n)
{
	for (size_t i = 0; hits && i < n; i++) {
		free(hits[i].label);
		free(hits[i].snippet);
	}
	free(hits);
}

/* snippet() marks each token with bytes that cannot occur in page text
 * (control characters are not word text and OCR never emits them): adjacent
 * marks are joined ("[Đà] [Nẵng]" reads "[Đà Nẵng]") and then turned into
 * brackets, leaving brackets that are in the text alone. */
#define MARK_OPEN '\x01'
#define MARK_CLOSE '\x02'

static void render_marks(char *s)
{
	char *out = s;

	for (const char *in = s; *in; ) {
		if (in[0] == MARK_CLOSE && in[1] == ' ' && in[2] == MARK_OPEN) {
			*out++ = ' ';
			in += 3;
		} else if (*in == MARK_OPEN) {
			*out++ = '[';
			in++;
		} else if (*in == MARK_CLOSE) {
			*out++ = ']';
			in++;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/* The words of s, case-folded with their diacritics, as "\0"-separated
 * entries in out (each followed by a NUL). */
static int casefold_words(const char *s, struct lt_buf *out, struct lt_err *err)
{
	struct lt_buf folded = LT_BUF_INIT;
	size_t pos = 0, start, end;
	int rc = lt_text_casefold(s, strlen(s), &folded, err);

	while (!rc && lt_text_next_word(folded.data, folded.len, &pos, &start, &end)) {
		rc = lt_buf_append(out, folded.data + start, end - start, err);
		if (!rc)
			rc = lt_buf_append(out, "", 1, err);
	}
	lt_buf_release(&folded);
	return rc;
}

static int has_word(const struct lt_buf *words, const char *w)
{
	for (size_t i = 0; i < words->len; i += strlen(words->data + i) + 1)
		if (strcmp(words->data + i, w) == 0)
			return 1;
	return 0;
}

/* Is every word of the query on the page with its diacritics as typed? */
static int matches_as_typed(const struct lt_buf *query_words, const char *text, struct lt_err *err)
{
	struct lt_buf page_words = LT_BUF_INIT;
	int exact = casefold_words(text, &page_words, err) == LT_OK;

	for (size_t i = 0; exact && i < query_words->len; i += strlen(query_words->data + i) + 1)
		exact = has_word(&page_words, query_words->data + i);
	lt_buf_release(&page_words);
	return exact;
}

static int by_exact_then_score(const void *a, const void *b)
{
	const struct lt_hit *x = a, *y = b;

	if (x->exact != y->exact)
		return y->exact - x->exact;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->document, y->document) ? strcmp(x->document, y->document) : x->page - y->page;
}

/* How many bm25-ranked candidates are re-ranked for exact matches. */
#define CANDIDATES_PER_HIT 5
#define MAX_CANDIDATES 1000

int lt_catalog_search(struct lt_catalog *cat, const char *query, int limit,
		      struct lt_hit **out, size_t *n_out, struct lt_err *err)
{
	struct lt_buf match = LT_BUF_INIT, query_words = LT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct lt_hit *hits = NULL;
	size_t n = 0;
	int rc, s, candidates;

	*out = NULL;
	*n_out = 0;
	if (limit < 1)
		limit = 1;
	candidates = limit > MAX_CANDIDATES / CANDIDATES_PER_HIT ? MAX_CANDIDATES
		: limit * CANDIDATES_PER_HIT;
	rc = lt_fts_query(query, &match, err);
	if (!rc)
		rc = casefold_words(query, &query_words, err);
	if (!rc)
		rc = prepare(cat,
			     "SELECT p.document_id, p.number, d.label, "
			     "       snippet(page_text, 0, char(1), char(2), '…', 16), bm25(page_text), "
			     "       p.text "
			     "FROM page_text JOIN pages p ON p.id = page_text.rowid "
			     "JOIN documents d ON d.id = p.document_id "
			     "WHERE page_text MATCH ? AND d.state = 'archived' "
			     "ORDER BY bm25(page_text), p.document_id, p.number LIMIT ?", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, lt_buf_str(&match), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, candidates);
	}
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_hit *h, *grown = realloc(hits, (n + 1) * sizeof(*hits));

		if (!grown) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory collecting search hits");
			break;
		}
		hits = grown;
		h = &hits[n++];
		memset(h, 0, sizeof(*h));
		snprintf(h->document, sizeof(h->document), "%s", col_text(st, 0));
		h->page = sqlite3_column_int(st, 1);
		h->score = -sqlite3_column_double(st, 4);
		if (lt_strdup(col_text(st, 2), &h->label, err) ||
		    lt_strdup(col_text(st, 3), &h->snippet, err))
			rc = err->code;
		else
			render_marks(h->snippet);
		h->exact = matches_as_typed(&query_words, col_text(st, 5), err);
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_error(cat, err, "search failed");
	sqlite3_finalize(st);
	lt_buf_release(&match);
	lt_buf_release(&query_words);
	if (rc) {
		lt_hits_free(hits, n);
		return rc;
	}
	if (n > 1)
		qsort(hits, n, sizeof(*hits), by_exact_then_score);
	for (size_t i = (size_t)limit; i < n; i++) {
		free(hits[i].label);
		free(hits[i].snippet);
	}
	*out = hits;
	*n_out = n < (size_t)limit ? n : (size_t)limit;
	return LT_OK;
}

int lt_catalog_status(struct lt_catalog *cat, struct lt_status *stat, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, s = SQLITE_DONE;

	memset(stat, 0, sizeof(*stat));
	rc = prepare(cat, "SELECT d.state, COUNT(*), "
			  "(SELECT COUNT(*) FROM pages p JOIN documents d2 ON d2.id = p.document_id "
			  " WHERE d2.state = d.state) FROM documents d GROUP BY d.state", &st, err);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		enum lt_doc_state state;

		if (lt_doc_state_parse(col_text(st, 0), &state)) {
			stat->documents[state] = sqlite3_column_int64(st, 1);
			stat->pages[state] = sqlite3_column_int64(st, 2);
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_error(cat, err, "cannot count documents");
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = prepare(cat, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM bundles", &st, err);
	if (!rc && sqlite3_step(st) == SQLITE_ROW) {
		stat->bundles = sqlite3_column_int64(st, 0);
		stat->bundle_bytes = sqlite3_column_int64(st, 1);
	} else if (!rc) {
		rc = db_error(cat, err, "cannot count bundles");
	}
	sqlite3_finalize(st);
	return rc;
}

int lt_catalog_each_in_state(struct lt_catalog *cat, enum lt_doc_state state, int limit,
			     void (*fn)(void *ud, const char *id, const char *label,
					const char *failure, int pages),
			     void *ud, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(cat, "SELECT d.id, d.label, d.failure, "
			      "(SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id) "
			      "FROM documents d WHERE d.state = ? ORDER BY d.updated, d.rowid LIMIT ?",
			 &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, lt_doc_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ud, col_text(st, 0), col_text(st, 1), col_text(st, 2), sqlite3_column_int(st, 3));
	rc = rc == SQLITE_DONE ? LT_OK : db_error(cat, err, "cannot list documents");
	sqlite3_finalize(st);
	return rc;
}
