#!/bin/bash
# replicate --to DIR copies every bundle (same relative paths, byte for byte,
# read-only) and a catalog snapshot; a second run copies nothing; status shows
# the replica; a flipped byte in an archive bundle is repaired from the
# replica with a "repair" event; when the replica's copy is damaged too the
# repair is refused and neither copy changes; a wrong copy on the replica is
# reported and never overwritten.
. "$(dirname "$0")/lib.sh"
use_processed_archive
R=$T/replica

n=$(sql "SELECT COUNT(*) FROM bundles")
[ "$n" -gt 1 ] || fail "the samples' archive has $n bundles"

capture sync1 lt replicate --to "$R"
[ "$RC" = 0 ] || { show_file "$T/sync1.err" stderr >&2; fail "replicate exited $RC"; }
[ "$(grep -c '^copied ' "$T/sync1.out")" = "$n" ] || { show_file "$T/sync1.out" >&2; fail "replicate did not copy all $n bundles"; }
for p in $(sql "SELECT path FROM bundles"); do
	cmp "$ARCHIVE/$p" "$R/$p" || fail "replica's $p differs from the archive's"
	[ ! -w "$R/$p" ] || [ "$(id -u)" = 0 ] || fail "replica's $p is writable"
	[ "$(stat -c %a "$R/$p")" = 444 ] || fail "replica's $p is not read-only (mode $(stat -c %a "$R/$p"))"
done
[ -z "$(find "$R" -name '*.part*')" ] || fail "replicate left temporary files: $(find "$R" -name '*.part*')"
# The snapshot is a whole catalog: luutru reads it as an archive of its own.
[ -f "$R/catalog.sqlite" ] || fail "no catalog snapshot in the replica"
[ "$(sqlite3 "$R/catalog.sqlite" 'SELECT COUNT(*) FROM bundles')" = "$n" ] || fail "the snapshot does not list $n bundles"
[ "$(sqlite3 "$R/catalog.sqlite" 'PRAGMA integrity_check')" = ok ] || fail "the snapshot fails its integrity check"
"$LUUTRU" --archive "$R" status >"$T/rstatus.out" 2>&1 || { show_file "$T/rstatus.out" >&2; fail "status on the replica's snapshot failed"; }

# The catalog records the replica; status shows it up to date.
real=$(cd "$R" && pwd -P)
[ "$(sql "SELECT path || '|' || copied FROM replicas")" = "$real|$n" ] || fail "replicas row: $(sql 'SELECT * FROM replicas')"
capture status lt status
grep -q "^  $real: last sync .*($n copied), up to date" "$T/status.out" || { show_file "$T/status.out" status >&2; fail "status does not show the replica up to date"; }

# Idempotent: nothing new to copy.
capture sync2 lt replicate --to "$R"
[ "$RC" = 0 ] || { show_file "$T/sync2.err" stderr >&2; fail "second replicate exited $RC"; }
! grep -q '^copied ' "$T/sync2.out" || fail "second replicate copied again: $(cat "$T/sync2.out")"
grep -q "0 bundles copied .* $n already there, 0 problems" "$T/sync2.out" || { show_file "$T/sync2.out" >&2; fail "second replicate's summary"; }

# Behind: a bundle missing from the replica is counted, and copied again.
bao=${DOC_ID[bao-cao-2016]}
bp=$(sql "SELECT path FROM bundles WHERE document_id = '$bao'")
chmod u+w "$R/$(dirname "$bp")"; rm -f "$R/$bp"
sqlite3 "$ARCHIVE/catalog.sqlite" "DELETE FROM replica_bundles WHERE bundle_id = (SELECT id FROM bundles WHERE path = '$bp')"
capture status2 lt status
grep -q "^  $real: .*, 1 bundle behind" "$T/status2.out" || { show_file "$T/status2.out" status >&2; fail "status does not show the replica 1 bundle behind"; }
capture sync3 lt replicate --to "$R"
[ "$RC" = 0 ] && [ "$(grep -c '^copied ' "$T/sync3.out")" = 1 ] || { show_file "$T/sync3.out" >&2; fail "replicate did not copy the one missing bundle back (exit $RC)"; }
cmp "$ARCHIVE/$bp" "$R/$bp" || fail "re-copied $bp differs"

# Repair: one byte flipped in the archive's bundle, replaced by the replica's.
id=${DOC_ID[letter-en.png]}
p=$(sql "SELECT path FROM bundles WHERE document_id = '$id'")
b=$ARCHIVE/$p
good=$(sha256sum <"$b" | cut -d' ' -f1)
chmod u+w "$b"
printf 'X' | dd of="$b" bs=1 seek=2000 conv=notrunc status=none
capture repair lt replicate --repair "$id" --from "$R"
[ "$RC" = 0 ] || { show_file "$T/repair.err" stderr >&2; fail "repair exited $RC"; }
grep -q "^repaired $p from $R" "$T/repair.out" || { show_file "$T/repair.out" >&2; fail "repair does not say it repaired $p"; }
[ "$(sha256sum <"$b" | cut -d' ' -f1)" = "$good" ] || fail "the repaired bundle is not the archived one"
[ "$(stat -c %a "$b")" = 444 ] || fail "the repaired bundle is not read-only"
[ -z "$(find "$ARCHIVE/bundles" -name '*.repair*')" ] || fail "repair left a temporary file"
[ "$(sql "SELECT outcome FROM events WHERE document_id = '$id' AND type = 'repair'")" = success ] || fail "no successful repair event: $(sql "SELECT * FROM events WHERE document_id = '$id'")"
capture get lt get "$id" --out "$T/got.tar"
[ "$RC" = 0 ] || fail "get after the repair exited $RC"
# Without --from: each recorded replica is tried; an intact bundle is left alone.
capture again lt replicate --repair "$id"
[ "$RC" = 0 ] && grep -q "^intact $p" "$T/again.out" || { show_file "$T/again.out" >&2; fail "repair of an intact bundle (exit $RC)"; }
# A deleted bundle is restored too.
rm -f "$b"
capture restore lt replicate --repair "$id"
[ "$RC" = 0 ] && cmp -s "$b" "$R/$p" || { show_file "$T/restore.err" stderr >&2; fail "a deleted bundle was not restored from the replica (exit $RC)"; }

# verify --repair: the audit finds a flipped byte and mends it from the replica.
chmod u+w "$b"
printf 'W' | dd of="$b" bs=1 seek=2500 conv=notrunc status=none
capture vrep lt verify --all --repair
[ "$RC" = 0 ] && grep -q "^repaired $p from" "$T/vrep.out" || { show_file "$T/vrep.out" >&2; fail "verify --repair did not repair $p (exit $RC)"; }
grep -q "^damaged $p " "$T/vrep.out" || fail "verify --repair does not report what it found"
[ "$(sha256sum <"$b" | cut -d' ' -f1)" = "$good" ] || fail "verify --repair did not put the archived bundle back"
capture vok lt verify --all
[ "$RC" = 0 ] || { show_file "$T/vok.out" >&2; fail "the archive is not sound after verify --repair (exit $RC)"; }

# Both copies damaged: refused, neither touched, a failure event.
chmod u+w "$b" "$R/$p"
printf 'Y' | dd of="$b" bs=1 seek=2000 conv=notrunc status=none
printf 'Z' | dd of="$R/$p" bs=1 seek=3000 conv=notrunc status=none
a_before=$(sha256sum <"$b"); r_before=$(sha256sum <"$R/$p")
capture both lt replicate --repair "$id" --from "$R"
[ "$RC" = 1 ] || fail "repair with both copies damaged exited $RC, not 1"
grep -q "damaged too" "$T/both.err" || { show_file "$T/both.err" stderr >&2; fail "the refusal does not say the replica's copy is damaged too"; }
[ "$(sha256sum <"$b")" = "$a_before" ] && [ "$(sha256sum <"$R/$p")" = "$r_before" ] || fail "a refused repair changed a copy"
[ "$(sql "SELECT COUNT(*) FROM events WHERE document_id = '$id' AND type = 'repair' AND outcome = 'failure'")" = 1 ] || fail "no failure event for the refused repair"
capture vboth lt verify "$id" --repair
[ "$RC" = 1 ] && grep -q "^not repaired $p: .*no good copy" "$T/vboth.out" || { show_file "$T/vboth.out" >&2; fail "verify --repair with both copies damaged (exit $RC)"; }
[ "$(sha256sum <"$b")" = "$a_before" ] && [ "$(sha256sum <"$R/$p")" = "$r_before" ] || fail "verify --repair changed a copy when both were damaged"

# A wrong copy on the replica is reported by replicate, never overwritten.
capture sync4 lt replicate --to "$R"
[ "$RC" = 1 ] || fail "replicate over a damaged replica copy exited $RC, not 1"
grep -q "$p" "$T/sync4.err" || { show_file "$T/sync4.err" stderr >&2; fail "replicate does not name the damaged replica copy"; }
[ "$(sha256sum <"$R/$p")" = "$r_before" ] || fail "replicate overwrote the replica's damaged copy"

# Usage: a replica inside the archive is refused; --to or --repair needed.
capture inside lt replicate --to "$ARCHIVE/copy"
[ "$RC" = 2 ] && [ ! -e "$ARCHIVE/copy" ] || fail "replicate into the archive exited $RC, not 2, or created the folder"
capture none lt replicate
[ "$RC" = 2 ] || fail "replicate without --to exited $RC, not 2"
echo ok
