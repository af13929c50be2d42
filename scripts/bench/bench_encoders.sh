#!/usr/bin/env bash
# Sentences per second of the bare encoders, dyad (tch) against Python sentence-transformers on
# the same weights and sentences, same threads and batch: all-mpnet-base-v2 (`--model accurate`'s
# base) and all-MiniLM-L6-v2 (`--model fast`'s).
#   bash scripts/bench/bench_encoders.sh     (THREADS=2 BATCH=32 N=500; PROFILE=release for the release build)
# PRECISION=int8 times MPNet alone, quantised on both sides: dyad's `--precision int8` path against
# torch's dynamic int8 quantisation of the same model's linear layers (fbgemm).
# The Python side uses .deps/bench-venv (torch 2.4.0, transformers 4.44.2, sentence-transformers
# 3.0.1; made on first use, a few minutes). Needs `make setup setup-accurate`.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${THREADS:-2}; BATCH=${BATCH:-32}; N=${N:-500}; PROFILE=${PROFILE:-debug}; PRECISION=${PRECISION:-f32}
ENCODERS="mpnet:all-mpnet-base-v2 minilm:all-MiniLM-L6-v2"; [ "$PRECISION" = int8 ] && ENCODERS="mpnet:all-mpnet-base-v2"
if [ "$PROFILE" = release ]; then cargo build --workspace --release --examples -q; else cargo build --workspace --examples -q; fi
WORK=.deps/bench; mkdir -p "$WORK"
python3 scripts/bench/bench_inputs.py "$N" "$WORK/encoders"
VENV=.deps/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch==2.4.0 transformers==4.44.2 sentence-transformers==3.0.1 "numpy<2"
fi
for pair in $ENCODERS; do
  enc=${pair%%:*}; dir=.deps/models/${pair#*:}
  rust=$("target/$PROFILE/examples/encoder_rate" "$WORK/encoders.txt" --encoder "$enc" --threads "$THREADS" --batch "$BATCH" --precision "$PRECISION")
  echo "$rust"
  py=$(HF_HUB_OFFLINE=1 "$VENV/bin/python" - "$WORK/encoders.txt" "$THREADS" "$BATCH" "$dir" "$PRECISION" <<'PY'
import sys, time, torch
from sentence_transformers import SentenceTransformer
path, threads, batch, model_dir, precision = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
torch.set_num_threads(threads)
sents = [l.rstrip("\n") for l in open(path, encoding="utf-8") if l.strip()]
m = SentenceTransformer(model_dir, device="cpu")
if precision == "int8":
    torch.backends.quantized.engine = "fbgemm"
    m = torch.ao.quantization.quantize_dynamic(m, {torch.nn.Linear}, dtype=torch.qint8)
m.encode(sents[:batch], batch_size=batch)
t = time.time(); m.encode(sents, batch_size=batch); dt = time.time() - t
print(f"python sentence-transformers / torch {torch.__version__}, {precision}: {len(sents)} sentences, threads {threads}, batch {batch}: {len(sents)/dt:.1f} sentences/s")
PY
)
  echo "$py"
  r=$(sed -n 's/.*: \([0-9.]*\) sentences\/s.*/\1/p' <<<"$rust"); p=$(sed -n 's/.*: \([0-9.]*\) sentences\/s.*/\1/p' <<<"$py")
  python3 -c "print(f'{\"$enc\"} $PRECISION: dyad / python = {$r/$p:.2f}x')"
done
