"""What opening a 10^5-chunk index costs, part by part: documents.jsonl, facts, vectors, FAISS, bm25s.

python benchmarks/bench_open.py [--chunks 100000] [--workdir /work/scratch-scale/open]

Writes an index version of a synthetic corpus with nekb's own ``save_snapshot`` (the documents of
bench_scale.py: shipped-corpus sentences recombined, 1,000 chunks per document), then, in fresh
processes (OS file cache warm), times ``load_snapshot`` as a whole and each of its parts on its
own, with the RSS each leaves; then, in another fresh process, what random queries read from the
opened version (documents are parsed when a query first needs them). Results: ``out/open.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from machine import describe_machine, format_machine
from sections import write_section
from timing import run_json

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = 20241123
SECTION = "## Opening a large index"


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


def query_reads(version: Path) -> dict:
    """Open the version, then time what 200 random queries read: the chunks of 150 sentence hits,
    and text and sentences of 5 passages (each document parsed when first needed)."""
    from timing import percentiles_ms

    from nekb.persist import load_snapshot

    started = time.perf_counter()
    snap = load_snapshot(version)
    result: dict = {"open_s": round(time.perf_counter() - started, 3)}
    rng = np.random.default_rng(1)
    seconds = []
    for _ in range(200):
        sentences = rng.integers(0, snap.size("sentence"), size=150)
        passages = rng.integers(0, snap.size("chunk"), size=5)
        started = time.perf_counter()
        snap.chunks_of_sentences(int(s) for s in sentences)
        for chunk_id in passages:
            snap.hit(int(chunk_id), 1.0)
            snap.sentences_of(int(chunk_id))
        seconds.append(time.perf_counter() - started)
    result["per_query_reads_ms"] = percentiles_ms(seconds)
    result["documents"] = len(snap.documents())
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def format_section(results: dict) -> str:
    """The RESULTS.md section of one run."""
    parts, reads = results["parts"], results["query_reads"]
    whole = parts["whole load_snapshot"]
    docs = parts["documents.jsonl (parse)"]
    size_mb = results["bytes"]["documents.jsonl"] / 1e6
    return (
        f"{SECTION}\n\n"
        "Produced by `benchmarks/bench_open.py` (run on its own). An index version of "
        f"{parts['chunks']:,} chunks / {parts['sentences']:,} sentences in {reads['documents']} synthetic "
        "documents of 1,000 chunks each (shipped-corpus sentences recombined, embedded with e5), written "
        "by nekb's `save_snapshot`, opened in fresh processes with the OS file cache warm.\n\n"
        "| measure | goal | measured |\n|---|---|---|\n"
        f"| open the whole index (`load_snapshot`) | ≤ 2 s | {whole['s']} s, "
        f"+{whole['rss_added_mb']} MB RSS |\n"
        f"| (for reference) parsing every document of documents.jsonl ({size_mb:.0f} MB), "
        f"which opening no longer does | - | {docs['s']} s, +{docs['rss_added_mb']} MB RSS |\n"
        "| what a query reads after opening: the chunks of 150 sentence hits, text and sentences of "
        "5 random passages (documents parsed when first needed, 64 kept) | - | "
        f"p50 {reads['per_query_reads_ms']['p50']} ms, p95 {reads['per_query_reads_ms']['p95']} ms |\n"
        f"| peak RSS of that process | ≤ 8 GB | {reads['peak_rss_mb']} MB |\n\n"
        "The documents here are long (one `documents.jsonl` line of about "
        f"{results['bytes']['documents.jsonl'] / max(reads['documents'], 1) / 1e6:.1f} MB each), so each "
        "first read of one costs milliseconds; articles of a few thousand characters parse in well "
        "under one.\n\n"
        f"{format_machine(results['machine'])}\n"
    )


def fresh(mode: str, version: Path) -> dict:
    """Run a mode in a fresh process and return its JSON."""
    return run_json(__file__, "--mode", mode, version)


def main() -> None:
    """Write (or reuse) the index, measure in fresh processes, print and save the results."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/work/scratch-scale/open"))
    parser.add_argument("--mode", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if args.mode:
        mode, version = args.mode
        call = part_times(Path(version)) if mode == "parts" else query_reads(Path(version))
        print(json.dumps(call))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    version = write_version(args.workdir, args.chunks)
    sizes = {p.name: p.stat().st_size for p in version.iterdir() if p.is_file()}
    for folder in ("bm25", "bm25_sentences"):
        sizes[folder + "/"] = sum(p.stat().st_size for p in (version / folder).iterdir())
    fresh("parts", version)  # warm the OS file cache
    results = {"version": str(version), "bytes": sizes, "parts": fresh("parts", version)}
    results["machine"] = describe_machine()
    results["query_reads"] = fresh("reads", version)
    print(json.dumps(results, indent=2))
    write_section(args.results, SECTION, format_section(results))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "open.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
