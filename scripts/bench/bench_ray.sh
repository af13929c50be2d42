#!/usr/bin/env bash
# The Ray path's overhead on one machine: plain `dyad score INPUT -o DIR/` against
# `python -m dyad_ray score INPUT -o DIR/ --shards N` on a local Ray (started and stopped by the
# run), same binary, same input (default the demo archive).
#   bash scripts/bench/bench_ray.sh                INPUT=... SHARDS=2
set -euo pipefail
cd "$(dirname "$0")/../.."
INPUT=${INPUT:-data/sample/demo_archive.jsonl.gz}
SHARDS=${SHARDS:-2}
PROFILE=${PROFILE:-debug}
BIN=$(pwd)/target/$PROFILE/dyad
bash scripts/setup/setup_ray.sh
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
t() { local s=$(date +%s.%N); "$@" >/dev/null 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }; echo "$(date +%s.%N) - $s" | bc; }
plain=$(t "$BIN" score "$INPUT" -o "$OUT/plain/" --quiet)
echo "plain dyad score: ${plain} s"
export PYTHONPATH=distributed RAY_USAGE_STATS_ENABLED=0
for n in 1 "$SHARDS"; do
  threads=$(( $(nproc) / n )); [ "$threads" -ge 1 ] || threads=1
  r=$(t .deps/ray-venv/bin/python -m dyad_ray score "$INPUT" -o "$OUT/ray$n/" --shards "$n" --dyad "$BIN" --cpus-per-task "$threads" -- --threads "$threads")
  echo "dyad_ray --shards $n (--threads $threads each): ${r} s, overhead $(echo "scale=1; 100 * ($r - $plain) / $plain" | bc) %"
done
