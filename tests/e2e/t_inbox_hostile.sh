#!/bin/bash
# A hostile inbox (issue 10, items 1 and 2): hidden files, OS litter and
# symbolic links in and out of the inbox. Every entry ends as a page, a skip
# with its reason or a rejected document: printed, counted, warned about when
# it may be a page, and listed by `status --skipped`. Links out of the inbox
# are not followed (--follow-symlinks takes files only); linked folders
# outside (/etc, ..) are never walked.
. "$(dirname "$0")/lib.sh"

IN=$T/inbox
mkdir -p "$IN/doc" "$IN/..foo" "$T/elsewhere"
PNG=$SAMPLES/inbox/cong-van-12/page-02.png
cp "$PNG" "$IN/doc/page-1.png"
cp "$SAMPLES/inbox/letter-en.png" "$IN/doc/.page-2.png"
cp "$SAMPLES/inbox/letter-en.png" "$IN/.loose.png"
cp "$SAMPLES/inbox/letter-en.png" "$IN/..png"
cp "$SAMPLES/inbox/letter-en.png" "$IN/..foo/page-1.png"
echo x >"$IN/..."
echo x >"$IN/.DS_Store"
echo x >"$IN/Thumbs.db"
echo x >"$IN/doc/._page-1.png"
cp "$SAMPLES/inbox/quyet-dinh-1127.jpg" "$T/elsewhere/p.png"
ln -s "$T/elsewhere/p.png" "$IN/outside.png"
ln -s /etc "$IN/etc"
ln -s .. "$IN/up"
ln -s doc/page-1.png "$IN/inside.png"
IN=$(cd "$IN" && pwd -P)

capture ingest lt ingest "$T/inbox"
[ "$RC" = 0 ] || { show_file "$T/ingest.err" stderr >&2; fail "ingest of the hostile inbox exited $RC"; }

# Warned (may be a page someone expects): named on stderr and listed.
for e in doc/.page-2.png .loose.png ..png ... ..foo outside.png etc up; do
	grep -qF "skipped $IN/$e: " "$T/ingest.out" || { show_file "$T/ingest.out" >&2; fail "'$e' is not listed as skipped"; }
	grep -qF "warning: $IN/$e: " "$T/ingest.err" || { show_file "$T/ingest.err" stderr >&2; fail "no warning names '$e'"; }
done
grep -qF "skipped $IN/doc/.page-2.png: a hidden image" "$T/ingest.out" || fail "the hidden page is not called a hidden image"
grep -qF "skipped $IN/etc: a symbolic link to the folder '/etc', outside the inbox: never walked" "$T/ingest.out" ||
	fail "etc -> /etc is not reported as never walked"
grep -qF "skipped $IN/outside.png: a symbolic link to '$T/elsewhere/p.png', outside the inbox: not followed" "$T/ingest.out" ||
	{ show_file "$T/ingest.out" >&2; fail "the link out of the inbox is not reported with its target"; }
# OS litter: listed, quietly.
for e in .DS_Store Thumbs.db doc/._page-1.png; do
	grep -qF "skipped $IN/$e: OS litter" "$T/ingest.out" || { show_file "$T/ingest.out" >&2; fail "litter '$e' is not listed"; }
	if grep -qF "$IN/$e" "$T/ingest.err"; then fail "litter '$e' is warned about"; fi
done
# Nothing under /etc or above the inbox was looked at.
if grep -E "/etc/|skipped $T/[^i]" "$T/ingest.out" >/dev/null; then
	show_file "$T/ingest.out" >&2; fail "ingest looked outside the inbox"
fi
grep -qx 'ingest: 1 queued, 1 already known, 0 rejected, 11 skipped (8 with a warning)' "$T/ingest.out" ||
	{ show_file "$T/ingest.out" >&2; fail "the summary does not count every skipped entry and warning"; }
grep -q '^queued .* doc (1 page)$' "$T/ingest.out" || fail "doc is not one page"
# inside.png -> doc/page-1.png stays inside: followed, the same content as doc.
grep -q '^known .* inside.png (queued)$' "$T/ingest.out" || fail "a link that stays inside the inbox was not followed"

# Every entry is accounted for: a source of a document or a skip.
n_sources=$(sql "SELECT count(*) FROM sources WHERE path NOT LIKE '$IN/%'")
[ "$n_sources" = 0 ] || fail "$n_sources sources outside the inbox were queued"
while IFS= read -r -d '' e; do
	grep -qF " $e: " "$T/ingest.out" && continue
	[ "$(sql "SELECT count(*) FROM sources WHERE path = '$e'")" -ge 1 ] && continue
	[ "$(sql "SELECT count(*) FROM documents WHERE origin = '$e'")" -ge 1 ] && continue
	[ "${e%/*}" = "$IN" ] && grep -qE "^(queued|known) [0-9a-f]+ ${e##*/} \(" "$T/ingest.out" && continue
	fail "'$e' vanished: neither a page nor skipped"
done < <(find "$IN" -mindepth 1 \( -path "$IN/..foo/*" \) -prune -o -print0)

# Recorded in the catalog: status counts them, status --skipped lists them.
capture status lt status
grep -qx 'skipped:    11 inbox entries, 8 with a warning (see `luutru status --skipped`)' "$T/status.out" ||
	{ show_file "$T/status.out" >&2; fail "status does not count the skipped entries"; }
capture skipped lt status --skipped
[ "$RC" = 0 ] || fail "status --skipped exited $RC"
[ "$(grep -c "^  " "$T/skipped.out")" = 11 ] || { show_file "$T/skipped.out" >&2; fail "status --skipped does not list 11 entries"; }
grep -qF "  hidden warning $IN/doc/.page-2.png: a hidden image" "$T/skipped.out" || { show_file "$T/skipped.out" >&2; fail "status --skipped lacks the hidden page"; }
grep -qF "  link warning $IN/etc: " "$T/skipped.out" || fail "status --skipped lacks the link to /etc"
grep -qF "  litter $IN/.DS_Store: " "$T/skipped.out" || fail "status --skipped lacks .DS_Store"

# The hidden page renamed: the next ingest takes it, and it leaves the list.
mv "$IN/doc/.page-2.png" "$IN/doc/page-2.png"
capture again lt ingest "$T/inbox"
grep -q '^queued .* doc (2 pages)$' "$T/again.out" || { show_file "$T/again.out" >&2; fail "the renamed page was not taken"; }
capture skipped2 lt status --skipped
if grep -qF "page-2.png" "$T/skipped2.out"; then fail "the renamed page is still listed as skipped"; fi
[ "$(grep -c "^  " "$T/skipped2.out")" = 10 ] || { show_file "$T/skipped2.out" >&2; fail "status --skipped does not list 10 entries after the rename"; }

# --follow-symlinks: the file outside is taken (through its resolved path);
# the folders outside are still never walked.
ARCHIVE=$T/archive2
capture follow lt ingest --follow-symlinks "$T/inbox"
[ "$RC" = 0 ] || fail "ingest --follow-symlinks exited $RC"
grep -q '^queued .* outside.png (1 page)$' "$T/follow.out" || { show_file "$T/follow.out" >&2; fail "--follow-symlinks did not take the file outside"; }
for e in etc up; do
	grep -qF "warning: $IN/$e: " "$T/follow.err" || fail "with --follow-symlinks, '$e' is not reported"
done
if grep -q "/etc/" "$T/follow.out"; then fail "--follow-symlinks walked /etc"; fi
[ "$(sql "SELECT count(*) FROM sources WHERE path = '$(cd "$T/elsewhere" && pwd -P)/p.png'")" = 1 ] ||
	fail "the followed link is not read through its resolved path"
echo "ok: hidden files, OS litter and symlinks accounted for; nothing outside the inbox walked"
