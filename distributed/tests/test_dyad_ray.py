"""dyad_ray on a real local Ray head (127.0.0.1): shards as tasks, gathered rows, a killed worker.

Run by `make test-ray` (Ray and polars in .deps/ray-venv): a head is started with
`ray start --head --num-cpus 2` and stopped at the end. DYAD is the dyad binary (default
target/debug/dyad); the archive is the tests' small sample (133 items).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import polars as pl
import ray

from dyad_ray import score_on_ray

ROOT = Path(__file__).resolve().parents[2]
DYAD = str(Path(os.environ.get("DYAD", ROOT / "target/debug/dyad")).resolve())
SAMPLE = str(ROOT / "data/sample/huffpost_sample.jsonl")
RAY = str(Path(sys.executable).parent / "ray")
KEY = ["article_id", "sentence_id", "source", "target"]
PROBABILITIES = ["stance", "p_cooperative", "p_neutral", "p_hostile", "p_primary", "p_quad"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_dataset(path: Path) -> pl.DataFrame:
    parts = sorted(path.glob("*.parquet"))
    assert parts, f"no part files in {path}"
    return pl.concat([pl.read_parquet(p) for p in parts])


class RayScoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="dyad-ray-"))
        port = free_port()
        cls.address = f"127.0.0.1:{port}"
        subprocess.run([RAY, "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port), "--num-cpus", "2",
                        "--include-dashboard=false", "--disable-usage-stats", "--object-store-memory", "100000000",
                        "--temp-dir", str(cls.tmp / "ray")], check=True, capture_output=True)
        ray.init(address=cls.address, log_to_driver=False)
        # The single-process reference: plain `dyad score` of the same input.
        whole = cls.tmp / "whole.parquet"
        subprocess.run([DYAD, "score", SAMPLE, "-o", str(whole), "--quiet"], check=True, capture_output=True)
        cls.whole = pl.read_parquet(whole)

    @classmethod
    def tearDownClass(cls):
        ray.shutdown()
        subprocess.run([RAY, "stop", "--force"], capture_output=True)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def assert_same_rows(self, got: pl.DataFrame):
        self.assertEqual(got.select(KEY).is_duplicated().sum(), 0, "a row written twice")
        self.assertEqual(got.height, self.whole.height, "rows missing or extra")
        self.assertEqual(sorted(got.columns), sorted(self.whole.columns))
        joined = self.whole.join(got, on=KEY, how="full", suffix="_got", coalesce=True)
        self.assertEqual(joined.filter(pl.col("model_got").is_null() | pl.col("model").is_null()).height, 0, "row sets differ")
        for c in self.whole.columns:
            if c in KEY:
                continue
            a, b = pl.col(c), pl.col(c + "_got")
            if c in PROBABILITIES:
                # The last digit may differ where a statement shared its batch with others.
                bad = joined.filter(((a - b).abs() > 2e-4) | (a.is_null() != b.is_null()))
            else:
                bad = joined.filter(~a.eq_missing(b))
            self.assertEqual(bad.height, 0, f"column {c} differs:\n{bad.select(KEY + [c, c + '_got']).head()}")

    def test_four_shards_gather_the_single_process_rows(self):
        out = self.tmp / "four"
        r = score_on_ray([SAMPLE], str(out), 4, dyad=DYAD, extra=["--part-articles", "10"], progress=lambda m: None)
        self.assertEqual(sorted(s.shard for s in r.shards), ["0/4", "1/4", "2/4", "3/4"])
        self.assertTrue(all(s.attempt == 1 for s in r.shards))
        self.assert_same_rows(read_dataset(out))
        # dyad reads the gathered directory as one file.
        series = subprocess.run([DYAD, "series", str(out), "--every", "1y", "-o", str(self.tmp / "s.csv")], capture_output=True, text=True)
        self.assertEqual(series.returncode, 0, series.stderr)

    def test_command_line_scores_and_aggregates(self):
        out, series = self.tmp / "cli", self.tmp / "cli_series.csv"
        env = dict(os.environ, PYTHONPATH=str(ROOT / "distributed"))
        p = subprocess.run([sys.executable, "-m", "dyad_ray", "score", SAMPLE, "-o", f"{out}/", "--shards", "2", "--address", self.address,
                            "--dyad", DYAD, "--series", str(series), "--every", "1y", "--", "--part-articles", "50"],
                           capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("2 shards in", p.stdout)
        self.assertEqual(len(list(out.glob("part-*.parquet"))), 2 + 2, "--part-articles 50 reached dyad: two parts per shard")
        self.assertTrue(series.exists())
        self.assert_same_rows(read_dataset(out))

    def test_a_killed_worker_is_retried_with_no_row_lost_or_doubled(self):
        out = self.tmp / "killed"
        done = {}
        # --threads 1 and small parts: shard 0 takes a few seconds, so the kill lands mid-shard.
        run = threading.Thread(target=lambda: done.setdefault("r", score_on_ray(
            [SAMPLE], str(out), 4, dyad=DYAD, extra=["--part-articles", "3", "--threads", "1", "--batch-size", "4"], progress=lambda m: None)))
        run.start()
        attempt = out / "_dyad_ray" / "shard-0of4.attempt-1.json"
        deadline = time.time() + 120
        while time.time() < deadline and not list(out.glob("part-0of4-*.parquet")):
            time.sleep(0.02)
        self.assertTrue(attempt.exists(), "shard 0 never started")
        import json
        record = json.loads(attempt.read_text())
        killed_mid_shard = "returncode" not in record
        os.kill(record["pid"], signal.SIGKILL)  # the Ray worker running shard 0 (and, with it, its dyad)
        run.join(timeout=300)
        self.assertFalse(run.is_alive(), "the run did not finish")
        r = done["r"]
        s0 = next(s for s in r.shards if s.shard == "0/4")
        self.assertGreaterEqual(s0.attempt, 2, "Ray did not retry the killed shard")
        if killed_mid_shard:
            self.assertIn("already done (resumed)", s0.summary)
            self.assertNotIn(" 0 already done", s0.summary, "the retry started over instead of resuming")
        print(f"\nkilled shard 0 {'mid-shard' if killed_mid_shard else 'after its dyad finished'}; retry: {s0.summary}", file=sys.stderr)
        self.assert_same_rows(read_dataset(out))


if __name__ == "__main__":
    unittest.main()
