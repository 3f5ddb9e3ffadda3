#!/bin/bash
# The Debian package and the offline bundle (issue 15): `make
# offline-bundle` builds the .deb with dpkg-buildpackage (lintian: no error,
# no warning), the package holds the binary, schemas, man pages, completion
# and units, with Depends from dpkg-shlibdeps plus the language data and ICC
# profile; a second `make deb` gives the same bytes; it installs (the luutru
# user, /var/lib/luutru/archive, units valid and not enabled) and removes
# leaving only the archive's data; and the bundle alone resolves the install
# on a minimal Debian 12. Needs root and apt (it installs the packaging tools).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || fail "needs root: it builds, installs and removes the luutru package"
if dpkg-query -W -f='${Status}' luutru 2>/dev/null | grep -q 'ok installed'; then
	fail "a luutru package is already installed here; this test installs and removes its own"
fi
VERSION=$(sed -n 's/^#define LT_VERSION "\(.*\)"/\1/p' "$ROOT/include/luutru/version.h")
ARCH=$(dpkg --print-architecture)
DEB=$ROOT/build/deb/luutru_${VERSION}_$ARCH.deb
BUNDLE_TAR=$ROOT/build/offline/luutru-offline_${VERSION}_$ARCH.tar

created_user=0
getent passwd luutru >/dev/null || created_user=1
had_var_lib=0
[ -e /var/lib/luutru ] && had_var_lib=1
deb_cleanup() {
	dpkg --purge luutru >/dev/null 2>&1 || true
	[ "$had_var_lib" = 1 ] || rm -rf /var/lib/luutru
	if [ "$created_user" = 1 ] && getent passwd luutru >/dev/null; then
		userdel luutru >/dev/null 2>&1 || true
		groupdel luutru >/dev/null 2>&1 || true
	fi
	cleanup
}
trap deb_cleanup EXIT

# ---- build ----
export SOURCE_DATE_EPOCH=1764547200
capture bundle make -C "$ROOT" --no-print-directory offline-bundle
[ "$RC" = 0 ] || { show_file "$T/bundle.out" stdout; show_file "$T/bundle.err" stderr; fail "make offline-bundle exited $RC"; } >&2
[ -f "$DEB" ] || fail "make deb made no $DEB"
lint=$(lintian "$DEB" 2>/dev/null) || fail "lintian failed on $DEB: $lint"
tags=$(printf '%s\n' "$lint" | grep -E '^[EW]: ' || true)
[ -z "$tags" ] || fail "lintian reports errors or warnings (README lists the accepted ones: none): $tags"

contents=$(dpkg-deb -c "$DEB" | awk '{print $6}')
# A here-string, not printf | grep -q: under pipefail grep's early exit can
# kill the writer (SIGPIPE) and fail a check that matched.
has() { grep -qx "$1" <<<"$contents" || fail "$DEB lacks $1"; }
has ./usr/bin/luutru
has ./usr/lib/luutru/luutru-engine
has ./usr/share/luutru/schemas/metadata-profile.json
has ./usr/share/luutru/schemas/catalog/001-initial.sql
has ./usr/share/bash-completion/completions/luutru
has ./usr/share/man/man1/luutru.1.gz
has ./usr/share/man/vi/man1/luutru.1.gz
has ./usr/share/locale/vi/LC_MESSAGES/luutru.mo
has ./usr/share/doc/luutru/copyright
for u in 'luutru-batch@.service' 'luutru-batch@.timer' luutru-verify.service luutru-verify.timer; do
	has "./lib/systemd/system/$u"
done
for c in $("$LUUTRU" help --commands); do has "./usr/share/man/man1/luutru-$c.1.gz"; done
depends=$(dpkg-deb -f "$DEB" Depends)
for d in libtesseract5 liblept5 libarchive13 libsqlite3-0 libc6 tesseract-ocr-vie tesseract-ocr-eng \
	tesseract-ocr-osd icc-profiles-free adduser; do
	[[ ", $depends," == *", $d"[\ ,]* ]] || fail "Depends lacks $d: $depends"
done

# ---- same bytes ----
cp "$DEB" "$T/first.deb"
capture again make -C "$ROOT" --no-print-directory deb
[ "$RC" = 0 ] || fail "the second make deb exited $RC"
cmp -s "$T/first.deb" "$DEB" || fail "two builds under SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH differ: $(sha256sum "$T/first.deb" "$DEB")"

# ---- install ----
# A container's dpkg may leave man pages out (path-exclude): take ours in.
capture install env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	-o 'DPkg::Options::=--path-include=/usr/share/man/man1/luutru*' \
	-o 'DPkg::Options::=--path-include=/usr/share/man/vi/man1/luutru*' \
	-o 'DPkg::Options::=--path-include=/usr/share/locale/vi/LC_MESSAGES/luutru.mo' "$DEB"
[ "$RC" = 0 ] || { show_file "$T/install.err" stderr; fail "apt-get install $DEB exited $RC"; } >&2
[ "$(/usr/bin/luutru --version)" = "luutru $VERSION" ] || fail "/usr/bin/luutru --version says '$(/usr/bin/luutru --version)'"
[ "$(man -w luutru)" = /usr/share/man/man1/luutru.1.gz ] || fail "man -w luutru: $(man -w luutru 2>&1)"
[ "$(man -w luutru-run)" = /usr/share/man/man1/luutru-run.1.gz ] || fail "man -w luutru-run: $(man -w luutru-run 2>&1)"
[ "$(man -L vi -w luutru)" = /usr/share/man/vi/man1/luutru.1.gz ] || fail "man -L vi -w luutru: $(man -L vi -w luutru 2>&1)"
# The installed binary finds its catalog in /usr/share/locale.
case $(cd / && env -u LC_ALL -u LANGUAGE LANG=vi_VN.UTF-8 /usr/bin/luutru --help) in
"cách dùng: luutru"*) ;; *) fail "/usr/bin/luutru --help is not Vietnamese under vi_VN.UTF-8" ;; esac
getent passwd luutru >/dev/null || fail "no luutru user after the install"
[ "$(stat -c %U:%G /var/lib/luutru/archive)" = luutru:luutru ] || fail "/var/lib/luutru/archive is owned by $(stat -c %U:%G /var/lib/luutru/archive)"
enabled=$(find /etc/systemd/system -name 'luutru*' 2>/dev/null)
[ -z "$enabled" ] || fail "the install enabled units: $enabled"
if command -v systemd-analyze >/dev/null; then
	cp '/lib/systemd/system/luutru-batch@.service' "$T/luutru-batch@srv-scans-inbox.service"
	cp '/lib/systemd/system/luutru-batch@.timer' "$T/luutru-batch@srv-scans-inbox.timer"
	verify=$(systemd-analyze verify --man=no /lib/systemd/system/luutru-verify.service \
		/lib/systemd/system/luutru-verify.timer "$T/luutru-batch@srv-scans-inbox.service" \
		"$T/luutru-batch@srv-scans-inbox.timer" 2>&1) || fail "systemd-analyze verify: $verify"
	[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"
fi
grep -q '^TimeoutStopSec=2h$' '/lib/systemd/system/luutru-batch@.service' || fail "the batch unit has no TimeoutStopSec=2h"
grep -q '^ExecStart=/usr/bin/luutru batch .* %f$' '/lib/systemd/system/luutru-batch@.service' || fail "the batch unit does not run /usr/bin/luutru batch on its instance's inbox"

# The luutru user archives into /var/lib/luutru/archive (an ingest: no OCR).
mkdir -p "$T/pub" && copy_inbox "$T/pub/inbox" && chmod -R a+rX "$T/pub" && chmod a+x "$T"
capture ingest runuser -u luutru -- /usr/bin/luutru --archive /var/lib/luutru/archive ingest "$T/pub/inbox"
[ "$RC" = 0 ] || { show_file "$T/ingest.err" stderr; fail "the luutru user's ingest exited $RC"; } >&2
[ -f /var/lib/luutru/archive/catalog.sqlite ] || fail "no catalog in /var/lib/luutru/archive"
# status runs in the front, ingest ran in the engine it starts.
capture status runuser -u luutru -- /usr/bin/luutru --archive /var/lib/luutru/archive status --json
[ "$RC" = 0 ] || { show_file "$T/status.err" stderr; fail "the luutru user's status exited $RC"; } >&2
grep -q '"queued"' "$T/status.out" || fail "status --json of the installed luutru holds no queued count: $(cat "$T/status.out")"

# ---- remove, purge: only the archive's data stays ----
files=$(dpkg -L luutru | while read -r f; do [ -f "$f" ] && echo "$f"; done)
capture remove dpkg -r luutru
[ "$RC" = 0 ] || fail "dpkg -r luutru exited $RC: $(cat "$T/remove.err")"
for f in $files; do [ ! -e "$f" ] || fail "dpkg -r left $f"; done
[ -f /var/lib/luutru/archive/catalog.sqlite ] || fail "dpkg -r removed the archive's catalog"
capture purge dpkg --purge luutru
[ "$RC" = 0 ] || fail "dpkg --purge luutru exited $RC: $(cat "$T/purge.err")"
[ -f /var/lib/luutru/archive/catalog.sqlite ] || fail "dpkg --purge removed the archive's catalog"
left=$(find /var/lib/luutru -mindepth 1 -maxdepth 2 ! -path '/var/lib/luutru/archive' ! -path '/var/lib/luutru/archive/*')
[ -z "$left" ] || fail "the purge left more than the archive: $left"
[ ! -e /usr/bin/luutru ] || fail "/usr/bin/luutru is still there"

# ---- the offline bundle alone, on a minimal Debian 12 ----
mkdir -p "$T/usb" "$T/apt/lists/partial" "$T/apt/cache/archives/partial" "$T/apt/empty"
tar -xf "$BUNDLE_TAR" -C "$T/usb" || fail "cannot unpack $BUNDLE_TAR"
[ -s "$T/usb/luutru-offline/README.txt" ] && [ -s "$T/usb/luutru-offline/Packages" ] || fail "the bundle has no README.txt or Packages"
"$ROOT/dist/minimal-status" >"$T/apt/status"
minimal=$(grep -c '^Package: ' "$T/apt/status")
[ "$minimal" -ge 50 ] || fail "the minimal system has only $minimal packages"
grep -qx 'Package: apt' "$T/apt/status" || fail "the minimal system lacks apt"
grep -qx 'Package: libtesseract5' "$T/apt/status" && fail "the minimal system holds libtesseract5"
# resolve DIR: apt-get install --simulate luutru with only DIR as a source
resolve() {
	echo "deb [trusted=yes] file:$1 ./" >"$T/apt/sources.list"
	rm -rf "$T/apt/lists" && mkdir -p "$T/apt/lists/partial"
	local apt=(apt-get -q -o Dir::Etc::SourceList="$T/apt/sources.list" -o Dir::Etc::SourceParts="$T/apt/empty"
		-o Dir::Etc::PreferencesParts="$T/apt/empty" -o Dir::State::Lists="$T/apt/lists"
		-o Dir::State::status="$T/apt/status" -o Dir::State::extended_states="$T/apt/extended_states"
		-o Dir::Cache="$T/apt/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	"${apt[@]}" update >"$T/update.out" 2>&1 || return 1
	"${apt[@]}" install --simulate luutru >"$T/simulate.out" 2>&1
}
resolve "$T/usb/luutru-offline" || { show_file "$T/simulate.out" "apt-get install --simulate" >&2; fail "the bundle alone does not install luutru"; }
grep -q "^Inst luutru ($VERSION " "$T/simulate.out" || fail "the simulated install does not install luutru $VERSION"
installs=$(grep -c '^Inst ' "$T/simulate.out")
# The closure test can fail: without libtesseract5 the same bundle does not resolve.
cp -R "$T/usb/luutru-offline" "$T/short"
rm "$T/short"/libtesseract5_*.deb
(cd "$T/short" && dpkg-scanpackages --multiversion . >Packages 2>/dev/null && rm -f Packages.gz)
if resolve "$T/short"; then fail "a bundle without libtesseract5 resolved: the closure test proves nothing"; fi
echo "ok: $(basename "$DEB") ($(stat -c %s "$DEB") bytes) reproducible, lintian clean, installed and removed; bundle of $installs packages ($(du -sh "$T/usb/luutru-offline" | cut -f1)) resolves on a minimal system of $minimal"
