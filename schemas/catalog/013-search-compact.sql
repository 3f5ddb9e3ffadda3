-- luutru catalog: prefix searches expanded inside the index (issue 11).
-- page_words lists every folded word the full-text index holds (not the
-- exact forms "=đà", not all-digit numbers), so that `nghị*` becomes the
-- OR of the few words that start so ("nghi", "nghia", "nghiem", ...):
-- FTS5 reads those lazily, newest pages first, where its own prefix query
-- merges the whole doclist of every such word each time it runs (seconds
-- at a million pages). Kept by the insert path (lt_cat_note_words); a word
-- whose last page is gone stays listed and simply matches nothing.
-- This file depends on no migration after 011, and may run again over its
-- own work (a catalog whose version was set back): each step is idempotent.
CREATE TABLE IF NOT EXISTS page_words (
	word        TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE VIRTUAL TABLE temp.page_text_terms USING fts5vocab(main, page_text, row);
INSERT OR IGNORE INTO page_words(word)
	SELECT term FROM temp.page_text_terms
	WHERE substr(term, 1, 1) <> '=' AND term GLOB '*[^0-9]*';
DROP TABLE temp.page_text_terms;

-- The pages' text, half the catalog, is kept compressed (zlib: about 46%
-- of Vietnamese OCR text): lt_text_pack() (fts.h) writes a BLOB of the
-- text's length and its zlib stream, lt_text_unpack() reads either that or
-- plain text (a short page stays as it is). Both are luutru's functions:
-- read pages.text through luutru (`show`, `get --format txt`), or unpack it
-- yourself (4 bytes of length, little-endian, then zlib).
UPDATE pages SET text = lt_text_pack(text) WHERE typeof(text) = 'text';

-- The full-text index reads its external content (for FTS5's own
-- snippet(), highlight() and 'rebuild') through this view, which unpacks:
-- page_text is pointed at it in place, its index unchanged (the tokens do
-- not depend on where the text is kept), rather than re-indexing every page.
CREATE VIEW IF NOT EXISTS page_text_source AS SELECT id, lt_text_unpack(text) AS text FROM pages;
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, 'content = ''pages''', 'content = ''page_text_source''')
	WHERE type = 'table' AND name = 'page_text';
-- RESET: this connection reads the schema again (the index is opened next).
PRAGMA writable_schema = RESET;
