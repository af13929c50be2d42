#!/usr/bin/env python3
"""Accuracy by group on the hand-written nested-frame probes (data/probes/nested_frames.jsonl).

    dyad eval data/probes/nested_frames.jsonl [--stance-dir DIR] --predictions P.jsonl
    python3 scripts/research/nested_frames_report.py P.jsonl [P2.jsonl …]

Each probe has a `group`: `clause` (the pair inside a frame spoken by a third country, e.g.
Armenia→France in "Moscow views the growing defence cooperation between Armenia and France as a
danger"), `frame` (the framing country toward the clause's source) or `direction` (the reverse
of an accusation); and a `frame`: hostile, friendly or reporting. Cooperative clause pairs
inside hostile frames are the brief's ISR→AZE case, so they are counted on their own.
"""
import json
import sys
from pathlib import Path

PROBES = Path(__file__).resolve().parent.parent / "data/probes/nested_frames.jsonl"
probes = [json.loads(line) for line in PROBES.open()]

for path in sys.argv[1:]:
    preds = [json.loads(line) for line in open(path)]
    if len(preds) != len(probes) or any(p["text"] != q["text"] for p, q in zip(preds, probes)):
        sys.exit(f"{path}: not the predictions for {PROBES} (run dyad eval on that file with --predictions)")
    right = [p["predicted"] == q["label"] for p, q in zip(preds, probes)]
    groups = {}
    for ok, q in zip(right, probes):
        groups.setdefault(q["group"], []).append(ok)
    nested = [ok for ok, q in zip(right, probes) if q["group"] == "clause" and q["label"] == "cooperative" and q["frame"] == "hostile"]
    parts = "; ".join(f"{g} {sum(v)}/{len(v)}" for g, v in sorted(groups.items()))
    print(f"{Path(path).name}: all {sum(right)}/{len(right)}; {parts}; cooperative pairs inside hostile frames {sum(nested)}/{len(nested)}")
