-- luutru catalog, schema version 2: the claim walks an index.
-- A claim takes the next queued document, fewest attempts first, then oldest
-- (WHERE state = ? ORDER BY attempts, created, rowid LIMIT 1). With this index
-- SQLite reads the first entry of the queued range instead of sorting every
-- queued row; rowid is the implicit last column of every index. It also
-- serves every lookup by state, so the single-column index goes.
CREATE INDEX documents_claim ON documents(state, attempts, created);
DROP INDEX documents_state;
