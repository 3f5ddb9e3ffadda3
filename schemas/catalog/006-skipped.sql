-- luutru catalog: what the last ingest of each inbox left out (`luutru status
-- --skipped`). Every entry of an inbox ends as a page, a skipped entry or a
-- rejected document; the last two are kept here, with their reasons, so that
-- nothing vanishes without a trace. The rows of an inbox are replaced by each
-- ingest of it (an entry renamed, fixed or ingested since drops out); an
-- entry still left out keeps the time it was first seen.

CREATE TABLE inbox_skipped (
	inbox       TEXT NOT NULL,            -- the inbox folder, resolved absolute path
	path        TEXT NOT NULL,            -- the entry, absolute (its bytes as the file system has them)
	kind        TEXT NOT NULL,            -- not-a-page, litter, hidden, link, folder, unreadable,
	                                      -- young (under --min-age), rejected (a document)
	reason      TEXT NOT NULL,
	warning     INTEGER NOT NULL DEFAULT 0, -- 1: it may be a page someone expects archived
	first_seen  TEXT NOT NULL,
	last_seen   TEXT NOT NULL,
	PRIMARY KEY (inbox, path)
);
