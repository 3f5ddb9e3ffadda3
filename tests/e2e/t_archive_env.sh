#!/bin/bash
# The archive location: --archive DIR wins over $LUUTRU_ARCHIVE, which wins
# over ./archive; the catalog is a SQLite database the sqlite3 CLI can read.
. "$(dirname "$0")/lib.sh"

in=$T/inbox
mkdir -p "$in" "$T/cwd"
cp "$SAMPLES/inbox/letter-en.png" "$in/"

capture env1 env LUUTRU_ARCHIVE="$T/env-archive" "$LUUTRU" ingest "$in"
[ "$RC" = 0 ] || { show_file "$T/env1.err" stderr >&2; fail "ingest with LUUTRU_ARCHIVE exited $RC"; }
[ -f "$T/env-archive/catalog.sqlite" ] || fail "LUUTRU_ARCHIVE=$T/env-archive: no catalog.sqlite there"

capture opt env LUUTRU_ARCHIVE="$T/env-archive" "$LUUTRU" --archive "$T/opt-archive" ingest "$in"
[ "$RC" = 0 ] || fail "ingest with --archive exited $RC"
[ -f "$T/opt-archive/catalog.sqlite" ] || fail "--archive did not win over LUUTRU_ARCHIVE"
grep -q '^queued ' "$T/opt.out" || fail "ingest into the --archive archive did not queue (it used another catalog?)"

capture def sh -c 'cd "$1" && exec "$2" ingest "$3"' sh "$T/cwd" "$LUUTRU" "$in"
[ "$RC" = 0 ] || fail "ingest with the default archive exited $RC"
[ -f "$T/cwd/archive/catalog.sqlite" ] || fail "default archive ./archive/catalog.sqlite not created"

ok=$(sqlite3 -readonly "$T/env-archive/catalog.sqlite" 'PRAGMA quick_check;') || fail "sqlite3 cannot open the catalog"
[ "$ok" = ok ] || fail "catalog quick_check: $ok"
echo "ok: --archive, LUUTRU_ARCHIVE, ./archive"
