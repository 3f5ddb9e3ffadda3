#!/bin/bash
# Throughput of `luutru batch` against the peer it replaces: the tesseract
# command line, one process per page (txt + hOCR), with the same number of
# pages in flight at once. Both run in this invocation on the same pages, so
# the ratio holds on a noisy shared machine where absolute figures do not.
#
#   bench/run.sh [PAGES] [JOBS]      default: 12 pages from ../shared/corpus/dev, jobs = cores
#
# Prints pages per minute for each, the ratio, and luutru's peak memory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus/dev}
PAGES=${1:-12}
JOBS=${2:-$(nproc)}
LUUTRU=${LUUTRU:-$ROOT/luutru}
LANGS=${LANGS:-vie+eng}
export OMP_THREAD_LIMIT=1

W=$(mktemp -d "${TMPDIR:-/tmp}/luutru-bench.XXXXXX")
trap 'chmod -R u+w "$W"; rm -rf "$W"' EXIT
mkdir -p "$W/inbox" "$W/cli"

# Single-page PNG/JPEG pages of the development corpus, repeated if needed.
mapfile -t src < <(ls "$CORPUS"/*.png "$CORPUS"/*.jpg 2>/dev/null | sort)
[ ${#src[@]} -gt 0 ] || { echo "bench: no pages in $CORPUS" >&2; exit 3; }
for ((i = 0; i < PAGES; i++)); do
	f=${src[$((i % ${#src[@]}))]}
	# A distinct byte appended keeps repeated pages distinct documents.
	{ cat "$f"; printf '%d' "$i"; } > "$W/inbox/p$(printf %04d $i).${f##*.}"
done

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
echo "bench: $PAGES pages, $JOBS jobs, languages $LANGS, $(tesseract --version 2>&1 | head -1)"

t0=$(now)
ls "$W"/inbox/* | xargs -P "$JOBS" -I{} sh -c \
	'tesseract "$1" "$2/$(basename "$1")" -l "$3" txt hocr >/dev/null 2>&1' _ {} "$W/cli" "$LANGS"
t1=$(now)
cli=$(calc "$t1 - $t0")

rss_file=$W/rss
t0=$(now)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$rss_file" "$LUUTRU" --archive "$W/archive" batch -j "$JOBS" --lang "$LANGS" "$W/inbox" > "$W/luutru.out"
else
	"$LUUTRU" --archive "$W/archive" batch -j "$JOBS" --lang "$LANGS" "$W/inbox" > "$W/luutru.out"
fi
t1=$(now)
lt=$(calc "$t1 - $t0")

archived=$(grep -c '^archived ' "$W/luutru.out" || true)
printf 'tesseract CLI (txt+hocr, process per page): %6.1f s  %6.1f pages/min\n' "$cli" "$(calc "$PAGES * 60 / $cli")"
printf 'luutru batch (ingest, OCR, bag, catalog):    %6.1f s  %6.1f pages/min  (%d/%d archived)\n' \
	"$lt" "$(calc "$PAGES * 60 / $lt")" "$archived" "$PAGES"
printf 'ratio luutru / tesseract CLI throughput:     %6.2fx\n' "$(calc "$cli / $lt")"
[ -s "$rss_file" ] && printf 'luutru peak memory:                          %6.1f MB\n' "$(calc "$(cat "$rss_file") / 1024")"
exit 0
