"""BM25 as sparse vectors: the inner product of document and query weights is SparseIndex's score."""

from __future__ import annotations

import numpy as np
import pytest

from nekb.bm25_vectors import LevelStats, assign_term_ids, document_weights, query_weights
from nekb.index import SparseIndex

TOKEN_LISTS = [
    ["黑龙江", "人口", "减少", "33", "万人"],
    ["辽宁", "出生率", "下降", "人口", "人口"],
    [],
    ["吉林", "人口", "净流出", "22", "万人", "人口", "流出"],
    ["东北", "振兴"],
]


def _dot(a: dict[int, float], b: dict[int, float]) -> float:
    return sum(w * b.get(t, 0.0) for t, w in a.items())


@pytest.mark.parametrize(
    "query", [["人口"], ["人口", "人口", "万人"], ["黑龙江", "吉林", "不在"], ["∅"], ["东北", "振兴", "人口"]]
)
def test_inner_products_equal_bm25s_scores(query):
    stats = LevelStats.of(TOKEN_LISTS)
    ids = assign_term_ids([stats])
    expected = SparseIndex.build(TOKEN_LISTS).scores(query)
    q = query_weights(query, ids, stats)
    got = np.array([_dot(document_weights(t, ids, stats), q) for t in TOKEN_LISTS])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_idf_and_document_frequency_match_sparse_index():
    stats = LevelStats.of(TOKEN_LISTS)
    index = SparseIndex.build(TOKEN_LISTS)
    tokens = ["人口", "万人", "东北", "没有"]
    np.testing.assert_allclose([stats.idf(t) for t in tokens], index.idf(tokens), rtol=1e-6)
    assert [stats.doc_freq.get(t, 0) for t in tokens] == index.document_frequency(tokens).tolist()


def test_unknown_tokens_give_an_empty_query():
    stats = LevelStats.of(TOKEN_LISTS)
    assert query_weights(["完全", "陌生"], assign_term_ids([stats]), stats) == {}


def test_term_ids_cover_every_level_once():
    a, b = LevelStats.of([["甲", "乙"]]), LevelStats.of([["乙", "丙"], []])
    ids = assign_term_ids([a, b])
    assert sorted(ids) == sorted({"甲", "乙", "丙", "∅"})
    assert sorted(ids.values()) == list(range(4))
