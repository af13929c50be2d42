#!/usr/bin/env bash
# The report at archive scale: `dyad report` on ROWS synthetic scored statements (default
# 100,000; crates/dyad-core/examples/gen_scored.rs), the page's size, and in headless Chromium
# its load time and the drill-down check of tests/browser/report.test.mjs.
#   bash scripts/bench/bench_report.sh          ROWS=1000000 EVERY=1w for a harder case
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-100000}
EVERY=${EVERY:-1mo}
PROFILE=${PROFILE:-debug}
if [ "$PROFILE" = release ]; then cargo build --release --bins && cargo build --release --workspace --examples; else cargo build --bins && cargo build --workspace --examples; fi
bash scripts/setup/setup_browser.sh >/dev/null
BIN=target/$PROFILE/dyad
mkdir -p target/bench
DATA=target/bench/scored_${ROWS}.parquet
[ -f "$DATA" ] || "target/$PROFILE/examples/gen_scored" "$ROWS" "$DATA"
PAGE=target/bench/report_${ROWS}.html
/usr/bin/time -f "%e %M" -o target/bench/time.txt "$BIN" report "$DATA" -o "$PAGE" --every "$EVERY" --undirected 2>target/bench/stderr.txt \
  || { cat target/bench/stderr.txt; exit 1; }
read -r secs kb < target/bench/time.txt
echo "archive: $DATA, $ROWS rows, binary $BIN, --every $EVERY --undirected"
echo "dyad report: ${secs} s, $((kb / 1024)) MB peak; $(tail -1 target/bench/stderr.txt)"
echo "page: $(du -k "$PAGE" | cut -f1) KB"
"$BIN" series "$DATA" --every "$EVERY" --undirected -o target/bench/report_series.csv 2>/dev/null
node tests/browser/report.test.mjs "$PAGE" target/bench/report_series.csv target/bench/report_${ROWS}.png
