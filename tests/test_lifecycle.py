"""Incremental builds, add/remove, crash safety and locking (hash embedder: the model is irrelevant)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import write_docs

from nekb import KnowledgeBase, LockedError
from nekb.embed import HashEmbedder
from nekb.store import current_version, write_lock


def build_report(corpus, index, **kw):
    """Build with the hash embedder; the build's report."""
    return KnowledgeBase.build(corpus, index, model=HashEmbedder(), **kw)


def build(corpus, index, **kw):
    """Build with the hash embedder and open the result."""
    build_report(corpus, index, **kw)
    return KnowledgeBase.open(corpus, index, model=HashEmbedder())


def results(kb, queries):
    return [[(h.doc_id, h.start, h.end) for h in kb.search(q, k=5)] for q in queries]


QUERIES = ["黑龙江出生率", "七台河人口", "辽宁增速", "东北地区人口净流出", "沈阳课外辅导"]


def test_incremental_build_equals_full_build(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "inc")
    (small_corpus / "new.txt").write_text("大连市2024年常住人口增加了3万人。", encoding="utf-8")
    (small_corpus / "liaoning.md").write_text(
        "# 辽宁\n\n辽宁2016年地区生产总值增速为-2.5%。", encoding="utf-8"
    )
    (small_corpus / "traditional.txt").unlink()
    report = kb.update()
    full = build(small_corpus, tmp_path / "full", full=True)
    assert results(kb, [*QUERIES, "大连常住人口"]) == results(full, [*QUERIES, "大连常住人口"])
    assert [d.doc_id for d in kb.documents()] == [d.doc_id for d in full.documents()]
    assert len(kb.facts()) == len(full.facts())
    assert report.added == ("new.txt",) and report.updated == ("liaoning.md",)
    assert report.removed == ("traditional.txt",) and report.unchanged == ("heilongjiang.txt",)


def test_unchanged_corpus_writes_no_new_version(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    version = kb.version
    report = kb.update()
    assert not report.changed and report.unchanged and kb.version == version


def test_add_and_remove_round_trip(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    outside = write_docs(tmp_path / "incoming", {"吉林 报告 2024.txt": "吉林省2024年出生率4.17‰。"})
    report = kb.add([outside / "吉林 报告 2024.txt"])
    assert report.added == ("吉林 报告 2024.txt",) and report.ok
    assert (small_corpus / "吉林 报告 2024.txt").exists()
    assert kb.search("吉林出生率", k=1)[0].doc_id == "吉林 报告 2024.txt"
    duplicate = kb.add([outside / "吉林 报告 2024.txt"])
    assert any("duplicate of 吉林 报告 2024.txt" in e for e in duplicate.errors)
    removed = kb.remove(["吉林 报告 2024.txt"])
    assert removed.removed == ("吉林 报告 2024.txt",)
    assert not (small_corpus / "吉林 报告 2024.txt").exists()
    assert "吉林 报告 2024.txt" not in {d.doc_id for d in kb.documents()}


def test_bad_files_are_named_and_the_rest_indexed(small_corpus, tmp_path):
    write_docs(
        small_corpus,
        {
            "empty.txt": "",
            "binary.txt": bytes(range(256)) * 4,
            "corrupt.pdf": b"%PDF-1.4 not really a pdf",
            "table.docx": b"PK\x03\x04",
            "slides.pptx": b"PK\x03\x04",
            "gbk.txt": "辽宁省沈阳市人口七百万。".encode("gbk"),
            "bom.txt": "\ufeff吉林省长春市人口九百万。".encode(),
        },
    )
    report = build_report(small_corpus, tmp_path / "index")
    kb = KnowledgeBase.open(small_corpus, tmp_path / "index", model=HashEmbedder())
    errors = "\n".join(report.errors)
    for name in ("empty.txt", "binary.txt", "corrupt.pdf", "table.docx"):
        assert name in errors
    assert "table.docx: corrupt or not a .docx file" in errors
    assert "slides.pptx: unsupported format .pptx" in errors
    ids = {d.doc_id for d in kb.documents()}
    assert {"heilongjiang.txt", "gbk.txt", "bom.txt"} <= ids
    assert kb.document_text("gbk.txt") == "辽宁省沈阳市人口七百万。"
    assert kb.document_text("bom.txt") == "吉林省长春市人口九百万。"


def test_a_document_that_turns_unreadable_keeps_its_last_good_version(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    before = kb.document_text("heilongjiang.txt")
    (small_corpus / "heilongjiang.txt").write_bytes(b"\x00\x01\x02" * 100)
    report = kb.update()
    assert any("heilongjiang.txt" in e for e in report.errors)
    assert kb.document_text("heilongjiang.txt") == before


def test_refresh_picks_up_a_version_written_by_another_instance(small_corpus, tmp_path):
    reader = build(small_corpus, tmp_path / "index")
    writer = KnowledgeBase.open(small_corpus, tmp_path / "index", model=HashEmbedder())
    (small_corpus / "new.txt").write_text("哈尔滨冰雪旅游收入增长。", encoding="utf-8")
    writer.update()
    assert "new.txt" not in {d.doc_id for d in reader.documents()}
    assert reader.refresh() is True
    assert "new.txt" in {d.doc_id for d in reader.documents()}
    assert reader.refresh() is False


def test_old_versions_are_collected_keeping_the_previous_one(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    for n in range(3):
        (small_corpus / f"n{n}.txt").write_text(f"第{n}份文件。沈阳人口。", encoding="utf-8")
        kb.update()
    versions = sorted(p.name for p in (tmp_path / "index").glob("v-*"))
    assert len(versions) == 2 and current_version(tmp_path / "index").name in versions


def test_a_live_writer_blocks_a_second_one_and_a_dead_ones_lock_is_taken_over(tmp_path):
    index = tmp_path / "index"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from nekb.store import write_lock; import sys, time\n"
            f"with write_lock({str(index)!r}):\n    print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError, match=f"process {holder.pid}"), write_lock(index, wait_seconds=0.3):
            pass
    finally:
        holder.kill()
        holder.wait()
    # The killed holder left its lock file behind; it must not be obeyed forever.
    assert (index / ".lock").read_text() == str(holder.pid)
    with write_lock(index, wait_seconds=0.3):
        assert (index / ".lock").read_text() == str(os.getpid())


SLOW_ADD = textwrap.dedent(
    """
    import sys, time
    from nekb import KnowledgeBase
    from nekb.embed import HashEmbedder

    class SlowEmbedder(HashEmbedder):
        def embed_passages(self, texts, progress=None):
            print("embedding", flush=True)
            time.sleep(60)
            return super().embed_passages(texts, progress)

    kb = KnowledgeBase.open(sys.argv[2], sys.argv[1], model=SlowEmbedder())
    kb.add([sys.argv[3]])
    """
)


def test_sigkill_during_add_leaves_the_last_version_intact(small_corpus, tmp_path):
    index = tmp_path / "index"
    kb = build(small_corpus, index)
    version, before = kb.version, results(kb, QUERIES)
    new_doc = write_docs(tmp_path / "in", {"new.txt": "大连港口吞吐量增长。"}) / "new.txt"
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_ADD, str(index), str(small_corpus), str(new_doc)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "embedding"
    time.sleep(0.2)
    child.send_signal(signal.SIGKILL)
    child.wait()
    reopened = KnowledgeBase.open(small_corpus, index, model=HashEmbedder())
    assert reopened.version == version and results(reopened, QUERIES) == before
    # The next run cleans the partial state and finishes the job.
    report = reopened.update()
    assert "new.txt" in report.added and reopened.search("大连港口", k=1)[0].doc_id == "new.txt"
    assert len(list(index.glob("v-*"))) == 2


def test_a_scanned_pdf_is_a_warning_not_a_failure(small_corpus, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with open(small_corpus / "scan.pdf", "wb") as handle:
        writer.write(handle)
    report = build_report(small_corpus, tmp_path / "index")
    kb = KnowledgeBase.open(small_corpus, tmp_path / "index", model=HashEmbedder())
    assert report.ok
    assert "scan.pdf: OCR found no text on 1 page" in report.warnings
    assert "scan.pdf" not in {d.doc_id for d in kb.documents()}


def test_an_unreadable_file_added_is_not_left_in_the_corpus(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    bad = write_docs(tmp_path / "in", {"broken.pdf": b"%PDF-1.4 garbage"}) / "broken.pdf"
    report = kb.add([bad])
    assert any("broken.pdf: corrupt PDF" in e for e in report.errors)
    assert not (small_corpus / "broken.pdf").exists() and bad.exists()
    assert kb.update().ok


def test_add_files_indexes_uploads_under_safe_names(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    steps = []
    report = kb.add_files(
        [("../../新.txt", "鹤岗煤矿工人冬季生活。".encode())], progress=lambda *s: steps.append(s)
    )
    assert report.added == ("新.txt",) and (small_corpus / "新.txt").exists()
    assert kb.search("鹤岗煤矿", k=1)[0].doc_id == "新.txt"
    assert steps and {stage for stage, _, _ in steps} <= {"read", "embed"}


def test_removing_every_document_leaves_a_valid_empty_knowledge_base(small_corpus, tmp_path):
    kb = build(small_corpus, tmp_path / "index")
    report = kb.remove([d.doc_id for d in kb.documents()])
    assert report.ok and report.documents == 0 and len(report.removed) == 3
    assert kb.documents() == [] and kb.search("黑龙江") == [] and kb.ask("黑龙江").claims == ()
    reopened = KnowledgeBase.open(small_corpus, tmp_path / "index", model=HashEmbedder())
    assert reopened.documents() == [] and len(reopened.facts()) == 0
    (small_corpus / "again.txt").write_text("大连港口吞吐量增长。", encoding="utf-8")
    assert reopened.update().added == ("again.txt",)
