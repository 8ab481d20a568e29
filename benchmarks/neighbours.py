"""Exact neighbours, recall and neighbour-similarity profiles shared by the dense-index benchmarks."""

from __future__ import annotations

import faiss
import numpy as np

EXACT_BLOCK = 500_000  # base rows per exact-search block, so a memory-mapped base is read in pieces


def exact_top(base: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top ``k`` by inner product of every query over ``base`` (read block by block)."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    k = min(k, len(base))
    best_scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_ids = np.full((len(queries), k), -1, dtype=np.int64)
    for first in range(0, len(base), EXACT_BLOCK):
        block = np.ascontiguousarray(base[first : first + EXACT_BLOCK], dtype=np.float32)
        scores, ids = faiss.knn(queries, block, min(k, len(block)), metric=faiss.METRIC_INNER_PRODUCT)
        merged_scores = np.concatenate([best_scores, scores], axis=1)
        merged_ids = np.concatenate([best_ids, ids + first], axis=1)
        order = np.argsort(-merged_scores, axis=1, kind="stable")[:, :k]
        best_scores = np.take_along_axis(merged_scores, order, axis=1)
        best_ids = np.take_along_axis(merged_ids, order, axis=1)
    return best_scores, best_ids


def recall_at(found: np.ndarray | list[np.ndarray], exact: np.ndarray, k: int) -> float:
    """Mean share of each query's exact top ``k`` that the approximate top ``k`` also holds."""
    shares = [
        len(set(np.asarray(f)[:k].tolist()) & set(e[:k].tolist())) / max(min(k, len(e)), 1)
        for f, e in zip(found, exact, strict=True)
    ]
    return round(float(np.mean(shares)), 4)


def similarity_profile(exact_scores: np.ndarray) -> dict[str, list[float]]:
    """Percentiles (5, 25, 50, 75, 95) of the cosine to the 1st, 10th and 50th exact neighbour."""
    profile = {}
    for rank in (1, 10, 50):
        if exact_scores.shape[1] >= rank:
            values = np.percentile(exact_scores[:, rank - 1], [5, 25, 50, 75, 95])
            profile[f"top{rank}"] = [round(float(v), 3) for v in values]
    gap = exact_scores[:, 0] - exact_scores[:, min(9, exact_scores.shape[1] - 1)]
    profile["top1-top10 gap"] = [round(float(v), 3) for v in np.percentile(gap, [5, 25, 50, 75, 95])]
    return profile


def self_neighbour_profile(base: np.ndarray, sample: int, rng: np.random.Generator) -> list[float]:
    """Percentiles of each sampled row's cosine to its nearest *other* row of ``base``."""
    rows = rng.choice(len(base), size=min(sample, len(base)), replace=False)
    scores, ids = exact_top(base, np.asarray(base[rows]), 2)
    nearest = np.where(ids[:, 0] == rows, scores[:, 1], scores[:, 0])
    return [round(float(v), 3) for v in np.percentile(nearest, [5, 25, 50, 75, 95])]
