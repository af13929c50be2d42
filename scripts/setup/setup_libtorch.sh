#!/usr/bin/env bash
# Fetch libtorch 2.4.0 (what tch 0.17 wants) from PyPI wheels into .deps/libtorch.
# Default: a CPU-only folder (~530 MB, ~15 s). CUDA=1: the full torch wheel with its CUDA wheels.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEST=.deps/libtorch
if [ -f "$DEST/lib/libtorch_cpu.so" ] && [ -d "$DEST/include/torch" ]; then
  echo "libtorch: already in $DEST"; exit 0
fi
PY=${PYTHON:-python3}
TMP=$(mktemp -d .deps/tmp.XXXXXX 2>/dev/null || (mkdir -p .deps && mktemp -d .deps/tmp.XXXXXX))
trap 'rm -rf "$TMP"' EXIT
if [ "${CUDA:-0}" = "1" ]; then
  echo "libtorch: downloading the full torch==2.4.0 wheel with CUDA dependencies (~5 GB)"
  "$PY" -m pip download -q --dest "$TMP" torch==2.4.0
  (cd "$TMP" && for w in *.whl; do "$PY" -m zipfile -e "$w" unpacked/; done)
  rm -rf "$DEST"; mkdir -p "$DEST/lib"
  cp -r "$TMP/unpacked/torch/include" "$DEST/include"
  cp -a "$TMP"/unpacked/torch/lib/* "$DEST/lib/"
  find "$TMP/unpacked/nvidia" -name '*.so*' -exec cp -a {} "$DEST/lib/" \;
else
  echo "libtorch: downloading CPU libtorch 2.4.0 from PyPI wheels (~15 s)"
  "$PY" -m pip download -q --no-deps --dest "$TMP" torch==2.4.0 \
      nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105
  mkdir -p "$TMP/u"
  for w in "$TMP"/*.whl; do
    "$PY" - "$w" "$TMP/u" <<'PYEOF'
import sys, zipfile, re
whl, out = sys.argv[1], sys.argv[2]
keep = re.compile(r'^(torch/include/.*|torch/lib/(libtorch_cpu\.so|libc10\.so|libtorch\.so|libgomp-[^/]*\.so\.1)|nvidia/.*/lib/(libcudart\.so\.12|libcupti\.so\.12))$')
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if keep.match(n):
            z.extract(n, out)
PYEOF
  done
  rm -rf "$DEST"; mkdir -p "$DEST/lib"
  mv "$TMP/u/torch/include" "$DEST/include"
  mv "$TMP"/u/torch/lib/* "$DEST/lib/"
  find "$TMP/u/nvidia" -name '*.so*' -exec mv {} "$DEST/lib/" \;
fi
echo "libtorch: ready in $DEST ($(du -sh "$DEST" | cut -f1))"
