import numpy as np
import pytest

from nekb.errors import IndexDamagedError
from nekb.index import (
    FLAT_MAX_VECTORS,
    MAX_LISTS,
    DenseIndex,
    SparseIndex,
    choose_index_type,
    list_count,
    read_rows,
)


def random_unit_vectors(n, dim, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def clustered_unit_vectors(n, dim, seed=0):
    """Unit vectors around 40 centres: like text embeddings, neighbours are not uniformly spread."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dim))
    v = centres[rng.integers(0, 40, size=n)] + 0.6 * rng.normal(size=(n, dim))
    v = v.astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_flat_search_is_exact_over_memory_mapped_vectors(tmp_path):
    vectors = random_unit_vectors(500, 32)
    np.save(tmp_path / "v.npy", vectors)
    query = random_unit_vectors(1, 32, seed=1)[0]
    DenseIndex.build(vectors, "flat").save(tmp_path / "d.faiss")
    mapped = np.load(tmp_path / "v.npy", mmap_mode="r")
    loaded = DenseIndex.load(tmp_path / "d.faiss", mapped)
    assert loaded.kind == "flat"
    assert (tmp_path / "d.faiss").stat().st_size < 1000  # the vectors are stored once, in the .npy
    scores, ids = loaded.search(query, 10)
    expected = np.argsort(-(vectors @ query))[:10]
    assert ids.tolist() == expected.tolist()
    assert scores == pytest.approx((vectors @ query)[expected], rel=1e-5)


def test_ivf_finds_the_exact_neighbours_and_scores_them_exactly(tmp_path):
    vectors = clustered_unit_vectors(6000, 48)
    queries = clustered_unit_vectors(50, 48, seed=1)
    index = DenseIndex.build(vectors, "ivf")
    assert index.kind == "ivf"
    np.save(tmp_path / "v.npy", vectors)
    index.save(tmp_path / "d.faiss")
    loaded = DenseIndex.load(tmp_path / "d.faiss", np.load(tmp_path / "v.npy", mmap_mode="r"))
    assert loaded.kind == "ivf"
    found = 0
    for query in queries:
        scores, ids = loaded.search(query, 10)
        exact = vectors @ query
        assert scores == pytest.approx(exact[ids], rel=1e-5)  # re-ranked with the float vectors
        assert list(scores) == sorted(scores, reverse=True)
        found += len(set(ids.tolist()) & set(np.argsort(-exact)[:10].tolist()))
    assert found / (10 * len(queries)) >= 0.9


def test_rows_of_a_memory_mapped_file_are_read_as_indexing_would(tmp_path):
    vectors = random_unit_vectors(300, 16)
    np.save(tmp_path / "v.npy", vectors)
    mapped = np.load(tmp_path / "v.npy", mmap_mode="r")
    for rows in (np.array([3, 7, 8, 250]), np.arange(10, 60), np.array([], dtype=np.int64)):
        assert np.array_equal(read_rows(mapped, rows), vectors[rows])
    part = mapped[100:200]  # a slice of the map: its rows are not the file's rows 0..99
    assert np.array_equal(read_rows(part, np.array([0, 5])), vectors[[100, 105]])


def test_ivf_codes_are_compact_and_must_match_their_vectors(tmp_path):
    vectors = clustered_unit_vectors(6000, 48)
    DenseIndex.build(vectors, "ivf").save(tmp_path / "d.faiss")
    assert (tmp_path / "d.faiss").stat().st_size < vectors.nbytes / 3
    with pytest.raises(IndexDamagedError, match="6000 codes for 5999 vectors"):
        DenseIndex.load(tmp_path / "d.faiss", vectors[:-1])


def test_dense_search_on_empty_and_small_index(tmp_path):
    index = DenseIndex.build(np.zeros((0, 8), dtype=np.float32), "flat")
    assert index.search(np.ones(8, dtype=np.float32), 5)[1].tolist() == []
    index.save(tmp_path / "empty.faiss")
    assert DenseIndex.load(tmp_path / "empty.faiss", np.zeros((0, 8), dtype=np.float32)).size == 0
    small = DenseIndex.build(random_unit_vectors(3, 8), "flat")
    assert len(small.search(random_unit_vectors(1, 8)[0], 10)[1]) == 3
    with pytest.raises(ValueError, match="unknown dense index type"):
        DenseIndex.build(random_unit_vectors(3, 8), "hnsw")


def test_index_type_and_list_count_grow_with_size():
    assert choose_index_type(FLAT_MAX_VECTORS) == "flat"
    assert choose_index_type(FLAT_MAX_VECTORS + 1) == "ivf"
    assert list_count(100_000) < list_count(1_000_000) <= MAX_LISTS
    assert list_count(10**9) == MAX_LISTS


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


def zipf_token_lists(n_rows, vocabulary, seed=0):
    """Token lists of varied length over a Zipf-like vocabulary: a few words in most rows, many rare."""
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, vocabulary + 1)
    words = [f"w{i}" for i in range(vocabulary)]
    return [
        [words[i] for i in rng.choice(vocabulary, size=rng.integers(1, 40), p=weights / weights.sum())]
        for _ in range(n_rows)
    ], words


def brute_force_top(index, tokens, k):
    """The reference: every row scored by bm25s, positive scores sorted (stable, so ties by row id)."""
    scores = index.scores(tokens)
    positive = np.flatnonzero(scores > 0)
    order = positive[np.argsort(-scores[positive], kind="stable")][:k]
    return scores, order


@pytest.mark.parametrize(
    ("seed", "sparse_share"),
    [(0, None), (1, None), (2, None), (3, 0.0), (4, 100.0)],  # as shipped; all dense; all by lookups
)
def test_bm25_top_k_is_the_brute_force_top_k(seed, sparse_share, monkeypatch):
    from nekb import bm25_top

    if sparse_share is not None:
        monkeypatch.setattr(bm25_top, "SPARSE_SHARE", sparse_share)
    token_lists, words = zipf_token_lists(3000, 400, seed)
    index = SparseIndex.build(token_lists)
    rng = np.random.default_rng(seed + 10)
    checked = 0
    for _ in range(60):
        # common and rare words, sometimes repeated (a repeated query word counts twice), some unknown
        query = [words[i] for i in rng.integers(0, 400, size=rng.integers(1, 12))] + ["unknown"]
        query += query[:2] if rng.random() < 0.3 else []
        for k in (1, 10, 150, 5000):
            scores, ids = index.search(query, k)
            reference, expected = brute_force_top(index, query, k)
            assert len(ids) == len(expected)
            assert scores == pytest.approx(reference[ids], rel=1e-5)  # each row's own BM25 score
            assert scores == pytest.approx(reference[expected], rel=1e-5)  # the same top-k scores
            # Same rows, except that rows tied (within float rounding) at the k-th score may differ.
            if len(expected):
                cut = reference[expected[-1]] * (1 + 1e-5)
                assert set(expected[reference[expected] > cut].tolist()) <= set(ids.tolist())
            checked += 1
    assert checked == 240


def test_bm25_top_k_breaks_ties_by_row_and_skips_non_matches():
    token_lists = [["a", "b"], ["c"], ["a", "b"], ["a", "b"], ["d"], ["a", "b"]]
    index = SparseIndex.build(token_lists)
    assert index.search(["a"], 2)[1].tolist() == [0, 2]
    assert index.search(["b", "a"], 10)[1].tolist() == [0, 2, 3, 5]
    assert index.search(["zzz"], 3)[1].tolist() == []
    assert index.search(["a"], 0)[1].tolist() == []
    assert SparseIndex.build([]).search(["a"], 3)[1].tolist() == []


def test_bm25_saved_without_bounds_still_searches_exactly(tmp_path):
    """An index saved by an older nekb has no bounds file: they are computed when it is loaded."""
    token_lists, words = zipf_token_lists(800, 100)
    SparseIndex.build(token_lists).save(tmp_path)
    with_bounds = SparseIndex.load(tmp_path)
    (tmp_path / "nekb_term_bounds.npy").unlink()
    without = SparseIndex.load(tmp_path)
    assert np.array_equal(with_bounds.postings.bounds, without.postings.bounds)
    query = words[:3] + words[50:53]
    assert without.search(query, 20)[1].tolist() == brute_force_top(without, query, 20)[1].tolist()


def test_bm25_rows_are_sorted_within_each_term_when_they_were_not():
    from nekb.bm25_top import sorted_within_terms
    from nekb.index import _sort_rows

    indptr = np.array([0, 3, 3, 5])
    assert sorted_within_terms(np.array([0, 4, 9, 1, 2]), indptr)
    assert not sorted_within_terms(np.array([0, 9, 4, 1, 2]), indptr)
    scores = {
        "indices": np.array([0, 9, 4, 2, 1]),
        "data": np.array([1.0, 2.0, 3.0, 4.0, 5.0]),
        "indptr": indptr,
    }
    _sort_rows(scores)
    assert scores["indices"].tolist() == [0, 4, 9, 1, 2]
    assert scores["data"].tolist() == [1.0, 3.0, 2.0, 5.0, 4.0]


def test_probe_count_is_a_share_of_the_lists_capped_for_the_largest_indexes():
    from nekb.index import MAX_PROBES, PROBE_SHARE, probe_count

    assert probe_count(256) == round(256 * PROBE_SHARE)
    assert probe_count(1) == 1
    assert probe_count(MAX_LISTS) == min(round(MAX_LISTS * PROBE_SHARE), MAX_PROBES)
