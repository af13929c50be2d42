#!/usr/bin/env python3
"""Spot-check dyad against the PETRARCH-2 codes shipped with the HuffPost archive.

PETRARCH-2 is a silver standard here, not truth: the point is to find where and why
the two coders differ, not to score dyad against it.

Selection (deterministic, no seed):
  1. Rows of the archive whose petrarch_goldstein is not null and whose two PETRARCH
     actor codes both resolve to a state-level actor dyad can output:
       - a country: the code is letters only, in 3-letter CAMEO segments ("usa",
         "usagov", "rusmilspy"), and its first segment is not a non-state CAMEO
         prefix (igo ngo mnc img med mea; "---" codes are excluded by the letters-only
         rule, as are parser debris like "'mamohato_"). Roles after the first segment
         are dropped: "usagov" -> USA. The few CAMEO codes that are not ISO 3166
         alpha-3 are mapped (CAMEO_TO_ISO3);
       - an IGO dyad knows, by CAMEO prefix (IGO_PREFIXES): "igouno…" -> UNO,
         "igoeureec…" -> EUR, "igowstnat…" -> NATO, …
     and the two resolve to different codes.
  2. Duplicate titles (case-insensitive) keep their first row.
  3. Sort by (date, id); with k = len(pool) // N take rows k//2, k//2 + k, … (N of them):
     every k-th row, which spreads the sample over the years in proportion to the
     archive's volume.

Each selected row is written as JSONL with text = the title only (the issue states
PETRARCH coded the headline) and scored with `dyad score`. A second run scores the
archive's `text` field (title + the short description) as a diagnostic, because some
PETRARCH actors occur only in the description (so PETRARCH saw more than the headline).

Comparison per headline:
  PETRARCH: actor1 -> actor2 (mapped as above), polarity = sign of Goldstein
            (> 0 cooperative, < 0 hostile, 0 neutral).
  dyad:     the primary rows (primary == true) of the headline: source -> target, label.
  pair:     "same directed"   PETRARCH's A->B is a dyad primary pair
            "reversed"        only B->A is (same unordered pair, other direction)
            "no pair"         dyad has no primary row for the headline
            "other pair"      dyad's primary rows are other pairs
  polarity: compared where the pair agrees (directed or reversed), using dyad's row in
            PETRARCH's direction if dyad has one (primary or not), else the reversed row.

Reasons for each difference are read by hand and kept in
docs/petrarch_spotcheck_reasons.tsv (id, better, reason, note), joined here by id;
better = which coding describes the headline better (dyad, PETRARCH, both, neither).

Usage (from the repository root):
  DYAD_BIN=target/debug/dyad python3 scripts/research/petrarch_spotcheck.py \
      [--archive ../shared/data/archives/huffpost_worldnews_2012_2022.jsonl] [-n 50] \
      [--update-doc docs/petrarch_spotcheck.md] [--keep-dir DIR] [--threads 1]

It prints a Markdown report (summary counts, the table of N, the differences); with
--update-doc it replaces the part of that file between the BEGIN/END markers below.
"""

import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_ARCHIVE = os.path.join("..", "shared", "data", "archives", "huffpost_worldnews_2012_2022.jsonl")
DEFAULT_REASONS = os.path.join("docs", "petrarch_spotcheck_reasons.tsv")
BEGIN = "<!-- BEGIN petrarch_spotcheck.py output -->"
END = "<!-- END petrarch_spotcheck.py output -->"

# CAMEO first segments that are not states.
NON_STATE = {"igo", "ngo", "mnc", "img", "med", "mea"}
# CAMEO country codes that differ from ISO 3166-1 alpha-3 (legacy CAMEO codes). In this archive
# only SUN occurs (2 rows, each paired with "rus", so both drop out as one country); the
# others are listed so the rule is explicit. All other country codes here are ISO3.
CAMEO_TO_ISO3 = {
    "ROM": "ROU",  # Romania
    "ZAR": "COD",  # Zaire / DR Congo
    "TMP": "TLS",  # East Timor
    "YUG": "SRB",  # Yugoslavia -> successor
    "SUN": "RUS",  # Soviet Union -> successor (dyad has no historical codes)
}
# CAMEO IGO codes -> dyad IGO codes; the longest matching prefix wins.
IGO_PREFIXES = [
    ("igounohlhwho", "WHO"),
    ("igounoiae", "IAEA"),
    ("igounodevwbk", "WBG"),
    ("igounorefhcr", "UNHCR"),
    ("igounounicef", "UNICEF"),
    ("igounolabilo", None),  # ILO: not among dyad's IGOs
    ("igouno", "UNO"),
    ("igoeureec", "EUR"),
    ("igowstnat", "NATO"),
    ("igobusimf", "IMF"),
    ("igobuswto", "WTO"),
    ("igobusopc", "OPEC"),
    ("igojudicc", "ICC"),
    ("igojudicj", "ICJ"),
    ("igoafrafu", "AU"),
    ("igoaraarl", "ARL"),
]


def cameo_to_dyad(code):
    """Map a PETRARCH actor code to the code dyad would use, or None if not state-level."""
    code = (code or "").strip().lower()
    if not re.fullmatch(r"(?:[a-z]{3})+", code):
        return None
    for prefix, dyad_code in sorted(IGO_PREFIXES, key=lambda p: -len(p[0])):
        if code.startswith(prefix):
            return dyad_code
    first = code[:3]
    if first in NON_STATE:
        return None
    return CAMEO_TO_ISO3.get(first.upper(), first.upper())


def goldstein_polarity(g):
    return "cooperative" if g > 0 else "hostile" if g < 0 else "neutral"


def select(rows, n):
    pool = []
    for r in rows:
        if r.get("petrarch_goldstein") is None:
            continue
        a, b = cameo_to_dyad(r.get("petrarch_actor1")), cameo_to_dyad(r.get("petrarch_actor2"))
        if a and b and a != b:
            pool.append(r)
    pool.sort(key=lambda r: (r["date"], r["id"]))
    seen, dedup = set(), []
    for r in pool:
        t = r["title"].strip().lower()
        if t not in seen:
            seen.add(t)
            dedup.append(r)
    k = max(1, len(dedup) // n)
    return dedup[k // 2::k][:n], len(pool), len(dedup), k


def run_dyad(dyad_bin, records, workdir, name, threads):
    inp = os.path.join(workdir, name + ".jsonl")
    out = os.path.join(workdir, name + ".csv")
    with open(inp, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    cmd = [dyad_bin, "score", inp, "-o", out, "-q", "--threads", str(threads)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"{' '.join(cmd)} failed with status {done.returncode}")
    by_article = collections.defaultdict(list)
    with open(out, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_article[row["article_id"]].append(row)
    return by_article


def compare(pa, pb, rows):
    """Return (pair_class, dyad_row_for_polarity, primary_pairs)."""
    primary = [r for r in rows if r["primary"] == "true"]
    pairs = [(r["source"], r["target"]) for r in primary]
    if (pa, pb) in pairs:
        cls = "same directed"
    elif (pb, pa) in pairs:
        cls = "reversed"
    elif not primary:
        cls = "no pair"
    else:
        cls = "other pair"
    pol_row = None
    if cls in ("same directed", "reversed"):
        fwd = [r for r in rows if (r["source"], r["target"]) == (pa, pb)]
        fwd.sort(key=lambda r: r["primary"] != "true")
        rev = [r for r in primary if (r["source"], r["target"]) == (pb, pa)]
        pol_row = (fwd or rev)[0]
    return cls, pol_row, primary


BETTER = ("dyad", "PETRARCH", "both", "neither")
OK = ("yes", "no", "unclear", "-")
UNREVIEWED = {"better": "(unreviewed)", "dyad_label_ok": "(unreviewed)",
              "petrarch_sign_ok": "(unreviewed)", "reason": "(unreviewed)", "note": ""}


def load_reasons(path):
    """id -> {better, dyad_label_ok, petrarch_sign_ok, reason, note}, all read by hand:
    better: which coding describes the headline better (both = both acceptable, neither =
    both wrong); dyad_label_ok: is dyad's label right for its own primary pair(s) as marked
    (- = no primary pair); petrarch_sign_ok: is the Goldstein sign right for PETRARCH's pair
    as coded (- = the pair is not a relation the item states)."""
    reasons = {}
    if os.path.exists(path):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["better"] not in BETTER:
                    sys.exit(f"{path}: {row['id']}: better must be one of {BETTER}")
                for col in ("dyad_label_ok", "petrarch_sign_ok"):
                    if row[col] not in OK:
                        sys.exit(f"{path}: {row['id']}: {col} must be one of {OK}")
                row["note"] = row.get("note") or ""
                reasons[row["id"]] = row
    return reasons


def short(s, n=70):
    s = s.replace("|", "/")
    return s if len(s) <= n else s[: n - 1] + "…"


def pct(a, b):
    return f"{a}/{b} ({100.0 * a / b:.0f} %)" if b else f"{a}/0"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archive", default=DEFAULT_ARCHIVE)
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("--reasons", default=DEFAULT_REASONS)
    ap.add_argument("--update-doc", help="replace the marked section of this Markdown file")
    ap.add_argument("--keep-dir", help="keep the JSONL inputs and scored CSVs here")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    # Paths given on the command line are relative to the caller's directory; the defaults and
    # the dyad binary (which finds its model files from the repository) to the repository root.
    for name in ("archive", "reasons", "update_doc", "keep_dir"):
        v = getattr(args, name)
        if v and ap.get_default(name) != v:
            setattr(args, name + "_path", os.path.abspath(v))
        else:
            setattr(args, name + "_path", os.path.join(ROOT, v) if v else None)
    dyad_bin = os.environ.get("DYAD_BIN")
    dyad_bin = os.path.abspath(dyad_bin) if dyad_bin and os.sep in dyad_bin else (
        dyad_bin or os.path.join(ROOT, "target", "debug", "dyad"))
    os.chdir(ROOT)

    with open(args.archive_path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    sel, pool_n, dedup_n, k = select(rows, args.n)

    title_recs = [{"id": r["id"], "date": r["date"], "text": r["title"]} for r in sel]
    full_recs = [{"id": r["id"], "date": r["date"], "text": r["text"]} for r in sel]
    if args.keep_dir:
        os.makedirs(args.keep_dir_path, exist_ok=True)
        workdir = args.keep_dir_path
        title_rows = run_dyad(dyad_bin, title_recs, workdir, "headlines", args.threads)
        full_rows = run_dyad(dyad_bin, full_recs, workdir, "title_desc", args.threads)
    else:
        with tempfile.TemporaryDirectory(prefix="petrarch_spotcheck_") as workdir:
            title_rows = run_dyad(dyad_bin, title_recs, workdir, "headlines", args.threads)
            full_rows = run_dyad(dyad_bin, full_recs, workdir, "title_desc", args.threads)

    reasons = load_reasons(args.reasons_path)
    results = []
    for r in sel:
        pa, pb = cameo_to_dyad(r["petrarch_actor1"]), cameo_to_dyad(r["petrarch_actor2"])
        ppol = goldstein_polarity(r["petrarch_goldstein"])
        cls, prow, primary = compare(pa, pb, title_rows.get(r["id"], []))
        fcls, frow, _ = compare(pa, pb, full_rows.get(r["id"], []))
        dpol = prow["label"] if prow else None
        results.append(dict(r=r, pa=pa, pb=pb, ppol=ppol, cls=cls, prow=prow, dpol=dpol,
                            primary=primary, fcls=fcls, frow=frow,
                            any_rows=len(title_rows.get(r["id"], []))))

    out = []
    w = out.append
    n = len(results)
    w(f"Archive: `{args.archive}` ({len(rows)} rows); pool after the selection rule: {pool_n} rows, "
      f"{dedup_n} after dropping repeated titles; every k = {k}th row from offset {k // 2}: {n} headlines. "
      "Per year: " + ", ".join(f"{y} {c}" for y, c in sorted(
          collections.Counter(x['r']['date'][:4] for x in results).items())) + ".")
    w("")
    w("### Pair agreement (dyad on the headline only)")
    w("")
    cc = collections.Counter(x["cls"] for x in results)
    w("| PETRARCH pair vs dyad's primary pair(s) | headlines |")
    w("|---|---|")
    for c in ("same directed", "reversed", "no pair", "other pair"):
        w(f"| {c} | {pct(cc[c], n)} |")
    same_unordered = cc["same directed"] + cc["reversed"]
    w(f"| same unordered pair (directed + reversed) | {pct(same_unordered, n)} |")
    nopair_any = sum(1 for x in results if x["cls"] == "no pair" and x["any_rows"] == 0)
    w("")
    w(f"Of the {cc['no pair']} 'no pair' headlines, {nopair_any} have no dyad row at all "
      f"(fewer than two actors found) and {cc['no pair'] - nopair_any} have rows but none primary.")
    w("")
    w("### Polarity where the pair agrees")
    w("")
    w("PETRARCH polarity = sign of Goldstein; dyad = label of its row in PETRARCH's direction "
      "(the reversed row when dyad has none in that direction).")
    w("")
    agree = [x for x in results if x["prow"]]
    direct = [x for x in agree if x["cls"] == "same directed"]
    w("| subset | polarity agrees |")
    w("|---|---|")
    w(f"| same directed pair | {pct(sum(x['ppol'] == x['dpol'] for x in direct), len(direct))} |")
    w(f"| same unordered pair | {pct(sum(x['ppol'] == x['dpol'] for x in agree), len(agree))} |")
    band = sum(1 for x in agree if (
        "neutral" if abs(x["r"]["petrarch_goldstein"]) <= 1.0 else x["ppol"]) == x["dpol"])
    w(f"| same unordered pair, Goldstein −1…+1 read as neutral | {pct(band, len(agree))} |")
    w("")
    conf = collections.Counter((x["ppol"], x["dpol"]) for x in agree)
    labs = ["cooperative", "neutral", "hostile"]
    w("Confusion on the same-unordered-pair headlines (rows PETRARCH, columns dyad):")
    w("")
    w("| PETRARCH \\ dyad | " + " | ".join(labs) + " |")
    w("|---|---|---|---|")
    for p in labs:
        w(f"| {p} | " + " | ".join(str(conf[(p, d)]) for d in labs) + " |")
    w("")
    w("### Diagnostic: dyad on title + description")
    w("")
    fc = collections.Counter(x["fcls"] for x in results)
    w("The archive's `text` (title + short description) scored instead of the title alone; "
      "PETRARCH's pair counted as found when it is among dyad's primary pairs of any sentence.")
    w("")
    w("| PETRARCH pair vs dyad's primary pairs | headlines |")
    w("|---|---|")
    for c in ("same directed", "reversed", "no pair", "other pair"):
        w(f"| {c} | {pct(fc[c], n)} |")
    moved = sum(1 for x in results if x["cls"] not in ("same directed", "reversed")
                and x["fcls"] in ("same directed", "reversed"))
    w("")
    w(f"{moved} headlines without PETRARCH's pair on the title alone have it once the description is read.")
    fagree = [x for x in results if x["frow"]]
    w(f"Polarity agrees on {pct(sum(x['ppol'] == x['frow']['label'] for x in fagree), len(fagree))} of those "
      "with the same unordered pair (dyad's label from the first sentence holding the pair).")
    w("")
    rv = {x["r"]["id"]: reasons.get(x["r"]["id"], UNREVIEWED) for x in results}
    missing = [x["r"]["id"] for x in results if x["r"]["id"] not in reasons]
    if missing:
        print(f"warning: {len(missing)} selected ids have no line in {args.reasons}", file=sys.stderr)
    w("### Reasons for the differences (read by hand)")
    w("")
    diff = [x for x in results if x["cls"] != "same directed" or x["ppol"] != x["dpol"]]
    rc = collections.Counter(rv[x["r"]["id"]]["reason"] for x in diff)
    w(f"{len(diff)} of {n} headlines differ in pair, direction or polarity. One reason each "
      "(the main one), from `docs/petrarch_spotcheck_reasons.tsv`:")
    w("")
    w("| reason | headlines |")
    w("|---|---|")
    for reason, c in sorted(rc.items(), key=lambda kv: (-kv[1], kv[0])):
        w(f"| {reason} | {c} |")
    w("")
    desc_only = [x for x in diff if rv[x["r"]["id"]]["reason"] == "PETRARCH actor only in the description"]
    if desc_only:
        w(f"Of the {len(desc_only)} headlines whose PETRARCH actor is only in the description, dyad finds "
          f"PETRARCH's pair when given title + description in "
          f"{sum(x['fcls'] in ('same directed', 'reversed') for x in desc_only)} "
          f"({sum(x['fcls'] == 'same directed' for x in desc_only)} in the same direction).")
        w("")
    w("### Which coding reads the headline better (one reader's judgement)")
    w("")
    w("For each headline, which of the two codings (pair, direction and polarity together) better "
      "describes what the headline says: `both` = both acceptable, `neither` = both wrong. "
      "Judged on the headline, the description used only to understand it.")
    w("")
    groups = [("pair and polarity agree", [x for x in results if x not in diff]),
              ("differ", diff), ("all", results)]
    w("| headlines | n | " + " | ".join(BETTER) + " |")
    w("|---|---|" + "---|" * len(BETTER))
    for name, xs in groups:
        bc = collections.Counter(rv[x["r"]["id"]]["better"] for x in xs)
        w(f"| {name} | {len(xs)} | " + " | ".join(str(bc[b]) for b in BETTER) + " |")
    w("")
    w("By reason, among the headlines that differ:")
    w("")
    w("| reason | n | " + " | ".join(BETTER) + " |")
    w("|---|---|" + "---|" * len(BETTER))
    for reason, c in sorted(rc.items(), key=lambda kv: (-kv[1], kv[0])):
        bc = collections.Counter(rv[x["r"]["id"]]["better"] for x in diff if rv[x["r"]["id"]]["reason"] == reason)
        w(f"| {reason} | {c} | " + " | ".join(str(bc[b]) for b in BETTER) + " |")
    w("")
    w("### Polarity of each coder's own pair (one reader's judgement)")
    w("")
    w("Is dyad's label right for the primary pair(s) it marked, and is PETRARCH's Goldstein sign right for "
      "the pair it coded, each taken as given (a wrong pair can still carry the right polarity for itself)? "
      "`-`: dyad gave no primary pair, or PETRARCH's pair is not a relation the item states "
      "(spurious or non-state actors, a topic taken as a party).")
    w("")
    w("| coder | judged | " + " | ".join(OK) + " |")
    w("|---|---|" + "---|" * len(OK))
    for col, name in (("dyad_label_ok", "dyad"), ("petrarch_sign_ok", "PETRARCH")):
        oc = collections.Counter(rv[x["r"]["id"]][col] for x in results)
        w(f"| {name} | {n - oc['-']} | " + " | ".join(str(oc[o]) for o in OK) + " |")
    both_judged = [x for x in results if rv[x["r"]["id"]]["dyad_label_ok"] != "-"
                   and rv[x["r"]["id"]]["petrarch_sign_ok"] != "-"]
    w("")
    w(f"On the {len(both_judged)} headlines where both can be judged: dyad right "
      f"{sum(rv[x['r']['id']]['dyad_label_ok'] == 'yes' for x in both_judged)}, PETRARCH right "
      f"{sum(rv[x['r']['id']]['petrarch_sign_ok'] == 'yes' for x in both_judged)}; "
      f"dyad right where PETRARCH is wrong "
      f"{sum(rv[x['r']['id']]['dyad_label_ok'] == 'yes' and rv[x['r']['id']]['petrarch_sign_ok'] == 'no' for x in both_judged)}, "
      f"the reverse {sum(rv[x['r']['id']]['dyad_label_ok'] == 'no' and rv[x['r']['id']]['petrarch_sign_ok'] == 'yes' for x in both_judged)}.")
    w("")
    w(f"### The {n} headlines")
    w("")
    w("PETRARCH: codes as shipped → mapped pair, Goldstein (CAMEO event). dyad: primary pair(s) of the "
      "headline with label; `—` = none. 'agree': pair / polarity (✓ agree, ✗ differ, r = reversed pair, "
      "· = polarity not comparable). 't+d': PETRARCH's pair among dyad's primary pairs on title + description "
      "(✓ directed, r reversed, ✗ not found). 'better' and 'pol. ok' (dyad / PETRARCH: y, n, ? unclear, - "
      "not judged): the readings above. Notes follow the table.")
    w("")
    w("| # | id | date | headline | PETRARCH | dyad (headline) | agree | t+d | better | pol. ok | reason |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    notes = []
    okm = lambda v: {"yes": "y", "no": "n", "unclear": "?", "-": "-"}.get(v, v)
    for i, x in enumerate(results, 1):
        r = x["r"]
        pet = (f"{r['petrarch_actor1']}→{r['petrarch_actor2']} = {x['pa']}→{x['pb']}, "
               f"{r['petrarch_goldstein']:+g} ({r['petrarch_cameo']})")
        dy = "; ".join(f"{p['source']}→{p['target']} {p['label'][:4]}" for p in x["primary"]) or "—"
        if x["prow"] and (x["cls"] == "reversed" or x["prow"]["primary"] != "true"):
            dy += f" (used {x['prow']['source']}→{x['prow']['target']} {x['prow']['label'][:4]})"
        pair_mark = {"same directed": "✓", "reversed": "r", "no pair": "✗", "other pair": "✗"}[x["cls"]]
        pol_mark = "·" if not x["prow"] else ("✓" if x["ppol"] == x["dpol"] else "✗")
        fmark = {"same directed": "✓", "reversed": "r"}.get(x["fcls"], "✗")
        better, reason, note = rv[r["id"]]["better"], rv[r["id"]]["reason"], rv[r["id"]]["note"]
        rid = r["id"].replace("huffpost-country_relations_", "")
        w(f"| {i} | {rid} | {r['date']} | {short(r['title'])} | {pet} | {dy} | {pair_mark} {pol_mark} | "
          f"{fmark} | {better} | {okm(rv[r['id']]['dyad_label_ok'])}/{okm(rv[r['id']]['petrarch_sign_ok'])} | {reason} |")
        if note:
            notes.append(f"- **#{i}** ({rid}) \"{r['title']}\": {note}")
    w("")
    w("ids are shown without the `huffpost-country_relations_` prefix; labels shortened to 4 letters "
      "(coop, neut, host).")
    w("")
    w("Notes (from the reasons file):")
    w("")
    out.extend(notes)
    text = "\n".join(out) + "\n"

    sys.stdout.write(text)
    if args.update_doc:
        with open(args.update_doc_path, encoding="utf-8") as f:
            doc = f.read()
        if BEGIN not in doc or END not in doc:
            sys.exit(f"{args.update_doc}: markers {BEGIN!r} / {END!r} not found")
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(args.update_doc_path, "w", encoding="utf-8") as f:
            f.write(head + BEGIN + "\n" + text + END + tail)
        print(f"updated {args.update_doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
