"""Milvus Lite at 10^5 (and 10^6) chunks: insert, index build, open, search latency and recall, peak RSS.

python benchmarks/bench_milvus.py [--sizes 100000] [--index HNSW] [--cache /work/scratch-scale]

Rows are the chunks of a synthetic set from ``synthetic_vectors.py`` (the same vectors and queries
as bench_dense.py): a 384-d dense vector, a doc_id (1,000 chunks per document), a ~200-character
text, and a sparse vector of ~60 token ids with BM25-like weights drawn from a Zipf vocabulary
(what nekb would compute from its own jieba tokens). Each stage runs in a fresh process so its peak
RSS is its own. Results: ``out/milvus.json`` (summarized in benchmarks/milvus-notes.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import shutil
import time
from pathlib import Path

import numpy as np
from neighbours import recall_at
from timing import percentiles_ms, run_json

HERE = Path(__file__).resolve().parent
SCRATCH = Path("/work/scratch-scale")
SEED = 7
BATCH = 2_000
CHUNKS_PER_DOC = 1_000
VOCABULARY = 200_000
TOKENS_PER_CHUNK = 60
QUERIES = 200
LIMIT = 50  # chunks nekb's hybrid search takes from each ranking
TEXT = "东北三省常住人口持续减少，振兴政策推动产业转型升级，" * 8  # ~200 characters


def peak_rss_mb() -> float:
    """Peak RSS of this process, MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def sparse_rows(n: int, rng: np.random.Generator) -> list[dict[int, float]]:
    """Zipf-distributed token ids with idf-like weights, TOKENS_PER_CHUNK per row."""
    ranks = np.minimum(rng.zipf(1.3, size=(n, TOKENS_PER_CHUNK)), VOCABULARY) - 1
    weights = np.log1p(ranks + 1.0).astype(np.float32)  # rarer tokens weigh more, as with idf
    return [dict(zip(r.tolist(), w.tolist(), strict=True)) for r, w in zip(ranks, weights, strict=True)]


def schema_and_index(client, index_type: str):
    """The chunks collection (dense + sparse + doc_id + text) and its index parameters."""
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=64)
    schema.add_field("text", DataType.VARCHAR, max_length=2048)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=384)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    index = client.prepare_index_params()
    params = {"M": 32, "efConstruction": 64} if index_type.startswith("HNSW") else {"nlist": 1024}
    index.add_index("dense", index_type=index_type, metric_type="IP", params=params)
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    index.add_index("doc_id", index_type="INVERTED")
    return schema, index


def stage_insert(db: Path, data_dir: Path, size: int, index_type: str) -> dict:
    """Create the collection, insert every chunk in batches, build the indexes, close."""
    from pymilvus import MilvusClient

    chunks = np.load(data_dir / "chunks.npy", mmap_mode="r")[:size]
    rng = np.random.default_rng(SEED)
    client = MilvusClient(str(db))
    schema, index = schema_and_index(client, index_type)
    client.create_collection("chunks", schema=schema)
    started = time.perf_counter()
    for first in range(0, len(chunks), BATCH):
        block = np.asarray(chunks[first : first + BATCH])
        sparse = sparse_rows(len(block), rng)
        client.insert(
            "chunks",
            [
                {
                    "id": first + i,
                    "doc_id": f"doc{(first + i) // CHUNKS_PER_DOC:05d}",
                    "text": TEXT,
                    "dense": vector.tolist(),
                    "sparse": sparse[i],
                }
                for i, vector in enumerate(block)
            ],
        )
    insert_s = time.perf_counter() - started
    started = time.perf_counter()
    client.flush("chunks")
    client.create_index("chunks", index)
    client.load_collection("chunks")
    index_s = time.perf_counter() - started
    client.close()
    return {
        "insert_s": round(insert_s, 1),
        "index_and_load_s": round(index_s, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def stage_search(db: Path, data_dir: Path, size: int, index_type: str) -> dict:
    """Open the .db, load, then search: dense alone, dense scoped to 10 documents, hybrid with RRF."""
    from pymilvus import AnnSearchRequest, MilvusClient, RRFRanker

    queries = np.load(data_dir / "queries.npy")[:QUERIES]
    exact = np.load(data_dir / "exact-chunks-milvus.npy")[:QUERIES] if size else None
    started = time.perf_counter()
    client = MilvusClient(str(db))
    client.load_collection("chunks")
    open_s = time.perf_counter() - started
    ef = {"ef": 256} if index_type.startswith("HNSW") else {"nprobe": 128}
    query_sparse = sparse_rows(len(queries), np.random.default_rng(SEED + 1))
    scope = (
        "doc_id in [" + ", ".join(f'"doc{d:05d}"' for d in range(0, size // CHUNKS_PER_DOC, 10)[:10]) + "]"
    )

    def dense(i: int, expr: str = "") -> list[int]:
        hits = client.search(
            "chunks",
            data=[queries[i].tolist()],
            anns_field="dense",
            limit=LIMIT,
            filter=expr,
            search_params={"params": ef},
        )
        return [h["id"] for h in hits[0]]

    def hybrid(i: int) -> list[int]:
        requests = [
            AnnSearchRequest(
                data=[queries[i].tolist()], anns_field="dense", param={"params": ef}, limit=LIMIT
            ),
            AnnSearchRequest(data=[query_sparse[i]], anns_field="sparse", param={}, limit=LIMIT),
        ]
        return [
            h["id"] for h in client.hybrid_search("chunks", requests, ranker=RRFRanker(60), limit=LIMIT)[0]
        ]

    result: dict = {"open_and_load_s": round(open_s, 2)}
    for name, call in (("dense", dense), ("dense_scoped", lambda i: dense(i, scope)), ("hybrid_rrf", hybrid)):
        call(0)
        seconds, found = [], []
        for i in range(len(queries)):
            begun = time.perf_counter()
            found.append(np.array(call(i)))
            seconds.append(time.perf_counter() - begun)
        result[name] = {"latency_ms": percentiles_ms(seconds)}
        if name == "dense" and exact is not None:
            result[name]["recall@10"] = recall_at(found, exact, 10)
            result[name][f"recall@{LIMIT}"] = recall_at(found, exact, LIMIT)
    result["peak_rss_mb"] = peak_rss_mb()
    client.close()
    return result


def run_stage(stage: str, db: Path, data_dir: Path, size: int, index_type: str) -> dict:
    """A stage in a fresh process; its JSON answer."""
    return run_json(__file__, "--stage", stage, db, data_dir, size, index_type)


def main() -> None:
    """Benchmark each size and write out/milvus.json."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--index", default="HNSW", help="dense index type: HNSW, HNSW_SQ, IVF_SQ8, IVF_FLAT")
    parser.add_argument("--cache", type=Path, default=SCRATCH)
    parser.add_argument("--stage", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.getLogger("faiss").setLevel(logging.ERROR)
    if args.stage:
        stage, db, data_dir, size, index_type = args.stage
        call = stage_insert if stage == "insert" else stage_search
        print(json.dumps(call(Path(db), Path(data_dir), int(size), index_type)))
        return
    from neighbours import exact_top

    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        data_dir = args.cache / f"synthetic-{size}-seed{SEED}"
        target = data_dir / "exact-chunks-milvus.npy"
        if not target.exists():
            chunks = np.load(data_dir / "chunks.npy", mmap_mode="r")[:size]
            np.save(target, exact_top(chunks, np.load(data_dir / "queries.npy")[:QUERIES], LIMIT)[1])
        db = args.cache / "milvus" / f"chunks-{size}-{args.index}.db"
        shutil.rmtree(db, ignore_errors=True)
        entry = {"index": args.index, "insert": run_stage("insert", db, data_dir, size, args.index)}
        entry["search"] = run_stage("search", db, data_dir, size, args.index)
        entry["db_bytes"] = sum(p.stat().st_size for p in db.rglob("*") if p.is_file())
        results[f"{size}-{args.index}"] = entry
        print(json.dumps(entry), flush=True)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    path = out / "milvus.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**previous, **results}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
