#!/bin/bash
# Every sample page is in exactly one bundle: one bundle per document, the OCR
# texts of all bundles add up to the sample pages, and every inbox file's
# sha256 is among the bundles' master files exactly once.
. "$(dirname "$0")/lib.sh"
use_processed_archive

ndocs=$(sample_docs | wc -l)
nb=$(all_bundles | wc -l)
[ "$nb" = "$ndocs" ] || fail "$nb bundles for $ndocs documents: $(all_bundles | xargs -n1 basename | tr '\n' ' ')"

pages=0
: >"$T/master.sums"
for tar in $(all_bundles); do
	bag=$(extract_bundle "$tar" "$T/x/$(basename "$tar" .tar)")
	n=$(find "$bag/data/representations/ocr/data" -maxdepth 1 -name '*.txt' -type f | wc -l)
	pages=$(( pages + n ))
	find "$bag/data/representations/master/data" -type f -exec sha256sum {} + >>"$T/master.sums"
done
want=$(total_expected_pages)
[ "$pages" = "$want" ] || fail "the bundles hold $pages OCR pages (ocr/data/*.txt), the samples have $want"

for d in $(sample_docs); do
	for f in $(doc_files "$d"); do
		h=$(sha256sum <"$INBOX/$f" | cut -d' ' -f1)
		c=$(grep -c "^$h " "$T/master.sums" || true)
		[ "$c" = 1 ] || fail "inbox file $f (sha256 $h) is among the master files $c times, not once"
	done
done
nm=$(wc -l <"$T/master.sums")
nf=$(find "$INBOX" -type f | wc -l)
[ "$nm" = "$nf" ] || fail "$nm master files in the bundles for $nf inbox files"
echo "ok: $nb bundles, $pages pages, $nm master files"
