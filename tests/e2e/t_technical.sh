#!/bin/bash
# Technical metadata per page: what the scan file says about itself (format,
# depth, colour, resolution, compression, scanner make/model, capture time
# from TIFF tags or EXIF) reaches `show`, the bundle's metadata.json and,
# through it, a rebuilt catalog. Nothing is invented: a PNG without a
# resolution says so.
. "$(dirname "$0")/lib.sh"

IN=$T/inbox
mkdir -p "$IN/scanned"
# One real page, saved three ways by a "scanner": a JPEG with EXIF, a G4
# TIFF with tags and resolution in centimetres, and a PNG with no tags.
/usr/bin/python3 - "$SAMPLES/inbox/letter-en.png" "$IN/scanned" <<'PY'
import sys
from PIL import Image
src, out = sys.argv[1], sys.argv[2]
im = Image.open(src).convert("L")
exif = Image.Exif()
exif[0x010f] = "Epson"                      # Make
exif[0x0110] = "DS-70000"                   # Model
exif[0x0131] = "Epson Scan 2"               # Software
exif[0x0132] = "2023:11:02 09:15:30"  # DateTime (Pillow 9 cannot write the EXIF sub-IFD)
im.save(out + "/p1.jpg", quality=92, dpi=(300, 300), exif=exif)
info = {271: "Fujitsu", 272: "fi-7160", 306: "2024:03:01 10:22:05", 296: 3,
        282: 118.11, 283: 118.11}
im.convert("1").save(out + "/p2.tif", compression="group4", tiffinfo=info)
im.save(out + "/p3.png")
PY

capture ingest lt ingest "$IN"
[ "$RC" = 0 ] || { show_file "$T/ingest.err" stderr >&2; fail "ingest exited $RC"; }
id=$(id_from_ingest "$T/ingest.out" scanned) || fail "no id for 'scanned' in: $(cat "$T/ingest.out")"
capture run lt run --quiet
[ "$RC" = 0 ] || { show_file "$T/run.err" stderr >&2; fail "run exited $RC"; }

check_show() {
	capture show lt show "$id"
	[ "$RC" = 0 ] || fail "show exited $RC"
	out=$(cat "$T/show.out")
	for want in "scan: jpeg, grey 8-bit, 300 dpi, Epson DS-70000, captured 2023-11-02T09:15:30" \
		    "scan: tiff ccitt-g4, bitonal 1-bit, 300 dpi, Fujitsu fi-7160, captured 2024-03-01T10:22:05" \
		    "scan: png, grey 8-bit, no resolution recorded"; do
		case "$out" in *"$want"*) ;; *) show_file "$T/show.out" >&2; fail "$1: show lacks '$want'" ;; esac
	done
}
check_show "after the run"

bag=$(extract_bundle "$(bundle_of "$id")" "$T/x")
/usr/bin/python3 - "$bag/data/metadata/descriptive/metadata.json" <<'PY' || fail "metadata.json lacks the technical metadata"
import json, sys
pages = json.load(open(sys.argv[1]))["pages"]
t = [p["technical"] for p in pages]
assert t[0]["scanner_make"] == "Epson" and t[0]["software"] == "Epson Scan 2", t[0]
assert t[0]["format"] == "jpeg" and t[0]["mime"] == "image/jpeg", t[0]
assert t[1]["compression"] == "ccitt-g4" and t[1]["xres"] == 300 and t[1]["colour"] == "bitonal", t[1]
assert "xres" not in t[2] and "scanner_make" not in t[2], t[2]
for p in t:
    assert len(p["sha256"]) == 64 and p["file_size"] > 0, p
PY

rm "$ARCHIVE/catalog.sqlite"*
capture rebuild lt rebuild-catalog
[ "$RC" = 0 ] || { show_file "$T/rebuild.err" stderr >&2; fail "rebuild-catalog exited $RC"; }
check_show "after rebuild-catalog"
echo "ok: technical metadata from TIFF tags and EXIF in show, the bundle and a rebuilt catalog"
