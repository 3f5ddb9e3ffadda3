"""bars_png.py PATH SEED [WIDTH HEIGHT BARS] - a grey PNG of random black bars
on white, distinct for each SEED (so each page has its own digest), with no
dependency beyond the Python standard library. For the e2e tests that need
many cheap pages: t_kill_harness.sh, t_full_disk.sh."""
import random
import struct
import sys
import zlib


def write(path, seed, w=640, h=400, bars=60):
    rnd = random.Random(seed)
    rows = [bytearray([255] * w) for _ in range(h)]
    for _ in range(bars):
        x, y = rnd.randrange(8, w - 40), rnd.randrange(8, h - 12)
        for yy in range(y, y + rnd.randrange(3, 9)):
            for xx in range(x, x + rnd.randrange(10, 36)):
                rows[yy][xx] = 0
    raw = b"".join(b"\0" + bytes(r) for r in rows)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    a = sys.argv[1:]
    write(a[0], int(a[1]), *[int(v) for v in a[2:5]])
