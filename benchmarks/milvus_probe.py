"""What Milvus Lite (pymilvus MilvusClient on a local .db path) can do for nekb, found by running it.

python benchmarks/milvus_probe.py [--dir /work/scratch-scale/milvus]

Each check prints one line: ok / FAILED and what came back. Findings: benchmarks/milvus-notes.md.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pymilvus import AnnSearchRequest, DataType, Function, FunctionType, MilvusClient, RRFRanker

from nekb.segment import Segmenter

DIM = 16
TEXTS = [
    "黑龙江省常住人口减少33万人",
    "辽宁省出生率下降到千分之四点三",
    "吉林省人口净流出22万人",
    "东北振兴政策推动产业转型",
    "哈尔滨冰雪旅游收入增长",
    "沈阳装备制造业产值提高",
]


class Collector(logging.Handler):
    """Keeps the error records Milvus Lite logs (e.g. an index build failing in the background)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def check(name: str, action: Callable[[], object]) -> object:
    """Run one check and print its outcome in one line (a background error logged meanwhile fails it)."""
    collector = Collector()
    loggers = [logging.getLogger("milvus_lite"), logging.getLogger("pymilvus")]
    for logger in loggers:
        logger.addHandler(collector)
        logger.propagate = False
    try:
        outcome = action()
    except Exception as err:  # a failed check is a finding, not a crash
        print(f"FAILED  {name}: {type(err).__name__}: {str(err)[:300]}", flush=True)
        return None
    finally:
        for logger in loggers:
            logger.removeHandler(collector)
    background = [r for r in collector.records if r.exc_info]
    if background:
        err = background[0].exc_info[1]
        print(
            f"FAILED  {name}: answered {str(outcome)[:120]}, but logged {type(err).__name__}: {err}",
            flush=True,
        )
        return None
    print(f"ok      {name}: {str(outcome)[:300]}", flush=True)
    return outcome


def vectors(n: int, seed: int = 0) -> np.ndarray:
    """Random unit vectors."""
    v = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def chunk_schema(analyzer: dict | None) -> object:
    """chunks: id, doc_id, text (analyzed when ``analyzer``), dense vector, sparse vector."""
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
    if analyzer is None:
        schema.add_field("text", DataType.VARCHAR, max_length=65535)
    else:
        schema.add_field(
            "text", DataType.VARCHAR, max_length=65535, enable_analyzer=True, analyzer_params=analyzer
        )
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    if analyzer is not None:
        schema.add_function(
            Function(
                name="bm25",
                function_type=FunctionType.BM25,
                input_field_names=["text"],
                output_field_names=["sparse"],
            )
        )
    return schema


def rows(with_sparse: bool) -> list[dict]:
    """One row per text; sparse vectors are token-id -> weight maps nekb would compute itself."""
    segmenter = Segmenter()
    vocab: dict[str, int] = {}
    out = []
    for i, (text, vector) in enumerate(zip(TEXTS, vectors(len(TEXTS)), strict=True)):
        row = {"id": i, "doc_id": f"doc{i % 3}.txt", "text": text, "dense": vector.tolist()}
        if with_sparse:
            tokens = segmenter.tokens(text)
            row["sparse"] = {vocab.setdefault(t, len(vocab)): 1.0 for t in tokens}
        out.append(row)
    return out


def index_types(client: MilvusClient) -> None:
    """(1) Which dense index types and metrics create_index accepts and searches with."""
    for metric in ("COSINE", "IP", "L2"):
        for index_type, params in (
            ("FLAT", {}),
            ("AUTOINDEX", {}),
            ("HNSW", {"M": 16, "efConstruction": 64}),
            ("HNSW_SQ", {"M": 16, "efConstruction": 64, "sq_type": "SQ8"}),
            ("IVF_FLAT", {"nlist": 4}),
            ("IVF_SQ8", {"nlist": 4}),
            ("IVF_PQ", {"nlist": 4, "m": 4, "nbits": 8}),
            ("DISKANN", {}),
            ("SCANN", {"nlist": 4}),
        ):
            name = f"t_{index_type.lower()}_{metric.lower()}"

            def run(name=name, index_type=index_type, params=params, metric=metric) -> object:
                schema = MilvusClient.create_schema(auto_id=False)
                schema.add_field("id", DataType.INT64, is_primary=True)
                schema.add_field("dense", DataType.FLOAT_VECTOR, dim=DIM)
                client.create_collection(name, schema=schema)
                data = vectors(64, seed=3)
                client.insert(name, [{"id": i, "dense": v.tolist()} for i, v in enumerate(data)])
                index = client.prepare_index_params()
                index.add_index("dense", index_type=index_type, metric_type=metric, params=params)
                client.create_index(name, index)
                client.load_collection(name)
                hits = client.search(name, data=[data[5].tolist()], anns_field="dense", limit=3)
                client.drop_collection(name)
                return [(h["id"], round(h["distance"], 4)) for h in hits[0]]

            check(f"(1) dense {index_type} {metric}", run)


def full_text(client: MilvusClient) -> None:
    """(2) BM25 functions with Chinese analyzers, and sparse vectors we compute ourselves."""
    for label, analyzer in (
        ("jieba tokenizer", {"tokenizer": "jieba"}),
        ("'chinese' analyzer type", {"type": "chinese"}),
        ("jieba exact mode", {"tokenizer": {"type": "jieba", "mode": "exact"}}),
    ):

        def run(analyzer=analyzer) -> object:
            client.create_collection("fts", schema=chunk_schema(analyzer))
            client.insert("fts", [{k: v for k, v in r.items()} for r in rows(with_sparse=False)])
            index = client.prepare_index_params()
            index.add_index("dense", index_type="FLAT", metric_type="COSINE")
            index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
            client.create_index("fts", index)
            client.load_collection("fts")
            hits = client.search(
                "fts", data=["人口净流出"], anns_field="sparse", limit=3, output_fields=["text"]
            )
            client.drop_collection("fts")
            return [(h["entity"]["text"], round(h["distance"], 3)) for h in hits[0]]

        check(f"(2) BM25 function, {label}", run)

    def own_sparse() -> object:
        client.create_collection("sparse", schema=chunk_schema(None))
        client.insert("sparse", rows(with_sparse=True))
        index = client.prepare_index_params()
        index.add_index("dense", index_type="FLAT", metric_type="COSINE")
        index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        client.create_index("sparse", index)
        client.load_collection("sparse")
        data = rows(with_sparse=True)
        query = data[2]["sparse"]  # the tokens of text 2, weight 1 each
        hits = client.search("sparse", data=[query], anns_field="sparse", limit=3, output_fields=["text"])
        return [(h["entity"]["text"], round(h["distance"], 3)) for h in hits[0]]

    check("(2) SPARSE_FLOAT_VECTOR with IP, our own token weights", own_sparse)


def hybrid_and_filters(client: MilvusClient) -> None:
    """(3) hybrid_search with RRF; (4) filters by doc_id and on fact fields; (5) upsert and delete."""
    data = rows(with_sparse=True)
    query_vector = data[1]["dense"]

    def hybrid() -> object:
        requests = [
            AnnSearchRequest(data=[query_vector], anns_field="dense", param={}, limit=5),
            AnnSearchRequest(data=[data[2]["sparse"]], anns_field="sparse", param={}, limit=5),
        ]
        hits = client.hybrid_search(
            "sparse", requests, ranker=RRFRanker(60), limit=4, output_fields=["doc_id"]
        )
        return [(h["id"], round(h["distance"], 5)) for h in hits[0]]

    check("(3) hybrid_search dense + sparse, RRFRanker(60)", hybrid)

    def hybrid_scoped() -> object:
        scope = 'doc_id in ["doc0.txt", "doc2.txt"]'
        requests = [
            AnnSearchRequest(data=[query_vector], anns_field="dense", param={}, limit=5, expr=scope),
            AnnSearchRequest(data=[data[2]["sparse"]], anns_field="sparse", param={}, limit=5, expr=scope),
        ]
        hits = client.hybrid_search(
            "sparse", requests, ranker=RRFRanker(60), limit=4, output_fields=["doc_id"]
        )
        return [(h["id"], h["entity"]["doc_id"]) for h in hits[0]]

    check("(3)+(4) hybrid_search with a doc_id scope on each route", hybrid_scoped)

    def facts() -> object:
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("fact_id", DataType.VARCHAR, is_primary=True, max_length=256)
        for name in ("doc_id", "entity", "indicator", "period", "unit"):
            schema.add_field(name, DataType.VARCHAR, max_length=512)
        schema.add_field("value", DataType.DOUBLE)
        schema.add_field("start", DataType.INT64)
        schema.add_field("dummy", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs a vector field
        client.create_collection("facts", schema=schema)
        client.insert(
            "facts",
            [
                {
                    "fact_id": "a#1",
                    "doc_id": "a",
                    "entity": "黑龙江",
                    "indicator": "常住人口减少",
                    "period": "2024",
                    "unit": "万人",
                    "value": 33.0,
                    "start": 10,
                    "dummy": [0.0, 1.0],
                },
                {
                    "fact_id": "a#2",
                    "doc_id": "a",
                    "entity": "吉林",
                    "indicator": "净流出",
                    "period": "2024",
                    "unit": "万人",
                    "value": 22.1,
                    "start": 40,
                    "dummy": [0.0, 1.0],
                },
                {
                    "fact_id": "b#1",
                    "doc_id": "b",
                    "entity": "黑龙江省",
                    "indicator": "出生率",
                    "period": "2023",
                    "unit": "‰",
                    "value": 3.34,
                    "start": 5,
                    "dummy": [0.0, 1.0],
                },
            ],
        )
        index = client.prepare_index_params()
        index.add_index("dummy", index_type="FLAT", metric_type="L2")
        client.create_index("facts", index)
        client.load_collection("facts")
        like = client.query("facts", filter='entity like "黑龙江%" and value > 10', output_fields=["fact_id"])
        by_doc = client.query("facts", filter='doc_id == "a"', output_fields=["fact_id"])
        return {"like+range": [r["fact_id"] for r in like], "doc a": sorted(r["fact_id"] for r in by_doc)}

    check("(4) fact table as scalar fields: like, range, doc_id filters", facts)

    def upsert_delete() -> object:
        changed = dict(data[0], text="黑龙江省常住人口减少30万人")
        client.upsert("sparse", [changed])
        after_upsert = client.get("sparse", ids=[0], output_fields=["text"])[0]["text"]
        deleted = client.delete("sparse", filter='doc_id == "doc1.txt"')
        left = client.query("sparse", filter="id >= 0", output_fields=["doc_id"])
        return {
            "upserted": after_upsert,
            "delete result": deleted,
            "left": sorted({r["doc_id"] for r in left}),
            "count": len(left),
        }

    check("(5) upsert by primary key, delete by doc_id filter", upsert_delete)


def aliases_and_texts(client: MilvusClient) -> None:
    """(6) alias switch between versioned collections; (7) long VARCHAR texts."""

    def make(name: str, text: str) -> None:
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text", DataType.VARCHAR, max_length=128)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=DIM)
        client.create_collection(name, schema=schema)
        client.insert(name, [{"id": 0, "text": text, "dense": vectors(1)[0].tolist()}])
        index = client.prepare_index_params()
        index.add_index("dense", index_type="FLAT", metric_type="COSINE")
        client.create_index(name, index)
        client.load_collection(name)

    def alias_switch() -> object:
        make("chunks_v1", "version 1")
        client.create_alias("chunks_v1", "chunks")
        first = client.query("chunks", filter="id == 0", output_fields=["text"])[0]["text"]
        make("chunks_v2", "version 2")
        client.alter_alias("chunks_v2", "chunks")
        second = client.query("chunks", filter="id == 0", output_fields=["text"])[0]["text"]
        client.drop_collection("chunks_v1")
        return {"before": first, "after alter_alias": second, "aliases": client.list_aliases("chunks_v2")}

    check("(6) create_alias / alter_alias between versioned collections", alias_switch)

    for max_length in (65_535, 1_048_576, 10_000_000):

        def long_text(max_length=max_length) -> object:
            name = f"docs_{max_length}"
            schema = MilvusClient.create_schema(auto_id=False)
            schema.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=512)
            schema.add_field("text", DataType.VARCHAR, max_length=max_length)
            schema.add_field("dummy", DataType.FLOAT_VECTOR, dim=2)
            client.create_collection(name, schema=schema)
            text = ("东北振兴。" * (max_length // 5 + 1))[:max_length]  # a document of max_length characters
            client.insert(name, [{"doc_id": "big.txt", "text": text, "dummy": [0.0, 1.0]}])
            index = client.prepare_index_params()
            index.add_index("dummy", index_type="FLAT", metric_type="L2")
            client.create_index(name, index)
            client.load_collection(name)
            back = client.get(name, ids=["big.txt"], output_fields=["text"])[0]["text"]
            too_long = text + "多"
            try:
                client.insert(name, [{"doc_id": "bigger.txt", "text": too_long, "dummy": [0.0, 1.0]}])
                over = "accepted"
            except Exception as err:
                over = f"rejected ({type(err).__name__})"
            client.drop_collection(name)
            return {"stored chars": len(back), "round trip": back == text, "one char over": over}

        check(f"(7) VARCHAR max_length={max_length:,}: a document that long", long_text)


def _open_in_child(path: str, queue: multiprocessing.Queue) -> None:
    try:
        client = MilvusClient(path)
        queue.put(f"opened: collections {client.list_collections()}")
    except Exception as err:
        queue.put(f"refused: {type(err).__name__}: {str(err)[:200]}")


def persistence(path: Path) -> None:
    """Reopen after close; a second process on the same .db."""

    def reopen() -> object:
        started = time.perf_counter()
        client = MilvusClient(str(path))
        names = client.list_collections()
        count = client.query("sparse", filter="id >= 0", output_fields=["id"])
        return {"open_s": round(time.perf_counter() - started, 2), "collections": names, "rows": len(count)}

    check("(8) reopen the .db in a new client: data persisted", reopen)

    def second_process() -> object:
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_open_in_child, args=(str(path), queue))
        child.start()
        child.join(60)
        return queue.get(timeout=5)

    check("(9) a second process opens the same .db while this one holds it", second_process)


def main() -> None:
    """Run every check against a fresh .db under --dir."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=Path("/work/scratch-scale/milvus"))
    args = parser.parse_args()
    path = args.dir / "probe.db"
    shutil.rmtree(path, ignore_errors=True)
    args.dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    client = MilvusClient(str(path))
    logging.getLogger("faiss").setLevel(logging.ERROR)
    print(
        f"ok      (0) MilvusClient({path.name}) started in-process in {time.perf_counter() - started:.2f} s"
    )
    index_types(client)
    full_text(client)
    hybrid_and_filters(client)
    aliases_and_texts(client)
    client.close()
    persistence(path)


if __name__ == "__main__":
    main()
