#!/usr/bin/python3
"""i18n_english.py TRANSLATED ENGLISH: the lines of TRANSLATED that are still
English sentences, one per line on stdout (exit 1 if any).

A line is English when, once what is never translated is taken out (option
names, `commands`, 'quoted' and "quoted" values, paths, METAVARIABLES, words
with digits, example command lines), it keeps a run of 4 or more plain ASCII
words of which 2 or more are English function words; or when it is the same
as a line of ENGLISH and holds 3 or more of them. Vietnamese written without
diacritics rarely has both."""
import re
import sys

MARKERS = {"the", "of", "and", "is", "are", "with", "for", "from", "not", "that", "this",
           "be", "by", "its", "it", "each", "every", "when", "which", "was", "has", "have",
           "will", "than", "then", "into", "only", "any", "all", "or", "a", "one", "as",
           "at", "on", "if", "no", "nothing", "there", "what", "would", "should", "give",
           "wants", "must", "cannot", "can", "after", "before", "stay", "are"}
KEEP = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|“[^”]*”|https?://\S+")


def words(line):
    s = line.strip()
    if re.match(r"^(\$ |luutru |#)", s):   # an example command line
        return []
    s = KEEP.sub(" | ", s)
    out = []
    for tok in s.split():
        t = tok.strip(",.;:()[]{}!?<>|*")
        if (not t or "/" in t or t.startswith(("-", ".", "~", "$")) or "=" in t
                or re.search(r"[0-9_]", t) or (t.isupper() and len(t) > 1)):
            out.append(None)          # breaks a run
        elif re.fullmatch(r"[A-Za-z]+", t):
            out.append(t.lower())
        else:
            out.append(None)          # a Vietnamese word, or anything else
    return out


def english_run(ws):
    run = []
    for w in ws + [None]:
        if w is None:
            if len(run) >= 4 and sum(x in MARKERS for x in run) >= 2:
                return " ".join(run)
            run = []
        else:
            run.append(w)
    return None


def main():
    translated = open(sys.argv[1], encoding="utf-8").read().splitlines()
    english = set(open(sys.argv[2], encoding="utf-8").read().splitlines())
    bad = 0
    for line in translated:
        ws = words(line)
        run = english_run(ws)
        same = line in english and sum(w in MARKERS for w in ws if w) >= 3
        if run or same:
            print(line)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
