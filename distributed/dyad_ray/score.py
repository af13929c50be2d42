"""Shards as Ray tasks. See the package docstring and the README's "Beyond one machine"."""
from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import ray

ATTEMPTS_DIR = "_dyad_ray"  # inside the dataset: one JSON record per task attempt


@dataclass
class ShardResult:
    shard: str
    host: str
    attempt: int
    returncode: int
    seconds: float
    summary: str


@dataclass
class RunResult:
    dataset: str
    shards: list[ShardResult] = field(default_factory=list)
    seconds: float = 0.0


def plan_shards(n: int) -> list[str]:
    """The `--shard` values of an N-way split: 0/N ... N-1/N."""
    if n < 1:
        raise ValueError("--shards needs at least 1")
    return [f"{i}/{n}" for i in range(n)]


def _die_with_parent() -> None:
    # The dyad process must not outlive its Ray worker: a worker killed mid-shard is retried,
    # and an orphan still writing the same parts would race the retry.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _attempt_path(dataset: Path, shard: str) -> Path:
    tag = shard.replace("/", "of")
    d = dataset / ATTEMPTS_DIR
    d.mkdir(parents=True, exist_ok=True)
    k = 1
    while (d / f"shard-{tag}.attempt-{k}.json").exists():
        k += 1
    return d / f"shard-{tag}.attempt-{k}.json"


def _write_json(path: Path, record: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1))
    os.replace(tmp, path)


def run_shard(dyad: str, inputs: list[str], dataset: str, shard: str, extra: list[str]) -> ShardResult:
    """One shard on this node: `dyad score INPUT... -o DATASET/ --shard I/N --resume`."""
    ds = Path(dataset)
    record_path = _attempt_path(ds, shard)
    attempt = int(record_path.stem.rsplit("-", 1)[1])
    record = {"shard": shard, "attempt": attempt, "host": socket.gethostname(), "pid": os.getpid(), "started": time.time()}
    _write_json(record_path, record)
    cmd = [dyad, "score", *inputs, "-o", str(ds) + "/", "--shard", shard, "--resume", "--quiet", *extra]
    t0 = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=_die_with_parent)
    summary = next((line for line in proc.stderr.splitlines() if "articles read" in line), "")
    record.update(returncode=proc.returncode, seconds=round(time.time() - t0, 3), summary=summary, finished=time.time())
    _write_json(record_path, record)
    # 3: written, some records skipped (reported on stderr); anything else but 0 is a failure
    # that would fail again the same way, so it is raised, not retried.
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"dyad score --shard {shard} failed ({proc.returncode}) on {record['host']}:\n{proc.stderr[-4000:]}")
    return ShardResult(shard, record["host"], attempt, proc.returncode, record["seconds"], summary)


def score_on_ray(
    inputs: list[str],
    dataset: str,
    shards: int,
    *,
    address: str | None = None,
    dyad: str = "dyad",
    cpus_per_task: float = 1,
    gpus_per_task: float = 0,
    max_retries: int = 3,
    extra: list[str] | None = None,
    progress=print,
) -> RunResult:
    """Scores INPUTS into DATASET/ as SHARDS Ray tasks. Paths must be the same on every node
    (a shared filesystem); the dyad binary is `dyad` on each node's PATH or an absolute path
    that exists on every node."""
    started = time.time()
    if not ray.is_initialized():
        ray.init(address=address, log_to_driver=False, include_dashboard=False) if address else ray.init(log_to_driver=False)
    Path(dataset).mkdir(parents=True, exist_ok=True)
    task = ray.remote(num_cpus=cpus_per_task, num_gpus=gpus_per_task, max_retries=max_retries, retry_exceptions=False)(run_shard)
    pending = {task.remote(dyad, list(inputs), dataset, s, list(extra or [])): s for s in plan_shards(shards)}
    result = RunResult(dataset=dataset)
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        shard = pending.pop(done[0])
        r = ray.get(done[0])
        result.shards.append(r)
        progress(f"shard {shard} done on {r.host} (attempt {r.attempt}, {r.seconds:.1f} s): {r.summary}")
    result.seconds = time.time() - started
    return result
