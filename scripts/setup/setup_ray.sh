#!/usr/bin/env bash
# Ray (and polars for the tests) into .deps/ray-venv, from distributed/requirements.txt; again
# from scratch whenever that file or the Python changes (a hash is kept in the venv). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
VENV=.deps/ray-venv
REQ=distributed/requirements.txt
STAMP=$VENV/.requirements.sha256
want=$({ sha256sum "$REQ" | cut -d' ' -f1; "$PY" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "ray: installing $REQ into $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ"
  echo "$want" >"$STAMP"
fi
