#!/bin/bash
# Regenerates samples/hard and its ground truth, deterministically, from
# ../shared/tools/mkpages: pages as real backlogs bring them (sideways, upside
# down, crooked, in two columns, small type at 150 dpi, dusty, blank), for the OCR
# tests of tests/e2e/t_ocr_hard.sh.
# They are not in samples/inbox, so `make demo` stays quick.
# Usage: samples/make-hard.sh            (SHARED=/path/to/shared overrides ../shared)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
SHARED=$(cd "$SHARED" && pwd)
M=$SHARED/tools/mkpages
VI=$SHARED/corpus/dev/src/seed-vi.txt
EN=$SHARED/corpus/dev/src/en-dev.txt
PY=${PYTHON:-/usr/bin/python3}
OUT=$HERE/hard

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT/inbox" "$OUT/truth"

# name, then mkpages arguments. Bitonal Group 4 TIFFs keep the repository small.
make_page() {
	local name=$1; shift
	"$M" --count 1 --format tiff --bitonal --blur 0.5 --prefix p --out "$W/$name" "$@"
	cp "$W/$name/p-0001.tif" "$OUT/inbox/$name.tif"
	cp "$W/$name/p-0001.gt.txt" "$OUT/truth/$name.gt.txt"
}
make_page sideways-vi    --text "$VI" --seed 31 --rotate 90
make_page upside-down-en --text "$EN" --seed 32 --rotate 180
make_page skewed-vi      --text "$VI" --seed 33 --skew -4.5
make_page two-columns-en --text "$EN" --seed 34 --columns 2
# Small type at a low resolution (9 pt at 150 dpi): letters too small for
# Leptonica's orientation finder, which read these two the wrong way up.
make_page small-vi             --text "$VI" --seed 36 --font-size 9 --dpi 150
make_page small-upside-down-vi --text "$VI" --seed 37 --font-size 9 --dpi 150 --rotate 180
# Dust: 1-3 px specks over a bitonal page, which Tesseract reads as
# punctuation where they stand apart (preprocess.c: despeckle).
make_page dusty-vi             --text "$VI" --seed 38 --speckle 0.003

# A Vietnamese table mostly of figures (labels about half its characters),
# the top half of a page, grey JPEG: it shows fewer of Vietnamese's marks
# than a page of text (figures carry none), yet more than an English page
# (stage_ocr.c: LATIN_MARK_RATE). Its truth is the 16 lines in that half.
"$PY" - "$W/table-vi.txt" <<'EOF'
import random, sys
random.seed(3)
labels = ["Thu ngân sách nhà nước", "Chi đầu tư phát triển", "Chi thường xuyên",
          "Tổng sản phẩm trên địa bàn", "Giá trị sản xuất công nghiệp",
          "Vốn đầu tư toàn xã hội", "Kim ngạch xuất khẩu", "Số hộ nghèo", "Diện tích lúa",
          "Sản lượng lương thực", "Số doanh nghiệp thành lập mới", "Tỷ lệ hộ dùng nước sạch"]
rows = ["# BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN NĂM 2016", ""]
for n in range(60):
    l = random.choice(labels)
    figures = " ".join("%d.%03d.%03d" % (random.randint(1, 999), random.randint(0, 999),
                                         random.randint(0, 999)) for _ in range(3))
    rows += ["%d. %s %s %d,%d%%" % (n + 1, l, figures, random.randint(80, 130),
                                    random.randint(0, 9)), ""]
open(sys.argv[1], "w").write("\n".join(rows))
EOF
"$M" --count 1 --prefix p --out "$W/table-vi" --text "$W/table-vi.txt" --no-justify
"$PY" - "$W/table-vi/p-0001.png" "$OUT/inbox/table-vi.jpg" <<'EOF'
import sys
from PIL import Image
page = Image.open(sys.argv[1]).convert("L")
page.crop((0, 0, page.width, page.height // 2)).save(sys.argv[2], quality=50, dpi=(300, 300))
EOF
head -n 16 "$W/table-vi/p-0001.gt.txt" >"$OUT/truth/table-vi.gt.txt"

# A blank sheet (a separator, the back of a page): white with a little dust.
"$PY" - "$OUT/inbox/blank.png" <<'EOF'
import random, sys
from PIL import Image
random.seed(35)
im = Image.new("L", (2480, 3508), 250)
for _ in range(40):
    x, y = random.randrange(2480), random.randrange(3508)
    im.putpixel((x, y), random.randrange(60, 200))
im.save(sys.argv[1], format="PNG", dpi=(300, 300), optimize=True)
EOF
: > "$OUT/truth/blank.gt.txt"

find "$OUT" -type f | sort
du -sh "$OUT"
