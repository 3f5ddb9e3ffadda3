-- luutru catalog: `status` without full scans, and the full-text index's
-- merge policy. This file depends on no migration after 008.
--
-- counts holds what `status` shows, kept exact by the triggers below in
-- the same transaction as every change of documents, pages and bundles, so
-- that status reads a dozen rows instead of counting a million pages:
--   documents:STATE   documents in that state (state.h's names)
--   pages:STATE       pages of the documents in that state
--   review            flagged pages (pages.review) of archived documents
--   bundles, bundle_bytes
-- Documents are never deleted by luutru; the delete triggers keep the
-- counts right for a person who does it by hand anyway.
CREATE TABLE counts (
	name        TEXT PRIMARY KEY,
	n           INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO counts(name, n) VALUES
	('documents:queued', 0), ('documents:processing', 0), ('documents:archived', 0),
	('documents:failed', 0), ('documents:superseded', 0),
	('pages:queued', 0), ('pages:processing', 0), ('pages:archived', 0),
	('pages:failed', 0), ('pages:superseded', 0),
	('review', 0), ('bundles', 0), ('bundle_bytes', 0);
UPDATE counts SET n = (SELECT COUNT(*) FROM documents d WHERE 'documents:' || d.state = counts.name)
	WHERE name LIKE 'documents:%';
UPDATE counts SET n = (SELECT COUNT(*) FROM pages p JOIN documents d ON d.id = p.document_id
	WHERE 'pages:' || d.state = counts.name) WHERE name LIKE 'pages:%';
UPDATE counts SET n = (SELECT COUNT(*) FROM pages p JOIN documents d ON d.id = p.document_id
	WHERE p.review IS NOT NULL AND d.state = 'archived') WHERE name = 'review';
UPDATE counts SET n = (SELECT COUNT(*) FROM bundles) WHERE name = 'bundles';
UPDATE counts SET n = (SELECT COALESCE(SUM(size), 0) FROM bundles) WHERE name = 'bundle_bytes';

CREATE TRIGGER counts_document_insert AFTER INSERT ON documents BEGIN
	UPDATE counts SET n = n + 1 WHERE name = 'documents:' || NEW.state;
	UPDATE counts SET n = n + (SELECT COUNT(*) FROM pages WHERE document_id = NEW.id)
		WHERE name = 'pages:' || NEW.state;
END;

-- BEFORE: its pages are still there to be counted (a cascade removes them
-- after, when their document is gone, and counts_page_delete skips them).
CREATE TRIGGER counts_document_delete BEFORE DELETE ON documents BEGIN
	UPDATE counts SET n = n - 1 WHERE name = 'documents:' || OLD.state;
	UPDATE counts SET n = n - (SELECT COUNT(*) FROM pages WHERE document_id = OLD.id)
		WHERE name = 'pages:' || OLD.state;
	UPDATE counts SET n = n - (SELECT COUNT(*) FROM pages WHERE document_id = OLD.id
		AND review IS NOT NULL) WHERE name = 'review' AND OLD.state = 'archived';
END;

-- A move takes the document's pages (found by the pages' unique
-- (document_id, number) index) and its flagged pages with it.
CREATE TRIGGER counts_document_move AFTER UPDATE OF state ON documents
WHEN OLD.state IS NOT NEW.state BEGIN
	UPDATE counts SET n = n - 1 WHERE name = 'documents:' || OLD.state;
	UPDATE counts SET n = n + 1 WHERE name = 'documents:' || NEW.state;
	UPDATE counts SET n = n - (SELECT COUNT(*) FROM pages WHERE document_id = NEW.id)
		WHERE name = 'pages:' || OLD.state;
	UPDATE counts SET n = n + (SELECT COUNT(*) FROM pages WHERE document_id = NEW.id)
		WHERE name = 'pages:' || NEW.state;
	UPDATE counts SET n = n + (CASE WHEN NEW.state = 'archived' THEN 1 ELSE -1 END) *
		(SELECT COUNT(*) FROM pages WHERE document_id = NEW.id AND review IS NOT NULL)
		WHERE name = 'review' AND 'archived' IN (OLD.state, NEW.state);
END;

CREATE TRIGGER counts_page_insert AFTER INSERT ON pages BEGIN
	UPDATE counts SET n = n + 1
		WHERE name = (SELECT 'pages:' || state FROM documents WHERE id = NEW.document_id);
	UPDATE counts SET n = n + 1 WHERE name = 'review' AND NEW.review IS NOT NULL
		AND (SELECT state FROM documents WHERE id = NEW.document_id) = 'archived';
END;

CREATE TRIGGER counts_page_delete AFTER DELETE ON pages BEGIN
	UPDATE counts SET n = n - 1
		WHERE name = (SELECT 'pages:' || state FROM documents WHERE id = OLD.document_id);
	UPDATE counts SET n = n - 1 WHERE name = 'review' AND OLD.review IS NOT NULL
		AND (SELECT state FROM documents WHERE id = OLD.document_id) = 'archived';
END;

CREATE TRIGGER counts_page_review AFTER UPDATE OF review ON pages
WHEN (OLD.review IS NULL) IS NOT (NEW.review IS NULL) BEGIN
	UPDATE counts SET n = n + (CASE WHEN NEW.review IS NULL THEN -1 ELSE 1 END)
		WHERE name = 'review'
		AND (SELECT state FROM documents WHERE id = NEW.document_id) = 'archived';
END;

CREATE TRIGGER counts_bundle_insert AFTER INSERT ON bundles BEGIN
	UPDATE counts SET n = n + 1 WHERE name = 'bundles';
	UPDATE counts SET n = n + NEW.size WHERE name = 'bundle_bytes';
END;

CREATE TRIGGER counts_bundle_delete AFTER DELETE ON bundles BEGIN
	UPDATE counts SET n = n - 1 WHERE name = 'bundles';
	UPDATE counts SET n = n - OLD.size WHERE name = 'bundle_bytes';
END;

CREATE TRIGGER counts_bundle_size AFTER UPDATE OF size ON bundles BEGIN
	UPDATE counts SET n = n - OLD.size + NEW.size WHERE name = 'bundle_bytes';
END;

-- Every file of every bundle: 15 rows a bundle and 4 a page, a tenth of
-- the catalog. Keyed by its primary key (WITHOUT ROWID), the table is its
-- own index: the separate (bundle_id, path) index and the rowids go, the
-- columns and every query stay.
CREATE TABLE files_by_bundle (
	bundle_id   INTEGER NOT NULL REFERENCES bundles(id) ON DELETE CASCADE,
	path        TEXT NOT NULL,           -- path inside the bag
	size        INTEGER NOT NULL,
	sha256      TEXT NOT NULL,
	PRIMARY KEY (bundle_id, path)
) WITHOUT ROWID;
INSERT INTO files_by_bundle(bundle_id, path, size, sha256)
	SELECT bundle_id, path, size, sha256 FROM files;
DROP TABLE files;
ALTER TABLE files_by_bundle RENAME TO files;

-- (The index on documents.origin that ingest needs came with 009.)

-- A run commits one document per transaction, and each commit leaves the
-- full-text index a new small segment. Merging 8 segments of a level at a
-- time (FTS5's default is 4) writes each page's entry fewer times during a
-- batch; lt_catalog_maintain() merges what is left once the run ends.
INSERT INTO page_text(page_text, rank) VALUES ('automerge', 8);
-- What lt_catalog_maintain()'s merges take: any level with two segments.
INSERT INTO page_text(page_text, rank) VALUES ('usermerge', 2);
