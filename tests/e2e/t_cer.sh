#!/bin/bash
# OCR quality on a clean page: page 1 of bao-cao-2016, from its bundle, has a
# CER under 5% against its ground truth (../shared/tools/ocreval --json).
. "$(dirname "$0")/lib.sh"
use_processed_archive

doc=bao-cao-2016
id=${DOC_ID[$doc]}
bag=$(extract_bundle "$(bundle_of "$id")" "$T/x/$id")
txt=$bag/data/representations/ocr/data/0001.txt
[ -s "$txt" ] || fail "$doc ($id): no or empty ocr/data/0001.txt"
gt=$(truth_of "$doc/page-0001.png")
"$OCREVAL" --json "$T/cer.json" "$gt" "$txt" >/dev/null || fail "ocreval failed on $txt"
cer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["cer"])' "$T/cer.json")
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 0.05 else 1)' "$cer" ||
	{ head -c 600 "$txt" >&2; echo >&2; fail "$doc p.1: CER $cer is not under 0.05"; }
echo "ok: $doc p.1 CER $cer"
