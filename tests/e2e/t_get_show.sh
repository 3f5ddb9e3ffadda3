#!/bin/bash
# get DOC --out PATH writes the archive's bundle byte for byte, and refuses a
# damaged one; show DOC names the bundle's sha256.
. "$(dirname "$0")/lib.sh"
use_processed_archive

for d in bao-cao-2016 chi-thi-05-CT-TW.tif cong-van-12; do
	id=${DOC_ID[$d]}
	b=$(bundle_of "$id")
	capture get lt get "$id" --out "$T/$id.tar"
	[ "$RC" = 0 ] || { show_file "$T/get.err" stderr >&2; fail "get $id exited $RC"; }
	[ -f "$T/$id.tar" ] || fail "get $id --out wrote nothing"
	cmp "$b" "$T/$id.tar" || fail "get $id --out differs from $b"
	h=$(sha256sum <"$b" | cut -d' ' -f1)
	capture show lt show "$id"
	[ "$RC" = 0 ] || { show_file "$T/show.err" stderr >&2; fail "show $id exited $RC"; }
	grep -q "$h" "$T/show.out" || { show_file "$T/show.out" >&2; fail "show $id does not mention the bundle's sha256 $h"; }
done
# A damaged bundle is refused: get exits 1, says so, and leaves no copy.
id=${DOC_ID[letter-en.png]}
b=$(bundle_of "$id")
chmod u+w "$b"
printf 'X' | dd of="$b" bs=1 seek=2000 conv=notrunc status=none
capture damaged lt get "$id" --out "$T/damaged.tar"
[ "$RC" = 1 ] || fail "get of a damaged bundle exited $RC, not 1"
grep -q 'damaged' "$T/damaged.err" || { show_file "$T/damaged.err" stderr >&2; fail "get of a damaged bundle does not say it is damaged"; }
[ ! -e "$T/damaged.tar" ] || fail "get of a damaged bundle left a copy behind"
# ... and leaves a file already at --out as it was.
echo keep >"$T/keep.tar"
capture damaged2 lt get "$id" --out "$T/keep.tar"
[ "$RC" = 1 ] && [ "$(cat "$T/keep.tar")" = keep ] || fail "get of a damaged bundle changed the existing --out file (exit $RC)"
[ -z "$(ls "$T" | grep 'keep.tar.part')" ] || fail "get left a temporary file behind"
# Writing into the archive's bundles/ is refused: it must not overwrite its
# own bundle or another document's.
bao=${DOC_ID[bao-cao-2016]}
capture self lt get "$bao" --out "$(dirname "$(bundle_of "$bao")")"
[ "$RC" = 2 ] || fail "get --out onto the bundle itself exited $RC, not 2"
cmp -s "$(bundle_of "$bao")" "$T/$bao.tar" || fail "get --out onto the bundle itself changed it"
ln -s "$ARCHIVE/catalog.sqlite" "$T/link.tar"
capture link lt get "$bao" --out "$T/link.tar"
[ "$RC" = 2 ] || fail "get --out through a symlink into the archive exited $RC, not 2"
other=$(bundle_of "${DOC_ID[chi-thi-05-CT-TW.tif]}")
cp "$other" "$T/other-before.tar"
capture other lt get "$bao" --out "$other"
[ "$RC" = 2 ] || fail "get --out onto another document's bundle exited $RC, not 2"
cmp -s "$other" "$T/other-before.tar" || fail "get --out onto another document's bundle changed it"

capture nosuch lt show no-such-document
[ "$RC" != 0 ] && [ "$RC" -lt 126 ] || fail "show of an unknown document exited $RC"
[ -s "$T/nosuch.err" ] || fail "show of an unknown document printed nothing on stderr"
echo "ok: get and show"
