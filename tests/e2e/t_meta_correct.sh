#!/bin/bash
# meta DOC --set/--confirm: a refused value writes nothing and names key,
# value and rule; a correction is a new bundle version <id>.v2.tar beside
# <id>.tar (left byte for byte), with a "metadata-corrected" event naming
# who, why and old -> new; both verify, show lists both, get --version 1
# gives the old bytes, search finds the document once, and rebuild-catalog
# keeps both versions with the newest current.
. "$(dirname "$0")/lib.sh"
use_processed_archive

id=${DOC_ID[cong-van-12]}
v1=$(bundle_of "$id")
v2=$(dirname "$v1")/$id.v2.tar
v3=$(dirname "$v1")/$id.v3.tar
cp "$v1" "$T/v1-before.tar"
events_before=$(sql "SELECT COUNT(*) FROM events WHERE document_id = '$id'")

# Showing: every field with its provenance, as text and as JSON.
capture show0 lt meta "$id"
[ "$RC" = 0 ] || { show_file "$T/show0.err" stderr >&2; fail "meta $id exited $RC"; }
grep -q "^document:  $id (bundle version 1)" "$T/show0.out" || { show_file "$T/show0.out" >&2; fail "meta does not name the document and its version"; }
capture json0 lt meta "${id:0:6}" --json
[ "$RC" = 0 ] || fail "meta --json exited $RC"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["document"] == sys.argv[2] and d["version"] == 1, d
assert isinstance(d["fields"], dict), d
for k, f in d["fields"].items():
    assert set(f) == {"value", "provenance", "origin", "rule", "confidence", "confirmed"}, (k, f)
' "$T/json0.out" "$id" || { show_file "$T/json0.out" >&2; fail "meta --json is not the fields record"; }

# nothing_written WHAT: no new version, no new event
nothing_written() {
	[ ! -e "$v2" ] || fail "$1 wrote $v2"
	[ "$(sql "SELECT COUNT(*) FROM bundles WHERE document_id = '$id'")" = 1 ] || fail "$1 recorded a bundle"
	[ "$(sql "SELECT COUNT(*) FROM events WHERE document_id = '$id'")" = "$events_before" ] || fail "$1 recorded an event"
}

# A refused value: exit 1, the message names key, value and rule; a good
# value given with it is not written either.
capture bad lt meta "$id" --set codeNumber=12 --set issuedDate=2021-02-30
[ "$RC" = 1 ] || fail "a bad date exited $RC, not 1"
err=$(cat "$T/bad.err")
[[ "$err" == *issuedDate* && "$err" == *2021-02-30* && "$err" == *YYYY-MM-DD* ]] || { show_file "$T/bad.err" stderr >&2; fail "the refusal does not name key, value and rule"; }
nothing_written "a refused date"
capture badkey lt meta "$id" --set noSuchKey=1
[ "$RC" = 1 ] || fail "an unknown key exited $RC, not 1"
err=$(cat "$T/badkey.err")
[[ "$err" == *noSuchKey* ]] || { show_file "$T/badkey.err" stderr >&2; fail "the refusal does not name the unknown key"; }
capture badtype lt meta "$id" --set typeName=99
[ "$RC" = 1 ] || fail "typeName=99 exited $RC, not 1"
capture noset lt meta "$id" issuedDate=2021-03-04
[ "$RC" = 2 ] || fail "KEY=VALUE without --set exited $RC, not 2"
capture noconfirm lt meta "$id" --confirm retentionBasis
[ "$RC" = 1 ] || fail "confirming a field with no value exited $RC, not 1"
err=$(cat "$T/noconfirm.err")
[[ "$err" == *retentionBasis* ]] || { show_file "$T/noconfirm.err" stderr >&2; fail "the refused confirmation does not name the key"; }
nothing_written "refused corrections"

# A crash between moving a version into place and its commit leaves a file
# at the next version's name that the catalog does not know: the next
# version's run moves it aside, and the document's real version 2 is made.
cp "$v1" "$v2"
echo "not a bundle" >"$T/orphan-marker"
cat "$T/orphan-marker" >>"$v2"
cp "$v2" "$T/orphan.tar"

# The correction.
capture set lt meta "$id" --set issuedDate=2021-03-04 --set "organName=  Ủy ban nhân dân tỉnh Quảng Ngãi " \
	--reason "date misread" --by lan
[ "$RC" = 0 ] || { show_file "$T/set.err" stderr >&2; fail "meta --set exited $RC"; }
[ -f "$v2" ] || fail "no new version $v2"
! cmp -s "$v2" "$T/orphan.tar" || fail "the orphan at $v2 was taken for version 2"
orphan=$(find "$ARCHIVE/orphans" -name "$id.v2.tar" -type f)
[ -n "$orphan" ] && cmp -s "$orphan" "$T/orphan.tar" || fail "the orphan at $v2 was not moved aside to orphans/"
out=$(cat "$T/set.out")
[[ "$out" == *"$id.v2.tar"*orphans/* ]] || { show_file "$T/set.out" >&2; fail "meta does not say the orphan was moved aside"; }
cmp -s "$v1" "$T/v1-before.tar" || fail "the correction changed version 1"
[ "$(sql "SELECT version FROM bundles WHERE document_id = '$id' ORDER BY version DESC LIMIT 1")" = 2 ] ||
	fail "the catalog's newest bundle is not version 2"
detail=$(sql "SELECT detail FROM events WHERE document_id = '$id' AND type = 'metadata-corrected'")
[[ "$detail" == *"by lan"* && "$detail" == *"date misread"* && "$detail" == *"issuedDate: "*"-> '2021-03-04'"* &&
   "$detail" == *"-> 'Ủy ban nhân dân tỉnh Quảng Ngãi'"* ]] ||
	fail "the metadata-corrected event does not say who, why and what: '$detail'"
at=$(sql "SELECT at FROM events WHERE document_id = '$id' AND type = 'metadata-corrected'")
[[ "$at" == 20??-??-??T* ]] || fail "the metadata-corrected event has no time: '$at'"
# The new version carries the event in its own record, so a rebuild keeps it.
record=$(tar -xOf "$v2" "$id/data/metadata/descriptive/metadata.json")
[[ "$record" == *metadata-corrected*"date misread"* ]] || fail "version 2's metadata.json lacks the correction event"
# Same masters and text as version 1: only the description changed.
for f in data/representations/master/data/0001.pnm data/representations/ocr/data/0001.txt \
	 data/representations/ocr/data/0002.hocr; do
	[ "$(tar -xOf "$v1" "$id/$f" | sha256sum)" = "$(tar -xOf "$v2" "$id/$f" | sha256sum)" ] ||
		fail "$f differs between versions 1 and 2"
done

# A key given twice is a usage error.
capture twice lt meta "$id" --confirm issuedDate --set issuedDate=2021-03-05
[ "$RC" = 2 ] || fail "a key given twice exited $RC, not 2"
[ ! -e "$v3" ] || fail "a key given twice wrote $v3"

# Once the catalog keeps doc->meta (its metadata table, migration 007), meta
# shows the correction, and confirming it or giving it again is nothing new.
# Before that the corrected values live only in the events and bundles.
if [ "$(sql "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'metadata'")" = 1 ]; then
	capture json2 lt meta "$id" --json
	/usr/bin/python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["fields"]
assert f["issuedDate"]["value"] == "2021-03-04" and f["issuedDate"]["provenance"] == "corrected", f
assert f["issuedDate"]["confirmed"] is True and "lan" in f["issuedDate"]["origin"], f
assert f["organName"]["value"] == "Ủy ban nhân dân tỉnh Quảng Ngãi", f
' "$T/json2.out" || { show_file "$T/json2.out" >&2; fail "meta --json does not show the correction"; }
	capture again lt meta "$id" --confirm issuedDate
	[ "$RC" = 0 ] || fail "confirming a corrected value exited $RC"
	capture again2 lt meta "$id" --set issuedDate=2021-03-04
	[ "$RC" = 0 ] || fail "a correction to the same value exited $RC"
	[ ! -e "$v3" ] || fail "a correction that changes nothing wrote $v3"
else
	echo "note: the catalog keeps no metadata yet (no metadata table): meta's display of corrections not checked"
fi

# Both versions verify; show lists both; get --version 1 gives the old bytes.
capture verify lt verify "$id"
[ "$RC" = 0 ] || { show_file "$T/verify.out" >&2; fail "verify $id exited $RC"; }
out=$(cat "$T/verify.out")
[[ "$out" == *"verified 2 bundles"*"2 ok"* ]] || { show_file "$T/verify.out" >&2; fail "verify did not check both versions"; }
capture show lt show "$id"
[ "$RC" = 0 ] || fail "show exited $RC"
out=$(cat "$T/show.out")
[[ "$out" == *"versions:  2"* && "$out" == *"v1 "*"$id.tar  first archived"* &&
   "$out" == *"v2 "*"$id.v2.tar  metadata-corrected  (current)"* && "$out" == *"bundle:    $ARCHIVE/bundles/"*"/$id.v2.tar"* ]] ||
	{ show_file "$T/show.out" >&2; fail "show does not list both versions with v2 current"; }
mkdir "$T/out"
capture get1 lt get "$id" --version 1 --out "$T/out/"
[ "$RC" = 0 ] || { show_file "$T/get1.err" stderr >&2; fail "get --version 1 exited $RC"; }
cmp -s "$T/out/$id.tar" "$T/v1-before.tar" || fail "get --version 1 did not give version 1's bytes"
capture get2 lt get "$id" --out "$T/out/"
cmp -s "$T/out/$id.v2.tar" "$v2" || fail "get did not give the newest version"
capture getbag lt get "$id" --version 1 --format bag --out "$T/bag1"
[ "$RC" = 0 ] || { show_file "$T/getbag.err" stderr >&2; fail "get --version 1 --format bag exited $RC"; }
record=$(cat "$T/bag1/data/metadata/descriptive/metadata.json")
[[ "$record" != *metadata-corrected* ]] || fail "get --version 1 --format bag extracted a later version"
capture get9 lt get "$id" --version 9 --out "$T/out/"
[ "$RC" = 1 ] || fail "get --version 9 exited $RC, not 1"

# Search finds the document once, as it was.
capture search lt search "Kính gửi" --limit 50
hits=$(grep -c "^$id " "$T/search.out" || true)
[ "$hits" = 1 ] || { show_file "$T/search.out" >&2; fail "search finds the corrected document $hits times, not once"; }

# rebuild-catalog: both versions back, the newest current, the event kept.
capture rebuild lt rebuild-catalog
[ "$RC" = 0 ] || { show_file "$T/rebuild.err" stderr >&2; fail "rebuild-catalog exited $RC"; }
[ "$(sql "SELECT group_concat(version) FROM (SELECT version FROM bundles WHERE document_id = '$id' ORDER BY version)")" = "1,2" ] ||
	fail "the rebuilt catalog does not hold versions 1 and 2"
capture show2 lt show "$id"
out=$(cat "$T/show2.out")
[[ "$out" == *"v2 "*"$id.v2.tar  metadata-corrected  (current)"* && "$out" == *"by lan; reason: date misread"* ]] ||
	{ show_file "$T/show2.out" >&2; fail "after rebuild-catalog show does not have v2 current with its reason"; }
# The scans are where they were ingested from, not the redo's work folder.
[[ "$out" != *"/work/"* ]] || { show_file "$T/show2.out" >&2; fail "version 2 records its scans in the work folder"; }
capture get1r lt get "$id" --version 1 --out "$T/v1-rebuilt.tar"
cmp -s "$T/v1-rebuilt.tar" "$T/v1-before.tar" || fail "after rebuild-catalog get --version 1 differs"
capture search2 lt search "Kính gửi" --limit 50
hits=$(grep -c "^$id " "$T/search2.out" || true)
[ "$hits" = 1 ] || fail "after rebuild-catalog search finds the document $hits times"
echo "ok: meta correct"
