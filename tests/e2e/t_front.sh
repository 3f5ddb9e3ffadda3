#!/bin/bash
# `luutru` is a small front (front.c): search and status run in it without
# loading Tesseract, Leptonica, libarchive or qpdf; every other command runs
# in the engine it executes in its place. Both give the same answers, exit
# codes and errors; a front whose engine is gone says so and exits 3.
. "$(dirname "$0")/lib.sh"

use_processed_archive
front_dir=$(dirname "$(readlink -f "$LUUTRU")")
ENGINE=$front_dir/build/luutru-engine
[ -x "$ENGINE" ] || ENGINE=$front_dir/luutru-engine
[ -x "$ENGINE" ] || fail "no engine beside $LUUTRU"

# The libraries a command loads (the dynamic loader's own account).
loads() { { LD_DEBUG=libs "$@" 2>&1 >/dev/null || true; } | sed -n 's/.*calling init: \(.*\)/\1/p'; }

readelf -d "$LUUTRU" >"$T/needed" || fail "readelf cannot read $LUUTRU"
if grep -q libasan "$T/needed"; then
	# `make check` links its front with every library (ASan's constructors
	# keep all the globals of each object): only the answers are compared.
	echo "note: a sanitizer build; the front's libraries are not checked"
else
	for lib in libtesseract liblept libarchive libqpdf libmicrohttpd; do
		if grep -q "$lib" "$T/needed"; then fail "the front links $lib"; fi
	done
	for cmd in "status" "status --json" "search Nẵng" "search --json --type 01 Nẵng"; do
		# shellcheck disable=SC2086
		loads "$LUUTRU" --archive "$ARCHIVE" $cmd >"$T/loaded"
		grep -q libsqlite3 "$T/loaded" || fail "'$cmd': the loader's trace shows no SQLite: $(head -c 300 "$T/loaded")"
		if grep -q libtesseract "$T/loaded"; then fail "'$cmd' loaded Tesseract"; fi
	done
	# Another command goes to the engine (which does load Tesseract).
	loads "$LUUTRU" --archive "$ARCHIVE" show "$(sql 'SELECT id FROM documents LIMIT 1')" >"$T/loaded"
	grep -q libtesseract "$T/loaded" || fail "show did not run in the engine"
fi

# Same output and exit code from the front and from the engine itself.
same() {
	local name=$1; shift
	set +e
	"$LUUTRU" --archive "$ARCHIVE" "$@" >"$T/$name.front" 2>"$T/$name.front.err"
	local rc_front=$?
	"$ENGINE" --archive "$ARCHIVE" "$@" >"$T/$name.engine" 2>"$T/$name.engine.err"
	local rc_engine=$?
	set -e
	[ "$rc_front" = "$rc_engine" ] || fail "'$*': the front exits $rc_front, the engine $rc_engine"
	cmp -s "$T/$name.front" "$T/$name.engine" || fail "'$*': the front and the engine print different things"
	cmp -s "$T/$name.front.err" "$T/$name.engine.err" || fail "'$*': different errors: $(cat "$T/$name.front.err")"
	echo "$rc_front"
}
[ "$(same hit search --json 'da nang')" = 0 ] || fail "search 'da nang' found nothing"
[ "$(same miss search 'xyzzyq')" = 1 ] || fail "a search for nothing does not exit 1"
[ "$(same usage search --limit x 'da nang')" = 2 ] || fail "a bad --limit is not a usage error"
[ "$(same status_json status --json)" = 0 ] || fail "status --json failed"
grep -q "limit" "$T/usage.front.err" || fail "the usage error does not name --limit: $(cat "$T/usage.front.err")"
# An archive that is not there: the same error from both.
[ "$(ARCHIVE=$T/nowhere same nowhere search 'da nang')" != 0 ] || fail "a search of a missing archive succeeded"

# Global options and help still reach the engine through the front.
capture version "$LUUTRU" --version
[ "$RC" = 0 ] && grep -q '^luutru ' "$T/version.out" || fail "--version through the front: $RC $(cat "$T/version.out")"
capture help "$LUUTRU" --archive "$ARCHIVE" help search
[ "$RC" = 0 ] && grep -q 'usage: luutru search' "$T/help.out" || fail "help search through the front: $RC"
capture nocmd "$LUUTRU" --archive "$ARCHIVE" frobnicate
[ "$RC" = 2 ] && grep -q "no command 'frobnicate'" "$T/nocmd.err" || fail "an unknown command: exit $RC, $(cat "$T/nocmd.err")"

# A front without its engine says which program is missing.
mkdir -p "$T/alone"
cp "$LUUTRU" "$T/alone/luutru"
if [ ! -e /usr/local/lib/luutru/luutru-engine ] && [ ! -e /usr/lib/luutru/luutru-engine ]; then
	capture alone "$T/alone/luutru" --archive "$ARCHIVE" show nothing
	[ "$RC" = 3 ] || fail "a front without an engine exits $RC, not 3"
	grep -q "luutru-engine" "$T/alone.err" || fail "the error does not name the engine: $(cat "$T/alone.err")"
	# ... while search still works without it.
	capture alone_search "$T/alone/luutru" --archive "$ARCHIVE" search 'da nang'
	[ "$RC" = 0 ] || fail "search in a front without its engine exited $RC"
fi
echo "ok: search and status in the front without Tesseract; the engine answers the rest the same"
