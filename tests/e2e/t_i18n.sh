#!/bin/bash
# The language follows the locale (issue #16): under LANG=vi_VN.UTF-8 (or
# LANGUAGE=vi, with LANG=C.UTF-8 or no LANG at all) every command's --help and
# a representative error of each command are Vietnamese, with no English
# sentence left (i18n_english.py); under LANG=C.UTF-8 they are English; what
# is for programs (--json, exit codes) is the same bytes in both; numbers and
# dates for people follow the language; the Vietnamese man pages are found
# by `man -L vi`.
. "$(dirname "$0")/lib.sh"

grep -qix 'vi_VN\.utf-\?8' <<<"$(locale -a 2>/dev/null)" || fail "no vi_VN.UTF-8 locale (make deps)"
VI_CHARS='[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ]'
# lib.sh sets LC_ALL=C.UTF-8, which would win over LANG.
vi() { env -u LC_ALL -u LANGUAGE LANG=vi_VN.UTF-8 "$LUUTRU" "$@"; }
en() { env -u LC_ALL -u LANGUAGE LANG=C.UTF-8 "$LUUTRU" "$@"; }
english_lines() { /usr/bin/python3 "$E2E_DIR/i18n_english.py" "$1" "$2"; }

# vietnamese NAME: $T/NAME.vi is Vietnamese and holds no English sentence
# ($T/NAME.en is the same output in English).
vietnamese() {
	local left
	grep -q "$VI_CHARS" "$T/$1.vi" || { show_file "$T/$1.vi" >&2; fail "$1: no Vietnamese under vi_VN.UTF-8"; }
	left=$(english_lines "$T/$1.vi" "$T/$1.en") ||
		{ show_file "$T/$1.vi" >&2; fail "$1: English left under vi_VN.UTF-8: $left"; }
	! cmp -s "$T/$1.vi" "$T/$1.en" || fail "$1: the same under vi_VN.UTF-8 and C.UTF-8"
}
english() {
	if ! english_lines "$T/$1.en" /dev/null >/dev/null; then :; else
		show_file "$T/$1.en" >&2; fail "$1: no English sentence under C.UTF-8"
	fi
	! grep -q '^\(cách dùng\|lỗi\):' "$T/$1.en" || fail "$1: Vietnamese under C.UTF-8"
}

# ---- every command's --help ----
mapfile -t commands < <("$LUUTRU" help --commands)
[ "${#commands[@]}" -ge 10 ] || fail "help --commands lists ${#commands[@]} commands"
helps=("" "${commands[@]}" "bag validate")
n=0
for c in "${helps[@]}"; do
	name=help-${c// /-}
	# shellcheck disable=SC2086
	vi $c --help >"$T/$name.vi"
	# shellcheck disable=SC2086
	en $c --help >"$T/$name.en"
	vietnamese "$name"
	[ "$c" = bag ] || english "$name"
	grep -q '^cách dùng: luutru' "$T/$name.vi" || fail "$name: no 'cách dùng: luutru' line"
	n=$((n + 1))
done
echo "ok: $n help texts in Vietnamese"

# ---- a representative error of each command: same exit code, both languages ----
# error NAME EXIT ARGS...
error() {
	local name=err-$1 want=$2 rc_vi rc_en
	shift 2
	set +e
	vi --archive "$ARCHIVE" "$@" >/dev/null 2>"$T/$name.vi"; rc_vi=$?
	en --archive "$ARCHIVE" "$@" >/dev/null 2>"$T/$name.en"; rc_en=$?
	set -e
	[ "$rc_vi" = "$want" ] && [ "$rc_en" = "$want" ] ||
		fail "luutru $*: exit $rc_vi (vi), $rc_en (C), not $want"
	# The first line is the error; the usage under it was checked above.
	head -n 1 "$T/$name.vi" >"$T/$name.1.vi"
	head -n 1 "$T/$name.en" >"$T/$name.1.en"
	grep -q '^lỗi: ' "$T/$name.1.vi" || { show_file "$T/$name.vi" >&2; fail "luutru $*: no 'lỗi:' under vi_VN.UTF-8"; }
	grep -q '^error: ' "$T/$name.1.en" || { show_file "$T/$name.en" >&2; fail "luutru $*: no 'error:' under C.UTF-8"; }
	vietnamese "$name.1"
}
error ingest 2 ingest
error run 2 run -j x
error batch 2 batch
error status 2 status x
error search 2 search
error show 2 show
error get 2 get 1234 --out ''
error meta 2 meta
error reocr 2 reocr
error review 2 review --limit 0
error verify 2 verify
error replicate 2 replicate --to=
error rebuild-catalog 2 rebuild-catalog x
error bag 2 bag validate
error serve 2 serve --timeout 0
error shard 2 shard --tasks 0
error merge 2 merge
error slurm 2 slurm
error none 2 nosuchcommand
[ ! -e "$ARCHIVE" ] || fail "a usage error created the archive"
echo "ok: an error of each command in Vietnamese"

# ---- LANGUAGE=vi without a Vietnamese LANG ----
for how in "LANG=C.UTF-8" "-u LANG" "LANG=C"; do
	# shellcheck disable=SC2086
	out=$(env -u LC_ALL $how LANGUAGE=vi "$LUUTRU" --help)
	case $out in "cách dùng: luutru"*) ;; *) fail "LANGUAGE=vi with $how: not Vietnamese: ${out%%$'\n'*}" ;; esac
done
out=$(env -u LC_ALL LANG=C.UTF-8 LANGUAGE=en "$LUUTRU" --help)
case $out in "usage: luutru"*) ;; *) fail "LANGUAGE=en: not English" ;; esac
echo "ok: LANGUAGE=vi with LANG=C.UTF-8, C or unset"

# ---- what programs read does not change with the language ----
use_processed_archive
id=${DOC_ID[chi-thi-05-CT-TW.tif]}
# A run's JSON without what two runs measure differently (their timings).
without_timings() {
	/usr/bin/python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
for k in ("seconds", "pages_per_minute", "stage_cpu_seconds", "ocr_seconds", "cpu_seconds",
          "tail_seconds", "workers", "pages_helped"):
    o.pop(k, None)
json.dump(o, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
' "$1"
}
same_json() {
	local name=$1 rc_vi rc_en
	shift
	set +e
	vi --archive "$ARCHIVE" "$@" >"$T/$name.json.vi" 2>/dev/null; rc_vi=$?
	en --archive "$ARCHIVE" "$@" >"$T/$name.json.en" 2>/dev/null; rc_en=$?
	set -e
	[ "$rc_vi" = "$rc_en" ] || fail "luutru $*: exit $rc_vi under vi_VN.UTF-8, $rc_en under C.UTF-8"
	[ -s "$T/$name.json.en" ] || fail "luutru $*: printed nothing"
	cmp -s "$T/$name.json.vi" "$T/$name.json.en" ||
		{ diff "$T/$name.json.en" "$T/$name.json.vi" | head -n 20 >&2; fail "luutru $*: the JSON differs with the language"; }
}
same_json status status --json
same_json show show --json "$id"
same_json meta meta --json "$id"
same_json search search --json 'chỉ thị'
same_json search-pages search --json --pages --count nghị
same_json review review --json
same_json nohit search --json zzzznotaword
set +e
vi --archive "$ARCHIVE" run --json >"$T/run.raw.vi" 2>/dev/null; rc_vi=$?
en --archive "$ARCHIVE" run --json >"$T/run.raw.en" 2>/dev/null; rc_en=$?
set -e
[ "$rc_vi" = "$rc_en" ] || fail "luutru run --json: exit $rc_vi under vi_VN.UTF-8, $rc_en under C.UTF-8"
without_timings "$T/run.raw.vi" >"$T/run.json.vi"
without_timings "$T/run.raw.en" >"$T/run.json.en"
cmp -s "$T/run.json.vi" "$T/run.json.en" ||
	{ diff "$T/run.json.en" "$T/run.json.vi" | head -n 20 >&2; fail "luutru run --json: the JSON differs with the language"; }
# An error inside the JSON (a run-wide one: no catalog) stays English.
vi --archive "$T/no-archive" run --json >"$T/noarch.json.vi" 2>"$T/noarch.err.vi" || true
en --archive "$T/no-archive" run --json >"$T/noarch.json.en" 2>/dev/null || true
cmp -s "$T/noarch.json.vi" "$T/noarch.json.en" || fail "run --json: the error differs with the language"
grep -q '"error": "[a-z]' "$T/noarch.json.en" || { show_file "$T/noarch.json.en" >&2; fail "run --json on no archive has no error"; }

# batch --json: rejected documents and skipped files with their reasons
# (timings masked: two runs take their own time).
mkdir -p "$T/inbox/broken"
printf 'not an image\n' >"$T/inbox/broken/page-1.png"
printf 'notes\n' >"$T/inbox/notes.txt"
for l in vi en; do
	set +e
	$l --archive "$T/batch-$l" batch --json "$T/inbox" >"$T/batch.raw.$l" 2>/dev/null
	echo $? >"$T/batch.rc.$l"
	set -e
	without_timings "$T/batch.raw.$l" >"$T/batch.json.$l"
done
cmp -s "$T/batch.rc.vi" "$T/batch.rc.en" || fail "batch --json: exit codes differ with the language"
cmp -s "$T/batch.json.vi" "$T/batch.json.en" ||
	{ diff "$T/batch.json.en" "$T/batch.json.vi" | head -n 20 >&2; fail "batch --json differs with the language"; }
grep -q '"reason"' "$T/batch.json.en" || fail "batch --json names no reason"
echo "ok: --json the same bytes under both languages"

# ---- numbers and dates for people ----
vi --archive "$ARCHIVE" status >"$T/status.vi"
en --archive "$ARCHIVE" status >"$T/status.en"
grep -q '^đã lưu trữ: ' "$T/status.vi" || { show_file "$T/status.vi" >&2; fail "status: no 'đã lưu trữ:' line"; }
grep -q '^archived: ' "$T/status.en" || fail "status: no 'archived:' line under C.UTF-8"
grep -Eq '[0-9]+ tài liệu, [0-9]+ trang' "$T/status.vi" || fail "status: counts not in Vietnamese"
vi --archive "$ARCHIVE" search --type 03 >"$T/type.vi"
en --archive "$ARCHIVE" search --type 03 >"$T/type.en"
if grep -q '2016-' "$T/type.en"; then
	date_en=$(grep -o '20[0-9][0-9]-[01][0-9]-[0-3][0-9]' "$T/type.en" | head -n 1)
	IFS=- read -r y m d <<<"$date_en"
	grep -q "$d/$m/$y" "$T/type.vi" || { show_file "$T/type.vi" >&2; fail "search: the date $date_en is not $d/$m/$y under vi_VN.UTF-8"; }
fi
echo "ok: labels, counts and dates for people"

# ---- the Vietnamese man pages, as `make man` writes them, found by man -L vi ----
mkdir -p "$T/man/man1" "$T/man/vi/man1"
env -u LC_ALL LANG=C.UTF-8 LANGUAGE= "$LUUTRU" help --man >"$T/man/man1/luutru.1"
env -u LC_ALL LANG=C.UTF-8 LANGUAGE=vi "$LUUTRU" help --man >"$T/man/vi/man1/luutru.1"
env -u LC_ALL LANG=C.UTF-8 LANGUAGE=vi "$LUUTRU" help --man run >"$T/man/vi/man1/luutru-run.1"
grep -q '^\.SH T\\\[u00CA\]N' "$T/man/vi/man1/luutru.1" || fail "luutru(1) in Vietnamese has no TÊN section"
if command -v man >/dev/null && command -v groff >/dev/null; then
	page=$(env -u LC_ALL LANG=vi_VN.UTF-8 MANPATH="$T/man" MANWIDTH=100 man -L vi luutru-run 2>"$T/man.err" | sed 's/.\x08//g') ||
		{ show_file "$T/man.err" >&2; fail "man -L vi luutru-run failed"; }
	case $page in *"TÙY CHỌN"*"cách dùng"*|*"TÙY CHỌN"*) ;; *) echo "$page" | head -n 20 >&2; fail "man -L vi luutru-run is not the Vietnamese page" ;; esac
	page=$(env -u LC_ALL LANG=C.UTF-8 MANPATH="$T/man" MANWIDTH=100 man -L en luutru 2>/dev/null | sed 's/.\x08//g')
	case $page in *OPTIONS*) ;; *) fail "man -L en luutru is not the English page" ;; esac
	echo "ok: man -L vi"
else
	echo "note: man-db not installed, man -L vi not tried"
fi
echo "ok: i18n"
