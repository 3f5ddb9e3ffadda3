#!/bin/bash
# Regenerates samples/inbox and samples/truth, deterministically, from
# ../shared/tools/mkpages (same seeds + same Pillow/NumPy/fonts = same bytes).
# Usage: samples/make-samples.sh            (SHARED=/path/to/shared overrides ../shared)
# Needs python3 with PIL and numpy, fonts-liberation2.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
SHARED=$(cd "$SHARED" && pwd)
M=$SHARED/tools/mkpages
VI=$SHARED/corpus/dev/src/seed-vi.txt
EN=$SHARED/corpus/dev/src/en-dev.txt
PY=${PYTHON:-/usr/bin/python3}

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
rm -rf "$HERE/inbox" "$HERE/truth"
mkdir -p "$HERE/inbox" "$HERE/truth"

# 1. bao-cao-2016/: a 2-page Vietnamese report, one PNG per page as a sheet-fed
#    scanner writes it; the text flows from page 1 on to page 2. Clean (blur 0.5).
$M --text "$VI" --count 2 --seed 2016 --blur 0.5 --prefix page --out "$W/bao"
mkdir -p "$HERE/inbox/bao-cao-2016"
for n in 0001 0002; do
	cp "$W/bao/page-$n.png" "$HERE/inbox/bao-cao-2016/page-$n.png"
	cp "$W/bao/page-$n.gt.txt" "$HERE/truth/bao-cao-2016__page-$n.gt.txt"
done

# 2. chi-thi-05-CT-TW.tif: a Party directive (chi-thi-05.json), 2 pages in one
#    bitonal Group 4 TIFF. Its GT separates the pages with a "\f" line.
$M --doc "$HERE/chi-thi-05.json" --pages 2 --format tiff --bitonal --blur 0.5 --seed 5 \
	--prefix chi --out "$W/chi"
cp "$W/chi/chi-0001.tif" "$HERE/inbox/chi-thi-05-CT-TW.tif"
cp "$W/chi/chi-0001.gt.txt" "$HERE/truth/chi-thi-05-CT-TW.gt.txt"

# 3. quyet-dinh-1127.jpg: a generated state QUYẾT ĐỊNH (template seed 9 gives
#    "Số: 174/QĐ-STC"; 1127 is only the archivist's file label), JPEG quality 75,
#    light grain and blur.
$M --template --seed 9 --noise 4 --blur 0.6 --format jpg --jpeg-quality 75 \
	--prefix qd --out "$W/qd"
cp "$W/qd/qd-0001.jpg" "$HERE/inbox/quyet-dinh-1127.jpg"
cp "$W/qd/qd-0001.gt.txt" "$HERE/truth/quyet-dinh-1127.gt.txt"

# 4. letter-en.png: one clean English page.
$M --text "$EN" --count 1 --seed 7 --blur 0.5 --prefix en --out "$W/en"
cp "$W/en/en-0001.png" "$HERE/inbox/letter-en.png"
cp "$W/en/en-0001.gt.txt" "$HERE/truth/letter-en.gt.txt"

# 5. cong-van-12/: an official letter (cong-van-12.json) scanned as two files in
#    different formats. The spec is rendered twice with the same seed and a fixed
#    font size, so both renderings have the same layout and ground truth:
#    page 1 from a bitonal rendering, saved as a binary PBM (P4) with the .pnm
#    extension; page 2 from a rendering skewed by 1.5 degrees, saved as PNG.
$M --doc "$HERE/cong-van-12.json" --pages 2 --format tiff --font-size 13 --bitonal --blur 0.5 \
	--seed 12 --prefix cv --out "$W/cv-bitonal"
$M --doc "$HERE/cong-van-12.json" --pages 2 --format tiff --font-size 13 --blur 0.5 --skew 1.5 \
	--seed 12 --prefix cv --out "$W/cv-skew"
cmp "$W/cv-bitonal/cv-0001.gt.txt" "$W/cv-skew/cv-0001.gt.txt"
mkdir -p "$HERE/inbox/cong-van-12"
"$PY" - "$W" "$HERE" <<'EOF'
import sys
from PIL import Image
w, here = sys.argv[1], sys.argv[2]
with Image.open(w + "/cv-bitonal/cv-0001.tif") as im:
    im.seek(0)
    im.convert("1").save(here + "/inbox/cong-van-12/page-01.pnm", format="PPM")  # mode 1 -> P4
with Image.open(w + "/cv-skew/cv-0001.tif") as im:
    im.seek(1)
    im.convert("L").save(here + "/inbox/cong-van-12/page-02.png", format="PNG", dpi=(300, 300),
                         optimize=True)
gt = open(w + "/cv-skew/cv-0001.gt.txt", encoding="utf-8").read()
pages = gt.split("\n\f\n")
assert len(pages) == 2, len(pages)
for i, p in enumerate(pages, 1):
    if not p.endswith("\n"):
        p += "\n"
    with open(here + "/truth/cong-van-12__page-%02d.gt.txt" % i, "w", encoding="utf-8", newline="\n") as f:
        f.write(p)
EOF

find "$HERE/inbox" "$HERE/truth" -type f | sort
du -sh "$HERE/inbox"
