-- luutru catalog: indexes that keep every search's own work small and flat
-- with the archive's size (issue 11, "every search kind under 50 ms at a
-- million pages"). Each one turns a random read per row into a read of a
-- few dense index pages:
--   pages_window: a full-text match's document and page number, read for
--     each of the (up to 1,000) newest matches ranked, without visiting the
--     page's row (its packed text makes one row a page of the file);
--   documents_unarchived, metadata_secret: "archived, and no secrecy level"
--     checked per match in a tiny index instead of the documents table and
--     the metadata primary key (the usual answer is "not there");
--   metadata_filter, metadata_organ: the documents of a --type, a date
--     range or an --organ name read off the index alone (metadata_key_value
--     and metadata_key_folded hold rowids: a table row per document);
--   metadata_check: a document's type, date, organ or language checked in
--     one seek, not a seek in the primary key then one in the table (the
--     check of every match walked for a filter too broad to list: 44 -> 11
--     ms for a window of --type 'Quyết định' --from 2016 'lưu trữ' at
--     100,000 pages).
-- This file depends on no migration after 014 and may run again over its
-- own work (a catalog whose version was set back): each step is idempotent.
CREATE INDEX IF NOT EXISTS pages_window ON pages(id, document_id, number);

CREATE INDEX IF NOT EXISTS documents_unarchived ON documents(id) WHERE state <> 'archived';

CREATE INDEX IF NOT EXISTS metadata_secret ON metadata(document_id) WHERE key = 'secrecyLevel';

CREATE INDEX IF NOT EXISTS metadata_filter ON metadata(key, value, document_id)
	WHERE key = 'typeName' OR key = 'issuedDate';

CREATE INDEX IF NOT EXISTS metadata_organ ON metadata(key, folded, document_id)
	WHERE key = 'organName';

CREATE INDEX IF NOT EXISTS metadata_check ON metadata(document_id, key, value, folded)
	WHERE key = 'typeName' OR key = 'issuedDate' OR key = 'organName' OR key = 'language';
