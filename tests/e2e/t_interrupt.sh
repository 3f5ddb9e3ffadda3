#!/bin/bash
# Ctrl-C (SIGINT) during a run: the documents in hand are finished, the rest
# stay queued (none stuck in processing), the summary says so, the exit code
# is 1, and the next run finishes the queue.
. "$(dirname "$0")/lib.sh"

ingest_samples
docs=$DOCS
q() { sql "$1"; }

"$LUUTRU" --archive "$ARCHIVE" run -j 1 >"$T/run1.out" 2>"$T/run1.err" &
pid=$!
wait_for_documents processing
kill -INT "$pid"
set +e; wait "$pid"; rc=$?; set -e
[ "$rc" = 1 ] || { show_file "$T/run1.out" >&2; fail "an interrupted run exited $rc, not 1"; }
grep -q 'Run interrupted' "$T/run1.out" || { show_file "$T/run1.out" >&2; fail "the summary does not say the run was interrupted"; }
[ "$(q "SELECT COUNT(*) FROM documents WHERE state = 'processing'")" = 0 ] || fail "documents left in processing"
archived=$(q "SELECT COUNT(*) FROM documents WHERE state = 'archived'")
[ "$archived" -ge 1 ] || fail "the document in hand was not finished"
[ "$archived" -lt "$docs" ] || fail "the run finished everything despite SIGINT"

# Stopped, then killed before the document in hand is done (a second Ctrl-C,
# or systemd's SIGKILL after SIGTERM): not a crash of that document's doing.
"$LUUTRU" --archive "$ARCHIVE" run -j 1 >"$T/run2.out" 2>"$T/run2.err" &
pid=$!
wait_for_documents processing
inhand=$(q "SELECT id FROM documents WHERE state = 'processing'")
kill -TERM "$pid"; sleep 0.2; kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [ "$(q "SELECT state FROM documents WHERE id = '$inhand'")" = processing ]; then
	[ -e "$ARCHIVE/run.stopping" ] || fail "a stopped run left no run.stopping marker"
	capture run3 lt run
	[ "$RC" = 0 ] || { show_file "$T/run3.out" >&2; fail "the run after a killed stop exited $RC"; }
	[ "$(q "SELECT attempts FROM documents WHERE id = '$inhand'")" = 1 ] ||
		fail "the document in hand when the stopped run was killed was counted as a crash"
	[ ! -e "$ARCHIVE/run.stopping" ] || fail "run.stopping was not removed"
else
	capture run3 lt run   # it finished within 0.2 s: nothing to check but the queue
fi
[ "$(q "SELECT COUNT(*) FROM documents WHERE state = 'archived'")" = "$docs" ] || fail "the next runs did not finish the queue"
echo "ok: interrupted after $archived of $docs; a killed stop is forgiven; the queue finished"
