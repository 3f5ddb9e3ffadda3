#!/bin/bash
# Pages as other software and other archives hand them over: a PNG whose
# paper is transparent (its colour values black, as exports write them), a
# negative (light text on a dark ground, a microfilm scanned as it is) and a
# faded carbon copy (ink lighter than the ink threshold) are read as the
# letter they show (CER under 5%), the faded one is not flagged as blank,
# the transparent page's access copy and its image in the reading room are
# not black, `show` says the negative was turned positive (with --no-invert
# it is not) and the 600-dpi scan was read at 300 dpi, its words' boxes
# still on the master; a blank sheet with noise is not read (with
# --read-blank it is), flagged blank and not turned.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
mkdir -p "$T/inbox"
/usr/bin/python3 - "$SAMPLES/inbox/letter-en.png" "$T/inbox" <<'PY' || fail "cannot make the odd pages (python3-pil)"
import sys
from PIL import Image, ImageOps
grey = Image.open(sys.argv[1]).convert("L")
paper = Image.new("L", grey.size, 0)
# Ink opaque, paper transparent, every colour value black.
Image.merge("RGBA", (paper, paper, paper, ImageOps.invert(grey))).save(sys.argv[2] + "/transparent.png", dpi=(300, 300))
ImageOps.invert(grey).save(sys.argv[2] + "/negative.png", dpi=(300, 300))
# A faded carbon copy: ink at 175 on paper at 215.
grey.point(lambda v: 175 + v * 40 // 255).save(sys.argv[2] + "/faded.png", dpi=(300, 300))
# A blank sheet (A5) with a scanner's noise and nothing else.
noise = Image.effect_noise((1748, 2480), 4).point(lambda v: min(255, 238 - 128 + v))
noise.save(sys.argv[2] + "/blank.png", dpi=(300, 300))
# A 600-dpi scan.
grey.resize((grey.width * 2, grey.height * 2), Image.BICUBIC).save(sys.argv[2] + "/fine.png", dpi=(600, 600))
PY
lt ingest "$T/inbox" >"$T/ingest.out" || { show_file "$T/ingest.out" >&2; fail "ingest failed"; }
capture run lt run -j 2
[ "$RC" = 0 ] || { show_file "$T/run.out" >&2; show_file "$T/run.err" >&2; fail "run exited $RC"; }

id_of() { grep " $1 " "$T/ingest.out" | awk '{print $2}'; }
cer_of() { # CER of the text file $1 against the letter's truth, as a fraction
	"$OCREVAL" --json "$T/cer.json" "$SAMPLES/truth/letter-en.gt.txt" "$1" >/dev/null || fail "ocreval failed on $1"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["cer"])' "$T/cer.json"
}
text_of() { # text of page 1 of document $1 in $ARCHIVE
	local bag
	bag=$(extract_bundle "$(bundle_of "$1")" "$T/x/$(basename "$ARCHIVE")/$1")
	echo "$bag/data/representations/ocr/data/0001.txt"
}

for name in transparent negative faded fine; do
	id=$(id_of "$name.png")
	[ -n "$id" ] || fail "$name.png was not queued"
	cer=$(cer_of "$(text_of "$id")")
	python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 0.05 else 1)' "$cer" ||
		fail "$name.png: CER $cer is not under 0.05"
	echo "$name: CER $cer"
done

# Faint ink is not no ink: the faded copy is read, not flagged as blank.
lt review >"$T/review.out"
! grep -q "faded.png" "$T/review.out" || { show_file "$T/review.out" >&2; fail "the faded copy is flagged for review"; }

# The access copy shows the letter on white, as any viewer shows the file.
tid=$(id_of transparent.png)
bag=$T/x/archive/$tid/$tid
pdf=$bag/data/representations/access/data/$tid.pdf
[ -s "$pdf" ] || fail "no access PDF for the transparent page"
pdftoppm -r 20 -gray "$pdf" "$T/access" || fail "pdftoppm cannot render the access copy"
mean=$(/usr/bin/python3 -c 'import sys; from PIL import Image, ImageStat; print(int(ImageStat.Stat(Image.open(sys.argv[1])).mean[0]))' "$T"/access-1.pgm)
[ "$mean" -gt 200 ] || fail "the transparent page's access copy is dark (mean grey $mean of 255)"
# The master keeps its bytes, transparency and all.
cmp -s "$T/inbox/transparent.png" "$bag/data/representations/master/data/0001.png" ||
	fail "the transparent page's master is not the file as it came"

# The reading room's page image: the letter on white too.
start_serve --listen 127.0.0.1:0
http img "$SERVE_URL/d/$tid/p/1/image"
[ "$STATUS" = 200 ] || fail "the transparent page's image gave $STATUS"
stop_serve
mean=$(/usr/bin/python3 -c 'import sys; from PIL import Image, ImageStat; print(int(ImageStat.Stat(Image.open(sys.argv[1]).convert("L")).mean[0]))' "$T/img.body")
[ "$mean" -gt 200 ] || fail "the transparent page's image in the reading room is dark (mean grey $mean of 255)"

# The 600-dpi scan is read at 300; its words' boxes are the master's.
fid=$(id_of fine.png)
lt show "$fid" >"$T/show-fine.out"
grep -q "read as: .*downscale 0.50 (600 dpi)" "$T/show-fine.out" ||
	{ show_file "$T/show-fine.out" >&2; fail "show does not say the 600-dpi page was read at 300"; }
grep -q 'class="ocr_page"[^>]*bbox 0 0 4960 7016' "$T/x/archive/$fid/$fid/data/representations/ocr/data/0001.hocr" ||
	fail "the 600-dpi page's hOCR is not in the master's pixels"
# Its first word's box is twice the same word's on the 300-dpi letter.
python3 - "$T/x/archive/$fid/$fid/data/representations/ocr/data/0001.hocr" \
	"$bag/data/representations/ocr/data/0001.hocr" <<'PY' || fail "the 600-dpi page's word boxes are not the master's"
import re, sys
def first_word(path):
    m = re.search(r'class="ocrx_word"[^>]*title="bbox (\d+) (\d+) (\d+) (\d+)', open(path).read())
    return [int(v) for v in m.groups()]
fine, letter = first_word(sys.argv[1]), first_word(sys.argv[2])
assert all(abs(f - 2 * l) <= 6 for f, l in zip(fine, letter)), (fine, letter)
PY

# The blank sheet: not read (Tesseract would read its noise as specks, and
# OSD turn it), archived and flagged blank, its access page upright.
bid=$(id_of blank.png)
lt show "$bid" >"$T/show-blank.out"
grep -q "read as: one tone, nothing to read" "$T/show-blank.out" ||
	{ show_file "$T/show-blank.out" >&2; fail "show does not say the blank sheet is of one tone"; }
grep -q "^$bid p.1 blank.png: .*blank page" "$T/review.out" ||
	{ show_file "$T/review.out" >&2; fail "review does not list the blank sheet as blank"; }
extract_bundle "$(bundle_of "$bid")" "$T/x/archive/$bid" >/dev/null
! grep -aq "/Rotate [1-9]" "$T/x/archive/$bid/$bid/data/representations/access/data/$bid.pdf" ||
	fail "the blank sheet's access page is turned"

nid=$(id_of negative.png)
lt show "$nid" >"$T/show-negative.out"
grep -q "read as: .*invert (negative)" "$T/show-negative.out" ||
	{ show_file "$T/show-negative.out" >&2; fail "show does not say the negative was turned positive"; }
lt show "$tid" >"$T/show-transparent.out"
! grep -q "invert" "$T/show-transparent.out" || fail "the transparent page was taken for a negative"

# --no-invert: Tesseract gets the negative as it is, and reads next to
# nothing of it; --read-blank: it reads the blank sheet too.
ARCHIVE=$T/as-is
mkdir -p "$T/as-is-inbox" && cp "$T/inbox/negative.png" "$T/inbox/blank.png" "$T/as-is-inbox/"
lt ingest "$T/as-is-inbox" >"$T/ingest.out" || fail "ingest of the negative and the blank sheet failed"
capture run-as-is lt run --no-invert --read-blank
[ "$RC" = 0 ] || { show_file "$T/run-as-is.err" >&2; fail "run --no-invert --read-blank exited $RC"; }
lt show "$(id_of blank.png)" >"$T/show-blank-read.out"
! grep -q "one tone" "$T/show-blank-read.out" || fail "--read-blank still left the blank sheet unread"
cer=$(cer_of "$(text_of "$(id_of negative.png)")")
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0.5 else 1)' "$cer" ||
	fail "the negative read with --no-invert at CER $cer: the switch did nothing"
lt show "$(id_of negative.png)" >"$T/show-as-is.out"
! grep -q "invert" "$T/show-as-is.out" || fail "--no-invert still inverted the negative"
echo "ok: transparent, negative, faded and 600-dpi pages read, a blank sheet told; --no-invert and --read-blank"
