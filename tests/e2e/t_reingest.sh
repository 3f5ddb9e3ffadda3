#!/bin/bash
# ingest is idempotent: a second ingest of the same inbox queues nothing, says
# "known" for every document, and a run after it makes no new bundle.
. "$(dirname "$0")/lib.sh"
use_processed_archive

ndocs=$(sample_docs | wc -l)
before=$(all_bundles | wc -l)
capture ingest2 lt ingest "$INBOX"
[ "$RC" = 0 ] || { show_file "$T/ingest2.err" stderr >&2; fail "second ingest exited $RC"; }
grep -qx "ingest: 0 queued, $ndocs already known, 0 rejected, 0 skipped" "$T/ingest2.out" ||
	{ show_file "$T/ingest2.out" >&2; fail "second ingest: no line 'ingest: 0 queued, $ndocs already known, 0 rejected, 0 skipped'"; }
bad=$(grep -v '^ingest: ' "$T/ingest2.out" | grep -v '^known ' || true)
[ -z "$bad" ] || fail "second ingest printed lines other than 'known': $bad"
for d in $(sample_docs); do
	grep -q "^known ${DOC_ID[$d]} " "$T/ingest2.out" || fail "second ingest: no 'known ${DOC_ID[$d]}' line for $d"
done
capture run2 lt run
[ "$RC" = 0 ] || { show_file "$T/run2.err" stderr >&2; fail "run after the second ingest exited $RC"; }
after=$(all_bundles | wc -l)
[ "$after" = "$before" ] || fail "run after the second ingest changed the bundle count from $before to $after"
echo "ok: second ingest queued nothing"
