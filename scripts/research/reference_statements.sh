#!/usr/bin/env bash
# The brief's four reference statements under a given stance model (or several, averaged):
#   bash scripts/research/reference_statements.sh [--stance-dir DIR ...] [--precision int8]
# Scores ../shared/data/archives/iran_azerbaijan_2025-02-04.txt and prints each statement's
# label and probabilities, marked WRONG where it differs from the brief. Exit status 1 if any is.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${DYAD:-target/debug/dyad}
out=$(mktemp --suffix=.jsonl)
trap 'rm -f "$out" "$out.partial.jsonl"' EXIT
"$BIN" score ../shared/data/archives/iran_azerbaijan_2025-02-04.txt -o "$out" --quiet "$@" 2>/dev/null
python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want = [("IRN", "AZE", "Iranian President Masoud Pezeshkian told", "cooperative"),
        ("IRN", "AZE", "Iran has consistently voiced", "hostile"),
        ("IRN", "ISR", "Tehran perceives Israel", "hostile"),
        ("ISR", "AZE", "Tehran perceives Israel", "cooperative")]
wrong = 0
print(rows[0]["model"])
for s, t, start, label in want:
    r = next(x for x in rows if x["source"] == s and x["target"] == t and x["sentence"].startswith(start))
    ok = r["label"] == label
    wrong += not ok
    print(f"  {s}→{t} {r['label']:<11} (want {label}) c {r['p_cooperative']:.2f} n {r['p_neutral']:.2f} h {r['p_hostile']:.2f}{'' if ok else '  WRONG'}  «{start}…»")
print(f"{4 - wrong} of 4 right")
sys.exit(1 if wrong else 0)
PY
