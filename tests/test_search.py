"""Rank fusion and hybrid search, each against a brute-force reference."""

import random

import numpy as np
import pytest
from conftest import hand_built_snapshot

from nekb.query import ParsedQuery
from nekb.search import CANDIDATES, RRF_K, SENTENCE_CANDIDATES, hybrid_search, rankings, rrf_fuse


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


def test_rrf_adds_prior_scores_and_breaks_ties_by_id():
    prior = [(7, 1 / 61 + 1 / 62), (5, 1 / 61)]  # two rankings fused elsewhere (in float32, say)
    fused = rrf_fuse([[5, 9], [9, 7]], prior=prior)
    expected = {7: 1 / 61 + 1 / 62 + 1 / 62, 5: 2 / 61, 9: 1 / 62 + 1 / 61}
    assert [i for i, _ in fused] == [7, 5, 9]
    assert dict(fused) == pytest.approx(expected)
    tied = rrf_fuse([[4, 2], [2, 4]], prior=[(4, float(np.float32(0.001)))])
    assert [i for i, _ in rrf_fuse([[4, 2], [2, 4]])] == [2, 4]  # equal sums: by id
    assert tied[0][0] == 4


def test_rrf_prefers_items_ranked_by_both():
    fused = rrf_fuse([[1, 2, 3], [3, 4, 1]])
    assert fused[0][0] in (1, 3)
    assert {i for i, _ in fused[:2]} == {1, 3}


# -- hybrid search against a brute-force reference on a hand-built snapshot ----------------------

DOCS = {
    "a.txt": ["黑龙江 人口 减少 人口", "辽宁 出生率 下降", "吉林 人口 净流出", "沈阳 工业 振兴"],
    "b.txt": ["大连 港口 吞吐量", "人口 流出 东北", "高铁 哈大 东北 东北"],
    "c.txt": ["鹤岗 煤矿", "人口 减少 鹤岗 煤矿"],
}
VOCAB = sorted({w for sentences in DOCS.values() for s in sentences for w in s.split()})


def brute_bm25(token_lists, query, k1=1.5, b=0.75):
    """Lucene BM25 (bm25s's default) computed directly from its formula."""
    n = len(token_lists)
    avgdl = sum(len(t) for t in token_lists) / n
    scores = []
    for tokens in token_lists:
        score = 0.0
        for word in set(query):
            df = sum(word in t for t in token_lists)
            tf = tokens.count(word)
            if df and tf:
                idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
                score += idf * tf / (tf + k1 * (1 - b + b * len(tokens) / avgdl))
        scores.append(score)
    return np.asarray(scores)


def ranked(scores, limit, positive_only=False):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return [i for i in order if scores[i] > 0 or not positive_only][:limit]


def brute_force_hybrid(records, query_tokens, query_vector, scope, k, named=frozenset()):
    chunks, sentences = [], []  # (doc_id, tokens, vector, sentence ids or chunk ids)
    for record in records:
        first_sentence, first_chunk = len(sentences), len(chunks)
        for s, tokens in enumerate(record.sentence_tokens):
            holders = [first_chunk + i for i, (a, b) in enumerate(record.chunk_ranges) if a <= s < b]
            sentences.append((record.doc_id, list(tokens), record.sentence_vectors[s], holders))
        for i in range(len(record.chunk_ranges)):
            chunks.append((record.doc_id, record.chunk_tokens(i), record.chunk_vectors[i], first_sentence))

    def in_scope(items, docs=scope):
        return [docs is None or item[0] in docs for item in items]

    def dense(items, limit, docs=scope):
        keep = in_scope(items, docs)
        scores = [
            float(v @ query_vector) if ok else -np.inf for (_, _, v, _), ok in zip(items, keep, strict=True)
        ]
        return [i for i in ranked(scores, limit) if keep[i]]

    def sparse(items, limit):
        scores = brute_bm25([t for _, t, _, _ in items], query_tokens)  # BM25 statistics use all items
        keep = in_scope(items)
        return ranked(
            [s if ok else 0.0 for s, ok in zip(scores, keep, strict=True)], limit, positive_only=True
        )

    def chunks_of(sentence_ids):
        out = []
        for s in sentence_ids:
            out.extend(c for c in sentences[s][3] if c not in out)
        return out[:CANDIDATES]

    rankings = [
        dense(chunks, CANDIDATES),
        sparse(chunks, CANDIDATES),
        chunks_of(dense(sentences, SENTENCE_CANDIDATES)),
        chunks_of(sparse(sentences, SENTENCE_CANDIDATES)),
    ]
    named_in_scope = named if scope is None else named & scope
    if named_in_scope:  # the documents the question names, by embedding
        rankings.append(dense(chunks, CANDIDATES, named_in_scope))
    return brute_force_rrf(rankings, [1.0] * len(rankings), RRF_K), rankings


@pytest.mark.parametrize("seed", range(12))
def test_hybrid_search_matches_a_brute_force_reference(seed):
    rng = random.Random(seed)
    snap = hand_built_snapshot(DOCS, seed=seed)
    records = list(snap.records.values())
    query_tokens = rng.sample(VOCAB, rng.randint(1, 3))
    vector = np.random.default_rng(seed).normal(size=8).astype(np.float32)
    vector /= np.linalg.norm(vector)
    scope = frozenset({"a.txt", "c.txt"}) if seed % 3 == 0 else None
    named = frozenset({"b.txt", "c.txt"}) if seed % 2 == 0 else frozenset()
    parsed = ParsedQuery(dense_text="问题", tokens=tuple(query_tokens), scope=scope, named=named)
    expected, expected_rankings = brute_force_hybrid(records, query_tokens, vector, scope, k=5, named=named)
    assert rankings(snap, parsed, vector) == expected_rankings
    hits = hybrid_search(snap, parsed, vector, k=5)
    best = sorted(expected.items(), key=lambda pair: -pair[1])[:5]
    assert [h.chunk_id for h in hits] == [chunk_id for chunk_id, _ in best]
    assert [h.score for h in hits] == pytest.approx([score for _, score in best], abs=1e-6)
    for hit in hits:
        assert scope is None or hit.doc_id in scope
        assert snap.document(hit.doc_id).text[hit.start : hit.end] == hit.text


def test_an_empty_query_or_snapshot_finds_nothing():
    snap = hand_built_snapshot(DOCS)
    vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
    assert hybrid_search(snap, ParsedQuery(dense_text=" ", tokens=()), vector, k=5) == []
    empty = hand_built_snapshot({})
    assert hybrid_search(empty, ParsedQuery(dense_text="人口", tokens=("人口",)), vector, k=5) == []
