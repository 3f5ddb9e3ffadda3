-- luutru catalog: under 1.5x the raw text (issue 11).
-- This file may run again over its own work (a catalog whose version was
-- set back, t_claim_order): each step is idempotent.

-- The exact spellings ("=đà" beside "da") were colocated in page_text,
-- with their positions: 43% of the index's entries (20.7 of 48.7 million
-- page-word pairs at 100,000 pages). They move to page_exact, an index of
-- the exact forms alone without positions (detail=none: which pages hold
-- a word as spelt), used only to put the pages as typed first; page_text
-- keeps the folded words ('luutru folded'). Both are rebuilt from the
-- pages' text: the index's tokens cannot be taken out in place.
-- (columnsize=0: page_exact keeps no page lengths, page_text has them.)
DROP TABLE IF EXISTS page_exact;
DROP TABLE IF EXISTS page_text;
CREATE VIRTUAL TABLE page_text USING fts5(
	text,
	content = 'page_text_source',
	content_rowid = 'id',
	tokenize = 'luutru folded'
);
CREATE VIRTUAL TABLE page_exact USING fts5(
	text,
	content = 'page_text_source',
	content_rowid = 'id',
	tokenize = 'luutru exact',
	detail = none,
	columnsize = 0
);
-- As 011-health.sql set them for page_text.
INSERT INTO page_text(page_text, rank) VALUES ('automerge', 8);
INSERT INTO page_text(page_text, rank) VALUES ('usermerge', 2);
INSERT INTO page_exact(page_exact, rank) VALUES ('automerge', 8);
INSERT INTO page_exact(page_exact, rank) VALUES ('usermerge', 2);
INSERT INTO page_text(page_text) VALUES ('rebuild');
INSERT INTO page_exact(page_exact) VALUES ('rebuild');

-- A bundle file's SHA-256 as its 32 bytes, not 64 hex digits: the file
-- list is 7-8 rows a page. Readers give the hex back (lower(hex())).
-- lt_sha256_pack (fts.h) leaves a BLOB as it is.
CREATE TABLE IF NOT EXISTS files_v15 (
	bundle_id   INTEGER NOT NULL REFERENCES bundles(id) ON DELETE CASCADE,
	path        TEXT NOT NULL,           -- path inside the bag
	size        INTEGER NOT NULL,
	sha256      BLOB NOT NULL,           -- 32 bytes
	PRIMARY KEY (bundle_id, path)
) WITHOUT ROWID;
INSERT OR IGNORE INTO files_v15(bundle_id, path, size, sha256)
	SELECT bundle_id, path, size, lt_sha256_pack(sha256) FROM files;
DROP TABLE files;
ALTER TABLE files_v15 RENAME TO files;

-- The pages' technical metadata (a JSON object of ~240 bytes, its keys the
-- same on every page) packed with zlib primed with them (lt_meta_pack,
-- fts.h): about a third of its size. Readers unpack (lt_text_unpack).
UPDATE pages SET technical = lt_meta_pack(technical) WHERE typeof(technical) = 'text';
