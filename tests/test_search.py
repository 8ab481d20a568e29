import random

import numpy as np
import pytest

from nekb.search import max_by_group, rrf_fuse


def brute_force_rrf(rankings, weights, k):
    items = {i for r in rankings for i in r}
    scores = {}
    for item in items:
        scores[item] = sum(
            w / (k + r.index(item) + 1) for r, w in zip(rankings, weights, strict=True) if item in r
        )
    return scores


@pytest.mark.parametrize("seed", range(20))
def test_rrf_matches_brute_force(seed):
    rng = random.Random(seed)
    rankings = [rng.sample(range(30), rng.randint(0, 15)) for _ in range(rng.randint(1, 3))]
    weights = [rng.uniform(0.1, 2) for _ in rankings]
    fused = rrf_fuse(rankings, weights, k=60)
    expected = brute_force_rrf(rankings, weights, 60)
    assert {i for i, _ in fused} == set(expected)
    for item, score in fused:
        assert score == pytest.approx(expected[item])
    assert [s for _, s in fused] == sorted((s for _, s in fused), reverse=True)


def test_rrf_prefers_items_ranked_by_both():
    fused = rrf_fuse([[1, 2, 3], [3, 4, 1]])
    assert fused[0][0] in (1, 3)
    assert {i for i, _ in fused[:2]} == {1, 3}


def test_max_by_group_keeps_best_per_group():
    scores = np.array([0.9, 0.8, 0.7, 0.95])
    ids = np.array([0, 1, 2, 3])
    group_of = np.array([5, 5, 6, 7])
    values, groups = max_by_group(scores, ids, group_of)
    assert groups.tolist() == [7, 5, 6]
    assert values.tolist() == pytest.approx([0.95, 0.9, 0.7])
