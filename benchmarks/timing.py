"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def percentiles_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50 and p95 of durations given in seconds, in milliseconds (rounded to 0.01 ms)."""
    if not seconds:
        return {"p50": 0.0, "p95": 0.0}
    ms = np.asarray(seconds, dtype=np.float64) * 1000
    return {"p50": round(float(np.percentile(ms, 50)), 2), "p95": round(float(np.percentile(ms, 95)), 2)}


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """Call ``fn`` and return ``(result, wall seconds)``."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator`` rounded to 0.01 (0.0 when the denominator is 0)."""
    return round(numerator / denominator, 2) if denominator else 0.0


def run_json(script: str, *args: object) -> dict:
    """Run ``python script args…`` in a fresh process; the JSON object its last stdout line prints."""
    done = subprocess.run(
        [sys.executable, script, *map(str, args)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
