"""The local store and Milvus Lite side by side on one synthetic corpus: write, open, RSS, search, recall.

python benchmarks/bench_stores.py [--chunks 100000] [--stores local,milvus] [--workdir /work/scratch-stores]

The documents are bench_scale.py's synthetic ones (shipped-corpus sentences recombined, each unique
sentence embedded once with e5, seeded), of bench_scale.PAPER_CHUNKS (40) chunks each: a paper, as the
issue's users hold tens of thousands of them making 10^6-10^7 chunks. QUERIES of the corpus's unique
sentences are held out of it; their e5 query embeddings and jieba tokens are the queries. Each stage
runs in a fresh process, so its peak RSS is its own:

1. ``corpus``: make the documents (written as JSON and .npy scratch files: each sentence's pool id,
   chunk ranges, vectors; no pickle), the queries and the exact top 10 chunks of each query
   by brute-force numpy over the chunk vectors.
2. ``write``: read the documents back (vectors memory-mapped), then ``store.save`` through nekb's own
   store (``LocalStore`` or ``milvus:<workdir>/kb.db``), timed.
3. ``search``: ``parse_store(...).load_latest()`` timed, RSS after it; then every query through the
   four rankings nekb's hybrid search fuses (dense and BM25, chunks and sentences, as many as it
   asks for) and the whole ``hybrid_search`` (top 10), timed one query at a time; recall@10 of the
   dense chunk search against exact search.

Other processes' CPU share is recorded per stage (the machine is shared). Results: ``out/stores.json``
(one entry per chunk count, merged across runs) and the "Local store and Milvus Lite side by side"
section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import shutil
import sys
import time
from pathlib import Path

import numpy as np
from machine import describe_machine, format_machine, package_versions
from quiet import CpuMark
from report import _table
from sections import write_section
from timing import percentiles_ms, run_json

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = 20241123
QUERIES = 200
K = 10
SECTION = "## Local store and Milvus Lite side by side"
STORES = ("local", "milvus")


def rss_mb() -> dict[str, float]:
    """Current and peak RSS of this process, MB."""
    current = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            current = float(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"current": round(current, 1), "peak": round(peak, 1)}


def directory_bytes(path: Path) -> int:
    """Total size of the files under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def store_spec(workdir: Path, name: str) -> tuple[str, Path]:
    """The ``--store`` spec and local index directory of one store in ``workdir``."""
    index_dir = workdir / name
    return ("local" if name == "local" else f"milvus:{index_dir / 'kb.db'}"), index_dir


def exact_top(chunk_vectors: np.ndarray, queries: np.ndarray, block: int = 50_000) -> np.ndarray:
    """Ids of the K chunks of highest inner product with each query, by brute force over every chunk
    (``chunk_vectors`` may be memory-mapped: they are scored ``block`` rows at a time)."""
    best_scores = np.full((len(queries), K), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), K), dtype=np.int64)
    for first in range(0, len(chunk_vectors), block):
        rows = np.asarray(chunk_vectors[first : first + block], dtype=np.float32)
        scores = np.concatenate([best_scores, queries @ rows.T], axis=1)
        ids = np.concatenate(
            [best_ids, np.broadcast_to(np.arange(first, first + len(rows)), scores[:, K:].shape)], axis=1
        )
        order = np.argsort(-scores, axis=1, kind="stable")[:, :K]
        best_scores, best_ids = (
            np.take_along_axis(scores, order, axis=1),
            np.take_along_axis(ids, order, axis=1),
        )
    return best_ids


def _raw_to_npy(raw: Path, target: Path, dim: int) -> None:
    """Turn a file of float32 rows of ``dim`` into a .npy file, copied in pieces (bounded memory)."""
    rows = raw.stat().st_size // (4 * dim)
    out = np.lib.format.open_memmap(target, mode="w+", dtype=np.float32, shape=(rows, dim))
    source = np.memmap(raw, dtype=np.float32, mode="r", shape=(rows, dim))
    for first in range(0, rows, 100_000):
        out[first : first + 100_000] = source[first : first + 100_000]
    out.flush()
    del out, source
    raw.unlink()


def stage_corpus(workdir: Path, n_chunks: int) -> dict:
    """Make the documents and queries, write them as scratch files (JSON and .npy, no pickle) and
    compute the exact top K of every query.

    A document is kept as the pool ids of its sentences, its chunk ranges and its vectors, so the
    write stage rebuilds the very records (see :func:`read_documents`) without this stage's memory.
    """
    from bench_scale import PAPER_CHUNKS, SentencePool, draw_document

    from nekb.build import settings
    from nekb.embed import E5Embedder
    from nekb.normalize import SearchNormalizer
    from nekb.segment import Segmenter

    started = time.perf_counter()
    embedder = E5Embedder()
    pool = SentencePool(ROOT / "corpus", embedder, Segmenter(), SearchNormalizer())
    rng = np.random.default_rng(SEED)
    held_out = np.sort(rng.choice(len(pool.texts), size=QUERIES, replace=False))
    kept = np.setdiff1d(np.arange(len(pool.texts)), held_out)
    corpus_pool = copy.copy(pool)
    corpus_pool.texts = [pool.texts[i] for i in kept]
    corpus_pool.forms = [pool.forms[i] for i in kept]
    corpus_pool.tokens = [pool.tokens[i] for i in kept]
    corpus_pool.lengths, corpus_pool.vectors = pool.lengths[kept], pool.vectors[kept]
    ids, ranges, counts = [], [], []
    raw = {level: (workdir / f"{level}_vectors.raw").open("wb") for level in ("sentence", "chunk")}
    made = 0
    with raw["sentence"], raw["chunk"]:
        while made < n_chunks:  # as bench_scale.synthetic_corpus, one document at a time
            drawn = draw_document(corpus_pool, min(PAPER_CHUNKS, n_chunks - made), rng)
            ids.append(drawn[0])
            ranges.append(np.asarray(drawn[1], dtype=np.int32))
            counts.append((len(drawn[0]), len(drawn[1])))
            raw["sentence"].write(np.ascontiguousarray(drawn[2], dtype=np.float32).tobytes())
            raw["chunk"].write(np.ascontiguousarray(drawn[3], dtype=np.float32).tobytes())
            made += len(drawn[1])
    for level in ("sentence", "chunk"):
        _raw_to_npy(workdir / f"{level}_vectors.raw", workdir / f"{level}_vectors.npy", embedder.dim)
    np.save(workdir / "sentence_ids.npy", np.concatenate(ids).astype(np.int32))
    np.save(workdir / "chunk_ranges.npy", np.concatenate(ranges))
    np.save(workdir / "document_counts.npy", np.asarray(counts, dtype=np.int64))
    (workdir / "pool.json").write_text(
        json.dumps(
            {
                "texts": corpus_pool.texts,
                "tokens": [list(t) for t in corpus_pool.tokens],
                "model": embedder.name,
                "dim": embedder.dim,
                "settings": settings(),
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    queries = embedder.embed_queries([pool.forms[i] for i in held_out])
    exact = exact_top(np.load(workdir / "chunk_vectors.npy", mmap_mode="r"), queries)
    np.save(workdir / "queries.npy", queries)
    np.save(workdir / "exact.npy", exact)
    (workdir / "queries.json").write_text(
        json.dumps([{"text": pool.texts[i], "tokens": list(pool.tokens[i])} for i in held_out]),
        encoding="utf-8",
    )
    scratch = [*workdir.glob("*.npy"), workdir / "pool.json"]
    return {
        "documents": len(counts),
        "chunks": made,
        "sentences": int(sum(c[0] for c in counts)),
        "chunks_per_document": PAPER_CHUNKS,
        "pool_sentences": len(kept),
        "queries": QUERIES,
        "make_s": round(time.perf_counter() - started, 1),
        "scratch_bytes": sum(p.stat().st_size for p in scratch),
    }


def read_documents(workdir: Path) -> tuple[list, dict]:
    """The documents :func:`stage_corpus` wrote (vectors memory-mapped) and ``{model, dim, settings}``."""
    from bench_scale import document_of

    pool = json.loads((workdir / "pool.json").read_text(encoding="utf-8"))
    tokens = [tuple(t) for t in pool["tokens"]]
    vectors = {
        level: np.load(workdir / f"{level}_vectors.npy", mmap_mode="r") for level in ("sentence", "chunk")
    }
    ids, ranges = np.load(workdir / "sentence_ids.npy"), np.load(workdir / "chunk_ranges.npy")
    counts = np.load(workdir / "document_counts.npy")
    first = np.zeros((len(counts) + 1, 2), dtype=np.int64)
    first[1:] = np.cumsum(counts, axis=0)
    docs = []
    for n in range(len(counts)):
        (s0, c0), (s1, c1) = first[n], first[n + 1]
        docs.append(
            document_of(
                n,
                pool["texts"],
                tokens,
                ids[s0:s1],
                ranges[c0:c1].tolist(),
                (vectors["sentence"][s0:s1], vectors["chunk"][c0:c1]),
            )
        )
    return docs, {key: pool[key] for key in ("model", "dim", "settings")}


def stage_write(workdir: Path, name: str) -> dict:
    """Read the documents back and save them through one store as its new live version, timed."""
    from nekb.stores import parse_store

    docs, meta = read_documents(workdir)
    spec, index_dir = store_spec(workdir, name)
    store = parse_store(spec, index_dir)
    before = rss_mb()
    mark = CpuMark.now()
    started = time.perf_counter()
    version = store.save(docs, meta["model"], meta["dim"], meta["settings"])
    return {
        "version": version,
        "save_s": round(time.perf_counter() - started, 1),
        "rss_before_save_mb": before["current"],
        "rss_mb": rss_mb(),
        "others_cpu_share": mark.others_share(),
    }


def stage_search(workdir: Path, name: str, limit: int = QUERIES) -> dict:
    """Open the live version, then run the first ``limit`` queries through the rankings and
    hybrid_search, timed."""
    from nekb.query import ParsedQuery
    from nekb.search import CANDIDATES, SENTENCE_CANDIDATES, hybrid_search
    from nekb.stores import parse_store

    queries = np.load(workdir / "queries.npy")[:limit]
    parsed = [
        ParsedQuery(dense_text=q["text"], tokens=tuple(q["tokens"]))
        for q in json.loads((workdir / "queries.json").read_text(encoding="utf-8"))[:limit]
    ]
    spec, index_dir = store_spec(workdir, name)
    mark = CpuMark.now()
    started = time.perf_counter()
    snap, _ = parse_store(spec, index_dir).load_latest()
    result: dict = {"open_s": round(time.perf_counter() - started, 2), "rss_after_open_mb": rss_mb()}
    result["open_others_cpu_share"] = mark.others_share()
    calls = {
        "dense chunk": lambda i: snap.dense_search("chunk", queries[i], CANDIDATES),
        "BM25 chunk": lambda i: snap.sparse_search("chunk", parsed[i].tokens, CANDIDATES),
        "dense sentence": lambda i: snap.dense_search("sentence", queries[i], SENTENCE_CANDIDATES),
        "BM25 sentence": lambda i: snap.sparse_search("sentence", parsed[i].tokens, SENTENCE_CANDIDATES),
        "hybrid_search": lambda i: [
            f"{h.doc_id}:{h.start}" for h in hybrid_search(snap, parsed[i], queries[i], K)
        ],
    }
    seconds: dict[str, list[float]] = {call: [] for call in calls}
    top: dict[str, list[list]] = {"dense@10": [], "hybrid@10": []}
    mark = CpuMark.now()
    for call in calls.values():  # warm-up
        call(0)
    for i in range(len(queries)):
        for call_name, call in calls.items():
            begun = time.perf_counter()
            found = call(i)
            seconds[call_name].append(time.perf_counter() - begun)
            if call_name == "hybrid_search":
                top["hybrid@10"].append(found)  # passages as doc_id:start
        top["dense@10"].append([int(c) for c in snap.dense_search("chunk", queries[i], K)])
    result["search_others_cpu_share"] = mark.others_share()
    result["latency_ms"] = {call_name: percentiles_ms(s) for call_name, s in seconds.items()}
    result["four_rankings_ms"] = percentiles_ms(
        np.sum([seconds[c] for c in list(calls)[:4]], axis=0).tolist()
    )
    exact = np.load(workdir / "exact.npy")[:limit]
    result["recall@10"] = round(
        float(
            np.mean([len(set(f) & set(e.tolist())) / K for f, e in zip(top["dense@10"], exact, strict=True)])
        ),
        4,
    )
    result["top"] = top
    result["queries"] = len(queries)
    result["rss_mb"] = rss_mb()
    return result


def overlap(a: list[list], b: list[list]) -> float:
    """Mean share of one top-10 list that the other holds too."""
    return round(float(np.mean([len(set(x) & set(y)) / K for x, y in zip(a, b, strict=True)])), 4)


def run_size(n_chunks: int, workdir: Path, stores: list[str], queries: int = QUERIES) -> dict:
    """Corpus (reused when present), then write and search (the first ``queries`` queries) each
    store in fresh processes."""
    workdir.mkdir(parents=True, exist_ok=True)
    corpus_path = workdir / "corpus.json"
    if not corpus_path.exists():
        print(f"{n_chunks:,} chunks: making the corpus", file=sys.stderr, flush=True)
        corpus_path.write_text(json.dumps(run_json(__file__, "--stage", "corpus", workdir, n_chunks)))
    entry: dict = {"corpus": json.loads(corpus_path.read_text()), "stores": {}}
    for name in stores:
        _, index_dir = store_spec(workdir, name)
        shutil.rmtree(index_dir, ignore_errors=True)
        print(f"{n_chunks:,} chunks: writing {name}", file=sys.stderr, flush=True)
        write = run_json(__file__, "--stage", "write", workdir, name)
        write["bytes"] = directory_bytes(index_dir)
        print(f"  {json.dumps(write)}\n{n_chunks:,} chunks: searching {name}", file=sys.stderr, flush=True)
        search = run_json(__file__, "--queries", queries, "--stage", "search", workdir, name)
        print(f"  open {search['open_s']} s, recall@10 {search['recall@10']}", file=sys.stderr, flush=True)
        entry["stores"][name] = {"write": write, "search": search}
    if all(name in entry["stores"] for name in STORES):
        local, milvus = (entry["stores"][name]["search"]["top"] for name in STORES)
        entry["overlap"] = {key: overlap(local[key], milvus[key]) for key in local}
    return entry


def _gb(mb: float) -> str:
    return f"{mb / 1024:.2f} GB"


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.0f} MB" if n_bytes < 1e9 else f"{n_bytes / 1e9:.2f} GB"


def _ms(p: dict[str, float]) -> str:
    return f"{p['p50']:.1f} / {p['p95']:.1f}"


def _rows(results: dict) -> list[tuple[dict, str, dict, dict]]:
    """(corpus, store label, write, search) per size and store, smallest size first."""
    rows = []
    for _, entry in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        for name, s in entry["stores"].items():
            label = "local" if name == "local" else "Milvus Lite"
            rows.append((entry["corpus"], label, s["write"], s["search"]))
    return rows


def write_open_rows(results: dict) -> list[list[object]]:
    """Write, disk and open figures per size and store."""
    return [
        [
            f"{c['chunks']:,} / {c['sentences']:,}",
            label,
            f"{w['save_s']:.1f}",
            _gb(w["rss_mb"]["peak"]),
            _size(w["bytes"]),
            f"{q['open_s']:.2f}",
            _gb(q["rss_after_open_mb"]["current"]),
            f"{100 * w['others_cpu_share']:.0f}% / {100 * q['open_others_cpu_share']:.0f}%",
        ]
        for c, label, w, q in _rows(results)
    ]


def search_rows(results: dict) -> list[list[object]]:
    """Latency of each ranking and of hybrid_search, recall and peak RSS per size and store."""
    return [
        [
            f"{c['chunks']:,}",
            label if q.get("queries", QUERIES) == QUERIES else f"{label} ({q['queries']} queries)",
            *(_ms(q["latency_ms"][call]) for call in CALLS),
            _ms(q["four_rankings_ms"]),
            _ms(q["latency_ms"]["hybrid_search"]),
            f"{q['recall@10']:.3f}",
            _gb(q["rss_mb"]["peak"]),
            f"{100 * q['search_others_cpu_share']:.0f}%",
        ]
        for c, label, _, q in _rows(results)
    ]


CALLS = ("dense chunk", "BM25 chunk", "dense sentence", "BM25 sentence")


def format_section(results: dict) -> str:
    """The RESULTS.md section for every size measured so far."""
    from bench_scale import PAPER_CHUNKS

    from nekb.index import FLAT_MAX_VECTORS

    overlaps = [
        f"{int(size):,} chunks: dense top 10 {e['overlap']['dense@10']:.3f}, "
        f"`hybrid_search` top 10 {e['overlap']['hybrid@10']:.3f}"
        for size, e in sorted(results["sizes"].items(), key=lambda item: int(item[0]))
        if "overlap" in e
    ]
    notes = [results["notes"], ""] if results.get("notes") else []
    write_header = ["chunks / sentences", "store", "write s", "write peak RSS", "on disk", "open s"]
    write_header += ["RSS after open", "others' CPU: write / open"]
    search_header = ["chunks", "store", *(f"{call} p50 / p95 ms" for call in CALLS)]
    search_header += ["four rankings", "whole `hybrid_search`", "dense recall@10", "search peak RSS"]
    search_header += ["others' CPU"]
    return "\n".join(
        [
            SECTION,
            "",
            "Produced by `benchmarks/bench_stores.py` (numbers as measured in its runs). The same synthetic "
            "documents (bench_scale.py's: shipped-corpus sentences recombined, each unique sentence embedded "
            f"once with e5, seed {SEED}; {PAPER_CHUNKS} chunks per document, a paper's worth: the issue's "
            "users hold tens of thousands of papers making 10^6-10^7 chunks) saved through nekb's own stores:"
            " `LocalStore` (a version directory; IVF-PQ dense indexes above "
            f"{FLAT_MAX_VECTORS:,} vectors) and `milvus:<dir>/kb.db` (Milvus Lite in the process; HNSW "
            f"above {FLAT_MAX_VECTORS:,}). Each stage runs in a fresh process: write (`store.save` of the "
            "documents read back from the scratch files, their vectors memory-mapped; its peak RSS includes "
            "them), open (`load_latest`; RSS right after it), "
            f"then {QUERIES} queries — {QUERIES} of the corpus's unique sentences held out of it, as e5 "
            "query embeddings and their jieba tokens — one at a time through each of the four rankings "
            'nekb\'s hybrid search fuses (50 chunks, 150 sentences each; "four rankings": their sum per '
            "query) and through the whole `hybrid_search` (top 10), after one warm-up query. Recall@10: the "
            "store's dense top 10 chunks against exact brute-force numpy over the same chunk vectors. Many "
            "chunks are near-ties here (every corpus sentence recurs hundreds of times with small noise), "
            "which makes recall@10 a hard test.",
            "",
            _table(write_header, write_open_rows(results)),
            "",
            _table(search_header, search_rows(results)),
            "",
            "Overlap of the two stores' top 10 (mean share of the local store's list the Milvus one holds): "
            + ("; ".join(overlaps) if overlaps else "not measured (one store only)")
            + ".",
            "",
            *notes,
            'The machine is shared: the "others\' CPU" columns are the share of both cores other processes '
            "used during each stage, which slows every figure in the row.",
            "",
            format_machine(results["machine"]),
            "",
        ]
    )


def main() -> None:
    """Run one size (or one stage), merge into out/stores.json and rewrite the RESULTS.md section."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--stores", default=",".join(STORES))
    parser.add_argument("--workdir", type=Path, default=Path("/work/scratch-stores"))
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "stores.json")
    parser.add_argument("--note", help="a paragraph shown under the tables (e.g. why a size was not run)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the section from --out")
    parser.add_argument(
        "--queries", type=int, default=QUERIES, help="time only the first N queries (a slow store at scale)"
    )
    parser.add_argument("--stage", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        stage, workdir, arg = args.stage
        if stage == "corpus":
            print(json.dumps(stage_corpus(Path(workdir), int(arg))))
        elif stage == "write":
            print(json.dumps(stage_write(Path(workdir), arg)))
        else:
            print(json.dumps(stage_search(Path(workdir), arg, args.queries)))
        return
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(out.read_text()) if out.exists() else {"sizes": {}}
    if not args.report_only:
        entry = run_size(args.chunks, args.workdir / str(args.chunks), args.stores.split(","), args.queries)
        previous = results["sizes"].get(str(args.chunks), {"stores": {}})
        entry["stores"] = {**previous["stores"], **entry["stores"]}
        if "overlap" not in entry and "overlap" in previous:
            entry["overlap"] = previous["overlap"]
        results["sizes"][str(args.chunks)] = entry
        results["machine"] = describe_machine()
        results["machine"]["packages"].update(package_versions(("pymilvus", "milvus-lite")))
    if args.note:
        results["notes"] = args.note
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    write_section(args.results, SECTION, format_section(results))


if __name__ == "__main__":
    main()
