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

logs=$(ls "$ARCHIVE/log" | wc -l)
[ "$logs" -ge 1 ] || fail "the run wrote no log"
grep -q "failed $changed .*changed since it was ingested" "$ARCHIVE"/log/run-*.log || fail "the run log does not give the failure"
capture rerun lt run
[ "$RC" = 0 ] && grep -q 'Nothing to do' "$T/rerun.out" || { show_file "$T/rerun.out" >&2; fail "a second run did not find the queue empty (exit $RC)"; }
[ "$(ls "$ARCHIVE/log" | wc -l)" = "$logs" ] || fail "a run with nothing to do left a log"

# ingest --retry queues failed documents again: the scan put back as it was
# ingested is archived, the still-truncated one fails again. A plain ingest
# leaves them alone (a nightly batch must not retry a poisonous scan).
cp "$SAMPLES/inbox/letter-en.png" "$in/changed.png"
capture plain lt ingest "$in"
grep -q "^known $changed .*(failed; --retry" "$T/plain.out" || { show_file "$T/plain.out" >&2; fail "a plain re-ingest did not leave the failed document alone"; }
capture reingest lt ingest --retry "$in"
grep -q "^requeued $changed " "$T/reingest.out" || { show_file "$T/reingest.out" >&2; fail "re-ingest did not requeue the failed document"; }
grep -q "^requeued $truncated " "$T/reingest.out" || { show_file "$T/reingest.out" >&2; fail "re-ingest did not requeue the failed truncated scan"; }
capture retry lt run
[ "$RC" = 1 ] || { show_file "$T/retry.out" >&2; fail "the retry run exited $RC, not 1 (truncated.png fails again)"; }
grep -q "^archived $changed " "$T/retry.out" || { show_file "$T/retry.out" >&2; fail "the requeued document was not archived"; }
grep -q "^failed $truncated " "$T/retry.out" || { show_file "$T/retry.out" >&2; fail "the still-truncated scan did not fail again"; }

# A scan that vanished after ingest says so, not "damaged".
mkdir -p "$T/inbox2"
cp "$SAMPLES/inbox/quyet-dinh-1127.jpg" "$T/inbox2/gone.jpg"
capture ingest2 lt ingest "$T/inbox2"
rm "$T/inbox2/gone.jpg"
capture run3 lt run
[ "$RC" = 1 ] && grep -q "gone.jpg.*No such file" "$T/run3.err" || { show_file "$T/run3.err" stderr >&2; fail "a vanished scan is not reported as missing (exit $RC)"; }
echo "ok: truncated, changed and vanished scans fail with their reasons; a repaired one is retried"
