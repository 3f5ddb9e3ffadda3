#!/bin/bash
# bag-info.txt of a bundle: Source-Organization from ARCHIVE/luutru.conf, or
# from --organization over it (one line only); a luutru.conf that cannot be read stops the
# run naming the file and line; the tags luutru's BagIt profile requires are
# there; and `bag validate` reports a luutru bag that departs from the
# profile, here a re-bagged copy without METS.xml.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/inbox"
cp "$SAMPLES/inbox/letter-en.png" "$T/inbox/"
capture ingest lt ingest "$T/inbox"
[ "$RC" = 0 ] || fail "ingest exited $RC"

printf 'organization = Lưu trữ\nthis is not a setting\n' >"$ARCHIVE/luutru.conf"
capture bad lt run
[ "$RC" = 3 ] || { show_file "$T/bad.err" >&2; fail "run with a broken luutru.conf exited $RC, not 3"; }
err=$(cat "$T/bad.err")
[[ $err == *"$ARCHIVE/luutru.conf line 2: expected 'key = value'"* ]] || fail "the error does not name the file and line: $err"

printf '# the archive that runs luutru\norganization = Trung tâm Lưu trữ quốc gia III\n' >"$ARCHIVE/luutru.conf"
capture run lt run
[ "$RC" = 0 ] || { show_file "$T/run.err" >&2; fail "run exited $RC"; }
tar=$(all_bundles)
info=$(tar -xOf "$tar" --wildcards '*/bag-info.txt')
for tag in Bagging-Date Payload-Oxum Bag-Software-Agent Bag-Size External-Identifier \
	   External-Description Bag-Group-Identifier; do
	[[ $info == *"$tag: "* ]] || fail "bag-info.txt has no $tag: $info"
done
[[ $info == *"Source-Organization: Trung tâm Lưu trữ quốc gia III"* ]] || fail "Source-Organization is not the config's: $info"
[[ $info == *"Bag-Group-Identifier: batch-1"* ]] || fail "Bag-Group-Identifier is not batch-1: $info"
mets=$(tar -xOf "$tar" --wildcards '*/data/METS.xml')
[[ $mets == *"<name>Trung tâm Lưu trữ quốc gia III</name>"* ]] || fail "METS does not name the archive as custodian"

# --organization wins over the file.
A2=$T/archive2
capture ingest2 "$LUUTRU" --archive "$A2" ingest "$T/inbox"
[ "$RC" = 0 ] || fail "ingest into a second archive exited $RC"
cp "$ARCHIVE/luutru.conf" "$A2/"
capture run2 "$LUUTRU" --archive "$A2" run --organization "Chi cục Văn thư - Lưu trữ"
[ "$RC" = 0 ] || { show_file "$T/run2.err" >&2; fail "second run exited $RC"; }
info=$(tar -xOf "$(find "$A2/bundles" -name '*.tar')" --wildcards '*/bag-info.txt')
[[ $info == *"Source-Organization: Chi cục Văn thư - Lưu trữ"* ]] || fail "--organization did not win: $info"
capture nl "$LUUTRU" --archive "$A2" run --organization "$(printf 'two\nlines')"
[ "$RC" = 2 ] || fail "--organization on two lines: exit $RC, not 2"
capture latin1 "$LUUTRU" --archive "$A2" run --organization "$(printf 'L\xfcu tr\xfb')"
[ "$RC" = 2 ] || fail "--organization not in UTF-8: exit $RC, not 2"

# A luutru bag without METS.xml, its manifests made again so it is a sound
# bag: BagIt-valid, but not a luutru bundle.
bag=$(extract_bundle "$tar" "$T/x")
chmod -R u+w "$bag"
rm "$bag/data/METS.xml"
(cd "$bag" && find data -type f | LC_ALL=C sort | xargs sha256sum >manifest-sha256.txt)
oxum=$(cd "$bag" && find data -type f -printf '%s\n' | awk '{s+=$1; n++} END {print s "." n}')
sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $oxum/" "$bag/bag-info.txt"
(cd "$bag" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
capture val "$LUUTRU" bag validate "$bag"
[ "$RC" = 1 ] || { show_file "$T/val.out" >&2; fail "bag validate exited $RC on a luutru bag without METS.xml"; }
out=$(cat "$T/val.out")
[ "$out" = "$bag: profile: payload file data/METS.xml is required and missing" ] ||
	fail "bag validate said: $out"
capture ok "$LUUTRU" bag validate "$tar"
[ "$RC" = 0 ] && [ ! -s "$T/ok.out" ] || fail "bag validate on the bundle itself: exit $RC, $(cat "$T/ok.out")"
echo "ok: bag-info from luutru.conf and --organization; profile departures reported"
