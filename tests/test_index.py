import numpy as np
import pytest

from nekb.index import DenseIndex, SparseIndex, choose_index_type


def random_unit_vectors(n, dim, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_dense_search_matches_brute_force(tmp_path, kind):
    vectors = random_unit_vectors(500, 32)
    query = random_unit_vectors(1, 32, seed=1)[0]
    index = DenseIndex.build(vectors, kind)
    index.save(tmp_path / "d.faiss")
    loaded = DenseIndex.load(tmp_path / "d.faiss", kind)
    scores, ids = loaded.search(query, 10)
    expected = np.argsort(-(vectors @ query))[:10]
    if kind == "flat":
        assert ids.tolist() == expected.tolist()
        assert scores == pytest.approx((vectors @ query)[expected], rel=1e-5)
    else:
        assert len(set(ids.tolist()) & set(expected.tolist())) >= 9


def test_dense_search_on_empty_and_small_index():
    index = DenseIndex.build(np.zeros((0, 8), dtype=np.float32), "flat")
    assert index.search(np.ones(8, dtype=np.float32), 5)[1].tolist() == []
    small = DenseIndex.build(random_unit_vectors(3, 8), "flat")
    assert len(small.search(random_unit_vectors(1, 8)[0], 10)[1]) == 3


def test_index_type_switches_with_size():
    assert choose_index_type(1000) == "flat"
    assert choose_index_type(10_000_000) == "hnsw"


def test_bm25_ranks_matching_chunks_and_persists(tmp_path):
    docs = [["黑龙江", "人口", "减少"], ["辽宁", "出生率"], ["吉林", "人口", "净流出"], []]
    index = SparseIndex.build(docs)
    (tmp_path / "bm25").mkdir()
    index.save(tmp_path / "bm25")
    loaded = SparseIndex.load(tmp_path / "bm25")
    _, ids = loaded.search(["辽宁", "出生率"], 3)
    assert ids.tolist() == [1]
    _, ids = loaded.search(["人口"], 5)
    assert sorted(ids.tolist()) == [0, 2]
    assert loaded.search(["不存在"], 5)[1].tolist() == []
    assert not list(tmp_path.rglob("*.pkl"))


def test_document_frequency_and_idf_match_a_direct_count():
    docs = [["黑龙江", "人口", "人口"], ["辽宁", "出生率"], ["吉林", "人口"], []]
    index = SparseIndex.build(docs)
    words = ["人口", "辽宁", "不存在"]
    counts = [sum(word in doc for doc in docs) for word in words]
    assert index.document_frequency(words).tolist() == counts
    expected = [np.log(1 + (len(docs) - c + 0.5) / (c + 0.5)) for c in counts]
    assert np.allclose(index.idf(words), expected)
