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


def hybrid_search(snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray, k: int) -> list[Hit]:
    """The ``k`` best chunks for an analyzed query and its embedding.

    Four rankings are fused: chunks and sentences, each by embedding and by BM25; a sentence ranks
    the chunks that hold it, so a passage with one sharply matching sentence rises.
    """
    if not parsed.dense_text.strip() or not snap.chunks:
        return []
    tokens = list(parsed.tokens)
    sentence_dense = dense_ranking(snap, parsed, query_vector, sentences=True)
    _, sentence_sparse = snap.sentence_sparse.search(tokens, SENTENCE_CANDIDATES)
    rankings = [
        dense_ranking(snap, parsed, query_vector, sentences=False),
        snap.sparse.search(tokens, CANDIDATES)[1].tolist(),
        chunks_of_sentences(snap, sentence_dense),
        chunks_of_sentences(snap, sentence_sparse.tolist()),
    ]
    if parsed.scope is not None:
        rankings = [[i for i in r if snap.chunks[i].doc_id in parsed.scope] for r in rankings]
    return [_hit(snap, chunk_id, score) for chunk_id, score in rrf_fuse(rankings)[:k]]


def chunks_of_sentences(snap: Snapshot, sentence_ids: list[int]) -> list[int]:
    """Chunk ranking implied by a sentence ranking (each chunk at its best sentence's place)."""
    seen: dict[int, None] = {}
    for sentence_id in sentence_ids:
        for chunk_id in snap.sentence_chunks[sentence_id]:
            seen.setdefault(chunk_id, None)
    return list(seen)[:CANDIDATES]


def dense_ranking(
    snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray, sentences: bool
) -> list[int]:
    """Best chunk (or sentence) ids by cosine similarity, limited to the query's scope if any."""
    index = snap.sentence_dense if sentences else snap.dense
    limit = SENTENCE_CANDIDATES if sentences else CANDIDATES
    if parsed.scope is None:
        return index.search(query_vector, limit)[1].tolist()
    # Scoped: score the documents' own vectors exactly instead of filtering a global top list.
    ids, scores = [], []
    first = 0
    for doc_id, doc in snap.documents.items():
        vectors = doc.sentence_vectors if sentences else doc.vectors
        if doc_id in parsed.scope:
            ids.extend(range(first, first + len(vectors)))
            scores.extend((vectors @ query_vector).tolist())
        first += len(vectors)
    order = np.argsort(-np.asarray(scores), kind="stable")[:limit]
    return [ids[i] for i in order]


def _hit(snap: Snapshot, chunk_id: int, score: float) -> Hit:
    chunk = snap.chunks[chunk_id]
    return Hit(
        doc_id=chunk.doc_id,
        title=snap.documents[chunk.doc_id].info.title,
        text=chunk.text,
        score=round(float(score), 6),
        start=chunk.start,
        end=chunk.end,
        page=chunk.page,
        chunk_id=chunk.chunk_id,
    )
