#!/bin/bash
# Usage errors exit 2; --help exits 0 and prints the usage.
. "$(dirname "$0")/lib.sh"

capture none "$LUUTRU"
[ "$RC" = 2 ] || fail "luutru with no arguments exited $RC, not 2"
[ -s "$T/none.err" ] || fail "luutru with no arguments printed nothing on stderr"
capture bad "$LUUTRU" nosuchcmd
[ "$RC" = 2 ] || fail "luutru nosuchcmd exited $RC, not 2"
grep -q nosuchcmd "$T/bad.err" || fail "luutru nosuchcmd: stderr does not name the command"
capture help "$LUUTRU" --help
[ "$RC" = 0 ] || fail "luutru --help exited $RC, not 0"
grep -qi usage "$T/help.out" || fail "luutru --help printed no usage on stdout"
for c in ingest run status search show get; do
	grep -qw "$c" "$T/help.out" || fail "luutru --help does not list '$c'"
done
capture ihelp "$LUUTRU" ingest --help
[ "$RC" = 0 ] || fail "luutru ingest --help exited $RC, not 0"
grep -qi usage "$T/ihelp.out" && grep -q ingest "$T/ihelp.out" || fail "luutru ingest --help printed no ingest usage on stdout"
capture badopt "$LUUTRU" --archive "$ARCHIVE" search
[ "$RC" = 2 ] || fail "luutru search without a query exited $RC, not 2"
echo "ok: usage"
