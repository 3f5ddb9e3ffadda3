#!/bin/bash
# ingest --min-age leaves documents that are still being written for later;
# a folder ingested again with other content supersedes its unfinished
# predecessor; a missing OCR language stops a run before it touches the queue.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/inbox/dossier"
cp "$SAMPLES/inbox/letter-en.png" "$T/inbox/dossier/page-1.png"
capture young lt ingest --min-age 3600 "$T/inbox"
[ "$RC" = 0 ] || fail "ingest --min-age exited $RC"
grep -qx 'ingest: 0 queued, 0 already known, 0 rejected, 1 skipped' "$T/young.out" || { show_file "$T/young.out" >&2; fail "a just-written folder was queued despite --min-age"; }
grep -q '^skipped .*dossier.*min-age' "$T/young.out" || { show_file "$T/young.out" >&2; fail "the skipped folder is not reported with its reason"; }
capture bad lt ingest --min-age soon "$T/inbox"
[ "$RC" = 2 ] || fail "--min-age soon exited $RC, not 2"

capture first lt ingest "$T/inbox"
grep -q '^queued .* dossier (1 page)' "$T/first.out" || { show_file "$T/first.out" >&2; fail "the folder was not queued without --min-age"; }
cp "$SAMPLES/inbox/quyet-dinh-1127.jpg" "$T/inbox/dossier/page-2.jpg"
capture grown lt ingest "$T/inbox"
grep -q '^queued .* dossier (2 pages)' "$T/grown.out" || { show_file "$T/grown.out" >&2; fail "the grown folder was not queued"; }
grep -q '^superseded 1 unfinished document from dossier' "$T/grown.out" || { show_file "$T/grown.out" >&2; fail "the unfinished one-page document was not superseded by the grown folder"; }

# The page taken out again: the one-page content is current again.
mv "$T/inbox/dossier/page-2.jpg" "$T/page-2.jpg"
capture shrunk lt ingest "$T/inbox"
grep -q '^requeued .* dossier (superseded before)' "$T/shrunk.out" || { show_file "$T/shrunk.out" >&2; fail "the earlier content was not queued again"; }
grep -q '^superseded 1 unfinished document from dossier' "$T/shrunk.out" || { show_file "$T/shrunk.out" >&2; fail "the two-page document was not superseded"; }

capture lang lt run --lang eng+zzz
[ "$RC" = 3 ] || fail "run with a missing language exited $RC, not 3"
grep -q "language data 'zzz'" "$T/lang.err" || { show_file "$T/lang.err" stderr >&2; fail "the missing language is not named"; }
capture status lt status
status_counts queued "1 1" || { show_file "$T/status.out" >&2; fail "the queue changed after a run that could not start"; }
grep -q '^superseded: *1 document' "$T/status.out" || { show_file "$T/status.out" >&2; fail "status does not count the superseded document"; }
echo "ok: --min-age, grown folders, missing languages"
