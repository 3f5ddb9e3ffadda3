#!/bin/bash
# Issue 12, item 2: the longest work is claimed first, so that a long document
# does not start last and keep one worker busy alone at the end of a run.
# Among queued documents with as many attempts, the one with the most pages
# comes first, then the oldest; a catalog made before the page count was
# kept (schema 8) gets it from its sources. The pages are truncated scans
# (they fail at load, at once): the order of the claims is what is checked.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || { echo "SKIP $TEST_NAME: no sqlite3"; exit 0; }

src=$SAMPLES/inbox/bao-cao-2016/page-0001.png
# truncated PAGES... : one truncated page per length, each its own content
mkdir -p "$T/in/b-three-pages" "$T/in/c-two-pages"
head -c 30001 "$src" >"$T/in/a-one-page.png"
for n in 1 2 3; do head -c $((30100 + n)) "$src" >"$T/in/b-three-pages/page-$n.png"; done
for n in 1 2; do head -c $((30200 + n)) "$src" >"$T/in/c-two-pages/page-$n.png"; done
head -c 30301 "$src" >"$T/in/d-one-page.png"

capture ingest lt ingest "$T/in"
[ "$RC" = 0 ] || { show_file "$T/ingest.err" >&2; fail "ingest exited $RC"; }
counts=$(sql "SELECT label || '=' || page_count FROM documents ORDER BY label")
expected_counts=$'a-one-page.png=1\nb-three-pages=3\nc-two-pages=2\nd-one-page.png=1'
[ "$counts" = "$expected_counts" ] || fail "page counts kept at ingest: $counts"

claims_in_order() {
	sql "SELECT d.label FROM events e JOIN documents d ON d.id = e.document_id
	     WHERE e.type = 'claimed' ORDER BY e.rowid"
}

capture run lt run -j 1
[ "$RC" = 1 ] || { show_file "$T/run.err" >&2; fail "run exited $RC, expected 1 (every page truncated)"; }
order=$(claims_in_order)
expected=$'b-three-pages\nc-two-pages\na-one-page.png\nd-one-page.png'
[ "$order" = "$expected" ] || fail "claim order, longest first then oldest, expected
$expected
got
$order"

# A catalog of schema 8 (no page count kept; what 010 to 016 add taken
# out too, as a version-8 luutru made it) gets it from its sources when
# it is upgraded, and its queue is claimed longest first as well.
sql "UPDATE documents SET state = 'queued', attempts = 0;
     DELETE FROM events WHERE type = 'claimed';
     DROP INDEX documents_claim; DROP INDEX documents_origin;
     ALTER TABLE documents DROP COLUMN lease;
     DROP TABLE plan_documents; DROP TABLE plan_shards; DROP TABLE plans;
     ALTER TABLE documents DROP COLUMN page_count;
     CREATE INDEX documents_claim ON documents(state, attempts, created);
     DROP INDEX documents_batch;
     DROP TRIGGER counts_document_insert; DROP TRIGGER counts_document_delete;
     DROP TRIGGER counts_document_move; DROP TRIGGER counts_page_insert;
     DROP TRIGGER counts_page_delete; DROP TRIGGER counts_page_review;
     DROP TRIGGER counts_bundle_insert; DROP TRIGGER counts_bundle_delete;
     DROP TRIGGER counts_bundle_size; DROP TABLE counts; DROP TABLE page_words;
     DROP TRIGGER organs_metadata_insert; DROP TRIGGER organs_metadata_update;
     DROP TABLE organs;
     DROP INDEX pages_window; DROP INDEX documents_unarchived; DROP INDEX metadata_secret;
     DROP INDEX metadata_filter; DROP INDEX metadata_organ; DROP INDEX metadata_check;
     PRAGMA user_version = 8;"
capture rerun lt run -j 1
[ "$RC" = 1 ] || { show_file "$T/rerun.err" >&2; fail "run on the upgraded catalog exited $RC"; }
[ "$(sql 'PRAGMA user_version')" -ge 9 ] || fail "the catalog was not upgraded"
counts=$(sql "SELECT label || '=' || page_count FROM documents ORDER BY label")
[ "$counts" = "$expected_counts" ] || fail "page counts filled by the upgrade: $counts"
order=$(claims_in_order)
[ "$order" = "$expected" ] || fail "claim order after the upgrade: $order"
echo "ok $TEST_NAME"
