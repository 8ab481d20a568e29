"""Scale: synthetic corpora of 10k and 100k chunks recombined from the corpus's sentences.

Measures BM25 (SparseIndex) and FAISS (DenseIndex flat and HNSW, IVF via faiss directly): build
time, index bytes, search latency and recall against exact search; then the whole hybrid query
through ``KnowledgeBase.search`` on a real index directory written from the synthetic chunks.

Embedding 100k chunks with e5 would take hours, so the dense side is made offline: each unique
corpus sentence is embedded once with the real model, and a chunk's vector is the normalized mean
of its sentences' vectors (queries are real e5 query embeddings). Likewise each sentence is
tokenized once and a chunk's BM25 tokens are its sentences' tokens concatenated; a sample of whole
chunks is tokenized directly to measure jieba's throughput and check the two agree.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import faiss
import numpy as np
from timing import percentiles_ms, ratio, timed

from nekb import KnowledgeBase
from nekb.build import settings
from nekb.chunk import split_sentences
from nekb.clean import SearchNormalizer
from nekb.corpus import corpus_files
from nekb.embed import Embedder
from nekb.index import HNSW_THRESHOLD, DenseIndex, SparseIndex, choose_index_type
from nekb.ingest import read_document
from nekb.kb import CANDIDATES
from nekb.pipeline import CHUNK_CHARS, DocumentData
from nekb.segment import Segmenter
from nekb.snapshot import save_snapshot
from nekb.store import new_version_dir, publish
from nekb.types import DocumentInfo

SEED = 20241123
ROUNDS = 5  # passes over the dev questions per latency measurement
CHUNKS_PER_DOCUMENT = 1000
TOKENIZE_SAMPLE = 2000  # whole chunks tokenized directly, for throughput and the agreement check
IVF_NPROBE = 16
# Exact search cost does not depend on the vectors' values, so larger sizes probe flat search with
# random unit vectors (cheap to make) to see where it stops being fast enough.
FLAT_PROBE_SIZES = (200_000, 400_000)


def sentence_pool(corpus_dir: Path) -> list[str]:
    """The unique sentences of the cleaned corpus documents, in corpus order."""
    seen: dict[str, None] = {}
    for path in corpus_files(corpus_dir):
        text = read_document(path).text
        seen.update(dict.fromkeys(text[s:e] for s, e in split_sentences(text)))
    return list(seen)


def compose_chunks(
    lengths: np.ndarray, n: int, rng: np.random.Generator, max_chars: int = CHUNK_CHARS
) -> list[list[int]]:
    """``n`` chunks, each a random sequence of sentence ids filled up to ``max_chars`` (at least one)."""
    chunks = []
    draws = iter(rng.integers(0, len(lengths), size=n * 64).tolist())
    for _ in range(n):
        first = next(draws)
        ids, size = [first], int(lengths[first])
        while True:
            candidate = next(draws)
            if size + lengths[candidate] > max_chars:
                break
            ids.append(candidate)
            size += int(lengths[candidate])
        chunks.append(ids)
    return chunks


def chunk_vectors(chunks: Sequence[Sequence[int]], sentence_vectors: np.ndarray) -> np.ndarray:
    """Normalized mean of each chunk's sentence vectors, as float32."""
    out = np.empty((len(chunks), sentence_vectors.shape[1]), dtype=np.float32)
    for row, ids in enumerate(chunks):
        out[row] = sentence_vectors[ids].mean(axis=0)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


def synthetic_documents(
    chunks: Sequence[Sequence[int]],
    sentences: Sequence[str],
    sentence_tokens: Sequence[list[str]],
    vectors: np.ndarray,
) -> list[DocumentData]:
    """Group the chunks into documents of CHUNKS_PER_DOCUMENT chunks that nekb can save and open."""
    docs = []
    for first in range(0, len(chunks), CHUNKS_PER_DOCUMENT):
        group = chunks[first : first + CHUNKS_PER_DOCUMENT]
        spans, ranges, tokens, parts = [], [], [], []
        offset = 0
        for ids in group:
            ranges.append((len(spans), len(spans) + len(ids)))
            chunk_tokens = []
            for sid in ids:
                spans.append((offset, offset + len(sentences[sid])))
                parts.append(sentences[sid])
                offset += len(sentences[sid])
                chunk_tokens.extend(sentence_tokens[sid])
            tokens.append(chunk_tokens)
        doc_id = f"synthetic-{first // CHUNKS_PER_DOCUMENT:04d}"
        text = "".join(parts)
        info = DocumentInfo(doc_id=doc_id, title=doc_id, chars=len(text), chunks=len(group))
        doc = DocumentData(info, text, (), spans, ranges, tokens, [])
        doc.vectors = vectors[first : first + len(group)]
        docs.append(doc)
    return docs


def write_index(index_dir: Path, docs: list[DocumentData], embedder: Embedder) -> Path:
    """Publish ``docs`` as a version of ``index_dir``, exactly as a build would save them."""
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
        len(set(f[:k].tolist()) & set(e[:k].tolist())) / max(min(k, len(e)), 1) for f, e in zip(found, exact)
    ]
    return round(float(np.mean(shares)), 4)


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
    """DenseIndex (flat or hnsw) build time, bytes, latency, and recall@10/@50 against ``exact``."""
    index, build_s = timed(DenseIndex.build, vectors, kind)
    found = [index.search(q, CANDIDATES)[1] for q in queries]
    result = {
        "build_s": round(build_s, 3),
        "bytes": int(faiss.serialize_index(index.index).nbytes),
        "latency_ms": latency(lambda i: index.search(queries[i], CANDIDATES), len(queries)),
        "index": index,
        "ids": found,
    }
    if exact is not None:
        result["recall@10"] = recall_at(found, exact, 10)
        result["recall@50"] = recall_at(found, exact, CANDIDATES)
    return result


def bench_ivf(vectors: np.ndarray, queries: np.ndarray, exact: list[np.ndarray]) -> dict:
    """IVF-Flat via faiss directly (nlist = 4 sqrt(n), nprobe = IVF_NPROBE): train+add time, bytes, latency."""
    nlist = int(4 * np.sqrt(len(vectors)))
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
        "bytes": int(faiss.serialize_index(index).nbytes),
        "latency_ms": latency(search, len(queries)),
        "recall@10": recall_at(found, exact, 10),
        "recall@50": recall_at(found, exact, CANDIDATES),
    }


def bench_hybrid(
    index_dir: Path, workdir: Path, embedder: Embedder, questions: Sequence[str], hnsw: DenseIndex
) -> dict:
    """Open the written index and time whole ``kb.search`` queries with its own index type, then HNSW."""
    kb, open_s = timed(KnowledgeBase.open, index_dir, workdir, model=embedder)
    _, load_s = timed(lambda: kb.snapshot)
    kind = kb.snapshot.dense.kind
    result = {
        "index_type": kind,
        "open_s": round(open_s + load_s, 3),
        "index_dir_bytes": directory_bytes(index_dir),
        "query_embedding_ms": latency(lambda i: embedder.embed_queries([questions[i]]), len(questions)),
        f"search_{kind}_ms": latency(lambda i: kb.search(questions[i], k=5), len(questions)),
    }
    if kind != "hnsw":
        # Swap the loaded snapshot's dense index for the HNSW one built on the same vectors.
        kb.snapshot.dense = hnsw
        result["search_hnsw_ms"] = latency(lambda i: kb.search(questions[i], k=5), len(questions))
    return result


def bench_flat_probe(sizes: Sequence[int], queries: np.ndarray, rng: np.random.Generator) -> dict:
    """Flat (exact) top-CANDIDATES latency at sizes beyond the synthetic corpus, on random unit vectors."""
    out = {}
    for size in sizes:
        vectors = rng.standard_normal((size, queries.shape[1]), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index = DenseIndex.build(vectors, "flat")
        out[size] = latency(lambda i, index=index: index.search(queries[i], CANDIDATES), len(queries))
        del vectors, index
    return out


def tokenizer_check(
    chunks: Sequence[Sequence[int]],
    sentence_forms: Sequence[str],
    token_lists: Sequence[list[str]],
    segmenter: Segmenter,
) -> dict:
    """Tokenize TOKENIZE_SAMPLE whole chunks: jieba throughput, and agreement with concatenated tokens."""
    sample = range(min(TOKENIZE_SAMPLE, len(chunks)))
    texts = ["".join(sentence_forms[s] for s in chunks[i]) for i in sample]
    direct, seconds = timed(lambda: [segmenter.tokens(t) for t in texts])
    same = sum(direct[i] == token_lists[i] for i in sample)
    return {
        "chunks": len(texts),
        "chunks_per_s": round(len(texts) / seconds, 1),
        "identical_share": round(same / max(len(texts), 1), 4),
    }


def run(
    corpus_dir: Path,
    workdir: Path,
    embedder: Embedder,
    questions: Sequence[str],
    sizes: Sequence[int],
    probe_sizes: Sequence[int] = FLAT_PROBE_SIZES,
) -> dict:
    """Make the largest synthetic corpus once; benchmark every size on its prefix (tokens and vectors
    are shared), then probe flat search alone at ``probe_sizes``."""
    rng = np.random.default_rng(SEED)
    normalizer, segmenter = SearchNormalizer(), Segmenter()
    sentences = sentence_pool(corpus_dir)
    forms = [normalizer.search_form(s) for s in sentences]
    sentence_tokens, tokenize_s = timed(lambda: [segmenter.tokens(f) for f in forms])
    sentence_vectors, embed_s = timed(embedder.embed_passages, forms)
    chunks = compose_chunks(np.array([len(s) for s in sentences]), max(sizes), rng)
    token_lists = [[t for s in ids for t in sentence_tokens[s]] for ids in chunks]
    vectors, vectors_s = timed(chunk_vectors, chunks, sentence_vectors)
    queries = embedder.embed_queries([normalizer.search_form(q) for q in questions])
    query_tokens = [segmenter.tokens(normalizer.search_form(q)) for q in questions]
    result: dict = {
        "sentences": len(sentences),
        "mean_chunk_chars": round(float(np.mean([sum(len(sentences[s]) for s in c) for c in chunks])), 1),
        "prepare_s": {
            "tokenize_sentences": round(tokenize_s, 2),
            "embed_sentences": round(embed_s, 2),
            "chunk_vectors": round(vectors_s, 2),
        },
        "tokenizer": tokenizer_check(chunks, forms, token_lists, segmenter),
        "hnsw_threshold": HNSW_THRESHOLD,
        "sizes": {},
    }
    for size in sizes:
        part = np.ascontiguousarray(vectors[:size])
        flat = bench_dense(part, queries, "flat", None)
        hnsw = bench_dense(part, queries, "hnsw", flat["ids"])
        entry = {
            "chosen_index_type": choose_index_type(size),
            "bm25": bench_sparse(token_lists[:size], query_tokens, workdir),
            "flat": flat,
            "hnsw": hnsw,
            "ivf": bench_ivf(part, queries, flat["ids"]),
        }
        index_dir = workdir / f"index-{size}"
        docs = synthetic_documents(chunks[:size], sentences, sentence_tokens, part)
        _, write_s = timed(write_index, index_dir, docs, embedder)
        entry["hybrid"] = {
            "write_s": round(write_s, 2),
            **bench_hybrid(index_dir, workdir, embedder, questions, hnsw["index"]),
        }
        shutil.rmtree(index_dir)
        for kind in ("flat", "hnsw"):
            del entry[kind]["index"], entry[kind]["ids"]
        result["sizes"][size] = entry
    result["flat_probe_ms"] = bench_flat_probe(probe_sizes, queries, rng)
    return result
