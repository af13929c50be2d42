#!/usr/bin/env bash
# Prepares .sweep/ (git-ignored through .git/info/exclude, never committed) for the GPU sweep of
# scripts/stance_sweep.py, and prints the command to run on the device machine:
#   .sweep/model/  all-MiniLM-L6-v2 as fp16 safetensors (+ config.json, vocab.txt, tokenizer files), ~45 MB
#   .sweep/data/   copies of the three stance TSVs and the reference article
# Run locally:  bash scripts/device_sweep.sh
# Env: ENCODER (default .deps/models/all-MiniLM-L6-v2), DATA (default ../shared/data/stance),
#      ARTICLE (default ../shared/data/archives/iran_azerbaijan_2025-02-04.txt), PYTHON (needs torch),
#      BUDGET (default 420 s), WORKERS (configs trained at once on the GPU, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
ENCODER=${ENCODER:-.deps/models/all-MiniLM-L6-v2}
DATA=${DATA:-../shared/data/stance}
ARTICLE=${ARTICLE:-../shared/data/archives/iran_azerbaijan_2025-02-04.txt}
BUDGET=${BUDGET:-420}
if [ -z "${PYTHON:-}" ]; then
  if [ -x .deps/bench-venv/bin/python ]; then PYTHON=.deps/bench-venv/bin/python; else PYTHON=python3; fi
fi

# Keep .sweep/ out of git without touching .gitignore.
EXCLUDE=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$EXCLUDE")"
grep -qxF '/.sweep/' "$EXCLUDE" 2>/dev/null || echo '/.sweep/' >> "$EXCLUDE"

mkdir -p .sweep/model .sweep/data
if [ ! -f .sweep/model/model.safetensors ] || [ "$ENCODER/model.safetensors" -nt .sweep/model/model.safetensors ]; then
  "$PYTHON" scripts/stance_sweep.py --convert-model "$ENCODER" --to .sweep/model
fi
# The TSVs go gzipped (stance_sweep.py reads NAME.tsv.gz when NAME.tsv is absent): the whole
# travelling tree must stay under 64 MiB.
rm -f .sweep/data/*
for f in plv_train.tsv directed_sentiment_train.tsv directed_sentiment_valid.tsv; do
  gzip -9 -c "$DATA/$f" > ".sweep/data/$f.gz"
done
cp "$ARTICLE" .sweep/data/

if git status --porcelain --untracked-files=all | grep -q '\.sweep/'; then
  echo "error: .sweep/ shows up in git status; it must stay ignored" >&2
  exit 1
fi
du -sh .sweep/model .sweep/data
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | awk '$2 == "total" {s += $1} END {print s + 0}')
sweep=$(du -sb .sweep | cut -f1)
echo "travelling: working tree $((tree / 1000000)) MB + .sweep $((sweep / 1000000)) MB = $(((tree + sweep) / 1000000)) MB (limit 64 MiB = 67.1 MB)"

cat <<EOF

Device run (carry [".sweep"], timeout_s ≥ $((BUDGET + 60))):
python3 scripts/stance_sweep.py --model-dir .sweep/model --data-dir .sweep/data --plv-dev-split data/splits/plv_dev.txt --article .sweep/data/$(basename "$ARTICLE") --configs scripts/stance_sweep_configs.json --out \$OUT/results.jsonl --budget-s $BUDGET --device cuda --workers ${WORKERS:-3} 2>&1 | tee \$OUT/sweep.log
EOF
