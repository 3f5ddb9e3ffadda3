#!/bin/bash
# status reads counters the catalog keeps (schemas/catalog/011-health.sql)
# instead of counting every page: `status --json` must equal full counts made
# with SQLite's own queries after each kind of change - ingest, a run that
# archives one document and fails another, a requeue (ingest --retry), a
# supersede (the failed scan's origin ingested again with other content), a
# flagged page, and rebuild-catalog (a catalog made from the bundles).
. "$(dirname "$0")/lib.sh"
use_processed_archive

# counts_match WHEN: status --json against COUNT(*) over documents, pages and bundles.
counts_match() {
	capture status lt status --json
	[ "$RC" = 0 ] || { show_file "$T/status.err" stderr >&2; fail "$1: status --json exited $RC"; }
	capture compare /usr/bin/python3 - "$ARCHIVE/catalog.sqlite" "$T/status.out" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
got = json.load(open(sys.argv[2]))
q = lambda sql, *a: db.execute(sql, a).fetchone()[0]
want = {"documents": {}, "pages": {}}
for s in ("queued", "processing", "archived", "failed", "superseded"):
    want["documents"][s] = q("SELECT COUNT(*) FROM documents WHERE state = ?", s)
    want["pages"][s] = q("SELECT COUNT(*) FROM pages p JOIN documents d ON d.id = p.document_id "
                         "WHERE d.state = ?", s)
want["bundles"] = q("SELECT COUNT(*) FROM bundles")
want["bundle_bytes"] = q("SELECT COALESCE(SUM(size), 0) FROM bundles")
want["pages_to_review"] = q("SELECT COUNT(*) FROM pages p JOIN documents d ON d.id = p.document_id "
                            "WHERE p.review IS NOT NULL AND d.state = 'archived'")
want["skipped"] = q("SELECT COUNT(*) FROM inbox_skipped")
want["skipped_warnings"] = q("SELECT COUNT(*) FROM inbox_skipped WHERE warning")
bad = [k for k in want if got.get(k) != want[k]]
for k in bad:
    print("%s: status says %s, the rows say %s" % (k, got.get(k), want[k]))
print(json.dumps(want["documents"]), json.dumps(want["pages"]))
sys.exit(1 if bad else 0)
PY
	[ "$RC" = 0 ] || { show_file "$T/compare.out" >&2; show_file "$T/compare.err" stderr >&2; fail "$1: status --json differs from the full counts"; }
}

counts_match "the processed samples"
n=$(sample_docs | wc -l)
grep -q "\"archived\": $n," "$T/status.out" || { show_file "$T/status.out" >&2; fail "status --json does not count $n archived documents"; }

in=$T/inbox2
mkdir -p "$in"
head -c 30000 "$SAMPLES/inbox/bao-cao-2016/page-0001.png" >"$in/truncated.png"
# The letter with a byte after its end: a new document, readable.
{ cat "$SAMPLES/inbox/letter-en.png"; printf 'x'; } >"$in/letter2.png"
capture ingest lt ingest "$in"
[ "$RC" = 0 ] || { show_file "$T/ingest.err" stderr >&2; fail "ingest exited $RC"; }
truncated=$(id_from_ingest "$T/ingest.out" truncated.png) || fail "truncated.png not queued"
counts_match "after ingest"

capture run lt run -j 1
[ "$RC" = 1 ] || { show_file "$T/run.err" stderr >&2; fail "run exited $RC, not 1 (truncated.png fails)"; }
counts_match "after a run with a failure"
grep -q '"failed": 1,' "$T/status.out" || { show_file "$T/status.out" >&2; fail "status --json does not count the failed document"; }

capture retry lt ingest --retry "$in"
grep -q "^requeued $truncated " "$T/retry.out" || { show_file "$T/retry.out" >&2; fail "ingest --retry did not requeue the failed scan"; }
counts_match "after a requeue"

# Other content at the same origin: the requeued document is superseded.
head -c 20000 "$SAMPLES/inbox/bao-cao-2016/page-0001.png" >"$in/truncated.png"
capture again lt ingest "$in"
[ "$RC" = 0 ] || { show_file "$T/again.err" stderr >&2; fail "ingest of the changed scan exited $RC"; }
counts_match "after a supersede"
grep -q '"superseded": 1' "$T/status.out" || { show_file "$T/status.out" >&2; fail "status --json does not count the superseded document"; }

capture run2 lt run -j 1
counts_match "after the second run"

# A page flagged by hand (as a correction tool might): counted at once.
sql "UPDATE pages SET review = 'checked by hand' WHERE id = (SELECT MIN(p.id) FROM pages p
     JOIN documents d ON d.id = p.document_id WHERE d.state = 'archived' AND p.review IS NULL)"
counts_match "after a page was flagged"

capture rebuild lt rebuild-catalog
[ "$RC" = 0 ] || { show_file "$T/rebuild.err" stderr >&2; fail "rebuild-catalog exited $RC"; }
counts_match "after rebuild-catalog"
grep -q "\"archived\": $((n + 1))," "$T/status.out" || { show_file "$T/status.out" >&2; fail "the rebuilt catalog does not count $((n + 1)) archived documents"; }
echo "ok: status --json equals the full counts through ingest, run, failure, requeue, supersede, a flag and rebuild-catalog"
