#!/bin/bash
# search finds a phrase of the clean sample with and without diacritics
# (including đ -> d), and a Party document number, returning the right document.
. "$(dirname "$0")/lib.sh"
use_processed_archive

# expect_hit QUERY ID [PAGE]: a text hit line "<id> p.<page> <label>: <snippet>"
expect_hit() {
	local q=$1 id=$2 page=${3:-[0-9]+}
	capture search lt search "$q" --limit 50
	[ "$RC" = 0 ] || { show_file "$T/search.err" stderr >&2; fail "search '$q' exited $RC"; }
	grep -qE "^$id p\.$page [^:]*: " "$T/search.out" ||
		{ show_file "$T/search.out" "search '$q'" >&2; fail "search '$q' did not return $id${3:+ p.$3}"; }
}

bao=${DOC_ID[bao-cao-2016]}
chi=${DOC_ID[chi-thi-05-CT-TW.tif]}
# "Trung tâm Hành chính" is only on page 1 of bao-cao-2016; "Đinh Thế Huynh" is on both pages
expect_hit "Trung tâm Hành chính" "$bao" 1
expect_hit "trung tam hanh chinh" "$bao" 1
expect_hit "Đinh Thế Huynh" "$bao"
expect_hit "dinh the huynh" "$bao"
expect_hit "05-CT/TW" "$chi" 1

capture search lt search "xyzzyqwv" --limit 5
[ "$RC" -le 1 ] || fail "search for a missing word exited $RC"
[ ! -s "$T/search.out" ] || { show_file "$T/search.out" >&2; fail "search for a missing word printed hits"; }
echo "ok: search with and without diacritics, and by number"
