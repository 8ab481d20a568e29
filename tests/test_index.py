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
