"""Dense (FAISS inner product) and sparse (bm25s over jieba tokens) indexes, persisted without pickle."""

from __future__ import annotations

import json
import os
from pathlib import Path

import bm25s
import faiss
import numpy as np

from .bm25_top import Postings, sorted_within_terms, term_bounds, top_k
from .errors import IndexDamagedError

# Up to this many vectors an index is searched exactly (about 11 ms per 100k vectors on one core, see
# benchmarks/RESULTS.md); above it, an IVF index of compact codes finds candidates that are re-ranked
# exactly.
FLAT_MAX_VECTORS = 50_000
# IVF lists: about 6 sqrt(n), a power of two (finer lists reach a given recall scanning a smaller share of
# the collection; k-means training and assignment grow with the count: 2 cores bound it).
LISTS_PER_SQRT = 6
MAX_LISTS = 8192
# Share of the lists a search scans, and how many candidates it re-ranks exactly. Chosen by measurement
# (benchmarks/bench_dense.py): recall@10 >= 0.95 against exact search on real e5 vectors and on synthetic
# ones at 10^5 and 10^6 chunks.
PROBE_SHARE = 1 / 8
# ... but at most this many lists: only the largest indexes (8,192 lists, about 10^6 vectors and up)
# are affected, where 1/16 of the lists still found recall@10 0.995 (chunks) and 0.987 (sentences)
# on bench_stores.py's 10^6-chunk corpus (1/8: 0.998 and 0.987) in 40% less time.
MAX_PROBES = 512
RERANK_PER_RESULT = 6  # candidates re-ranked per result asked for (50 chunks: 300, 150 sentences: 900)
RERANK_MIN = 200
# Training sample per list (faiss warns below 39; 32 keeps k-means affordable at millions of vectors).
TRAIN_PER_LIST = 32
TRAIN_ITERATIONS = 10
ADD_BLOCK = 100_000  # vectors added per call, so memory-mapped vectors are read in pieces
BOUNDS_FILE = "nekb_term_bounds.npy"  # each BM25 term's largest impact, beside bm25s's files
REBUILD = "rebuild the index"


def probe_count(lists: int) -> int:
    """How many of ``lists`` IVF lists a search scans (PROBE_SHARE of them, at least one, at most
    MAX_PROBES)."""
    return min(max(1, round(lists * PROBE_SHARE)), MAX_PROBES)


def choose_index_type(n_vectors: int) -> str:
    """``"flat"`` (exact) for collections up to FLAT_MAX_VECTORS vectors, else ``"ivf"``."""
    return "flat" if n_vectors <= FLAT_MAX_VECTORS else "ivf"


def list_count(n_vectors: int) -> int:
    """IVF lists for ``n_vectors``: the power of two nearest LISTS_PER_SQRT * sqrt(n), at most MAX_LISTS."""
    target = max(LISTS_PER_SQRT * np.sqrt(max(n_vectors, 1)), 1.0)
    return int(min(2 ** round(np.log2(target)), MAX_LISTS))


class DenseIndex:
    """Inner-product search over L2-normalized vectors (so scores are cosine similarities).

    ``vectors`` are the float vectors themselves, usually memory-mapped from the snapshot's ``.npy``
    file: small collections are searched over them exactly; large ones have ``codes``, an IVF index
    of 4-bit product-quantized codes (a few percent of the floats' size, in memory) whose top
    candidates (RERANK_PER_RESULT per result) are re-scored exactly from ``vectors``. Only the rows
    re-ranked are read.
    """

    def __init__(self, vectors: np.ndarray, codes: faiss.Index | None = None) -> None:
        self.vectors = vectors
        self.codes = codes

    @property
    def kind(self) -> str:
        """``"flat"`` or ``"ivf"``."""
        return "flat" if self.codes is None else "ivf"

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None) -> DenseIndex:
        """Index ``vectors`` (``(n, dim)`` float32, normalized; may be memory-mapped), flat or IVF."""
        kind = kind or choose_index_type(len(vectors))
        if kind == "flat":
            return cls(vectors)
        if kind != "ivf":
            raise ValueError(f"unknown dense index type {kind!r}: use 'flat' or 'ivf'")
        return cls(vectors, _build_ivf(vectors))

    @property
    def size(self) -> int:
        """Number of indexed vectors."""
        return len(self.vectors)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(scores, ids)`` of the ``k`` nearest vectors to one query vector, best first."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        # One query is too little work to share: faiss's idle OpenMP threads would spin on the cores the
        # query embedding needs next (e5 took 1.3 s instead of 8 ms after a 317k-vector search), and
        # one thread searched 317k vectors faster (37 ms) than two (91 ms). See benchmarks/RESULTS.md.
        faiss.omp_set_num_threads(1)
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if self.codes is None:
            scores, ids = faiss.knn(query, self.vectors, k, metric=faiss.METRIC_INNER_PRODUCT)
            keep = ids[0] >= 0
            return scores[0][keep], ids[0][keep]
        _, candidates = self.codes.search(query, max(RERANK_MIN, RERANK_PER_RESULT * k))
        rows = np.sort(candidates[0][candidates[0] >= 0])  # sorted: the file is read front to back
        # einsum, not `@`: numpy hands a product of this size to OpenBLAS, whose threads took 8-30 ms
        # to start and join on two busy cores for 900-1,500 rows (0.3 ms on one, see RESULTS.md).
        exact = np.einsum("ij,j->i", read_rows(self.vectors, rows), query[0])
        best = np.argsort(-exact, kind="stable")[:k]
        return exact[best], rows[best]

    def save(self, path: Path) -> None:
        """Write the IVF codes in FAISS's own format (a flat index writes an empty FAISS index).

        The float vectors are not written here: the snapshot stores them once, as ``.npy``.
        """
        dim = self.vectors.shape[1] if self.vectors.ndim == 2 else 0
        faiss.write_index(self.codes if self.codes is not None else faiss.IndexFlatIP(dim), str(path))

    @classmethod
    def load(cls, path: Path, vectors: np.ndarray) -> DenseIndex:
        """Read an index written by :meth:`save` over its ``vectors`` (memory-map them to open fast)."""
        stored = faiss.read_index(str(path))
        if faiss.try_extract_index_ivf(stored) is None:
            return cls(vectors)  # flat (or an older exact/HNSW file): searched exactly over the vectors
        if stored.ntotal != len(vectors):
            raise IndexDamagedError(f"{path}: {stored.ntotal} codes for {len(vectors)} vectors; {REBUILD}")
        ivf = faiss.extract_index_ivf(stored)
        ivf.nprobe = probe_count(ivf.nlist)  # today's share, whatever the file was saved with
        return cls(vectors, stored)


def read_rows(vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``vectors[rows]`` as float32; rows of a memory-mapped .npy are read with ``pread``, not mapped.

    Pages of a mapping that a process touches count in its RSS until unmapped; a long-running
    server re-ranking candidates from a 6 GB vector file would end up "resident" in all of it. Read
    with ``pread``, the same pages come from the OS file cache without being mapped (about 3 µs a
    row when cached; 1 µs through the mapping).
    """
    if not _whole_npy_map(vectors) or len(rows) == 0:
        return np.ascontiguousarray(vectors[rows], dtype=np.float32)
    out = np.empty((len(rows), vectors.shape[1]), dtype=np.float32)
    row_bytes = vectors.shape[1] * 4
    target = memoryview(out).cast("B")
    fd = os.open(vectors.filename, os.O_RDONLY)
    try:
        if rows[-1] - rows[0] + 1 == len(rows):  # one contiguous run: one read
            reads = [(target, int(rows[0]))]
        else:
            reads = [
                (target[i * row_bytes : (i + 1) * row_bytes], row) for i, row in enumerate(rows.tolist())
            ]
        for buffer, row in reads:
            if os.preadv(fd, [buffer], vectors.offset + row * row_bytes) != len(buffer):
                raise IndexDamagedError(f"{vectors.filename}: shorter than its header says; {REBUILD}")
    finally:
        os.close(fd)
    return out


def _whole_npy_map(vectors: np.ndarray) -> bool:
    """True for a float32 memory map of a whole .npy file (as np.load(mmap_mode="r") returns), not a slice."""
    if not isinstance(vectors, np.memmap) or vectors.filename is None or vectors.dtype != np.float32:
        return False
    if vectors.ndim != 2 or not vectors.flags.c_contiguous:
        return False
    return vectors.offset + vectors.nbytes == os.path.getsize(vectors.filename)


def _build_ivf(vectors: np.ndarray) -> faiss.Index:
    """IVF lists over L2 k-means, 4-bit PQ codes (two dimensions per byte half) scanned with SIMD."""
    n, dim = vectors.shape
    lists = list_count(n)
    # L2 on unit vectors ranks exactly as inner product does (|q - x|^2 = 2 - 2 q.x).
    index = faiss.index_factory(dim, f"IVF{lists},PQ{dim // 2}x4fs", faiss.METRIC_L2)
    ivf = faiss.extract_index_ivf(index)
    ivf.cp.niter = TRAIN_ITERATIONS
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(n, size=min(n, TRAIN_PER_LIST * lists), replace=False))
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building is batch work: every core helps
    index.train(read_rows(vectors, sample))
    for first in range(0, n, ADD_BLOCK):
        index.add(read_rows(vectors, np.arange(first, min(first + ADD_BLOCK, n))))
    ivf.nprobe = probe_count(lists)
    return index


class SparseIndex:
    """BM25 over pre-tokenized chunks, built once and persisted (never rebuilt per query).

    An index of nothing is valid (an emptied knowledge base): it scores every query as no match.
    :meth:`search` finds the top k without scoring every row (``bm25_top``); it needs each term's
    rows in ascending order (bm25s writes them so; :meth:`build` makes sure) and each term's largest
    impact, saved beside bm25s's files (computed on load for an index saved without them).
    """

    def __init__(self, bm25: bm25s.BM25 | None, size: int, bounds: np.ndarray | None = None) -> None:
        self.bm25 = bm25
        self.size = size
        self.postings: Postings | None = None
        if bm25 is not None:
            data, indptr = bm25.scores["data"], bm25.scores["indptr"]
            self.postings = Postings(
                data=data,
                indices=bm25.scores["indices"],
                indptr=indptr,
                bounds=term_bounds(data, indptr) if bounds is None else bounds,
                rows=size,
            )

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> SparseIndex:
        """Index one token list per chunk."""
        if not token_lists:
            return cls(None, 0)
        bm25 = bm25s.BM25()
        # bm25s needs at least one token per document; an empty chunk gets a placeholder.
        bm25.index([tokens or ["\u2205"] for tokens in token_lists], show_progress=False)
        _sort_rows(bm25.scores)
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
        """Return ``(scores, ids)`` of the top ``k`` chunks with a positive score, best first (equal
        scores in id order): the same as sorting :meth:`scores`, without scoring every chunk."""
        if self.bm25 is None or self.postings is None:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        return top_k(self.postings, self.bm25.get_tokens_ids(tokens), k)

    def save(self, directory: Path) -> None:
        """Write bm25s's JSON vocabulary and .npy arrays, and each term's largest impact (no pickle)."""
        if self.bm25 is not None and self.postings is not None:
            self.bm25.save(str(directory), allow_pickle=False)
            np.save(directory / BOUNDS_FILE, self.postings.bounds, allow_pickle=False)
        (directory / "nekb_sparse.json").write_text(json.dumps({"size": self.size}))

    @classmethod
    def load(cls, directory: Path) -> SparseIndex:
        """Read an index written by :meth:`save` (or by an older nekb, without the bounds file)."""
        size = json.loads((directory / "nekb_sparse.json").read_text())["size"]
        if size == 0:
            return cls(None, 0)
        # Memory-mapped: opening reads no postings (at 10^6 chunks reading them took 4 of 5 s); a query
        # reads its terms' postings, which stay in the OS file cache.
        bm25 = bm25s.BM25.load(str(directory), allow_pickle=False, load_corpus=False, mmap=True)
        bounds = None
        if (directory / BOUNDS_FILE).is_file():
            bounds = np.load(directory / BOUNDS_FILE, allow_pickle=False)
            if bounds.shape != (len(bm25.scores["indptr"]) - 1,):
                raise IndexDamagedError(f"{directory / BOUNDS_FILE}: not one bound per term; {REBUILD}")
        elif not sorted_within_terms(bm25.scores["indices"], bm25.scores["indptr"]):
            _sort_rows(bm25.scores)  # never seen from bm25s; kept so search stays exact if it happens
        return cls(bm25, size, bounds)


def _sort_rows(scores: dict) -> None:
    """Put each term's rows (and their impacts) in ascending order, in place, if they are not."""
    indices, indptr = scores["indices"], scores["indptr"]
    if sorted_within_terms(indices, indptr):
        return
    terms = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    order = np.lexsort((indices, terms))
    scores["indices"], scores["data"] = indices[order], scores["data"][order]
