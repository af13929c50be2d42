"""python -m dyad_ray score --address ADDR INPUT... -o DATASET/ --shards N [options]"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

from .score import score_on_ray


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dyad_ray", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score", help="score an archive as N shards on a Ray cluster, then optionally aggregate")
    s.add_argument("inputs", nargs="+", help="archive files or directories (paths every node can read)")
    s.add_argument("-o", "--output", required=True, help="dataset directory (shared by every node)")
    s.add_argument("--shards", type=int, required=True, help="number of shards (tasks)")
    s.add_argument("--address", default=None, help="Ray cluster address, e.g. 10.0.0.1:6379 (default: a local Ray)")
    s.add_argument("--dyad", default=shutil.which("dyad") or "dyad", help="dyad binary on the nodes (default: dyad on PATH)")
    s.add_argument("--cpus-per-task", type=float, default=1)
    s.add_argument("--gpus-per-task", type=float, default=0, help="1 to give each shard a GPU (add --device cuda to the dyad options)")
    s.add_argument("--max-retries", type=int, default=3, help="retries of a task whose worker or node died")
    s.add_argument("--series", metavar="OUT", help="then run `dyad series DATASET --every EVERY -o OUT` here")
    s.add_argument("--every", default="1mo")
    p.epilog = "After --, more `dyad score` options for every shard (--threads 1, --device cuda, --part-articles N)."
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = p.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    out = a.output.rstrip("/")
    r = score_on_ray(a.inputs, out, a.shards, address=a.address, dyad=a.dyad, cpus_per_task=a.cpus_per_task,
                     gpus_per_task=a.gpus_per_task, max_retries=a.max_retries, extra=extra)
    retried = [x.shard for x in r.shards if x.attempt > 1]
    print(f"{len(r.shards)} shards in {r.seconds:.1f} s into {out}/" + (f"; retried: {', '.join(retried)}" if retried else ""))
    if a.series:
        subprocess.run([a.dyad, "series", out, "--every", a.every, "-o", a.series], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
