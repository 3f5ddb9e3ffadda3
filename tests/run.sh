#!/bin/bash
# Runs the whole test suite: every unit test binary in DIR (default
# build/tests), then the end-to-end tests (tests/e2e/run.sh) against $LUUTRU.
# Prints one line per test program and, last, "N passed, M failed" over all
# unit test cases and end-to-end tests.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
UNIT_DIR=${1:-$ROOT/build/tests}
export LUUTRU=${LUUTRU:-$ROOT/luutru}
# Tesseract as the engine runs it (main.c): one thread. Unset, its OpenMP
# starts a team for every LSTM step and the unit tests that recognise take
# 4x as long on two cores, busy-waiting.
export OMP_THREAD_LIMIT=${OMP_THREAD_LIMIT:-1}
cd "$ROOT"

passed=0 failed=0
echo "== unit tests ($UNIT_DIR)"
for t in "$UNIT_DIR"/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d|*.o) continue ;; esac
	out=$("$t" 2>&1)
	rc=$?
	ok=$(printf '%s\n' "$out" | grep -c '^\[       OK \]')
	bad=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' | head -n 1)
	bad=${bad:-0}
	# A crash or abort (sanitizers) leaves no cmocka summary: count it as a failure.
	if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$rc" = 0 ]; then
		echo "PASS $(basename "$t") ($ok cases)"
	else
		echo "FAIL $(basename "$t") ($ok passed, $bad failed, exit $rc)"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
done

echo "== end-to-end tests ($LUUTRU)"
e2e_out=$(bash "$HERE/e2e/run.sh" 2>&1)
printf '%s\n' "$e2e_out" | sed '$d'
last=$(printf '%s\n' "$e2e_out" | tail -n 1)
if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
	passed=$((passed + BASH_REMATCH[1]))
	failed=$((failed + BASH_REMATCH[2]))
else
	echo "FAIL e2e: no summary line ($last)"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
