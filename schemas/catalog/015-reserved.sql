-- Placeholder: 015 belongs to the catalog-size work (issue 11), merged
-- separately; this branch only needs the number taken so that 016 follows
-- without a gap. Drop this file when the real 015 lands.
SELECT 1;
