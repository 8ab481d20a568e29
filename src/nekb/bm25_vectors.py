"""BM25 as sparse vectors: an inner product of a document vector and a query vector is its BM25 score.

The document side holds the term-frequency part, ``tf / (tf + k1 (1 - b + b len / avgdl))``, the query
side the inverse document frequency of each query token (times its count), so a vector store that
ranks sparse vectors by inner product (Milvus ``SPARSE_FLOAT_VECTOR``, metric ``IP``) ranks exactly as
:class:`nekb.index.SparseIndex` (bm25s, Lucene variant, its default k1 and b) does.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# bm25s's defaults, which SparseIndex uses.
K1 = 1.5
B = 0.75
# What SparseIndex indexes for a chunk or sentence without tokens (bm25s needs one).
EMPTY_TOKEN = "\u2205"


@dataclass(frozen=True)
class LevelStats:
    """Collection statistics of one level (chunks or sentences): what BM25 weights depend on."""

    size: int  # how many token lists
    avg_length: float  # their mean length in tokens
    doc_freq: Mapping[str, int]  # how many token lists hold each token

    @classmethod
    def of(cls, token_lists: Sequence[Sequence[str]]) -> LevelStats:
        """Statistics of ``token_lists`` (empty lists count as one placeholder token)."""
        lists = [as_indexed(t) for t in token_lists]
        doc_freq: Counter[str] = Counter()
        for tokens in lists:
            doc_freq.update(set(tokens))
        avg = sum(len(t) for t in lists) / len(lists) if lists else 1.0
        return cls(size=len(lists), avg_length=avg, doc_freq=dict(doc_freq))

    def idf(self, token: str) -> float:
        """BM25 (Lucene) inverse document frequency of ``token``; unknown tokens get the rarest value."""
        df = self.doc_freq.get(token, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))


def as_indexed(tokens: Sequence[str]) -> list[str]:
    """The tokens as SparseIndex indexes them (a placeholder for none)."""
    return list(tokens) or [EMPTY_TOKEN]


def document_weights(
    tokens: Sequence[str], term_ids: Mapping[str, int], stats: LevelStats
) -> dict[int, float]:
    """``{term id: tf part of BM25}`` of one chunk or sentence."""
    indexed = as_indexed(tokens)
    norm = K1 * ((1 - B) + B * len(indexed) / stats.avg_length)
    return {term_ids[t]: tf / (norm + tf) for t, tf in Counter(indexed).items()}


def query_weights(tokens: Iterable[str], term_ids: Mapping[str, int], stats: LevelStats) -> dict[int, float]:
    """``{term id: idf x count}`` of the query tokens the collection knows (bm25s sums repeats)."""
    counts = Counter(t for t in tokens if t in term_ids and stats.doc_freq.get(t, 0) > 0)
    return {term_ids[t]: stats.idf(t) * n for t, n in counts.items()}


def assign_term_ids(levels: Iterable[LevelStats]) -> dict[str, int]:
    """One id per token of any level, in sorted token order (ids are stable for one vocabulary)."""
    tokens = sorted({t for stats in levels for t in stats.doc_freq})
    return {t: n for n, t in enumerate(tokens)}
