-- luutru catalog: a document's descriptive metadata (TT05 keys of
-- schemas/metadata-profile.json), one row per field, each with where it came
-- from, so that a value read off the page is never taken for one a person
-- gave. Ingest records what the archivist gave (sidecar, spreadsheet,
-- defaults); the archive commit records the whole of doc->meta (extracted
-- values too); rebuild-catalog restores it from each bundle's metadata.json.

CREATE TABLE metadata (
	document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	key         TEXT NOT NULL,            -- TT05 key: codeNumber, issuedDate, organName, ...
	value       TEXT NOT NULL,            -- UTF-8 NFC, normalised by the profile (dates YYYY-MM-DD, codes)
	folded      TEXT NOT NULL,            -- case and diacritics folded, đ -> d: for search filters
	source      TEXT NOT NULL,            -- sidecar, manifest, default, extracted, technical, corrected
	origin      TEXT,                     -- "inbox/a/metadata.json", "list.csv row 4"
	rule        TEXT,                     -- extracted: the rule that matched
	confidence  REAL NOT NULL DEFAULT 1,
	confirmed   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (document_id, key)
);

-- The search filters (`search --type --from --to --number`, organ, secrecy):
-- each finds the documents of one key's value or range without a scan.
CREATE INDEX metadata_key_value ON metadata(key, value);
CREATE INDEX metadata_key_folded ON metadata(key, folded);
