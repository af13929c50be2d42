#!/usr/bin/env python3
"""Build the demo archive data/sample/demo_archive.jsonl.gz from ../shared/data/archives:
every HuffPost world-news item (headline + short description, 2012-2022) and every other
Guardian article on Syria, Iraq, Turkey and the US (2017-2019; half of them keeps `make demo`
under two minutes in the debug build), with only the fields dyad reads
(id, date, title, text, url, source). Deterministic (gzip without a timestamp), so the file
only changes when the archives do.

Licences: the HuffPost items come from the News Category Dataset (R. Misra, 2022; CC BY 4.0)
as collected in github dishadas168/GeopoliticalRelations; the Guardian articles are
(c) Guardian News & Media Ltd, as redistributed for research in github ahalterman/NGEC's
examples. dyad does not relicense them (data/sample/README.md)."""
import gzip, io, json, os

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..")
archives = os.path.join(root, "..", "shared", "data", "archives")
rows = []
for name, every in (("huffpost_worldnews_2012_2022.jsonl", 1), ("guardian_syria_2017_2019.jsonl", 2)):
    items = [json.loads(line) for line in open(os.path.join(archives, name), encoding="utf-8")]
    items.sort(key=lambda r: (r["date"], r["id"]))
    for r in items[::every]:
        rows.append({k: r[k] for k in ("id", "date", "title", "text", "url", "source") if r.get(k)})
rows.sort(key=lambda r: (r["date"], r["id"]))
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as f:
    for r in rows:
        f.write((json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8"))
out = os.path.join(root, "data", "sample", "demo_archive.jsonl.gz")
with open(out, "wb") as f:
    f.write(buf.getvalue())
print(f"{len(rows)} items, {len(buf.getvalue()) / 1e6:.2f} MB -> {os.path.relpath(out, root)}")
