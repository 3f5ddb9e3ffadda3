#!/bin/bash
# With SOURCE_DATE_EPOCH set, the same scans run into two archives give
# byte-identical bundles: tar entries in a fixed order with fixed owner,
# mode and mtime; dates in METS, PREMIS, EAD, metadata.json and bag-info
# from the epoch (UTC); identifiers derived, never random.
#
# Every sample, read one at a time into one archive and two at a time into
# the other: a document's bundle must not depend on which worker read it or
# what that worker read before.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1700000000   # 2023-11-14T22:13:20Z
copy_inbox "$T/inbox"
jobs_one=1 jobs_two=2
for a in one two; do
	capture "ingest-$a" "$LUUTRU" --archive "$T/$a" ingest "$T/inbox"
	[ "$RC" = 0 ] || { show_file "$T/ingest-$a.err" >&2; fail "ingest into $a exited $RC"; }
	jobs=jobs_$a
	capture "run-$a" "$LUUTRU" --archive "$T/$a" run -j "${!jobs}" --organization "Lưu trữ lịch sử"
	[ "$RC" = 0 ] || { show_file "$T/run-$a.err" >&2; fail "run in $a exited $RC"; }
done

(cd "$T/one" && find bundles -name '*.tar' | LC_ALL=C sort) >"$T/one.list"
(cd "$T/two" && find bundles -name '*.tar' | LC_ALL=C sort) >"$T/two.list"
[ "$(wc -l <"$T/one.list")" = "$(sample_docs | wc -l)" ] || fail "expected a bundle per sample, found: $(cat "$T/one.list")"
diff "$T/one.list" "$T/two.list" >/dev/null || fail "the two archives hold different bundles"
while read -r rel; do
	if ! cmp "$T/one/$rel" "$T/two/$rel" >"$T/cmp.out" 2>&1; then
		mkdir -p "$T/a" "$T/b"
		tar -xf "$T/one/$rel" -C "$T/a"; tar -xf "$T/two/$rel" -C "$T/b"
		diff -r "$T/a" "$T/b" >"$T/diff.out" 2>&1 || true
		show_file "$T/diff.out" "diff -r" >&2
		fail "$rel differs between the two archives: $(cat "$T/cmp.out")"
	fi
	# Every tar entry carries the epoch, root ownership and fixed modes.
	tar --numeric-owner --full-time -tvf "$T/one/$rel" >"$T/tv.out"
	bad=$(grep -v ' 0/0 ' "$T/tv.out" | head -n 1 || true)
	[ -z "$bad" ] || fail "$rel: an entry not owned by 0/0: $bad"
	bad=$(grep -v ' 2023-11-14 22:13:20 ' "$T/tv.out" | head -n 1 || true)
	[ -z "$bad" ] || fail "$rel: an entry whose mtime is not SOURCE_DATE_EPOCH: $bad"
	info=$(tar -xOf "$T/one/$rel" --wildcards '*/bag-info.txt')
	[[ $info == *"Bagging-Date: 2023-11-14"* ]] || fail "$rel: Bagging-Date is not the epoch's: $info"
	[[ $info == *"Source-Organization: Lưu trữ lịch sử"* ]] || fail "$rel: no Source-Organization: $info"
	mets=$(tar -xOf "$T/one/$rel" --wildcards '*/data/METS.xml')
	[[ $mets == *'CREATEDATE="2023-11-14T22:13:20+00:00"'* ]] || fail "$rel: METS CREATEDATE is not the epoch"
done <"$T/one.list"
echo "ok: two archives made under SOURCE_DATE_EPOCH hold byte-identical bundles"
