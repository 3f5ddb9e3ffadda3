#!/bin/bash
# Issue 11, items 2-4: the metadata filters alone and combined, with and
# without text; --number however typed; --count, --offset, --pages; the
# JSON fields (exact key list: README's search section documents them).
. "$(dirname "$0")/lib.sh"
use_processed_archive

bao=${DOC_ID[bao-cao-2016]}
chi=${DOC_ID[chi-thi-05-CT-TW.tif]}
qd=${DOC_ID[quyet-dinh-1127.jpg]}
cv=${DOC_ID[cong-van-12]}

# bao-cao-2016 gets a number and an organ the way an archivist gives them
capture set lt meta "$bao" --set codeNumber=1127 --set codeNotation=QĐ-UBND \
	--set "organName=Ủy ban nhân dân tỉnh Quảng Ngãi" --set issuedDate=2015-03-02
[ "$RC" = 0 ] || { show_file "$T/set.err" >&2; fail "meta --set exited $RC"; }

docs_of() { grep -oE '^[0-9a-f]{16} ' "$T/$1.out" | tr -d ' ' | sort -u || true; }

# expect_docs "ARGS" WANT...: search ARGS (word-split) lists exactly WANT
expect_docs() {
	local args=$1; shift
	# shellcheck disable=SC2086
	eval "capture f lt search $args --limit 50"
	local got want
	got=$(docs_of f | tr '\n' ' ')
	want=$( (printf '%s\n' "$@" | grep . || true) | sort -u | tr '\n' ' ')
	[ "$got" = "$want" ] || { show_file "$T/f.out" "search $args" >&2; show_file "$T/f.err" >&2;
		fail "search $args found [$got], expected [$want]"; }
	if [ -z "$want" ]; then [ "$RC" = 1 ] || fail "search $args found nothing but exited $RC"; fi
}

# each filter alone, no text
expect_docs "--type 'Chỉ thị'" "$chi"
expect_docs "--type 'chi thi'" "$chi"
expect_docs "--type 03" "$chi"
expect_docs "--from 2016 --to 2016" "$chi" "$qd"
expect_docs "--to 2016-07" "$chi" "$bao"
expect_docs "--from 2016-08 --to 2016-08-31" "$qd"
expect_docs "--from 2017" "$cv"
expect_docs "--organ 'quang ngai'" "$bao"
expect_docs "--organ 'TÀI CHÍNH'" "$qd"
for n in 05-CT/TW 5-CT/TW 05/CT-TW "'số 05'" "'5 ct tw'"; do
	expect_docs "--number $n" "$chi"
done
for n in 1127/QĐ-UBND 1127/QD-UBND "'1127 QĐ UBND'" 01127-qd-ubnd; do
	expect_docs "--number $n" "$bao"
done
expect_docs "--number 1127/QĐ-STC"
expect_docs "--number 174" "$qd"
expect_docs "--number QĐ-STC" "$qd"
expect_docs "--batch 1" "$bao" "$chi" "$qd" "$cv" "${DOC_ID[letter-en.png]}"
expect_docs "--batch 7"
expect_docs "--state failed"
expect_docs "--state review"
expect_docs "--language vie --type 02" "$qd"
# combined, and with text
expect_docs "Đảng --type 03" "$chi"
expect_docs "Đảng --from 2016 --to 2016-07" "$chi"
expect_docs "'Huynh' --organ 'quang ngai' --number 1127" "$bao"
expect_docs "'Huynh' --organ 'tai chinh'"

# --count: documents, or pages with --pages
capture c lt search Đảng --count
capture cp lt search Đảng --count --pages
capture l lt search Đảng --pages --limit 100
[ "$RC" = 0 ] || fail "search Đảng --pages exited $RC"
[ "$(cat "$T/cp.out")" = "$(grep -cE '^[0-9a-f]{16} p\.' "$T/l.out")" ] || fail "--count --pages is not the number of page hits"
capture l lt search Đảng --limit 100
[ "$(cat "$T/c.out")" = "$(docs_of l | wc -l)" ] || fail "--count is not the number of document hits"
capture c0 lt search xyzzyqwv --count
[ "$RC" = 0 ] && [ "$(cat "$T/c0.out")" = 0 ] || fail "--count of nothing: '$(cat "$T/c0.out")', exit $RC"
capture cf lt search --type 03 --from 2016 --count
[ "$(cat "$T/cf.out")" = 1 ] || fail "--type 03 --from 2016 --count said $(cat "$T/cf.out")"
# --offset walks the same list
capture o0 lt search Đảng --limit 2
capture o2 lt search Đảng --limit 2 --offset 2
capture oa lt search Đảng --limit 4
[ "$(docs_of oa)" = "$( (docs_of o0; docs_of o2) | sort -u)" ] || fail "--offset 2 does not continue --limit 2"
# bad filter values are usage errors naming the value
for bad in "--from 2016-13" "--to 16" "--state done" "--type 'thư tình'" "--offset -1" "--batch x"; do
	eval "capture bad lt search $bad"
	[ "$RC" = 2 ] || { show_file "$T/bad.err" >&2; fail "search $bad exited $RC, not 2"; }
done
capture none lt search
[ "$RC" = 2 ] || fail "search with nothing to look for exited $RC"

# JSON: the exact keys, for documents and pages, with text and without
for args in "Đảng" "Đảng --pages" "--type 03"; do
	eval "capture j lt search $args --json"
	/usr/bin/python3 - "$T/j.out" "$chi" <<'PY' || fail "search $args --json: fields differ (above)"
import json, sys
hits = json.load(open(sys.argv[1], encoding="utf-8"))
keys = ["document", "page", "pages", "matching_pages", "label", "snippet", "score", "exact",
        "state", "type", "type_label", "number", "notation", "issued", "organ", "subject"]
for h in hits:
    if sorted(h) != sorted(keys):
        sys.exit("keys %s, expected %s" % (sorted(h), sorted(keys)))
c = [h for h in hits if h["document"] == sys.argv[2]]
if not c:
    sys.exit("%s not among the hits" % sys.argv[2])
c = c[0]
want = {"type": "03", "type_label": "Chỉ thị", "number": "05", "notation": "CT/TW",
        "issued": "2016-07-14", "state": "archived"}
for k, v in want.items():
    if c[k] != v:
        sys.exit("%s: %r, expected %r" % (k, c[k], v))
if c["snippet"] is not None and "[" not in c["snippet"]:
    sys.exit("no [match] in the snippet %r" % c["snippet"])
if not isinstance(c["pages"], list) or not all(isinstance(p, int) for p in c["pages"]):
    sys.exit("pages is not a list of page numbers: %r" % c["pages"])
PY
done
capture jc lt search Đảng --count --json
/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert sorted(d)==["count","count_exact","of"] and d["of"]=="documents" and d["count_exact"] is True' \
	<"$T/jc.out" || fail "--count --json: $(cat "$T/jc.out")"
echo "ok: filters alone and combined, numbers however typed, --count, --offset, JSON fields"
