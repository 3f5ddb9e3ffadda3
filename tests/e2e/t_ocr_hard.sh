#!/bin/bash
# OCR on pages as real backlogs bring them (samples/hard): sideways, upside
# down, crooked and two-column pages, and small type at 150 dpi the right
# way up and upside down, read nearly as well as upright ones
# (CER under 5% against their ground truth), a page covered in dust specks
# read as well as a clean one (CER under 1%; 4.1% with the specks left on),
# what was done to them is shown
# by `show`, every page's ALTO validates offline against ALTO 4.4, a
# blank sheet is archived and listed by `review`, never dropped, and each
# page is read once, in the order of languages its marks suggest (English
# pages with every language, Vietnamese ones and a table of figures with
# vie), except a Vietnamese page blurred past its marks, read twice.
. "$(dirname "$0")/lib.sh"
HARD=$SAMPLES/hard
mkdir -p "$T/inbox"
cp -R "$HARD/inbox/." "$T/inbox/"
# A Vietnamese page so blurred that its marks run into its letters: it
# shows as few marks as English does.
/usr/bin/python3 - "$SAMPLES/inbox/chi-thi-05-CT-TW.tif" "$T/inbox/blurred-vi.png" <<'PY' ||
import sys
from PIL import Image, ImageFilter
Image.open(sys.argv[1]).convert("L").filter(ImageFilter.GaussianBlur(3)).save(sys.argv[2], dpi=(300, 300))
PY
	fail "cannot make the blurred page (python3-pil)"
lt ingest "$T/inbox" >"$T/ingest.out" || { show_file "$T/ingest.out" >&2; fail "ingest failed"; }
capture run lt run -j 2 --json
[ "$RC" = 0 ] || { show_file "$T/run.out" >&2; show_file "$T/run.err" >&2; fail "run exited $RC"; }
# The English pages show few of Vietnamese's marks and are read once, with
# every language first (marks.h), not with vie and then again; the
# Vietnamese ones are read once with vie, the table mostly of figures too
# (fewer marks than text, more than English); only the blurred Vietnamese
# page, which shows as few marks as English, is read twice.
python3 - "$T/run.out" <<'PY' || { show_file "$T/run.out" >&2; fail "run --json is not what it should be"; }
import json, sys
r = json.load(open(sys.argv[1]))
if r["failed_documents"] or r["pages"]["archived"] != 10:
    sys.exit("failed: %r, pages %r" % (r["failed_documents"], r["pages"]))
if r["pages_read_twice"] != 1:
    sys.exit("%d page(s) read twice, not 1" % r["pages_read_twice"])
PY

id_of() { grep " $1 " "$T/ingest.out" | awk '{print $2}'; }

cer_of() { # CER of the text file $1 against truth $2, as a fraction
	"$OCREVAL" --json "$T/cer.json" "$2" "$1" >/dev/null || fail "ocreval failed on $1"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["cer"])' "$T/cer.json"
}

for name in sideways-vi upside-down-en skewed-vi two-columns-en small-vi small-upside-down-vi dusty-vi; do
	id=$(id_of "$name.tif")
	[ -n "$id" ] || fail "$name was not queued"
	bag=$(extract_bundle "$(bundle_of "$id")" "$T/x/$id")
	cer=$(cer_of "$bag/data/representations/ocr/data/0001.txt" "$HARD/truth/$name.gt.txt")
	most=0.05
	[ "$name" != dusty-vi ] || most=0.01
	python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$cer" "$most" ||
		fail "$name: CER $cer is not under $most"
	echo "$name: CER $cer"
	alto=$bag/data/representations/ocr/data/0001.alto.xml
	[ -s "$alto" ] || fail "$name: no ALTO in the bundle"
	XML_CATALOG_FILES=$SHARED/xsd/catalog.xml xmllint --nonet --noout \
		--schema "$SHARED/xsd/alto-4-4.xsd" "$alto" 2>"$T/xmllint.err" ||
		{ show_file "$T/xmllint.err" >&2; fail "$name: ALTO does not validate"; }
	(cd "$bag" && sha256sum -c --quiet manifest-sha256.txt) || fail "$name: manifest does not check"
done

# Vietnamese first: a Vietnamese page is read with vie alone, an English
# one again with every language; each page records what it was read with.
lang_of() { sql "SELECT p.lang FROM pages p WHERE p.document_id = '$(id_of "$1")'"; }
[ "$(lang_of sideways-vi.tif)" = vie ] || fail "the Vietnamese page was read with '$(lang_of sideways-vi.tif)', not vie"
[ "$(lang_of upside-down-en.tif)" = vie+eng ] || fail "the English page was read with '$(lang_of upside-down-en.tif)', not vie+eng"
# Read with every language first, it reads as Vietnamese: vie's reading is kept.
[ "$(lang_of blurred-vi.png)" = vie ] || fail "the blurred Vietnamese page was read with '$(lang_of blurred-vi.png)', not vie"
[ "$(lang_of table-vi.jpg)" = vie ] || fail "the Vietnamese table was read with '$(lang_of table-vi.jpg)', not vie"

# hOCR boxes are the master's pixels, like ALTO's: the sideways scan is a
# landscape image, whatever shape the page Tesseract read had.
grep -q 'class="ocr_page"[^>]*bbox 0 0 3508 2480' "$T/x/$(id_of sideways-vi.tif)"/*/data/representations/ocr/data/0001.hocr ||
	fail "the sideways page's hOCR is not in the master's coordinates"
lt show "$(id_of sideways-vi.tif)" >"$T/show-sideways.out"
grep -q "read as: .*rotate 90" "$T/show-sideways.out" ||
	{ show_file "$T/show-sideways.out" >&2; fail "show does not say the sideways page was turned"; }
lt show "$(id_of upside-down-en.tif)" >"$T/show-upside.out"
grep -q "read as: .*rotate 180" "$T/show-upside.out" ||
	{ show_file "$T/show-upside.out" >&2; fail "show does not say the upside-down page was turned"; }
# Small type: its letters too small for Leptonica's finder alone, which
# turned the upright page over and left the other one upside down.
lt show "$(id_of small-vi.tif)" >"$T/show-small.out"
! grep -q "read as: .*rotate" "$T/show-small.out" ||
	{ show_file "$T/show-small.out" >&2; fail "show says the upright small-type page was turned"; }
lt show "$(id_of small-upside-down-vi.tif)" >"$T/show-small-upside.out"
grep -q "read as: .*rotate 180" "$T/show-small-upside.out" ||
	{ show_file "$T/show-small-upside.out" >&2; fail "show does not say the upside-down small-type page was turned"; }
# The dusty page's specks were painted out; its marks and dots stayed (the CER).
lt show "$(id_of dusty-vi.tif)" >"$T/show-dusty.out"
grep -q "read as: .*despeckle [0-9]" "$T/show-dusty.out" ||
	{ show_file "$T/show-dusty.out" >&2; fail "show does not say the dusty page was despeckled"; }
! grep -q "read as: .*despeckle" "$T/show-sideways.out" ||
	{ show_file "$T/show-sideways.out" >&2; fail "a clean page was despeckled"; }
lt show "$(id_of skewed-vi.tif)" >"$T/show-skewed.out"
grep -q "read as: .*deskew" "$T/show-skewed.out" ||
	{ show_file "$T/show-skewed.out" >&2; fail "show does not say the page was deskewed"; }

# The blank sheet: archived, flagged, listed; the good pages are not.
blank=$(id_of blank.png)
[ "$(sql "SELECT state FROM documents WHERE id = '$blank'")" = archived ] || fail "the blank page was not archived"
lt review >"$T/review.out"
grep -q "^$blank p.1 blank.png: .*blank" "$T/review.out" || { show_file "$T/review.out" >&2; fail "review does not list the blank page"; }
for name in sideways-vi upside-down-en skewed-vi two-columns-en dusty-vi; do
	! grep -q "^$(id_of "$name.tif") " "$T/review.out" || fail "review flags the good page $name"
done
lt status >"$T/status.out"
grep -q "^to review:  1 page flagged" "$T/status.out" || fail "status does not count the page to review"
lt review --json >"$T/review.json"
python3 - "$T/review.json" "$blank" <<'PY' || fail "review --json is not what it should be"
import json, sys
items = json.load(open(sys.argv[1]))
assert any(i["document"] == sys.argv[2] and i["page"] == 1 and "blank" in i["reason"] for i in items), items
assert all(set(i) == {"document", "page", "label", "quality", "reason"} for i in items), items
PY
echo "ok: hard pages"

# Degrade, don't fail: a page whose recognition runs out of time is archived
# with empty text and flagged, and the document still archives.
ARCHIVE=$T/timeout-archive
mkdir -p "$T/slow"
cp "$SAMPLES/inbox/letter-en.png" "$T/slow/"
lt ingest "$T/slow" >/dev/null
capture slow lt run --page-timeout 0.01
[ "$RC" = 0 ] || { show_file "$T/slow.err" >&2; fail "a timed-out page failed its run (exit $RC)"; }
lt review >"$T/slow-review.out"
grep -q "letter-en.png: .*page timeout" "$T/slow-review.out" ||
	{ show_file "$T/slow-review.out" >&2; fail "review does not list the timed-out page"; }
[ "$(sql "SELECT length(text) FROM pages")" = 0 ] || fail "a timed-out page kept partial text"
echo "ok: page timeout"
