#!/bin/bash
# get DOC --format bag --out DIR extracts the bag into a new folder that
# validates; a tampered bundle (absolute name, "..", a symlink pointing out,
# a hard link, a FIFO, a device) is refused with nothing written inside the
# target folder or outside it, even when the catalog's digest matches the
# tampered tar (so the per-entry check, not the tar's digest, refuses it).
. "$(dirname "$0")/lib.sh"
use_processed_archive

id=${DOC_ID[bao-cao-2016]}
b=$(bundle_of "$id")

# A good bundle: the folder holds the bag itself, the same files as the tar,
# and its manifests check out with the usual tools.
capture good lt get "$id" --format bag --out "$T/bag"
[ "$RC" = 0 ] || { show_file "$T/good.err" stderr >&2; fail "get --format bag exited $RC"; }
grep -q "^extracted $T/bag " "$T/good.out" || { show_file "$T/good.out" >&2; fail "get --format bag does not say what it extracted"; }
[ -f "$T/bag/bagit.txt" ] && [ -d "$T/bag/data" ] || fail "get --format bag: no bagit.txt or data/ in the folder"
ref=$(extract_bundle "$b" "$T/ref")
diff -r "$ref" "$T/bag" >"$T/diff.out" || { show_file "$T/diff.out" diff >&2; fail "the extracted bag differs from the tar's contents"; }
(cd "$T/bag" && sha256sum --quiet -c manifest-sha256.txt && sha256sum --quiet -c tagmanifest-sha256.txt) ||
	fail "the extracted bag's manifests do not check"
[ -z "$(find "$T/bag" ! -type f ! -type d)" ] || fail "the extracted bag holds something neither a file nor a folder"
[ -z "$(find "$T/bag" -type f -perm /0111)" ] || fail "an extracted file is executable"
[ -z "$(ls -a "$T" | grep '\.part-')" ] || fail "get --format bag left a temporary folder behind"

# Into an empty folder, and by default into ./DOC.
mkdir "$T/empty" "$T/cwd"
capture empty lt get "$id" --format bag --out "$T/empty/"
[ "$RC" = 0 ] && [ -f "$T/empty/bagit.txt" ] || { show_file "$T/empty.err" stderr >&2; fail "get --format bag into an empty folder exited $RC"; }
cd "$T/cwd"
capture dflt lt get "$id" --format bag
cd - >/dev/null
[ "$RC" = 0 ] && [ -f "$T/cwd/$id/bagit.txt" ] || { show_file "$T/dflt.err" stderr >&2; fail "get --format bag without --out did not make ./$id (exit $RC)"; }

# A non-empty folder, a file, standard output and the archive are refused (exit 2), untouched.
mkdir "$T/full"
echo keep >"$T/full/keep"
capture full lt get "$id" --format bag --out "$T/full"
[ "$RC" = 2 ] || fail "get --format bag into a non-empty folder exited $RC, not 2"
grep -q 'not empty' "$T/full.err" || { show_file "$T/full.err" stderr >&2; fail "get into a non-empty folder does not say why"; }
[ "$(ls -A "$T/full")" = keep ] && [ "$(cat "$T/full/keep")" = keep ] || fail "get --format bag changed a non-empty folder"
echo keep >"$T/afile"
capture afile lt get "$id" --format bag --out "$T/afile"
[ "$RC" = 2 ] && [ "$(cat "$T/afile")" = keep ] || fail "get --format bag onto a file exited $RC or changed it"
capture dash lt get "$id" --format bag --out -
[ "$RC" = 2 ] || fail "get --format bag --out - exited $RC, not 2"
capture inarch lt get "$id" --format bag --out "$ARCHIVE/bundles/newbag"
[ "$RC" = 2 ] && [ ! -e "$ARCHIVE/bundles/newbag" ] || fail "get --format bag into the archive exited $RC, not 2"
capture fmt lt get "$id" --format zip --out "$T/zip"
[ "$RC" = 2 ] && [ ! -e "$T/zip" ] || fail "get --format zip exited $RC, not 2"
# --format tar is the default's behaviour.
capture tar lt get "$id" --format tar --out "$T/copy.tar"
[ "$RC" = 0 ] && cmp -s "$b" "$T/copy.tar" || fail "get --format tar did not copy the bundle (exit $RC)"

# Tampered bundles. Each is the real bundle plus one hostile entry, written
# with python's tarfile; the catalog is told the tampered tar's digest.
mkdir "$T/outside"
echo victim >"$T/outside/victim"
cp "$b" "$T/original.tar"
rel=${b#"$ARCHIVE/"}
tamper() { # KIND
	python3 - "$T/original.tar" "$b" "$id" "$T/outside" "$1" <<'PY'
import io, sys, tarfile
src, dst, top, outside, kind = sys.argv[1:]
payload = b"pwned\n"
with tarfile.open(src) as tin, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as tout:
    for m in tin.getmembers():
        tout.addfile(m, tin.extractfile(m) if m.isfile() else None)
    def add(name, **kw):
        ti = tarfile.TarInfo(name)
        for k, v in kw.items():
            setattr(ti, k, v)
        tout.addfile(ti, io.BytesIO(payload) if ti.isfile() else None)
    if kind == "absolute":
        add(outside + "/pwned-absolute", size=len(payload))
    elif kind == "dotdot":
        add(top + "/data/../../pwned-dotdot", size=len(payload))
    elif kind == "symlink":
        add(top + "/data/out", type=tarfile.SYMTYPE, linkname=outside)
        add(top + "/data/out/pwned-symlink", size=len(payload))
    elif kind == "hardlink":
        add(top + "/data/hl", type=tarfile.LNKTYPE, linkname=outside + "/victim")
        add(top + "/data/hl", size=len(payload))
    elif kind == "fifo":
        add(top + "/data/fifo", type=tarfile.FIFOTYPE)
    elif kind == "device":
        add(top + "/data/null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
PY
	sql "UPDATE bundles SET sha256 = '$(sha256sum <"$b" | cut -d' ' -f1)', size = $(stat -c %s "$b") WHERE path = '$rel'"
}
chmod u+w "$b" "$(dirname "$b")"
for kind in absolute dotdot symlink hardlink fifo device; do
	tamper "$kind"
	capture "t-$kind" lt get "$id" --format bag --out "$T/out-$kind"
	[ "$RC" = 1 ] || { show_file "$T/t-$kind.err" stderr >&2; fail "get --format bag of a bundle with a $kind entry exited $RC, not 1"; }
	grep -q 'nothing extracted' "$T/t-$kind.err" || { show_file "$T/t-$kind.err" stderr >&2; fail "the refusal of a $kind entry does not say that nothing was extracted"; }
	[ ! -e "$T/out-$kind" ] || fail "get --format bag of a bundle with a $kind entry created the target folder"
	[ -z "$(ls -a "$T" | grep '\.part-')" ] || fail "get --format bag of a bundle with a $kind entry left a temporary folder"
	# An empty target folder stays empty.
	mkdir "$T/keep-$kind"
	capture "e-$kind" lt get "$id" --format bag --out "$T/keep-$kind"
	[ "$RC" = 1 ] && [ -z "$(ls -A "$T/keep-$kind")" ] || fail "a $kind entry: the empty target folder was changed (exit $RC)"
done
grep -q "is a symbolic link" "$T/t-symlink.err" || { show_file "$T/t-symlink.err" stderr >&2; fail "the refusal of a symlink does not name it"; }
grep -q "hard link" "$T/t-hardlink.err" || { show_file "$T/t-hardlink.err" stderr >&2; fail "the refusal of a hard link does not name it"; }
grep -q "FIFO" "$T/t-fifo.err" || { show_file "$T/t-fifo.err" stderr >&2; fail "the refusal of a FIFO does not name it"; }
[ "$(ls -A "$T/outside")" = victim ] && [ "$(cat "$T/outside/victim")" = victim ] ||
	fail "a tampered bundle wrote outside the target folder: $(ls -A "$T/outside")"
[ -z "$(find "$T" "$ARCHIVE" -name 'pwned*')" ] || fail "a tampered bundle wrote $(find "$T" "$ARCHIVE" -name 'pwned*')"
echo "ok: get --format bag"
