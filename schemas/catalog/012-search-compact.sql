-- luutru catalog: prefix searches expanded inside the index (issue 11).
-- page_words lists every folded word the full-text index holds (not the
-- exact forms "=đà", not all-digit numbers), so that `nghị*` becomes the
-- OR of the few words that start so ("nghi", "nghia", "nghiem", ...):
-- FTS5 reads those lazily, newest pages first, where its own prefix query
-- merges the whole doclist of every such word each time it runs (seconds
-- at a million pages). Kept by the insert path (lt_cat_note_words); a word
-- whose last page is gone stays listed and simply matches nothing.
-- This file depends on no migration after 011.
CREATE TABLE page_words (
	word        TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE VIRTUAL TABLE temp.page_text_terms USING fts5vocab(main, page_text, row);
INSERT INTO page_words(word)
	SELECT term FROM temp.page_text_terms
	WHERE substr(term, 1, 1) <> '=' AND term GLOB '*[^0-9]*';
DROP TABLE temp.page_text_terms;
