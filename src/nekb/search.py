"""Hybrid retrieval: four rankings (chunk/sentence x dense/BM25), and a fifth of the documents the
question names by title, fused with reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .query import ParsedQuery
from .snapshot import Snapshot
from .types import Hit

RRF_K = 60
TIE = 1e-7  # RRF scores closer than this are equal (a float32 score of 1/61 is off by ~1e-9)
# How many chunks (and sentences) each of the four rankings contributes to fusion.
CANDIDATES = 50
SENTENCE_CANDIDATES = 150


def rrf_fuse(
    rankings: Sequence[Sequence[int]],
    weights: Sequence[float] | None = None,
    k: int = RRF_K,
    prior: Sequence[tuple[int, float]] = (),
) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: ``score(d) = sum_i w_i / (k + rank_i(d))`` with ranks from 1, plus
    ``d``'s score in ``prior`` (rankings already fused elsewhere, as ``(id, score)`` pairs).

    Returns ``(id, score)`` pairs sorted by score, ties broken by id: scores within TIE of each
    other tie, so that an engine's float32 fusion and this float64 sum order alike.
    """
    weights = weights if weights is not None else [1.0] * len(rankings)
    scores: dict[int, float] = {int(item): float(score) for item, score in prior}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[int(item)] = scores.get(int(item), 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-round(pair[1] / TIE), pair[0]))


def rankings(snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray) -> list[list[int]]:
    """The chunk rankings fused by :func:`hybrid_search`: chunks by embedding and by BM25, then
    chunks ranked by their best sentence, by embedding and by BM25, then :func:`named_rankings`.

    A sentence ranks the chunks that hold it, so a passage with one sharply matching sentence rises.
    A query scoped to documents (a 《title》) is ranked within them exactly.
    """
    scope, tokens = parsed.scope, list(parsed.tokens)
    return [
        snap.dense_search("chunk", query_vector, CANDIDATES, scope),
        snap.sparse_search("chunk", tokens, CANDIDATES, scope),
        *sentence_rankings(snap, parsed, query_vector),
        *named_rankings(snap, parsed, query_vector),
    ]


def sentence_rankings(snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray) -> list[list[int]]:
    """The two chunk rankings by best sentence (by embedding, by BM25) of :func:`rankings`."""
    scope, tokens = parsed.scope, list(parsed.tokens)
    by_dense = snap.dense_search("sentence", query_vector, SENTENCE_CANDIDATES, scope)
    by_sparse = snap.sparse_search("sentence", tokens, SENTENCE_CANDIDATES, scope)
    return [snap.chunks_of_sentences(by_dense)[:CANDIDATES], snap.chunks_of_sentences(by_sparse)[:CANDIDATES]]


def named_rankings(snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray) -> list[list[int]]:
    """The chunks of the documents the question names by title, by embedding (none when it names
    none): a fifth ranking, so that 锦地罗又称什么? looks first in the article 锦地罗, whose sentences
    say 它 where the question says 锦地罗."""
    named = parsed.named if parsed.scope is None else parsed.named & parsed.scope
    return [snap.dense_search("chunk", query_vector, CANDIDATES, named)] if named else []


def hybrid_search(snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray, k: int) -> list[Hit]:
    """The ``k`` best chunks for an analyzed query and its embedding, best first.

    Where the store fuses the two chunk rankings in its engine (Milvus), the sentence and title
    rankings are added to its fused scores: the same sum as fusing them all here."""
    if not parsed.dense_text.strip() or not snap.size("chunk"):
        return []
    engine = snap.fused_chunks(query_vector, list(parsed.tokens), CANDIDATES, RRF_K, parsed.scope)
    if engine is None:
        fused = rrf_fuse(rankings(snap, parsed, query_vector))
    else:
        extra = sentence_rankings(snap, parsed, query_vector) + named_rankings(snap, parsed, query_vector)
        fused = rrf_fuse(extra, prior=engine)
    return [snap.hit(chunk_id, score) for chunk_id, score in fused[:k]]
