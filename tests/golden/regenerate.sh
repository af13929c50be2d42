#!/usr/bin/env bash
# Regenerates the golden outputs that tests/golden.rs compares the binary against.
# Run it only when a change of behaviour is intended, and say why in the commit.
#   bash tests/golden/regenerate.sh [path/to/dyad]
set -euo pipefail
cd "$(dirname "$0")/../.."
DYAD=${1:-./target/debug/dyad}
G=tests/golden
"$DYAD" score data/sample/huffpost_sample.jsonl -o $G/sample_scored.csv
# The aggregation goldens read the committed scored CSV, so they do not depend on the model.
"$DYAD" series $G/sample_scored.csv --every 1y -o $G/series_directed.csv
"$DYAD" series $G/sample_scored.csv --every 1y --undirected -o $G/series_undirected.csv
"$DYAD" series $G/sample_scored.csv --every 1q --primary-only --exclude-neutral --smooth 2 --spikes -o $G/series_primary_spikes.csv
"$DYAD" series $G/sample_scored.csv --every 1y --per-article --confidence-weighted --no-dedup -o $G/series_per_article.csv
"$DYAD" compare $G/sample_scored.csv USA-RUS USA-CHN USA-IRN --undirected --every 1y -o $G/compare_wide.csv > $G/compare.txt
"$DYAD" top $G/sample_scored.csv --from 2012-01-01..2016-12-31 --to 2017-01-01..2022-12-31 --min-statements 2 -o $G/top.csv
