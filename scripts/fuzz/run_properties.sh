#!/usr/bin/env bash
# Bounded fuzzing of ingest (JSONL, CSV, TXT, gzip), normalisation, segmentation and actor
# finding: the property tests of crates/dyad-core/tests/properties.rs with many more cases
# than `make test` runs (256), stopped after SECONDS_LIMIT. A failure prints proptest's
# minimal failing input and leaves it in crates/dyad-core/proptest-regressions/ (commit it: it
# is replayed first on every later run).
#   bash scripts/fuzz/run_properties.sh            CASES=20000 SECONDS_LIMIT=1200 by default
# cargo-fuzz (libFuzzer) needs a nightly toolchain, which this project's machines do not have;
# proptest's generators are shaped to news text instead (see `newsy()`).
set -euo pipefail
cd "$(dirname "$0")/../.."
CASES=${CASES:-20000}
SECONDS_LIMIT=${SECONDS_LIMIT:-1200}
cargo test --workspace --test properties --no-run >/dev/null 2>&1
start=$(date +%s)
DYAD_PROPTEST_CASES=$CASES timeout "$SECONDS_LIMIT" cargo test --workspace --test properties -- --test-threads 2 2>&1 \
  | grep -E "^test |test result|minimal failing|panicked" || true
echo "fuzz: $CASES cases per property, $(( $(date +%s) - start )) s (limit ${SECONDS_LIMIT} s), $(git rev-parse --short HEAD)"
