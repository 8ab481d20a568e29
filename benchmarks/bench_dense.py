"""The dense index at scale: build time, open time, peak RSS, latency and recall at 10^5 and 10^6 chunks.

python benchmarks/bench_dense.py [--sizes 100000,1000000] [--cache /work/scratch-scale]

1. Real vectors: every sentence of the shared corpora embedded with e5 (``real_vectors.py``, cached).
   ``DenseIndex`` recall against exact search on them, as built by nekb (exact below
   FLAT_MAX_VECTORS) and forced to IVF, with its recall at other probe shares.
2. The synthetic model (``synthetic_vectors.py``) is fitted on them and checked: a replica of the real
   set (the same documents' sentence counts, as many queries) is compared with the real set —
   neighbour-similarity percentiles and the recall-vs-probe-share curve.
3. At each size, a synthetic set (sentences, chunks pooled from them, queries) is written to the
   cache; a fresh process builds both dense indexes as a build would (timed, peak RSS), another
   opens them (memory-mapped vectors) and searches every query twice: top 50 chunks and top 150
   sentences, the candidates nekb's hybrid search takes (timed one query at a time, peak RSS). The
   first round reads the re-ranked rows for the first time (from disk if the OS has dropped them
   from its cache), the second the same rows again. Other processes' CPU use is recorded.

Results go to ``out/dense.json`` and the "Dense index at scale" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import faiss
import numpy as np
from machine import describe_machine
from neighbours import exact_top, recall_at, self_neighbour_profile, similarity_profile
from quiet import CpuMark
from real_vectors import CACHE as REAL_CACHE
from real_vectors import real_vectors
from synthetic_vectors import TextVectorModel, make_in_memory, synthetic_set
from timing import percentiles_ms

from nekb import index as dense_module
from nekb.index import DenseIndex, choose_index_type, list_count
from nekb.search import CANDIDATES, SENTENCE_CANDIDATES

HERE = Path(__file__).resolve().parent
SCRATCH = Path("/work/scratch-scale")
QUERIES = 1000
SEED = 7
LEVELS = {"chunks": CANDIDATES, "sentences": SENTENCE_CANDIDATES}  # what nekb asks each index for
PROBE_SHARES = (1 / 32, 1 / 16, 1 / 8, 1 / 4)
SECTION = "## Dense index at scale"


def rss_mb() -> dict[str, float]:
    """Peak RSS of this process and its current anonymous / file-backed parts (MB)."""
    status = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    kb = {key: float(status[key].split()[0]) for key in ("RssAnon", "RssFile") if key in status}
    return {
        "peak": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "anon": round(kb.get("RssAnon", 0) / 1024, 1),
        "file": round(kb.get("RssFile", 0) / 1024, 1),
    }


def search_all(index: DenseIndex, queries: np.ndarray, k: int) -> tuple[list[np.ndarray], list[float]]:
    """Ids found and seconds taken for every query, one at a time."""
    found, seconds = [], []
    for query in queries:
        started = time.perf_counter()
        found.append(index.search(query, k)[1])
        seconds.append(time.perf_counter() - started)
    return found, seconds


def probe_curve(index: DenseIndex, queries: np.ndarray, exact: np.ndarray) -> dict[str, float]:
    """recall@10 of an IVF ``index`` at each share of its lists probed."""
    ivf = faiss.extract_index_ivf(index.codes)
    chosen, curve = ivf.nprobe, {}
    for share in PROBE_SHARES:
        ivf.nprobe = max(1, round(ivf.nlist * share))
        curve[f"1/{round(1 / share)}"] = recall_at(search_all(index, queries, 10)[0], exact, 10)
    ivf.nprobe = chosen
    return curve


def real_section(real) -> dict:
    """DenseIndex on the real vectors: as nekb builds it and forced to IVF (recall and probe curve)."""
    result = {}
    for level, k in LEVELS.items():
        base = np.ascontiguousarray(getattr(real, level))
        _, exact = exact_top(base, real.queries, k)
        forced = DenseIndex.build(base, "ivf")
        found = search_all(forced, real.queries, k)[0]
        result[level] = {
            "vectors": len(base),
            "chosen": choose_index_type(len(base)),
            "lists": list_count(len(base)),
            "ivf_recall@10": recall_at(found, exact, 10),
            f"ivf_recall@{k}": recall_at(found, exact, k),
            "ivf_probe_curve": probe_curve(forced, real.queries, exact),
        }
    return result


def validation_section(real, model: TextVectorModel) -> dict:
    """Real set vs a synthetic replica: neighbour-similarity percentiles and the probe curve."""
    replica = make_in_memory(model, np.random.default_rng(SEED), len(real.queries), model.doc_sentences)
    result = {}
    for name, vectors in (("real", real), ("synthetic", replica)):
        result[name] = {}
        for level in LEVELS:
            base = np.ascontiguousarray(getattr(vectors, level))
            scores, exact = exact_top(base, np.ascontiguousarray(vectors.queries), 50)
            result[name][level] = {
                "vectors": len(base),
                "query_neighbours": similarity_profile(scores),
                "nearest_other": self_neighbour_profile(base, 1000, np.random.default_rng(0)),
                "ivf_probe_curve": probe_curve(DenseIndex.build(base, "ivf"), vectors.queries, exact),
            }
    return result


def worker_build(directory: Path) -> dict:
    """Build both dense indexes of a synthetic set from its memory-mapped vectors, as a build would."""
    result: dict = {}
    mark = CpuMark.now()
    for level in LEVELS:
        vectors = np.load(directory / f"{level}.npy", mmap_mode="r")
        started = time.perf_counter()
        index = DenseIndex.build(vectors)
        index.save(directory / f"{level}.faiss")
        result[level] = {
            "kind": index.kind,
            "build_s": round(time.perf_counter() - started, 1),
            "bytes": (directory / f"{level}.faiss").stat().st_size,
            "lists": int(faiss.extract_index_ivf(index.codes).nlist) if index.codes else 0,
            "probes": int(faiss.extract_index_ivf(index.codes).nprobe) if index.codes else 0,
        }
    result["rss_mb"] = rss_mb()
    result["others_cpu_share"] = mark.others_share()
    return result


def worker_search(directory: Path) -> dict:
    """Open both indexes (memory-mapped vectors), then search every query with each, timed."""
    queries = np.load(directory / "queries.npy")
    started = time.perf_counter()
    indexes = {
        level: DenseIndex.load(
            directory / f"{level}.faiss", np.load(directory / f"{level}.npy", mmap_mode="r")
        )
        for level in LEVELS
    }
    result: dict = {"open_s": round(time.perf_counter() - started, 3), "rss_after_open_mb": rss_mb()}
    mark = CpuMark.now()
    for level in LEVELS:
        result[level] = {}
    for round_name in ("first", "second"):  # first touch of the rows re-ranked, then the same again
        both = np.zeros(len(queries))
        for level, k in LEVELS.items():
            found, seconds = search_all(indexes[level], queries, k)
            both += seconds
            exact = np.load(directory / f"exact-{level}.npy")
            result[level][f"{round_name}_latency_ms"] = percentiles_ms(seconds)
            result[level]["recall@10"] = recall_at(found, exact, 10)
            result[level][f"recall@{k}"] = recall_at(found, exact, k)
        result[f"both_{round_name}_latency_ms"] = percentiles_ms(both.tolist())
    result["others_cpu_share"] = mark.others_share()
    result["rss_mb"] = rss_mb()
    return result


def run_worker(mode: str, directory: Path) -> dict:
    """Run a worker in a fresh process (so its peak RSS is its own) and return its JSON."""
    done = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(directory)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def scale_section(model: TextVectorModel, sizes: list[int], cache: Path) -> dict:
    """Write (or reuse) each synthetic set and its exact neighbours, then build and search it."""
    result = {}
    for size in sizes:
        started = time.perf_counter()
        data = synthetic_set(model, size, QUERIES, cache, SEED)
        directory = cache / f"synthetic-{size}-seed{SEED}"
        entry = {
            "chunks": len(data.chunks),
            "sentences": len(data.sentences),
            "documents": data.documents,
            "generate_s": round(time.perf_counter() - started, 1),
        }
        for level, k in LEVELS.items():
            target = directory / f"exact-{level}.npy"
            if not target.exists():
                np.save(target, exact_top(getattr(data, level), np.asarray(data.queries), k)[1])
        print(f"  {size:,} chunks: building", file=sys.stderr, flush=True)
        entry["build"] = run_worker("build", directory)
        print(f"  {size:,} chunks: searching", file=sys.stderr, flush=True)
        entry["search"] = run_worker("search", directory)
        result[str(size)] = entry
    return result


def settings() -> dict:
    """The DenseIndex constants in force."""
    names = (
        "FLAT_MAX_VECTORS",
        "LISTS_PER_SQRT",
        "MAX_LISTS",
        "PROBE_SHARE",
        "MAX_PROBES",
        "RERANK_PER_RESULT",
        "RERANK_MIN",
        "TRAIN_PER_LIST",
    )
    return {name: getattr(dense_module, name) for name in names}


def main() -> None:
    """Run the benchmark (or one worker) and write out/dense.json and the RESULTS.md section."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--cache", type=Path, default=SCRATCH)
    parser.add_argument("--real-cache", type=Path, default=REAL_CACHE)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, directory = args.worker
        print(json.dumps((worker_build if mode == "build" else worker_search)(Path(directory))))
        return
    started = time.perf_counter()
    real = real_vectors(cache=args.real_cache)
    model = TextVectorModel.fit(real)
    print("real vectors", file=sys.stderr, flush=True)
    results = {"machine": describe_machine(), "settings": settings(), "real": real_section(real)}
    results["counts"] = {
        "documents": len(real.documents),
        "sentences": len(real.sentences),
        "chunks": len(real.chunks),
        "queries": len(real.queries),
        "query_pull": round(model.query_pull, 3),
        "autocorrelation": round(model.autocorrelation, 3),
    }
    print("validation", file=sys.stderr, flush=True)
    results["validation"] = validation_section(real, model)
    results["scale"] = scale_section(model, [int(s) for s in args.sizes.split(",") if s], args.cache)
    results["total_s"] = round(time.perf_counter() - started, 1)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "dense.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    from report_dense import write_results

    write_results(args.results, results)


if __name__ == "__main__":
    main()
