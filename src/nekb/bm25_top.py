"""Exact top-k BM25 over a term-major (CSC) score matrix without scoring every row.

bm25s stores, per term, the rows (ascending) holding it and their precomputed BM25 impacts; a row's
score is the sum of its query terms' impacts. Summing every posting of every query term costs time in
proportion to the common terms' postings (millions at 10⁶ rows). This module finds the same top k with
MaxScore-style safe pruning, vectorized with numpy:

1. Each term's *bound* (its largest impact, times how often the query holds it) caps what it can add.
2. A *seed* of rows (the few strongest terms' highest-impact postings) is scored exactly; the k-th best
   seed score ``theta`` is a lower bound on the k-th best score overall.
3. The weakest terms whose bounds add up to less than ``theta`` are *non-essential*: a row holding
   none of the other (essential) terms scores below ``theta`` and cannot enter the top k. Only rows of
   the essential terms' postings are candidates; their partial sums raise ``theta`` further.
4. Non-essential impacts are looked up (binary search in the term's sorted rows) for the candidates
   whose partial sum plus the remaining bounds still reaches ``theta``.

When the essential terms alone hold many postings (long queries of common words), lookups cost more
than they save: every posting is then added into a dense array of row scores, and only rows scoring
at least ``theta`` are sorted.

The result is the exact top k, ties broken by lower row id as a stable sort of all scores would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Rows scored exactly to set the first threshold: per query, at least this many or 4 k, the
# highest-impact rows of each of the SEED_TERMS strongest terms in equal shares (measured on
# benchmarks/bench_stores.py's corpus: a threshold about 0.9 of the true k-th score, against 0.6
# from the strongest term alone).
SEED_ROWS = 256
SEED_TERMS = 4
# When the essential terms' postings reach this share of all rows, every term's postings are summed
# into a dense array instead (one indexed add per posting, no lookups): with that many candidates,
# binary searches cost more than they save (measured at 10^6 chunks: 28 ms a query, against 42-50).
SPARSE_SHARE = 1 / 64
# Relative slack on the threshold: sums of float32 impacts (in float32 or float64, in different
# orders) differ by far less; a row within this of the threshold is kept (a tie is never pruned).
SLACK = 1e-5


@dataclass(frozen=True)
class Postings:
    """A BM25 score matrix by term: ``indices[indptr[t]:indptr[t + 1]]`` are term t's rows (ascending)
    and ``data`` over the same range their impacts; ``bounds[t]`` is term t's largest impact."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    bounds: np.ndarray
    rows: int

    def term(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, impacts)`` of term ``t``."""
        start, end = int(self.indptr[t]), int(self.indptr[t + 1])
        return self.indices[start:end], self.data[start:end]


def term_bounds(data: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Largest impact of every term (0 for a term without postings), as float32."""
    bounds = np.zeros(len(indptr) - 1, dtype=np.float32)
    filled = np.flatnonzero(np.diff(indptr) > 0)
    if len(filled):
        bounds[filled] = np.maximum.reduceat(np.asarray(data, dtype=np.float32), indptr[filled])
    return bounds


def sorted_within_terms(indices: np.ndarray, indptr: np.ndarray) -> bool:
    """True when every term's rows are strictly ascending (what binary search needs)."""
    if len(indices) < 2:
        return True
    rising = np.diff(indices) > 0
    starts = np.asarray(indptr[1:-1], dtype=np.int64)  # a term's first posting may start lower
    rising[starts[(starts > 0) & (starts < len(indices))] - 1] = True
    return bool(rising.all())


def top_k(postings: Postings, term_ids: list[int], k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(scores, rows)`` of the ``k`` rows of highest BM25 score for the query terms ``term_ids``
    (a term given twice counts twice), positive scores only, best first; scores as float32."""
    if k <= 0 or not term_ids:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    terms, weights = np.unique(np.asarray(term_ids, dtype=np.int64), return_counts=True)
    bounds = postings.bounds[terms].astype(np.float64) * weights
    order = np.argsort(-bounds, kind="stable")  # strongest first
    terms, weights, bounds = terms[order], weights.astype(np.float64)[order], bounds[order]
    theta = _seed_threshold(postings, terms, weights, max(SEED_ROWS, 4 * k), k)
    # Essential: the strongest terms; the rest add up to less than theta (rest[i]: bounds of i onwards).
    rest = np.append(np.cumsum(bounds[::-1])[::-1], 0.0)
    essential = max(1, int(np.argmax(rest < theta * (1 - SLACK))) if theta > 0 else len(terms))
    if _postings_count(postings, terms[:essential]) >= postings.rows * SPARSE_SHARE:
        return _best(*_dense_sums(postings, terms, weights, theta * (1 - SLACK)), k)
    # Few candidates: sum the essential terms' postings, look the other terms up for each candidate
    # whose sum so far plus what the remaining terms can add still reaches theta.
    rows, scores = _sparse_sums(postings, terms[:essential], weights[:essential])
    if len(rows) >= k:
        theta = max(theta, float(np.partition(scores, len(scores) - k)[len(scores) - k]))
    for i in range(essential, len(terms)):
        keep = scores + rest[i] >= theta * (1 - SLACK)
        rows, scores = rows[keep], scores[keep]
        scores = scores + weights[i] * _lookup(postings, int(terms[i]), rows)
    return _best(rows, scores, k)


def _seed_threshold(postings: Postings, terms: np.ndarray, weights: np.ndarray, size: int, k: int) -> float:
    """The k-th best exact score among about ``size`` rows: the highest-impact rows of each of the
    SEED_TERMS strongest terms (0 when fewer than k rows are picked)."""
    picked: list[np.ndarray] = []
    share = max(1, size // min(SEED_TERMS, len(terms)))
    for t in terms[:SEED_TERMS]:
        rows, impacts = postings.term(int(t))
        if len(rows) > share:
            rows = rows[np.argpartition(impacts, len(rows) - share)[len(rows) - share :]]
        picked.append(rows)
    seed = np.unique(np.concatenate(picked))
    if len(seed) < k:
        return 0.0
    scores = np.zeros(len(seed), dtype=np.float64)
    for t, weight in zip(terms, weights, strict=True):
        scores += weight * _lookup(postings, int(t), seed)
    return float(np.partition(scores, len(scores) - k)[len(scores) - k])


def _postings_count(postings: Postings, terms: np.ndarray) -> int:
    """How many postings ``terms`` have together."""
    return int(np.sum(postings.indptr[terms + 1] - postings.indptr[terms]))


def _sparse_sums(postings: Postings, terms: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows holding any of ``terms`` (ascending) and the sum of those terms' weighted impacts."""
    parts = [postings.term(int(t)) for t in terms]
    rows = np.concatenate([r for r, _ in parts]).astype(np.int64)
    impacts = np.concatenate([w * i.astype(np.float64) for (_, i), w in zip(parts, weights, strict=True)])
    found, where = np.unique(rows, return_inverse=True)
    return found, np.bincount(where, weights=impacts, minlength=len(found))


def _dense_sums(
    postings: Postings, terms: np.ndarray, weights: np.ndarray, floor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Every row's score summed densely (float32, as bm25s sums); the rows scoring at least ``floor``
    (ascending) and their scores (float64)."""
    dense = np.zeros(postings.rows, dtype=np.float32)
    for t, weight in zip(terms, weights, strict=True):
        rows, impacts = postings.term(int(t))
        # np.add.at with matching float32 types: numpy's fast path, half the time of `dense[rows] +=`.
        np.add.at(dense, rows, impacts if weight == 1 else np.float32(weight) * impacts)
    found = np.flatnonzero(dense >= np.float32(floor)) if floor > 0 else np.flatnonzero(dense)
    return found, dense[found].astype(np.float64)


def _lookup(postings: Postings, t: int, rows: np.ndarray) -> np.ndarray:
    """Term ``t``'s impact on each of ``rows`` (0 where the row does not hold it), float64."""
    term_rows, impacts = postings.term(t)
    out = np.zeros(len(rows), dtype=np.float64)
    if not len(term_rows) or not len(rows):
        return out
    at = np.minimum(np.searchsorted(term_rows, rows), len(term_rows) - 1)
    held = term_rows[at] == rows
    out[held] = impacts[at[held]]
    return out


def _best(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best ``(scores, rows)``, best first, equal scores in row order."""
    positive = scores > 0
    rows, scores = rows[positive], scores[positive]
    if len(rows) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        rows, scores = rows[keep], scores[keep]
    order = np.lexsort((rows, -scores))[:k]
    return scores[order].astype(np.float32), rows[order].astype(np.int64)
