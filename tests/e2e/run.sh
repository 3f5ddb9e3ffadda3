#!/bin/bash
# Runs the end-to-end tests: every t_*.sh here (or the ones named as arguments),
# one "PASS name" / "FAIL name" line each, then exactly "N passed, M failed" as
# the last line. Exit 1 if any failed. LUUTRU=/path/to/luutru overrides ./luutru;
# VERBOSE=1 shows the output of passing tests too.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export LUUTRU=${LUUTRU:-$ROOT/luutru}

# The samples are ingested and run once, by the first test that needs them; the
# others copy that archive (see use_processed_archive in lib.sh).
E2E_FIXTURE=$(mktemp -d "${TMPDIR:-/tmp}/luutru-e2e-fixture.XXXXXX")
export E2E_FIXTURE
trap 'chmod -R u+w "$E2E_FIXTURE" 2>/dev/null; rm -rf "$E2E_FIXTURE" "$E2E_FIXTURE.lock"' EXIT

if [ $# -gt 0 ]; then tests=("$@"); else tests=("$HERE"/t_*.sh); fi
passed=0 failed=0
for t in "${tests[@]}"; do
	[ -f "$t" ] || t=$HERE/$(basename "$t" .sh).sh
	name=$(basename "$t" .sh)
	start=$SECONDS
	out=$(bash "$t" </dev/null 2>&1)
	rc=$?
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		echo "PASS $name ($((SECONDS - start)) s)"
		[ "${VERBOSE:-0}" = 1 ] && printf '%s\n' "$out" | sed 's/^/    /'
	else
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc, $((SECONDS - start)) s)"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
