#!/bin/bash
# ingest of the samples: one "queued <id> <label> (<n> pages)" line per document
# with the page count of its ground truth, the summary line, exit 0; run exits 0.
. "$(dirname "$0")/lib.sh"
use_processed_archive

ndocs=$(sample_docs | wc -l)
for d in $(sample_docs); do
	want=$(expected_pages "$d")
	line=$(grep -E "^queued ${DOC_ID[$d]} " "$INGEST_OUT") || fail "no queued line for $d"
	[[ "$line" =~ \(([0-9]+)\ pages?\)$ ]] || fail "ingest line for $d does not end in '(<n> pages)': $line"
	[ "${BASH_REMATCH[1]}" = "$want" ] || fail "$d: ingest says ${BASH_REMATCH[1]} pages, the samples have $want: $line"
done
[ "$(grep -c '^queued ' "$INGEST_OUT")" = "$ndocs" ] ||
	{ show_file "$INGEST_OUT" >&2; fail "expected $ndocs queued lines"; }
[ "$(sort <(for d in $(sample_docs); do echo "${DOC_ID[$d]}"; done) | uniq | wc -l)" = "$ndocs" ] ||
	fail "document ids are not distinct: ${DOC_ID[*]}"
grep -qx "ingest: $ndocs queued, 0 already known, 0 rejected, 0 skipped" "$INGEST_OUT" ||
	{ show_file "$INGEST_OUT" >&2; fail "missing summary line 'ingest: $ndocs queued, 0 already known, 0 rejected, 0 skipped'"; }
[ -s "$RUN_OUT" ] || fail "run printed no summary on stdout"
[ -f "$ARCHIVE/catalog.sqlite" ] || fail "no $ARCHIVE/catalog.sqlite"
echo "ok: $ndocs documents, $(total_expected_pages) pages queued and run"
