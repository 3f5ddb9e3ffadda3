#!/bin/bash
# search --json prints a JSON array of objects with document, page, label,
# snippet, score; the expected document is among them; --limit is honoured.
. "$(dirname "$0")/lib.sh"
use_processed_archive

bao=${DOC_ID[bao-cao-2016]}
capture s lt search "van phong" --json --limit 50
[ "$RC" = 0 ] || { show_file "$T/s.err" stderr >&2; fail "search --json exited $RC"; }
python3 - "$T/s.out" "$bao" <<'PY' || fail "search --json output is not as expected (above)"
import json, sys
try:
    hits = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError as e:
    sys.exit("not JSON: %s" % e)
if not isinstance(hits, list) or not hits:
    sys.exit("expected a non-empty JSON array, got %r" % (hits,))
for h in hits:
    missing = [k for k in ("document", "page", "label", "snippet", "score") if k not in h]
    if missing:
        sys.exit("hit %r lacks %s" % (h, missing))
    if not isinstance(h["page"], int) or not isinstance(h["score"], (int, float)):
        sys.exit("page must be an integer and score a number: %r" % (h,))
if sys.argv[2] not in [h["document"] for h in hits]:
    sys.exit("document %s not among the hits" % sys.argv[2])
PY
capture s1 lt search "van phong" --json --limit 1
[ "$RC" = 0 ] || fail "search --json --limit 1 exited $RC"
n=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/s1.out") || fail "search --json --limit 1: not JSON"
[ "$n" = 1 ] || fail "search --json --limit 1 returned $n hits"
echo "ok: search --json"
