-- luutru catalog: the distinct issuing bodies (issue 11). `search --organ X`
-- matches X inside the folded organ name; no index serves a match inside a
-- value, so it first looks X up among these few thousand distinct names,
-- then reads the documents of the names that match through
-- metadata_key_folded (007), and can drive a query like --type or the dates.
-- The triggers keep the list as metadata rows are written (ingest, the
-- archive commit, rebuild-catalog); a name whose last document is gone
-- stays listed and simply matches no document.
-- This file depends on no migration after 011, and may run again over its
-- own work (a catalog whose version was set back): each step is idempotent.
CREATE TABLE IF NOT EXISTS organs (
	folded      TEXT PRIMARY KEY            -- metadata.folded of an organName row
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS organs_metadata_insert AFTER INSERT ON metadata
	WHEN NEW.key = 'organName'
BEGIN
	INSERT OR IGNORE INTO organs(folded) VALUES (NEW.folded);
END;

CREATE TRIGGER IF NOT EXISTS organs_metadata_update AFTER UPDATE OF key, folded ON metadata
	WHEN NEW.key = 'organName'
BEGIN
	INSERT OR IGNORE INTO organs(folded) VALUES (NEW.folded);
END;

INSERT OR IGNORE INTO organs(folded)
	SELECT DISTINCT folded FROM metadata WHERE key = 'organName';
