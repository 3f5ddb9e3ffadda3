#!/bin/bash
# verify DOC|--all: a sound archive passes and each check is a fixity event
# that show lists; then each corruption, made here, is found (exit 1, one
# line naming the bundle): a flipped byte, a truncated tar, a deleted bundle,
# a file appended to the tar, an edited manifest, a bundle swapped with
# another's, a file in bundles/ the catalog does not know. --since skips
# bundles checked lately; the oldest-checked go first.
. "$(dirname "$0")/lib.sh"
use_processed_archive

ids=()
for d in $(sample_docs); do ids+=("${DOC_ID[$d]}"); done
n=${#ids[@]}

capture all lt verify --all
[ "$RC" = 0 ] || { show_file "$T/all.out" >&2; show_file "$T/all.err" stderr >&2; fail "verify --all of a sound archive exited $RC"; }
grep -q "verified $n bundles.*$n ok, 0 damaged, 0 missing, 0 unknown files" "$T/all.out" ||
	{ show_file "$T/all.out" >&2; fail "verify --all does not report $n sound bundles"; }
[ ! -s "$T/all.err" ] || { show_file "$T/all.err" stderr >&2; fail "verify printed a progress line on stderr that is not a terminal"; }
[ "$(sql "SELECT COUNT(*) FROM events WHERE type = 'fixity' AND outcome = 'success'")" = "$n" ] ||
	fail "verify --all did not record $n successful fixity events"
[ "$(sql "SELECT COUNT(*) FROM bundles WHERE verified_at IS NOT NULL AND verified_ok = 1")" = "$n" ] ||
	fail "verify --all did not record each bundle's last check"
# A check is not a state transition.
[ "$(sql "SELECT COUNT(*) FROM documents WHERE state = 'archived'")" = "$n" ] || fail "verify changed a document's state"
id=${ids[0]}
capture show lt show "$id"
grep -qE '^  checked: .*Z, sound' "$T/show.out" || { show_file "$T/show.out" >&2; fail "show does not give the bundle's last check"; }
grep -qE '^  [0-9T:+-]+ +fixity +success +fixity check of bundles/' "$T/show.out" ||
	{ show_file "$T/show.out" >&2; fail "show does not list the fixity event"; }

# On a terminal, a progress line on stderr.
capture tty script -qec "'$LUUTRU' --archive '$ARCHIVE' verify --all" /dev/null
grep -qa "verify: $n/$n bundles" "$T/tty.out" || { show_file "$T/tty.out" >&2; fail "no progress line on a terminal"; }

# --since: everything was checked just now, so nothing is due.
capture since lt verify --all --since 30
[ "$RC" = 0 ] && grep -q '^verified 0 bundles' "$T/since.out" || { show_file "$T/since.out" >&2; fail "verify --since 30 right after a check verified something (exit $RC)"; }
# The oldest-checked first: make one bundle's check old, then it alone is due,
# and with -j 1 an --all run starts with it.
old=${ids[2]}
sql "UPDATE bundles SET verified_at = '2000-01-01T00:00:00Z' WHERE document_id = '$old'"
capture since2 lt verify --all --since 30
grep -q '^verified 1 bundle ' "$T/since2.out" || { show_file "$T/since2.out" >&2; fail "verify --since 30 did not take just the one bundle not checked for long"; }
[ "$(sql "SELECT verified_at > '2001' FROM bundles WHERE document_id = '$old'")" = 1 ] || fail "verify --since did not check the overdue bundle"
sql "UPDATE bundles SET verified_at = '2000-01-01T00:00:00Z' WHERE document_id = '$old'"
capture order lt verify --all -j 1 --limit 1h
[ "$(sql "SELECT document_id FROM events WHERE type = 'fixity' ORDER BY id DESC LIMIT 1 OFFSET $((n - 1))")" = "$old" ] ||
	fail "verify --all did not start with the bundle checked longest ago"

# Usage.
capture u1 lt verify
[ "$RC" = 2 ] || fail "verify with neither DOC nor --all exited $RC, not 2"
capture u2 lt verify --all "$id"
[ "$RC" = 2 ] || fail "verify with both DOC and --all exited $RC, not 2"
capture u3 lt verify --all --limit 2x
[ "$RC" = 2 ] || fail "verify --limit 2x exited $RC, not 2"
capture u4 lt verify --all --since -1
[ "$RC" = 2 ] || fail "verify --since -1 exited $RC, not 2"

pristine=$T/pristine
cp -a "$ARCHIVE" "$pristine"
restore() { chmod -R u+w "$ARCHIVE"; rm -rf "$ARCHIVE"; cp -a "$pristine" "$ARCHIVE"; }

# expect_problem NAME VERDICT BUNDLE [FILE-PATTERN]: verify --all found it.
expect_problem() {
	local name=$1 verdict=$2 bundle=$3 file=${4:-}
	capture "$name" lt verify --all
	[ "$RC" = 1 ] || { show_file "$T/$name.out" >&2; fail "$name: verify exited $RC, not 1"; }
	grep -qE "^$verdict ${bundle#"$ARCHIVE/"} ${file}" "$T/$name.out" ||
		{ show_file "$T/$name.out" >&2; fail "$name: no '$verdict' line for $bundle $file"; }
}

# A flipped byte in each file of one bundle, one at a time: every file's
# data is found in the tar at the offset tar -tv order gives.
b=$(bundle_of "$id")
rel=${b#"$ARCHIVE/"}
members=$(tar -tf "$b" | grep -v '/$')
for m in $members; do
	restore
	chmod u+w "$b"
	# The member's data starts one 512-byte header after its header block.
	off=$(python3 - "$b" "$m" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for i in t.getmembers():
        if i.name == sys.argv[2]:
            print(i.offset_data + i.size // 2); break
EOF
)
	c=$(dd if="$b" bs=1 skip="$off" count=1 status=none | od -An -tu1 | tr -d ' ')
	printf "\\$(printf '%03o' $(( (c ^ 1) & 255 )))" | dd of="$b" bs=1 seek="$off" conv=notrunc status=none
	expect_problem "flip" damaged "$b" "\\(tar\\)"
	grep -qF "damaged $rel ${m#*/}:" "$T/flip.out" || { show_file "$T/flip.out" >&2; fail "a flipped byte in $m is not named"; }
	[ "$(grep -c '^damaged' "$T/flip.out")" -ge 2 ] || fail "flip in $m: fewer than two problems"
	grep -qv "$rel" <(grep '^damaged' "$T/flip.out") && fail "flip in $m: another bundle reported"
done
# The failure is recorded, and show says so.
[ "$(sql "SELECT COUNT(*) FROM events WHERE type = 'fixity' AND outcome = 'failure' AND document_id = '$id'")" -ge 1 ] ||
	fail "a failed check is not recorded as a fixity failure event"
capture show2 lt show "$id"
grep -q 'DAMAGED' "$T/show2.out" || { show_file "$T/show2.out" >&2; fail "show does not say the last check failed"; }

restore; chmod u+w "$b"; truncate -s $(( $(stat -c %s "$b") / 2 )) "$b"
expect_problem truncated damaged "$b" "\\(tar\\): expected sha256"

restore; rm -f "$b"
expect_problem deleted missing "$b" "\\(tar\\): expected .*found no such file"

restore; chmod u+w "$b"; top=$id   # a bundle's top directory is its id
mkdir -p "$T/add/$top/data" && echo extra >"$T/add/$top/data/extra.txt"
tar -rf "$b" -C "$T/add" "$top/data/extra.txt"
expect_problem appended damaged "$b" "data/extra.txt"

# An edited manifest: one digest in manifest-sha256.txt changed in place.
restore; chmod u+w "$b"
off=$(python3 - "$b" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for i in t.getmembers():
        if i.name.endswith('/manifest-sha256.txt'):
            print(i.offset_data); break
EOF
)
c=$(dd if="$b" bs=1 skip="$off" count=1 status=none)
[ "$c" = 0 ] && r=1 || r=0
printf '%s' "$r" | dd of="$b" bs=1 seek="$off" conv=notrunc status=none
expect_problem manifest damaged "$b" "manifest-sha256.txt"

# Swapped: another document's sound bundle in this one's place.
restore; other=$(bundle_of "${ids[1]}"); chmod u+w "$b"; cp "$other" "$b"
expect_problem swapped damaged "$b" "bag-info.txt: expected External-Identifier $id"
grep -q "top directory" "$T/swapped.out" || { show_file "$T/swapped.out" >&2; fail "a swapped bundle's top directory is not reported"; }

# A bundle the catalog does not know.
restore; mkdir -p "$ARCHIVE/bundles/zz"; cp "$b" "$ARCHIVE/bundles/zz/zz00000000000000.tar"
expect_problem unknown unknown "$ARCHIVE/bundles/zz/zz00000000000000.tar" "\\(tar\\)"
grep -q '1 unknown file' "$T/unknown.out" || fail "the summary does not count the unknown file"

# verify DOC checks only that document.
restore; chmod u+w "$b"; rm -f "$b"
capture one lt verify "${ids[1]}"
[ "$RC" = 0 ] || { show_file "$T/one.out" >&2; fail "verify of a sound document exited $RC while another is damaged"; }
capture one2 lt verify "$id"
[ "$RC" = 1 ] && grep -q "^missing $rel" "$T/one2.out" || { show_file "$T/one2.out" >&2; fail "verify DOC of a deleted bundle (exit $RC)"; }
echo "ok: verify"
