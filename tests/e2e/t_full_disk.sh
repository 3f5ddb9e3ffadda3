#!/bin/bash
# A real full disk: the archive on a size-limited tmpfs, filled up to leave
# a little less room each time than packaging and the catalog commit of one
# document need, so that the run meets ENOSPC first while packaging, then at
# the catalog commit (just after the bundle was moved into bundles/). Each
# time: the run stops with a run-wide error (exit 3), the document is not
# failed, bundles/ holds nothing the catalog does not record, and once room
# is made the next run archives it, with PRAGMA integrity_check ok.
# Needs to mount a tmpfs (root with CAP_SYS_ADMIN): skipped otherwise.
. "$(dirname "$0")/lib.sh"

mnt=$T/mnt
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=16m,mode=0755 tmpfs "$mnt" 2>"$T/mount.err"; then
	echo "skip: cannot mount a tmpfs here ($(head -n 1 "$T/mount.err")): full-disk tests need root with CAP_SYS_ADMIN"
	exit 0
fi
trap 'umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null; cleanup' EXIT

mkdir -p "$T/inbox"
python3 "$E2E_DIR/bars_png.py" "$T/inbox/page.png" 7
base=$T/base/archive
"$LUUTRU" --archive "$base" ingest "$T/inbox" >"$T/ingest.out" || fail "ingest failed"

# The bundle's size, from a run on an ordinary disk.
cp -a "$base" "$T/dry"
"$LUUTRU" --archive "$T/dry" run -j 1 --lang eng >"$T/dry.out" 2>&1 || { show_file "$T/dry.out" >&2; fail "the run on an ordinary disk failed"; }
bundle_size=$(find "$T/dry/bundles" -name '*.tar' -printf '%s\n')
[ -n "$bundle_size" ] || fail "the run on an ordinary disk made no bundle"

ARCHIVE=$mnt/archive
saw_package=0 saw_commit=0 tries=0
# From no room for the bundle at all to room for it and a little more: the
# first runs fail writing the tar, later ones at the commit.
for margin in $(seq -32768 8192 262144); do
	tries=$((tries + 1))
	rm -rf "${mnt:?}"/*
	cp -a "$base" "$ARCHIVE"
	avail=$(df --output=avail -B1 "$mnt" | tail -n 1)
	fill=$((avail - bundle_size - margin))
	[ "$fill" -gt 0 ] || continue
	fallocate -l "$fill" "$mnt/filler" 2>/dev/null || head -c "$fill" /dev/zero >"$mnt/filler" 2>/dev/null || true
	capture full lt run -j 1 --lang eng
	if [ "$RC" = 0 ]; then
		break   # room enough at last: both cases should have been seen by now
	fi
	[ "$RC" = 3 ] || { show_file "$T/full.err" stderr >&2; fail "a full disk (margin $margin) made run exit $RC, not 3"; }
	grep -qi 'space\|full' "$T/full.err" || { show_file "$T/full.err" stderr >&2; fail "the error does not say the disk is full"; }
	if grep -q 'stage package' "$T/full.err"; then saw_package=1; fi
	if grep -q 'stage commit' "$T/full.err"; then saw_commit=1; fi
	[ "$(sql "SELECT COUNT(*) FROM documents WHERE state = 'failed'")" = 0 ] ||
		{ show_file "$T/full.err" stderr >&2; fail "a full disk (margin $margin) failed the document"; }
	# Room again: the next run archives the document, leaving nothing unknown.
	rm -f "$mnt/filler"
	capture after lt run -j 1 --lang eng
	[ "$RC" = 0 ] || { show_file "$T/after.out" >&2; show_file "$T/after.err" stderr >&2; fail "the run after freeing space (margin $margin) exited $RC"; }
	[ "$(sql "SELECT state FROM documents")" = archived ] || fail "the document was not archived once there was room (margin $margin)"
	(cd "$ARCHIVE" && find bundles -type f | LC_ALL=C sort) >"$T/on-disk"
	sql "SELECT path FROM bundles" | LC_ALL=C sort >"$T/recorded"
	diff "$T/on-disk" "$T/recorded" >&2 || fail "bundles/ and the catalog disagree after a full disk (margin $margin)"
	[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed after a full disk (margin $margin)"
	[ -z "$(ls -A "$ARCHIVE/work")" ] || fail "work/ is not empty after a full disk (margin $margin)"
	[ "$saw_package" = 1 ] && [ "$saw_commit" = 1 ] && break
done
[ "$saw_package" = 1 ] || fail "no run met the full disk while packaging ($tries tries)"
[ "$saw_commit" = 1 ] || fail "no run met the full disk at the catalog commit ($tries tries)"
echo "ok: a full tmpfs stopped the run at packaging and at the commit; nothing failed or left behind ($tries tries)"
