#!/bin/bash
# The reading room in a real browser (issue 13): Debian's headless Chromium
# driven by chromium-driver and python3-selenium (installed here if missing
# and apt can), running tests/e2e/serve_browser.py against `luutru serve`.
# Screenshots go to $SCREENSHOT_DIR (default: the test's temporary folder;
# SCREENSHOT_DIR=doc/screenshots refreshes the README's). Skipped, with a
# message, only where Chromium cannot start.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"

BROWSER_PACKAGES="chromium chromium-driver python3-selenium python3-pil"
missing=
for p in $BROWSER_PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >"$T/apt.log" 2>&1 ||
			{ show_file "$T/apt.log" >&2; fail "cannot install$missing"; }
	else
		fail "missing Debian packages:$missing (apt-get install$missing)"
	fi
fi

use_processed_archive
doc=${DOC_ID[bao-cao-2016]}
lt get "$doc" --format pdf --out "$T/get.pdf" >/dev/null
sha=$(sha256sum <"$T/get.pdf" | cut -d' ' -f1)
shots=${SCREENSHOT_DIR:-$T/screenshots}
mkdir -p "$shots" "$T/downloads"
start_serve --listen 127.0.0.1:0
set +e
timeout 90 /usr/bin/python3 "$E2E_DIR/serve_browser.py" "$SERVE_URL" "$doc" "$sha" "$shots" "$T/downloads"
rc=$?
set -e
if [ "$rc" = 77 ]; then
	echo "SKIP $TEST_NAME: Chromium cannot start here"
	exit 0
fi
[ "$rc" = 0 ] || { show_file "$T/serve.err" "serve stderr" >&2; fail "the browser test failed (exit $rc)"; }
for s in search document page; do
	[ -s "$shots/$s.png" ] || fail "no screenshot $s.png"
done
log=$(cat "$ARCHIVE"/log/access-*.log)
case $log in *$'\tdownload\t'"$doc"$'\t-\tpdf'*) ;; *) fail "the browser's PDF download is not in the access log";; esac
echo "PASS $TEST_NAME"
