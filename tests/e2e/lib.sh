# shellcheck shell=bash
# Common helpers for the end-to-end tests; each t_*.sh sources this file.
#
#   ROOT      repo root             SHARED  ../shared beside it ($SHARED overrides)
#   SAMPLES   $ROOT/samples         LUUTRU  the binary ($LUUTRU overrides, default $ROOT/luutru)
#   T         this test's temp dir, removed on exit (KEEP=1 keeps it)
#   ARCHIVE   $T/archive, a fresh archive; `lt ARGS` runs luutru on it
#
# use_processed_archive gives a test the samples ingested and run once. When
# run.sh sets E2E_FIXTURE, the first test builds that fixture and the others
# copy its archive, so the whole suite OCRs the samples only once; a test run
# alone builds its own.

set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
SAMPLES=$ROOT/samples
LUUTRU=${LUUTRU:-$ROOT/luutru}
TEST_NAME=$(basename "$0" .sh)
OCREVAL=$SHARED/tools/ocreval
export OMP_THREAD_LIMIT=1
export LC_ALL=C.UTF-8
# English messages (t_i18n.sh sets the language itself).
unset LANGUAGE

T=$(mktemp -d "${TMPDIR:-/tmp}/luutru-$TEST_NAME.XXXXXX")
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $T" >&2; return; fi
	chmod -R u+w "$T" 2>/dev/null || true   # bundles and their contents may be read-only
	rm -rf "$T"
}
trap cleanup EXIT
ARCHIVE=$T/archive
unset LUUTRU_ARCHIVE

fail() {
	echo "FAIL $TEST_NAME: $*" >&2
	exit 1
}

# show_file FILE [LABEL]: a captured output, indented, for failure messages
show_file() {
	echo "--- ${2:-$1}:"
	sed -n '1,40p' "$1" | sed 's/^/    /'
}

[ -x "$LUUTRU" ] || fail "binary $LUUTRU not found or not executable (build it with make, or set LUUTRU)"
[ -d "$SHARED/tools" ] || fail "shared material not found at $SHARED (expected ../shared beside the repo)"

lt() { "$LUUTRU" --archive "$ARCHIVE" "$@"; }

# capture NAME CMD...: runs CMD, never aborts; stdout in $T/NAME.out, stderr in
# $T/NAME.err, exit status in RC. Fails the test if CMD was killed by a signal.
capture() {
	local name=$1; shift
	set +e
	"$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
	set -e
	if [ "$RC" -ge 126 ]; then
		show_file "$T/$name.err" "stderr" >&2
		fail "'$*' crashed or could not run (exit $RC)"
	fi
	return 0
}

# copy_inbox DEST: a private copy of samples/inbox
copy_inbox() {
	mkdir -p "$1"
	cp -R "$SAMPLES/inbox/." "$1/"
}

# sample_docs: the documents of samples/inbox, one name per line (folder or file name)
sample_docs() {
	(cd "$SAMPLES/inbox" && ls -1 | LC_ALL=C sort)
}

# doc_files DOC: the files of a sample document in natural order, relative to the inbox
doc_files() {
	if [ -d "$SAMPLES/inbox/$1" ]; then
		(cd "$SAMPLES/inbox" && ls -1 "$1" | sort -V | sed "s|^|$1/|")
	else
		echo "$1"
	fi
}

# truth_of REL: the ground-truth file of inbox file REL
truth_of() {
	local r=${1%.*}
	echo "$SAMPLES/truth/${r//\//__}.gt.txt"
}

# pages_in_truth GTFILE: 1 + the number of form-feed separator lines
pages_in_truth() {
	echo $(( $(grep -c $'^\f$' "$1" || true) + 1 ))
}

# expected_pages DOC: pages of a sample document, counted from its truth files
expected_pages() {
	local n=0 f
	for f in $(doc_files "$1"); do
		n=$(( n + $(pages_in_truth "$(truth_of "$f")") ))
	done
	echo "$n"
}

# total_expected_pages: pages of all samples, counted from truth/
total_expected_pages() {
	local n=0 g
	for g in "$SAMPLES"/truth/*.gt.txt; do
		n=$(( n + $(pages_in_truth "$g") ))
	done
	echo "$n"
}

# label_matches LABEL DOC: does an ingest label name sample document DOC?
# Accepts the name with or without extension, trailing slash or leading path.
label_matches() {
	local l=${1%/}
	l=${l##*/}
	[ "$l" = "$2" ] || [ "$l" = "${2%.*}" ]
}

# id_from_ingest FILE DOC: the id that an ingest output (queued/known lines) gives DOC
id_from_ingest() {
	local verb id label
	while read -r verb id label; do
		case "$verb" in queued|known) ;; *) continue ;; esac
		label=${label% (*}
		if label_matches "$label" "$2"; then echo "$id"; return 0; fi
	done <"$1"
	return 1
}

# bundle_of ID: path of the document's bundle tar (ARCHIVE/bundles/<2 chars>/<id>.tar)
bundle_of() {
	local b
	b=$(find "$ARCHIVE/bundles" -name "$1.tar" -type f 2>/dev/null | head -n 1)
	[ -n "$b" ] || fail "no bundle $1.tar under $ARCHIVE/bundles"
	echo "$b"
}

# all_bundles: every bundle tar in the archive
all_bundles() {
	find "$ARCHIVE/bundles" -name '*.tar' -type f | LC_ALL=C sort
}

# extract_bundle TAR DEST: unpacks TAR into DEST and prints the bag directory.
# A bundle must hold exactly one top directory, named after its id.
extract_bundle() {
	local tar=$1 dest=$2 top
	mkdir -p "$dest"
	tar -xf "$tar" -C "$dest" || fail "tar -xf $tar failed"
	top=$(ls -1A "$dest")
	[ "$(printf '%s\n' "$top" | wc -l)" = 1 ] && [ -d "$dest/$top" ] ||
		fail "$tar: expected one top directory, found: $(echo $top)"
	[ "$top" = "$(basename "$tar" .tar)" ] || fail "$tar: top directory is '$top', not the id"
	echo "$dest/$top"
}

# use_processed_archive: ARCHIVE holds the samples, ingested and run once.
# Sets INBOX (the inbox that was ingested), INGEST_OUT/INGEST_ERR/INGEST_RC and
# RUN_OUT/RUN_ERR/RUN_RC, and DOC_ID[<sample doc>] from the ingest output.
use_processed_archive() {
	local fx=${E2E_FIXTURE:-$T/fixture}
	mkdir -p "$fx"
	(
		flock 9
		if [ ! -e "$fx/built" ]; then
			rm -rf "$fx/archive" "$fx/inbox"
			copy_inbox "$fx/inbox"
			set +e
			"$LUUTRU" --archive "$fx/archive" ingest "$fx/inbox" >"$fx/ingest.out" 2>"$fx/ingest.err"
			echo $? >"$fx/ingest.rc"
			"$LUUTRU" --archive "$fx/archive" run -j "$(nproc)" >"$fx/run.out" 2>"$fx/run.err"
			echo $? >"$fx/run.rc"
			set -e
			touch "$fx/built"
		fi
	) 9>"$fx.lock"
	INBOX=$fx/inbox
	INGEST_OUT=$fx/ingest.out INGEST_ERR=$fx/ingest.err INGEST_RC=$(cat "$fx/ingest.rc")
	RUN_OUT=$fx/run.out RUN_ERR=$fx/run.err RUN_RC=$(cat "$fx/run.rc")
	if [ "$INGEST_RC" != 0 ] || [ "$RUN_RC" != 0 ]; then
		{ show_file "$INGEST_OUT" "ingest stdout"; show_file "$INGEST_ERR" "ingest stderr"
		  show_file "$RUN_OUT" "run stdout"; show_file "$RUN_ERR" "run stderr"; } >&2
		fail "processing the samples failed: ingest exit $INGEST_RC, run exit $RUN_RC"
	fi
	rm -rf "$ARCHIVE"
	cp -a "$fx/archive" "$ARCHIVE"
	declare -gA DOC_ID=()
	local d id
	for d in $(sample_docs); do
		id=$(id_from_ingest "$INGEST_OUT" "$d") || { show_file "$INGEST_OUT" "ingest stdout" >&2; fail "ingest output has no line for $d"; }
		DOC_ID[$d]=$id
	done
}

# status_counts STATE "DOCS PAGES": the line of $T/status.out (from `capture
# status lt status`) that starts with STATE holds exactly these two numbers,
# e.g. "archived:   5 documents, 8 pages".
status_counts() {
	local line
	line=$(grep -iE "^[[:space:]]*$1\b" "$T/status.out" | head -n 1)
	if [ "$(grep -oE '[0-9]+' <<<"$line" | xargs)" != "$2" ]; then
		show_file "$T/status.out" "status" >&2
		return 1
	fi
}

# sql QUERY: runs QUERY on the archive's catalog with the sqlite3 shell
sql() { sqlite3 "$ARCHIVE/catalog.sqlite" "$1"; }

# ingest_samples: a private copy of the samples ingested into ARCHIVE; sets
# DOCS to the number of documents queued
ingest_samples() {
	copy_inbox "$T/inbox"
	capture ingest lt ingest "$T/inbox"
	[ "$RC" = 0 ] || fail "ingest exited $RC"
	DOCS=$(grep -c '^queued ' "$T/ingest.out")
}

# wait_for_documents STATE: waits (up to 30 s) until a document is in STATE
wait_for_documents() {
	local n
	for _ in $(seq 1 600); do
		n=$(sql "SELECT COUNT(*) FROM documents WHERE state = '$1'" 2>/dev/null || echo 0)
		[ "${n:-0}" -ge 1 ] && return 0
		sleep 0.05
	done
	fail "no document reached state $1 within 30 s"
}
