"""Saving an index version and loading it back gives the same snapshot (no pickle anywhere)."""

from dataclasses import replace

import numpy as np
from conftest import hand_built_records

from nekb.persist import load_snapshot, save_snapshot
from nekb.query import ParsedQuery
from nekb.search import hybrid_search
from nekb.types import Fact

DOCS = {
    "a.txt": ["黑龙江 人口 减少", "辽宁 出生率 下降", "吉林 人口 净流出"],
    "sub/b.md": ["大连 港口 吞吐量", "人口 流出 东北"],
}


def test_a_saved_version_loads_back_the_same(tmp_path):
    records = hand_built_records(DOCS)
    fact = Fact(
        "a.txt#0-0", "黑龙江", "人口减少", "2024", 33.0, "万人", "约", "a.txt", "黑龙江 人口 减少", 0, 8
    )
    records[0] = replace(records[0], facts=(fact,))
    version = tmp_path / "v-test"
    version.mkdir()
    save_snapshot(version, records, "hand", 8, {"chunk_chars": 250})
    snap = load_snapshot(version, expected_model="hand")
    assert snap.version == "v-test" and snap.model == "hand" and snap.dim == 8
    assert [d.doc_id for d in snap.documents()] == ["a.txt", "sub/b.md"]
    for before in records:
        after = snap.document(before.doc_id)
        assert after.info == before.info and after.text == before.text
        assert after.sentences == before.sentences and after.chunk_ranges == before.chunk_ranges
        assert after.sentence_tokens == before.sentence_tokens and after.facts == before.facts
        assert np.array_equal(after.sentence_vectors, before.sentence_vectors)
        assert np.array_equal(after.chunk_vectors, before.chunk_vectors)
        assert not after.sentence_vectors.flags.writeable
    assert snap.fact(fact.fact_id) == fact and snap.facts_at("a.txt", 0) == (fact.fact_id,)
    vector = records[1].sentence_vectors[1]
    hits = hybrid_search(snap, ParsedQuery(dense_text="人口", tokens=("人口", "流出")), vector, k=3)
    assert hits[0].doc_id == "sub/b.md" and hits[0].text == "大连 港口 吞吐量\n人口 流出 东北"
    assert not list(version.rglob("*.pkl")) and not list(version.rglob("*.pickle"))


def test_an_empty_version_is_valid(tmp_path):
    version = tmp_path / "v-empty"
    version.mkdir()
    save_snapshot(version, [], "hand", 8, {})
    snap = load_snapshot(version)
    assert snap.documents() == [] and snap.size("chunk") == 0 and snap.facts == ()
    assert snap.sparse_search("sentence", ["人口"], 5) == []
