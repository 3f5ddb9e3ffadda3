#!/bin/bash
# What a nightly batch does to the next morning's searches, and what the
# upkeep at the end of a run (lt_catalog_maintain) gives back:
#
#   bench/search/night.sh [PAGES [BATCH]]   default 100000 and 10000
#
# Copies the catalog bench/search/run.sh PAGES built (run it first), adds
# BATCH pages one document per transaction as a run commits them, without
# upkeep, and times the same searches three times: before the batch, after
# it, and after the upkeep (its time printed in between).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PAGES=${1:-100000}
BATCH=${2:-10000}
RUNS=${RUNS:-20}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/dev}
SRC=${BENCH_SEARCH_DIR:-${TMPDIR:-/tmp}/luutru-bench-search}/$PAGES/archive
cd "$ROOT"
[ -f "$SRC/bench-search.txt" ] || { echo "bench/search/night.sh: run bench/search/run.sh $PAGES first" >&2; exit 3; }
W=$(mktemp -d "${TMPDIR:-/tmp}/luutru-bench-night.XXXXXX")
trap 'rm -rf "$W"' EXIT
objs=$(ls build/*.o | grep -v '/\(main\|front\)\.o$')
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude $(make -s --no-print-directory print-cflags) -o "$W/gen" \
	bench/search/gen.c $objs $(make -s --no-print-directory print-libs)
mkdir -p "$W/archive"
cp "$SRC/catalog.sqlite" "$W/archive/"
docs=$(sed -n 's/^pages: *[0-9]* in \([0-9]*\) documents.*/\1/p' "$SRC/bench-search.txt")
A=$W/archive
for q in 'tài' '"bảo quản tài liệu"' 'luu tru' 'nghị*' 'thẩm'; do
	printf '%s\t--archive\t%s\tsearch\t%s\n' "$ROOT/luutru" "$A" "$q" >>"$W/queries"
done
segments() { sqlite3 "$A/catalog.sqlite" 'SELECT COUNT(DISTINCT segid) FROM page_text_idx'; }
printf '%-16s %8s %8s %8s %6s %4s %8s %8s\n' "" "p50 ms" "p95 ms" "p99 ms" runs qs "cpu p50" "cpu p95"
"$W/gen" time "before ($(segments) seg)" "$RUNS" "$W/queries"
GEN_FIRST_DOC=$((docs + 1000000)) GEN_ONE_BY_ONE=1 GEN_NO_UPKEEP=1 \
	"$W/gen" build "$A" "$BATCH" "$CORPUS" "$W/night.tsv" 2>/dev/null
echo "batch: $(sed -n 's/^insert rate: *//p' "$A/bench-search.txt")"
"$W/gen" time "after ($(segments) seg)" "$RUNS" "$W/queries"
GEN_FIRST_DOC=$((docs + 2000000)) "$W/gen" build "$A" 0 "$CORPUS" "$W/upkeep.tsv" 2>/dev/null
echo "upkeep: $(sed -n 's/^index build: *\([0-9.]* s\).*(\([0-9]*\) steps).*/\1, \2 merge steps/p' "$A/bench-search.txt")"
"$W/gen" time "upkept ($(segments) seg)" "$RUNS" "$W/queries"
