#!/bin/bash
# Issue 14, items 1, 2, 3 and 5: a plan of shards (`shard`), each shard run
# without the catalog (`run --shard`), merged back (`merge`). The samples are
# planned into 3 shards; one shard run is killed after its first bundle and
# resumed; a shard bundle is tampered with and refused at merge; merge runs
# while a shard has not finished, and again at the end without changing
# anything; the archive equals a local run of the same inbox. Also: a local
# run leaves leased documents alone, status shows the plan, a plan is
# cancelled, and an empty queue plans nothing.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || { echo "SKIP $TEST_NAME: no sqlite3"; exit 0; }
command -v python3 >/dev/null || { echo "SKIP $TEST_NAME: no python3"; exit 0; }

use_processed_archive           # the reference: the samples by a local run
REF=$ARCHIVE
ARCHIVE=$T/sharded
PLAN=$T/plan
sql() { sqlite3 "$ARCHIVE/catalog.sqlite" "$1"; }

# A document the shard fails at once (a truncated scan), beside the samples.
mkdir -p "$T/bad"
head -c 30001 "$SAMPLES/inbox/bao-cao-2016/page-0001.png" >"$T/bad/broken.png"
capture ingest lt ingest "$INBOX"
[ "$RC" = 0 ] || { show_file "$T/ingest.err" >&2; fail "ingest exited $RC"; }
capture ingest_bad lt ingest "$T/bad"
broken=$(sql "SELECT id FROM documents WHERE label = 'broken.png'")
[ -n "$broken" ] || fail "the broken scan was not queued"

# ---- plan ----
capture shard lt shard --tasks 3 --out "$PLAN" --json
[ "$RC" = 0 ] || { show_file "$T/shard.err" >&2; fail "shard exited $RC"; }
plan_id=$(/usr/bin/python3 - "$T/shard.out" "$PLAN" "$ARCHIVE" <<'EOF'
import json, os, sys
p = json.load(open(sys.argv[1]))
on_disk = json.load(open(os.path.join(sys.argv[2], "plan.json")))
assert p == on_disk, "--json must print plan.json"
assert p["tasks"] == 3 and len(p["shards"]) == 3, p
assert p["archive"] == os.path.realpath(sys.argv[3]), p["archive"]
assert sum(s["documents"] for s in p["shards"]) == 6, p
pages = [s["pages"] for s in p["shards"]]
assert sum(pages) == 9 and max(pages) - min(pages) <= 2, pages   # longest first, lightest shard
for s in p["shards"]:
    wl = json.load(open(os.path.join(sys.argv[2], str(s["task"]), "worklist.json")))
    assert wl["plan"] == p["plan"] and wl["task"] == s["task"], wl
    assert len(wl["documents"]) == s["documents"], wl
    for d in wl["documents"]:
        assert d["bundle_version"] == 1, d
        for src in d["sources"]:
            assert os.path.isabs(src["path"]) and len(src["sha256"]) == 64, src
print(p["plan"])
EOF
) || fail "plan.json or a work list is not as planned"
[ "$(sql "SELECT COUNT(*) FROM documents WHERE lease = '$plan_id'")" = 6 ] ||
	fail "every queued document is leased to the plan"
capture shard_again lt shard --tasks 2 --out "$T/plan-b"
[ "$RC" = 1 ] || fail "a second plan with nothing left to lease exited $RC, expected 1"
[ ! -e "$T/plan-b" ] || fail "an empty plan created its folder"
grep -q "nothing to plan" "$T/shard_again.err" || fail "no clear error for an empty queue: $(cat "$T/shard_again.err")"

# ---- a local run does not take leased documents ----
capture local lt run -j 1
[ "$RC" = 0 ] || { show_file "$T/local.err" >&2; fail "a local run beside the plan exited $RC"; }
[ "$(sql "SELECT COUNT(*) FROM documents WHERE state = 'queued'")" = 6 ] ||
	fail "a local run claimed leased documents"

# ---- status shows the plan ----
capture status lt status
status_text=$(cat "$T/status.out")
case $status_text in *"plan $plan_id"*"shard 2:"*) ;; *) fail "status does not show the plan: $status_text" ;; esac
capture status_json lt status --json
/usr/bin/python3 - "$T/status_json.out" "$plan_id" <<'EOF' || fail "status --json has no plan in flight"
import json, sys
s = json.load(open(sys.argv[1]))
(p,) = [p for p in s["plans"] if p["plan"] == sys.argv[2]]
assert len(p["shards"]) == 3 and sum(g["leased"] for g in p["shards"]) == 6, p
EOF

shard_of() { # ID: the task whose work list holds it
	grep -l "\"$1\"" "$PLAN"/*/worklist.json | sed 's|.*/\([0-9]*\)/worklist.json|\1|'
}
big=$(/usr/bin/python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(max(p["shards"], key=lambda s: s["documents"])["task"])' "$PLAN/plan.json")

# ---- a shard run killed after its first bundle, run again ----
"$LUUTRU" run --shard "$PLAN/$big" -j 1 >"$T/killed.out" 2>"$T/killed.err" &
pid=$!
for _ in $(seq 1 600); do
	[ -n "$(find "$PLAN/$big/bundles" -name '*.tar' 2>/dev/null)" ] && break
	sleep 0.1
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ -n "$(find "$PLAN/$big/bundles" -name '*.tar')" ] || fail "no bundle before the kill"
[ ! -e "$PLAN/$big/DONE" ] || fail "a killed shard says DONE"
[ -z "$(find "$PLAN/$big/bundles" -name '*.part')" ] || fail "half a bundle is visible in the shard"
capture resumed "$LUUTRU" run --shard "$PLAN/$big" -j 2
[ "$RC" -le 1 ] || { show_file "$T/resumed.err" >&2; fail "resumed shard run exited $RC"; }
[ -e "$PLAN/$big/DONE" ] || fail "the resumed shard did not write DONE"
lines=$(wc -l <"$PLAN/$big/journal.jsonl")
ids=$(sed 's/^{"id":"\([0-9a-f]*\)".*/\1/' "$PLAN/$big/journal.jsonl" | sort -u | wc -l)
docs=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["documents"]))' "$PLAN/$big/worklist.json")
[ "$lines" = "$docs" ] && [ "$ids" = "$docs" ] ||
	fail "journal of the resumed shard: $lines lines, $ids documents, expected $docs each once"
[ "$(find "$PLAN/$big/bundles" -name '*.tar' | wc -l)" = "$(grep -c '"outcome":"archived"' "$PLAN/$big/journal.jsonl")" ] ||
	fail "bundles in the shard and archived journal lines differ"

# ---- merge while a shard has not finished ----
others=()
for k in 0 1 2; do [ "$k" = "$big" ] || others+=("$k"); done
capture run_one "$LUUTRU" run --shard "$PLAN/${others[0]}" -j 1
[ "$RC" -le 1 ] || { show_file "$T/run_one.err" >&2; fail "shard ${others[0]} exited $RC"; }
capture merge_part lt merge "$PLAN"
[ "$RC" = 0 ] || { show_file "$T/merge_part.err" >&2; fail "merge of a part exited $RC"; }
pending=$(sql "SELECT COUNT(*) FROM plan_documents WHERE outcome = 'leased' AND task = ${others[1]}")
[ "$pending" -gt 0 ] || fail "the unfinished shard's documents are not leased any more"
[ "$(sql "SELECT COUNT(*) FROM plans WHERE closed IS NULL")" = 1 ] || fail "the plan closed with a shard unfinished"
merged=$(sql "SELECT COUNT(*) FROM plan_documents WHERE outcome IN ('merged', 'failed')")
[ "$merged" = "$(sql "SELECT COUNT(*) FROM plan_documents WHERE task <> ${others[1]}")" ] ||
	fail "merge did not take every finished document ($merged)"

# ---- a tampered bundle is refused ----
capture run_last "$LUUTRU" run --shard "$PLAN/${others[1]}" -j 1
[ "$RC" -le 1 ] || { show_file "$T/run_last.err" >&2; fail "shard ${others[1]} exited $RC"; }
victim_tar=$(find "$PLAN/${others[1]}/bundles" -name '*.tar' | LC_ALL=C sort | head -n 1)
victim=$(basename "$victim_tar" .tar)
chmod u+w "$victim_tar"
/usr/bin/python3 - "$victim_tar" <<'EOF'
import sys, tarfile
path = sys.argv[1]
with tarfile.open(path) as t:
    m = [m for m in t.getmembers() if m.name.endswith("ocr/data/0001.txt")][0]
    off = m.offset_data
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x01]))
EOF
capture merge_rest lt merge "$PLAN"
[ "$RC" = 1 ] || { show_file "$T/merge_rest.err" >&2; fail "merge with a tampered bundle exited $RC, expected 1"; }
grep -q "$victim" "$T/merge_rest.err" || fail "merge does not name the refused document: $(cat "$T/merge_rest.err")"
[ "$(sql "SELECT state || ' ' || COALESCE(lease, '-') FROM documents WHERE id = '$victim'")" = "queued -" ] ||
	fail "the refused document is not back in the queue"
reason=$(sql "SELECT detail FROM events WHERE document_id = '$victim' AND type = 'requeued' ORDER BY rowid DESC LIMIT 1")
case $reason in *damaged*) ;; *) fail "the requeue does not give the reason: '$reason'" ;; esac
[ -e "$victim_tar" ] || fail "the refused bundle was not left in the shard"
[ "$(sql "SELECT closed IS NOT NULL FROM plans WHERE id = '$plan_id'")" = 1 ] ||
	fail "every shard done and merged, but the plan is not closed"
failure=$(sql "SELECT state || ': ' || failure FROM documents WHERE id = '$broken'")
case $failure in failed:*load*) ;; *) fail "the document the shard failed is not failed with its reason: '$failure'" ;; esac

# The refused document is done again by a local run, as any queued one.
capture local_again lt run -j 1
[ "$RC" = 0 ] || { show_file "$T/local_again.err" >&2; fail "local run of the refused document exited $RC"; }

# ---- merge again changes nothing ----
sqlite3 "$ARCHIVE/catalog.sqlite" .dump >"$T/dump1"
capture merge_again lt merge "$PLAN"
[ "$RC" = 0 ] || { show_file "$T/merge_again.err" >&2; fail "merge of a closed plan exited $RC"; }
sqlite3 "$ARCHIVE/catalog.sqlite" .dump >"$T/dump2"
cmp -s "$T/dump1" "$T/dump2" || fail "a second merge changed the catalog"

# ---- the same archive as a local run ----
q="SELECT d.id || ' ' || d.state || ' ' || (SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id)
   FROM documents d WHERE d.label <> 'broken.png' ORDER BY d.id"
[ "$(sqlite3 "$REF/catalog.sqlite" "$q")" = "$(sql "$q")" ] || fail "documents or page counts differ from a local run"
q="SELECT document_id || ' ' || number || ' ' || hex(text) FROM pages
   WHERE document_id <> '$broken' ORDER BY document_id, number"
[ "$(sqlite3 "$REF/catalog.sqlite" "$q")" = "$(sql "$q")" ] || fail "page texts differ from a local run"
q="SELECT document_id || ' ' || key || ' ' || value FROM metadata
   WHERE document_id <> '$broken' ORDER BY document_id, key"
[ "$(sqlite3 "$REF/catalog.sqlite" "$q")" = "$(sql "$q")" ] || fail "metadata differs from a local run"
q="SELECT document_id || ' ' || group_concat(type, ',') FROM (SELECT document_id, type FROM events
   WHERE document_id NOT IN ('$broken', '$victim') ORDER BY document_id, rowid) GROUP BY document_id"
[ "$(sqlite3 "$REF/catalog.sqlite" "$q")" = "$(sql "$q")" ] || fail "histories differ from a local run:
$(sqlite3 "$REF/catalog.sqlite" "$q")
---
$(sql "$q")"
# The bundles' own history (metadata.json) too: the claim is in it, as in a local run's.
for tar in "$ARCHIVE"/bundles/*/*.tar; do
	id=$(basename "$tar" .tar)
	[ "$id" = "$victim" ] && continue
	/usr/bin/python3 - "$tar" "$REF/bundles/${id:0:2}/$id.tar" <<'EOF' || fail "bundle $id's history differs from a local run's"
import json, sys, tarfile
def history(path):
    with tarfile.open(path) as t:
        m = [m for m in t.getmembers() if m.name.endswith("descriptive/metadata.json")][0]
        return [(e["type"], e["outcome"]) for e in json.load(t.extractfile(m))["events"]]
a, b = history(sys.argv[1]), history(sys.argv[2])
assert a == b, (a, b)
EOF
done
capture verify lt verify --all
[ "$RC" = 0 ] || { show_file "$T/verify.out" >&2; fail "the merged bundles do not verify"; }
for word in "ủy ban" "van phong" "05-CT/TW" "report"; do
	a=$("$LUUTRU" --archive "$REF" search "$word" 2>&1 || true)
	b=$(lt search "$word" 2>&1 || true)
	[ "$a" = "$b" ] || fail "search '$word' differs from a local run:
$a
---
$b"
done

# ---- a plan folder on another file system: bundles copied in, not renamed ----
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$T")" ]; then
	SHM=$(mktemp -d /dev/shm/luutru-t_shard.XXXXXX)
	trap 'rm -rf "$SHM"; cleanup' EXIT
	ARCHIVE=$T/other-fs
	mkdir -p "$T/one"
	cp "$INBOX/letter-en.png" "$T/one/"
	capture ingest_o lt ingest "$T/one"
	capture shard_o lt shard --tasks 1 --out "$SHM/plan"
	capture run_o "$LUUTRU" run --shard "$SHM/plan/0" -j 1
	[ "$RC" = 0 ] || { show_file "$T/run_o.err" >&2; fail "shard run on /dev/shm exited $RC"; }
	capture merge_o lt merge "$SHM/plan"
	[ "$RC" = 0 ] || { show_file "$T/merge_o.err" >&2; fail "merge across file systems exited $RC"; }
	[ "$(sql "SELECT state FROM documents")" = archived ] || fail "not archived across file systems"
	[ -z "$(find "$SHM/plan/0/bundles" -name '*.tar')" ] || fail "the copied bundle was left in the shard"
	[ -z "$(find "$ARCHIVE/bundles" -name '*.merge-*')" ] || fail "a temporary copy was left in the archive"
	capture verify_o lt verify --all
	[ "$RC" = 0 ] || { show_file "$T/verify_o.out" >&2; fail "the copied bundle does not verify"; }
fi

# ---- cancel ----
ARCHIVE=$T/cancel
capture ingest_c lt ingest "$INBOX"
capture shard_c lt shard --tasks 2 --out "$T/plan-c"
[ "$RC" = 0 ] || { show_file "$T/shard_c.err" >&2; fail "shard exited $RC"; }
capture cancel lt shard --cancel "$T/plan-c"
[ "$RC" = 0 ] || { show_file "$T/cancel.err" >&2; fail "cancel exited $RC"; }
[ "$(sql "SELECT COUNT(*) FROM documents WHERE state = 'queued' AND lease IS NULL")" = 5 ] ||
	fail "cancel did not give the documents back to the queue"
[ "$(sql "SELECT outcome FROM plans")" = cancelled ] || fail "the cancelled plan is not closed"
capture merge_c lt merge "$T/plan-c"
[ "$RC" = 1 ] || fail "merging a cancelled plan exited $RC, expected 1"
echo "ok $TEST_NAME"
