#!/bin/bash
# reocr DOC reads the archived masters again, with the inbox gone: each run
# is a new version beside the old ones, masters byte for byte and an access
# PDF made anew; the same settings give the same text, other ones (--psm,
# --lang) other text; a damaged current bundle is refused and the document
# keeps its version; bad options write nothing.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/inbox"
cp -R "$SAMPLES/inbox/cong-van-12" "$T/inbox/"
capture ingest lt ingest "$T/inbox"
[ "$RC" = 0 ] || fail "ingest exited $RC"
id=$(id_from_ingest "$T/ingest.out" cong-van-12) || fail "ingest did not queue cong-van-12"
capture run lt run -j 1
[ "$RC" = 0 ] || { show_file "$T/run.err" stderr >&2; fail "run exited $RC"; }
v1=$(bundle_of "$id")
dir=$(dirname "$v1")
# The inbox may be gone by the time a page is found wanting.
rm -rf "$T/inbox"

# member V FILE: a file of bundle version V (1, 2, ...)
member() {
	local tar=$dir/$id.tar
	[ "$1" = 1 ] || tar=$dir/$id.v$1.tar
	tar -xOf "$tar" "$id/$2"
}
ocr=data/representations/ocr/data

# Another segmentation mode: page 2 (a layout psm 6 reads differently) changes.
capture p2 lt reocr "$id" --psm 6 --reason "page 2 misread" --by tester
[ "$RC" = 0 ] || { show_file "$T/p2.err" stderr >&2; fail "reocr --psm 6 exited $RC"; }
[ -f "$dir/$id.v2.tar" ] || fail "reocr wrote no version 2"
out=$(cat "$T/p2.out")
[[ "$out" == *"$id: version 2"* ]] || fail "reocr does not say which version it made: $out"
for f in data/representations/master/data/0001.pnm data/representations/master/data/0002.png; do
	[ "$(member 1 "$f" | sha256sum)" = "$(member 2 "$f" | sha256sum)" ] || fail "reocr changed master $f"
done
[ "$(member 1 $ocr/0002.txt)" != "$(member 2 $ocr/0002.txt)" ] || fail "page 2 read with --psm 6 has the same text"
member 2 "data/representations/access/data/$id.pdf" > "$T/v2.pdf"
pdftotext -raw "$T/v2.pdf" - | tr -s ' \n' '  ' > "$T/v2.pdf.txt"
member 2 $ocr/0002.txt > "$T/v2.p2.txt"
first=$(grep '[[:alpha:]]' "$T/v2.p2.txt" | sed -n 1p | tr -s ' ' ' ' | cut -c1-30)
[ -n "$first" ] && grep -qF "$first" "$T/v2.pdf.txt" ||
	fail "version 2's access PDF does not carry the new text of page 2"
detail=$(sql "SELECT detail FROM events WHERE document_id = '$id' AND type = 'reocr'")
[[ "$detail" == *"by tester"* && "$detail" == *"psm 6"* && "$detail" == *"page 2 misread"* ]] ||
	fail "the reocr event does not say who, how and why: '$detail'"

# All pages with the settings of the first run: the text of version 1 again.
capture same lt reocr "$id"
[ "$RC" = 0 ] || { show_file "$T/same.err" stderr >&2; fail "reocr exited $RC"; }
for p in 0001 0002; do
	[ "$(member 1 $ocr/$p.txt)" = "$(member 3 $ocr/$p.txt)" ] || fail "reocr with the same settings changed page $p"
done
# Another language: other text (the diacritics go).
capture eng lt reocr "$id" --lang eng
[ "$RC" = 0 ] || { show_file "$T/eng.err" stderr >&2; fail "reocr --lang eng exited $RC"; }
[ "$(member 1 $ocr/0001.txt)" != "$(member 4 $ocr/0001.txt)" ] || fail "page 1 read with eng has the same text as with vie+eng"
[ "$(sql "SELECT lang FROM documents WHERE id = '$id'")" = eng ] || fail "the catalog does not record the new languages"

# The catalog follows the newest: its text in search, its bundle in show.
capture search lt search "Kính gửi"
hits=$(grep -c "^$id " "$T/search.out" || true)
[ "$hits" = 0 ] || fail "search still finds the diacritics that version 4 lost"
capture search2 lt search "Da Nang" --limit 50
hits=$(grep -c "^$id " "$T/search2.out" || true)
pages=$(grep "^$id " "$T/search2.out" | cut -d' ' -f2 | sort -u | wc -l)
[ "$hits" -ge 1 ] && [ "$hits" = "$pages" ] ||
	{ show_file "$T/search2.out" >&2; fail "search finds $hits pages of the document, $pages different ones"; }
capture verify lt verify --all
out=$(cat "$T/verify.out")
[ "$RC" = 0 ] && [[ "$out" == *"verified 4 bundles"*"4 ok"* ]] || { show_file "$T/verify.out" >&2; fail "verify of the 4 versions: exit $RC"; }
capture show lt show "$id"
out=$(cat "$T/show.out")
[[ "$out" == *"versions:  4"* && "$out" == *"v2 "*"reocr"* && "$out" == *"v4 "*"$id.v4.tar  reocr  (current)"* ]] ||
	{ show_file "$T/show.out" >&2; fail "show does not list the 4 versions"; }

# Refused before anything runs: an option reocr does not have, a mode that
# reads nothing, an unknown document.
capture nopage lt reocr "$id" --pages 2
[ "$RC" = 2 ] || fail "reocr --pages 2 exited $RC, not 2 (every page is read again)"
capture badpsm lt reocr "$id" --psm 2
[ "$RC" = 2 ] || fail "reocr --psm 2 exited $RC, not 2"
capture unknown lt reocr 0000000000000000
[ "$RC" = 1 ] || fail "reocr of an unknown document exited $RC, not 1"
[ ! -e "$dir/$id.v5.tar" ] || fail "a refused reocr wrote version 5"

# A damaged current bundle is not built upon: exit 1, the document keeps
# version 4, nothing is left in bundles/.
chmod u+w "$dir/$id.v4.tar"
printf 'X' | dd of="$dir/$id.v4.tar" bs=1 seek=3000 conv=notrunc status=none
capture damaged lt reocr "$id"
[ "$RC" = 1 ] || fail "reocr of a damaged bundle exited $RC, not 1"
err=$(cat "$T/damaged.err")
[[ "$err" == *"keeps its current version"* && "$err" == *"$id.v4.tar"* ]] ||
	{ show_file "$T/damaged.err" stderr >&2; fail "reocr of a damaged bundle does not say why and what it kept"; }
[ "$(ls "$dir" | wc -l)" = 4 ] || fail "a failed reocr left files in $dir: $(ls "$dir")"
[ "$(sql "SELECT state || ' ' || (SELECT MAX(version) FROM bundles WHERE document_id = '$id') FROM documents WHERE id = '$id'")" = "archived 4" ] ||
	fail "a failed reocr changed the document's state or version"
echo "ok: reocr"
