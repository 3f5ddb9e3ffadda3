-- luutru catalog, schema version 1: the first schema, as luutru 0.1.0 made it.
-- The catalog only indexes the bundles; every fact here can be rebuilt from
-- them. The Makefile compiles every schemas/catalog/NNN-*.sql into luutru, in
-- order; file NNN takes a catalog to PRAGMA user_version NNN. Never edit a
-- released file: add the next one. Times are ISO 8601 with offset.
--
-- documents.state changes only as include/luutru/state.h's transition table
-- says (pipeline/catalog_state.c is its one writer); its CHECK list below is
-- the C table of state names, which test_state compares.

-- One `luutru ingest` of one inbox.
CREATE TABLE batches (
	id        INTEGER PRIMARY KEY,
	inbox     TEXT NOT NULL,             -- absolute path as given
	started   TEXT NOT NULL
);

CREATE TABLE documents (
	id        TEXT PRIMARY KEY,          -- 16 hex: start of SHA-256 over the sources
	batch_id  INTEGER REFERENCES batches(id),
	label     TEXT NOT NULL,             -- folder or file name in the inbox
	origin    TEXT NOT NULL,             -- absolute path of that folder or file
	state     TEXT NOT NULL DEFAULT 'queued'
	          CHECK (state IN ('queued', 'processing', 'archived', 'failed', 'superseded')),
	lang      TEXT,                      -- OCR languages of the archived version
	failure   TEXT,                      -- why the last attempt failed
	attempts  INTEGER NOT NULL DEFAULT 0, -- runs that claimed it; a document that
	                                      -- keeps killing runs is failed, not retried forever
	created   TEXT NOT NULL,
	updated   TEXT NOT NULL
);
CREATE INDEX documents_state ON documents(state);

-- The scan files of a document, in page order.
CREATE TABLE sources (
	document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,        -- 1-based order in the document
	path        TEXT NOT NULL,
	size        INTEGER NOT NULL,
	sha256      TEXT NOT NULL,
	format      TEXT NOT NULL,           -- by content: tif, png, jpg or pnm; names the master file
	page_count  INTEGER NOT NULL CHECK (page_count > 0),
	PRIMARY KEY (document_id, seq)
);
CREATE INDEX sources_sha256 ON sources(sha256);

CREATE TABLE pages (
	id          INTEGER PRIMARY KEY,     -- rowid of the full-text index
	document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	number      INTEGER NOT NULL,        -- 1-based page number in the document
	source_seq  INTEGER NOT NULL,
	source_index INTEGER NOT NULL,       -- 0-based image index in the source file
	width       INTEGER,
	height      INTEGER,
	dpi         INTEGER,
	confidence  REAL,                    -- Tesseract mean word confidence, 0-100
	text        TEXT,                    -- OCR text, UTF-8 NFC; NULL until archived
	UNIQUE (document_id, number)
);

-- Bundles are immutable; a re-OCR or correction adds a newer version.
CREATE TABLE bundles (
	id          INTEGER PRIMARY KEY,
	document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	version     INTEGER NOT NULL,
	path        TEXT NOT NULL UNIQUE,    -- relative to the archive directory
	size        INTEGER NOT NULL,
	sha256      TEXT NOT NULL,           -- of the whole tar
	created     TEXT NOT NULL,
	UNIQUE (document_id, version)
);

-- Every file inside every bundle.
CREATE TABLE files (
	bundle_id   INTEGER NOT NULL REFERENCES bundles(id) ON DELETE CASCADE,
	path        TEXT NOT NULL,           -- path inside the bag
	size        INTEGER NOT NULL,
	sha256      TEXT NOT NULL,
	PRIMARY KEY (bundle_id, path)
);

-- PREMIS-style history: what happened, when, by which agent, with what outcome.
CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	type        TEXT NOT NULL,           -- ingested, ocr, packaged, failed, requeued, superseded
	at          TEXT NOT NULL,
	agent       TEXT NOT NULL,
	outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'warning')),
	detail      TEXT
);
CREATE INDEX events_document ON events(document_id);

-- Full text of archived pages. The 'luutru' tokenizer (pipeline/fts.c) folds
-- case, diacritics and đ→d, so "van phong" finds "Văn phòng"; snippets come
-- from pages.text with the diacritics intact. Opening this table needs that
-- tokenizer: use luutru, not the bare sqlite3 shell, to query it.
CREATE VIRTUAL TABLE page_text USING fts5(
	text,
	content = 'pages',
	content_rowid = 'id',
	tokenize = 'luutru'
);
