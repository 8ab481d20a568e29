"""Embedding backends: the packaged MiniLM through sentence-transformers, and model mismatch errors."""

import numpy as np
import pytest

from nekb import KnowledgeBase, ModelMismatchError
from nekb.embed import HashEmbedder, load_embedder


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
    kb = KnowledgeBase.build(corpus, tmp_path / "index", model=minilm)
    assert kb.model == "st:all-MiniLM-L6-v2"
    assert kb.search("Dalian port", k=1)[0].doc_id == "a.md"
    with pytest.raises(ModelMismatchError, match="rebuild"):
        KnowledgeBase.open(tmp_path / "index", corpus, model=HashEmbedder())
    with pytest.raises(ModelMismatchError, match="nekb build --full --model e5"):
        KnowledgeBase.open(tmp_path / "index", corpus, model="e5")


def test_hash_embedder_is_deterministic_and_normalized():
    a = HashEmbedder().embed_passages(["东北振兴", "东北振兴", "人口"])
    assert np.allclose(a[0], a[1]) and not np.allclose(a[0], a[2])
    assert np.allclose(np.linalg.norm(a, axis=1), 1)


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown model 'bert'"):
        load_embedder("bert")
