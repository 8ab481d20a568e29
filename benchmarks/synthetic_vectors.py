"""Synthetic e5-like sentence, chunk and query vectors at any scale, from a model fitted on real ones.

Real text has neighbour structure at three levels, and the model keeps all three (each fitted on
the real e5 vectors of the shared corpora, ``real_vectors.py``):

1. *Documents.* A document's centre (the mean of its sentence vectors) is drawn from a Gaussian
   with the mean and covariance of the real documents' centres (eigen-decomposed; the null space
   of that sample covariance gets the smallest fitted variance, so new documents are not confined
   to the span of the real ones). New documents are therefore new topics spread like real ones,
   not copies of a few hundred sentences.
2. *Sentences.* A sentence is its document's centre plus a residual. Residuals follow the
   covariance of the real within-document residuals (each scaled by ``sqrt(n / (n - 1))`` since a
   real centre is estimated from the same ``n`` sentences) and an AR(1) process along the
   document with the real lag-1 autocorrelation, so neighbouring sentences share a local topic as
   in real text (chunks pool consecutive sentences, so this shapes the chunk vectors too). The
   sum is L2-normalized like an e5 vector.
3. *Queries.* A question is asked about one sentence of one document (CMRC questions are
   span-extraction questions about one article). A real query ``q`` is regressed on its gold
   article's centre ``c`` and the article's sentence closest to it, ``s``:
   ``q = c + pull * (s - c) + offset`` (``pull`` by least squares; it came out near 0.58), and
   the offsets' mean and covariance are fitted. A synthetic query takes a random sentence of a
   random document for ``s``, draws an offset, and is normalized.

Sentence counts per document and sentence lengths are drawn from the real ones; chunks are made by
nekb's own ``make_chunks`` over those lengths and pooled by ``pool_chunk_vectors``, as in a build.
``validate`` compares a synthetic replica of the real set (same documents' sentence counts, same
number of queries) with the real set: neighbour-similarity distributions and recall curves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from real_vectors import RealVectors

from nekb.chunk import make_chunks
from nekb.embed import pool_chunk_vectors
from nekb.pipeline import CHUNK_CHARS, CHUNK_OVERLAP

DOCS_PER_BATCH = 20_000


@dataclass(frozen=True)
class Gaussian:
    """A multivariate normal given by its mean and a factor ``L`` with ``L @ L.T`` = covariance."""

    mean: np.ndarray
    factor: np.ndarray

    @classmethod
    def fit(cls, samples: np.ndarray, scale: float = 1.0) -> Gaussian:
        """Mean and covariance of ``samples``; directions the sample never spans get the least variance."""
        samples = np.asarray(samples, dtype=np.float64)
        mean = samples.mean(axis=0)
        cov = np.cov(samples - mean, rowvar=False) * scale**2
        values, vectors = np.linalg.eigh(cov)
        rank = min(len(samples) - 1, len(values))
        floor = values[-rank:].min() if rank > 0 else 0.0
        values = np.maximum(values, max(floor, 0.0))
        return cls(mean=mean, factor=vectors * np.sqrt(values))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws as float64 rows."""
        return self.mean + rng.standard_normal((n, len(self.mean))) @ self.factor.T


@dataclass(frozen=True)
class TextVectorModel:
    """Document centres, AR(1) sentence residuals and query offsets fitted on real e5 vectors."""

    centres: Gaussian
    residuals: Gaussian  # zero-mean stationary residual distribution
    autocorrelation: float
    query_pull: float
    query_offsets: Gaussian
    residual_norms: np.ndarray  # real residual norms, drawn from (empty: Gaussian norms)
    doc_sentences: np.ndarray  # real sentences-per-document counts, drawn from
    sentence_chars: np.ndarray  # real sentence lengths, drawn from

    @classmethod
    def fit(cls, real: RealVectors) -> TextVectorModel:
        """Fit every part of the model on the real vectors."""
        docs = np.unique(real.sentence_doc)
        centres = np.stack([real.sentences[real.sentence_doc == d].mean(axis=0) for d in docs])
        residuals, lagged, pairs = [], 0.0, 0.0
        for row, d in enumerate(docs):
            own = real.sentences[real.sentence_doc == d].astype(np.float64) - centres[row]
            if len(own) < 2:
                continue
            own *= np.sqrt(len(own) / (len(own) - 1))
            residuals.append(own)
            lagged += float(np.sum(own[1:] * own[:-1]))
            pairs += float(np.sum(own[:-1] * own[:-1]))
        stacked = np.concatenate(residuals)
        targets, pulls = [], []  # q - c, and s - c
        for query, doc in zip(real.queries, real.query_doc, strict=True):
            if doc < 0:
                continue
            own = real.sentences[real.sentence_doc == doc].astype(np.float64)
            centre = centres[np.searchsorted(docs, doc)]
            targets.append(query - centre)
            pulls.append(own[np.argmax(own @ query)] - centre)
        y, x = np.stack(targets), np.stack(pulls)
        y_centred, x_centred = y - y.mean(axis=0), x - x.mean(axis=0)
        pull = float(np.sum(y_centred * x_centred) / np.sum(x_centred * x_centred))
        residual_fit = Gaussian.fit(stacked)
        return cls(
            centres=Gaussian.fit(centres),
            residuals=Gaussian(mean=np.zeros_like(residual_fit.mean), factor=residual_fit.factor),
            autocorrelation=lagged / pairs,
            query_pull=pull,
            query_offsets=Gaussian.fit(y - pull * x),
            residual_norms=np.linalg.norm(stacked, axis=1),
            doc_sentences=np.array([np.sum(real.sentence_doc == d) for d in docs]),
            sentence_chars=real.sentence_chars.copy(),
        )

    def sentences(self, counts: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Unit sentence vectors of documents with these sentence ``counts``, and the documents' centres."""
        centres = self.centres.sample(len(counts), rng)
        total = int(counts.sum())
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        position = np.arange(total) - np.repeat(starts, counts)
        residual = self.residuals.sample(total, rng)  # stationary draws; innovations below
        rho = self.autocorrelation
        innovation_scale = np.sqrt(1 - rho**2)
        for t in range(1, int(counts.max(initial=1))):
            rows = np.flatnonzero(position == t)
            residual[rows] = rho * residual[rows - 1] + innovation_scale * residual[rows]
        if len(self.residual_norms):
            # A Gaussian's norm hardly varies in 384 dimensions; real residuals' norms do.
            target = rng.choice(self.residual_norms, size=total)
            residual *= (target / np.linalg.norm(residual, axis=1))[:, None]
        return _unit(np.repeat(centres, counts, axis=0) + residual), centres

    def queries(self, centres: np.ndarray, sentences: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One query about each given sentence (a unit vector) of a document with the given centre."""
        pulled = centres + self.query_pull * (sentences.astype(np.float64) - centres)
        return _unit(pulled + self.query_offsets.sample(len(centres), rng))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


@dataclass(frozen=True)
class SyntheticSet:
    """Sentence and chunk vectors (possibly memory-mapped .npy) and queries with their documents."""

    sentences: np.ndarray
    chunks: np.ndarray
    queries: np.ndarray
    documents: int

    @classmethod
    def load(cls, directory: Path) -> SyntheticSet:
        """Memory-map a set written by :func:`write_synthetic`."""
        arrays = {
            name: np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in ("sentences", "chunks", "queries")
        }
        documents = int(np.load(directory / "documents.npy"))
        return cls(**arrays, documents=documents)


def chunk_layout(
    model: TextVectorModel, n_docs: int, rng: np.random.Generator, counts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, list[list[tuple[int, int]]]]:
    """Sentence counts, sentence lengths and nekb chunk ranges of ``n_docs`` synthetic documents."""
    if counts is None:
        counts = rng.choice(model.doc_sentences, size=n_docs)
    chars = rng.choice(model.sentence_chars, size=int(counts.sum()))
    ranges, offset = [], 0
    for count in counts.tolist():
        lengths = chars[offset : offset + count]
        ends = np.cumsum(lengths)
        spans = list(zip((ends - lengths).tolist(), ends.tolist(), strict=True))
        ranges.append(make_chunks(spans, max_chars=CHUNK_CHARS, overlap=CHUNK_OVERLAP))
        offset += count
    return counts, chars, ranges


def make_in_memory(
    model: TextVectorModel,
    rng: np.random.Generator,
    n_queries: int,
    counts: np.ndarray,
) -> SyntheticSet:
    """A small synthetic set in memory with the given sentence counts per document."""
    counts, chars, ranges = chunk_layout(model, len(counts), rng, counts=counts)
    sentences, centres = model.sentences(counts, rng)
    chunks = _pool(sentences, chars, counts, ranges)
    docs = rng.integers(0, len(counts), size=n_queries)
    queries = model.queries(centres[docs], sentences[_query_rows(counts, docs, rng)], rng)
    return SyntheticSet(sentences, chunks, queries, len(counts))


def _query_rows(counts: np.ndarray, docs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random sentence row of each of ``docs`` (documents numbered within ``counts``)."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return starts[docs] + (rng.random(len(docs)) * counts[docs]).astype(np.int64)


def _pool(
    sentences: np.ndarray, chars: np.ndarray, counts: np.ndarray, ranges: list[list[tuple[int, int]]]
) -> np.ndarray:
    parts, offset = [], 0
    for count, doc_ranges in zip(counts.tolist(), ranges, strict=True):
        span = slice(offset, offset + count)
        parts.append(pool_chunk_vectors(sentences[span], chars[span], doc_ranges))
        offset += count
    return np.concatenate(parts)


def write_synthetic(
    model: TextVectorModel, n_chunks: int, n_queries: int, directory: Path, seed: int
) -> SyntheticSet:
    """Write a set of at least ``n_chunks`` chunks to ``directory`` in batches (bounded memory)."""
    rng = np.random.default_rng(seed)
    mean_chunks = np.mean([len(r) for r in chunk_layout(model, 2000, np.random.default_rng(seed + 1))[2]])
    n_docs = int(np.ceil(n_chunks / mean_chunks * 1.02)) + 10
    counts, chars, ranges = chunk_layout(model, n_docs, rng)
    chunks_per_doc = np.array([len(r) for r in ranges])
    n_docs = int(np.searchsorted(np.cumsum(chunks_per_doc), n_chunks) + 1)  # just enough documents
    counts, ranges = counts[:n_docs], ranges[:n_docs]
    chars = chars[: int(counts.sum())]
    directory.mkdir(parents=True, exist_ok=True)
    dim = len(model.centres.mean)
    sentences = np.lib.format.open_memmap(
        directory / "sentences.npy", mode="w+", dtype=np.float32, shape=(int(counts.sum()), dim)
    )
    chunks = np.lib.format.open_memmap(
        directory / "chunks.npy", mode="w+", dtype=np.float32, shape=(int(chunks_per_doc[:n_docs].sum()), dim)
    )
    query_docs = np.sort(rng.choice(n_docs, size=n_queries, replace=False))
    queries = np.zeros((n_queries, dim), dtype=np.float32)
    sentence_at, chunk_at = 0, 0
    for first in range(0, n_docs, DOCS_PER_BATCH):
        batch = slice(first, min(first + DOCS_PER_BATCH, n_docs))
        batch_counts = counts[batch]
        vectors, centres = model.sentences(batch_counts, rng)
        batch_chars = chars[sentence_at : sentence_at + len(vectors)]
        pooled = _pool(vectors, batch_chars, batch_counts, ranges[batch])
        sentences[sentence_at : sentence_at + len(vectors)] = vectors
        chunks[chunk_at : chunk_at + len(pooled)] = pooled
        sentence_at += len(vectors)
        chunk_at += len(pooled)
        chosen = (query_docs >= batch.start) & (query_docs < batch.stop)
        docs = query_docs[chosen] - batch.start
        queries[chosen] = model.queries(centres[docs], vectors[_query_rows(batch_counts, docs, rng)], rng)
    sentences.flush()
    chunks.flush()
    del sentences, chunks
    np.save(directory / "queries.npy", queries, allow_pickle=False)
    np.save(directory / "documents.npy", np.array(n_docs), allow_pickle=False)
    return SyntheticSet.load(directory)


def synthetic_set(
    model: TextVectorModel, n_chunks: int, n_queries: int, cache: Path, seed: int
) -> SyntheticSet:
    """The cached set of ``n_chunks`` chunks under ``cache``, written first when missing."""
    directory = cache / f"synthetic-{n_chunks}-seed{seed}"
    if (directory / "documents.npy").exists():
        return SyntheticSet.load(directory)
    return write_synthetic(model, n_chunks, n_queries, directory, seed)
