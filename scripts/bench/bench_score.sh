#!/usr/bin/env bash
# Throughput of `dyad score` on the Guardian archive (249 full articles).
#   bash scripts/bench/bench_score.sh     (THREADS=2 BATCH=32 PRECISION=f32; PRECISION=int8 for the quantised path;
#                                          MODEL=accurate for all-mpnet-base-v2 under the pair heads)
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${THREADS:-2}; BATCH=${BATCH:-32}; PRECISION=${PRECISION:-f32}; MODEL=${MODEL:-fast}
BIN=${DYAD:-target/release/dyad}
[ -x "$BIN" ] || BIN=target/debug/dyad
mkdir -p out
rm -f out/bench_guardian.parquet.partial.jsonl
echo "binary: $BIN, threads $THREADS, batch $BATCH, precision $PRECISION, model $MODEL"
"$BIN" score ../shared/data/archives/guardian_syria_2017_2019.jsonl -o out/bench_guardian.parquet \
  --threads "$THREADS" --batch-size "$BATCH" --precision "$PRECISION" --model "$MODEL" --quiet
