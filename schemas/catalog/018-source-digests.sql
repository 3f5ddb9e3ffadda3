-- luutru catalog: smaller (issue 11).
-- Idempotent, as every migration since 015.
-- The scans' SHA-256 as their 32 bytes, as the bundle files' since 015
-- (readers give the hex back, LT_CAT_FILE_SHA256); and no index on them:
-- nothing looks a scan up by its digest (a document's id is made from its
-- scans' digests, and ingest finds a document by its id), so
-- sources_sha256 (001) was 74 MB at a million pages never read.
DROP INDEX IF EXISTS sources_sha256;
UPDATE sources SET sha256 = lt_sha256_pack(sha256) WHERE typeof(sha256) = 'text';
