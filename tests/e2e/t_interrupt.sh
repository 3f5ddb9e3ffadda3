#!/bin/bash
# Ctrl-C (SIGINT) during a run: the documents in hand are finished, the rest
# stay queued (none stuck in processing), the summary says so, the exit code
# is 1, and the next run finishes the queue.
. "$(dirname "$0")/lib.sh"

copy_inbox "$T/inbox"
capture ingest lt ingest "$T/inbox"
[ "$RC" = 0 ] || fail "ingest exited $RC"
docs=$(grep -c '^queued ' "$T/ingest.out")
q() { sqlite3 "$ARCHIVE/catalog.sqlite" "$1"; }

"$LUUTRU" --archive "$ARCHIVE" run -j 1 >"$T/run1.out" 2>"$T/run1.err" &
pid=$!
for _ in $(seq 1 300); do
	[ "$(q "SELECT COUNT(*) FROM documents WHERE state = 'processing'" 2>/dev/null || echo 0)" -ge 1 ] && break
	sleep 0.05
done
kill -INT "$pid"
set +e; wait "$pid"; rc=$?; set -e
[ "$rc" = 1 ] || { show_file "$T/run1.out" >&2; fail "an interrupted run exited $rc, not 1"; }
grep -q 'Run interrupted' "$T/run1.out" || { show_file "$T/run1.out" >&2; fail "the summary does not say the run was interrupted"; }
[ "$(q "SELECT COUNT(*) FROM documents WHERE state = 'processing'")" = 0 ] || fail "documents left in processing"
archived=$(q "SELECT COUNT(*) FROM documents WHERE state = 'archived'")
[ "$archived" -ge 1 ] || fail "the document in hand was not finished"
[ "$archived" -lt "$docs" ] || fail "the run finished everything despite SIGINT"

capture run2 lt run
[ "$RC" = 0 ] || { show_file "$T/run2.out" >&2; fail "the next run exited $RC"; }
[ "$(q "SELECT COUNT(*) FROM documents WHERE state = 'archived'")" = "$docs" ] || fail "the next run did not finish the queue"
echo "ok: interrupted after $archived of $docs; the next run finished"
