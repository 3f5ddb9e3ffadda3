#!/bin/bash
# Usage errors exit 2; --help exits 0 and prints the usage.
. "$(dirname "$0")/lib.sh"

capture none "$LUUTRU"
[ "$RC" = 2 ] || fail "luutru with no arguments exited $RC, not 2"
[ -s "$T/none.err" ] || fail "luutru with no arguments printed nothing on stderr"
capture bad "$LUUTRU" nosuchcmd
[ "$RC" = 2 ] || fail "luutru nosuchcmd exited $RC, not 2"
grep -q nosuchcmd "$T/bad.err" || fail "luutru nosuchcmd: stderr does not name the command"
capture help "$LUUTRU" --help
[ "$RC" = 0 ] || fail "luutru --help exited $RC, not 0"
grep -qi usage "$T/help.out" || fail "luutru --help printed no usage on stdout"
for c in ingest run status search show get; do
	grep -qw "$c" "$T/help.out" || fail "luutru --help does not list '$c'"
done
capture ihelp "$LUUTRU" ingest --help
[ "$RC" = 0 ] || fail "luutru ingest --help exited $RC, not 0"
grep -qi usage "$T/ihelp.out" && grep -q ingest "$T/ihelp.out" || fail "luutru ingest --help printed no ingest usage on stdout"
capture badopt "$LUUTRU" --archive "$ARCHIVE" search
[ "$RC" = 2 ] || fail "luutru search without a query exited $RC, not 2"

# Every command's help, both ways, from its descriptor; and the list.
for c in ingest run batch status search show get; do
	grep -qw "$c" "$T/help.out" || fail "luutru --help does not list '$c'"
	capture h1 "$LUUTRU" help "$c"
	capture h2 "$LUUTRU" "$c" --help
	[ "$RC" = 0 ] || fail "luutru $c --help exited $RC"
	grep -q "^usage: luutru $c" "$T/h1.out" || fail "luutru help $c printed no usage"
	cmp -s "$T/h1.out" "$T/h2.out" || fail "luutru help $c and luutru $c --help differ"
done
capture nohelp "$LUUTRU" help nosuchcmd
[ "$RC" = 2 ] && grep -q nosuchcmd "$T/nohelp.err" || fail "luutru help nosuchcmd exited $RC"
capture nosub "$LUUTRU" help get extra
[ "$RC" = 2 ] || fail "luutru help get extra exited $RC, not 2"

# Usage errors: exit 2, the message, then the command's usage, all on stderr;
# found before the catalog is looked for.
usage_error() {
	local name=$1 says=$2; shift 2
	capture "$name" "$@"
	[ "$RC" = 2 ] || { show_file "$T/$name.err" stderr >&2; fail "'$*' exited $RC, not 2"; }
	grep -qF -- "$says" "$T/$name.err" || { show_file "$T/$name.err" stderr >&2; fail "'$*' did not say '$says'"; }
	grep -q "^usage: luutru" "$T/$name.err" || fail "'$*' printed no usage on stderr"
	[ ! -s "$T/$name.out" ] || fail "'$*' printed on stdout"
}
usage_error u1 "unrecognized option '--nosuch'" "$LUUTRU" --archive "$ARCHIVE" status --nosuch
usage_error u2 "requires an argument" "$LUUTRU" --archive "$ARCHIVE" search the --limit
usage_error u3 "search: --limit wants a positive number, not '0'" "$LUUTRU" --archive "$ARCHIVE" search --limit 0 the
usage_error u4 "run: -j wants a number of workers from 1 to 256, not 'x'" "$LUUTRU" --archive "$ARCHIVE" run -j x
usage_error u5 "run: --min-age is for ingest and batch" "$LUUTRU" --archive "$ARCHIVE" run --min-age 5
usage_error u6 "--min-age wants seconds (0 to 2592000), not 'soon'" "$LUUTRU" --archive "$ARCHIVE" ingest --min-age soon "$T"
usage_error u7 "ingest: give exactly one INBOX folder" "$LUUTRU" --archive "$ARCHIVE" ingest
usage_error u8 "status: unexpected argument 'x'" "$LUUTRU" --archive "$ARCHIVE" status x
usage_error u9 "get: --out wants a path" "$LUUTRU" --archive "$ARCHIVE" get 1234 --out ''
usage_error u10 "run: --lang wants Tesseract language codes" "$LUUTRU" --archive "$ARCHIVE" run --lang 'vie++eng'
[ ! -e "$ARCHIVE" ] || fail "a usage error created the archive"
# A mistyped inbox is reported before anything is created.
for cmd in ingest batch; do
	capture "missing-$cmd" "$LUUTRU" --archive "$ARCHIVE" "$cmd" "$T/no-such-inbox"
	[ "$RC" != 0 ] && grep -q "no-such-inbox" "$T/missing-$cmd.err" || fail "$cmd of a missing inbox exited $RC"
	[ ! -e "$ARCHIVE" ] || fail "$cmd of a missing inbox created the archive"
done
# --archive after the command counts too.
capture late "$LUUTRU" status --archive "$T/nosuch"
[ "$RC" = 1 ] && grep -q "$T/nosuch" "$T/late.err" || fail "status --archive DIR did not look in DIR (exit $RC)"
echo "ok: usage"
