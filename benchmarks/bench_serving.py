"""Cold start and peak memory of serving the corpus, each measured in a fresh Python process."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROBE = Path(__file__).resolve().parent / "probe.py"
COLD_RUNS = 3


def _probe(*args: str, env: dict[str, str] | None = None) -> tuple[dict, float]:
    """Run probe.py; return its JSON result and the process's wall time seen from outside."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(PROBE), *args], capture_output=True, text=True, check=False, timeout=600, env=env
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"probe {args[0]} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def run(index_dir: Path, questions_path: Path, first_question: str) -> dict:
    """Median of COLD_RUNS cold starts (the OS file cache is warm: process-cold, not disk-cold),
    and the peak RSS of a process that serves every dev question through search and ask."""
    colds = [_probe("cold", str(index_dir), first_question) for _ in range(COLD_RUNS)]
    median = {key: round(statistics.median(c[key] for c, _ in colds), 3) for key in colds[0][0]}
    median["process_wall_s"] = round(statistics.median(wall for _, wall in colds), 3)
    serve, _ = _probe("serve", str(index_dir), str(questions_path))
    return {"cold_start": median, "cold_runs": COLD_RUNS, "serve": serve}


def raw_query_default_env(questions_path: Path) -> dict:
    """Raw e5 query latency in a fresh process that imports neither nekb nor faiss (a reference
    free of any OpenMP setting; an OMP_WAIT_POLICY in the caller's environment is not passed on)."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    result, _ = _probe("raw", "-", str(questions_path), env=env)
    return result
