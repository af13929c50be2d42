#!/usr/bin/env bash
# Scale bench for aggregation: `dyad series` and `dyad compare` on a synthetic archive of
# ROWS scored statements (default 10 million; generated once by crates/dyad-core/examples/gen_scored.rs into
# target/bench/), timed with peak memory (GNU time's maximum resident set size). Release build
# by default (PROFILE=debug for the debug one).
# The archive carries the dedup key columns as `dyad score` writes them; a copy without them (as
# files scored before the keys) shows dedup from the text, and both must count the same
# republished statements.
# Growth: first the headline command (`series --every 1mo`, all dyads, dedup) at each size of
# SCALES (default 1 M, 10 M and 100 M rows; the 100 M archive takes 9.3 GB of disk and its
# pieces about as much again while it runs), then every command at ROWS.
#   bash scripts/bench/bench_series.sh            ROWS=1000000 SCALES=1000000 for a quicker look
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-10000000}
SCALES=${SCALES:-1000000 10000000 100000000}
PROFILE=${PROFILE:-release}
# --workspace: the features `make test` resolves, so nothing is rebuilt after it (the root
# package alone resolves other features and recompiles polars).
if [ "$PROFILE" = release ]; then cargo build --release --workspace --bins --examples; else cargo build --workspace --bins --examples; fi
BIN=target/$PROFILE/dyad
mkdir -p target/bench
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o target/bench/time.txt "$@" >/dev/null 2>target/bench/stderr.txt \
    || { cat target/bench/stderr.txt; exit 1; }
  read -r secs kb < target/bench/time.txt
  printf '%-44s %7.1f s  %6.0f MB peak\n' "$name" "$secs" "$((kb / 1024))"
}
echo "growth: series --every 1mo (all dyads, dedup), binary $BIN, $(nproc) cores"
for n in $SCALES; do
  data=target/bench/scored_${n}.parquet
  [ -f "$data" ] || "target/$PROFILE/examples/gen_scored" "$n" "$data"
  run "  $n rows ($(du -h "$data" | cut -f1))" "$BIN" series "$data" --every 1mo -o target/bench/series_$n.parquet
  grep -h 'pieces' target/bench/stderr.txt | sed 's/^/    /' || true
done
DATA=target/bench/scored_${ROWS}.parquet
[ -f "$DATA" ] || "target/$PROFILE/examples/gen_scored" "$ROWS" "$DATA"
OLD=target/bench/scored_${ROWS}_without_keys.parquet
[ -f "$OLD" ] || GEN_WITHOUT_DEDUP_KEYS=1 "target/$PROFILE/examples/gen_scored" "$ROWS" "$OLD"
echo "archive: $DATA ($(du -h "$DATA" | cut -f1)), binary $BIN, $(nproc) cores"
run "series --every 1mo (all dyads, dedup)" "$BIN" series "$DATA" --every 1mo -o target/bench/series.parquet
keyed=$(grep -o '^[0-9]* republished' target/bench/stderr.txt)
run "  same, file without dedup keys (from text)" "$BIN" series "$OLD" --every 1mo -o target/bench/series_old.parquet
from_text=$(grep -o '^[0-9]* republished' target/bench/stderr.txt)
echo "  republished statements counted once: $keyed (keys), $from_text (text)"
[ "$keyed" = "$from_text" ] || { echo "dedup from keys and from text disagree" >&2; exit 1; }
run "series --every 1mo --no-dedup" "$BIN" series "$DATA" --every 1mo --no-dedup -o target/bench/series.parquet
run "series --every 1mo --undirected" "$BIN" series "$DATA" --every 1mo --undirected -o target/bench/series.parquet
run "series USA-CHN --every 1w --spikes" "$BIN" series "$DATA" --pair USA-CHN --every 1w --spikes -o target/bench/series_one.csv
run "compare 4 pairs --every 1mo (dedup)" "$BIN" compare "$DATA" USA-CHN USA-RUS RUS-UKR IRN-ISR --every 1mo -o target/bench/compare.csv
run "compare 4 pairs --every 1mo --no-dedup" "$BIN" compare "$DATA" USA-CHN USA-RUS RUS-UKR IRN-ISR --every 1mo --no-dedup -o target/bench/compare.csv
run "top --from 2015..2019 --to 2020..2024 (dedup)" "$BIN" top "$DATA" --from 2015-01-01..2019-12-31 --to 2020-01-01..2024-12-31 -o target/bench/top.csv
