#!/usr/bin/env bash
# A pinned Python venv: `bash scripts/setup/setup_venv.sh VENV REQUIREMENTS LABEL`. Installs
# REQUIREMENTS into VENV the first time, and again from scratch whenever that file or the Python
# changes (a hash of both is kept in the venv). Idempotent. Used for the notebooks and for Ray.
set -euo pipefail
VENV=$1 REQ=$2 LABEL=${3:-venv}
PY=${PYTHON:-python3}
STAMP=$VENV/.requirements.sha256
want=$({ sha256sum "$REQ" | cut -d' ' -f1; "$PY" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "$LABEL: installing $REQ into $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ"
  echo "$want" >"$STAMP"
fi
