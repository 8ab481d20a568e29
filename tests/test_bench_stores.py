"""benchmarks/bench_stores.py: the documents its write stage reads back are the ones drawn (no pickle)."""

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_scale import document_of, draw_document
from bench_stores import exact_top, read_documents


def fake_pool(dim=8, seed=0):
    """What draw_document uses of a SentencePool: texts, their lengths, tokens, unit vectors."""
    texts = [f"第{i}句话，东北三省常住人口{'持续变化' * (3 + i % 9)}。" for i in range(40)]
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(len(texts), dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    tokens = [[f"第{i}句", "东北", "人口"] for i in range(len(texts))]
    return SimpleNamespace(
        texts=texts, lengths=np.array([len(t) for t in texts]), tokens=tokens, vectors=vectors
    )


def test_documents_read_back_from_the_scratch_files_are_the_ones_drawn(tmp_path):
    pool = fake_pool()
    rng = np.random.default_rng(1)
    drawn = [draw_document(pool, n, rng) for n in (5, 3, 7)]
    # The files stage_corpus writes: pool, sentence pool ids, chunk ranges, per-document counts, vectors.
    meta = {"texts": pool.texts, "tokens": pool.tokens, "model": "hand", "dim": 8, "settings": {}}
    (tmp_path / "pool.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    np.save(tmp_path / "sentence_ids.npy", np.concatenate([d[0] for d in drawn]).astype(np.int32))
    np.save(tmp_path / "chunk_ranges.npy", np.concatenate([np.asarray(d[1], dtype=np.int32) for d in drawn]))
    np.save(tmp_path / "document_counts.npy", np.array([(len(d[0]), len(d[1])) for d in drawn]))
    np.save(tmp_path / "sentence_vectors.npy", np.concatenate([d[2] for d in drawn]))
    np.save(tmp_path / "chunk_vectors.npy", np.concatenate([d[3] for d in drawn]))
    docs, read_meta = read_documents(tmp_path)
    assert read_meta == {"model": "hand", "dim": 8, "settings": {}}
    assert [len(d.chunk_ranges) for d in docs] == [len(d[1]) for d in drawn]
    for n, (doc, (ids, ranges, sentence_vectors, chunk_vectors)) in enumerate(zip(docs, drawn, strict=True)):
        expected = document_of(n, pool.texts, pool.tokens, ids, ranges, (sentence_vectors, chunk_vectors))
        assert (doc.doc_id, doc.text, doc.sentences) == (expected.doc_id, expected.text, expected.sentences)
        assert doc.chunk_ranges == expected.chunk_ranges and doc.sentence_tokens == expected.sentence_tokens
        assert np.array_equal(doc.sentence_vectors, sentence_vectors)
        assert np.array_equal(doc.chunk_vectors, chunk_vectors)
        assert doc.text[doc.sentences[0][0] : doc.sentences[0][1]] == pool.texts[ids[0]]
    assert not list(tmp_path.glob("*.pkl"))


def test_exact_top_scores_in_blocks_as_one_product_would():
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(230, 8)).astype(np.float32)
    queries = rng.normal(size=(4, 8)).astype(np.float32)
    expected = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :10]
    assert np.array_equal(exact_top(vectors, queries, block=50), expected)
