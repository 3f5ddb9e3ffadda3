-- luutru catalog, schema version 9: the longest work is claimed first, and
-- nothing a claim or an ingest reads grows with the size of the queue.
-- A document's page count is kept on it (filled at ingest), so that a claim
-- takes, among the queued documents with the fewest attempts, the one with
-- the most pages: a 20-page document started last would leave the other
-- workers idle while one worker reads it alone. The claim index follows that
-- order (state, attempts, page_count DESC, created, then the implicit rowid),
-- so the claim is still one index seek, with no sort of the queue.
ALTER TABLE documents ADD COLUMN page_count INTEGER NOT NULL DEFAULT 1 CHECK (page_count > 0);
UPDATE documents SET page_count = MAX(1, COALESCE(
	(SELECT SUM(s.page_count) FROM sources s WHERE s.document_id = documents.id), 1));
DROP INDEX documents_claim;
CREATE INDEX documents_claim ON documents(state, attempts, page_count DESC, created);
-- An ingest looks the origin's earlier documents up (a folder ingested again
-- with other content supersedes them): without this index every ingest read
-- the whole documents table.
CREATE INDEX documents_origin ON documents(origin, created);
