#!/bin/bash
# rebuild-catalog: the catalog deleted and made again from the bundles alone
# gives the same search (with and without diacritics, --json), show and
# status; a second rebuild keeps the old catalog untouched beside the new
# one; a damaged bundle is reported and left out.
#
# Normalised, and only these: the times of the two events rebuild makes
# again from the bundle ("packaged": its detail is the tar's own digest, which
# the tar cannot hold; "archived": the commit's, recorded after the bundle was
# sealed). Their type, outcome and detail must still be the same.
. "$(dirname "$0")/lib.sh"
use_processed_archive

queries=("van phong" "văn phòng" "05-CT/TW" "chi thi" "Chỉ thị" "quyet dinh" "letter")

# snapshot DIR: every query (plain and --json), show of each document, status
snapshot() {
	local dir=$1 i=0 q d
	mkdir -p "$dir"
	for q in "${queries[@]}"; do
		i=$((i + 1))
		capture "q$i" lt search "$q" --limit 50
		cp "$T/q$i.out" "$dir/search-$i.txt"; echo "exit $RC" >>"$dir/search-$i.txt"
		capture "j$i" lt search "$q" --json --limit 50
		cp "$T/j$i.out" "$dir/json-$i.txt"; echo "exit $RC" >>"$dir/json-$i.txt"
	done
	for d in $(sample_docs); do
		capture show lt show "${DOC_ID[$d]}"
		[ "$RC" = 0 ] || { show_file "$T/show.err" stderr >&2; fail "show ${DOC_ID[$d]} ($d) exited $RC"; }
		# "  <time>  packaged  success ..." -> "  TIME  packaged ..."
		sed -E 's/^  [0-9T:+-]{19,}  (packaged|archived) /  TIME  \1 /' "$T/show.out" >"$dir/show-$d.txt"
	done
	capture status lt status
	[ "$RC" = 0 ] || fail "status exited $RC"
	cp "$T/status.out" "$dir/status.txt"
}

# compare A B WHAT: the two snapshots are the same, file by file
compare() {
	local f
	for f in "$1"/*; do
		diff -u "$f" "$2/$(basename "$f")" >"$T/diff" ||
			{ sed -n '1,40p' "$T/diff" >&2; fail "$3: $(basename "$f") differs (above)"; }
	done
	[ "$(ls "$1" | wc -l)" = "$(ls "$2" | wc -l)" ] || fail "$3: snapshots differ in size"
}

snapshot "$T/before"
grep -q 'packaged' "$T/before/show-letter-en.png.txt" || fail "show has no packaged event to compare"
[ -s "$T/before/json-1.txt" ] && grep -q '"document"' "$T/before/json-1.txt" ||
	fail "search 'van phong' --json found nothing to compare"

# Every bundle carries its record.
for b in $(all_bundles); do
	tar -tf "$b" | grep '/data/metadata/descriptive/metadata.json$' >/dev/null || fail "$b has no metadata.json"
done

# 1. The catalog lost: rebuilt from the bundles alone.
rm -f "$ARCHIVE"/catalog.sqlite*
capture rebuild lt rebuild-catalog
[ "$RC" = 0 ] || { show_file "$T/rebuild.out" stdout >&2; show_file "$T/rebuild.err" stderr >&2; fail "rebuild-catalog exited $RC"; }
grep -q "^rebuilt: .* 5 documents, $(total_expected_pages) pages, from 5 of 5 bundles" "$T/rebuild.out" ||
	{ show_file "$T/rebuild.out" stdout >&2; fail "rebuild-catalog's summary is not as expected"; }
grep -q 'old catalog' "$T/rebuild.out" && fail "there was no old catalog to keep"
[ ! -e "$ARCHIVE/catalog.sqlite.rebuild" ] || fail "the rebuild's work folder was left behind"
snapshot "$T/after"
compare "$T/before" "$T/after" "catalog rebuilt from the bundles"
# Rows that no command prints, but the next run and get rely on.
[ "$(sql "SELECT COUNT(*) FROM files")" -gt 0 ] || fail "no bundle files recorded"
[ "$(sql "SELECT group_concat(state) FROM documents")" = "archived,archived,archived,archived,archived" ] ||
	fail "rebuilt documents are not all archived"
capture get lt get "${DOC_ID[letter-en.png]}" --out "$T/got.tar"
[ "$RC" = 0 ] || { show_file "$T/get.err" stderr >&2; fail "get after rebuild exited $RC"; }

# 2. Rebuilding over a catalog: the old one is kept, byte for byte.
before_sum=$(sha256sum <"$ARCHIVE/catalog.sqlite")
capture rebuild2 lt rebuild-catalog
[ "$RC" = 0 ] || { show_file "$T/rebuild2.err" stderr >&2; fail "second rebuild-catalog exited $RC"; }
old=$(sed -n 's/^old catalog kept as //p' "$T/rebuild2.out")
[ -n "$old" ] && [ -f "$old" ] || { show_file "$T/rebuild2.out" stdout >&2; fail "the old catalog was not kept"; }
[ "$(sha256sum <"$old")" = "$before_sum" ] || fail "the old catalog $old was changed"
snapshot "$T/again"
compare "$T/before" "$T/again" "second rebuild"

# 3. A damaged bundle is reported and left out; the others are indexed.
bad_id=${DOC_ID[quyet-dinh-1127.jpg]}
bad=$(bundle_of "$bad_id")
chmod u+w "$bad"
size=$(stat -c %s "$bad")
# A byte in the middle of the tar: inside the master scan's data.
printf '\x5a' | dd of="$bad" bs=1 seek=$((size / 3)) conv=notrunc status=none
capture rebuild3 lt rebuild-catalog
[ "$RC" = 1 ] || { show_file "$T/rebuild3.out" stdout >&2; fail "rebuild with a damaged bundle exited $RC, not 1"; }
grep -q "^left out: $bad: " "$T/rebuild3.out" ||
	{ show_file "$T/rebuild3.out" stdout >&2; fail "the damaged bundle was not reported"; }
grep -q "from 4 of 5 bundles" "$T/rebuild3.out" || fail "the summary does not count 4 of 5 bundles"
capture show_bad lt show "$bad_id"
[ "$RC" = 1 ] || fail "the damaged bundle's document is still in the catalog (show exited $RC)"
capture show_ok lt show "${DOC_ID[letter-en.png]}"
[ "$RC" = 0 ] || fail "a sound document is missing after the rebuild"
capture status lt status
status_counts archived "4 $(( $(total_expected_pages) - $(expected_pages quyet-dinh-1127.jpg) ))" ||
	fail "status after leaving one bundle out"
echo "ok: rebuild-catalog"
