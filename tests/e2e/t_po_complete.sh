#!/bin/bash
# The Vietnamese translation is complete: every message of the sources
# (`make pot`, the Makefile's xgettext keywords) has a non-fuzzy translation
# in po/vi.po or po/vi-lib.po, and msgfmt --check passes (tests/po-check.sh).
# Until po/vi-lib.po exists, only the commands' files (po/vi.po's share) are
# held to account and the library's are counted. Also: the check fails,
# naming the message, when a message is added without its translation.
. "$(dirname "$0")/lib.sh"

command -v xgettext >/dev/null && command -v msgmerge >/dev/null ||
	fail "gettext is not installed (make deps)"
capture pot make -s -C "$ROOT" pot
[ "$RC" = 0 ] && [ -s "$ROOT/build/po/luutru.pot" ] || { show_file "$T/pot.err"; fail "make pot failed"; }
cp "$ROOT/build/po/luutru.pot" "$T/luutru.pot"
[ -f "$ROOT/po/vi.po" ] || fail "no po/vi.po"
# As the Makefile: po/vi.po first (its translation wins), then the others.
pos=("$ROOT/po/vi.po")
for po in "$ROOT"/po/vi*.po; do [ "$po" = "$ROOT/po/vi.po" ] || pos+=("$po"); done

if [ -f "$ROOT/po/vi-lib.po" ]; then
	unset PO_CHECK_FILES
else
	export PO_CHECK_FILES='pipeline/(main|i18n|cmd_[a-z_]+)\.c|include/luutru/cmd\.h'
	echo "note: no po/vi-lib.po yet: the library modules' messages are counted, not checked"
fi
capture check "$ROOT/tests/po-check.sh" "$T/luutru.pot" "${pos[@]}"
cat "$T/check.out"
[ "$RC" = 0 ] || { show_file "$T/check.err"; fail "the translation is not complete (tests/po-check.sh)"; }
stats=$(msgcat --use-first "${pos[@]}" | msgfmt --check --statistics -o /dev/null - 2>&1)
case $stats in *fuzzy*) fail "fuzzy entries: $stats" ;; esac

# A new message without a translation fails the check, by name.
cat >"$T/new.c" <<'C'
const char *f(void) { return _("a brand-new message nobody translated"); }
C
xgettext --from-code=UTF-8 --language=C -k_ -o "$T/new.pot" "$T/new.c"
sed -i "s|#: $T/new.c|#: pipeline/cmd_new.c|" "$T/new.pot"
msgcat -o "$T/more.pot" "$T/luutru.pot" "$T/new.pot"
capture more "$ROOT/tests/po-check.sh" "$T/more.pot" "${pos[@]}"
[ "$RC" != 0 ] || fail "po-check passed a message without a translation"
grep -q 'pipeline/cmd_new.c: a brand-new message nobody translated' "$T/more.err" ||
	{ show_file "$T/more.err"; fail "po-check did not name the untranslated message and its file"; }

# A fuzzy entry fails it too.
cp "${pos[0]}" "$T/fuzzy.po"
/usr/bin/python3 - "$T/fuzzy.po" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace('\nmsgid "queued"', '\n#, fuzzy\nmsgid "queued"', 1)
open(p, "w", encoding="utf-8").write(s)
PY
capture fuzzy "$ROOT/tests/po-check.sh" "$T/luutru.pot" "$T/fuzzy.po" "${pos[@]:1}"
[ "$RC" != 0 ] && grep -q fuzzy "$T/fuzzy.err" || { show_file "$T/fuzzy.err"; fail "po-check passed a fuzzy entry"; }
echo "ok: translation complete ($stats)"
