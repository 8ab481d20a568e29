"""Hybrid retrieval: four rankings (chunk/sentence x dense/BM25) fused with reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .query import ParsedQuery
from .snapshot import Snapshot
from .types import Hit

RRF_K = 60
# How many chunks (and sentences) each of the four rankings contributes to fusion.
CANDIDATES = 50
SENTENCE_CANDIDATES = 150


def rrf_fuse(
    rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None, k: int = RRF_K
) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: ``score(d) = sum_i w_i / (k + rank_i(d))`` with ranks from 1.

    Returns ``(id, score)`` pairs sorted by score, ties broken by first appearance.
    """
    weights = weights if weights is not None else [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[int(item)] = scores.get(int(item), 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def rankings(snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray) -> list[list[int]]:
    """The four chunk rankings fused by :func:`hybrid_search`: chunks by embedding and by BM25, then
    chunks ranked by their best sentence, by embedding and by BM25.

    A sentence ranks the chunks that hold it, so a passage with one sharply matching sentence rises.
    A query scoped to documents (a 《title》) is ranked within them exactly.
    """
    scope, tokens = parsed.scope, list(parsed.tokens)
    by_sentence_dense = snap.dense_search("sentence", query_vector, SENTENCE_CANDIDATES, scope)
    by_sentence_sparse = snap.sparse_search("sentence", tokens, SENTENCE_CANDIDATES, scope)
    return [
        snap.dense_search("chunk", query_vector, CANDIDATES, scope),
        snap.sparse_search("chunk", tokens, CANDIDATES, scope),
        snap.chunks_of_sentences(by_sentence_dense)[:CANDIDATES],
        snap.chunks_of_sentences(by_sentence_sparse)[:CANDIDATES],
    ]


def hybrid_search(snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray, k: int) -> list[Hit]:
    """The ``k`` best chunks for an analyzed query and its embedding, best first."""
    if not parsed.dense_text.strip() or not snap.size("chunk"):
        return []
    fused = rrf_fuse(rankings(snap, parsed, query_vector))
    return [snap.hit(chunk_id, score) for chunk_id, score in fused[:k]]
