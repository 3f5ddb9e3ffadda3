#!/bin/bash
# The master scans in each bundle are the inbox files byte for byte, one per
# source file, numbered NNNN in the document's natural file order.
. "$(dirname "$0")/lib.sh"
use_processed_archive

for d in $(sample_docs); do
	id=${DOC_ID[$d]}
	bag=$(extract_bundle "$(bundle_of "$id")" "$T/x/$id")
	mdir=$bag/data/representations/master/data
	i=0
	for f in $(doc_files "$d"); do
		i=$((i + 1))
		nnnn=$(printf '%04d' "$i")
		m=$(find "$mdir" -maxdepth 1 -type f -name "$nnnn.*")
		[ -n "$m" ] && [ "$(printf '%s\n' "$m" | wc -l)" = 1 ] ||
			fail "$d ($id): expected one master $nnnn.* for $f, found: $(ls "$mdir" | tr '\n' ' ')"
		cmp "$INBOX/$f" "$m" || fail "$d ($id): master $(basename "$m") differs from inbox file $f"
	done
	n=$(find "$mdir" -type f | wc -l)
	[ "$n" = "$i" ] || fail "$d ($id): $n master files for $i source files"
done
echo "ok: master scans identical to the inbox"
