"""Scale: synthetic corpora of 10k and 100k chunks recombined from the corpus's sentences.

Measures BM25 (SparseIndex) and FAISS (DenseIndex flat and IVF, IVF-Flat via faiss directly): build
time, index bytes, search latency and recall against exact search, for chunks and for sentences
(nekb indexes both); then the whole hybrid query through ``KnowledgeBase.search`` on a real index
directory written from the synthetic documents by nekb's own ``save_snapshot``.

Embedding the sentences of 100k chunks with e5 would take hours, so the dense side is made
offline: each unique corpus sentence is embedded once with the real model, a synthetic sentence
reuses its vector, and a chunk's vector is the length-weighted mean of its sentences' vectors, as
in a build (queries are real e5 query embeddings). With ~700 unique sentences every synthetic
sentence is a repeat, so its vector gets small Gaussian noise (cosine about 0.95 to the original):
exact duplicates by the hundred would be unlike real text and distort the index. Likewise each unique
sentence is tokenized once and a chunk's BM25 tokens are its sentences' tokens concatenated; a
sample of whole chunks is tokenized directly to measure jieba's throughput and check that the two
agree.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np
from bench_build import chunk_forms
from timing import percentiles_ms, timed

from nekb import KnowledgeBase
from nekb.build import settings
from nekb.chunk import make_chunks, split_sentences
from nekb.corpus import corpus_files
from nekb.embed import Embedder, pool_chunk_vectors
from nekb.index import FLAT_MAX_VECTORS, DenseIndex, SparseIndex, choose_index_type
from nekb.ingest import read_document
from nekb.normalize import SearchNormalizer
from nekb.persist import save_snapshot
from nekb.pipeline import CHUNK_CHARS, CHUNK_OVERLAP, DocumentRecord
from nekb.search import CANDIDATES
from nekb.segment import Segmenter
from nekb.store import new_version_dir, publish
from nekb.types import DocumentInfo

SEED = 20241123
ROUNDS = 5  # passes over the dev questions per latency measurement
CHUNKS_PER_DOCUMENT = 1000  # this benchmark's and bench_open's documents (their published figures)
# Chunks per document in bench_stores' corpus: a think-tank paper or long news feature of 10-20 thousand
# characters is 40-80 chunks of CHUNK_CHARS (250); the users hold tens of thousands of papers
# making 10^6-10^7 chunks, so "tens of chunks per paper". 40 makes 10^6 chunks 25,000 documents.
PAPER_CHUNKS = 40
TOKENIZE_SAMPLE = 2000  # whole chunks tokenized directly, for throughput and the agreement check
IVF_NPROBE = 16
# Norm of the noise added to a repeated sentence's vector: cosine to the original is 1/sqrt(1+0.33^2) = 0.95.
SENTENCE_NOISE = 0.33


def sentence_pool(corpus_dir: Path) -> list[str]:
    """The unique sentences of the cleaned corpus documents, in corpus order."""
    seen: dict[str, None] = {}
    for path in corpus_files(corpus_dir):
        text = read_document(path).text
        seen.update(dict.fromkeys(text[s:e] for s, e in split_sentences(text)))
    return list(seen)


class SentencePool:
    """The corpus's unique sentences with their search form, BM25 tokens and e5 passage vectors."""

    def __init__(
        self, corpus_dir: Path, embedder: Embedder, segmenter: Segmenter, normalizer: SearchNormalizer
    ):
        self.texts = sentence_pool(corpus_dir)
        self.lengths = np.array([len(t) for t in self.texts])
        self.forms = [normalizer.search_form(t) for t in self.texts]
        self.tokens, self.tokenize_s = timed(lambda: [segmenter.tokens(f) for f in self.forms])
        self.vectors, self.embed_s = timed(embedder.embed_passages, self.forms)


def draw_document(
    pool: SentencePool, n_chunks: int, rng: np.random.Generator
) -> tuple[np.ndarray, list[tuple[int, int]], np.ndarray, np.ndarray]:
    """Random pool sentences chunked by nekb's own chunker, cut to ``n_chunks`` chunks.

    Returns ``(pool ids of the sentences, chunk ranges, sentence vectors, chunk vectors)``.
    """
    # About 4 new sentences per chunk with overlap 1: drawing 10 per chunk always leaves enough.
    ids = rng.integers(0, len(pool.texts), size=n_chunks * 10)
    ends = np.cumsum(pool.lengths[ids])
    spans = list(zip((ends - pool.lengths[ids]).tolist(), ends.tolist(), strict=True))
    ranges = make_chunks(spans, max_chars=CHUNK_CHARS, overlap=CHUNK_OVERLAP)[:n_chunks]
    ids = ids[: ranges[-1][1]]
    dim = pool.vectors.shape[1]
    noise = rng.standard_normal((len(ids), dim), dtype=np.float32) * np.float32(SENTENCE_NOISE / np.sqrt(dim))
    sentence_vectors = pool.vectors[ids] + noise
    sentence_vectors /= np.linalg.norm(sentence_vectors, axis=1, keepdims=True)
    return ids, ranges, sentence_vectors, pool_chunk_vectors(sentence_vectors, pool.lengths[ids], ranges)


def document_of(
    number: int,
    texts: Sequence[str],
    tokens: Sequence[Sequence[str]],
    ids: np.ndarray,
    ranges: Sequence[tuple[int, int]],
    vectors: tuple[np.ndarray, np.ndarray],
) -> DocumentRecord:
    """The record of synthetic document ``number``: pool sentences ``ids`` (``texts``/``tokens`` by
    pool id) chunked as ``ranges``, with ``vectors`` = (sentence vectors, chunk vectors)."""
    pieces = [texts[i] for i in ids.tolist()]
    ends = np.cumsum([len(t) for t in pieces])
    spans = tuple(zip((ends - [len(t) for t in pieces]).tolist(), ends.tolist(), strict=True))
    text = "".join(pieces)
    doc_id = f"synthetic-{number:04d}"
    doc = DocumentRecord(
        info=DocumentInfo(doc_id=doc_id, title=doc_id, chars=len(text), chunks=len(ranges)),
        text=text,
        page_starts=(),
        sentences=spans,
        chunk_ranges=tuple((int(a), int(b)) for a, b in ranges),
        sentence_tokens=tuple(tuple(tokens[i]) for i in ids.tolist()),
        facts=(),
    )
    return doc.with_vectors(*vectors)


def synthetic_document(
    number: int, pool: SentencePool, n_chunks: int, rng: np.random.Generator
) -> DocumentRecord:
    """A document of random pool sentences, chunked by nekb's own chunker, cut to ``n_chunks`` chunks."""
    ids, ranges, sentence_vectors, chunk_vectors = draw_document(pool, n_chunks, rng)
    return document_of(number, pool.texts, pool.tokens, ids, ranges, (sentence_vectors, chunk_vectors))


def synthetic_corpus(
    pool: SentencePool, n_chunks: int, rng: np.random.Generator, per_document: int = CHUNKS_PER_DOCUMENT
) -> list[DocumentRecord]:
    """Documents of ``per_document`` chunks (the last one shorter) adding up to ``n_chunks``."""
    docs = []
    while (made := sum(len(d.chunk_ranges) for d in docs)) < n_chunks:
        docs.append(synthetic_document(len(docs), pool, min(per_document, n_chunks - made), rng))
    return docs


def write_index(index_dir: Path, docs: list[DocumentRecord], embedder: Embedder) -> Path:
    """Publish ``docs`` as a version of ``index_dir``, exactly as a build saves them."""
    version = new_version_dir(index_dir)
    save_snapshot(version, docs, embedder.name, embedder.dim, settings())
    publish(version)
    return version


def directory_bytes(path: Path) -> int:
    """Total size of the files under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def latency(search: Callable[[int], object], n_queries: int, rounds: int = ROUNDS) -> dict[str, float]:
    """p50/p95 of ``search(i)`` over every query index, ``rounds`` times, after one warm-up pass."""
    for i in range(n_queries):
        search(i)
    seconds = []
    for _ in range(rounds):
        for i in range(n_queries):
            started = time.perf_counter()
            search(i)
            seconds.append(time.perf_counter() - started)
    return percentiles_ms(seconds)


def recall_at(found: list[np.ndarray], exact: list[np.ndarray], k: int) -> float:
    """Mean share of the exact top ``k`` that an approximate search also returned in its top ``k``."""
    shares = [
        len(set(f[:k].tolist()) & set(e[:k].tolist())) / max(min(k, len(e)), 1)
        for f, e in zip(found, exact, strict=True)
    ]
    return round(float(np.mean(shares)), 4)


def score_ratio_at(
    found: list[np.ndarray], exact: list[np.ndarray], vectors: np.ndarray, queries: np.ndarray, k: int
) -> float:
    """Mean of (summed cosine of the approximate top ``k``) / (summed cosine of the exact top ``k``).

    Near 1 although recall is low means the misses are near-ties: neighbours about as close as the
    exact ones, which matters less to fusion than the id-level recall suggests.
    """
    ratios = [
        float((vectors[f[:k]] @ q).sum() / (vectors[e[:k]] @ q).sum())
        for f, e, q in zip(found, exact, queries, strict=True)
    ]
    return round(float(np.mean(ratios)), 4)


def bench_sparse(token_lists: list[list[str]], query_tokens: list[list[str]], workdir: Path) -> dict:
    """BM25 build time, saved bytes and top-CANDIDATES latency."""
    index, build_s = timed(SparseIndex.build, token_lists)
    target = workdir / "bm25"
    target.mkdir()
    index.save(target)
    size = directory_bytes(target)
    shutil.rmtree(target)
    return {
        "build_s": round(build_s, 3),
        "bytes": size,
        "latency_ms": latency(lambda i: index.search(query_tokens[i], CANDIDATES), len(query_tokens)),
    }


def bench_dense(vectors: np.ndarray, queries: np.ndarray, kind: str, exact: list[np.ndarray] | None) -> dict:
    """DenseIndex (flat or ivf) build time, bytes, latency; recall and score ratio against ``exact``.

    The built index and the ids it found are returned under ``index``/``ids`` for reuse.
    """
    index, build_s = timed(DenseIndex.build, vectors, kind)
    found = [index.search(q, CANDIDATES)[1] for q in queries]
    result = {
        "build_s": round(build_s, 3),
        "bytes": len(faiss.serialize_index(index.codes)) if index.codes is not None else vectors.nbytes,
        "latency_ms": latency(lambda i: index.search(queries[i], CANDIDATES), len(queries)),
        "index": index,
        "ids": found,
    }
    if exact is not None:
        result["recall@10"] = recall_at(found, exact, 10)
        result["recall@50"] = recall_at(found, exact, CANDIDATES)
        result["score_ratio@10"] = score_ratio_at(found, exact, vectors, queries, 10)
    return result


def bench_ivf(vectors: np.ndarray, queries: np.ndarray, exact: list[np.ndarray]) -> dict:
    """IVF-Flat via faiss (nlist ~4 sqrt(n), nprobe IVF_NPROBE): train+add time, bytes, latency, recall."""
    # 4 sqrt(n) lists, but no more than faiss's k-means wants (39 training points per centroid).
    nlist = max(1, min(int(4 * np.sqrt(len(vectors))), len(vectors) // 39))
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    index = faiss.IndexIVFFlat(quantizer, vectors.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    started = time.perf_counter()
    index.train(vectors)
    index.add(vectors)
    build_s = time.perf_counter() - started
    index.nprobe = IVF_NPROBE

    def search(i: int) -> np.ndarray:
        return index.search(queries[i : i + 1], CANDIDATES)[1][0]

    found = [search(i) for i in range(len(queries))]
    return {
        "nlist": nlist,
        "nprobe": IVF_NPROBE,
        "build_s": round(build_s, 3),
        "bytes": len(faiss.serialize_index(index)),
        "latency_ms": latency(search, len(queries)),
        "recall@10": recall_at(found, exact, 10),
        "recall@50": recall_at(found, exact, CANDIDATES),
        "score_ratio@10": score_ratio_at(found, exact, vectors, queries, 10),
    }


def embedding_after_search(
    embedder: Embedder, index: DenseIndex, queries: np.ndarray, questions: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Query embedding alone and right after an exact search, with faiss's default threads and with one.

    faiss's OpenMP threads keep spinning for a while after a search; on few cores they compete
    with e5's own threads, so an embedding that follows a search can be slower than one alone.
    """

    def after_search() -> dict[str, float]:
        seconds = []
        for _ in range(ROUNDS):
            for i, question in enumerate(questions):
                index.search(queries[i], CANDIDATES)
                started = time.perf_counter()
                embedder.embed_queries([question])
                seconds.append(time.perf_counter() - started)
        return percentiles_ms(seconds)

    result = {
        "alone_ms": latency(lambda i: embedder.embed_queries([questions[i]]), len(questions)),
        "after_flat_search_ms": after_search(),
    }
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)  # process-wide: restored below
    try:
        result["after_flat_search_1_thread_ms"] = after_search()
        result["flat_search_1_thread_ms"] = latency(
            lambda i: index.search(queries[i], CANDIDATES), len(queries)
        )
    finally:
        faiss.omp_set_num_threads(threads)
    return result


def bench_hybrid(
    index_dir: Path, workdir: Path, embedder: Embedder, questions: Sequence[str], chunk_ivf: DenseIndex
) -> dict:
    """Whole ``kb.search`` queries on the written index with the index type nekb picked, then the other.

    The other type is swapped into the loaded snapshot for both dense indexes (chunks and sentences);
    a chunk IVF index built earlier on the same vectors is reused.
    """
    kb, open_s = timed(KnowledgeBase.open, workdir, index_dir, model=embedder)
    snap = kb._snapshot
    picked = snap.dense["chunk"].kind
    result = {
        "index_type": picked,
        "open_s": round(open_s, 3),
        "index_dir_bytes": directory_bytes(index_dir),
        "query_embedding_ms": latency(lambda i: embedder.embed_queries([questions[i]]), len(questions)),
        f"search_{picked}_ms": latency(lambda i: kb.search(questions[i], k=5), len(questions)),
    }
    other = "ivf" if picked == "flat" else "flat"
    sentence_vectors = np.concatenate([d.sentence_vectors for d in snap.records.values()])
    sentence_index, swap_s = timed(DenseIndex.build, sentence_vectors, other)
    chunk_index = (
        chunk_ivf
        if other == "ivf"
        else DenseIndex.build(np.concatenate([d.chunk_vectors for d in snap.records.values()]), "flat")
    )
    # The benchmark swaps the loaded version for one with the other index type; nekb never does this.
    kb._snapshot = replace(snap, dense={"chunk": chunk_index, "sentence": sentence_index})
    result[f"{other}_sentence_index_build_s"] = round(swap_s, 2)
    result[f"search_{other}_ms"] = latency(lambda i: kb.search(questions[i], k=5), len(questions))
    return result


def tokenizer_check(
    docs: Sequence[DocumentRecord], segmenter: Segmenter, normalizer: SearchNormalizer
) -> dict:
    """Tokenize TOKENIZE_SAMPLE whole chunks: jieba throughput, and agreement with concatenated tokens."""
    pairs = []
    for doc in docs:
        tokens = [doc.chunk_tokens(i) for i in range(len(doc.chunk_ranges))]
        pairs.extend(zip(chunk_forms(doc, normalizer), tokens, strict=True))
        if len(pairs) >= TOKENIZE_SAMPLE:
            break
    pairs = pairs[:TOKENIZE_SAMPLE]
    direct, seconds = timed(lambda: [segmenter.tokens(text) for text, _ in pairs])
    same = sum(d == tokens for d, (_, tokens) in zip(direct, pairs, strict=True))
    return {
        "chunks": len(pairs),
        "chunks_per_s": round(len(pairs) / seconds, 1),
        "identical_share": round(same / max(len(pairs), 1), 4),
    }


def _strip(entry: dict) -> dict:
    """Drop the reusable objects from a bench_dense result before it is reported."""
    return {k: v for k, v in entry.items() if k not in ("index", "ids")}


def run(
    corpus_dir: Path, workdir: Path, embedder: Embedder, questions: Sequence[str], sizes: Sequence[int]
) -> dict:
    """Make the largest synthetic corpus once and benchmark every size on a prefix of its documents."""
    rng = np.random.default_rng(SEED)
    normalizer, segmenter = SearchNormalizer(), Segmenter()
    pool = SentencePool(corpus_dir, embedder, segmenter, normalizer)
    docs, compose_s = timed(synthetic_corpus, pool, max(sizes), rng)
    queries = embedder.embed_queries([normalizer.search_form(q) for q in questions])
    query_tokens = [segmenter.tokens(normalizer.search_form(q)) for q in questions]
    result: dict = {
        "unique_sentences": len(pool.texts),
        "mean_chunk_chars": round(float(np.mean([len(c.text) for d in docs[:10] for c in d.chunks()])), 1),
        "prepare_s": {
            "tokenize_sentences": round(pool.tokenize_s, 2),
            "embed_sentences": round(pool.embed_s, 2),
            "compose_corpus": round(compose_s, 2),
        },
        "tokenizer": tokenizer_check(docs, segmenter, normalizer),
        "hnsw_threshold": FLAT_MAX_VECTORS,
        "sizes": {},
    }
    for size in sizes:
        part = docs[: -(-size // CHUNKS_PER_DOCUMENT)]  # the documents holding the first `size` chunks
        chunk_vectors = np.ascontiguousarray(np.concatenate([d.chunk_vectors for d in part]))
        sentence_vectors = np.ascontiguousarray(np.concatenate([d.sentence_vectors for d in part]))
        flat = bench_dense(chunk_vectors, queries, "flat", None)
        hnsw = bench_dense(chunk_vectors, queries, "ivf", flat["ids"])
        sentence_flat = bench_dense(sentence_vectors, queries, "flat", None)
        entry = {
            "chunks": len(chunk_vectors),
            "sentences": len(sentence_vectors),
            "chosen_index_type": choose_index_type(len(sentence_vectors)),
            "bm25": bench_sparse(
                [d.chunk_tokens(i) for d in part for i in range(len(d.chunk_ranges))], query_tokens, workdir
            ),
            "flat": _strip(flat),
            "hnsw": _strip(hnsw),
            "ivf": bench_ivf(chunk_vectors, queries, flat["ids"]),
            "sentence_bm25": bench_sparse(
                [t for d in part for t in d.sentence_tokens], query_tokens, workdir
            ),
            "sentence_flat": _strip(sentence_flat),
            "embedding_interference": embedding_after_search(
                embedder, sentence_flat["index"], queries, questions
            ),
        }
        index_dir = workdir / f"index-{size}"
        _, write_s = timed(write_index, index_dir, part, embedder)
        hybrid = bench_hybrid(index_dir, workdir, embedder, questions, hnsw["index"])
        entry["hybrid"] = {"write_s": round(write_s, 2), **hybrid}
        shutil.rmtree(index_dir)
        result["sizes"][size] = entry
    return result
