#!/usr/bin/env bash
# Throughput of `dyad classify` (trained directed model) against the same encoder run by Python
# sentence-transformers on the same sentences, same threads, same batch size.
#   bash scripts/bench/bench_classify.sh            (THREADS=2 BATCH=32 N=2000 PRECISION=f32 by default)
# The Python side needs torch 2.4.0 + sentence-transformers in .deps/bench-venv (~5 GB, a few
# minutes the first time; set SKIP_PYTHON=1 to time dyad alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${THREADS:-2}; BATCH=${BATCH:-32}; N=${N:-2000}; PRECISION=${PRECISION:-f32}
BIN=${DYAD:-target/release/dyad}
[ -x "$BIN" ] || BIN=target/debug/dyad
WORK=.deps/bench; mkdir -p "$WORK"
python3 scripts/bench/bench_inputs.py "$N" "$WORK/statements"
head -n 1 "$WORK/statements.jsonl" > "$WORK/one.jsonl"

now() { date +%s.%N; }
# Model load time, measured on one statement and subtracted.
t0=$(now); "$BIN" classify --input "$WORK/one.jsonl" -o /dev/null --threads "$THREADS" --batch-size "$BATCH" --precision "$PRECISION" 2>/dev/null; t1=$(now)
"$BIN" classify --input "$WORK/statements.jsonl" -o "$WORK/out.jsonl" --threads "$THREADS" --batch-size "$BATCH" --precision "$PRECISION" 2>/dev/null; t2=$(now)
rust_rate=$(python3 -c "print(f'{$N/(($t2-$t1)-($t1-$t0)):.1f}')")
echo "dyad classify ($BIN, $PRECISION): $N statements, threads $THREADS, batch $BATCH: $rust_rate statements/s (model load $(python3 -c "print(f'{$t1-$t0:.2f}')") s excluded)"

if [ "${SKIP_PYTHON:-0}" = "1" ]; then exit 0; fi
VENV=.deps/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch==2.4.0 transformers==4.44.2 sentence-transformers==3.0.1 "numpy<2"
fi
HF_HUB_OFFLINE=1 "$VENV/bin/python" - "$WORK/statements.txt" "$THREADS" "$BATCH" .deps/models/all-MiniLM-L6-v2 <<'PY' | tee "$WORK/python.txt"
import sys, time, torch
from sentence_transformers import SentenceTransformer
path, threads, batch, model_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
torch.set_num_threads(threads)
sents = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
m = SentenceTransformer(model_dir, device="cpu")
m.encode(sents[:64], batch_size=batch)
t = time.time(); m.encode(sents, batch_size=batch); dt = time.time() - t
print(f"python sentence-transformers {__import__('sentence_transformers').__version__} / torch {torch.__version__}: {len(sents)} sentences, threads {threads}, batch {batch}: {len(sents)/dt:.1f} sentences/s")
PY
py_rate=$(sed -n 's/.*: \([0-9.]*\) sentences\/s/\1/p' "$WORK/python.txt")
python3 -c "print(f'ratio dyad / python: {$rust_rate/$py_rate:.2f}x')"
