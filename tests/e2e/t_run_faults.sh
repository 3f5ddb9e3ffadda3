#!/bin/bash
# Document-scoped failures at run time: a PNG truncated after ingest passed
# the format check (it fails to decode), and a scan modified between ingest and
# run (its digest no longer matches). Each document fails with a reason naming
# its file, run exits 1, nothing of theirs reaches bundles/ or work/, and a
# second run has nothing left to do.
. "$(dirname "$0")/lib.sh"

in=$T/inbox
mkdir -p "$in"
head -c 30000 "$SAMPLES/inbox/bao-cao-2016/page-0001.png" >"$in/truncated.png"
cp "$SAMPLES/inbox/letter-en.png" "$in/changed.png"

capture ingest lt ingest "$in"
[ "$RC" = 0 ] || { show_file "$T/ingest.out" >&2; fail "ingest exited $RC"; }
truncated=$(id_from_ingest "$T/ingest.out" truncated.png) || fail "truncated.png not queued"
changed=$(id_from_ingest "$T/ingest.out" changed.png) || fail "changed.png not queued"

printf 'x' >>"$in/changed.png"
capture run lt run -j 1
[ "$RC" = 1 ] || { show_file "$T/run.out" >&2; show_file "$T/run.err" stderr >&2; fail "run exited $RC, not 1"; }
grep -q "truncated\.png" "$T/run.err" || { show_file "$T/run.err" stderr >&2; fail "stderr does not name truncated.png"; }
grep -q "changed\.png.*changed since it was ingested" "$T/run.err" ||
	{ show_file "$T/run.err" stderr >&2; fail "stderr does not say changed.png changed since ingest"; }
grep -q '0 documents archived' "$T/run.out" || { show_file "$T/run.out" >&2; fail "summary does not say 0 documents archived"; }

[ -z "$(find "$ARCHIVE/bundles" -type f 2>/dev/null)" ] || fail "a failed document left a bundle"
[ -z "$(ls -A "$ARCHIVE/work")" ] || fail "work/ is not empty: $(ls -A "$ARCHIVE/work")"

capture status lt status
status_counts failed "2 2" || { show_file "$T/status.out" >&2; fail "status does not show 2 failed documents"; }
grep -q "$truncated.*load" "$T/status.out" || { show_file "$T/status.out" >&2; fail "status does not give the load failure"; }
grep -q "$changed.*package" "$T/status.out" || { show_file "$T/status.out" >&2; fail "status does not give the package failure"; }

capture show lt show "$changed"
grep -q 'failed .*failure' "$T/show.out" || { show_file "$T/show.out" >&2; fail "show has no failed event"; }

capture rerun lt run
[ "$RC" = 0 ] && grep -q 'Nothing to do' "$T/rerun.out" || { show_file "$T/rerun.out" >&2; fail "a second run did not find the queue empty (exit $RC)"; }
echo "ok: truncated and changed scans fail with their reasons"
