#!/usr/bin/env bash
# Execute every notebooks/*.ipynb against the demo's exports; fail on any cell error.
#
# Python packages come from notebooks/requirements.txt, installed into .deps/nb-venv the first
# time (and again, from scratch, whenever that file or the Python changes: a hash is kept in the
# venv). The notebooks run in a kernel of that venv ("dyad-nb", installed into the venv only) and
# read the exports from $DYAD_OUT (default out/). Executed copies, with outputs and the figures,
# go to $DYAD_OUT/notebooks/; notebooks/ itself is not touched.
#
#   PYTHON=python3 DYAD_OUT=out NB_CELL_TIMEOUT=300 bash scripts/setup/run_notebooks.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=.deps/nb-venv
REQ=notebooks/requirements.txt
KERNEL=dyad-nb
export DYAD_OUT
DYAD_OUT=$(mkdir -p "${DYAD_OUT:-out}" && cd "${DYAD_OUT:-out}" && pwd)

bash scripts/setup/setup_venv.sh "$VENV" "$REQ" notebooks
venv_python=$(cd "$VENV/bin" && pwd)/python
spec=$VENV/share/jupyter/kernels/$KERNEL/kernel.json
if ! grep -qF "\"$venv_python\"" "$spec" 2>/dev/null; then
  "$VENV/bin/python" -m ipykernel install --prefix "$VENV" --name "$KERNEL" --display-name "dyad (nb-venv)" >/dev/null
fi
# Kernel specs in the venv first, ahead of any user-wide "dyad-nb".
export JUPYTER_PATH="$(cd "$VENV/share/jupyter" && pwd)${JUPYTER_PATH:+:$JUPYTER_PATH}"
export PYDEVD_DISABLE_FILE_VALIDATION=1 MPLBACKEND=Agg

"$VENV/bin/python" - "$KERNEL" "${NB_CELL_TIMEOUT:-300}" "$venv_python" notebooks/*.ipynb <<'PYEOF'
import os, sys, time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

kernel, timeout, python, notebooks = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
argv0 = KernelSpecManager().get_kernel_spec(kernel).argv[0]
if os.path.realpath(argv0) != os.path.realpath(python):
    sys.exit(f"notebooks: kernel {kernel} runs {argv0}, not {python}")
dest = Path(os.environ["DYAD_OUT"]) / "notebooks"
dest.mkdir(parents=True, exist_ok=True)
passed = failed = 0
for name in notebooks:
    path = Path(name)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel,
                            resources={"metadata": {"path": str(path.parent)}},
                            extra_arguments=["--log-level=ERROR"])
    start = time.monotonic()
    error = None
    try:
        client.execute()
    except CellTimeoutError as e:
        error = f"a cell ran past {timeout} s (NB_CELL_TIMEOUT)"
    except CellExecutionError as e:
        error = f"{e.ename}: {e.evalue}"
    except Exception as e:  # a dead kernel, a kernel that would not start
        error = f"{type(e).__name__}: {e}"
    out = dest / path.name
    nbformat.write(nb, out)
    if error is None:
        passed += 1
        print(f"notebooks: {path} ok, {len(nb.cells)} cells in {time.monotonic() - start:.1f} s -> {out}", flush=True)
        continue
    failed += 1
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    bad = next((i for i, c in enumerate(code_cells, 1)
                if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    where = f"code cell {bad} of {len(code_cells)}" if bad else "a cell"
    if bad:
        first = code_cells[bad - 1].source.strip().splitlines()[0]
        where += f" (starting {first!r})"
    print(f"notebooks: FAILED {path}, {where}:\n  {error}\n"
          f"  the executed copy with the traceback is in {out}", file=sys.stderr, flush=True)
print(f"notebooks: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PYEOF
