-- luutru catalog: sharded runs (`shard`, `run --shard`, `merge`). This file
-- depends on no migration after 008 but 009's claim index, which it rebuilds.
--
-- A plan leases queued documents to the shards of a folder that every node
-- sees. A leased document stays queued (the state machine does not change:
-- the shard run never touches the catalog) but carries the plan's id in
-- documents.lease, so a local run does not claim it; merge commits what a
-- shard did and clears the lease, one transaction per document.
CREATE TABLE plans (
	id          TEXT PRIMARY KEY,           -- e.g. 20261201T040102Z-1234
	dir         TEXT NOT NULL,              -- absolute path of the plan's folder
	tasks       INTEGER NOT NULL CHECK (tasks > 0),
	created     TEXT NOT NULL,              -- UTC, ISO 8601
	closed      TEXT,                       -- NULL while the plan is in flight
	outcome     TEXT CHECK (outcome IN ('merged', 'cancelled'))
);

CREATE TABLE plan_shards (
	plan_id     TEXT NOT NULL REFERENCES plans(id),
	task        INTEGER NOT NULL,           -- 0 .. tasks - 1
	documents   INTEGER NOT NULL,
	pages       INTEGER NOT NULL,
	PRIMARY KEY (plan_id, task)
) WITHOUT ROWID;

-- One row per leased document: what became of it. leased until merge (or a
-- cancel) settles it; then merged (archived from its shard bundle), failed
-- (the shard run failed it), refused (its bundle failed verification at
-- merge: back in the queue) or cancelled.
CREATE TABLE plan_documents (
	plan_id     TEXT NOT NULL REFERENCES plans(id),
	document_id TEXT NOT NULL REFERENCES documents(id),
	task        INTEGER NOT NULL,
	outcome     TEXT NOT NULL DEFAULT 'leased'
	            CHECK (outcome IN ('leased', 'merged', 'failed', 'refused', 'cancelled')),
	at          TEXT,                       -- when it was settled
	detail      TEXT,                       -- why, for failed and refused
	PRIMARY KEY (plan_id, document_id)
) WITHOUT ROWID;
CREATE INDEX plan_documents_task ON plan_documents(plan_id, task, outcome);

-- No REFERENCES here: a column with one cannot be dropped, and plans keep
-- their rows anyway.
ALTER TABLE documents ADD COLUMN lease TEXT;
-- The claim stays one index seek with any number of documents leased: the
-- lease is an equality column of the index (lease IS NULL), before the
-- claim's order.
DROP INDEX IF EXISTS documents_claim;
CREATE INDEX documents_claim ON documents(state, lease, attempts, page_count DESC, created);
