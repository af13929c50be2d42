#!/usr/bin/env python3
"""Hyper-parameter sweep for the directed stance model: a plain-torch replica of
src/stance/{data,model,train}.rs (dyad train), for a GPU sweep whose best config is then
retrained in Rust.

What is mirrored from the Rust side, exactly:
  - data: plv_train.tsv / directed_sentiment_{train,valid}.tsv parsing (marker and bracket
    stripping, p/q assignment), sentence keys (sha256(trim)[:16]), the PLV dev split, the
    removal of dev sentences from training, PLV reverse labels (mutual roots), DS directed
    labels, the neutral-sentence sampling and all shuffles (SplitMix64, same seed, same call
    order), length-bucketed batches (chunks of 50 batches sorted by length, batches shuffled);
  - input: rust_tokenizers' BertTokenizer (lower case, strip accents; same step order),
    [unused1..4] = ids 2..5 around the spans, the 128-piece cut around the marked region;
  - model: rust-bert's BertModel (post-LN, erf GELU, hidden/attention dropout from the
    encoder's config.json, also in the frozen layers), head = Linear(3*384, 3) over
    [CLS] + source-open + target-open states with dropout `dropout`, tch's head init;
  - training: AdamW (0.9, 0.999, eps 1e-8, decoupled decay on every trained tensor),
    linear warm-up then linear decay per step, cross-entropy with class weights
    (N / (3 n_c))^class_weight_power (weighted mean), embeddings + layers < frozen_layers frozen;
  - evaluation: eval_plv (coop vs hostile on the forward direction, p_c >= p_h), five_class
    (argmax per direction with the Rust tie order, more confident direction wins), macro-F1
    over the classes present in gold.
Not mirrored (cannot be): the random numbers of torch (head init, dropout masks).

Python-only config keys: "name"; "tune_holdout" (share of DS train sentences held out of
training to tune the neutral bias of the joint rules, default 0.1; 0 = exact Rust data);
"label_smoothing" (default 0; a one-line Rust knob: TrainConfig.label_smoothing passed as the
last argument of cross_entropy_loss in train.rs).

  python3 scripts/stance_sweep.py --model-dir DIR --data-dir DIR --plv-dev-split FILE \
      --configs scripts/stance_sweep_configs.json --out results.jsonl --budget-s 420 --device cuda
  ... --workers 3   (three configs at a time, each in its own process on the same GPU: the model is
      too small to keep an H100 busy from one Python process; configs are claimed in file order)
  python3 scripts/stance_sweep.py ... --eval-weights models/stance/weights.safetensors   (no training:
      evaluates a Rust-trained overlay, to check the replica)
  python3 scripts/stance_sweep.py --convert-model SRC_DIR --to DST_DIR   (fp16 copy of the encoder)

Works with torch >= 2.1 alone (no transformers, no numpy, no safetensors package).
"""
import argparse
import ctypes
import hashlib
import json
import math
import os
import re
import shutil
import struct
import sys
import time
import unicodedata

T_START = time.time()

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

MAX_TOKENS = 128
SOURCE_OPEN, SOURCE_CLOSE, TARGET_OPEN, TARGET_CLOSE = 2, 3, 4, 5
CLS, SEP = 101, 102
COOP, NEUT, HOST = 0, 1, 2
LABEL_NAMES = ["cooperative", "neutral", "hostile"]
FIVE_CLASS = ["neutral", "positive p→q", "positive q→p", "negative p→q", "negative q→p"]

# v1's configuration (models/experiments/stance-train-v1.json): defaults for keys a config leaves out.
V1 = {
    "seed": 13, "epochs": 3, "batch_size": 32, "lr": 5e-05, "warmup": 0.06, "weight_decay": 0.01,
    "dropout": 0.1, "frozen_layers": 2, "neutral_sentence_fraction": 0.5, "plv_repeat": 3,
    "class_weight_power": 0.5, "max_train_examples": None,
}
PY_ONLY = {"name": None, "tune_holdout": 0.1, "label_smoothing": 0.0}
RUST_PATH_KEYS = {"data_dir", "plv_dev_split", "out_dir", "model_name"}


def log(msg):
    print(f"[{time.time() - T_START:7.1f}s] {msg}", flush=True)


# ----------------------------------------------------------------------------- safetensors
_ST_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64,
              "I32": torch.int32, "F64": torch.float64, "U8": torch.uint8, "I8": torch.int8, "BOOL": torch.bool}
_ST_NAMES = {v: k for k, v in _ST_DTYPES.items()}


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = bytearray(f.read())
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        dtype = _ST_DTYPES[meta["dtype"]]
        t = torch.frombuffer(data, dtype=dtype, count=(b - a) // torch.tensor([], dtype=dtype).element_size(), offset=a) if b > a \
            else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(meta["shape"]).clone()
    return out


def save_safetensors(tensors, path):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        raw = ctypes.string_at(t.data_ptr(), t.numel() * t.element_size()) if t.numel() else b""
        header[name] = {"dtype": _ST_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for raw in blobs:
            f.write(raw)


def convert_model(src, dst):
    """fp16 copy of the encoder (weights only, position_ids dropped) + config and tokenizer files."""
    os.makedirs(dst, exist_ok=True)
    w = load_safetensors(os.path.join(src, "model.safetensors"))
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in w.items() if k != "embeddings.position_ids"}
    save_safetensors(half, os.path.join(dst, "model.safetensors"))
    for f in ["config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]:
        if os.path.exists(os.path.join(src, f)):
            shutil.copyfile(os.path.join(src, f), os.path.join(dst, f))
    back = load_safetensors(os.path.join(dst, "model.safetensors"))
    worst = max((w[k].float() - back[k].float()).abs().max().item() for k in back if back[k].is_floating_point())
    print(f"wrote {dst}: {len(back)} tensors, model.safetensors {os.path.getsize(os.path.join(dst, 'model.safetensors')) / 1e6:.1f} MB, "
          f"largest fp16 rounding {worst:.2e}")


# ----------------------------------------------------------------------------- tokenizer
_ACCENT_CACHE = {}


def _is_whitespace(c):  # rust_tokenizers WHITESPACE_CHARS: Zs + \t \n \r
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def _is_control(c):  # strict: categories C* (except \t \n \r)
    if c in "\t\n\r":
        return False
    return unicodedata.category(c).startswith("C")


def _is_punct(c):
    o = ord(c)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def _is_cjk(c):
    o = ord(c)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF or 0x2A700 <= o <= 0x2B73F
            or 0x2B740 <= o <= 0x2B81F or 0x2B820 <= o <= 0x2CEAF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F)


class RustBertTokenizer:
    """rust_tokenizers 8.1 BertTokenizer(lower_case=true, strip_accents=true): split on whitespace,
    on special tokens, on punctuation, on CJK chars; then per token remove control chars,
    lower-case char by char, NFD and drop Mn; then WordPiece (words over 100 chars → [UNK])."""

    SPECIALS = ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]

    def __init__(self, vocab_path):
        self.vocab = {}
        with open(vocab_path, encoding="utf-8") as f:
            for i, line in enumerate(f):
                tok = line.strip()
                if tok not in self.vocab:
                    self.vocab[tok] = i
        self.unk = self.vocab["[UNK]"]
        self._word_cache = {}

    @staticmethod
    def _split_chars(tokens, test):
        out = []
        for tok, special in tokens:
            if special:
                out.append((tok, special))
                continue
            cur = []
            for c in tok:
                if test(c):
                    if cur:
                        out.append(("".join(cur), False))
                        cur = []
                    out.append((c, False))
                else:
                    cur.append(c)
            if cur:
                out.append(("".join(cur), False))
        return out

    def _split_special(self, word):
        if "[" not in word:
            return [(word, False)]
        out, cur, i = [], [], 0
        while i < len(word):
            hit = next((s for s in self.SPECIALS if word.startswith(s, i)), None)
            if hit:
                if cur:
                    out.append(("".join(cur), False))
                    cur = []
                out.append((hit, True))
                i += len(hit)
            else:
                cur.append(word[i])
                i += 1
        if cur:
            out.append(("".join(cur), False))
        return out

    @staticmethod
    def _normalise(tok):
        tok = "".join(c for c in tok if not (_is_control(c) or c == "\x00" or c == "\ufffd"))
        tok = "".join(" " if _is_whitespace(c) else c for c in tok)
        tok = "".join(c.lower() for c in tok)  # char by char, as Rust's char::to_lowercase
        r = _ACCENT_CACHE.get(tok)
        if r is None:
            r = "".join(c for c in unicodedata.normalize("NFD", tok) if unicodedata.category(c) != "Mn")
            _ACCENT_CACHE[tok] = r
        return r

    def _wordpiece(self, word):
        ids = self._word_cache.get(word)
        if ids is not None:
            return ids
        if len(word) > 100:
            ids = [self.unk]
        else:
            ids, start = [], 0
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    sub = word[start:end]
                    if start > 0:
                        sub = "##" + sub
                    if sub in self.vocab:
                        found = self.vocab[sub]
                        break
                    end -= 1
                if found is None:
                    ids = [self.unk]
                    break
                ids.append(found)
                start = end
        self._word_cache[word] = ids
        return ids

    def ids(self, text):
        out = []
        words = []
        cur = []
        for c in text:
            if _is_whitespace(c):
                if cur:
                    words.append("".join(cur))
                    cur = []
            else:
                cur.append(c)
        if cur:
            words.append("".join(cur))
        for w in words:
            toks = self._split_special(w)
            toks = self._split_chars(toks, _is_punct)
            toks = self._split_chars(toks, _is_cjk)
            for tok, special in toks:
                if special:
                    out.append(self.vocab[tok])
                    continue
                tok = self._normalise(tok)
                if tok:
                    out.extend(self._wordpiece(tok))
        return out


class MarkedEncoder:
    """encode_marked of src/stance/model.rs, with a cache over (text, cut points)."""

    def __init__(self, tok):
        self.tok = tok
        self._pieces = {}
        self._cache = {}

    def piece(self, text, a, b):
        key = (text, a, b)
        r = self._pieces.get(key)
        if r is None:
            r = self.tok.ids(text[a:b])
            self._pieces[key] = r
        return r

    def __call__(self, text, source, target):
        key = (text, source, target)
        r = self._cache.get(key)
        if r is not None:
            return r
        n = len(text)

        def clamp(sp):
            a = min(sp[0], n)
            return (a, max(min(sp[1], n), a))

        s, t = clamp(source), clamp(target)
        if s[0] <= t[0]:
            first, second, source_first = s, t, True
        else:
            first, second, source_first = t, s, False
        second = (max(second[0], first[1]), max(second[1], first[1]))
        o1, c1, o2, c2 = (SOURCE_OPEN, SOURCE_CLOSE, TARGET_OPEN, TARGET_CLOSE) if source_first else \
            (TARGET_OPEN, TARGET_CLOSE, SOURCE_OPEN, SOURCE_CLOSE)
        body = list(self.piece(text, 0, first[0]))
        region_start = len(body)
        body.append(o1)
        body += self.piece(text, first[0], first[1])
        body.append(c1)
        body += self.piece(text, first[1], second[0])
        body.append(o2)
        body += self.piece(text, second[0], second[1])
        body.append(c2)
        region_end = len(body)
        body += self.piece(text, second[1], n)
        room = MAX_TOKENS - 2
        if len(body) <= room:
            lo, hi = 0, len(body)
        elif region_end - region_start >= room:
            lo, hi = region_start, region_start + room
        else:
            spare = room - (region_end - region_start)
            left = min(spare // 2, region_start)
            right = min(spare - left, len(body) - region_end)
            left = min(spare - right, region_start)
            lo, hi = region_start - left, region_end + right
        ids = [CLS] + body[lo:hi] + [SEP]
        sp = ids.index(SOURCE_OPEN) if SOURCE_OPEN in ids else 0
        tp = ids.index(TARGET_OPEN) if TARGET_OPEN in ids else 0
        r = (ids, sp, tp)
        self._cache[key] = r
        return r


# ----------------------------------------------------------------------------- data (data.rs)
def sentence_key(text):
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


def tsv_rows(path):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):  # the sweep copies may be gzipped
        import gzip
        with gzip.open(path + ".gz", "rb") as f:
            text = f.read().decode("utf-8")
    else:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [l[:-1] if l.endswith("\r") else l for l in lines]  # Rust str::lines
    if not lines:
        return [], []
    header = lines[0].split("\t")
    rows = [l.split("\t") for l in lines[1:] if l.strip()]
    return header, rows


def strip_markers(marked, pairs):
    text, n = [], 0
    spans = [None] * len(pairs)
    opened = [None] * len(pairs)
    i = 0
    while i < len(marked):
        matched = False
        for k, (o, c) in enumerate(pairs):
            if marked.startswith(o, i) and opened[k] is None and spans[k] is None:
                opened[k] = n
                i += len(o)
                matched = True
                break
            if marked.startswith(c, i) and opened[k] is not None:
                spans[k] = (opened[k], n)
                opened[k] = None
                i += len(c)
                matched = True
                break
        if matched:
            continue
        text.append(marked[i])
        n += 1
        i += 1
    if any(s is None for s in spans):
        return None
    return "".join(text), spans


def strip_brackets(marked):
    text, spans, opened, n = [], [], None, 0
    for ch in marked:
        if ch == "[" and opened is None:
            opened = n
        elif ch == "]" and opened is not None:
            spans.append((opened, n))
            opened = None
        else:
            text.append(ch)
            n += 1
    return "".join(text), spans


def _parse_uint(x):
    x = x.strip()
    return int(x) if re.fullmatch(r"\+?[0-9]+", x) else None


def load_plv(path):
    h, rows = tsv_rows(path)
    m, p, r = h.index("marked_sentence"), h.index("penta"), h.index("root")
    out, skipped = [], 0
    for row in rows:
        parsed = strip_markers(row[m], [("<s>", "</s>"), ("<t>", "</t>")]) if m < len(row) else None
        penta = _parse_uint(row[p]) if p < len(row) else None
        if penta is not None and not (1 <= penta <= 4):
            penta = None
        if parsed is not None and penta is not None:
            text, spans = parsed
            out.append({"text": text, "source": spans[0], "target": spans[1], "penta": penta,
                        "root": row[r] if r < len(row) else "", "key": sentence_key(text)})
        else:
            skipped += 1
    return out, skipped


def load_ds(path):
    h, rows = tsv_rows(path)
    s, pc, qc, lc = h.index("sentence"), h.index("p"), h.index("q"), h.index("label")
    out, skipped = [], 0
    for row in rows:
        label = _parse_uint(row[lc]) if lc < len(row) else None
        if label is not None and label > 4:
            label = None
        parsed = strip_brackets(row[s]) if s < len(row) else None
        if parsed is not None and label is not None and len(parsed[1]) == 2:
            text, spans = parsed
            content = lambda sp: text[sp[0]:sp[1]]  # noqa: E731
            p_text, q_text = row[pc].strip(), row[qc].strip()
            if content(spans[0]).strip() == p_text or content(spans[1]).strip() == q_text:
                p, q = spans[0], spans[1]
            else:
                p, q = spans[1], spans[0]
            out.append({"text": text, "p": p, "q": q, "label": label, "key": sentence_key(text)})
        else:
            skipped += 1
    return out, skipped


MUTUAL_ROOTS = {"AGREE", "CONSULT", "COOPERATE"}


def plv_examples(sentences):
    out = []
    for s in sentences:
        label = COOP if s["penta"] <= 2 else HOST
        reverse = label if s["root"] in MUTUAL_ROOTS else NEUT
        out.append((s["text"], s["source"], s["target"], label))
        out.append((s["text"], s["target"], s["source"], reverse))
    return out


def ds_directed_labels(label):
    return {1: (COOP, NEUT), 2: (NEUT, COOP), 3: (HOST, NEUT), 4: (NEUT, HOST)}.get(label, (NEUT, NEUT))


def ds_examples(sentences):
    out = []
    for s in sentences:
        pq, qp = ds_directed_labels(s["label"])
        out.append((s["text"], s["p"], s["q"], pq))
        out.append((s["text"], s["q"], s["p"], qp))
    return out


def plv_dev_keys(sentences):
    by_class = {}
    for s in sentences:
        by_class.setdefault(s["penta"], set()).add(s["key"])
    dev = set()
    for keys in by_class.values():
        dev.update(k for i, k in enumerate(sorted(keys)) if i % 7 == 3)
    return dev


def read_keys(path):
    with open(path, encoding="utf-8") as f:
        return {l.strip() for l in f if l.strip() and not l.strip().startswith("#")}


def load_datasets(data_dir, split_path):
    plv, _ = load_plv(os.path.join(data_dir, "plv_train.tsv"))
    dev_keys = read_keys(split_path) if os.path.exists(split_path) else plv_dev_keys(plv)
    plv_dev = [s for s in plv if s["key"] in dev_keys]
    plv_train = [s for s in plv if s["key"] not in dev_keys]
    ds_train, _ = load_ds(os.path.join(data_dir, "directed_sentiment_train.tsv"))
    ds_valid, _ = load_ds(os.path.join(data_dir, "directed_sentiment_valid.tsv"))
    held = {s["key"] for s in plv_dev} | {s["key"] for s in ds_valid}
    ds_train = [s for s in ds_train if s["key"] not in held]
    plv_train = [s for s in plv_train if s["key"] not in held]
    return {"plv_train": plv_train, "plv_dev": plv_dev, "ds_train": ds_train, "ds_valid": ds_valid}


class Rng:
    """SplitMix64 of train.rs."""
    M = (1 << 64) - 1

    def __init__(self, seed):
        self.s = seed & self.M

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & self.M
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.M
        return z ^ (z >> 31)

    def shuffle(self, v):
        for i in range(len(v) - 1, 0, -1):
            j = self.next() % (i + 1)
            v[i], v[j] = v[j], v[i]


def training_examples(c, ds_train, plv_train, rng):
    ds = []
    for s in ds_train:
        # `||` short-circuits: the generator is only drawn for neutral sentences.
        if s["label"] != 0 or (rng.next() % 10_000) / 10_000.0 < c["neutral_sentence_fraction"]:
            ds.append(s)
    ex = ds_examples(ds)
    for _ in range(max(c["plv_repeat"], 1)):
        ex.extend(plv_examples(plv_train))
    rng.shuffle(ex)
    if c.get("max_train_examples"):
        ex = ex[: c["max_train_examples"]]
    return ex


def spread(items, n):
    """n items evenly spaced over the list (smoke-test subsets that keep every class)."""
    if not n or n >= len(items):
        return items
    return [items[(i * len(items)) // n] for i in range(n)]


def is_tune_holdout(key, fraction):
    """A fixed share of DS train sentences, chosen by a hash of the key (same for every config)."""
    if fraction <= 0:
        return False
    h = int(hashlib.sha256(("tune:" + key).encode()).hexdigest()[:8], 16)
    return h < fraction * 0x100000000


# ----------------------------------------------------------------------------- model (rust-bert BertModel)
class SelfAttention(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)


class DenseNorm(nn.Module):
    def __init__(self, i, h, eps):
        super().__init__()
        self.dense = nn.Linear(i, h)
        self.LayerNorm = nn.LayerNorm(h, eps=eps)


class Attention(nn.Module):
    def __init__(self, h, eps):
        super().__init__()
        self.self = SelfAttention(h)
        self.output = DenseNorm(h, h, eps)


class Intermediate(nn.Module):
    def __init__(self, h, i):
        super().__init__()
        self.dense = nn.Linear(h, i)


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, eps = cfg["hidden_size"], cfg["layer_norm_eps"]
        self.attention = Attention(h, eps)
        self.intermediate = Intermediate(h, cfg["intermediate_size"])
        self.output = DenseNorm(cfg["intermediate_size"], h, eps)
        self.heads = cfg["num_attention_heads"]
        self.p_hidden = cfg["hidden_dropout_prob"]
        self.p_attn = cfg["attention_probs_dropout_prob"]

    def forward(self, x, mask):
        b, L, h = x.shape
        a = self.attention.self

        def split(t):
            return t.view(b, L, self.heads, h // self.heads).transpose(1, 2)

        q, k, v = split(a.query(x)), split(a.key(x)), split(a.value(x))
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=self.p_attn if self.training else 0.0)
        ctx = ctx.transpose(1, 2).reshape(b, L, h)
        o = self.attention.output
        attn = o.LayerNorm(F.dropout(o.dense(ctx), self.p_hidden, self.training) + x)
        inter = F.gelu(self.intermediate.dense(attn))
        return self.output.LayerNorm(F.dropout(self.output.dense(inter), self.p_hidden, self.training) + attn)


class Embeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], h)
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], h)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=cfg["layer_norm_eps"])
        self.p = cfg["hidden_dropout_prob"]

    def forward(self, ids):
        L = ids.shape[1]
        pos = torch.arange(L, device=ids.device)
        x = self.word_embeddings(ids) + self.position_embeddings(pos)[None] + self.token_type_embeddings.weight[0]
        return F.dropout(self.LayerNorm(x), self.p, self.training)


class EncoderStack(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([Layer(cfg) for _ in range(cfg["num_hidden_layers"])])


class StanceModel(nn.Module):
    def __init__(self, cfg, head_dropout):
        super().__init__()
        self.embeddings = Embeddings(cfg)
        self.encoder = EncoderStack(cfg)
        h = cfg["hidden_size"]
        self.stance_head = nn.Linear(3 * h, 3)
        self.head_dropout = head_dropout
        # tch nn::linear defaults: Kaiming uniform (ReLU gain, fan-in) weights, U(±1/sqrt(in)) bias.
        with torch.no_grad():
            bw = math.sqrt(3.0) * math.sqrt(2.0) / math.sqrt(3 * h)
            self.stance_head.weight.uniform_(-bw, bw)
            bb = 1.0 / math.sqrt(3 * h)
            self.stance_head.bias.uniform_(-bb, bb)

    def forward(self, ids, lengths, sp, tp):
        L = ids.shape[1]
        valid = torch.arange(L, device=ids.device)[None, :] < lengths[:, None]
        mask = valid[:, None, None, :]
        x = self.embeddings(ids)
        for layer in self.encoder.layer:
            x = layer(x, mask)
        rows = torch.arange(ids.shape[0], device=ids.device)
        feats = torch.cat([x[:, 0], x[rows, sp], x[rows, tp]], dim=1)
        return self.stance_head(F.dropout(feats, self.head_dropout, self.training))


def build_model(model_dir, base_state, cfg, head_dropout, device, overlay=None):
    m = StanceModel(cfg, head_dropout)
    state = dict(base_state)
    if overlay:
        state.update(overlay)
    own = m.state_dict()
    missing = [k for k in own if k not in state and not k.startswith("stance_head.")]
    if missing:
        raise SystemExit(f"{model_dir}: missing {missing[:5]}")
    m.load_state_dict({k: state[k].float() if k in state else own[k] for k in own}, strict=True)
    return m.to(device)


# ----------------------------------------------------------------------------- batching / scoring
class Packed:
    """Encoded examples as one padded [N, 128] id tensor plus lengths and marker positions, on device."""

    def __init__(self, encoded, labels, device):
        n = len(encoded)
        ids = torch.zeros((max(n, 1), MAX_TOKENS), dtype=torch.long)
        for i, (e, _, _) in enumerate(encoded):
            ids[i, : len(e)] = torch.tensor(e, dtype=torch.long)
        self.lengths_list = [len(e[0]) for e in encoded]
        self.ids = ids.to(device)
        self.lengths = torch.tensor(self.lengths_list or [1], dtype=torch.long).to(device)
        self.sp = torch.tensor([e[1] for e in encoded] or [0], dtype=torch.long).to(device)
        self.tp = torch.tensor([e[2] for e in encoded] or [0], dtype=torch.long).to(device)
        self.labels = torch.tensor(labels or [0], dtype=torch.long).to(device)
        self.device = device

    def batch(self, idx_cpu):
        idx = idx_cpu.to(self.device, non_blocking=True)
        L = max(self.lengths_list[i] for i in idx_cpu.tolist())
        return self.ids[idx, :L], self.lengths[idx], self.sp[idx], self.tp[idx], self.labels[idx]


@torch.no_grad()
def score(model, packed, n, batch_size, amp):
    """P(cooperative, neutral, hostile) for each example, scored in length order (as score_in_length_order)."""
    model.eval()
    order = sorted(range(n), key=lambda i: packed.lengths_list[i])
    out = torch.empty((n, 3), dtype=torch.float32)
    for k in range(0, n, batch_size):
        chunk = order[k: k + batch_size]
        ids, lens, sp, tp, _ = packed.batch(torch.tensor(chunk))
        with torch.autocast(device_type=packed.device.type, dtype=torch.bfloat16, enabled=amp):
            logits = model(ids, lens, sp, tp)
        out[chunk] = logits.float().softmax(-1).cpu()
    return out


# ----------------------------------------------------------------------------- metrics and joint rules
def confusion(gold, pred, k):
    c = torch.zeros((k, k), dtype=torch.long)
    c.index_put_((gold, pred), torch.ones_like(gold), accumulate=True)
    return c


def acc_f1(c):
    """accuracy, macro-F1 over classes present in gold, per-class F1 (metrics.rs)."""
    c = c.double()
    tp = c.diag()
    pred = c.sum(0)
    gold = c.sum(1)
    p = torch.where(pred > 0, tp / pred.clamp(min=1), torch.zeros_like(tp))
    r = torch.where(gold > 0, tp / gold.clamp(min=1), torch.zeros_like(tp))
    f = torch.where(p + r > 0, 2 * p * r / (p + r).clamp(min=1e-300), torch.zeros_like(tp))
    present = gold > 0
    macro = (f[present].sum() / present.sum().clamp(min=1)).item()
    return (tp.sum() / c.sum().clamp(min=1)).item(), macro, [round(x, 4) for x in f.tolist()]


def argmax_label(P):
    """StanceScore::label: cooperative if c >= n and c >= h, else hostile if h >= n, else neutral."""
    c, n, h = P[:, 0], P[:, 1], P[:, 2]
    return torch.where((c >= n) & (c >= h), torch.full_like(c, COOP, dtype=torch.long),
                       torch.where(h >= n, torch.full_like(c, HOST, dtype=torch.long), torch.full_like(c, NEUT, dtype=torch.long)))


def with_neutral_bias(P, b):
    if b == 0:
        return P
    Q = P.clone()
    Q[:, 1] = Q[:, 1] * math.exp(b)
    return Q / Q.sum(1, keepdim=True)


def rule_current(P1, P2, b=0.0):
    """five_class of train.rs (after an optional neutral log-bias on each direction)."""
    P1, P2 = with_neutral_bias(P1, b), with_neutral_bias(P2, b)
    l1, l2 = argmax_label(P1), argmax_label(P2)
    conf1 = torch.where(l1 == COOP, P1[:, 0], P1[:, 2])
    conf2 = torch.where(l2 == COOP, P2[:, 0], P2[:, 2])
    c1 = torch.where(l1 == COOP, 1, 3)
    c2 = torch.where(l2 == COOP, 2, 4)
    n1, n2 = l1 == NEUT, l2 == NEUT
    both = torch.where(conf1 >= conf2, c1, c2)
    return torch.where(n1 & n2, 0, torch.where(n2, c1, torch.where(n1, c2, both)))


def rule_joint(P1, P2, b=0.0):
    """argmax over the 5 consistent joint outcomes with p(p→q) * p(q→p) (after an optional neutral bias)."""
    P1, P2 = with_neutral_bias(P1, b), with_neutral_bias(P2, b)
    S = torch.stack([P1[:, 1] * P2[:, 1], P1[:, 0] * P2[:, 1], P1[:, 1] * P2[:, 0],
                     P1[:, 2] * P2[:, 1], P1[:, 1] * P2[:, 2]], dim=1)
    return S.argmax(1)


def rule_joint_classbias(P1, P2, biases):
    """Product rule with a log-bias per joint class (neutral fixed at 0)."""
    S = torch.stack([P1[:, 1] * P2[:, 1], P1[:, 0] * P2[:, 1], P1[:, 1] * P2[:, 0],
                     P1[:, 2] * P2[:, 1], P1[:, 1] * P2[:, 2]], dim=1).clamp(min=1e-30).log()
    return (S + torch.tensor([0.0] + list(biases))).argmax(1)


def tune_classbias(P1, P2, gold, rounds=2):
    """Coordinate ascent over the 4 non-neutral class log-biases (grid -3..3, step 0.1)."""
    grid = [round(-3.0 + 0.1 * i, 1) for i in range(61)]
    b = [0.0, 0.0, 0.0, 0.0]
    best = acc_f1(confusion(gold, rule_joint_classbias(P1, P2, b), 5))[1]
    for _ in range(rounds):
        for k in range(4):
            for v in grid:
                trial = b[:k] + [v] + b[k + 1:]
                f1 = acc_f1(confusion(gold, rule_joint_classbias(P1, P2, trial), 5))[1]
                if f1 > best + 1e-12 or (abs(f1 - best) <= 1e-12 and abs(v) < abs(b[k])):
                    best, b = f1, trial
    return b, best


RULES = {"current": rule_current, "joint": rule_joint}
BIAS_GRID = [round(-2.0 + 0.05 * i, 2) for i in range(0, 141)]  # -2 .. 5


def tune_bias(rule, P1, P2, gold):
    best = None
    for b in BIAS_GRID:
        _, f1, _ = acc_f1(confusion(gold, rule(P1, P2, b), 5))
        key = (f1, -abs(b))
        if best is None or key > best[0]:
            best = (key, b, f1)
    return best[1], best[2]


def ds_probs(model, enc, sentences, device, bs, amp):
    ex = ds_examples(sentences)
    encoded = [enc(t, s, g) for (t, s, g, _) in ex]
    P = score(model, Packed(encoded, [l for *_, l in ex], device), len(ex), bs, amp)
    return P[0::2], P[1::2], torch.tensor([s["label"] for s in sentences], dtype=torch.long)


def evaluate(model, enc, d, tune_sents, refs, device, bs, amp):
    t0 = time.time()
    res = {}
    # PLV dev (eval_plv)
    ex = plv_examples(d["plv_dev"])
    encoded = [enc(t, s, g) for (t, s, g, _) in ex]
    P = score(model, Packed(encoded, [l for *_, l in ex], device), len(ex), bs, amp)
    gold3 = torch.tensor([l for *_, l in ex], dtype=torch.long)
    fwd = P[0::2]
    gold_cvh = (gold3[0::2] != COOP).long()
    pred_cvh = (~(fwd[:, 0] >= fwd[:, 2])).long()
    cvh = confusion(gold_cvh, pred_cvh, 2)
    res["plv_acc"] = round(acc_f1(cvh)[0], 4)
    res["plv_cvh_confusion"] = cvh.tolist()
    a3, f3, _ = acc_f1(confusion(gold3, argmax_label(P), 3))
    res["plv_directed_acc"], res["plv_directed_f1"] = round(a3, 4), round(f3, 4)
    # DS valid under each rule; biases tuned on the held-out DS train sentences.
    V1p, V2p, vgold = ds_probs(model, enc, d["ds_valid"], device, bs, amp)
    rules = {}
    for name, rule in RULES.items():
        acc, f1, per = acc_f1(confusion(vgold, rule(V1p, V2p), 5))
        rules[name] = {"f1": round(f1, 4), "acc": round(acc, 4), "per_class_f1": per}
    if tune_sents:
        T1, T2, tgold = ds_probs(model, enc, tune_sents, device, bs, amp)
        for name, rule in RULES.items():
            b, tf1 = tune_bias(rule, T1, T2, tgold)
            acc, f1, per = acc_f1(confusion(vgold, rule(V1p, V2p, b), 5))
            rules[name + "+bias"] = {"f1": round(f1, 4), "acc": round(acc, 4), "per_class_f1": per,
                                     "neutral_bias": b, "tune_f1": round(tf1, 4), "tune_n": len(tune_sents)}
        cb, tf1 = tune_classbias(T1, T2, tgold)
        acc, f1, per = acc_f1(confusion(vgold, rule_joint_classbias(V1p, V2p, cb), 5))
        rules["joint+classbias"] = {"f1": round(f1, 4), "acc": round(acc, 4), "per_class_f1": per,
                                    "class_bias": cb, "tune_f1": round(tf1, 4), "tune_n": len(tune_sents)}
    for name, rule in RULES.items():  # upper bound only: bias chosen on the valid set itself
        b, f1 = tune_bias(rule, V1p, V2p, vgold)
        rules[name + "+oracle_bias"] = {"f1": round(f1, 4), "neutral_bias": b}
    res["ds"] = rules
    res["ds_macro_f1"] = rules["current"]["f1"]
    res["ds_acc"] = rules["current"]["acc"]
    res["ds_confusion_current"] = confusion(vgold, rule_current(V1p, V2p), 5).tolist()
    # Reference pairs from the article.
    if refs:
        encoded = [enc(r["sentence"], r["source_span"], r["target_span"]) for r in refs]
        P = score(model, Packed(encoded, [0] * len(refs), device), len(refs), bs, amp)
        out = []
        for r, p in zip(refs, P):
            lab = LABEL_NAMES[argmax_label(p[None])[0].item()]
            out.append({"pair": r["pair"], "source": r["source"], "target": r["target"], "expected": r["expected"],
                        "article_source_span": r["article_source_span"], "article_target_span": r["article_target_span"],
                        "label": lab, "ok": lab == r["expected"], "p": [round(x, 4) for x in p.tolist()]})
        res["refs"] = out
        res["refs_ok"] = sum(o["ok"] for o in out)
    res["eval_s"] = round(time.time() - t0, 2)
    return res


# ----------------------------------------------------------------------------- reference pairs
REFERENCES = [
    # (sentence starts with, source, target, pair, expected): spans are the first whole-word match.
    ("Iranian President Masoud Pezeshkian told Hikmat Hajiyev", "Tehran", "Azerbaijan", "IRN→AZE", "cooperative"),
    ("Iran has consistently voiced concerns over Azerbaijan", "Iran", "Azerbaijan", "IRN→AZE", "hostile"),
    ("Tehran perceives Israel", "Tehran", "Israel", "IRN→ISR", "hostile"),
    ("Tehran perceives Israel", "Israel", "Azerbaijan", "ISR→AZE", "cooperative"),
]


def load_references(path):
    if not path or not os.path.exists(path):
        log(f"reference article {path} not found: no reference predictions")
        return []
    with open(path, encoding="utf-8") as f:
        article = f.read()
    refs = []
    for prefix, src, tgt, pair, expected in REFERENCES:
        start = article.find(prefix)
        if start < 0:
            raise SystemExit(f"{path}: no sentence starting {prefix!r}")
        end = article.find("\n", start)
        sentence = article[start: end if end >= 0 else len(article)].rstrip()
        spans = []
        for w in (src, tgt):
            m = re.search(r"\b" + re.escape(w) + r"\b", sentence)
            if not m:
                raise SystemExit(f"{w!r} not in {sentence!r}")
            spans.append((m.start(), m.end()))
        refs.append({"pair": pair, "source": src, "target": tgt, "expected": expected, "sentence": sentence,
                     "source_span": spans[0], "target_span": spans[1],
                     "article_source_span": (start + spans[0][0], start + spans[0][1]),
                     "article_target_span": (start + spans[1][0], start + spans[1][1])})
    for r in refs:
        log(f"reference {r['pair']} {r['expected']}: {r['source']}@{r['article_source_span']} → "
            f"{r['target']}@{r['article_target_span']} in {r['sentence'][:60]!r}…")
    return refs


# ----------------------------------------------------------------------------- training (train.rs)
def full_config(c):
    out = dict(V1)
    out.update(PY_ONLY)
    unknown = set(c) - set(out) - RUST_PATH_KEYS
    if unknown:
        raise SystemExit(f"config {c.get('name')}: unknown keys {sorted(unknown)}")
    out.update({k: v for k, v in c.items() if k not in RUST_PATH_KEYS})
    if not out["name"]:
        out["name"] = "config"
    return out


def rust_train_config(c):
    r = {k: c[k] for k in V1 if k != "max_train_examples" or c[k] is not None}
    if c.get("label_smoothing"):
        r["label_smoothing"] = c["label_smoothing"]  # needs the one-line Rust knob
    return r


def prepare(c, d, limit):
    frac = c["tune_holdout"]
    ds_train = [s for s in d["ds_train"] if not is_tune_holdout(s["key"], frac)]
    tune = [s for s in d["ds_train"] if is_tune_holdout(s["key"], frac)]
    plv_train = d["plv_train"]
    if limit:
        total = len(ds_train) + len(plv_train)
        n_plv = max(1, round(limit * len(plv_train) / total))
        ds_train, plv_train = spread(ds_train, max(limit - n_plv, 1)), spread(plv_train, n_plv)
    rng = Rng(c["seed"])
    examples = training_examples(c, ds_train, plv_train, rng)
    return examples, rng, tune


def train_one(c, d, enc, base_state, cfg, model_dir, device, args, refs, tune_limit):
    t0 = time.time()
    torch.manual_seed(c["seed"])
    examples, rng, tune = prepare(c, d, args.limit)
    if tune_limit:
        tune = spread(tune, tune_limit)
    counts = [0, 0, 0]
    for *_, l in examples:
        counts[l] += 1
    encoded = [enc(t, s, g) for (t, s, g, _) in examples]
    packed = Packed(encoded, [l for *_, l in examples], device)
    model = build_model(model_dir, base_state, cfg, c["dropout"], device)
    fl = c["frozen_layers"]
    frozen = lambda name: name.startswith("embeddings.") or any(name.startswith(f"encoder.layer.{i}.") for i in range(fl))  # noqa: E731
    params = []
    for name, p in model.named_parameters():
        p.requires_grad_(not frozen(name))
        if p.requires_grad:
            params.append(p)
    n = len(examples)
    weights = torch.tensor([(n / (3.0 * max(k, 1))) ** c["class_weight_power"] for k in counts], dtype=torch.float32, device=device)
    bs = c["batch_size"]
    steps_per_epoch = -(-n // bs)
    total = steps_per_epoch * c["epochs"]
    warmup = max(total * c["warmup"], 1.0)
    kw = {"fused": True} if device.type == "cuda" else {}
    opt = torch.optim.AdamW(params, lr=c["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=c["weight_decay"], **kw)
    step, losses = 0, []
    t_train = time.time()
    for epoch in range(c["epochs"]):
        model.train()
        order = list(range(n))
        rng.shuffle(order)
        batches = []
        for k in range(0, n, bs * 50):
            chunk = sorted(order[k: k + bs * 50], key=lambda i: len(encoded[i][0]))
            batches.extend(chunk[j: j + bs] for j in range(0, len(chunk), bs))
        rng.shuffle(batches)
        loss_sum = torch.zeros((), device=device)
        seen = 0
        for b in batches:
            if step < warmup:
                lr = c["lr"] * (step + 1) / warmup
            else:
                lr = c["lr"] * max((total - step) / max(total - warmup, 1.0), 0.0)
            for g in opt.param_groups:
                g["lr"] = lr
            ids, lens, sp, tp, y = packed.batch(torch.tensor(b))
            with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.amp):
                logits = model(ids, lens, sp, tp)
            loss = F.cross_entropy(logits.float(), y, weight=weights, label_smoothing=c["label_smoothing"])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.detach() * len(b)
            seen += len(b)
            step += 1
        losses.append(round(loss_sum.item() / max(seen, 1), 4))
        log(f"  {c['name']}: epoch {epoch + 1}/{c['epochs']} loss {losses[-1]:.4f} ({time.time() - t_train:.1f} s)")
    if device.type == "cuda":
        torch.cuda.synchronize()
    train_s = time.time() - t_train
    res = evaluate(model, enc, d, tune, refs, device, args.eval_batch_size, args.amp)
    res.update({"n_train_examples": n, "class_counts": counts, "steps": total, "epoch_losses": losses,
                "train_s": round(train_s, 2), "s_per_step": round(train_s / max(total, 1), 5),
                "total_s": round(time.time() - t0, 2), "tune_n": len(tune)})
    return res


def estimate_steps(c, d, limit):
    examples, _, _ = prepare(c, d, limit)
    return -(-len(examples) // c["batch_size"]) * c["epochs"], len(examples)


# ----------------------------------------------------------------------------- main
def table(rows):
    head = f"{'name':<28} {'plv':>6} {'cur':>6} {'joint':>6} {'cur+b':>6} {'(b)':>5} {'jnt+b':>6} {'(b)':>5} {'jcb':>6} {'orac':>6} {'acc':>6} {'refs':>5} {'s':>6}"
    lines = [head, "-" * len(head)]
    for r in rows:
        if r.get("status") != "ok":
            lines.append(f"{r['name']:<28} {r.get('status')}: {r.get('reason', '')}")
            continue
        ds = r["ds"]
        g = lambda k, f="f1": ds.get(k, {}).get(f)  # noqa: E731
        fmt = lambda x, w=6, p=3: (f"{x:>{w}.{p}f}" if isinstance(x, (int, float)) else f"{'-':>{w}}")  # noqa: E731
        refs = "".join(("+" if o["ok"] else "x") for o in r.get("refs", [])) or "-"
        lines.append(f"{r['name']:<28} {fmt(r['plv_acc'])} {fmt(g('current'))} {fmt(g('joint'))} {fmt(g('current+bias'))} "
                     f"{fmt(g('current+bias', 'neutral_bias'), 5, 2)} {fmt(g('joint+bias'))} {fmt(g('joint+bias', 'neutral_bias'), 5, 2)} "
                     f"{fmt(g('joint+classbias'))} {fmt(g('current+oracle_bias'))} {fmt(r['ds_acc'])} {refs:>5} {fmt(r.get('total_s'), 6, 0)}")
    lines.append("plv = PLV dev coop-vs-hostile acc; cur/joint = DS valid 5-class macro-F1 (five_class / product rule); "
                 "+b = with the neutral log-bias (b) tuned on the held-out DS train share; jcb = product rule with 4 class log-biases tuned there; orac = bias tuned on valid (bound only); "
                 "refs: + right, x wrong (Pezeshkian IRN→AZE coop, concerns IRN→AZE hostile, IRN→ISR hostile, ISR→AZE coop)")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir")
    ap.add_argument("--data-dir")
    ap.add_argument("--plv-dev-split", default="data/splits/plv_dev.txt")
    ap.add_argument("--article", help="reference article (default: DATA_DIR/iran_azerbaijan_2025-02-04.txt, else "
                                      "../shared/data/archives/iran_azerbaijan_2025-02-04.txt)")
    ap.add_argument("--configs")
    ap.add_argument("--only", help="comma-separated config names to run")
    ap.add_argument("--out", default="results.jsonl")
    ap.add_argument("--budget-s", type=float, default=float("inf"), help="wall-clock budget from process start")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--limit", type=int, default=0, help="use only N training sentences (DS and PLV in proportion)")
    ap.add_argument("--eval-limit", type=int, default=0, help="use only the first N sentences of each eval set (smoke tests)")
    ap.add_argument("--eval-batch-size", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--amp", action="store_true", help="bf16 autocast (cuda); default fp32 (TF32 matmuls on cuda)")
    ap.add_argument("--step-s-guess", type=float, default=0.0, help="prior seconds per training step for the budget (before one is measured)")
    ap.add_argument("--eval-weights", help="no training: evaluate this Rust overlay (e.g. models/stance/weights.safetensors)")
    ap.add_argument("--convert-model", help="write an fp16 copy of this encoder folder to --to and exit")
    ap.add_argument("--to")
    ap.add_argument("--workers", type=int, default=1,
                    help="train this many configs at once in separate processes sharing the device (the model is "
                         "too small to fill a GPU: 2-3 workers give more configs per minute)")
    ap.add_argument("--worker-id", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--run-id", help=argparse.SUPPRESS)
    ap.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    global T_START
    if args.t0:
        T_START = args.t0

    if args.convert_model:
        convert_model(args.convert_model, args.to)
        return
    for k in ("model_dir", "data_dir"):
        if not getattr(args, k):
            ap.error(f"--{k.replace('_', '-')} is required")
    device = torch.device(args.device)
    if args.workers > 1 and args.worker_id is None and not args.eval_weights:
        return spawn_workers(args)
    if args.threads:
        torch.set_num_threads(args.threads)
    elif device.type == "cpu":
        torch.set_num_threads(1)
    else:
        torch.set_num_threads(max(1, min(4, (os.cpu_count() or 4) // max(args.workers, 1))))
    if device.type == "cuda":
        torch.set_float32_matmul_precision("high")  # TF32 matmuls
    args.eval_batch_size = args.eval_batch_size or (256 if device.type == "cuda" else 64)
    step_guess = args.step_s_guess or (0.012 if device.type == "cuda" else 0.6)

    with open(os.path.join(args.model_dir, "config.json")) as f:
        cfg = json.load(f)
    base_state = {k: v.float() for k, v in load_safetensors(os.path.join(args.model_dir, "model.safetensors")).items()
                  if v.is_floating_point()}
    tok = RustBertTokenizer(os.path.join(args.model_dir, "vocab.txt"))
    enc = MarkedEncoder(tok)
    d = load_datasets(args.data_dir, args.plv_dev_split)
    if args.eval_limit:
        for k in ("plv_dev", "ds_valid"):
            d[k] = spread(d[k], args.eval_limit)
    article = args.article
    if not article:
        for cand in (os.path.join(args.data_dir, "iran_azerbaijan_2025-02-04.txt"),
                     os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/data/archives/iran_azerbaijan_2025-02-04.txt")):
            if os.path.exists(cand):
                article = cand
                break
    refs = load_references(article)
    # Encode everything once (the cache is shared by all configs).
    for s in d["plv_train"] + d["plv_dev"]:
        enc(s["text"], s["source"], s["target"]), enc(s["text"], s["target"], s["source"])
    for s in d["ds_train"] + d["ds_valid"]:
        enc(s["text"], s["p"], s["q"]), enc(s["text"], s["q"], s["p"])
    log(f"device {device} (torch {torch.__version__}); data: {len(d['plv_train'])} PLV train / {len(d['plv_dev'])} PLV dev, "
        f"{len(d['ds_train'])} DS train / {len(d['ds_valid'])} DS valid sentences; encoded {len(enc._cache)} inputs")

    if args.eval_weights:
        overlay = load_safetensors(args.eval_weights)
        model = build_model(args.model_dir, base_state, cfg, 0.0, device, overlay=overlay)
        tune = [s for s in d["ds_train"] if is_tune_holdout(s["key"], 0.1)]
        if args.eval_limit:
            tune = spread(tune, args.eval_limit)
        res = evaluate(model, enc, d, tune, refs, device, args.eval_batch_size, args.amp)
        row = {"name": "eval:" + os.path.basename(args.eval_weights), "status": "ok", "weights": args.eval_weights,
               "note": "tune sentences were in this model's training data", **res}
        with open(args.out, "a") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(table([row]))
        print("current-rule confusion (gold rows x pred cols, " + ", ".join(FIVE_CLASS) + "):")
        for r in res["ds_confusion_current"]:
            print("   ", r)
        return

    configs = read_configs(args)
    run_id = args.run_id or f"{os.getpid()}-{int(T_START)}"
    tag = f"w{args.worker_id} " if args.worker_id is not None else ""
    claims = claims_dir(run_id) if args.worker_id is not None else None
    rows = []
    s_per_step, eval_s, overhead_s = None, None, 3.0
    for i, c in enumerate(configs):
        if claims:  # several workers: each config goes to the first worker that claims it
            os.makedirs(claims, exist_ok=True)
            try:
                os.close(os.open(os.path.join(claims, re.sub(r"[^A-Za-z0-9_.-]", "_", c["name"])), os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                continue
        steps, n_ex = estimate_steps(c, d, args.limit)
        per = s_per_step if s_per_step is not None else step_guess
        f0 = 1.0 if c["frozen_layers"] >= 2 else 1.25  # unfrozen lower layers cost a bit more backward
        if eval_s is None:  # first config: a guess from the number of eval inputs
            n_tune = sum(is_tune_holdout(x["key"], c["tune_holdout"]) for x in d["ds_train"])
            n_eval = 2 * (len(d["plv_dev"]) + len(d["ds_valid"]) + min(n_tune, args.eval_limit or n_tune))
            eval_guess = n_eval * (0.001 if device.type == "cuda" else 0.015)
        est = steps * per * f0 + (eval_s if eval_s is not None else eval_guess) + overhead_s
        left = args.budget_s - (time.time() - T_START)
        if est > left:
            row = {"name": c["name"], "status": "skipped", "reason": f"estimated {est:.0f} s > {left:.0f} s left",
                   "config": c, "steps": steps}
            log(f"{tag}skip {c['name']}: {row['reason']}")
        else:
            log(f"{tag}[{i + 1}/{len(configs)}] {c['name']}: {n_ex} examples, {steps} steps, estimated {est:.0f} s ({left:.0f} s left)")
            try:
                res = train_one(c, d, enc, base_state, cfg, args.model_dir, device, args, refs, args.eval_limit)
                row = {"name": c["name"], "status": "ok", "config": c, "rust_train_config": rust_train_config(c),
                       "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu", **res}
                norm = res["s_per_step"] / f0
                s_per_step = norm if s_per_step is None else max(s_per_step * 0.5 + norm * 0.5, norm * 0.9)
                eval_s = res["eval_s"]
                log(f"{tag}  {c['name']}: PLV {res['plv_acc']:.3f}  DS F1 current {res['ds']['current']['f1']:.3f} "
                    f"joint {res['ds']['joint']['f1']:.3f}"
                    + (f" current+bias {res['ds']['current+bias']['f1']:.3f} (b={res['ds']['current+bias']['neutral_bias']})"
                       if "current+bias" in res["ds"] else "")
                    + f"  refs {res.get('refs_ok', '-')}/4  {res['total_s']:.0f} s ({res['s_per_step'] * 1000:.1f} ms/step)")
            except Exception as e:  # a failing config must not end the sweep
                import traceback
                traceback.print_exc()
                row = {"name": c["name"], "status": "error", "reason": repr(e), "config": c}
            if device.type == "cuda":
                torch.cuda.empty_cache()
        row["run"], row["worker"] = run_id, args.worker_id or 0
        rows.append(row)
        with open(args.out, "a") as f:  # one write per line: safe with several workers appending
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.worker_id is None:
        print(table(rows))
    log(f"{tag}done")


def read_configs(args):
    with open(args.configs) as f:
        configs = [full_config(c) for c in json.load(f)]
    if args.only:
        keep = set(args.only.split(","))
        configs = [c for c in configs if c["name"] in keep]
    return configs


def claims_dir(run_id):
    import tempfile
    return os.path.join(tempfile.gettempdir(), f"stance_sweep_claims-{run_id}")


def spawn_workers(args):
    import subprocess
    configs = read_configs(args)
    run_id = f"{os.getpid()}-{int(T_START)}"
    base = [sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    procs = [subprocess.Popen(base + ["--worker-id", str(k), "--run-id", run_id, "--t0", repr(T_START)])
             for k in range(args.workers)]
    log(f"{args.workers} workers started (run {run_id})")
    rc = [p.wait() for p in procs]
    rows = {}
    if os.path.exists(args.out):
        with open(args.out) as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                if r.get("run") == run_id:
                    rows[r["name"]] = r
    shutil.rmtree(claims_dir(run_id), ignore_errors=True)
    ordered = [rows.get(c["name"], {"name": c["name"], "status": "not run", "reason": "no worker reached it"}) for c in configs]
    print(table(ordered))
    log(f"done (worker exit codes {rc})")


if __name__ == "__main__":
    main()
