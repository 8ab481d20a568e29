"""The fitting script's pure parts (scripts/fit_ranker.py), against brute-force references."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.stats import beta

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fit_ranker import gate_threshold


def harrell_davis(values: np.ndarray, quantile: float) -> float:
    """Each order statistic weighted by the Beta(q(n+1), (1-q)(n+1)) mass of its 1/n of [0, 1]."""
    ordered = np.sort(values)
    n = len(ordered)
    a, b = quantile * (n + 1), (1 - quantile) * (n + 1)
    edges = beta.cdf(np.arange(n + 1) / n, a, b)
    return float(np.diff(edges) @ ordered)


def test_gate_threshold_is_the_harrell_davis_quantile():
    rng = np.random.default_rng(7)
    for size in (50, 800):
        probabilities = rng.beta(5, 1, size=size)
        for keep in (0.99, 0.95):
            expected = harrell_davis(probabilities, 1 - keep)
            assert abs(gate_threshold(probabilities, keep) - expected) < 1e-9


def test_gate_threshold_keeps_about_the_share_asked_for():
    probabilities = np.random.default_rng(3).beta(5, 1, size=4000)
    threshold = gate_threshold(probabilities, 0.99)
    assert 0.985 <= np.mean(probabilities >= threshold) <= 0.995


def test_gate_threshold_moves_less_than_the_plain_quantile_across_folds():
    # A tail with a gap, as the on-topic questions' probabilities had: the plain 1% quantile of each
    # four-fifths subsample lands on one side of the gap or the other.
    rng = np.random.default_rng(11)
    probabilities = np.concatenate([rng.uniform(0.05, 0.35, 9), rng.uniform(0.55, 1.0, 791)])
    folds = [rng.choice(probabilities, 640, replace=False) for _ in range(60)]
    plain = np.std([np.quantile(fold, 0.01) for fold in folds])
    smoothed = np.std([gate_threshold(fold, 0.99) for fold in folds])
    assert smoothed < 0.7 * plain
