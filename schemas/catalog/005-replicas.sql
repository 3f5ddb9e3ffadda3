-- luutru catalog: second copies of the archive (`luutru replicate --to DIR`).
-- A replica is a folder on another disk, a NAS mount or a removable drive that
-- holds the bundles under the archive's own relative paths and a snapshot of
-- this catalog. What each replica holds is recorded bundle by bundle, so
-- `status` can say how far behind it is now (bundles archived since its last
-- sync count too) and a repair knows where a good copy was last seen.

CREATE TABLE replicas (
	id          INTEGER PRIMARY KEY,
	path        TEXT NOT NULL UNIQUE,    -- absolute path of the replica's folder
	added       TEXT NOT NULL,           -- first replicate to it
	last_sync   TEXT,                    -- end of the last complete replicate; NULL: none yet
	copied      INTEGER NOT NULL DEFAULT 0, -- bundles copied by the last replicate
	problems    INTEGER NOT NULL DEFAULT 0  -- bundles the last replicate could not copy or
	                                        -- found damaged on the replica
);

-- A bundle verified on a replica (size, SHA-256 and bag) at `verified`.
CREATE TABLE replica_bundles (
	replica_id  INTEGER NOT NULL REFERENCES replicas(id) ON DELETE CASCADE,
	bundle_id   INTEGER NOT NULL REFERENCES bundles(id) ON DELETE CASCADE,
	verified    TEXT NOT NULL,
	PRIMARY KEY (replica_id, bundle_id)
);
