#!/usr/bin/env bash
# Where `dyad score`'s time goes: a sampling profile (Linux perf, 299 Hz, both threads) of the
# release build scoring the Guardian archive, summed by library (libtorch = the encoder and the
# heads; the dyad binary = reading, normalising, segmenting, finding actors, tokenizing,
# writing) and by function.
#   bash scripts/bench/profile_score.sh     (PRECISION=int8, THREADS=2, MODEL=fast as in bench_score.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v perf >/dev/null || { echo "needs Linux perf (apt install linux-perf)" >&2; exit 1; }
THREADS=${THREADS:-2}; PRECISION=${PRECISION:-f32}; MODEL=${MODEL:-fast}
BIN=target/release/dyad
[ -x "$BIN" ] || { echo "build it first: make release" >&2; exit 1; }
mkdir -p target/bench out
rm -f out/profile_guardian.parquet.partial.jsonl
perf record -F 299 -o target/bench/score.perf -- "$BIN" score ../shared/data/archives/guardian_syria_2017_2019.jsonl \
  -o out/profile_guardian.parquet --threads "$THREADS" --precision "$PRECISION" --model "$MODEL" --quiet 2>&1 | grep -v '^\[ perf'
echo "== by library (share of samples)"
perf report -i target/bench/score.perf --stdio --sort dso 2>/dev/null | grep -E '^ +[0-9]' | sed 's/ *$//' | head -12
echo "== top functions"
perf report -i target/bench/score.perf --stdio --sort dso,symbol 2>/dev/null | grep -E '^ +[0-9]' | cut -c1-150 | sed 's/ *$//' | head -25
