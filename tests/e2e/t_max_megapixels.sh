#!/bin/bash
# Issue 10, item 12: the pixel cap. By default a page above 150 megapixels
# (a 169-megapixel PNG of a few kB) fails undecoded, since one such page took
# about 945 MB per 289 megapixels; `run --max-megapixels M` moves the cap,
# and a nonsense value is a usage error.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/inbox" "$T/inbox2"
python3 - "$T/inbox/big.png" <<'PY'
import struct, sys, zlib
w = h = 13000
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
row = b"\0" + b"\0" * ((w + 7) // 8)
raw = zlib.compressobj(9)
body = b"".join(raw.compress(row) for _ in range(h)) + raw.flush()
with open(sys.argv[1], "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))
PY
cp "$SAMPLES/inbox/letter-en.png" "$T/inbox2/letter.png"   # 2480 x 3508: 8.7 megapixels

capture ingest lt ingest "$T/inbox"
[ "$RC" = 0 ] || { show_file "$T/ingest.out" >&2; fail "ingest exited $RC"; }
capture run lt run
[ "$RC" = 1 ] || { show_file "$T/run.err" >&2; fail "run of a 169-megapixel page exited $RC, not 1"; }
grep -q "big.png.*13000x13000 pixels, more than the 150 megapixels" "$T/run.err" ||
	{ show_file "$T/run.err" stderr >&2; fail "the 169-megapixel page is not failed by the default cap"; }

ARCHIVE=$T/archive2
capture ingest2 lt ingest "$T/inbox2"
[ "$RC" = 0 ] || { show_file "$T/ingest2.out" >&2; fail "ingest exited $RC"; }
for bad in 0 -3 abc 1e9; do
	capture usage lt run --max-megapixels "$bad"
	[ "$RC" = 2 ] || fail "run --max-megapixels $bad exited $RC, not 2"
	grep -q -- "--max-megapixels wants a number" "$T/usage.err" || { show_file "$T/usage.err" >&2; fail "no reason for --max-megapixels $bad"; }
done
capture run2 lt run --max-megapixels 5
[ "$RC" = 1 ] || { show_file "$T/run2.err" >&2; fail "run --max-megapixels 5 exited $RC, not 1"; }
grep -q "letter.png.*more than the 5 megapixels" "$T/run2.err" ||
	{ show_file "$T/run2.err" stderr >&2; fail "an 8.7-megapixel page is not failed by --max-megapixels 5"; }
echo "ok: the pixel cap: 150 megapixels by default, --max-megapixels moves it"
