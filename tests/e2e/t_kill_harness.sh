#!/bin/bash
# Kill harness: a 20-document batch (one-page files and two- or three-page
# folders of small generated pages) is run with -j 2 and SIGKILLed at seeded
# random moments, at least 10 times while it works, then resumed to the end.
# Afterwards: every input page is in exactly one bundle (by digest), the
# catalog passes PRAGMA integrity_check, bundles/ holds exactly the bundles
# the catalog records and work/ is empty, status adds up, and no document
# was failed: an outside kill is never the document's fault.
# SEED=n picks another campaign; KILLS=n asks for more kills.
. "$(dirname "$0")/lib.sh"

seed=${SEED:-10}
want_kills=${KILLS:-12}
in=$T/inbox
mkdir -p "$in"
# Small PNGs, each unique (its own bars), so each page has its own digest.
python3 - "$in" "$E2E_DIR" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[2])
import bars_png
root = sys.argv[1]
def png(path, seed):
    bars_png.write(path, seed, 1600, 2000, 1500)
n = 0
for d in range(20):
    if d % 2 == 0:
        png(os.path.join(root, "doc-%02d.png" % d), n); n += 1
    else:
        os.mkdir(os.path.join(root, "doc-%02d" % d))
        for p in range(2 + d % 3 // 2):
            png(os.path.join(root, "doc-%02d" % d, "page-%d.png" % (p + 1)), n); n += 1
PY
pages=$(find "$in" -name '*.png' | wc -l)
capture ingest lt ingest "$in"
[ "$RC" = 0 ] || { show_file "$T/ingest.out" >&2; fail "ingest exited $RC"; }
[ "$(grep -c '^queued ' "$T/ingest.out")" = 20 ] || { show_file "$T/ingest.out" >&2; fail "20 documents were not queued"; }

# The campaign: start a run, kill it at a random moment, resume. A kill
# counts when the run was still alive to receive it.
RANDOM=$seed
kills=0 tries=0 window=1500
while [ "$kills" -lt "$want_kills" ] && [ "$tries" -lt $((want_kills * 4)) ]; do
	tries=$((tries + 1))
	left=$(sql "SELECT COUNT(*) FROM documents WHERE state IN ('queued', 'processing')")
	[ "$left" -gt 0 ] || break
	"$LUUTRU" --archive "$ARCHIVE" run -j 2 --lang eng >>"$T/campaign.out" 2>>"$T/campaign.err" &
	pid=$!
	# From loading the models to mid-document. The pages are small, so a
	# quiet machine may finish a run before the kill: then the window
	# shrinks, so that a fast machine gets its kills too.
	ms=$((30 + RANDOM % window))
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	if kill -KILL "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	else
		window=$((window * 2 / 3 > 60 ? window * 2 / 3 : 60))
	fi
	wait "$pid" 2>/dev/null || true
done
[ "$kills" -ge 10 ] || fail "only $kills kills landed while a run was working (seed $seed): the batch finished too soon"

capture final lt run -j 2 --lang eng
[ "$RC" = 0 ] || { show_file "$T/final.out" >&2; show_file "$T/final.err" stderr >&2; show_file "$T/campaign.err" "campaign stderr" >&2; fail "the run after $kills kills exited $RC"; }

# No healthy document failed, and everything is archived.
failed=$(sql "SELECT COUNT(*) FROM documents WHERE state = 'failed'")
[ "$failed" = 0 ] || { sql "SELECT id, failure FROM documents WHERE state = 'failed'" >&2; fail "$failed healthy documents failed after $kills kills"; }
[ "$(sql "SELECT COUNT(*) FROM documents WHERE state = 'archived'")" = 20 ] || fail "not every document was archived"

[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail "PRAGMA integrity_check is not ok"

# bundles/ holds exactly what the catalog records; work/ is empty.
(cd "$ARCHIVE" && find bundles -type f | LC_ALL=C sort) >"$T/on-disk"
sql "SELECT path FROM bundles ORDER BY path" | LC_ALL=C sort >"$T/recorded"
diff "$T/on-disk" "$T/recorded" >"$T/bundles.diff" || { cat "$T/bundles.diff" >&2; fail "bundles/ and the catalog disagree"; }
[ -z "$(ls -A "$ARCHIVE/work" 2>/dev/null)" ] || fail "work/ is not empty: $(ls -A "$ARCHIVE/work")"
[ ! -e "$ARCHIVE/run.stopping" ] || fail "run.stopping was left behind"

# Every input page in exactly one bundle: the master digests of every
# bundle recorded, each input digest exactly once.
: >"$T/masters"
for b in $(sql "SELECT path FROM bundles"); do
	tar -xOf "$ARCHIVE/$b" --wildcards '*/manifest-sha256.txt' | grep ' data/representations/master/' |
		cut -d' ' -f1 >>"$T/masters"
done
(cd "$in" && find . -name '*.png' -exec sha256sum {} + | cut -d' ' -f1) | LC_ALL=C sort >"$T/inputs"
LC_ALL=C sort "$T/masters" >"$T/masters.sorted"
diff "$T/inputs" "$T/masters.sorted" >"$T/pages.diff" || { head -20 "$T/pages.diff" >&2; fail "the input pages and the bundles' masters differ (each page must be in exactly one bundle)"; }

capture status lt status
status_counts archived "20 $pages" || fail "status does not add up to 20 documents, $pages pages archived"
echo "ok: $kills SIGKILLs (seed $seed, $tries runs), then resumed: 20 documents, $pages pages, each page in one bundle, nobody failed"
