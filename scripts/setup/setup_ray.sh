#!/usr/bin/env bash
# Ray (and polars for the tests) into .deps/ray-venv, pinned by distributed/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup/setup_venv.sh .deps/ray-venv distributed/requirements.txt ray
