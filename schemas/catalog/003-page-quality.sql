-- luutru catalog, schema version 3: what was done to each page before
-- recognition, how good its text is, and whether a person should look at it.
-- A flagged page is archived like any other (its text may be empty): the
-- flag is a warning for `luutru review`, never a reason to drop the page.
ALTER TABLE pages ADD COLUMN lang TEXT;          -- Tesseract languages the page was read with
ALTER TABLE pages ADD COLUMN preprocessing TEXT; -- what was applied to the working copy, e.g.
                                                 -- "rotated 90 (osd); deskewed -2.30; border; 300 dpi"
ALTER TABLE pages ADD COLUMN quality REAL;       -- 0-1 score (quality.h); NULL before issue 6
ALTER TABLE pages ADD COLUMN review TEXT;        -- why a person should check the page; NULL if fine
CREATE INDEX pages_review ON pages(document_id, number) WHERE review IS NOT NULL;
