"""What opening a 10^5-chunk index costs, part by part: documents.jsonl, facts, vectors, FAISS, bm25s.

python benchmarks/bench_open.py [--chunks 100000] [--workdir /work/scratch-scale/open]

Writes an index version of a synthetic corpus with nekb's own ``save_snapshot`` (the documents of
bench_scale.py: shipped-corpus sentences recombined, 1,000 chunks per document), then, in fresh
processes (OS file cache warm), times ``load_snapshot`` as a whole and each of its parts on its
own, with the RSS each leaves. A prototype SQLite document store (``nekb.docstore``) is measured
beside it: opening it and reading what one query needs. Results: ``out/open.json`` and stdout.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from timing import run_json

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = 20241123


def rss_mb() -> float:
    """Current RSS of this process, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(float(line.split()[1]) / 1024, 1)
    return 0.0


def write_version(workdir: Path, n_chunks: int) -> Path:
    """An index directory of ``n_chunks`` synthetic chunks, written by save_snapshot; its version path."""
    from bench_scale import SentencePool, synthetic_corpus, write_index

    from nekb.embed import E5Embedder
    from nekb.normalize import SearchNormalizer
    from nekb.segment import Segmenter

    index_dir = workdir / f"index-{n_chunks}"
    if (index_dir / "CURRENT").exists():
        return index_dir / (index_dir / "CURRENT").read_text().strip()
    pool = SentencePool(ROOT / "corpus", E5Embedder(), Segmenter(), SearchNormalizer())
    docs = synthetic_corpus(pool, n_chunks, np.random.default_rng(SEED))
    started = time.perf_counter()
    version = write_index(index_dir, docs, E5Embedder())
    print(f"wrote {version} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return version


def part_times(version: Path) -> dict:
    """Time each part of load_snapshot on its own, in this (fresh) process."""
    import bm25s

    from nekb.fileio import json_lines, read_json
    from nekb.index import DenseIndex, SparseIndex
    from nekb.persist import load_snapshot

    result: dict = {"rss_start_mb": rss_mb()}

    def timed(name: str, call) -> object:
        before = rss_mb()
        started = time.perf_counter()
        value = call()
        result[name] = {
            "s": round(time.perf_counter() - started, 3),
            "rss_added_mb": round(rss_mb() - before, 1),
        }
        return value

    timed("manifest.json", lambda: read_json(version / "manifest.json"))
    timed("facts.jsonl (parse)", lambda: [row for _, row in json_lines(version / "facts.jsonl")])
    timed("documents.jsonl (parse)", lambda: [row for _, row in json_lines(version / "documents.jsonl")])
    vectors = timed("vectors .npy (mmap)", lambda: np.load(version / "vectors.npy", mmap_mode="r"))
    sentences = timed(
        "sentence_vectors .npy (mmap)", lambda: np.load(version / "sentence_vectors.npy", mmap_mode="r")
    )
    timed("dense.faiss", lambda: DenseIndex.load(version / "dense.faiss", vectors))
    timed("sentences.faiss", lambda: DenseIndex.load(version / "sentences.faiss", sentences))
    timed("bm25 chunks (SparseIndex.load)", lambda: SparseIndex.load(version / "bm25"))
    timed("bm25 sentences (SparseIndex.load)", lambda: SparseIndex.load(version / "bm25_sentences"))
    for folder in ("bm25", "bm25_sentences"):
        timed(
            f"{folder}, bm25s mmap=True",
            lambda folder=folder: bm25s.BM25.load(str(version / folder), mmap=True, show_progress=False),
        )
    snapshot = timed("whole load_snapshot", lambda: load_snapshot(version))
    result["chunks"] = snapshot.size("chunk")
    result["sentences"] = snapshot.size("sentence")
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def docstore_times(version: Path, store_path: Path) -> dict:
    """Build (once) and open the SQLite document store of the version; time what a query reads."""
    from nekb.docstore import DocStore
    from nekb.persist import load_snapshot

    result: dict = {}
    if not store_path.exists():
        snapshot = load_snapshot(version)
        started = time.perf_counter()
        DocStore.write(store_path, snapshot.records.values())
        result["write_s"] = round(time.perf_counter() - started, 2)
        del snapshot
    before = rss_mb()
    started = time.perf_counter()
    store = DocStore.open(store_path)
    result["open_s"] = round(time.perf_counter() - started, 4)
    result["rss_added_mb"] = round(rss_mb() - before, 1)
    rng = np.random.default_rng(1)
    chunk_ids = rng.integers(0, store.chunk_count, size=(200, 50))
    sentence_ids = rng.integers(0, store.sentence_count, size=(200, 150))
    seconds = []
    for chunks, sentences in zip(chunk_ids, sentence_ids, strict=True):
        started = time.perf_counter()
        store.chunks([int(c) for c in chunks])
        store.chunks_of_sentences([int(s) for s in sentences])
        seconds.append(time.perf_counter() - started)
    from timing import percentiles_ms

    result["per_query_reads_ms"] = percentiles_ms(seconds)
    result["file_bytes"] = store_path.stat().st_size
    return result


def fresh(mode: str, version: Path, extra: str = "") -> dict:
    """Run a mode in a fresh process and return its JSON."""
    return run_json(__file__, "--mode", mode, version, extra)


def main() -> None:
    """Write (or reuse) the index, measure in fresh processes, print and save the results."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/work/scratch-scale/open"))
    parser.add_argument("--mode", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        mode, version, extra = args.mode
        call = part_times(Path(version)) if mode == "parts" else docstore_times(Path(version), Path(extra))
        print(json.dumps(call))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    version = write_version(args.workdir, args.chunks)
    sizes = {p.name: p.stat().st_size for p in version.iterdir() if p.is_file()}
    for folder in ("bm25", "bm25_sentences"):
        sizes[folder + "/"] = sum(p.stat().st_size for p in (version / folder).iterdir())
    fresh("parts", version)  # warm the OS file cache
    results = {"version": str(version), "bytes": sizes, "parts": fresh("parts", version)}
    store = args.workdir / f"docstore-{args.chunks}.sqlite"
    fresh("docstore", version, str(store))  # writes it the first time
    results["docstore"] = fresh("docstore", version, str(store))
    print(json.dumps(results, indent=2))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "open.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
