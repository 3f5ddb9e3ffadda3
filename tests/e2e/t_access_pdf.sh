#!/bin/bash
# Every bundle carries a two-layer PDF/A-2b access copy at
# data/representations/access/data/<id>.pdf: qpdf finds no error, every font
# is embedded, the text layer gives back the OCR text in reading order
# (pdftotext -raw: content-stream order) and its words where the hOCR puts
# them, bitonal pages are CCITT G4 and a JPEG scan goes in byte for byte, the
# XMP packet says PDF/A-2b and agrees with the Info dictionary; sideways and
# upside-down scans get a /Rotate that shows them upright with the words on
# them; SOURCE_DATE_EPOCH gives every date, and the same input the same file.
. "$(dirname "$0")/lib.sh"
use_processed_archive

PY=/usr/bin/python3

# check_pdf BAG ID: the checks of one bundle's access PDF.
check_pdf() {
	local bag=$1 id=$2 pdf out
	pdf=$bag/data/representations/access/data/$id.pdf
	[ -f "$pdf" ] || fail "$id: no access PDF in the bundle"

	out=$(qpdf --check "$pdf" 2>&1) || { echo "$out" >&2; fail "$id: qpdf --check failed"; }
	case "$out" in
	*"No syntax or stream encoding errors"*) ;;
	*) echo "$out" >&2; fail "$id: qpdf --check reports problems" ;;
	esac

	out=$(pdffonts "$pdf")
	[ "$(echo "$out" | tail -n +3 | wc -l)" -ge 1 ] || fail "$id: pdffonts lists no font"
	echo "$out" | tail -n +3 | awk '$(NF-4) != "yes" { bad = 1 } END { exit bad }' ||
		{ echo "$out" >&2; fail "$id: a font is not embedded"; }

	pdftotext -raw -enc UTF-8 "$pdf" "$T/$id.raw.txt" || fail "$id: pdftotext -raw failed"
	pdftotext -enc UTF-8 "$pdf" "$T/$id.phys.txt" || fail "$id: pdftotext failed"
	pdftotext -bbox -enc UTF-8 "$pdf" "$T/$id.bbox.html" || fail "$id: pdftotext -bbox failed"
	pdfinfo -isodates -meta "$pdf" >"$T/$id.meta" 2>&1 || fail "$id: pdfinfo -meta failed"
	pdfinfo -isodates -f 1 -l 9999 "$pdf" >"$T/$id.info" 2>&1 || fail "$id: pdfinfo failed"
	pdfimages -list "$pdf" >"$T/$id.images" || fail "$id: pdfimages -list failed"
	mkdir -p "$T/img/$id"
	pdfimages -png "$pdf" "$T/img/$id/p" || fail "$id: pdfimages -png failed"
	"$PY" - "$bag" "$id" "$T" <<'EOF' || fail "$id: see above"
import glob, os, re, sys
import xml.etree.ElementTree as etree
from PIL import Image

bag, doc, tmp = sys.argv[1:4]
def read(p):
    with open(p, encoding="utf-8") as f:
        return f.read()
def die(msg):
    print(f"FAIL {doc}: {msg}", file=sys.stderr)
    sys.exit(1)

ocr = os.path.join(bag, "data/representations/ocr/data")
pages = sorted(glob.glob(os.path.join(ocr, "[0-9][0-9][0-9][0-9].txt")))
ocr_text = [read(p) for p in pages]

# Text, in reading order, word for word and line for line.
raw = read(f"{tmp}/{doc}.raw.txt").split("\f")
raw = raw[:len(pages)] if len(raw) > len(pages) else raw
if len(raw) != len(pages):
    die(f"pdftotext gives {len(raw)} pages, the bundle holds {len(pages)}")
for n, (want, got) in enumerate(zip(ocr_text, raw), 1):
    wl = [l.split() for l in want.splitlines() if l.strip()]
    gl = [l.split() for l in got.splitlines() if l.strip()]
    if wl != gl:
        for a, b in zip(wl, gl):
            if a != b:
                die(f"page {n}: line {a!r} of the OCR text comes out of the PDF as {b!r}")
        die(f"page {n}: {len(wl)} lines of OCR text, {len(gl)} out of the PDF")
if not any(t.split() for t in ocr_text):
    die("no OCR text to compare")
# pdftotext's own layout analysis may read a two-column header across, but
# it finds the very same words.
phys = read(f"{tmp}/{doc}.phys.txt").split()
if sorted(phys) != sorted(" ".join(ocr_text).split()):
    die("pdftotext (physical layout) finds other words than the OCR text")

# Page rotation, size and the hOCR word boxes against the text layer's.
info = read(f"{tmp}/{doc}.info")
rot = [int(r) for r in re.findall(r"^Page +\d+ rot: +(\d+)", info, re.M)]
size = [tuple(map(float, s)) for s in re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+)", info, re.M)]
if len(rot) != len(pages):
    die(f"pdfinfo shows {len(rot)} page rotations for {len(pages)} pages")
XH = "{http://www.w3.org/1999/xhtml}"
bbox = etree.parse(f"{tmp}/{doc}.bbox.html")
pdf_pages = bbox.findall(f".//{XH}page")
checked = 0
for n, pg in enumerate(pdf_pages, 1):
    hocr = etree.parse(os.path.join(ocr, f"{n:04d}.hocr"))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    title = [d for d in hocr.iterfind(".//h:div", ns) if d.get("class") == "ocr_page"][0].get("title")
    mw, mh = map(int, re.search(r"bbox 0 0 (\d+) (\d+)", title).groups())
    # media box width in points / master width in pixels
    W, H = size[n - 1]
    s = W / mw
    hw = {}
    for w in hocr.iterfind(".//h:span", ns):
        if w.get("class") != "ocrx_word":
            continue
        t = "".join(w.itertext()).strip()
        x0, y0, x1, y1 = map(int, re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", w.get("title")).groups())
        hw.setdefault(t, []).append((x0, y0, x1, y1))
    pw = {}
    for w in pg.iterfind(f"{XH}word"):
        pw.setdefault(w.text, []).append(tuple(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
    o = rot[n - 1]
    for t, boxes in hw.items():
        if len(boxes) != 1 or len(pw.get(t, [])) != 1 or len(t) < 3:
            continue
        x0, y0, x1, y1 = boxes[0]
        # the master's box as shown upright (pdftotext reports the page as shown)
        if o == 0:
            l, tp, r, b = x0, y0, x1, y1
        elif o == 90:
            l, tp, r, b = mh - y1, x0, mh - y0, x1
        elif o == 180:
            l, tp, r, b = mw - x1, mh - y1, mw - x0, mh - y0
        else:
            l, tp, r, b = y0, mw - x1, y1, mw - x0
        l, tp, r, b = (v * s for v in (l, tp, r, b))
        px0, py0, px1, py1 = pw[t][0]
        # Horizontally the word's own box; vertically its line's, which holds it.
        # A word that nearly touches the next is drawn up to a fifth of the
        # line's height short, so that text extraction keeps the two apart.
        if abs(px0 - l) > 1.5 or px1 > r + 1.5 or px1 < r - 0.2 * (py1 - py0) - 1.5 or \
           py0 > tp + 1.5 or py1 < b - 1.5 or \
           (py1 - py0) > 3 * (b - tp) + 3:
            die(f"page {n}: '{t}' is at {pw[t][0]} in the PDF, the hOCR puts it at "
                f"{(round(l, 1), round(tp, 1), round(r, 1), round(b, 1))} (points)")
        checked += 1
if checked < 5:
    die(f"only {checked} words could be matched between hOCR and PDF")

# Images: bitonal masters as CCITT, a JPEG master byte for byte.
imgs = [l.split() for l in read(f"{tmp}/{doc}.images").splitlines()[2:] if l.strip()]
if len(imgs) != len(pages):
    die(f"{len(imgs)} images for {len(pages)} pages")
masters = sorted(glob.glob(os.path.join(bag, "data/representations/master/data/*")))
if len(masters) == 1 and len(pages) >= 1:
    m = Image.open(masters[0])
    frames = getattr(m, "n_frames", 1)
    modes = []
    for i in range(frames):
        m.seek(i)
        modes.append(m.mode)
    for (img, mode) in zip(imgs, modes):
        if mode == "1" and img[8] != "ccitt":
            die(f"bitonal page {img[0]} went in as {img[8]}, not ccitt")
        if masters[0].lower().endswith((".jpg", ".jpeg")) and img[8] != "jpeg":
            die(f"the JPEG master went in as {img[8]}, not passed through")

# Lossless: every page image but a JPEG's (checked byte for byte) has the
# master's very pixels.
frames = []
for m in masters:
    im = Image.open(m)
    for i in range(getattr(im, "n_frames", 1)):
        frames.append((m, i))
for n, (m, i) in enumerate(frames):
    if m.lower().endswith((".jpg", ".jpeg")):
        continue
    want = Image.open(m)
    want.seek(i)
    got = Image.open(f"{tmp}/img/{doc}/p-{n:03d}.png")
    mode = "RGB" if got.mode == "RGB" or want.mode not in ("1", "L") else "L"
    if want.size != got.size or want.convert(mode).tobytes() != got.convert(mode).tobytes():
        die(f"page {n + 1}: the image in the PDF is not the master's pixels ({m}, frame {i})")

# XMP: PDF/A-2b, and the Info dictionary's values.
meta = read(f"{tmp}/{doc}.meta")
start = meta.find("<?xpacket begin")
if start < 0:
    die("no XMP packet in the PDF")
x = etree.fromstring(meta[start:].encode("utf-8"))
NS = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
def xv(path):
    e = x.find(".//" + path, NS)
    return None if e is None else e.text
if xv("pdfaid:part") != "2" or xv("pdfaid:conformance") != "B":
    die(f"XMP says part {xv('pdfaid:part')} conformance {xv('pdfaid:conformance')}, not 2 B")
def info_of(key):
    m = re.search(rf"^{key}: +(.*)$", info, re.M)
    return m.group(1).strip() if m else None
pairs = [("Title", "dc:title/rdf:Alt/rdf:li"), ("Producer", "pdf:Producer"),
         ("Creator", "xmp:CreatorTool"), ("CreationDate", "xmp:CreateDate"),
         ("ModDate", "xmp:ModifyDate")]
for key, path in pairs:
    a, b = info_of(key), xv(path)
    if not a or a != b:
        die(f"Info {key} is {a!r}, XMP {path} is {b!r}")
if "Encrypted:       no" not in info:
    die("the PDF is encrypted")
print(f"{doc}: {len(pages)} pages, {checked} word boxes agree, rotations {rot}")
EOF
}

n=0
for tar in $(all_bundles); do
	id=$(basename "$tar" .tar)
	bag=$(extract_bundle "$tar" "$T/x/$id")
	check_pdf "$bag" "$id"
	n=$((n + 1))
done
[ "$n" -ge 5 ] || fail "only $n bundles"

# The JPEG scan's bytes are the image's.
id=${DOC_ID[quyet-dinh-1127.jpg]}
pdfimages -j "$T/x/$id/$id/data/representations/access/data/$id.pdf" "$T/jpg"
cmp "$T/jpg-000.jpg" "$SAMPLES/inbox/quyet-dinh-1127.jpg" ||
	fail "the JPEG in the access PDF is not the scan byte for byte"

# The catalog's event says what the PDF holds.
capture show lt show "$id"
[ "$RC" = 0 ] || fail "show $id exited $RC"
grep -Eq 'access-copy +success +PDF/A-2b, 1 pages, [0-9]+ bytes, images: jpeg passthrough x1' "$T/show.out" ||
	{ show_file "$T/show.out" >&2; fail "show $id has no access-copy event naming the JPEG passed through"; }

# Turned scans: shown upright, words on them, under a fixed date; the same
# input gives the same PDF.
mkdir -p "$T/turned"
cp "$SAMPLES/hard/inbox/sideways-vi.tif" "$SAMPLES/hard/inbox/upside-down-en.tif" "$T/turned/"
ARCHIVE=$T/turned-archive
export SOURCE_DATE_EPOCH=1700000000
lt ingest "$T/turned" >"$T/turned.out" || { show_file "$T/turned.out" >&2; fail "ingest of turned scans failed"; }
capture turned lt run -j 2
[ "$RC" = 0 ] || { show_file "$T/turned.err" >&2; fail "run on turned scans exited $RC"; }
rots=""
for tar in $(all_bundles); do
	id=$(basename "$tar" .tar)
	bag=$(extract_bundle "$tar" "$T/y/$id")
	check_pdf "$bag" "$id"
	rots="$rots $(sed -En 's/^Page +1 rot: *//p' "$T/$id.info")"
	grep -q '^CreationDate: *2023-11-14T22:13:20' "$T/$id.info" ||
		{ show_file "$T/$id.info" >&2; fail "$id: CreationDate is not SOURCE_DATE_EPOCH's"; }
done
case "$rots" in *90*) ;; *) fail "the sideways scan has no /Rotate 90 or 270 (rotations:$rots)" ;; esac
case "$rots" in *180*) ;; *) fail "the upside-down scan has no /Rotate 180 (rotations:$rots)" ;; esac

# Same input, same epoch: the same bytes (the sideways scan alone, read again).
mkdir -p "$T/again-inbox"
cp "$SAMPLES/hard/inbox/sideways-vi.tif" "$T/again-inbox/"
ARCHIVE=$T/again
lt ingest "$T/again-inbox" >/dev/null || fail "second ingest failed"
capture again lt run -j 1
[ "$RC" = 0 ] || fail "second run exited $RC"
set -- $(all_bundles)
[ $# = 1 ] || fail "the second run made $# bundles, not 1"
id=$(basename "$1" .tar)
[ -d "$T/y/$id" ] || fail "the second run's document $id is not the sideways scan of the first"
bag2=$(extract_bundle "$1" "$T/z/$id")
cmp "$T/y/$id/$id/data/representations/access/data/$id.pdf" \
    "$bag2/data/representations/access/data/$id.pdf" ||
	fail "$id: two runs under SOURCE_DATE_EPOCH give different access PDFs"
echo "ok: $n access PDFs conform, turned pages upright, reproducible"
