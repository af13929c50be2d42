#!/usr/bin/env python3
"""Builds the sentence-boundary gold set that `segment_eval` measures segmenters on.

Sentences are the one-sentence news statements annotated in ../shared/data (PLV and the
ConfliBERT CAMEO file; each row is one sentence by its annotators), plus a few written here for
cases those files lack ("... on the U.S. The move ..."). They are composed into documents in
four styles, so every gold boundary is known by construction:

  plain    paragraphs of 1-4 sentences, blank line between paragraphs
  wrapped  the same, hard-wrapped at a width of 60-78 columns (textwrap), as wire and OCR archives
  html     <p>...</p> paragraphs, & < > and quotes as entities, some <a>/<b> tags, a <br>
  wire     an all-caps headline, a dateline ("TOKYO, March 27 - "), then wrapped paragraphs

A gold unit is each sentence, each headline, and each dateline (a dateline is a segment of its
own: its place is where the story was filed, not an actor). The gold is the set of char offsets
where units start. Documents are split by a hash of their number into dev (70 %, the part rules
may be looked at and tuned on) and held-out (30 %, measured only).

Nothing here is committed: it is rebuilt from ../shared/data into out/segment_gold/.

    python3 scripts/data/build_segment_gold.py [--data ../shared/data] [--out out/segment_gold]
"""
import argparse
import csv
import hashlib
import html
import json
import random
import re
import sys
import textwrap
from pathlib import Path

CONSTRUCTED = [
    "Iran imposed new sanctions on the U.S.",
    "The move angered officials in Washington.",
    "Russia said it would retaliate against the U.K.",
    "It gave no details.",
    "Talks between the U.S. and China resumed in Geneva on Monday.",
    "Mr. Lavrov met Gen. Milley in Helsinki.",
    "Japan's trade minister warned Seoul on Tuesday.",
    "He said the dispute could last for years.",
    "Azerbaijan and Turkey signed a defence pact.",
    "Officials in Baku welcomed the agreement.",
]
PLACES = ["TOKYO", "WASHINGTON", "BAKU", "NEW YORK", "BEIJING", "MOSCOW", "TEHRAN", "GENEVA", "LONDON", "SEOUL"]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
AGENCIES = ["Reuters", "AP", "AFP"]
DASHES = ["-", "--", "—"]

# A row counts as one sentence when it has no internal ". X" after a lower-case word (the
# annotators' unit), ends with a terminator, and has no dateline of its own.
INTERNAL_END = re.compile(r"\b[a-z]{2,}[.!?][\"”’']?\s+[A-Z]")
OWN_DATELINE = re.compile(r"^[A-Z][A-Z .,'’()-]{2,40}(?:-|—|–) ")
TERMINATED = re.compile(r"[.!?][\"”’')]?$")


def load_sentences(data: Path) -> list[str]:
    out = []
    for name in ("plv_train.tsv", "conflibert_cameo_train.tsv"):
        with open(data / "stance" / name, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                s = " ".join(row["sentence"].split())
                if 20 <= len(s) <= 400 and TERMINATED.search(s) and not INTERNAL_END.search(s) and not OWN_DATELINE.match(s):
                    out.append(s)
    return sorted(set(out))


def headline(rng: random.Random, sentence: str) -> str:
    words = re.sub(r"[^\w' -]", "", sentence).split()[: rng.randint(4, 8)]
    return " ".join(words).upper()


class Doc:
    def __init__(self):
        self.text = ""
        self.starts: list[int] = []

    def add(self, piece: str, unit: bool = False, offset_in_piece: int = 0):
        if unit:
            self.starts.append(len(self.text) + offset_in_piece)
        self.text += piece


def wrap_paragraph(doc: Doc, sentences: list[str], width: int, lead: str = ""):
    """Appends sentences joined by spaces and hard-wrapped; records where each one starts."""
    flat = lead + " ".join(sentences)
    starts, pos = [], len(lead)
    for s in sentences:
        starts.append(pos)
        pos += len(s) + 1
    lines = textwrap.wrap(flat, width=width, break_long_words=False, break_on_hyphens=False)
    # textwrap only swaps single spaces for line breaks, so offsets in `flat` still hold.
    wrapped = "\n".join(lines)
    assert len(wrapped) == len(flat), "textwrap changed the text's length"
    base = len(doc.text)
    doc.text += wrapped
    doc.starts.extend(base + s for s in starts)


def build(rng: random.Random, pool: list[str], style: str) -> Doc:
    doc = Doc()
    paragraphs = [[rng.choice(pool) for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(2, 4))]
    width = rng.randint(60, 78)
    if style == "wire":
        doc.add(headline(rng, paragraphs[0][0]) + "\n\n", unit=True)
        place = rng.choice(PLACES)
        when = f", {rng.choice(MONTHS)} {rng.randint(1, 28)}" if rng.random() < 0.5 else ""
        agency = f" ({rng.choice(AGENCIES)})" if not when or rng.random() < 0.3 else ""
        lead = f"{place}{when}{agency} {rng.choice(DASHES)} "
        doc.starts.append(len(doc.text))  # the dateline
        wrap_paragraph(doc, paragraphs[0], width, lead)
        for p in paragraphs[1:]:
            doc.add("\n\n")
            wrap_paragraph(doc, p, width)
        doc.add("\n")
    elif style == "wrapped":
        for k, p in enumerate(paragraphs):
            if k:
                doc.add("\n\n")
            wrap_paragraph(doc, p, width)
    elif style == "plain":
        for k, p in enumerate(paragraphs):
            if k:
                doc.add("\n\n")
            for j, s in enumerate(p):
                doc.add((" " if j else "") + s, unit=True, offset_in_piece=1 if j else 0)
    elif style == "html":
        doc.add("<html><body><h1>")
        doc.add(html.escape(headline(rng, paragraphs[0][0]).title()), unit=True)
        doc.add("</h1>\n")
        for p in paragraphs:
            doc.add('<p class="story">')
            for j, s in enumerate(p):
                body = html.escape(s, quote=True).replace("&#x27;", "&#8217;")
                if rng.random() < 0.3:
                    words = body.split(" ")
                    k = rng.randrange(len(words))
                    # Not the first word: a tag before a sentence would move where it starts.
                    if k > 0 and "&" not in words[k]:
                        words[k] = f'<a href="https://example.org/{k}">{words[k]}</a>'
                    body = " ".join(words)
                doc.add((" " if j else "") + body, unit=True, offset_in_piece=1 if j else 0)
                if rng.random() < 0.1:
                    doc.add("<br>")
            doc.add("</p>\n")
        doc.add("</body></html>\n")
    return doc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--out", default="out/segment_gold")
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--seed", type=int, default=20261203)
    args = ap.parse_args()
    pool = load_sentences(Path(args.data)) + CONSTRUCTED * 5
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    parts = {"dev": [], "heldout": []}
    for i in range(args.docs):
        style = ["plain", "wrapped", "html", "wire"][i % 4]
        doc = build(rng, pool, style)
        part = "heldout" if int(hashlib.sha256(f"doc{i}".encode()).hexdigest(), 16) % 10 < 3 else "dev"
        parts[part].append({"id": f"doc{i}", "style": style, "text": doc.text, "starts": doc.starts})
    for part, docs in parts.items():
        with open(out / f"{part}.jsonl", "w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        units = sum(len(d["starts"]) for d in docs)
        print(f"{out / part}.jsonl: {len(docs)} documents, {units} gold units", file=sys.stderr)
    print(f"{len(pool)} sentences in the pool ({len(CONSTRUCTED)} written here, the rest from {args.data}/stance)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
