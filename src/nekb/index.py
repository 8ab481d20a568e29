"""Dense (FAISS inner product) and sparse (bm25s over jieba tokens) indexes, persisted without pickle."""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import faiss
import numpy as np

# Exact search is cheap below this many vectors on 2 cores (see benchmarks/RESULTS.md); above it HNSW
# keeps p50 latency flat at a small recall cost.
HNSW_THRESHOLD = 200_000


def choose_index_type(n_vectors: int) -> str:
    """Return ``"flat"`` (exact) for collections up to HNSW_THRESHOLD vectors, else ``"hnsw"``."""
    return "flat" if n_vectors <= HNSW_THRESHOLD else "hnsw"


class DenseIndex:
    """Inner-product search over L2-normalized vectors (so scores are cosine similarities)."""

    def __init__(self, index: faiss.Index, kind: str) -> None:
        self.index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None) -> DenseIndex:
        """Index ``vectors`` (``(n, dim)`` float32, normalized) with a flat or HNSW index."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        kind = kind or choose_index_type(len(vectors))
        dim = vectors.shape[1]
        if kind == "flat":
            index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 96
        else:
            raise ValueError(f"unknown dense index type {kind!r}: use 'flat' or 'hnsw'")
        if len(vectors):
            index.add(vectors)
        return cls(index, kind)

    @property
    def size(self) -> int:
        """Number of indexed vectors."""
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(scores, ids)`` of the ``k`` nearest vectors to one query vector, best first."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        # One query is too little work to share: faiss's idle OpenMP threads would spin on the cores the
        # query embedding needs next (e5 took 1.3 s instead of 8 ms after a 317k-vector search), and
        # one thread searched 317k vectors faster (37 ms) than two (91 ms). See benchmarks/RESULTS.md.
        faiss.omp_set_num_threads(1)
        scores, ids = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def save(self, path: Path) -> None:
        """Write the index in FAISS's own binary format."""
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> DenseIndex:
        """Read an index written by :meth:`save`."""
        return cls(faiss.read_index(str(path)), kind)


class SparseIndex:
    """BM25 over pre-tokenized chunks, built once and persisted (never rebuilt per query).

    An index of nothing is valid (an emptied knowledge base): it scores every query as no match.
    """

    def __init__(self, bm25: bm25s.BM25 | None, size: int) -> None:
        self.bm25 = bm25
        self.size = size

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> SparseIndex:
        """Index one token list per chunk."""
        if not token_lists:
            return cls(None, 0)
        bm25 = bm25s.BM25()
        # bm25s needs at least one token per document; an empty chunk gets a placeholder.
        bm25.index([tokens or ["\u2205"] for tokens in token_lists], show_progress=False)
        return cls(bm25, len(token_lists))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk for the query ``tokens`` (zeros when none is in the vocabulary)."""
        ids = self.bm25.get_tokens_ids(tokens) if self.bm25 is not None else []
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores_from_ids(ids), dtype=np.float32)

    def document_frequency(self, tokens: list[str]) -> np.ndarray:
        """How many indexed token lists hold each token (0 for unknown tokens)."""
        if self.bm25 is None:
            return np.zeros(len(tokens), dtype=np.float64)
        indptr = np.asarray(self.bm25.scores["indptr"])
        return np.array(
            [
                indptr[i + 1] - indptr[i] if (i := self.bm25.vocab_dict.get(t)) is not None else 0
                for t in tokens
            ],
            dtype=np.float64,
        )

    def idf(self, tokens: list[str]) -> np.ndarray:
        """BM25 inverse document frequency of each token (unknown tokens get the rarest-word value)."""
        doc_freq = self.document_frequency(tokens)
        return np.log(1 + (self.size - doc_freq + 0.5) / (doc_freq + 0.5))

    def search(self, tokens: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(scores, ids)`` of the top ``k`` chunks with a positive score, best first."""
        scores = self.scores(tokens)
        positive = np.flatnonzero(scores > 0)
        order = positive[np.argsort(-scores[positive], kind="stable")][:k]
        return scores[order], order

    def save(self, directory: Path) -> None:
        """Write bm25s's JSON vocabulary and .npy arrays (no pickle)."""
        if self.bm25 is not None:
            self.bm25.save(str(directory), allow_pickle=False)
        (directory / "nekb_sparse.json").write_text(json.dumps({"size": self.size}))

    @classmethod
    def load(cls, directory: Path) -> SparseIndex:
        """Read an index written by :meth:`save`."""
        size = json.loads((directory / "nekb_sparse.json").read_text())["size"]
        if size == 0:
            return cls(None, 0)
        bm25 = bm25s.BM25.load(str(directory), allow_pickle=False, load_corpus=False)
        return cls(bm25, size)
