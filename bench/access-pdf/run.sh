#!/bin/bash
# What the access PDF costs next to OCR, page by page:
#
#   bench/access-pdf/run.sh [PAGE...]   default: bitonal, grey and JPEG pages of
#                                       ../shared/corpus/dev, and the JPEG sample
#
# Builds bench.c against the objects of `make` (run it first), prints for
# each page Tesseract's recognition time and lt_pdf_add_page's, and the share.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus/dev}
export OMP_THREAD_LIMIT=1
cd "$ROOT"
[ -x luutru ] || { echo "bench: run make first" >&2; exit 3; }
W=$(mktemp -d "${TMPDIR:-/tmp}/luutru-bench-pdf.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
objs=$(ls build/*.o | grep -v '/\(main\|front\)\.o$')
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude $(make -s --no-print-directory print-cflags) -o "$W/bench" \
	bench/access-pdf/bench.c $objs $(make -s --no-print-directory print-libs)
if [ $# -eq 0 ]; then
	set --
	for p in bitonal-text-0001.tif bitonal-tpl-0001.tif clean-text-0001.png clean-tpl-0001.png \
		 noiseblur-text-0001.png multicol2-text-0001.png jpeg40-text-0001.jpg jpeg40-tpl-0001.jpg; do
		[ -f "$CORPUS/$p" ] && set -- "$@" "$CORPUS/$p"
	done
	set -- "$@" "$ROOT/samples/inbox/quyet-dinh-1127.jpg"
fi
"$W/bench" "$W/out.pdf" "$@"
echo "PDF: $(stat -c %s "$W/out.pdf") bytes; qpdf --check: $(qpdf --check "$W/out.pdf" 2>&1 | grep -c 'No syntax or stream encoding errors') ok"
