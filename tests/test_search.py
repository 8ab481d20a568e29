import random

import pytest

from nekb.search import rrf_fuse


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
