-- luutru catalog: smaller (a fresh catalog under 1.5x the raw text too),
-- and numbers found in the index in milliseconds (issue 11).
-- metadata_key_value and metadata_key_folded (007) index every key of every
-- document (about twenty rows a document): 98 and 90 MB at a million pages,
-- 3% of the catalog. Since 016 every filter but --number reads its own
-- covering index (metadata_filter, metadata_organ, metadata_check,
-- metadata_secret) and every other reader finds a document's rows by its
-- primary key; what they still served is the document number, the two keys
-- --number looks up by their folded value. An index of those two keys alone
-- replaces them.
-- Idempotent, as every migration since 015.
CREATE INDEX IF NOT EXISTS metadata_number ON metadata(key, folded, document_id)
	WHERE key = 'codeNumber' OR key = 'codeNotation';
DROP INDEX IF EXISTS metadata_key_value;
DROP INDEX IF EXISTS metadata_key_folded;

-- The pages' text is packed with zlib primed with a dictionary of common
-- Vietnamese administrative wording (lt_text_pack, fts.h): 7% smaller on
-- ordinary Vietnamese prose, about 14% on administrative pages. The pages
-- packed before are packed again; the index reads the same text.
UPDATE pages SET text = lt_text_pack(lt_text_unpack(text)) WHERE typeof(text) = 'blob';

-- Numbers joined by punctuation ("572.401.000", "25/TB-VPTU") are indexed
-- as pairs of their parts too ("401/0", "25/tb", fts.c), so that a number
-- is a look-up of a few rare tokens, not a walk of the doclists of "000"
-- or "25". The tokenizer writes them from now on; the pages indexed
-- before are indexed again (the index's tokens cannot be added in place),
-- then merged into one segment: a rebuild leaves tens of them (17 at
-- 100,000 pages), each one more list for every query word to walk until
-- the upkeep after the next run.
INSERT INTO page_text(page_text) VALUES ('rebuild');
INSERT INTO page_text(page_text) VALUES ('optimize');
