#!/bin/bash
# A page too large to decode safely (a 400-megapixel PNG of a few kB, a
# decompression bomb) fails its own document with the reason; and a document
# that was being processed by three runs that all died is failed rather than
# claimed a fourth time.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/inbox"
python3 - "$T/inbox/bomb.png" <<'PY'
import struct, sys, zlib
w = h = 20000
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
row = b"\0" + b"\0" * (w // 8)
raw = zlib.compressobj(9)
body = b"".join(raw.compress(row) for _ in range(h)) + raw.flush()
with open(sys.argv[1], "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))
PY
cp "$SAMPLES/inbox/letter-en.png" "$T/inbox/good.png"
capture ingest lt ingest "$T/inbox"
[ "$RC" = 0 ] || { show_file "$T/ingest.out" >&2; fail "ingest exited $RC"; }
bomb=$(id_from_ingest "$T/ingest.out" bomb.png) || fail "bomb.png not queued"
good=$(id_from_ingest "$T/ingest.out" good.png) || fail "good.png not queued"

# Pretend good.png was in hand when three runs in a row crashed on it (the
# crash handler names it in work/crashed; an outside kill would not count).
sqlite3 "$ARCHIVE/catalog.sqlite" "UPDATE documents SET state = 'processing', attempts = 3 WHERE id = '$good'"
mkdir -p "$ARCHIVE/work" && echo "$good" >"$ARCHIVE/work/crashed"
capture run lt run
[ "$RC" = 1 ] || { show_file "$T/run.out" >&2; fail "run exited $RC, not 1"; }
grep -q "bomb.png.*megapixels" "$T/run.err" || { show_file "$T/run.err" stderr >&2; fail "the oversized page is not failed with its reason"; }
grep -q "1 document failed: in 3 interrupted runs" "$T/run.err" || { show_file "$T/run.err" stderr >&2; fail "the document of three crashed runs was not given up"; }
capture status lt status
status_counts failed "2 2" || { show_file "$T/status.out" >&2; fail "status does not show both documents failed"; }
grep -q "$good.*runs died while processing it" "$T/status.out" || { show_file "$T/status.out" >&2; fail "status does not say why $good failed"; }
echo "ok: oversized page and crash-looping document failed with reasons"
