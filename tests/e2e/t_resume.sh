#!/bin/bash
# A run killed with SIGKILL mid-batch (a power cut, as far as the archive can
# tell) is resumed by the next run: every document ends archived exactly once,
# no bundle lacks its catalog row or the reverse, and work/ is empty.
. "$(dirname "$0")/lib.sh"

ingest_samples
docs=$DOCS
q() { sql "$1"; }

"$LUUTRU" --archive "$ARCHIVE" run -j 1 >"$T/run1.out" 2>&1 &
pid=$!
# Kill once the first document is committed and the second is under way.
wait_for_documents archived
sleep 0.5
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true

archived=$(q "SELECT COUNT(*) FROM documents WHERE state = 'archived'")
[ "$archived" -ge 1 ] || { cat "$T/run1.out" >&2; fail "no document was archived before the kill"; }
[ "$archived" -lt "$docs" ] || fail "the run finished before it could be killed: nothing to resume"
# Every archived document's bundle is on disk, complete (its recorded digest).
for row in $(q "SELECT path || ':' || sha256 FROM bundles"); do
	sum=$(sha256sum "$ARCHIVE/${row%%:*}" | cut -d' ' -f1)
	[ "$sum" = "${row##*:}" ] || fail "bundle ${row%%:*} recorded before the kill does not match its digest"
done

capture run2 lt run -j 2
[ "$RC" = 0 ] || { show_file "$T/run2.out" >&2; show_file "$T/run2.err" stderr >&2; fail "the resumed run exited $RC"; }
[ "$(q "SELECT COUNT(*) FROM documents WHERE state = 'archived'")" = "$docs" ] ||
	fail "after resuming, not all $docs documents are archived"
[ "$(q "SELECT COUNT(*) FROM bundles")" = "$docs" ] || fail "bundle rows: $(q 'SELECT COUNT(*) FROM bundles'), expected $docs"
[ "$(all_bundles | wc -l)" = "$docs" ] || fail "bundle files: $(all_bundles | wc -l), expected $docs"
[ -z "$(ls -A "$ARCHIVE/work")" ] || fail "work/ is not empty after the resumed run"
for row in $(q "SELECT path || ':' || sha256 FROM bundles"); do
	sum=$(sha256sum "$ARCHIVE/${row%%:*}" | cut -d' ' -f1)
	[ "$sum" = "${row##*:}" ] || fail "bundle ${row%%:*} does not match its recorded digest"
done
# Pages of the resumed documents are indexed once each.
capture search lt search --json --limit 100 '"Trung tâm Hành chính"'
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/search.out")" = 1 ] ||
	{ show_file "$T/search.out" >&2; fail "a phrase on one page is found on more or fewer than one page"; }
echo "ok: killed after $archived of $docs documents; resumed to $docs archived"
