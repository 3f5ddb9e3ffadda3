#!/bin/bash
# Issue 10, items 3, 7, 8 and 9, on the real binary:
#  7. a folder named with an escape sequence and a newline, a scan named with
#     a BEL and an OSC sequence: ingest, run, search, show, status and the run
#     log print them escaped (\x1b, \n), never raw; --json stays exact;
#  8. a scan whose name is not UTF-8 keeps its bytes in bag-info.txt,
#     percent-encoded beside the readable form;
#  9. an invalid-UTF-8 query exits 2; a document left processing with no run
#     holding run.lock is `interrupted`; a run never appends to another run's
#     log of the same second; `show` takes an upper-case id;
#  3. `get --out` refuses a planted symlink (unless --follow-symlinks) and a
#     world-writable folder without the sticky bit.
. "$(dirname "$0")/lib.sh"

ESC=$'\e'
BEL=$'\a'
evil=$'evil\e[31m-red\nforged line'
mkdir -p "$T/inbox/$evil"
cp "$SAMPLES/inbox/cong-van-12/page-02.png" "$T/inbox/$evil/"$'trang-\xe9.png'
bad=$'bad\e]0;title\a.png'
cp "$SAMPLES/inbox/letter-en.png" "$T/inbox/$bad"

# raw FILE...: fails if any FILE holds a raw ESC, BEL or a forged line
no_raw() {
	local f
	for f in "$@"; do
		if grep -q "[$ESC$BEL]" "$f"; then show_file "$f" >&2; fail "$f holds a raw control character"; fi
		if grep -q '^forged line' "$f"; then show_file "$f" >&2; fail "$f holds a forged line"; fi
	done
}

capture ingest lt ingest "$T/inbox"
[ "$RC" = 0 ] || { show_file "$T/ingest.err" >&2; fail "ingest exited $RC"; }
no_raw "$T/ingest.out" "$T/ingest.err"
grep -qF 'evil\x1b[31m-red\nforged line' "$T/ingest.out" || { show_file "$T/ingest.out" >&2; fail "ingest does not show the escaped name"; }
id=$(grep -F 'evil\x1b' "$T/ingest.out" | awk '{print $2}')
badid=$(grep -F 'bad\x1b' "$T/ingest.out" | awk '{print $2}')
[ -n "$id" ] && [ -n "$badid" ] || fail "no ids in the ingest output"

# The second document changes after ingest, so the run fails it (its label
# and reason then show in run, status and the log).
printf 'x' >>"$T/inbox/$bad"

# Another run's logs, for every second this run may start in: never touched.
mkdir -p "$ARCHIVE/log"
now=$(date +%s)
for s in $(seq 0 240); do
	echo "another run's log" >"$ARCHIVE/log/run-$(date -d "@$((now + s))" +%Y%m%d-%H%M%S).log"
done
capture run lt run -j 1
[ "$RC" = 1 ] || { show_file "$T/run.out" >&2; show_file "$T/run.err" >&2; fail "run exited $RC, not 1 (one failed document)"; }
no_raw "$T/run.out" "$T/run.err" "$ARCHIVE"/log/run-*.log
for f in "$ARCHIVE"/log/run-*.log; do
	case "$f" in *-[0-9].log) continue ;; esac
	[ "$(cat "$f")" = "another run's log" ] || { show_file "$f" >&2; fail "the run wrote into another run's log $f"; }
done
log=$(ls "$ARCHIVE"/log/run-*-2.log 2>/dev/null | head -n 1)
[ -n "$log" ] || { ls "$ARCHIVE/log" | tail -3 >&2; fail "the run made no log of its own (run-<time>-2.log)"; }
grep -qF "archived $id evil\\x1b[31m-red\\nforged line" "$log" || { show_file "$log" >&2; fail "the log does not show the archived document escaped"; }
grep -qF "failed $badid bad\\x1b]0;title\\x07.png" "$log" || { show_file "$log" >&2; fail "the log does not show the failed document escaped"; }

capture search lt search 'Chủ tịch'
[ "$RC" = 0 ] || fail "search exited $RC"
no_raw "$T/search.out"
grep -qF "$id p.1 evil\\x1b[31m-red\\nforged line: " "$T/search.out" || { show_file "$T/search.out" >&2; fail "search does not show the escaped label"; }
capture search_json lt search --json 'Chủ tịch'
[ "$(jq -r '.[0].label' "$T/search_json.out")" = "$evil" ] || { show_file "$T/search_json.out" >&2; fail "--json does not give the label exactly"; }

# Item 9: upper-case ids.
capture show lt show "$(tr a-f A-F <<<"$id")"
[ "$RC" = 0 ] || { show_file "$T/show.err" >&2; fail "show of an upper-case id exited $RC"; }
no_raw "$T/show.out"
grep -qF 'label:     evil\x1b[31m-red\nforged line' "$T/show.out" || { show_file "$T/show.out" >&2; fail "show does not show the escaped label"; }
grep -qF 'trang-\xe9.png' "$T/show.out" || { show_file "$T/show.out" >&2; fail "show does not show the non-UTF-8 byte as \\xe9"; }
capture show_bad lt show "${badid^^}"
[ "$RC" = 0 ] || fail "show ${badid^^} exited $RC"
no_raw "$T/show_bad.out"

capture status lt status
no_raw "$T/status.out"
grep -qF "$badid bad\\x1b]0;title\\x07.png" "$T/status.out" || { show_file "$T/status.out" >&2; fail "status does not list the failed document escaped"; }

# Item 8: the scan's own bytes in bag-info.txt.
bag=$(extract_bundle "$(bundle_of "$id")" "$T/x")
grep -qF $'0001.png = trang-\xef\xbf\xbd.png (bytes: trang-%E9.png)' "$bag/bag-info.txt" || { show_file "$bag/bag-info.txt" >&2; fail "bag-info.txt does not keep the scan's bytes"; }
grep -qF 'inbox name: ' "$bag/bag-info.txt" && { show_file "$bag/bag-info.txt" >&2; fail "a UTF-8 folder name got a bytes form"; }

# Item 9: a query that is not UTF-8 is a usage error.
capture badq lt search $'caf\xe9'
[ "$RC" = 2 ] || { show_file "$T/badq.err" >&2; fail "an invalid-UTF-8 query exited $RC, not 2"; }
no_raw "$T/badq.err"
grep -q 'not valid UTF-8' "$T/badq.err" || fail "the invalid query's error does not say why"

# Item 9: processing documents of a run that died are `interrupted`; while
# a run holds run.lock they are `processing`. (The state is set by hand, as a
# SIGKILLed run leaves it.)
sql "UPDATE documents SET state = 'processing' WHERE id = '$id'"
capture status2 lt status
grep -q '^interrupted: *1 document' "$T/status2.out" || { show_file "$T/status2.out" >&2; fail "status does not say interrupted"; }
touch "$ARCHIVE/run.lock"
flock "$ARCHIVE/run.lock" -c "\"$LUUTRU\" --archive \"$ARCHIVE\" status >\"$T/status3.out\""
grep -q '^processing: *1 document' "$T/status3.out" || { show_file "$T/status3.out" >&2; fail "status does not say processing while a run holds the lock"; }
sql "UPDATE documents SET state = 'archived' WHERE id = '$id'"

# Item 3: get never writes through a planted link.
mkdir -p "$T/out"
echo "root only" >"$T/precious"
chmod 600 "$T/precious"
ln -s "$T/precious" "$T/out/out.tar"
capture get lt get "$id" --out "$T/out/out.tar"
[ "$RC" = 2 ] || { show_file "$T/get.err" >&2; fail "get through a planted symlink exited $RC, not 2"; }
[ "$(cat "$T/precious")" = "root only" ] || fail "get wrote through the symlink"
[ "$(stat -c %a "$T/precious")" = 600 ] || fail "get changed the mode of the link's target"
grep -q -- '--follow-symlinks' "$T/get.err" || fail "the refusal does not say how to follow the link"
capture get2 lt get "$id" --out "$T/out/out.tar" --follow-symlinks
[ "$RC" = 0 ] || { show_file "$T/get2.err" >&2; fail "get --follow-symlinks exited $RC"; }
cmp -s "$T/precious" "$(bundle_of "$id")" || fail "get --follow-symlinks did not write the bundle where the link points"
mkdir -m 0777 "$T/open"
chmod 0777 "$T/open"
capture get3 lt get "$id" --out "$T/open/b.tar"
[ "$RC" = 2 ] && [ ! -e "$T/open/b.tar" ] || fail "get into a world-writable folder without the sticky bit exited $RC"
grep -q sticky "$T/get3.err" || fail "the refusal does not name the sticky bit"
chmod 1777 "$T/open"
capture get4 lt get "$id" --out "$T/open/b.tar"
[ "$RC" = 0 ] || { show_file "$T/get4.err" >&2; fail "get into a sticky world-writable folder exited $RC"; }
echo "ok: safe output"
