#!/usr/bin/env python3
"""Build the demo's small sample archive data/sample/huffpost_sample.jsonl from
../shared/data/archives/huffpost_worldnews_2012_2022.jsonl: up to 150 items (headline + short
description) that name at least two countries of data/gazetteer.tsv, spread over the years,
with only the fields dyad reads (id, date, title, text, url). Deterministic."""
import csv, json, os, re, collections

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..")
forms = {}
for r in csv.DictReader(open(os.path.join(root, "data", "gazetteer.tsv")), delimiter="\t"):
    forms[r["text"]] = r["code"]
pattern = re.compile(r"\b(" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")\b")
src = os.path.join(root, "..", "shared", "data", "archives", "huffpost_worldnews_2012_2022.jsonl")
by_year = collections.defaultdict(list)
for line in open(src):
    r = json.loads(line)
    codes = {forms[m] for m in pattern.findall(r["text"])}
    if len(codes) >= 2 and {"USA", "RUS", "CHN", "IRN", "SYR", "TUR", "PRK", "ISR"} & codes:
        by_year[r["date"][:4]].append(r)
out = []
for year in sorted(by_year):
    out.extend(by_year[year][:14])
os.makedirs(os.path.join(root, "data", "sample"), exist_ok=True)
with open(os.path.join(root, "data", "sample", "huffpost_sample.jsonl"), "w") as f:
    for r in out:
        f.write(json.dumps({k: r[k] for k in ("id", "date", "title", "text", "url")}, ensure_ascii=False) + "\n")
print(len(out), "items,", ", ".join(f"{y}: {min(len(v), 14)}" for y, v in sorted(by_year.items())))
