#!/bin/bash
# Tesseract's OpenMP must run one thread per worker (on 2 cores it is many
# times slower otherwise): started without OMP_THREAD_LIMIT, luutru sets it
# and re-executes itself, and a one-worker run has no threads beyond the main
# thread, its worker and the run's I/O thread (package and commit).
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/inbox"
cp "$SAMPLES/inbox/letter-en.png" "$T/inbox/"
capture ingest lt ingest "$T/inbox"
[ "$RC" = 0 ] || fail "ingest exited $RC"

env -u OMP_THREAD_LIMIT "$LUUTRU" --archive "$ARCHIVE" run -j 1 >"$T/run.out" 2>&1 &
pid=$!
seen_env=0 max_threads=0
while kill -0 "$pid" 2>/dev/null; do
	if grep -qx 'OMP_THREAD_LIMIT=1' <<<"$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null)"; then
		seen_env=1
		# The run may end between the two looks: ls then fails, which
		# under pipefail would end the test.
		n=$(ls "/proc/$pid/task" 2>/dev/null | wc -l || true)
		[ "$n" -gt "$max_threads" ] && max_threads=$n
	fi
	sleep 0.05
done
wait "$pid" || { cat "$T/run.out" >&2; fail "run exited non-zero"; }
[ "$seen_env" = 1 ] || fail "luutru did not run with OMP_THREAD_LIMIT=1 when started without it"
[ "$max_threads" -le 3 ] || fail "a one-worker run had $max_threads threads: OpenMP is not limited"
echo "ok: OMP_THREAD_LIMIT=1 set by luutru; at most $max_threads threads"
