#!/usr/bin/env bash
# Regenerates the golden outputs that tests/golden.rs compares the binary against.
# Run it only when a change of behaviour is intended, and say why in the commit.
#   bash tests/golden/regenerate.sh [path/to/dyad]
set -euo pipefail
cd "$(dirname "$0")/../.."
DYAD=${1:-./target/debug/dyad}
G=tests/golden
"$DYAD" score data/sample/huffpost_sample.jsonl -o $G/sample_scored.csv
# The aggregation goldens read committed scored CSVs, so they do not depend on the model.
# sample_scored_v11.csv is the sample as scored before model v3 (kept, not regenerated).
V11=$G/sample_scored_v11.csv
"$DYAD" series $V11 --every 1y --all-rows -o $G/series_directed.csv
"$DYAD" series $V11 --every 1y --undirected --all-rows -o $G/series_undirected.csv
"$DYAD" series $V11 --every 1q --exclude-neutral --smooth 2 --spikes -o $G/series_primary_spikes.csv
"$DYAD" series $V11 --every 1y --per-article --confidence-weighted --no-dedup --all-rows -o $G/series_per_article.csv
"$DYAD" series $G/sample_scored.csv --every 1y --undirected --quad material_conflict --quad verbal_conflict -o $G/series_quad_conflict.csv
"$DYAD" compare $V11 USA-RUS USA-CHN USA-IRN --undirected --every 1y --all-rows -o $G/compare_wide.csv > $G/compare.txt
"$DYAD" top $V11 --from 2012-01-01..2016-12-31 --to 2017-01-01..2022-12-31 --min-statements 2 --all-rows -o $G/top.csv
