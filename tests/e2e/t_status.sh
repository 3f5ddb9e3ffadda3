#!/bin/bash
# status after the samples were processed: every document and page archived,
# nothing queued, processing or failed.
. "$(dirname "$0")/lib.sh"
use_processed_archive

capture status lt status
[ "$RC" = 0 ] || { show_file "$T/status.err" stderr >&2; fail "status exited $RC"; }
ndocs=$(sample_docs | wc -l)
pages=$(total_expected_pages)
status_counts archived "$ndocs $pages" || fail "status does not show $ndocs archived documents of $pages pages"
for s in queued processing failed; do
	status_counts "$s" "0 0" || fail "status does not show 0 $s documents and pages"
done
echo "ok: status"
