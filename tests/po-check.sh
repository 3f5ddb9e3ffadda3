#!/bin/bash
# po-check.sh POT PO... - is the translation complete?
# Fails listing every message of POT (the sources' messages, `make pot`)
# without a translation in the union of the PO files (the first file that
# translates a message wins, as for the .mo), every fuzzy entry, and any
# complaint of `msgfmt --check`. Untranslated messages are counted per
# source file, so one sees whose they are.
# PO_CHECK_FILES: an extended regex of source files to hold to account
# (default: all of them); the others are reported, not failed.
set -euo pipefail

pot=$1
shift
[ -s "$pot" ] || { echo "po-check: no template '$pot' (make pot)" >&2; exit 2; }
[ $# -gt 0 ] || { echo "po-check: no po/vi*.po" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scope=${PO_CHECK_FILES:-.*}
status=0

for po in "$@"; do
	msgfmt --check -o /dev/null "$po" 2>"$work/check" || { cat "$work/check" >&2; status=1; }
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
	if [ "$fuzzy" -gt 0 ]; then
		echo "po-check: $po has $fuzzy fuzzy entries (check them, then drop the fuzzy flag):" >&2
		msgattrib --only-fuzzy --no-obsolete "$po" | grep -A1 '^msgid ' | grep -v '^--$' >&2 || true
		status=1
	fi
done

msgcat --use-first --force-po -o "$work/union.po" "$@"
msgmerge --quiet --no-fuzzy-matching --force-po -o "$work/merged.po" "$work/union.po" "$pot"
msgattrib --untranslated --no-obsolete --force-po -o "$work/missing.po" "$work/merged.po"

# One line per (file, message): "pipeline/x.c<TAB>msgid" (the msgid's first line).
awk '
	/^#: / { for (i = 2; i <= NF; i++) { f = $i; sub(/:[0-9]+$/, "", f); files[f] = 1 } next }
	/^msgid "/ { id = substr($0, 8, length($0) - 8); getline
		     while ($0 ~ /^"/) { id = id substr($0, 2, length($0) - 2); getline }
		     if (id != "") for (f in files) print f "\t" id
		     delete files }
' "$work/missing.po" | sort -u > "$work/missing.txt"

if [ -s "$work/missing.txt" ]; then
	echo "po-check: messages without a translation, per source file:"
	cut -f1 "$work/missing.txt" | sort | uniq -c | sort -rn | sed 's/^/  /'
	if grep -Eq "^($scope)"$'\t' "$work/missing.txt"; then
		echo "po-check: untranslated (add them to po/vi.po or po/vi-lib.po):" >&2
		grep -E "^($scope)"$'\t' "$work/missing.txt" | sed 's/\t/: /' >&2
		status=1
	fi
	others=$(grep -Evc "^($scope)"$'\t' "$work/missing.txt" || true)
	[ "$others" = 0 ] || echo "po-check: $others of them in files outside PO_CHECK_FILES, not counted"
fi
echo "po-check: $(msgfmt --check --statistics -o /dev/null "$work/merged.po" 2>&1)"
exit $status
