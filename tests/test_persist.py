"""Saving an index version and loading it back gives the same snapshot (no pickle anywhere)."""

import json
from dataclasses import replace

import numpy as np
import pytest
from conftest import hand_built_records

from nekb.errors import IndexDamagedError
from nekb.fileio import write_jsonl
from nekb.persist import load_latest, load_snapshot, save_snapshot
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


def saved(tmp_path, name="v-1"):
    version = tmp_path / name
    version.mkdir()
    save_snapshot(version, hand_built_records(DOCS), "hand", 8, {})
    return version


@pytest.mark.parametrize(
    ("damage", "named", "reason"),
    [
        (lambda v: (v / "sentences.faiss").write_bytes(b"not faiss"), "sentences.faiss", "size"),
        (lambda v: _same_size_garbage(v / "vectors.npy"), "vectors.npy", "not a valid .npy array"),
        (lambda v: _same_size_garbage(v / "dense.faiss"), "dense.faiss", "damaged"),
        (lambda v: (v / "documents.jsonl").write_text(""), "documents.jsonl", "size"),
        (lambda v: (v / "facts.jsonl").unlink(), "facts.jsonl", "missing"),
        (lambda v: _same_size_garbage(v / "layout.npy"), "layout.npy", "not a valid .npy array"),
        (lambda v: (v / "texts.utf8").write_bytes(b"short"), "texts.utf8", "size"),
        (lambda v: _same_size_garbage(v / "chunk_places.npy"), "chunk_places.npy", "not a valid .npy array"),
        (lambda v: (v / "manifest.json").write_text('{"format": 2,'), "manifest.json", "damaged"),
    ],
)
def test_a_damaged_file_is_named_in_one_line(tmp_path, damage, named, reason):
    version = saved(tmp_path)
    damage(version)
    with pytest.raises(IndexDamagedError) as caught:
        load_snapshot(version)
    message = str(caught.value)
    assert named in message and reason in message and "nekb build" in message
    assert "\n" not in message and "pickle" not in message


def test_rows_that_disagree_with_the_manifest_are_damage(tmp_path):
    version = saved(tmp_path)
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["files"].pop("documents.jsonl")  # sizes unchecked: the counts must still catch it
    (version / "manifest.json").write_text(json.dumps(manifest))
    lines = (version / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    (version / "documents.jsonl").write_text(lines[0] + "\n", encoding="utf-8")
    with pytest.raises(
        IndexDamagedError, match=r"documents\.jsonl: damaged \(lines are not where layout\.npy says\)"
    ):
        load_snapshot(version)


def test_opening_reads_no_document_and_a_garbled_one_is_named_when_read(tmp_path):
    version = saved(tmp_path)
    path = version / "documents.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[1] = b"{" + b"x" * (len(lines[1]) - 1)  # same size: the manifest's size check passes
    path.write_bytes(b"\n".join(lines))
    snap = load_snapshot(version)  # opens: no document was parsed
    first, second = (info.doc_id for info in snap.documents())
    assert snap.document(first).text and snap.hit(0, 1.0).doc_id == first
    with pytest.raises(IndexDamagedError) as caught:
        snap.document(second)
    assert "documents.jsonl" in str(caught.value) and repr(second) in str(caught.value)


def as_older_format(version, old_format):
    """Rewrite a saved version as nekb wrote format 3 (texts inside documents.jsonl, layout.npy of
    three columns, no texts.utf8 nor chunk_places.npy) or format 2 (no layout.npy nor chunk_ranges.npy)."""
    manifest = json.loads((version / "manifest.json").read_text())
    layout = np.load(version / "layout.npy")
    texts = (version / "texts.utf8").read_bytes()
    starts = np.concatenate([[0], np.cumsum(layout[:, 3])])
    rows = [
        json.loads(line) for line in (version / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for n, row in enumerate(rows):
        row["text"] = texts[starts[n] : starts[n + 1]].decode("utf-8")
    offsets = write_jsonl(version / "documents.jsonl", rows)
    removed = ["texts.utf8", "chunk_places.npy"]
    if old_format == 3:
        table = np.column_stack([offsets, layout[:, 1], layout[:, 2]]).astype(np.int64)
        np.save(version / "layout.npy", table)
    else:
        removed += ["layout.npy", "chunk_ranges.npy"]
    for name in removed:
        (version / name).unlink()
        manifest["files"].pop(name)
    for name in ("layout.npy", "documents.jsonl"):
        if name in manifest["files"]:
            manifest["files"][name] = (version / name).stat().st_size
    manifest["format"] = old_format
    (version / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("old_format", [2, 3])
def test_a_version_of_an_older_format_still_loads(tmp_path, old_format):
    expected = load_snapshot(saved(tmp_path, "v-now"))
    version = saved(tmp_path, "v-old")  # the same records (seeded)
    as_older_format(version, old_format)
    snap = load_snapshot(version)
    assert [d.doc_id for d in snap.documents()] == [d.doc_id for d in expected.documents()]
    for chunk_id in range(expected.size("chunk")):
        assert snap.chunk(chunk_id) == expected.chunk(chunk_id)
        assert snap.hit(chunk_id, 1.0) == expected.hit(chunk_id, 1.0)
    for doc_id in DOCS:
        assert snap.document(doc_id).text == expected.document(doc_id).text
    sentence_ids = range(expected.size("sentence"))
    assert snap.chunks_of_sentences(sentence_ids) == expected.chunks_of_sentences(sentence_ids)


def test_a_hit_reads_its_chunk_alone_and_places_it_in_its_document(tmp_path):
    """Format 4: a hit comes from texts.utf8 without parsing documents.jsonl; offsets are characters
    (multi-byte text, a four-byte character, pages) as the document's record has them."""
    records = hand_built_records({"p.txt": ["第一页 人口 𠀀 减少", "page two", "第三句 东北 经济", "尾"]})
    records[0] = replace(records[0], page_starts=(0, 12))
    version = tmp_path / "v-4"
    version.mkdir()
    save_snapshot(version, records, "hand", 8, {})
    snap = load_snapshot(version)
    (version / "documents.jsonl").write_bytes(b"x" * (version / "documents.jsonl").stat().st_size)
    for chunk_id, expected in enumerate(records[0].chunks()):
        assert snap.chunk(chunk_id) == expected
    assert [c.page for c in records[0].chunks()] == [1, 2, 2]
    with pytest.raises(IndexDamagedError, match=r"documents\.jsonl"):
        snap.document("p.txt")  # the garbled line is found when the document itself is read


def _same_size_garbage(path):
    path.write_bytes(b"\x00garbage" * (path.stat().st_size // 8) + b"\x00" * (path.stat().st_size % 8))


def test_load_latest_passes_over_a_damaged_live_version(tmp_path):
    older = saved(tmp_path, "v-20260101-000000-000000001-1")
    newer = saved(tmp_path, "v-20260102-000000-000000001-1")
    (tmp_path / "CURRENT").write_text(newer.name)
    (newer / "dense.faiss").write_bytes(b"broken")
    snapshot, damaged = load_latest(tmp_path)
    assert snapshot.version == older.name
    assert list(damaged) == [newer.name] and "dense.faiss" in damaged[newer.name]
    (older / "dense.faiss").write_bytes(b"broken too")
    with pytest.raises(IndexDamagedError, match=newer.name):
        load_latest(tmp_path)
