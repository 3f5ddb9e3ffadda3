#!/bin/bash
# get DOC --out PATH writes the archive's bundle byte for byte; show DOC names
# the bundle's sha256.
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
capture nosuch lt show no-such-document
[ "$RC" != 0 ] && [ "$RC" -lt 126 ] || fail "show of an unknown document exited $RC"
[ -s "$T/nosuch.err" ] || fail "show of an unknown document printed nothing on stderr"
echo "ok: get and show"
