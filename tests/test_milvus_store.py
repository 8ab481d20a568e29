"""The Milvus store (Milvus Lite in-process): same searches, answers and facts as the local store,
add/remove/reopen, and a failed save leaving the previous version answering."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CORPUS, SMALL_DOCS, write_docs

from nekb import KnowledgeBase
from nekb.embed import HashEmbedder
from nekb.errors import IndexMissingError, InputError
from nekb.milvus_store import MilvusSnapshot, MilvusStore
from nekb.snapshot import LEVELS
from nekb.stores import LocalStore, copy_latest, parse_store

QUERIES = [
    "黑龙江人口减少",
    "辽宁生产总值增速",
    "出生率",
    "東北人口淨流出",
    "沈阳课外辅导",
    "七台河市人口",
    "完全无关的词",
]
MORE_DOCS = {
    "jilin.txt": "吉林省2023年常住人口减少22万人。长春市出生率为千分之五。",
    "economy.txt": "东北振兴政策推动产业转型。沈阳装备制造业产值提高了8%。",
}


def _milvus(tmp_path) -> str:
    return f"milvus:{tmp_path / 'milvus' / 'kb.db'}"


@pytest.fixture
def pair(tmp_path):
    """The small corpus built twice with the hash embedder: local index and Milvus store."""
    docs = {**SMALL_DOCS, **MORE_DOCS}
    corpus = {name: write_docs(tmp_path / f"corpus-{name}", docs) for name in ("local", "mv")}
    KnowledgeBase.build(corpus["local"], tmp_path / "local", model=HashEmbedder())
    KnowledgeBase.build(corpus["mv"], tmp_path / "mv", model=HashEmbedder(), store=_milvus(tmp_path))
    local = KnowledgeBase.open(corpus["local"], tmp_path / "local", model=HashEmbedder())
    milvus = KnowledgeBase.open(corpus["mv"], tmp_path / "mv", model=HashEmbedder(), store=_milvus(tmp_path))
    return local, milvus


def _same_answers(local: KnowledgeBase, milvus: KnowledgeBase) -> None:
    assert [d.to_dict() for d in milvus.documents()] == [d.to_dict() for d in local.documents()]
    assert milvus.facts().equals(local.facts())
    for query in QUERIES:
        assert [h.to_dict() for h in milvus.search(query, k=5)] == [
            h.to_dict() for h in local.search(query, k=5)
        ]
        assert milvus.ask(query).to_dict() == local.ask(query).to_dict()


def test_parse_store():
    assert isinstance(parse_store(None, "ix"), LocalStore)
    assert isinstance(parse_store("local", "ix"), LocalStore)
    store = parse_store("milvus:/data/kb.db", "ix")
    assert isinstance(store, MilvusStore) and store.uri == "/data/kb.db"
    assert parse_store(store, "other") is store
    for bad in ("milvus:", "mongo:x", "faiss"):
        with pytest.raises(InputError, match="unknown store"):
            parse_store(bad, "ix")


def test_missing_index_says_what_to_run(tmp_path):
    with pytest.raises(IndexMissingError, match="nekb build --store milvus:"):
        KnowledgeBase.open(
            tmp_path / "corpus", tmp_path / "mv", model=HashEmbedder(), store=_milvus(tmp_path)
        )


def test_round_trip_gives_the_same_records(pair):
    local, milvus = pair
    a, b = local._current(), milvus._current()
    assert isinstance(b, MilvusSnapshot)
    assert b.model == "hash" and b.dim == a.dim
    assert list(b.records) == list(a.records)
    for doc_id, record in a.records.items():
        other = b.records[doc_id]
        for name in ("info", "text", "page_starts", "sentences", "chunk_ranges", "sentence_tokens", "facts"):
            assert getattr(other, name) == getattr(record, name), name
        assert other.sentence_tags == record.sentence_tags
        np.testing.assert_array_equal(other.sentence_vectors, record.sentence_vectors)
        np.testing.assert_array_equal(other.chunk_vectors, record.chunk_vectors)


def test_every_ranking_matches_the_local_store(pair):
    local, milvus = pair
    a, b = local._current(), milvus._current()
    analyzer = local._resources.analyzer
    scopes = [None, frozenset({"liaoning.md", "jilin.txt"}), frozenset({"traditional.txt"})]
    for query in QUERIES:
        tokens = list(analyzer.parse(query, {}).tokens)
        vector = HashEmbedder().embed_queries([query])[0]
        for level in LEVELS:
            for scope in scopes:
                assert b.dense_search(level, vector, 7, scope) == a.dense_search(level, vector, 7, scope)
                assert b.sparse_search(level, tokens, 7, scope) == a.sparse_search(level, tokens, 7, scope)
        np.testing.assert_allclose(b.sentence_idf(tokens), a.sentence_idf(tokens), rtol=1e-6)
        np.testing.assert_allclose(b.sentence_share(tokens), a.sentence_share(tokens))


def test_search_answers_and_facts_match_the_local_store(pair):
    _same_answers(*pair)


def test_add_remove_and_reopen_behave_as_the_local_store(pair, tmp_path):
    local, milvus = pair
    extra = write_docs(
        tmp_path / "incoming", {"harbin.txt": "哈尔滨冰雪旅游收入增长了12%。哈尔滨游客人数创新高。"}
    )
    first = milvus.version
    for kb in (local, milvus):
        report = kb.add([extra / "harbin.txt"])
        assert report.added == ("harbin.txt",) and report.ok
    assert milvus.version != first
    assert milvus.search("哈尔滨冰雪旅游")[0].doc_id == "harbin.txt"
    _same_answers(local, milvus)
    for kb in (local, milvus):
        assert kb.remove(["liaoning.md"]).removed == ("liaoning.md",)
    assert "liaoning.md" not in {d.doc_id for d in milvus.documents()}
    _same_answers(local, milvus)
    reopened = KnowledgeBase.open(
        milvus.corpus_dir, milvus.index_dir, model=HashEmbedder(), store=_milvus(tmp_path)
    )
    assert reopened.version == milvus.version
    _same_answers(local, reopened)
    # The live version's collections are kept, and the version before it (readers may hold it).
    names = reopened.store.client.list_collections()
    kept = {n.split("_", 1)[1].rsplit("_", 1)[0] for n in names if n.startswith("nekb_v")}
    assert kept == {reopened.version, reopened.store._manifest()["previous"]} and len(kept) == 2


def test_unchanged_corpus_writes_no_new_version(pair):
    _, milvus = pair
    version = milvus.version
    report = milvus.update()
    assert not report.changed and milvus.version == version


def test_a_save_failing_midway_leaves_the_previous_version_answering(pair, tmp_path, monkeypatch):
    _, milvus = pair
    before = [h.to_dict() for h in milvus.search("黑龙江人口减少")]
    version = milvus.version
    write_docs(milvus.corpus_dir, {"new.txt": "大连港口吞吐量增长了5%。"})
    real_insert = MilvusStore._insert

    def failing_insert(self, name, rows):
        if name.endswith("_facts"):  # documents, chunks and sentences are written by now
            raise RuntimeError("disk full")
        return real_insert(self, name, rows)

    monkeypatch.setattr(MilvusStore, "_insert", failing_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        milvus.update()
    monkeypatch.undo()
    reopened = KnowledgeBase.open(
        milvus.corpus_dir, milvus.index_dir, model=HashEmbedder(), store=_milvus(tmp_path)
    )
    assert reopened.version == version
    assert [h.to_dict() for h in reopened.search("黑龙江人口减少")] == before
    assert "new.txt" not in {d.doc_id for d in reopened.documents()}
    # The next build drops the partial collections and publishes the new document.
    report = reopened.update()
    assert report.added == ("new.txt",)
    names = reopened.store.client.list_collections()
    kept = (f"nekb_{reopened.version}_", f"nekb_{version}_")
    assert all(n.startswith(kept) for n in names if n.startswith("nekb_v"))
    assert len([n for n in names if n.startswith("nekb_v")]) == 10  # 5 each: no partial one left


def test_cli_with_milvus_store(run_cli, tmp_path):
    corpus = write_docs(tmp_path / "corpus", dict(SMALL_DOCS))
    store = ["--store", _milvus(tmp_path)]
    built = run_cli("build", "--corpus", corpus, "--index", tmp_path / "mv", "--model", "hash", *store)
    assert built.exit_code == 0, built.output
    run_cli("build", "--corpus", corpus, "--index", tmp_path / "local", "--model", "hash")
    for command in (["search", "黑龙江人口"], ["ask", "辽宁生产总值增速是多少"], ["facts"], ["info"]):
        milvus = run_cli(*command, "--index", tmp_path / "mv", *store, "--json")
        local = run_cli(*command, "--index", tmp_path / "local", "--json")
        assert milvus.exit_code == 0, milvus.output
        if command != ["info"]:  # info names the version, which differs
            assert milvus.output == local.output
    extra = write_docs(tmp_path / "incoming", {"jilin.txt": MORE_DOCS["jilin.txt"]})
    added = run_cli("add", extra / "jilin.txt", "--corpus", corpus, "--index", tmp_path / "mv", *store)
    assert "added 1" in added.output
    removed = run_cli("remove", "jilin.txt", "--corpus", corpus, "--index", tmp_path / "mv", *store)
    assert "removed 1" in removed.output
    missing = run_cli("search", "人口", "--index", tmp_path / "none", "--store", _milvus(tmp_path / "none"))
    assert missing.exit_code == 1 and "nekb build --store milvus:" in missing.output


def test_real_e5_index_copied_into_milvus_answers_the_same(real_index, real_kb, resources, run_cli, tmp_path):
    """The shipped corpus (e5, built once per session) copied into Milvus without embedding again."""
    store = _milvus(tmp_path)
    version = copy_latest(LocalStore(real_index), parse_store(store, tmp_path / "mv"))
    milvus = KnowledgeBase.open(CORPUS, tmp_path / "mv", resources=resources, store=store)
    assert milvus.version == version and milvus.model == "e5"
    for question in ("黑龙江2024年常住人口减少了多少", "辽宁的出生率是多少", "東北人口淨流出的原因"):
        assert milvus.ask(question).to_dict() == real_kb.ask(question).to_dict()
    result = run_cli("ask", "黑龙江人口减少了多少", "--index", tmp_path / "mv", "--store", store, "--json")
    assert result.exit_code == 0 and '"claims"' in result.output
    assert milvus.facts().equals(real_kb.facts())
