#!/bin/bash
# The man pages and the bash completion come from the command descriptors:
# every command has its page, every option of `luutru CMD --help` (and of
# its sub-commands) is in it, groff renders every page without a warning,
# and the completion offers the commands, a command's options, an option's
# choices of files, and the archived documents' ids.
. "$(dirname "$0")/lib.sh"

command -v groff >/dev/null || fail "groff is not installed (Debian package groff-base)"

capture cmds "$LUUTRU" help --commands
[ "$RC" = 0 ] && [ -s "$T/cmds.out" ] || fail "luutru help --commands exited $RC or printed nothing"
mapfile -t commands <"$T/cmds.out"
[ "${#commands[@]}" -ge 10 ] || fail "luutru help --commands lists only ${#commands[@]} commands"
capture help "$LUUTRU" --help
for c in "${commands[@]}"; do
	grep -qE "^  $c " "$T/help.out" || fail "help --commands lists '$c', luutru --help does not"
done

# render PAGE.1 NAME: the page as text (ASCII hyphens), groff's warnings fail the test
render() {
	local warnings
	LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -rLL=200n "$1" >"$T/$2.txt" 2>"$T/$2.warn" ||
		fail "groff failed on $2: $(cat "$T/$2.warn")"
	warnings=$(cat "$T/$2.warn")
	[ -z "$warnings" ] || fail "groff warns on $2: $warnings"
	sed -i 's/.\x08//g' "$T/$2.txt"   # overstrike bold and underline
}

# The options a help text lists: "-j, --jobs N" and "    --tessdata DIR" lines.
options_of() {
	sed -n 's/^  \(-[a-zA-Z], \)\{0,1\} *\(--[a-z][a-z0-9-]*\).*/\2/p' "$1"
}

capture index "$LUUTRU" help --man
[ "$RC" = 0 ] || fail "luutru help --man exited $RC"
render "$T/index.out" luutru
for c in "${commands[@]}"; do
	grep -q "luutru-$c(1)" "$T/luutru.txt" || fail "luutru(1) does not list luutru-$c(1)"
done
for o in --archive --help --version; do
	grep -q -- "$o" "$T/luutru.txt" || fail "luutru(1) does not document $o"
done

checked=0
for c in "${commands[@]}"; do
	capture "man-$c" "$LUUTRU" help --man "$c"
	[ "$RC" = 0 ] && [ -s "$T/man-$c.out" ] || fail "luutru help --man $c exited $RC or printed nothing"
	grep -q "^\.TH LUUTRU\\\\-$(echo "$c" | tr a-z A-Z | sed 's/-/\\\\-/g') 1 " "$T/man-$c.out" ||
		fail "luutru-$c(1) has no .TH line of its own"
	render "$T/man-$c.out" "luutru-$c"
	grep -q "^NAME" "$T/luutru-$c.txt" && grep -q "^OPTIONS" "$T/luutru-$c.txt" ||
		fail "luutru-$c(1) lacks NAME or OPTIONS"
	helps=("$c")
	capture "sub-$c" "$LUUTRU" "$c" --help
	if grep -q '^Commands:' "$T/sub-$c.out"; then
		while read -r sub _; do helps+=("$c $sub"); done < <(sed -n '/^Commands:/,/^$/{/^  /p}' "$T/sub-$c.out")
	fi
	for h in "${helps[@]}"; do
		# shellcheck disable=SC2086
		capture h "$LUUTRU" $h --help
		[ "$RC" = 0 ] || fail "luutru $h --help exited $RC"
		grep -q "usage: luutru $h" "$T/h.out" || fail "luutru $h --help shows no usage"
		grep -qF "luutru $h" "$T/luutru-$c.txt" || fail "luutru-$c(1) does not show 'luutru $h'"
		for o in $(options_of "$T/h.out"); do
			grep -qE -- "(^|[ ,])$o( |,|$)" "$T/luutru-$c.txt" ||
				fail "option $o of 'luutru $h --help' is not in luutru-$c(1)"
			checked=$((checked + 1))
		done
	done
done
[ "$checked" -ge 40 ] || fail "only $checked options checked: the help's option lines were not found"
# Text that is not ASCII is escaped, so the page reads the same in any locale.
LC_ALL=C grep -q -P '[^\x00-\x7F]' "$T/man-ingest.out" && fail "luutru-ingest(1) holds raw UTF-8"
grep -qF 'th\[u01B0] m\[u1EE5]c' "$T/man-ingest.out" || fail "luutru-ingest(1) lost 'thư mục' of --manifest's help"
grep -q 'thư mục' "$T/luutru-ingest.txt" || fail "luutru-ingest(1) does not render 'thư mục'"
# Reproducible: the date is SOURCE_DATE_EPOCH's.
SOURCE_DATE_EPOCH=1764547200 "$LUUTRU" help --man run >"$T/dated.1"
grep -q '^\.TH LUUTRU\\-RUN 1 "2025-12-01" ' "$T/dated.1" || fail "the page's date is not SOURCE_DATE_EPOCH's: $(grep '^\.TH' "$T/dated.1")"
capture nope "$LUUTRU" help --man nosuchcmd
[ "$RC" = 2 ] && grep -q nosuchcmd "$T/nope.err" || fail "luutru help --man nosuchcmd exited $RC"

# ---- bash completion ----
capture comp "$LUUTRU" help --completion
[ "$RC" = 0 ] || fail "luutru help --completion exited $RC"
bash -n "$T/comp.out" || fail "the completion script is not valid bash"
use_processed_archive
mkdir -p "$T/files/sub" && touch "$T/files/manifest.csv"
# complete WORD...: what Tab offers after the words (the last one is being typed)
complete_words() {
	(
		cd "$T/files"
		# shellcheck disable=SC1091
		. "$T/comp.out"
		COMP_WORDS=("$LUUTRU" "$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_luutru
		printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
	)
}
got=$(complete_words "")
for c in help "${commands[@]}"; do
	grep -qx "$c" <<<"$got" || fail "completion of 'luutru ' does not offer $c: $got"
done
got=$(complete_words re)
[ "$got" = "$(printf '%s\n' "${commands[@]}" | grep '^re' | LC_ALL=C sort)" ] || fail "completion of 're' offers: $got"
got=$(complete_words run --j)
[ "$got" = "$(printf -- '--jobs\n--json')" ] || fail "completion of 'run --j' offers: $got"
got=$(complete_words bag "")
[ "$got" = validate ] || fail "completion of 'bag ' offers: $got"
got=$(complete_words ingest --manifest "")
grep -qx manifest.csv <<<"$got" || fail "completion of 'ingest --manifest ' offers no file: $got"
got=$(complete_words run -j "")
[ -z "$got" ] || fail "completion of a number offers: $got"
got=$(complete_words --archive "$ARCHIVE" show "")
for d in $(sample_docs); do
	grep -qx "${DOC_ID[$d]}" <<<"$got" || fail "completion of 'show ' does not offer ${DOC_ID[$d]} ($d): $got"
done
[ "$(printf '%s\n' "$got" | wc -l)" = "$(sample_docs | wc -l)" ] || fail "completion of 'show ' offers more than the documents: $got"
first=${DOC_ID[$(sample_docs | head -n 1)]}
got=$(complete_words --archive "$ARCHIVE" get "${first:0:6}")
grep -qx "$first" <<<"$got" || fail "completion of 'get ${first:0:6}' does not offer $first: $got"
got=$(complete_words --archive "$T/none" show "")
[ -z "$got" ] || fail "completion without an archive offers: $got"
[ ! -e "$T/none" ] || fail "completion created an archive at $T/none"
echo "ok: ${#commands[@]} man pages, $checked options found in them; completion of commands, options, files and ids"
