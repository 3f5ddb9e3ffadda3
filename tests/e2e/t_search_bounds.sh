#!/bin/bash
# Issue 10, item 6: a query cannot burn a CPU. The same word 1,400 times
# (39 s on 25 pages before repeats were dropped) answers as the word once, fast;
# a 10,000-character query and too many distinct words are refused as usage
# errors (exit 2) that say which bound.
. "$(dirname "$0")/lib.sh"
use_processed_archive

# The samples answer in a few hundredths of a second; the bound leaves room
# for a loaded machine and still fails the unbounded search by far.
LIMIT_MS=3000

# timed NAME ARGS...: capture NAME lt search ARGS, with its duration in MS
timed() {
	local name=$1 t0; shift
	t0=$(date +%s%N)
	capture "$name" lt search "$@"
	MS=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "$name: exit $RC in $MS ms"
	[ "$MS" -le "$LIMIT_MS" ] || fail "search $name took $MS ms (more than $LIMIT_MS)"
}

bao=${DOC_ID[bao-cao-2016]}

timed once "van" --limit 50
[ "$RC" = 0 ] || { show_file "$T/once.err" >&2; fail "search van exited $RC"; }

# shellcheck disable=SC2046
# Not `yes | head` under pipefail: head's early exit kills yes (exit 141).
timed repeats $(for _ in $(seq 1400); do echo van; done) --limit 50
[ "$RC" = 0 ] || { show_file "$T/repeats.err" >&2; fail "1,400 x van exited $RC"; }
grep -q "^$bao p\.1 " "$T/repeats.out" || { show_file "$T/repeats.out" >&2; fail "1,400 x van did not find $bao"; }
# The word once or 1,400 times: the same hits.
diff <(cut -d: -f1 "$T/once.out" | sort) <(cut -d: -f1 "$T/repeats.out" | sort) >/dev/null ||
	fail "1,400 x van did not answer as van once"

timed long "$(head -c 10000 /dev/zero | tr '\0' 'a')"
[ "$RC" = 2 ] || fail "a 10,000-character query exited $RC, not 2 (usage)"
grep -q "at most 8192 bytes" "$T/long.err" || { show_file "$T/long.err" >&2; fail "no clear reason for the long query"; }

# shellcheck disable=SC2046
timed distinct $(seq -f 'w%g' 1 200)
[ "$RC" = 2 ] || fail "200 distinct words exited $RC, not 2 (usage)"
grep -q "more than 32 different words" "$T/distinct.err" || { show_file "$T/distinct.err" >&2; fail "no clear reason for 200 words"; }

# 32 distinct common words (the most the query takes), as words and as a phrase
tr -s ' \n' '\n\n' <"$SAMPLES/truth/bao-cao-2016__page-0001.gt.txt" | awk 'length > 1' | sort | uniq -c |
	sort -rn >"$T/freq.txt"
common=$(awk 'NR <= 32 {print $2}' "$T/freq.txt")
# shellcheck disable=SC2086
timed common $common
[ "$RC" -le 1 ] || { show_file "$T/common.err" >&2; fail "32 common words exited $RC"; }
timed phrase "\"$(echo $common | tr '\n' ' ')\""
[ "$RC" -le 1 ] || { show_file "$T/phrase.err" >&2; fail "a 32-word phrase exited $RC"; }
echo "ok: repeated, long and many-word queries answer fast or are refused"
