#!/bin/bash
# The reading room under load: requests per second and p95 latency of
# `luutru serve` for search, document, page-viewer and page-image requests,
# from a bounded load generator on loopback (load.py, Python stdlib).
#
#   bench/serve/run.sh [CLIENTS] [REQUESTS_EACH]     default: 8 clients, 200 requests each
#
# ARCHIVE=DIR benchmarks an existing archive (e.g. #9's 1,000,000-page
# catalog from bench/search; QUERIES="w1|w2" then names words it holds);
# by default the samples are ingested and run once into a temporary archive.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LUUTRU=${LUUTRU:-$ROOT/luutru}
CLIENTS=${1:-8}
EACH=${2:-200}
export OMP_THREAD_LIMIT=1

W=$(mktemp -d "${TMPDIR:-/tmp}/luutru-bench-serve.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; chmod -R u+w "$W"; rm -rf "$W"' EXIT
if [ -z "${ARCHIVE:-}" ]; then
	ARCHIVE=$W/archive
	cp -R "$ROOT/samples/inbox" "$W/inbox"
	"$LUUTRU" --archive "$ARCHIVE" ingest "$W/inbox" >/dev/null
	"$LUUTRU" --archive "$ARCHIVE" run -j "$(nproc)" >/dev/null
fi
"$LUUTRU" --archive "$ARCHIVE" serve --listen 127.0.0.1:0 --cache "$W/cache" >"$W/serve.out" 2>"$W/serve.err" &
pid=$!
for _ in $(seq 1 100); do
	url=$(sed -n 's/^serving .* at \(http:[^ ]*\)\/ .*/\1/p' "$W/serve.out")
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || { cat "$W/serve.err" >&2; exit 3; }

IFS='|' read -r -a words <<<"${QUERIES:-van phong|tinh uy|quyet dinh|chi thi|hoi nghi}"
search=()
for w in "${words[@]}"; do search+=("/?q=${w// /+}"); done
mapfile -t docs < <(sqlite3 "file:$ARCHIVE/catalog.sqlite?mode=ro" \
	"select id from documents where state = 'archived' limit 20")
docpaths=() pagepaths=() images=()
for d in "${docs[@]}"; do
	docpaths+=("/d/$d")
	pagepaths+=("/d/$d/p/1?q=van+phong")
	images+=("/d/$d/p/1/image")
done
echo "luutru serve, $CLIENTS clients x $EACH requests, ${#docs[@]} documents ($(nproc) cores)"
printf '%-22s' "search:";         /usr/bin/python3 "$HERE/load.py" "$url" "$CLIENTS" "$EACH" "${search[@]}"
printf '%-22s' "document:";       /usr/bin/python3 "$HERE/load.py" "$url" "$CLIENTS" "$EACH" "${docpaths[@]}"
printf '%-22s' "page viewer:";    /usr/bin/python3 "$HERE/load.py" "$url" "$CLIENTS" "$((EACH / 4 + 1))" "${pagepaths[@]}"
printf '%-22s' "image (first):";  /usr/bin/python3 "$HERE/load.py" "$url" 1 "${#images[@]}" "${images[@]}"
printf '%-22s' "image (cached):"; /usr/bin/python3 "$HERE/load.py" "$url" "$CLIENTS" "$EACH" "${images[@]}"
