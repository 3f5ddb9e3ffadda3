-- luutru catalog, schema version 4: fixity checks (`luutru verify`).
-- Each check of a bundle is an event of its document (type 'fixity',
-- outcome success or failure, the problems in its detail) and leaves the
-- bundle's last check here, so a time-boxed monthly audit takes the bundles
-- checked longest ago (or never) first and the next one resumes where it
-- stopped. verified_at is UTC ("2026-11-30T16:10:00Z") so that it sorts as
-- text; NULL: never checked.
ALTER TABLE bundles ADD COLUMN verified_at TEXT;
ALTER TABLE bundles ADD COLUMN verified_ok INTEGER CHECK (verified_ok IN (0, 1));
-- NULLs sort first: never-checked bundles come before every checked one.
CREATE INDEX bundles_verified ON bundles(verified_at, id);
