"""Embedding backends (the packaged MiniLM through sentence-transformers, model mismatch errors) and
chunk vectors pooled from sentence vectors."""

import numpy as np
import pytest

from nekb import KnowledgeBase, ModelMismatchError
from nekb.embed import HashEmbedder, load_embedder, pool_chunk_vectors
from nekb.errors import InputError
from nekb.normalize import SearchNormalizer
from nekb.persist import load_snapshot
from nekb.store import current_version


@pytest.fixture(scope="module")
def minilm():
    return load_embedder("st:all-MiniLM-L6-v2")


def test_sentence_transformers_backend_embeds_offline(minilm, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vectors = minilm.embed_passages(["The economy of Northeast China", "A recipe for bread"])
    query = minilm.embed_queries(["economic decline in northeast China"])[0]
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert query @ vectors[0] > query @ vectors[1]


def test_index_built_with_minilm_rejects_another_model(minilm, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("Shenyang population fell. Dalian port grew.", encoding="utf-8")
    KnowledgeBase.build(corpus, tmp_path / "index", model=minilm)
    kb = KnowledgeBase.open(corpus, tmp_path / "index", model=minilm)
    assert kb.model == "st:all-MiniLM-L6-v2"
    assert kb.search("Dalian port", k=1)[0].doc_id == "a.md"
    with pytest.raises(ModelMismatchError, match="rebuild"):
        KnowledgeBase.open(corpus, tmp_path / "index", model=HashEmbedder())
    with pytest.raises(ModelMismatchError, match="nekb build --full --model e5"):
        KnowledgeBase.open(corpus, tmp_path / "index", model="e5")


def test_hash_embedder_is_deterministic_and_normalized():
    a = HashEmbedder().embed_passages(["东北振兴", "东北振兴", "人口"])
    assert np.allclose(a[0], a[1]) and not np.allclose(a[0], a[2])
    assert np.allclose(np.linalg.norm(a, axis=1), 1)


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(InputError, match="unknown model 'bert'"):
        load_embedder("bert")


def test_pooled_chunk_vectors_match_a_brute_force_weighted_mean():
    rng = np.random.default_rng(7)
    sentences = rng.standard_normal((9, 5)).astype(np.float32)
    weights = rng.uniform(1, 40, size=9).tolist()
    ranges = [(0, 3), (2, 5), (4, 9), (8, 9)]  # overlapping, as the chunker makes them
    pooled = pool_chunk_vectors(sentences, weights, ranges)
    for row, (first, last) in enumerate(ranges):
        total = [sum(weights[s] * float(sentences[s, j]) for s in range(first, last)) for j in range(5)]
        norm = sum(x * x for x in total) ** 0.5
        assert np.allclose(pooled[row], [x / norm for x in total], atol=1e-5)
    assert pool_chunk_vectors(sentences, weights, []).shape == (0, 5)


class CountingEmbedder(HashEmbedder):
    """Records every passage text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def embed_passages(self, texts, progress=None):
        self.passages.extend(texts)
        return super().embed_passages(texts, progress)


def load_live(index_dir):
    return load_snapshot(current_version(index_dir))


def test_the_build_embeds_each_sentence_once_and_pools_chunk_vectors(small_corpus, tmp_path):
    embedder = CountingEmbedder()
    KnowledgeBase.build(small_corpus, tmp_path / "index", model=embedder)
    records = list(load_live(tmp_path / "index").records.values())
    assert len(embedder.passages) == sum(len(r.sentences) for r in records)
    for record in records:
        forms = record.sentence_forms(SearchNormalizer())
        sentence_vectors = HashEmbedder().embed_passages(record.embedding_texts(SearchNormalizer()))
        expected = pool_chunk_vectors(sentence_vectors, [len(t) for t in forms], record.chunk_ranges)
        assert np.allclose(record.chunk_vectors, expected, atol=1e-6)


def test_pooled_chunk_vectors_are_close_to_e5_embedding_the_whole_chunk(real_index, resources):
    """The approximation the build relies on, checked with the real model on the shipped corpus."""
    snap = load_live(real_index)
    chunk_ids = list(range(0, snap.size("chunk"), 10))
    texts = [resources.normalizer.search_form(snap.chunk(i).text) for i in chunk_ids]
    direct = resources.embedder("e5").embed_passages(texts)
    stored = np.concatenate([r.chunk_vectors for r in snap.records.values()])
    cosines = (direct * stored[chunk_ids]).sum(axis=1)
    assert cosines.mean() > 0.95 and cosines.min() > 0.9, cosines


# Two people's articles whose later chunks never name them: only the title says whose study it is.
FILLER = "那一年城里修了新的铁路，车站前的广场也扩建了。街上的商店越来越多，夜里灯火通明。" * 8
PEOPLE = {
    "张三.txt": f"张三出生于沈阳。{FILLER}\n他在大学主修土木工程，毕业后参与设计桥梁。",
    "李四.txt": f"李四出生于长春。{FILLER}\n他在大学主修临床医学，毕业后在医院工作。",
}


def test_a_sentence_that_leaves_its_subject_implicit_is_found_by_the_title(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in PEOPLE.items():
        (corpus / name).write_text(text, encoding="utf-8")
    KnowledgeBase.build(corpus, tmp_path / "index", model="e5")
    kb = KnowledgeBase.open(corpus, tmp_path / "index")
    for person, major in (("张三", "土木工程"), ("李四", "临床医学")):
        top = kb.search(f"{person}在大学主修什么？", k=1)[0]
        assert top.doc_id == f"{person}.txt" and major in top.text, (person, top.text)


def test_a_new_title_embeds_the_document_again(small_corpus, tmp_path):
    corpus = small_corpus
    KnowledgeBase.build(corpus, tmp_path / "index", model=HashEmbedder())
    doc_id = sorted(load_live(tmp_path / "index").records)[0]
    (corpus / "sources.toml").write_text(f'["{doc_id}"]\ntitle = "松平康忠"\n', encoding="utf-8")
    KnowledgeBase.build(corpus, tmp_path / "index", model=HashEmbedder())
    record = load_live(tmp_path / "index").records[doc_id]
    expected = HashEmbedder().embed_passages(record.embedding_texts(SearchNormalizer()))
    assert record.info.title == "松平康忠"
    assert np.allclose(record.sentence_vectors, expected, atol=1e-6)
