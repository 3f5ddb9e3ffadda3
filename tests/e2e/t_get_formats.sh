#!/bin/bash
# get hands out a document as its access PDF or its joined text, and one page
# as its master, text, hOCR, ALTO or PDF page: each byte for byte what the
# bundle holds (or made from it), verified on the way, to a file, a folder or
# standard output; a damaged member is refused and nothing is written.
. "$(dirname "$0")/lib.sh"
use_processed_archive

bao=${DOC_ID[bao-cao-2016]}
bag=$(extract_bundle "$(bundle_of "$bao")" "$T/bao")
ocr=$bag/data/representations/ocr/data

get_ok() { # NAME ARGS...: get must exit 0
	local name=$1
	shift
	capture "$name" lt get "$bao" "$@"
	[ "$RC" = 0 ] || { show_file "$T/$name.err" stderr >&2; fail "get $* exited $RC"; }
}

# The whole document: the access copy, the texts joined by form feeds.
get_ok pdf --format pdf --out "$T/doc.pdf"
cmp "$T/doc.pdf" "$bag/data/representations/access/data/$bao.pdf" || fail "get --format pdf differs from the bundle's access copy"
grep -q "verified" "$T/pdf.out" || { show_file "$T/pdf.out" >&2; fail "get --format pdf does not say it verified the copy"; }
get_ok txt --format txt --out "$T/doc.txt"
{ cat "$ocr/0001.txt"; printf '\f'; cat "$ocr/0002.txt"; } >"$T/want.txt"
cmp "$T/doc.txt" "$T/want.txt" || fail "get --format txt is not the page texts joined by a form feed"

# One page: each OCR file byte for byte; to standard output too.
get_ok p2txt --page 2 --format txt --out "$T/p2.txt"
cmp "$T/p2.txt" "$ocr/0002.txt" || fail "get --page 2 --format txt differs from 0002.txt"
get_ok p2hocr --page 2 --format hocr --out "$T/p2.hocr"
cmp "$T/p2.hocr" "$ocr/0002.hocr" || fail "get --page 2 --format hocr differs from 0002.hocr"
get_ok p1alto --page 1 --format alto --out -
cmp "$T/p1alto.out" "$ocr/0001.alto.xml" || fail "get --page 1 --format alto --out - differs from 0001.alto.xml"
get_ok p1master --page 1 --out "$T/p1.png"
cmp "$T/p1.png" "$bag/data/representations/master/data/0001.png" || fail "get --page 1 is not the page's master"

# A page of the access copy: one page, its text that page's text.
get_ok p2pdf --page 2 --format pdf --out "$T/p2.pdf"
pdfinfo "$T/p2.pdf" >"$T/p2.info" 2>&1 || { show_file "$T/p2.info" >&2; fail "the page PDF does not open"; }
grep -Eq '^Pages: +1$' "$T/p2.info" || { show_file "$T/p2.info" >&2; fail "the page PDF does not have one page"; }
pdftotext "$T/p2.pdf" "$T/p2pdf.txt"
pdftotext -f 2 -l 2 "$T/doc.pdf" "$T/doc-p2.txt"
cmp "$T/p2pdf.txt" "$T/doc-p2.txt" || fail "the page PDF's text is not page 2 of the access copy"
qpdf --check "$T/p2.pdf" >"$T/qpdf.out" 2>&1 || { show_file "$T/qpdf.out" >&2; fail "qpdf --check fails on the page PDF"; }
get_ok p2pdf-again --page 2 --format pdf --out "$T/p2-again.pdf"
cmp "$T/p2.pdf" "$T/p2-again.pdf" || fail "the same page PDF twice is not the same bytes"

# Default names in a folder.
mkdir "$T/out"
get_ok named --page 2 --format alto --out "$T/out"
[ -f "$T/out/$bao.p2.alto.xml" ] || { ls "$T/out" >&2; fail "get --page 2 --format alto into a folder did not write $bao.p2.alto.xml"; }
get_ok named-pdf --format pdf --out "$T/out/"
[ -f "$T/out/$bao.pdf" ] || { ls "$T/out" >&2; fail "get --format pdf into a folder did not write $bao.pdf"; }

# A page of a multi-page TIFF: that image alone, as a TIFF.
chi=${DOC_ID[chi-thi-05-CT-TW.tif]}
capture tif1 lt get "$chi" --page 1 --out "$T/chi1.tif"
capture tif2 lt get "$chi" --page 2 --out "$T/chi2.tif"
[ "$RC" = 0 ] || { show_file "$T/tif2.err" stderr >&2; fail "get --page 2 of a multi-page TIFF exited $RC"; }
file "$T/chi2.tif" >"$T/chi2.file"
grep -q 'TIFF image data' "$T/chi2.file" || { show_file "$T/chi2.file" >&2; fail "page 2 of a multi-page TIFF is not a TIFF"; }
cmp -s "$T/chi1.tif" "$T/chi2.tif" && fail "pages 1 and 2 of the multi-page TIFF came out the same"
master=$(ls "$(extract_bundle "$(bundle_of "$chi")" "$T/chi")"/data/representations/master/data/*)
[ "$(stat -c %s "$T/chi2.tif")" -lt "$(stat -c %s "$master")" ] || fail "page 2 of the TIFF is not smaller than the whole file"

# Wrong requests: a page format without --page, a document format with it, a
# page the document does not have.
capture nopage lt get "$bao" --format alto --out "$T/x"
[ "$RC" = 2 ] || fail "get --format alto without --page exited $RC, not 2"
capture badfmt lt get "$bao" --page 1 --format bag --out "$T/x"
[ "$RC" = 2 ] || fail "get --page 1 --format bag exited $RC, not 2"
capture nosuchpage lt get "$bao" --page 9 --format txt --out "$T/x"
[ "$RC" = 1 ] || fail "get --page 9 of a 2-page document exited $RC, not 1"
grep -q '2 pages' "$T/nosuchpage.err" || { show_file "$T/nosuchpage.err" >&2; fail "get --page 9 does not say how many pages there are"; }
[ ! -e "$T/x" ] || fail "a refused get wrote something"
# The same refusals as for a bundle: not into the archive, not through a link.
capture inside lt get "$bao" --format pdf --out "$ARCHIVE/"
[ "$RC" = 2 ] || fail "get --format pdf into the archive exited $RC, not 2"
ln -s "$T/victim" "$T/link.txt"
echo keep >"$T/victim"
capture link lt get "$bao" --page 1 --format txt --out "$T/link.txt"
[ "$RC" = 2 ] && [ "$(cat "$T/victim")" = keep ] || fail "get --page 1 --format txt wrote through a symlink (exit $RC)"

# A damaged member is refused, naming it, and nothing is written; the
# other pages still come out. Page 2's text is changed inside the tar.
b=$(bundle_of "$bao")
chmod u+w "$b"
off=$(/usr/bin/python3 -c 'import sys, tarfile
t = tarfile.open(sys.argv[1])
print(next(m.offset_data for m in t if m.name.endswith("/ocr/data/0002.txt")))' "$b")
[ -n "$off" ] || fail "cannot find page 2's text in the tar"
printf 'Z' | dd of="$b" bs=1 seek="$off" conv=notrunc status=none
capture bad-txt lt get "$bao" --page 2 --format txt --out "$T/bad-txt"
[ "$RC" = 1 ] || fail "get of a damaged page text exited $RC, not 1"
grep -q '0002.txt' "$T/bad-txt.err" || { show_file "$T/bad-txt.err" >&2; fail "the refusal does not name the damaged file"; }
[ ! -e "$T/bad-txt" ] || fail "get of a damaged page text wrote it"
capture bad-joined lt get "$bao" --format txt --out -
[ "$RC" = 1 ] && [ ! -s "$T/bad-joined.out" ] || fail "get --format txt --out - of a document with a damaged page wrote to stdout (exit $RC)"
get_ok still --page 1 --format txt --out "$T/p1-after.txt"
get_ok still-pdf --page 2 --format pdf --out "$T/p2-after.pdf"
cmp "$T/p2-after.pdf" "$T/p2.pdf" || fail "page 2 of the (intact) access copy changed after its text was damaged"
cmp "$T/p1-after.txt" "$ocr/0001.txt" || fail "page 1 no longer comes out after page 2 was damaged"
echo "ok: get formats"
