"""The Milvus store (Milvus Lite in-process): same searches, answers and facts as the local store,
add/remove/reopen, and a failed save leaving the previous version answering."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CORPUS, SMALL_DOCS, write_docs

from nekb import KnowledgeBase, milvus_rows, milvus_store, milvus_write
from nekb.embed import HashEmbedder
from nekb.errors import IndexDamagedError, IndexMissingError, InputError
from nekb.milvus_schema import KINDS, LIVE_UNTIL, META, collection_name, visible
from nekb.milvus_store import MilvusSnapshot, MilvusStore
from nekb.pipeline import token_lists
from nekb.search import hybrid_search
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


def test_opening_reads_only_the_documents_layout(pair, monkeypatch):
    local, milvus = pair
    read, queried = [], []
    real_read = milvus_store.read_rows
    monkeypatch.setattr(
        milvus_store, "read_rows", lambda c, name, *a: read.append(name) or real_read(c, name, *a)
    )
    client = milvus.store.client
    real_query = client.query
    monkeypatch.setattr(client, "query", lambda name, **kw: queried.append(name) or real_query(name, **kw))
    snapshot, _ = milvus.store.load_latest()
    assert read == [collection_name(1, "documents")] and queried == [META]  # no text, vectors or facts
    hits = hybrid_search(snapshot, local._resources.analyzer.parse("黑龙江人口减少", {}),
                         HashEmbedder().embed_queries(["黑龙江人口减少"])[0], 3)  # fmt: skip
    fetched = {name.rsplit("_", 1)[1] for name in queried}
    assert hits and {"terms", "documents", "chunks", "sentences"} <= fetched
    assert read == [collection_name(1, "documents")]  # documents by key, the fact table not yet
    assert snapshot.facts and read[-1] == collection_name(1, "facts")


def test_long_documents_round_trip_in_parts(tmp_path, monkeypatch):
    """Text and chunk ranges over several rows (a server's VARCHAR and JSON fields are bounded)."""
    monkeypatch.setattr(milvus_rows, "TEXT_PART_CHARS", 7)
    monkeypatch.setattr(milvus_rows, "RANGES_PER_PART", 1)
    long = "".join(f"第{n}年沈阳装备制造业产值提高了{n}%，东北振兴政策推动产业转型。" for n in range(1, 60))
    corpus = write_docs(tmp_path / "corpus", {**SMALL_DOCS, **MORE_DOCS, "long.txt": long})
    KnowledgeBase.build(corpus, tmp_path / "local", model=HashEmbedder())
    KnowledgeBase.build(corpus, tmp_path / "mv", model=HashEmbedder(), store=_milvus(tmp_path))
    local = KnowledgeBase.open(corpus, tmp_path / "local", model=HashEmbedder())
    milvus = KnowledgeBase.open(corpus, tmp_path / "mv", model=HashEmbedder(), store=_milvus(tmp_path))
    a, b = local._current(), milvus._current()
    assert max(len(r.chunk_ranges) for r in a.records.values()) > 1
    for doc_id, record in a.records.items():
        other = b.records[doc_id]
        for name in ("text", "sentences", "chunk_ranges", "sentence_tokens", "facts"):
            assert getattr(other, name) == getattr(record, name), name
        np.testing.assert_array_equal(other.chunk_vectors, record.chunk_vectors)
    np.testing.assert_array_equal(b.layout.chunk_sentences, a.layout.chunk_sentences)
    assert milvus.search("沈阳装备制造业产值", k=3)[0].doc_id == "long.txt"


def test_missing_rows_name_the_document(pair):
    _, milvus = pair
    client = milvus.store.client
    client.delete(collection_name(1, "sentences"), filter='doc_id == "jilin.txt" and n == 0')
    snapshot, _ = milvus.store.load_latest()
    with pytest.raises(IndexDamagedError, match=r"sentences of 'jilin.txt' missing \(1 of 2 rows\)"):
        snapshot.document("jilin.txt")
    assert snapshot.document("economy.txt").text == MORE_DOCS["economy.txt"]


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
    # The live version's collections are kept, and the previous version's (readers may hold it);
    # this tiny corpus moves BM25's average length past AVGDL_DRIFT, so some writes start a generation.
    manifest = reopened.store._manifest()
    assert manifest["serial"] == 3
    kept = {manifest["generation"], manifest["previous_generation"]}
    names = {n for n in reopened.store.client.list_collections() if n.startswith("nekb_")}
    assert names == {META} | {collection_name(g, kind) for g in kept for kind in KINDS}


def test_unchanged_corpus_writes_no_new_version(pair):
    _, milvus = pair
    version = milvus.version
    report = milvus.update()
    assert not report.changed and milvus.version == version


def _keys(store: MilvusStore, version: int | None = None) -> dict[str, dict[str, set[str]]]:
    """``{kind: {doc_id or term: row keys}}`` of one version (default: the live one), or of every
    row there is (``version=-1``)."""
    manifest = store._manifest()
    version = manifest["serial"] if version is None else version
    expr = "" if version == -1 else visible(version)
    out: dict[str, dict[str, set[str]]] = {}
    for kind in KINDS:
        field = "term" if kind == "terms" else "doc_id"
        rows = milvus_write.read_rows(
            store.client, collection_name(manifest["generation"], kind), expr, ["key", field]
        )
        for row in rows:
            out.setdefault(kind, {}).setdefault(row[field], set()).add(row["key"])
    return out


def _rankings(kb: KnowledgeBase, analyzer) -> list:
    snapshot = kb._current()
    out = []
    for query in QUERIES:
        tokens = list(analyzer.parse(query, {}).tokens)
        vector = HashEmbedder().embed_queries([query])[0]
        for level in LEVELS:
            out.append(snapshot.dense_search(level, vector, 7))
            out.append(snapshot.sparse_search(level, tokens, 7))
    return out


@pytest.fixture
def incremental(monkeypatch):
    """Every write after the build goes by document (the tiny corpus moves BM25's average length
    by more than AVGDL_DRIFT with each document)."""
    monkeypatch.setattr(milvus_write, "AVGDL_DRIFT", 10.0)


def test_add_and_remove_write_only_their_document(pair, tmp_path, monkeypatch, incremental):
    local, milvus = pair
    store = milvus.store
    before = _keys(store)
    inserted: list[tuple[str, dict]] = []
    real_insert = store.client.insert

    def spy(name, rows, **kwargs):
        inserted.extend((name, row) for row in rows)
        return real_insert(name, rows, **kwargs)

    monkeypatch.setattr(store.client, "insert", spy)
    extra = write_docs(
        tmp_path / "incoming", {"harbin.txt": "哈尔滨冰雪旅游收入增长了12%。哈尔滨游客人数创新高。"}
    )
    for kb in (local, milvus):
        assert kb.add([extra / "harbin.txt"]).added == ("harbin.txt",)
    assert {row["doc_id"] for name, row in inserted if not name.endswith("_terms")} == {"harbin.txt"}
    assert {name for name, _ in inserted} == {collection_name(1, k) for k in KINDS}
    after = _keys(store)
    for kind in KINDS[:-1]:  # the unchanged documents keep their rows
        assert {d: k for d, k in after[kind].items() if d != "harbin.txt"} == before[kind]
    assert all(key.startswith("2#") for key in after["documents"]["harbin.txt"])
    _same_answers(local, milvus)
    inserted.clear()
    for kb in (local, milvus):
        assert kb.remove(["liaoning.md"]).removed == ("liaoning.md",)
    assert not [row for name, row in inserted if not name.endswith("_terms")]
    removed = _keys(store)
    for kind in KINDS[:-1]:
        assert "liaoning.md" not in removed[kind]
        assert removed[kind] == {d: k for d, k in after[kind].items() if d != "liaoning.md"}
    # The version before stays readable as it was (readers may hold it); older rows are gone.
    assert _keys(store, 2) == after
    assert set(_keys(store, -1)["documents"]) == set(after["documents"])
    _same_answers(local, milvus)
    reopened = KnowledgeBase.open(
        milvus.corpus_dir, milvus.index_dir, model=HashEmbedder(), store=_milvus(tmp_path)
    )
    assert reopened.version == milvus.version
    _same_answers(local, reopened)
    analyzer = local._resources.analyzer
    assert _rankings(reopened, analyzer) == _rankings(local, analyzer)
    # Document frequencies kept by delta are those of the corpus as it is.
    records = list(local._current().records.values())
    for level, lists in token_lists(records).items():
        expected = milvus_write.LevelStats.of(lists).doc_freq
        vocabulary = sorted({t for stats in expected for t in [stats]} | {"不在词表"})
        _, stats = reopened._current().engine.statistics(level, vocabulary)
        assert dict(stats.doc_freq) == expected


@pytest.mark.parametrize("fail_in", ["_set_until", "meta"])
def test_a_write_failing_midway_leaves_the_previous_version_answering(
    pair, tmp_path, monkeypatch, incremental, fail_in
):
    _, milvus = pair
    queries = ["黑龙江人口减少", "辽宁生产总值增速", "大连港口吞吐量"]
    before = {q: [h.to_dict() for h in milvus.search(q)] for q in queries}
    version, keys = milvus.version, _keys(milvus.store)
    write_docs(milvus.corpus_dir, {"new.txt": "大连港口吞吐量增长了5%。"})
    (milvus.corpus_dir / "liaoning.md").unlink()  # a removal too: its rows get marked before the failure
    if fail_in == "meta":  # every row is written and marked; the switch fails
        real = milvus_write.create_meta

        def failing(client):
            raise RuntimeError("disk full")

        monkeypatch.setattr(milvus_write, "create_meta", failing)
    else:  # new rows inserted, the removed document's rows half marked
        real = milvus_write._set_until
        calls = []

        def failing(client, name, keys, until):
            calls.append(name)
            if len(calls) == 3:
                raise RuntimeError("disk full")
            return real(client, name, keys, until)

        monkeypatch.setattr(milvus_write, "_set_until", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        milvus.update()
    monkeypatch.setattr(milvus_write, fail_in if fail_in != "meta" else "create_meta", real)
    reopened = KnowledgeBase.open(
        milvus.corpus_dir, milvus.index_dir, model=HashEmbedder(), store=_milvus(tmp_path)
    )
    assert reopened.version == version
    assert {q: [h.to_dict() for h in reopened.search(q)] for q in queries} == before
    assert "new.txt" not in {d.doc_id for d in reopened.documents()}
    assert _keys(reopened.store) == keys
    # The next write deletes the partial rows and resets the marks, then publishes the change.
    report = reopened.update()
    assert report.added == ("new.txt",) and report.removed == ("liaoning.md",)
    manifest = reopened.store._manifest()
    assert manifest["serial"] == 2 and manifest["generation"] == 1
    assert _keys(reopened.store, 1) == keys
    every = milvus_write.read_rows(
        reopened.store.client, collection_name(1, "chunks"), "", ["key", "until", "doc_id"]
    )
    assert {r["until"] for r in every if r["doc_id"] != "liaoning.md"} == {LIVE_UNTIL}
    assert {r["until"] for r in every if r["doc_id"] == "liaoning.md"} == {2}
    assert reopened.search("大连港口吞吐量")[0].doc_id == "new.txt"


def test_a_full_build_writes_a_new_generation(pair, tmp_path):
    local, milvus = pair
    version = milvus.version
    report = KnowledgeBase.build(
        milvus.corpus_dir, milvus.index_dir, model=HashEmbedder(), full=True, store=_milvus(tmp_path)
    )
    assert report.version != version
    reopened = KnowledgeBase.open(
        milvus.corpus_dir, milvus.index_dir, model=HashEmbedder(), store=_milvus(tmp_path)
    )
    manifest = reopened.store._manifest()
    assert manifest["generation"] == 2 and manifest["previous_generation"] == 1
    names = {n for n in reopened.store.client.list_collections() if n.startswith("nekb_g")}
    assert names == {collection_name(g, k) for g in (1, 2) for k in KINDS}  # readers may hold v1
    _same_answers(local, reopened)


def test_an_older_format_says_to_rebuild(pair, tmp_path):
    _, milvus = pair
    client = milvus.store.client
    manifest = {**milvus.store._manifest(), "format": 1}
    client.upsert(META, [{"key": "current", "value": manifest, "dummy": [0.0, 0.0]}])
    expected = rf"format 1, not {milvus_write.FORMAT}; run `nekb build --full --store milvus:"
    with pytest.raises(IndexDamagedError, match=expected):
        milvus.store.load_latest()
    report = milvus.update()  # a plain build rebuilds it as well
    assert report.version and milvus.store._manifest()["format"] == milvus_write.FORMAT


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


def test_cli_copies_a_local_index_into_milvus_and_back(run_cli, tmp_path):
    corpus = write_docs(tmp_path / "corpus", dict(SMALL_DOCS))
    run_cli("build", "--corpus", corpus, "--index", tmp_path / "ix", "--model", "hash")
    copied = run_cli("copy", _milvus(tmp_path), "--index", tmp_path / "ix")
    assert copied.exit_code == 0 and f"to {_milvus(tmp_path)} as v1_" in copied.output, copied.output
    question = ["ask", "辽宁生产总值增速是多少", "--index", tmp_path / "ix", "--json"]
    local, milvus = run_cli(*question), run_cli(*question, "--store", _milvus(tmp_path))
    assert milvus.exit_code == 0 and milvus.output == local.output
    back = run_cli("copy", "local", "--index", tmp_path / "ix2", "--store", _milvus(tmp_path))
    assert back.exit_code == 0, back.output
    assert run_cli("ask", *question[1:2], "--index", tmp_path / "ix2", "--json").output == local.output
    same = run_cli("copy", "local", "--index", tmp_path / "ix")
    assert same.exit_code == 1 and "is the store being copied" in same.output
    missing = run_cli("copy", _milvus(tmp_path / "other"), "--index", tmp_path / "none")
    assert missing.exit_code == 1 and "nekb build" in missing.output


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
