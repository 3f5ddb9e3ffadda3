#!/bin/bash
# Issue 14, item 4: `luutru slurm` on a real one-machine Slurm cluster
# (slurm-cluster.sh). Without a cluster: --print's scripts (array range,
# dependency, an archive path with a space and a plan folder with a quote and
# a #, run by sh), and the clear errors (no sbatch, a folder that exists, an
# empty queue). On the cluster: sbatch refusing a partition leases nothing;
# the samples planned into 3 shards with `slurm --tasks 3 --wait`, one array
# task killed after its first bundle, `slurm --resume` for it with its
# merge job held while one of its bundles is tampered with (refused, back in
# the queue, done again by a second plan); the archive then equals a local run
# of the same inbox, and `merge` once more changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm-cluster.sh"
trap 'slurm_cluster_stop; cleanup' EXIT

command -v sqlite3 >/dev/null || { echo "SKIP $TEST_NAME: no sqlite3"; exit 0; }

use_processed_archive            # the reference: the samples by a local run
REF=$ARCHIVE
ARCHIVE="$T/an archive"          # a space: the scripts must quote it
sql() { sqlite3 "$ARCHIVE/catalog.sqlite" "$1"; }
leased() { sql "SELECT COUNT(*) FROM documents WHERE lease IS NOT NULL"; }
capture ingest lt ingest "$INBOX"
[ "$RC" = 0 ] || { show_file "$T/ingest.err" >&2; fail "ingest exited $RC"; }

# ---- without a cluster ----
capture no_sbatch env PATH=/nonexistent "$LUUTRU" --archive "$ARCHIVE" slurm --tasks 3
[ "$RC" = 3 ] || { show_file "$T/no_sbatch.err" >&2; fail "slurm without sbatch exited $RC, expected 3"; }
err=$(cat "$T/no_sbatch.err")
case $err in *"'sbatch' is not in PATH"*) ;; *) fail "no clear error without sbatch: $err" ;; esac
[ "$(leased)" = 0 ] && [ ! -e "$ARCHIVE/shards" ] || fail "slurm without sbatch planned something"

PRINTED="$T/plan #1 it's"
capture print lt slurm --tasks 3 --dir "$PRINTED" --print --time 30:00
[ "$RC" = 0 ] || { show_file "$T/print.err" >&2; fail "slurm --print exited $RC"; }
out=$(cat "$T/print.out")
[ "$(cat "$PRINTED/array.sbatch")" = "$(sed -n '2,/^$/p' "$T/print.out" | sed '$d')" ] ||
	fail "--print does not print array.sbatch as written"
q_archive="'$ARCHIVE'"
q_dir="'$T/plan #1 it'\\''s'"
for want in "#SBATCH --array=0-2" "#SBATCH --time=\"30:00\"" "#SBATCH --cpus-per-task=1" \
	"#SBATCH --output=\"$T/plan \\#1 it's/%a/slurm-%A_%a.out\"" \
	"#SBATCH --chdir=\"$T/plan \\#1 it's\"" \
	"--archive $q_archive run --shard $q_dir/\"\$SLURM_ARRAY_TASK_ID\" -j \"\${SLURM_CPUS_PER_TASK:-1}\"" \
	"--archive $q_archive merge $q_dir" \
	"ARRAY_JOB=\$(sbatch --parsable ${q_dir%\'}/array.sbatch')" \
	"sbatch --parsable --dependency=afterany:\$ARRAY_JOB ${q_dir%\'}/merge.sbatch'" \
	"luutru slurm --resume $q_dir"; do
	case $out in *"$want"*) ;; *) fail "--print lacks: $want
$out" ;; esac
done
case $out in *"exec '$(realpath "$LUUTRU")'"*) ;; *) fail "the scripts do not run luutru by its absolute path" ;; esac
[ "$(leased)" = 5 ] || fail "--print planned $(leased) documents, expected the 5 queued"
sh -n "$PRINTED/array.sbatch" && sh -n "$PRINTED/merge.sbatch" || fail "the scripts are not valid sh"
# The merge script's own line, run by sh: the quoted paths reach luutru whole.
capture merge_by_sh sh "$PRINTED/merge.sbatch"
[ "$RC" = 0 ] || { show_file "$T/merge_by_sh.err" >&2; fail "merge.sbatch run by sh exited $RC"; }
case $(cat "$T/merge_by_sh.out") in *"5 leased documents not finished"*) ;;
	*) show_file "$T/merge_by_sh.out" >&2; fail "merge.sbatch did not merge the printed plan" ;; esac

# --resume of a plan never submitted: every shard, on sbatch's line.
capture resume_print lt slurm --resume "$PRINTED" --print --partition 'debug'
[ "$RC" = 0 ] || { show_file "$T/resume_print.err" >&2; fail "slurm --resume --print exited $RC"; }
want="ARRAY_JOB=\$(sbatch --parsable --array=0-2 --partition=debug ${q_dir%\'}/array.sbatch')"
case $(cat "$T/resume_print.out") in *"$want"*) ;; *) fail "--resume --print: $(cat "$T/resume_print.out"), expected $want" ;; esac

capture exists lt slurm --tasks 3 --dir "$PRINTED" --print
[ "$RC" = 2 ] || fail "slurm into an existing folder exited $RC, expected 2"
case $(cat "$T/exists.err") in *"exists already"*) ;; *) fail "no clear error for an existing folder" ;; esac
capture empty lt slurm --tasks 2 --print
[ "$RC" = 1 ] || { show_file "$T/empty.err" >&2; fail "slurm of an empty queue exited $RC, expected 1"; }
case $(cat "$T/empty.err") in *"nothing to plan"*) ;; *) fail "no clear error for an empty queue: $(cat "$T/empty.err")" ;; esac
capture cancel lt shard --cancel "$PRINTED"
[ "$RC" = 0 ] && [ "$(leased)" = 0 ] || fail "the printed plan could not be cancelled"

# ---- the cluster ----
if ! slurm_cluster_start "$T/cluster"; then
	echo "SKIP $TEST_NAME (the --print part passed): no Slurm cluster here: $SLURM_CLUSTER_WHY"
	exit 0
fi

capture refused lt slurm --tasks 3 --partition nosuch
[ "$RC" = 3 ] || { show_file "$T/refused.err" >&2; fail "slurm on an unknown partition exited $RC, expected 3"; }
case $(cat "$T/refused.err") in *"invalid partition"*) ;; *) fail "sbatch's own reason is not shown: $(cat "$T/refused.err")" ;; esac
[ "$(leased)" = 0 ] || fail "a refused array leased documents"

# The plan, submitted and waited for; the task with two documents killed
# after its first bundle.
"$LUUTRU" --archive "$ARCHIVE" slurm --tasks 3 --wait --json --merge-node "$(hostname -s)" \
	>"$T/wait.out" 2>"$T/wait.err" &
waiter=$!
plan_dir= array_job= victim_task=
for _ in $(seq 1 300); do
	for f in "$ARCHIVE"/shards/*/slurm.json; do [ -s "$f" ] && plan_dir=${f%/slurm.json}; done
	[ -n "$plan_dir" ] && break
	sleep 0.1
done
[ -n "$plan_dir" ] || { cat "$T/wait.err" >&2; fail "no ARCHIVE/shards/*/slurm.json after 30 s"; }
array_job=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["submissions"][0]["array_job"])' "$plan_dir/slurm.json")
victim_task=$(/usr/bin/python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(max(p["shards"], key=lambda s: s["documents"])["task"])' "$plan_dir/plan.json")
for _ in $(seq 1 1200); do
	[ -n "$(find "$plan_dir/$victim_task/bundles" -name '*.tar' 2>/dev/null)" ] && break
	sleep 0.1
done
# Its luutru killed (SIGKILL), as on a node lost: scancel sends SIGTERM first
# (even --signal=KILL is a cancel), and luutru would finish the document in hand.
task_job=$(squeue -h -j "${array_job}_$victim_task" -o %A)
task_pids=$(scontrol listpids "$task_job" | awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1 }')
[ -n "$task_pids" ] || fail "no process of task $victim_task (job $task_job) to kill"
kill -KILL $task_pids
[ -n "$(find "$plan_dir/$victim_task/bundles" -name '*.tar')" ] || fail "task $victim_task made no bundle in 120 s"
set +e; wait "$waiter"; RC=$?; set -e
[ ! -e "$plan_dir/$victim_task/DONE" ] &&
[ "$(wc -l <"$plan_dir/$victim_task/journal.jsonl")" -lt "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["documents"]))' "$plan_dir/$victim_task/worklist.json")" ] ||
	fail "the killed task finished its shard before it was killed: no resume to test"
[ "$RC" = 1 ] || { show_file "$T/wait.err" >&2; fail "slurm --wait with a killed task exited $RC, expected 1"; }
/usr/bin/python3 - "$T/wait.out" "$plan_dir" "$victim_task" "$array_job" <<'EOF' || fail "slurm --wait --json is not as expected"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["dir"] == sys.argv[2] and r["array_job"] == sys.argv[4], r
assert r["tasks"] == [0, 1, 2] and r["merge_job"], r
assert r["merge_state"] == "COMPLETED" and r["merge_exit"] == 0, r
assert r["unfinished"] == [int(sys.argv[3])], r
EOF
grep -qx "#SBATCH --nodelist=\"$(hostname -s)\"" "$plan_dir/merge.sbatch" || fail "--merge-node is not in merge.sbatch"
for k in 0 1 2; do
	[ "$k" = "$victim_task" ] && continue
	[ -e "$plan_dir/$k/DONE" ] || fail "task $k did not finish"
	[ -s "$plan_dir/$k/slurm-${array_job}_$k.out" ] || fail "task $k's output is not in its shard folder"
done
[ "$(sql "SELECT COUNT(*) FROM documents WHERE state = 'archived'")" -ge 3 ] ||
	fail "the merge job did not merge the finished shards"
[ -z "$(find "$plan_dir" -name '*.part')" ] || fail "half a bundle is visible in a shard"

# Resume: only the killed task, and a merge job after it, held while one
# of the task's new bundles is tampered with.
capture resume lt slurm --resume "$plan_dir" --json
[ "$RC" = 0 ] || { show_file "$T/resume.err" >&2; fail "slurm --resume exited $RC"; }
read -r resumed merge_job < <(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["tasks"], r["merge_job"])' "$T/resume.out" | tr -d '[]')
[ "$resumed" = "$victim_task" ] || fail "--resume submitted tasks '$resumed', expected $victim_task"
scontrol hold "$merge_job"
for _ in $(seq 1 1200); do [ -e "$plan_dir/$victim_task/DONE" ] && break; sleep 0.1; done
[ -e "$plan_dir/$victim_task/DONE" ] || fail "the resubmitted task did not finish in 120 s"
victim_tar=
while IFS= read -r b; do
	[ "$(sql "SELECT state FROM documents WHERE id = '$(basename "$b" .tar)'")" = queued ] && victim_tar=$b
done < <(find "$plan_dir/$victim_task/bundles" -name '*.tar')
[ -n "$victim_tar" ] || fail "the resumed task left no bundle to merge"
victim=$(basename "$victim_tar" .tar)
chmod u+w "$victim_tar"
/usr/bin/python3 - "$victim_tar" <<'EOF'
import sys, tarfile
path = sys.argv[1]
with tarfile.open(path) as t:
    off = [m for m in t.getmembers() if m.name.endswith("ocr/data/0001.txt")][0].offset_data
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x01]))
EOF
scontrol release "$merge_job"
for _ in $(seq 1 600); do
	case $(slurm_job_state "$merge_job") in COMPLETED*|FAILED*|CANCELLED*|TIMEOUT*) break ;; esac
	sleep 0.2
done
[ "$(slurm_job_state "$merge_job")" = "FAILED 1" ] ||
	fail "the merge job of a tampered bundle ended '$(slurm_job_state "$merge_job")', expected FAILED 1"
merge_out=$(cat "$plan_dir/merge-$merge_job.out")
case $merge_out in *"$victim"*) ;; *) fail "the merge job does not name the refused document: $merge_out" ;; esac
[ "$(sql "SELECT state || ' ' || COALESCE(lease, '-') FROM documents WHERE id = '$victim'")" = "queued -" ] ||
	fail "the refused document is not back in the queue"

# --resume now: every shard DONE, nothing to resubmit but a merge.
capture resume_done lt slurm --resume "$plan_dir" --wait
[ "$RC" = 0 ] || { show_file "$T/resume_done.err" >&2; fail "resume of a finished plan exited $RC (the refused document is the queue's now, not the plan's)"; }
case $(cat "$T/resume_done.out") in *"every shard is DONE"*) ;; *) fail "resume of a finished plan: $(cat "$T/resume_done.out")" ;; esac

# The refused document, done again through Slurm in a plan of its own.
capture again lt slurm --tasks 1 --wait
[ "$RC" = 0 ] || { show_file "$T/again.err" >&2; show_file "$T/again.out" >&2; fail "a second plan for the refused document exited $RC"; }

# ---- merge again changes nothing ----
sqlite3 "$ARCHIVE/catalog.sqlite" .dump >"$T/dump1"
capture merge_again lt merge "$plan_dir"
sqlite3 "$ARCHIVE/catalog.sqlite" .dump >"$T/dump2"
cmp -s "$T/dump1" "$T/dump2" || fail "merge run again changed the catalog"

# ---- the same archive as a local run ----
q="SELECT d.id || ' ' || d.state || ' ' || (SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id)
   FROM documents d ORDER BY d.id"
[ "$(sqlite3 "$REF/catalog.sqlite" "$q")" = "$(sql "$q")" ] || fail "documents or page counts differ from a local run"
q="SELECT document_id || ' ' || number || ' ' || hex(text) FROM pages ORDER BY document_id, number"
[ "$(sqlite3 "$REF/catalog.sqlite" "$q")" = "$(sql "$q")" ] || fail "page texts differ from a local run"
capture verify lt verify --all
[ "$RC" = 0 ] || { show_file "$T/verify.out" >&2; fail "the bundles made on the cluster do not verify"; }
for word in "ủy ban" "van phong" "05-CT/TW" "report"; do
	a=$("$LUUTRU" --archive "$REF" search "$word" 2>&1 || true)
	b=$(lt search "$word" 2>&1 || true)
	[ "$a" = "$b" ] || fail "search '$word' differs from a local run:
$a
---
$b"
done
echo "ok $TEST_NAME"
