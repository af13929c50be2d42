#!/usr/bin/env python3
"""Reads `dyad eval directed_sentiment_valid.tsv --predictions FILE.jsonl` outputs and prints, per file:

- the 5-class macro-F1 (as `dyad eval` prints it);
- the same without the sentences the hand audit (docs/ds_valid_qp_audit.tsv) marks as not supported
  by their sentence;
- an upper bound for any re-thresholding of the model: the product rule
  argmax_k [log p(p→q)(a_k) + log p(q→p)(b_k) + bias_k] with the 4 non-neutral biases searched
  (coordinate ascent, grid -2..2 step 0.25) on the validation set itself. It is a bound, not a
  method: biases chosen on the set they are scored on.

Usage: python3 scripts/research/ds_predictions_report.py PRED.jsonl [PRED2.jsonl …]
"""
import json
import math
import sys
from pathlib import Path

CLASSES = ["neutral", "positive p→q", "positive q→p", "negative p→q", "negative q→p"]
# (p→q label, q→p label) of each class; 0 cooperative, 1 neutral, 2 hostile.
DIRECTED = [(1, 1), (0, 1), (1, 0), (2, 1), (1, 2)]
AUDIT = Path(__file__).resolve().parent.parent / "docs" / "ds_valid_qp_audit.tsv"


def macro_f1(gold, pred):
    fs = []
    for c in range(5):
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        fs.append(2 * tp / max(1, 2 * tp + fp + fn))
    return sum(fs) / 5


def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    gold = [CLASSES.index(r["gold"]) for r in rows]
    pred = [CLASSES.index(r["predicted"]) for r in rows]
    logp = []
    for r in rows:
        pq, qp = r["scores"]
        lp = lambda s: [math.log(max(s[k], 1e-6)) for k in ("p_cooperative", "p_neutral", "p_hostile")]
        a, b = lp(pq), lp(qp)
        logp.append([a[x] + b[y] for x, y in DIRECTED])
    return rows, gold, pred, logp


def decide(logp, bias):
    return [max(range(5), key=lambda k: s[k] + bias[k]) for s in logp]


def bias_bound(gold, logp):
    grid = [x / 4 for x in range(-8, 9)]
    bias, best = [0.0] * 5, macro_f1(gold, decide(logp, [0.0] * 5))
    for _ in range(3):
        for k in range(1, 5):
            for v in grid:
                trial = bias[:k] + [v] + bias[k + 1 :]
                f = macro_f1(gold, decide(logp, trial))
                if f > best:
                    best, bias = f, trial
    return best, bias


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    wrong = set()
    for line in open(AUDIT, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if not line.startswith("#") and len(cols) >= 3 and cols[2] == "wrong":
            wrong.add(cols[0])
    for path in sys.argv[1:]:
        rows, gold, pred, logp = load(path)
        kept = [i for i, r in enumerate(rows) if r["key"] not in wrong]
        clean = macro_f1([gold[i] for i in kept], [pred[i] for i in kept])
        bound, bias = bias_bound(gold, logp)
        print(f"{path}: n {len(rows)}  macro-F1 {macro_f1(gold, pred):.4f}  "
              f"without the {len(rows) - len(kept)} audited-unsupported {clean:.4f}  "
              f"bias bound {bound:.4f} (biases {bias[1:]})")


if __name__ == "__main__":
    main()
