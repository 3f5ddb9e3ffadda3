#!/bin/bash
# Progress and summary for overnight runs (issue 10, item 11): on a terminal,
# one updating line (documents and pages done/total, pages per minute, ETA,
# failures); --quiet prints only errors and the summary; --json prints only a
# summary for scripts. The summary names the failed, rejected and skipped
# files with their reasons. One good page, one page that fails at load, one
# file that is not an image (rejected) and notes.txt (skipped).
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null || { echo "SKIP $TEST_NAME: no script(1) to give luutru a terminal"; exit 0; }
command -v python3 >/dev/null || { echo "SKIP $TEST_NAME: no python3 to read the JSON"; exit 0; }

# make_inbox DIR: the four entries above
make_inbox() {
	mkdir -p "$1"
	cp "$SAMPLES/inbox/letter-en.png" "$1/good.png"
	head -c 30000 "$SAMPLES/inbox/bao-cao-2016/page-0001.png" >"$1/truncated.png"
	echo "not an image" >"$1/bad.png"
	echo "scanner notes" >"$1/notes.txt"
}

# --json: stdout is one JSON object with the counts, the failed document
# with its stage and reason, the rejected and skipped files with reasons.
make_inbox "$T/in-json"
capture json lt batch -j 1 --json "$T/in-json"
[ "$RC" = 1 ] || { show_file "$T/json.err" stderr >&2; fail "batch --json exited $RC, not 1"; }
python3 - "$T/json.out" <<'PY' || { show_file "$T/json.out" >&2; fail "the --json summary is not as expected"; }
import json, sys
s = json.load(open(sys.argv[1]))
def check(cond, what):
    if not cond:
        sys.exit("json: " + what)
check(s["command"] == "batch" and s["outcome"] == "finished", "command/outcome")
check(s["exit_code"] == 1 and "failed" in s["exit_meaning"], "exit code and its meaning")
check(s["documents"] == {"queued": 2, "archived": 1, "failed": 1, "requeued": 0, "given_up": 0},
      "document counts %r" % s["documents"])
check(s["pages"] == {"queued": 2, "archived": 1, "failed": 1}, "page counts %r" % s["pages"])
check(s["seconds"] > 0 and s["pages_per_minute"] > 0 and s["workers"] == 1, "time and speed")
c = s["stage_cpu_seconds"]
check(list(c)[:2] == ["load", "ocr"] and "package" in c and "commit" in c
      and c["ocr"] > 0 and all(v >= 0 for v in c.values()) and c["ocr"] > c["package"],
      "stage_cpu_seconds %r" % c)
# Tesseract's own time on the pages (helper-filled per page): a part of the
# OCR stage's CPU, never more.
o = s["ocr_seconds"]
check(sorted(o) == ["orientation", "outputs", "preprocess", "quality", "recognise", "skew", "walk"]
      and all(isinstance(v, (int, float)) and v >= 0 for v in o.values())
      and o["recognise"] > 0 and o["preprocess"] > 0 and o["walk"] > 0 and o["outputs"] > 0
      and o["orientation"] + o["skew"] <= o["preprocess"] + 0.002
      and o["recognise"] + o["preprocess"] + o["walk"] + o["outputs"] + o["quality"]
          <= c["ocr"] + 0.01,
      "ocr_seconds %r (stage ocr %r)" % (o, c["ocr"]))
# The whole process's CPU holds every stage's, and the models' loading.
p = s["cpu_seconds"]
check(sorted(p) == ["process", "startup"] and p["startup"] > 0
      and p["process"] + 0.01 >= sum(c.values()) + p["startup"],
      "cpu_seconds %r (stages %r)" % (p, c))
check(0 <= s["tail_seconds"] <= s["seconds"] + 0.05, "tail_seconds %r" % s["tail_seconds"])
f = s["failed_documents"]
check(len(f) == 1 and f[0]["label"] == "truncated.png" and f[0]["stage"] == "load"
      and "truncated.png" in f[0]["reason"] and f[0]["pages"] == 1 and len(f[0]["id"]) > 0,
      "failed_documents %r" % f)
r = s["rejected_documents"]
check(len(r) == 1 and r[0]["label"] == "bad.png" and "not a readable image" in r[0]["reason"],
      "rejected_documents %r" % r)
k = s["skipped_files"]
check(len(k) == 1 and k[0]["path"].endswith("notes.txt") and k[0]["reason"], "skipped_files %r" % k)
check(s["ingest"]["queued"] == 2 and s["ingest"]["rejected"] == 1 and s["ingest"]["skipped"] == 1,
      "ingest counts %r" % s["ingest"])
check(s["error"] is None, "error should be null")
PY
grep -q "truncated\.png" "$T/json.err" || { show_file "$T/json.err" stderr >&2; fail "--json kept the failure off stderr"; }

# An empty queue is a JSON summary too, with `run`'s unknown lists as null.
capture empty lt run --json
[ "$RC" = 0 ] || fail "run --json on an empty queue exited $RC"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["outcome"]=="empty" and s["exit_code"]==0 and s["skipped_files"] is None and s["failed_documents"]==[], s' \
	"$T/empty.out" || { show_file "$T/empty.out" >&2; fail "run --json on an empty queue"; }

# On a terminal: one line, redrawn with carriage returns, no line per
# document; the summary after it names the failure.
make_inbox "$T/in-tty"
set +e
script -qec "'$LUUTRU' --archive '$T/tty-archive' batch -j 1 '$T/in-tty'" /dev/null \
	</dev/null >"$T/tty.out" 2>&1
RC=$?
set -e
[ "$RC" = 1 ] || { show_file "$T/tty.out" >&2; fail "batch on a terminal exited $RC, not 1"; }
tr '\r' '\n' <"$T/tty.out" >"$T/tty.lines"
grep -qE '^0/2 documents, 0/2 pages, 0\.0 pages/min, ETA --, 0 failed' "$T/tty.lines" ||
	{ show_file "$T/tty.lines" >&2; fail "no progress line before the first document"; }
grep -qE '^2/2 documents, 2/2 pages, [0-9.]+ pages/min, ETA 0 s, 1 failed' "$T/tty.lines" ||
	{ show_file "$T/tty.lines" >&2; fail "no progress line with 2/2 documents and 1 failure"; }
[ "$(tr -cd '\r' <"$T/tty.out" | wc -c)" -gt "$(grep -c '' "$T/tty.out")" ] ||
	fail "the progress line is not redrawn in place (no more carriage returns than lines)"
! grep -q '^archived ' "$T/tty.lines" || { show_file "$T/tty.lines" >&2; fail "a line per archived document on a terminal"; }
grep -q '^Run finished .* 1 document archived (1 page), 1 failed' "$T/tty.lines" ||
	{ show_file "$T/tty.lines" >&2; fail "no summary after the progress line"; }
grep -q '^  [0-9a-f]* truncated\.png: load: ' "$T/tty.lines" || { show_file "$T/tty.lines" >&2; fail "the summary does not name the failed file"; }
grep -q '^  bad\.png: .*not a readable image' "$T/tty.lines" || fail "the summary does not name the rejected file"
grep -q '^  .*notes\.txt: not an image' "$T/tty.lines" || fail "the summary does not name the skipped file"

# Off a terminal the plain lines stay, and the log has the named failure.
make_inbox "$T/in-plain"
capture plain "$LUUTRU" --archive "$T/plain-archive" batch -j 1 "$T/in-plain"
[ "$RC" = 1 ] || fail "batch off a terminal exited $RC"
grep -q '^archived [0-9a-f]* good\.png' "$T/plain.out" || { show_file "$T/plain.out" >&2; fail "no plain line per document off a terminal"; }
! grep -q $'\r' "$T/plain.out" || fail "carriage returns off a terminal"
grep -q '^  [0-9a-f]* truncated\.png: load: ' "$T/plain-archive"/log/run-*.log || fail "the log's summary does not name the failed file"

# --quiet, even on a terminal: errors and the summary only.
make_inbox "$T/in-quiet"
rm "$T/in-quiet/good.png"
set +e
script -qec "'$LUUTRU' --archive '$T/quiet-archive' batch -q '$T/in-quiet'" /dev/null \
	</dev/null >"$T/quiet.out" 2>&1
RC=$?
set -e
[ "$RC" = 1 ] || { show_file "$T/quiet.out" >&2; fail "batch --quiet exited $RC, not 1"; }
tr -d '\r' <"$T/quiet.out" >"$T/quiet.lines"
grep -qE 'documents, .* pages/min' "$T/quiet.lines" && { show_file "$T/quiet.lines" >&2; fail "--quiet drew the progress line"; }
grep -qE '^(queued|skipped|rejected|archived|failed|ingest:) ' "$T/quiet.lines" &&
	{ show_file "$T/quiet.lines" >&2; fail "--quiet printed a line per file"; }
grep -q '^error: document .* (truncated\.png) failed at load' "$T/quiet.lines" || fail "--quiet hid the run's error"
grep -q '^error: bad\.png: ' "$T/quiet.lines" || fail "--quiet hid the ingest's error"
grep -q '^Run finished .* 0 documents archived (0 pages), 1 failed' "$T/quiet.lines" ||
	{ show_file "$T/quiet.lines" >&2; fail "--quiet has no summary"; }
grep -q '^  .*notes\.txt: not an image' "$T/quiet.lines" || fail "the --quiet summary does not name the skipped file"

echo "ok $TEST_NAME"
