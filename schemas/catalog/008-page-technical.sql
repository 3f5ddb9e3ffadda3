-- luutru catalog, schema version 8: each page's technical metadata (format,
-- size, resolution, depth, colour, compression, scanner and capture time as
-- the scan file recorded them), a JSON object made by techmeta.c. Kept as one
-- JSON column: nothing searches it, and the set of tags grows with scanners.
ALTER TABLE pages ADD COLUMN technical TEXT;
