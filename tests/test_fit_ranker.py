"""The fitting script's pure parts (scripts/fit_ranker.py), against brute-force references."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import beta
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fit_ranker import GATE_KEEP, Sample, fit_gate, gate_threshold

from nekb.ranker import GATE_FEATURES, WORD_GATE_FEATURES, LinearModel, gate_row
from nekb.sentence_features import FEATURES


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


def test_the_word_gate_is_fitted_on_its_own_columns_of_the_gate_rows():
    """fit_gate on a subset of the gate's features is the balanced logistic regression of those columns
    of the gate rows, in that order (the reference fitted here directly on them)."""
    rng = np.random.default_rng(6)
    sentence = LinearModel(
        FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), rng.normal(size=len(FEATURES))
    )
    samples = [
        Sample(
            "trial",
            str(i),
            str(i),
            i % 3 == 0,
            rng.random((4, len(FEATURES))) + (i % 3 == 0) * 0.2,
            np.zeros(4, bool),
            np.zeros(4, bool),
            (),
            None,
            (),
        )
        for i in range(90)
    ]
    gate, threshold = fit_gate(samples, sentence, WORD_GATE_FEATURES)
    columns = [GATE_FEATURES.index(name) for name in WORD_GATE_FEATURES]
    x = np.array([gate_row(s.rows, sentence)[columns] for s in samples])
    y = np.array([s.on_topic for s in samples])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    reference = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit((x - mean) / scale, y)
    assert gate.features == WORD_GATE_FEATURES
    assert np.allclose(gate.mean, mean) and np.allclose(gate.scale, scale)
    assert np.allclose(gate.weights, reference.coef_[0], atol=1e-6)
    on_topic = 1 / (1 + np.exp(-gate.score(x[y])))
    assert threshold == pytest.approx(gate_threshold(on_topic, GATE_KEEP))
