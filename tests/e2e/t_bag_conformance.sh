#!/bin/bash
# `luutru bag validate` over the Library of Congress BagIt conformance suite
# (../shared/bagit-conformance): every valid and warning bag accepted (exit
# 0, nothing on stdout; a "warning:" line on stderr for the warning ones),
# every invalid and Linux-only bag rejected (exit 1, "PATH: ..." lines on
# stdout). Each case as the folder it is and as a tar made here (plain for
# some, gzip for the others: any tar libarchive reads). The Windows-only cases
# do not apply on Linux (the suite's README) and are skipped. Then bags made
# here: percent-encoded names both ways, a fetch.txt not yet fetched, a
# flipped byte, several PATHs at once, usage, and luutru's own bundles.
. "$(dirname "$0")/lib.sh"

SUITE=$SHARED/bagit-conformance
[ -d "$SUITE/v1.0" ] || fail "conformance suite not found at $SUITE"

# check EXPECT PATH: one case; EXPECT is valid, warning or invalid.
total=0 passed=0
check() {
	local expect=$1 path=$2 ok=1 bad
	total=$((total + 1))
	capture v "$LUUTRU" bag validate "$path"
	case $expect in
	valid|warning)
		[ "$RC" = 0 ] && [ ! -s "$T/v.out" ] || ok=0
		if [ "$expect" = warning ]; then grep -qF "warning: $path: " "$T/v.err" || ok=0; fi
		;;
	invalid)
		[ "$RC" = 1 ] && [ -s "$T/v.out" ] || ok=0
		bad=$(grep -cvF "$path: " "$T/v.out" || true)
		[ "$bad" = 0 ] || ok=0
		;;
	esac
	if [ "$ok" = 1 ]; then
		passed=$((passed + 1))
	else
		echo "wrong: $path (expected $expect, exit $RC)" >&2
		show_file "$T/v.out" stdout >&2
		show_file "$T/v.err" stderr >&2
	fi
}

mkdir -p "$T/tars"
n=0
for dir in "$SUITE"/v*/{valid,warning,invalid,linux-only}/*/; do
	dir=${dir%/}
	kind=$(basename "$(dirname "$dir")")
	case $kind in valid) expect=valid ;; warning) expect=warning ;; *) expect=invalid ;; esac
	check "$expect" "$dir"
	n=$((n + 1))
	name=$(basename "$(dirname "$(dirname "$dir")")")-$kind-$(basename "$dir")
	if [ $((n % 2)) = 0 ]; then tar_file=$T/tars/$name.tar.gz; z=-z; else tar_file=$T/tars/$name.tar; z=; fi
	tar -C "$(dirname "$dir")" $z -cf "$tar_file" "$(basename "$dir")" || fail "cannot tar $dir"
	check "$expect" "$tar_file"
done
skipped=$(find "$SUITE" -mindepth 3 -maxdepth 3 -type d -path '*/windows-only/*' | wc -l)
echo "conformance: $passed/$total ($((total / 2)) cases, each as a folder and as a tar; $skipped Windows-only cases skipped)"
[ "$total" -ge 80 ] || fail "only $total checks: is the suite complete?"
[ "$passed" = "$total" ] || fail "conformance: $passed/$total"

# ---- bags made here ----

# mkbag DIR VERSION: a bag of DIR/data/* with a SHA-256 manifest (names
# percent-encoded as RFC 8493 says) and bag-info.txt's Payload-Oxum.
mkbag() {
	local dir=$1 version=$2 bytes=0 files=0
	printf 'BagIt-Version: %s\nTag-File-Character-Encoding: UTF-8\n' "$version" >"$dir/bagit.txt"
	: >"$dir/manifest-sha256.txt"
	while IFS= read -r -d '' f; do
		local rel=${f#"$dir"/} enc
		enc=${rel//%/%25}
		enc=${enc//$'\n'/%0A}
		enc=${enc//$'\r'/%0D}
		printf '%s  %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$enc" >>"$dir/manifest-sha256.txt"
		bytes=$((bytes + $(stat -c %s "$f")))
		files=$((files + 1))
	done < <(find "$dir/data" -type f -print0 | LC_ALL=C sort -z)
	printf 'Payload-Oxum: %s.%s\n' "$bytes" "$files" >"$dir/bag-info.txt"
}

# Names with %, LF and CR: encoded in the manifest, found on disk.
B=$T/encoded
mkdir -p "$B/data"
printf 'a' >"$B/data/100%.txt"
printf 'b' >"$B/data/%25 literal.txt"
printf 'c' >"$B/data/line"$'\n'"break.txt"
printf 'd' >"$B/data/carriage"$'\r'"return.txt"
mkbag "$B" 1.0
grep -qF 'data/100%25.txt' "$B/manifest-sha256.txt" || fail "mkbag did not encode %"
capture enc "$LUUTRU" bag validate "$B"
[ "$RC" = 0 ] && [ ! -s "$T/enc.out" ] ||
	{ show_file "$T/enc.out" >&2; fail "a bag with percent-encoded %, LF and CR in its manifest: exit $RC"; }
tar -C "$T" -cf "$T/encoded.tar" encoded
capture enc "$LUUTRU" bag validate "$T/encoded.tar"
[ "$RC" = 0 ] || { show_file "$T/enc.out" >&2; fail "the same bag as a tar: exit $RC"; }
# The other direction: a name written unencoded is decoded, and names another file.
sed -i 's|data/%2525 literal.txt|data/%25 literal.txt|' "$B/manifest-sha256.txt"
capture enc "$LUUTRU" bag validate "$B"
[ "$RC" = 1 ] || fail "an unencoded '%25' in a manifest path was taken literally (exit $RC)"
grep -qF "'data/% literal.txt' is listed in manifest-sha256.txt but is not in the bag" "$T/enc.out" ||
	{ show_file "$T/enc.out" >&2; fail "no 'missing' line for the decoded name"; }
grep -qF "'data/%25 literal.txt' is payload but no manifest lists it" "$T/enc.out" ||
	{ show_file "$T/enc.out" >&2; fail "no 'unlisted' line for the file itself"; }

# fetch.txt: complete when every listed file is there, incomplete when one is not.
B=$T/holey
mkdir -p "$B/data"
printf 'one\n' >"$B/data/one.txt"
printf 'two\n' >"$B/data/two.txt"
mkbag "$B" 1.0
printf 'https://example.org/two.txt 4 data/two.txt\n' >"$B/fetch.txt"
capture fetch "$LUUTRU" bag validate "$B"
[ "$RC" = 0 ] || { show_file "$T/fetch.out" >&2; fail "a bag with fetch.txt, all fetched: exit $RC"; }
rm "$B/data/two.txt"
printf 'Payload-Oxum: 4.1\n' >"$B/bag-info.txt"
capture fetch "$LUUTRU" bag validate "$B"
[ "$RC" = 1 ] || fail "a bag whose fetch.txt file is not fetched was accepted"
grep -qF "$B: fetch: 'data/two.txt' is still to be fetched (fetch.txt: https://example.org/two.txt): the bag is incomplete" "$T/fetch.out" ||
	{ show_file "$T/fetch.out" >&2; fail "no 'incomplete' line"; }

# A flipped byte; several PATHs at once: one line per problem, for the bad one only.
B=$T/flipped
cp -R "$SUITE/v1.0/valid/basicBag" "$B"
chmod -R u+w "$B"
f=$(find "$B/data" -type f | head -n 1)
printf 'X' | dd of="$f" bs=1 seek=0 conv=notrunc status=none
capture many "$LUUTRU" bag validate "$SUITE/v1.0/valid/basicBag" "$B" "$T/encoded.tar"
[ "$RC" = 1 ] || fail "three bags, one damaged: exit $RC"
[ "$(grep -c '' "$T/many.out")" = 1 ] || { show_file "$T/many.out" >&2; fail "expected exactly one problem line"; }
grep -qE "^$B: digest mismatch: 'data/[^']+' has sha(256|512) " "$T/many.out" ||
	{ show_file "$T/many.out" >&2; fail "the flipped byte is not reported as 'PATH: digest mismatch: ...'"; }

# Not a bag at all.
printf 'not a tar\n' >"$T/not.tar"
capture not "$LUUTRU" bag validate "$T/not.tar" "$T/nothing-here"
[ "$RC" = 1 ] || fail "a file that is not a tar, and a missing path: exit $RC"
grep -qF "$T/not.tar: " "$T/not.out" && grep -qF "$T/nothing-here: " "$T/not.out" ||
	{ show_file "$T/not.out" >&2; fail "each unreadable PATH gets its line"; }

# Usage.
capture u "$LUUTRU" bag validate
[ "$RC" = 2 ] || fail "bag validate without a PATH: exit $RC, want 2"
capture u "$LUUTRU" bag
[ "$RC" = 2 ] || fail "bag without a sub-command: exit $RC, want 2"
capture u "$LUUTRU" bag frobnicate x
[ "$RC" = 2 ] || fail "bag with an unknown sub-command: exit $RC, want 2"
capture u "$LUUTRU" bag validate --help
[ "$RC" = 0 ] && grep -q 'usage: luutru bag validate' "$T/u.out" || fail "bag validate --help"
# No archive is needed, nor created.
(cd "$T" && "$LUUTRU" bag validate "$SUITE/v1.0/valid/basicBag") || fail "bag validate outside an archive"
[ ! -e "$T/archive" ] || fail "bag validate created an archive"

# luutru's own bundles are valid, without a single warning.
use_processed_archive
capture own "$LUUTRU" bag validate $(all_bundles)
[ "$RC" = 0 ] && [ ! -s "$T/own.out" ] && [ ! -s "$T/own.err" ] ||
	{ show_file "$T/own.out" >&2; show_file "$T/own.err" >&2; fail "luutru's own bundles are not clean bags"; }
echo "own bundles: $(all_bundles | wc -l) valid"
