#!/bin/bash
# Issue 12, item 2: the pages of one document are read by every worker that
# has nothing else to claim, so a long document alone (or last in a batch)
# does not keep one worker busy while the others wait. Its bundle is byte
# for byte what one worker makes (SOURCE_DATE_EPOCH), its warnings in page
# order; so is reocr's new version. A page that cannot be read fails its
# document whichever worker read it, and the rest of the batch goes on.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1700000000

# blank PATH: an empty white sheet at 150 dpi (a warning: no legible text)
blank() {
	/usr/bin/python3 -c 'import sys; from PIL import Image
Image.new("L", (1240, 1754), 255).save(sys.argv[1], dpi=(150, 150))' "$1"
}

# A dossier of five pages: a report's two pages around a blank sheet, a
# letter, another blank sheet.
mkdir -p "$T/in/dossier"
cp "$SAMPLES/inbox/bao-cao-2016/page-0001.png" "$T/in/dossier/page-1.png"
blank "$T/in/dossier/page-2.png"
cp "$SAMPLES/inbox/bao-cao-2016/page-0002.png" "$T/in/dossier/page-3.png"
cp "$SAMPLES/inbox/letter-en.png" "$T/in/dossier/page-4.png"
blank "$T/in/dossier/page-5.png"

for j in 1 2; do
	capture "ingest-$j" "$LUUTRU" --archive "$T/a$j" ingest "$T/in"
	[ "$RC" = 0 ] || { show_file "$T/ingest-$j.err" >&2; fail "ingest into a$j exited $RC"; }
	capture "run-$j" "$LUUTRU" --archive "$T/a$j" run -j "$j" --json
	[ "$RC" = 0 ] || { show_file "$T/run-$j.err" >&2; fail "run -j $j exited $RC"; }
done

# One document, two workers: both start, and the second reads pages of it.
/usr/bin/python3 - "$T/run-1.out" "$T/run-2.out" <<'PY' || { show_file "$T/run-2.out" >&2; fail "the -j 2 run did not share the document's pages"; }
import json, sys
one, two = (json.load(open(p)) for p in sys.argv[1:3])
for s, workers in ((one, 1), (two, 2)):
    if s["workers"] != workers or s["documents"]["archived"] != 1 or s["pages"]["archived"] != 5:
        sys.exit("workers %r, documents %r, pages %r" % (s["workers"], s["documents"], s["pages"]))
if one["pages_helped"] != 0 or not 1 <= two["pages_helped"] <= 4:
    sys.exit("pages helped: %r with one worker, %r with two" % (one["pages_helped"], two["pages_helped"]))
PY

# The same bundle, byte for byte, and the same warnings in the same order.
b1=$(cd "$T/a1" && find bundles -name '*.tar')
b2=$(cd "$T/a2" && find bundles -name '*.tar')
[ -n "$b1" ] && [ "$b1" = "$b2" ] || fail "the two archives hold different bundles: '$b1' and '$b2'"
cmp "$T/a1/$b1" "$T/a2/$b2" >/dev/null || fail "$b1 differs between one worker and two"
events() { sqlite3 "$T/$1/catalog.sqlite" "SELECT type || '|' || outcome || '|' || detail FROM events
	WHERE type IN ('ocr', 'access-copy') ORDER BY rowid"; }
events a1 >"$T/events-1"
events a2 >"$T/events-2"
diff "$T/events-1" "$T/events-2" >&2 || fail "the events differ between one worker and two"
grep -q '^ocr|warning|.*page 2: .*page 5: ' "$T/events-1" ||
	{ show_file "$T/events-1" >&2; fail "the blank pages 2 and 5 are not warned about, in order"; }

# Read again (reocr, the inbox gone): two workers share its pages too, and
# version 2 is byte for byte what one worker makes.
mv "$T/in" "$T/in.gone"
id=${b1##*/}
id=${id%.tar}
for j in 1 2; do
	capture "reocr-$j" "$LUUTRU" --archive "$T/a$j" reocr "$id" -j "$j" --by tester
	[ "$RC" = 0 ] || { show_file "$T/reocr-$j.err" >&2; fail "reocr -j $j exited $RC"; }
done
v2=${b1%.tar}.v2.tar
cmp "$T/a1/$v2" "$T/a2/$v2" >/dev/null || fail "$v2 differs between one worker and two"
capture reocr-j0 "$LUUTRU" --archive "$T/a1" reocr "$id" -j 0
[ "$RC" = 2 ] && grep -q -- "-j wants a number of workers" "$T/reocr-j0.err" ||
	{ show_file "$T/reocr-j0.err" >&2; fail "reocr -j 0 exited $RC"; }
[ ! -e "$T/a1/${b1%.tar}.v3.tar" ] || fail "reocr -j 0 made a version"

# A page that cannot be read, among good ones: its document fails naming
# it, whichever worker read it; the letter beside it is archived.
mkdir -p "$T/in2/broken"
cp "$SAMPLES/inbox/bao-cao-2016/page-0001.png" "$T/in2/broken/page-1.png"
blank "$T/in2/broken/page-2.png"
head -c 30000 "$SAMPLES/inbox/bao-cao-2016/page-0002.png" >"$T/in2/broken/page-3.png"
blank "$T/in2/broken/page-4.png"
cp "$SAMPLES/inbox/letter-en.png" "$T/in2/letter.png"
capture ingest-b "$LUUTRU" --archive "$T/b" ingest "$T/in2"
[ "$RC" = 0 ] || { show_file "$T/ingest-b.err" >&2; fail "ingest of the broken dossier exited $RC"; }
capture run-b "$LUUTRU" --archive "$T/b" run -j 2
[ "$RC" = 1 ] || { show_file "$T/run-b.err" >&2; fail "run with a broken page exited $RC, not 1"; }
state() { sqlite3 "$T/b/catalog.sqlite" "SELECT state || '|' || coalesce(failure, '') FROM documents WHERE label = '$1'"; }
case "$(state broken)" in
failed\|*"cannot decode image 1 of '$T/in2/broken/page-3.png'"*) ;;
*) fail "the broken dossier: $(state broken)" ;;
esac
[ "$(state letter.png)" = "archived|" ] || fail "the letter beside it: $(state letter.png)"
left=$(find "$T/b/work" -mindepth 1 | head -n 3)
[ -z "$left" ] || fail "work/ keeps $left"
echo "ok: a document's pages read by two workers (run and reocr), the same bundle as one; a broken page fails it"
