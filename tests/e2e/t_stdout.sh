#!/bin/bash
# Results that never reach standard output are a failure: a full disk
# (/dev/full) makes --help, help CMD, status, show and search exit 3 with
# "error: cannot write to standard output: ...", where they used to exit 0.
. "$(dirname "$0")/lib.sh"
use_processed_archive

# full NAME CMD...: runs CMD with stdout on /dev/full, stderr in $T/NAME.err
full() {
	local name=$1; shift
	set +e
	"$@" >/dev/full 2>"$T/$name.err"
	RC=$?
	set -e
	if [ "$RC" = 0 ] || ! grep -q "^error: cannot write to standard output: No space left on device" "$T/$name.err"; then
		show_file "$T/$name.err" stderr >&2
		fail "'$*' > /dev/full exited $RC without saying stdout could not be written"
	fi
	[ "$RC" = 3 ] || fail "'$*' > /dev/full exited $RC, not 3"
}

id=${DOC_ID[letter-en.png]}
full help "$LUUTRU" --help
full helpcmd "$LUUTRU" help ingest
full cmdhelp "$LUUTRU" search --help
full version "$LUUTRU" --version
full status lt status
full show lt show "$id"
full search lt search Đà
full json lt search --json Đà

# The same commands into a file still succeed, with nothing on stderr.
capture ok lt search Đà
[ "$RC" = 0 ] && [ -s "$T/ok.out" ] && [ ! -s "$T/ok.err" ] || fail "search into a file exited $RC"
capture okstatus lt status
[ "$RC" = 0 ] && [ ! -s "$T/okstatus.err" ] || fail "status into a file exited $RC"
echo "ok: stdout write failures"
