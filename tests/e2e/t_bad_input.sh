#!/bin/bash
# A corrupt image (x.png, random bytes) beside a good one: the good document is
# archived; the bad one is rejected at ingest or fails at run, with a message
# naming x.png, and that command exits 1 (no crash, not 0); status shows it.
. "$(dirname "$0")/lib.sh"

in=$T/inbox
mkdir -p "$in"
python3 -c 'import random,sys; random.seed(1); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(8192)))' >"$in/x.png"
cp "$SAMPLES/inbox/letter-en.png" "$in/good.png"

capture ingest lt ingest "$in"
good=$(id_from_ingest "$T/ingest.out" good.png) || { show_file "$T/ingest.out" >&2; fail "ingest did not queue good.png"; }
if grep -q '^rejected .*x\.png' "$T/ingest.out"; then
	where=ingest
	[ "$RC" = 1 ] || fail "ingest rejected x.png but exited $RC, not 1"
	grep -q 'x\.png' "$T/ingest.err" || { show_file "$T/ingest.err" stderr >&2; fail "ingest rejected x.png but its stderr does not name x.png"; }
	grep -qx 'ingest: 1 queued, 0 already known, 1 rejected, 0 skipped' "$T/ingest.out" ||
		{ show_file "$T/ingest.out" >&2; fail "no summary 'ingest: 1 queued, 0 already known, 1 rejected, 0 skipped'"; }
	capture run lt run
	[ "$RC" = 0 ] || { show_file "$T/run.err" stderr >&2; fail "run of the good document alone exited $RC"; }
else
	where=run
	[ "$RC" = 0 ] || { show_file "$T/ingest.out" >&2; fail "ingest exited $RC without rejecting x.png"; }
	id_from_ingest "$T/ingest.out" x.png >/dev/null || { show_file "$T/ingest.out" >&2; fail "ingest neither queued nor rejected x.png"; }
	capture run lt run
	[ "$RC" = 1 ] || { show_file "$T/run.out" >&2; show_file "$T/run.err" stderr >&2; fail "run with a corrupt x.png exited $RC, not 1"; }
	grep -q 'x\.png' "$T/run.err" || { show_file "$T/run.err" stderr >&2; fail "run failed but its stderr does not name x.png"; }
fi

bundle_of "$good" >/dev/null
[ "$(all_bundles | wc -l)" = 1 ] || fail "expected exactly one bundle (good.png), found $(all_bundles | wc -l)"

capture status lt status
[ "$RC" -le 1 ] || fail "status exited $RC"
status_counts archived "1 1" || fail "status does not show 1 archived document of 1 page"
if [ "$where" = run ]; then
	status_counts failed "1 1" || fail "status does not show 1 failed document of 1 page"
fi
echo "ok: x.png handled at $where, good.png archived"
