#!/bin/bash
# Each bundle is a valid BagIt bag: bagit.txt, complete manifests that pass
# sha256sum -c, and a Payload-Oxum equal to the real bytes and files of data/.
. "$(dirname "$0")/lib.sh"
use_processed_archive

n=0
for tar in $(all_bundles); do
	id=$(basename "$tar" .tar)
	bag=$(extract_bundle "$tar" "$T/x/$id")
	for f in bagit.txt bag-info.txt manifest-sha256.txt tagmanifest-sha256.txt; do
		[ -f "$bag/$f" ] || fail "$id: no $f"
	done
	grep -qx 'BagIt-Version: 1.0' "$bag/bagit.txt" || fail "$id: bagit.txt lacks 'BagIt-Version: 1.0'"
	grep -qx 'Tag-File-Character-Encoding: UTF-8' "$bag/bagit.txt" || fail "$id: bagit.txt lacks 'Tag-File-Character-Encoding: UTF-8'"
	grep -qE '^Bagging-Date: [0-9]{4}-[0-9]{2}-[0-9]{2}' "$bag/bag-info.txt" || fail "$id: bag-info.txt has no Bagging-Date"

	(cd "$bag" && sha256sum -c --strict --quiet manifest-sha256.txt) >"$T/c.out" 2>&1 ||
		{ show_file "$T/c.out" >&2; fail "$id: sha256sum -c manifest-sha256.txt failed"; }
	(cd "$bag" && sha256sum -c --strict --quiet tagmanifest-sha256.txt) >"$T/c.out" 2>&1 ||
		{ show_file "$T/c.out" >&2; fail "$id: sha256sum -c tagmanifest-sha256.txt failed"; }

	# completeness: the manifest lists every payload file and nothing else
	diff <(sed -E 's/^[0-9a-f]{64}[ \t]+\*?//' "$bag/manifest-sha256.txt" | LC_ALL=C sort) \
	     <(cd "$bag" && find data -type f | LC_ALL=C sort) >"$T/d.out" ||
		{ show_file "$T/d.out" >&2; fail "$id: manifest-sha256.txt and the files under data/ differ (< manifest, > data/)"; }
	for f in bagit.txt bag-info.txt manifest-sha256.txt; do
		grep -qE "^[0-9a-f]{64}[ \t]+\*?$f\$" "$bag/tagmanifest-sha256.txt" || fail "$id: tagmanifest-sha256.txt does not list $f"
	done

	oxum=$(sed -n 's/^Payload-Oxum:[ \t]*//p' "$bag/bag-info.txt" | tr -d '\r')
	[ -n "$oxum" ] || fail "$id: bag-info.txt has no Payload-Oxum"
	octets=$(cd "$bag" && find data -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
	files=$(cd "$bag" && find data -type f | wc -l)
	[ "$oxum" = "$octets.$files" ] || fail "$id: Payload-Oxum is '$oxum', data/ holds $octets octets in $files files"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no bundles"
echo "ok: $n bags valid"
