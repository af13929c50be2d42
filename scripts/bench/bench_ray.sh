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
# First with a Ray started by the job itself (ray.init), then against a head already running
# (as on a cluster, where the job does not pay the cluster's start).
for mode in own head; do
  addr=()
  if [ "$mode" = head ]; then
    port=$(.deps/ray-venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    .deps/ray-venv/bin/ray start --head --node-ip-address 127.0.0.1 --port "$port" --num-cpus "$(nproc)" --include-dashboard=false \
      --disable-usage-stats --object-store-memory 100000000 >/dev/null
    trap '.deps/ray-venv/bin/ray stop --force >/dev/null 2>&1; rm -rf "$OUT"' EXIT
    addr=(--address "127.0.0.1:$port")
  fi
  for n in 1 "$SHARDS"; do
    threads=$(( $(nproc) / n )); [ "$threads" -ge 1 ] || threads=1
    r=$(t .deps/ray-venv/bin/python -m dyad_ray score "$INPUT" -o "$OUT/ray-$mode-$n/" --shards "$n" "${addr[@]}" --dyad "$BIN" --cpus-per-task "$threads" -- --threads "$threads")
    echo "dyad_ray --shards $n (--threads $threads each), $([ "$mode" = head ] && echo "running head" || echo "Ray started by the job"): ${r} s, overhead $(echo "scale=1; 100 * ($r - $plain) / $plain" | bc) %"
  done
done
