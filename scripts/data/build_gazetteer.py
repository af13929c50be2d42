#!/usr/bin/env python3
"""Build data/gazetteer.tsv from ../shared/data/actors/ plus the curated table data/curated_actors.tsv.

Output columns: code, kind, form, text
  code  ISO 3166-1 alpha-3 (countries) or an IGO code
  kind  country | igo
  form  canonical (one per code: the display name) | name | demonym | capital | seat (seat of power used as a metonym)
  text  the surface form, matched case-sensitively on word boundaries

Run: python3 scripts/data/build_gazetteer.py [--shared ../shared/data]
"""
import argparse, csv, os, re, sys

STOP = {  # surface forms that are far more often something else in news text
    "Victoria", "Kingston", "Hamilton", "Georgetown", "Nassau", "Valletta", "Male", "Praia",
    "Roseau", "Castries", "Basseterre", "Apia", "Avarua", "Victoria", "Lima", "Santiago",
    "Jersey", "Guernsey", "Man", "Chad", "Jordan", "Turkey", "Georgia", "Niger", "Guinea",
    "Columbia", "Indian", "Dominican", "American", "Congo", "Democratic", "Republic",
}
# CountryInfo typos in ISO3 codes.
CODE_FIXES = {"JON": "JPN"}
# Re-allowed after STOP by the curated file where the sense is mostly the country.

def title(s):
    s = s.strip().strip("_").replace("_", " ")
    out = []
    for w in s.split():
        lw = w.lower()
        if lw in {"of", "the", "and", "da", "de", "del", "la", "du"} and out:
            out.append(lw)
        elif "-" in w:
            out.append("-".join(p.capitalize() for p in w.split("-")))
        else:
            out.append(w.capitalize())
    return " ".join(out)

def parse_countryinfo(path):
    text = open(path, encoding="latin-1").read()
    for block in re.findall(r"<Country>(.*?)</Country>", text, re.S):
        def field(tag):
            m = re.search(rf"<{tag}>(.*?)</{tag}>", block, re.S)
            return m.group(1) if m else ""
        code = field("ISO3166-alpha3").strip()
        code = CODE_FIXES.get(code, code)
        if not re.fullmatch(r"[A-Z]{3}", code):
            continue
        name = title(field("CountryName"))
        lines = lambda tag: [l.split("#")[0].strip() for l in field(tag).splitlines() if l.split("#")[0].strip()]
        nats = [title(l) for l in lines("Nationality") if re.fullmatch(r"[A-Z][A-Z_\-\.']+", l)]
        caps = [title(l) for l in lines("Capital") if re.fullmatch(r"[A-Z][A-Z_\-\.']+", l)]
        yield code, name, nats, caps

def main():
    ap = argparse.ArgumentParser()
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")  # the project root's scripts/ level
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(here, "..", "data", "gazetteer.tsv"))
    a = ap.parse_args()
    actors = os.path.join(a.shared, "actors")
    rows = {}
    def add(code, kind, form, text):
        text = text.strip()
        if len(text) < 3 and text not in {"US", "UK", "UN", "EU"}:
            return
        # title() turns acronyms in CountryInfo ("USA") into words no newswire prints ("Usa");
        # the curated file spells the acronyms that matter.
        if re.fullmatch(r"[A-Z][a-z]{1,2}", text) and text.upper() in canonical:
            return
        rows.setdefault(text, (code, kind, form, text))  # first writer wins: curated, then names, then the rest
    curated = list(csv.DictReader(open(os.path.join(here, "..", "data", "curated_actors.tsv")), delimiter="\t"))
    canonical = {r["code"]: r["text"] for r in curated if r["form"] == "canonical"}
    for r in csv.DictReader(open(os.path.join(actors, "ngec_countries.csv"))):
        canonical.setdefault(r["CCA3"].strip(), r["Name"].strip())
    for code, name, _, _ in parse_countryinfo(os.path.join(actors, "CountryInfo.120116.txt")):
        canonical.setdefault(code, name)
    kinds = {r["code"]: r["kind"] for r in curated}
    for code, name in canonical.items():
        rows[name] = (code, kinds.get(code, "country"), "canonical", name)
    for r in curated:
        if r["form"] != "canonical":
            add(r["code"], r["kind"], r["form"], r["text"])
    for r in csv.DictReader(open(os.path.join(actors, "ngec_countries.csv"))):
        code = r["CCA3"].strip()
        if r["Name"].strip() not in STOP:
            add(code, "country", "name", r["Name"])
        for d in r["Nationality"].split(","):
            d = d.strip()
            if d and d not in STOP and not d.startswith(("Republic", "Islamic", "Kingdom")) and len(d.split()) <= 2:
                add(code, "country", "demonym", d)
    for code, name, nats, caps in parse_countryinfo(os.path.join(actors, "CountryInfo.120116.txt")):
        if name not in STOP:
            add(code, "country", "name", name)
        for n in nats:
            # CountryInfo nationality lists carry many misspellings: keep forms a newswire would print
            if n not in STOP and len(n.split()) <= 3 and not re.search(r"\d", n):
                add(code, "country", "demonym" if n.endswith(("an", "ese", "ish", "i", "ic")) else "name", n)
        for c in caps:
            if c not in STOP:
                add(code, "country", "capital", c)
    # Countries keep ISO3 codes; international organisations (kind igo) their own codes. CountryInfo
    # lists the UN and the EU as if they were states: the curated igo rows take their codes over.
    igo_codes = {r["code"] for r in curated if r["kind"] == "igo"}
    rows = {k: (v[0], "igo" if v[0] in igo_codes else v[1], v[2], v[3]) for k, v in rows.items()}
    rows = {k: v for k, v in rows.items() if re.fullmatch(r"[A-Z]{3}", v[0]) or v[1] == "igo"}
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["code", "kind", "form", "text"])
        for row in sorted(rows.values(), key=lambda r: (r[0], r[2], r[3])):
            w.writerow(row)
    print(f"wrote {len(rows)} forms for {len({r[0] for r in rows.values()})} codes to {a.out}", file=sys.stderr)

if __name__ == "__main__":
    main()
