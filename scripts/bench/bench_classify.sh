#!/usr/bin/env bash
# Throughput of `dyad classify` (trained directed model) against the same encoder run by Python
# sentence-transformers on the same sentences, same threads, same batch size.
#   bash scripts/bench/bench_classify.sh            (THREADS=2 BATCH=32 N=2000 PRECISION=f32 MODEL=fast by default)
# MODEL=accurate times `dyad classify --model accurate` against Python running all-mpnet-base-v2
# (the accurate model's base weights) on the same sentences. With PRECISION=int8 the Python side
# is timed twice: as shipped (fp32) and with torch's dynamic int8 quantisation of its linear
# layers (torch.ao.quantization.quantize_dynamic, fbgemm), the like-for-like comparison.
# The Python side needs torch 2.4.0 + sentence-transformers in .deps/bench-venv (~5 GB, a few
# minutes the first time; set SKIP_PYTHON=1 to time dyad alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${THREADS:-2}; BATCH=${BATCH:-32}; N=${N:-2000}; PRECISION=${PRECISION:-f32}; MODEL=${MODEL:-fast}
case $MODEL in fast) ENC_DIR=.deps/models/all-MiniLM-L6-v2;; accurate) ENC_DIR=.deps/models/all-mpnet-base-v2;; *) echo "MODEL must be fast or accurate" >&2; exit 2;; esac
BIN=${DYAD:-target/release/dyad}
[ -x "$BIN" ] || BIN=target/debug/dyad
WORK=.deps/bench; mkdir -p "$WORK"
python3 scripts/bench/bench_inputs.py "$N" "$WORK/statements"
head -n 1 "$WORK/statements.jsonl" > "$WORK/one.jsonl"

now() { date +%s.%N; }
# Model load time, measured on one statement and subtracted.
t0=$(now); "$BIN" classify --input "$WORK/one.jsonl" -o /dev/null --threads "$THREADS" --batch-size "$BATCH" --precision "$PRECISION" --model "$MODEL" 2>/dev/null; t1=$(now)
"$BIN" classify --input "$WORK/statements.jsonl" -o "$WORK/out.jsonl" --threads "$THREADS" --batch-size "$BATCH" --precision "$PRECISION" --model "$MODEL" 2>/dev/null; t2=$(now)
rust_rate=$(python3 -c "print(f'{$N/(($t2-$t1)-($t1-$t0)):.1f}')")
echo "dyad classify ($BIN, model $MODEL, $PRECISION): $N statements, threads $THREADS, batch $BATCH: $rust_rate statements/s (model load $(python3 -c "print(f'{$t1-$t0:.2f}')") s excluded)"

if [ "${SKIP_PYTHON:-0}" = "1" ]; then exit 0; fi
VENV=.deps/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch==2.4.0 transformers==4.44.2 sentence-transformers==3.0.1 "numpy<2"
fi
PY_PRECISIONS=f32; [ "$PRECISION" = int8 ] && PY_PRECISIONS="f32 int8"
for py_precision in $PY_PRECISIONS; do
HF_HUB_OFFLINE=1 "$VENV/bin/python" - "$WORK/statements.txt" "$THREADS" "$BATCH" "$ENC_DIR" "$py_precision" <<'PY' | tee "$WORK/python.txt"
import sys, time, torch
from sentence_transformers import SentenceTransformer
path, threads, batch, model_dir, precision = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
torch.set_num_threads(threads)
sents = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
m = SentenceTransformer(model_dir, device="cpu")
if precision == "int8":
    torch.backends.quantized.engine = "fbgemm"
    m = torch.ao.quantization.quantize_dynamic(m, {torch.nn.Linear}, dtype=torch.qint8)
m.encode(sents[:64], batch_size=batch)
t = time.time(); m.encode(sents, batch_size=batch); dt = time.time() - t
print(f"python sentence-transformers {__import__('sentence_transformers').__version__} / torch {torch.__version__}, {model_dir.split('/')[-1]} {precision}: {len(sents)} sentences, threads {threads}, batch {batch}: {len(sents)/dt:.1f} sentences/s")
PY
py_rate=$(sed -n 's/.*: \([0-9.]*\) sentences\/s/\1/p' "$WORK/python.txt")
python3 -c "print(f'ratio dyad ($MODEL, $PRECISION) / python ($py_precision): {$rust_rate/$py_rate:.2f}x')"
done
