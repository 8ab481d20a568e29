"""An unlucky or hostile user (hash embedder: the model is irrelevant): damaged or emptied indexes,
links out of the corpus, broken metadata, odd names, long questions — each a one-line message, and
nothing lost."""

import json
import shutil

import pytest
from conftest import write_docs

from nekb import IndexDamagedError, InputError, KnowledgeBase
from nekb.embed import HashEmbedder
from nekb.store import POINTER, complete_versions, current_version


def build(corpus, index):
    KnowledgeBase.build(corpus, index, model=HashEmbedder())
    return KnowledgeBase.open(corpus, index, model=HashEmbedder())


def two_versions(corpus, index):
    """An index whose live version has one document more than the previous one."""
    kb = build(corpus, index)
    (corpus / "new.txt").write_text("大连港口吞吐量增长。", encoding="utf-8")
    kb.update()
    return kb


def test_a_damaged_live_version_is_passed_over_named_and_repaired_by_a_plain_build(small_corpus, tmp_path):
    index = tmp_path / "index"
    two_versions(small_corpus, index)
    live = current_version(index)
    (live / "sentences.faiss").write_bytes(b"garbage")
    kb = KnowledgeBase.open(small_corpus, index, model=HashEmbedder())
    assert kb.version != live.name and "new.txt" not in {d.doc_id for d in kb.documents()}
    assert len(kb.index_warnings) == 1 and "sentences.faiss" in kb.index_warnings[0]
    assert kb.search("黑龙江出生率", k=1)[0].doc_id == "heilongjiang.txt"
    report = KnowledgeBase.build(small_corpus, index, model=HashEmbedder())  # no --full
    assert report.added == ("new.txt",) and set(report.unchanged) == {
        "heilongjiang.txt",
        "liaoning.md",
        "traditional.txt",
    }
    repaired = KnowledgeBase.open(small_corpus, index, model=HashEmbedder())
    assert repaired.index_warnings == () and repaired.search("大连港口", k=1)[0].doc_id == "new.txt"


def test_a_shared_knowledge_base_is_repaired_by_its_own_update(small_corpus, tmp_path):
    index = tmp_path / "index"
    kb = two_versions(small_corpus, index)
    (current_version(index) / "documents.jsonl").write_text("", encoding="utf-8")
    reader = KnowledgeBase.open(small_corpus, index, model=HashEmbedder())
    assert "documents.jsonl" in reader.index_warnings[0]
    assert reader.refresh() is False  # the damaged version is not tried again on every refresh
    assert reader.update().ok and reader.index_warnings == ()
    assert "new.txt" in {d.doc_id for d in kb.documents()} and kb.refresh() is True


def test_with_no_intact_version_the_error_names_the_file_and_a_build_rebuilds(small_corpus, tmp_path):
    index = tmp_path / "index"
    build(small_corpus, index)
    for version in complete_versions(index):
        (version / "vectors.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(IndexDamagedError) as caught:
        KnowledgeBase.open(small_corpus, index, model=HashEmbedder())
    assert "vectors.npy" in str(caught.value) and "pickle" not in str(caught.value)
    report = KnowledgeBase.build(small_corpus, index, model=HashEmbedder())
    assert len(report.added) == 3 and report.ok
    assert KnowledgeBase.open(small_corpus, index, model=HashEmbedder()).search("七台河", k=1)


def test_a_lost_pointer_uses_the_newest_complete_version_without_re_embedding(small_corpus, tmp_path):
    index = tmp_path / "index"
    two_versions(small_corpus, index)
    (index / POINTER).unlink()
    kb = KnowledgeBase.open(small_corpus, index, model=HashEmbedder())
    assert "new.txt" in {d.doc_id for d in kb.documents()}
    report = kb.update()
    assert report.added == () and len(report.unchanged) == 4


def test_a_link_out_of_the_corpus_is_not_indexed_and_removing_a_link_keeps_its_target(small_corpus, tmp_path):
    secret = write_docs(tmp_path / "outside", {"passwd.txt": "root:x:0:0 机密口令"}) / "passwd.txt"
    (small_corpus / "alias.txt").symlink_to(secret)
    (small_corpus / "inner.txt").symlink_to(small_corpus / "heilongjiang.txt")
    report = KnowledgeBase.build(small_corpus, tmp_path / "index", model=HashEmbedder())
    assert any(e.startswith("alias.txt: a symbolic link to a file outside") for e in report.errors)
    kb = KnowledgeBase.open(small_corpus, tmp_path / "index", model=HashEmbedder())
    assert "alias.txt" not in {d.doc_id for d in kb.documents()}
    assert all("机密" not in h.text for h in kb.search("机密口令", k=10))
    removed = kb.remove(["inner.txt", "alias.txt"])
    assert set(removed.removed) == {"inner.txt"}  # alias.txt was never indexed
    assert not (small_corpus / "inner.txt").exists() and not (small_corpus / "alias.txt").exists()
    assert (small_corpus / "heilongjiang.txt").exists() and secret.read_text() == "root:x:0:0 机密口令"


def test_invalid_sources_toml_is_reported_and_keeps_the_metadata(corpus_copy, tmp_path):
    kb = build(corpus_copy, tmp_path / "index")
    titles = {d.doc_id: d.title for d in kb.documents()}
    (corpus_copy / "sources.toml").write_text('["broken\ntitle = 1', encoding="utf-8")
    (corpus_copy / "new.txt").write_text("大连港口吞吐量增长。", encoding="utf-8")
    report = kb.update()
    assert report.added == ("new.txt",)
    assert len(report.errors) == 1 and "sources.toml: invalid TOML" in report.errors[0]
    assert {d.doc_id: d.title for d in kb.documents() if d.doc_id in titles} == titles


def test_a_long_chinese_file_name_is_added_under_a_shortened_name(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    name = "东北" * 41 + ".txt"  # 82 characters, 250 bytes of UTF-8: legal, but not with a suffix added
    first = write_docs(tmp_path / "in", {"a.txt": "鹤岗冰雪旅游。", name: "七台河煤矿转型。"})
    report = kb.add([first / "a.txt", first / name])
    assert report.ok and len(report.added) == 2
    long_id = next(i for i in report.added if i.startswith("东北"))
    assert long_id.endswith(".txt") and len(long_id.encode()) <= 180
    assert kb.search("七台河煤矿转型", k=1)[0].doc_id == long_id


def test_a_file_name_with_a_line_break_stays_on_one_line(small_corpus, tmp_path):
    (small_corpus / "bad\nname.txt").write_bytes(b"")
    report = KnowledgeBase.build(small_corpus, tmp_path / "index", model=HashEmbedder())
    assert report.errors == ("bad\\nname.txt: empty file",)


def test_a_question_too_long_is_refused_in_one_line(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    with pytest.raises(InputError, match=r"question of 100,000 characters: the limit is 2,000"):
        kb.ask("人口" * 50_000)
    with pytest.raises(InputError):
        kb.search("人" * 2001)
    assert kb.ask("人口" * 1000).question  # at the limit it is answered


def test_a_copied_index_works_and_its_manifest_lists_every_file_with_its_size(small_corpus, tmp_path):
    index = tmp_path / "index"
    build(small_corpus, index)
    shutil.copytree(index, tmp_path / "copy")
    kb = KnowledgeBase.open(small_corpus, tmp_path / "copy", model=HashEmbedder())
    assert kb.search("七台河", k=1)
    manifest_path = current_version(tmp_path / "copy") / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert {"documents.jsonl", "vectors.npy", "dense.faiss", "bm25/nekb_sparse.json"} <= set(
        manifest["files"]
    )


def test_an_add_that_cannot_get_the_lock_leaves_the_corpus_as_it_was(small_corpus, tmp_path, monkeypatch):
    import subprocess
    import sys

    from nekb import LockedError
    from nekb import kb as kb_module

    index = tmp_path / "index"
    kb = build(small_corpus, index)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from nekb.store import write_lock; import time\n"
            f"with write_lock({str(index)!r}):\n    print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    new = write_docs(tmp_path / "in", {"new.txt": "鹤岗冰雪旅游。"}) / "new.txt"
    before = sorted(p.name for p in small_corpus.iterdir())
    monkeypatch.setattr(kb_module, "LOCK_WAIT_SECONDS", 0.3)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError, match="is being written by process"):
            kb.add([new])
        assert sorted(p.name for p in small_corpus.iterdir()) == before
    finally:
        holder.kill()
        holder.wait()
    report = kb.add([new])  # the retry is an ordinary add, not a "duplicate of itself"
    assert report.ok and report.added == ("new.txt",)
