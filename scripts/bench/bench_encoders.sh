#!/usr/bin/env bash
# Sentences per second of the bare encoders, dyad (tch) against Python sentence-transformers on
# the same weights and sentences, same threads and batch: all-mpnet-base-v2 (`--model accurate`'s
# base) and all-MiniLM-L6-v2 (`--model fast`'s).
#   bash scripts/bench/bench_encoders.sh     (THREADS=2 BATCH=32 N=500; PROFILE=release for the release build)
# The Python side uses .deps/bench-venv (torch 2.4.0, transformers 4.44.2, sentence-transformers
# 3.0.1; made on first use, a few minutes). Needs `make setup setup-accurate`.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${THREADS:-2}; BATCH=${BATCH:-32}; N=${N:-500}; PROFILE=${PROFILE:-debug}
if [ "$PROFILE" = release ]; then cargo build --workspace --release --examples -q; else cargo build --workspace --examples -q; fi
WORK=.deps/bench; mkdir -p "$WORK"
python3 scripts/bench/bench_inputs.py "$N" "$WORK/encoders"
VENV=.deps/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch==2.4.0 transformers==4.44.2 sentence-transformers==3.0.1 "numpy<2"
fi
for pair in mpnet:all-mpnet-base-v2 minilm:all-MiniLM-L6-v2; do
  enc=${pair%%:*}; dir=.deps/models/${pair#*:}
  rust=$("target/$PROFILE/examples/encoder_rate" "$WORK/encoders.txt" --encoder "$enc" --threads "$THREADS" --batch "$BATCH")
  echo "$rust"
  py=$(HF_HUB_OFFLINE=1 "$VENV/bin/python" - "$WORK/encoders.txt" "$THREADS" "$BATCH" "$dir" <<'PY'
import sys, time, torch
from sentence_transformers import SentenceTransformer
path, threads, batch, model_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
torch.set_num_threads(threads)
sents = [l.rstrip("\n") for l in open(path, encoding="utf-8") if l.strip()]
m = SentenceTransformer(model_dir, device="cpu")
m.encode(sents[:batch], batch_size=batch)
t = time.time(); m.encode(sents, batch_size=batch); dt = time.time() - t
print(f"python sentence-transformers / torch {torch.__version__}: {len(sents)} sentences, threads {threads}, batch {batch}: {len(sents)/dt:.1f} sentences/s")
PY
)
  echo "$py"
  r=$(sed -n 's/.*: \([0-9.]*\) sentences\/s.*/\1/p' <<<"$rust"); p=$(sed -n 's/.*: \([0-9.]*\) sentences\/s.*/\1/p' <<<"$py")
  python3 -c "print(f'{\"$enc\"}: dyad / python = {$r/$p:.2f}x')"
done
