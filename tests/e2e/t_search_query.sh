#!/bin/bash
# Issue 11, items 1-2: the query language over the OCR'd samples. Case,
# diacritics, đ/Đ and NFD input do not matter; numbers are found with or
# without zero padding and whatever punctuation; "phrases", prefix*, OR,
# -NOT; exact spellings come first in every --limit/--offset window; a query
# of stop words or punctuation only is a usage error (exit 2).
. "$(dirname "$0")/lib.sh"
use_processed_archive

bao=${DOC_ID[bao-cao-2016]}
chi=${DOC_ID[chi-thi-05-CT-TW.tif]}

# docs_of NAME: the document ids of $T/NAME.out (one hit per document), sorted
docs_of() { grep -oE '^[0-9a-f]{16} ' "$T/$1.out" | tr -d ' ' | sort -u || true; }

# expect_docs QUERY WANT...: search QUERY finds exactly the documents WANT
expect_docs() {
	local q=$1; shift
	capture q lt search "$q" --limit 50
	local got want
	got=$(docs_of q | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
	[ "$got" = "$want" ] || { show_file "$T/q.out" "search '$q'" >&2; show_file "$T/q.err" >&2;
		fail "search '$q' found [$got], expected [$want]"; }
}

# đ/Đ, uppercase, no diacritics, NFD (macOS) input: the same documents
expect_docs "Đinh Thế Huynh" "$bao"
expect_docs "ĐINH THẾ HUYNH" "$bao"
expect_docs "dinh the huynh" "$bao"
expect_docs "$(printf '\xc4\x90i\xcc\x80nh The\xcc\x82\xcc\x81 Huynh')" "$bao"
# numbers: zero padding and punctuation do not matter
for n in 05-CT/TW 5-CT/TW 05/CT-TW 005/ct-tw "số 05 CT"; do
	expect_docs "$n" "$chi"
done
# phrases keep their order; prefixes; OR; NOT
expect_docs '"Đinh Thế Huynh"' "$bao"
capture q lt search '"Huynh Thế Đinh"'
[ "$RC" = 1 ] || fail "a phrase out of order matched (exit $RC)"
expect_docs 'Huyn*' "$bao"
capture pre lt search 'Huy*' --limit 50
[ "$(docs_of pre | wc -l)" -gt 1 ] || fail "Huy* found only one document (huyện is on others)"
expect_docs 'xyzzyqwv OR Huynh' "$bao"
capture all lt search 'Đảng' --limit 50
capture not lt search 'Đảng -Huynh' --limit 50
grep -q "^$bao " "$T/all.out" || fail "Đảng did not find $bao"
! grep -q "^$bao " "$T/not.out" || fail "Đảng -Huynh still found $bao"
[ "$(docs_of not | wc -l)" = $(( $(docs_of all | wc -l) - 1 )) ] || fail "Đảng -Huynh left out more than $bao"

# exact spellings first, in every window: the pages of 'Đảng' one by one
# (--limit 1 --offset K) are the pages of the whole list, in its order, and
# every exact page comes before every other
capture full lt search 'Đảng' --pages --json --limit 100
/usr/bin/python3 - "$T/full.out" <<'PY' || fail "search --json: exact pages are not first"
import json, sys
hits = json.load(open(sys.argv[1], encoding="utf-8"))
flags = [h["exact"] for h in hits]
if True not in flags or False not in flags:
    sys.exit("the samples should give exact and inexact pages for Đảng: %r" % flags)
if flags != sorted(flags, reverse=True):
    sys.exit("an inexact page before an exact one: %r" % flags)
PY
n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/full.out")
: >"$T/windows.txt"
for k in $(seq 0 $((n - 1))); do
	capture w lt search 'Đảng' --pages --json --limit 1 --offset "$k"
	/usr/bin/python3 -c 'import json,sys; h=json.load(sys.stdin)[0]; print(h["document"], h["page"], h["exact"])' \
		<"$T/w.out" >>"$T/windows.txt"
done
/usr/bin/python3 -c 'import json,sys; [print(h["document"], h["page"], h["exact"]) for h in json.load(sys.stdin)]' \
	<"$T/full.out" >"$T/whole.txt"
diff "$T/whole.txt" "$T/windows.txt" >&2 || fail "--limit 1 --offset K windows differ from the whole list"
capture past lt search 'Đảng' --pages --offset "$n"
[ "$RC" = 1 ] || fail "an --offset past the last hit exited $RC"

# stop words or punctuation alone: refused, not "everything"
for q in "và của" "the of" "- / ..." '""'; do
	capture stop lt search "$q"
	[ "$RC" = 2 ] || { show_file "$T/stop.out" >&2; fail "search '$q' exited $RC, not 2"; }
	[ ! -s "$T/stop.out" ] || fail "search '$q' printed hits"
done
grep -q "no words" "$T/stop.err" || { show_file "$T/stop.err" >&2; fail "no reason given for '\"\"'"; }
capture stop lt search "và của"
grep -q "nearly every page" "$T/stop.err" || { show_file "$T/stop.err" >&2; fail "no reason given for stop words"; }
# beside other words a stop word does not narrow the search
expect_docs "của Đinh Thế Huynh" "$bao"
echo "ok: diacritics, đ, case, NFD, numbers, phrases, prefix, OR, NOT, exact first in every window, stop words"
