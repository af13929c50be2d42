#!/usr/bin/env python3
"""Writes the bench's statements: the first N PLV sentences (source/target marked there) as
dyad classify JSONL (char spans) and as plain sentences, one per line.
Usage: bench_inputs.py N OUT_PREFIX"""
import json, re, sys, os
n, prefix = int(sys.argv[1]), sys.argv[2]
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "stance", "plv_train.tsv")
rows = [l.rstrip("\n").split("\t") for l in open(src, encoding="utf-8")][1:]
out_j, out_t = open(prefix + ".jsonl", "w"), open(prefix + ".txt", "w")
k = 0
while k < n:
    for r in rows:
        if k >= n:
            break
        marked = r[1]
        text, spans, pos = "", {}, 0
        for tok in re.split(r"(</?[st]>)", marked):
            if tok in ("<s>", "<t>"):
                spans[tok[1]] = [len(text), None]
            elif tok in ("</s>", "</t>"):
                spans[tok[2]][1] = len(text)
            else:
                text += tok
        if "s" not in spans or "t" not in spans or None in spans["s"] + spans["t"]:
            continue
        out_j.write(json.dumps({"id": k, "text": text, "source": text[spans["s"][0]:spans["s"][1]], "target": text[spans["t"][0]:spans["t"][1]]}) + "\n")
        out_t.write(text.replace("\n", " ") + "\n")
        k += 1
