#!/bin/bash
# A researcher with read access only (another user, nothing writable in the
# archive) can status, search, show and get. Also: each bundle's bag-info.txt
# maps master files back to the scans' own names.
. "$(dirname "$0")/lib.sh"
use_processed_archive

[ "$(id -u)" = 0 ] || fail "this test switches to the user nobody and must run as root (CI does)"
command -v runuser >/dev/null || fail "runuser (util-linux) is missing"
chmod 755 "$T"
chmod -R a+rX,go-w "$ARCHIVE"
as_nobody() { runuser -u nobody -- "$LUUTRU" --archive "$ARCHIVE" "$@"; }
# The binary must be reachable by nobody; in a private checkout it may not be.
# The front runs show and get through its engine, which it looks for beside
# itself where front.c does (build/ first: ./luutru; then the same folder:
# make check's build/san/luutru): the copy takes the engine along.
if ! runuser -u nobody -- test -x "$LUUTRU"; then
	echo "note: $LUUTRU is not executable by nobody; using a copy in $T" >&2
	engine="$(dirname "$LUUTRU")/build/luutru-engine"
	[ -x "$engine" ] || engine="$(dirname "$LUUTRU")/luutru-engine"
	cp "$LUUTRU" "$T/luutru"
	cp "$engine" "$T/luutru-engine"
	chmod 755 "$T/luutru" "$T/luutru-engine"
	LUUTRU=$T/luutru
fi

bao=${DOC_ID[bao-cao-2016]}
capture st as_nobody status
[ "$RC" = 0 ] || { show_file "$T/st.err" stderr >&2; fail "status as a read-only user exited $RC"; }
capture se as_nobody search --json "Trung tâm Hành chính"
[ "$RC" = 0 ] && grep -q "$bao" "$T/se.out" || { show_file "$T/se.err" stderr >&2; fail "search as a read-only user exited $RC or missed $bao"; }
capture sh as_nobody show "$bao"
[ "$RC" = 0 ] || { show_file "$T/sh.err" stderr >&2; fail "show as a read-only user exited $RC"; }
# Sticky, as /tmp: get refuses a world-writable folder without it (issue 10).
mkdir -m 1777 "$T/out"
capture get as_nobody get "$bao" --out "$T/out/"
[ "$RC" = 0 ] && cmp -s "$T/out/$bao.tar" "$(bundle_of "$bao")" || { show_file "$T/get.err" stderr >&2; fail "get as a read-only user exited $RC or wrote a different file"; }

# Another SQLite client (here the sqlite3 shell) removes the WAL files when it
# closes; a read-only user must still get in.
sqlite3 "$ARCHIVE/catalog.sqlite" "SELECT COUNT(*) FROM documents" >/dev/null
[ ! -e "$ARCHIVE/catalog.sqlite-shm" ] || fail "test set-up: the sqlite3 shell left the -shm file"
capture st2 as_nobody status
[ "$RC" = 0 ] || { show_file "$T/st2.err" stderr >&2; fail "status as a read-only user without WAL files exited $RC"; }
capture se2 as_nobody search "Trung tâm Hành chính"
[ "$RC" = 0 ] && grep -q "$bao" "$T/se2.out" || { show_file "$T/se2.err" stderr >&2; fail "search as a read-only user without WAL files failed"; }

bag=$(extract_bundle "$(bundle_of "${DOC_ID[cong-van-12]}")" "$T/x")
grep -qx 'Internal-Sender-Description: scans: 0001.pnm = page-01.pnm; 0002.png = page-02.png' "$bag/bag-info.txt" ||
	{ show_file "$bag/bag-info.txt" >&2; fail "bag-info.txt does not map master files to the scans' names"; }
echo "ok: read-only status, search, show, get; scan names in bag-info"
