-- luutru catalog: search (issue 11). The 'luutru' tokenizer now drops the
-- leading zeros of numbers ("05" and "5" are one token) and indexes, beside
-- each word whose diacritics matter, its spelling as written ("=đà" beside
-- "da"), so that pages spelt as typed are found by the index itself: every
-- page's entry is rebuilt with it. (Numbered 010 in the plan for #11; it
-- depends on no migration after 008.)
INSERT INTO page_text(page_text) VALUES ('rebuild');

-- `search --batch N`: the documents of one ingest without a scan.
CREATE INDEX documents_batch ON documents(batch_id);
