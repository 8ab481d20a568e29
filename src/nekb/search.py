"""Rank fusion of dense and sparse result lists (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RRF_K = 60


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


def max_by_group(scores: np.ndarray, ids: np.ndarray, group_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Collapse item scores to their groups, keeping each group's best; returns groups best first.

    ``ids`` index ``group_of``; used to turn sentence matches into chunk matches.
    """
    best: dict[int, float] = {}
    for score, item in zip(scores.tolist(), ids.tolist(), strict=True):
        group = int(group_of[item])
        if group not in best or score > best[group]:
            best[group] = score
    ordered = sorted(best.items(), key=lambda pair: -pair[1])
    groups = np.array([g for g, _ in ordered], dtype=np.int64)
    values = np.array([s for _, s in ordered], dtype=np.float32)
    return values, groups
