"""Building an index from every new format: metadata from the files, table facts, the OCR cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from nekb import KnowledgeBase
from nekb.ingest import OCR_CACHE_DIR
from nekb.ocr import OcrEngine

DATA = Path(__file__).resolve().parent / "data"
PAGE = """<html><head><meta charset="utf-8"><title>冰雪经济_东北资讯网</title>
<meta property="og:title" content="冰雪经济">
<meta property="article:published_time" content="2024-12-20T08:00:00+08:00"></head>
<body><nav><a href="/">首页</a> <a href="/n">新闻</a></nav><article><h1>冰雪经济</h1>
<p>哈尔滨冰雪大世界2024年接待游客271万人次，冰雪旅游成为黑龙江经济的新增长点。</p>
<p>亚布力滑雪场新建了多条雪道，吸引了来自南方的大批滑雪爱好者。</p></article>
<footer>版权所有 东北资讯网</footer></body></html>"""


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "ice.html").write_text(PAGE, encoding="utf-8")
    shutil.copy(DATA / "ocr-sample.png", folder / "scan.png")
    book = Workbook()
    sheet = book.active
    sheet.append(["地区", "常住人口（万人）"])
    sheet.append(["黑龙江", 3029])
    book.save(folder / "population.xlsx")
    document = docx.Document()
    document.add_paragraph("吉林省2024年粮食总产量850亿斤。")
    document.save(folder / "grain.docx")
    (folder / "sources.toml").write_text('["grain.docx"]\ntitle = "吉林粮食生产"\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    corpus, index = _corpus(root / "corpus"), root / "index"
    report = KnowledgeBase.build(corpus, index, model="hash")
    return KnowledgeBase.open(corpus, index), corpus, index, report


def test_every_format_is_indexed(built) -> None:
    kb, _, _, report = built
    assert report.errors == () and report.warnings == ()
    assert {d.doc_id for d in kb.documents()} == {"ice.html", "scan.png", "population.xlsx", "grain.docx"}


def test_title_and_date_come_from_the_file_unless_sources_toml_gives_them(built) -> None:
    kb, *_ = built
    info = {d.doc_id: d for d in kb.documents()}
    assert (info["ice.html"].title, info["ice.html"].date) == ("冰雪经济", "2024-12-20")
    assert info["grain.docx"].title == "吉林粮食生产"
    assert info["scan.png"].title == "东北振兴"  # its large first line
    assert 0.8 < info["scan.png"].ocr_confidence <= 1
    assert info["ice.html"].ocr_confidence is None


def test_table_cells_are_facts_with_their_location(built) -> None:
    kb, *_ = built
    table = kb.facts(doc_id="population.xlsx")
    assert table[["entity", "indicator", "value", "unit", "location"]].values.tolist() == [
        ["黑龙江", "常住人口", 3029.0, "万人", "Sheet!B2"]
    ]
    fact = kb.fact(table["fact_id"][0])
    assert kb.document_text("population.xlsx")[fact.start : fact.end] == fact.sentence
    assert kb.search("黑龙江常住人口", k=1)[0].doc_id == "population.xlsx"  # the table is searchable


def test_rebuilds_read_ocr_from_the_cache(built, monkeypatch) -> None:
    _, corpus, index, _ = built
    assert len(list((index / OCR_CACHE_DIR).glob("*.json"))) == 1

    def no_ocr(self, image):
        raise AssertionError("OCR ran again")

    monkeypatch.setattr(OcrEngine, "recognize", no_ocr)
    assert KnowledgeBase.build(corpus, index, model="hash", full=True).errors == ()
    rebuilt = KnowledgeBase.open(corpus, index)
    info = {d.doc_id: d for d in rebuilt.documents()}
    assert info["ice.html"].title == "冰雪经济"
    assert "东北振兴" in rebuilt.document_text("scan.png")


def test_unchanged_documents_keep_their_own_metadata(built) -> None:
    _, corpus, index, _ = built
    report = KnowledgeBase.build(corpus, index, model="hash")  # incremental: nothing re-read
    assert "ice.html" in report.unchanged
    again = KnowledgeBase.open(corpus, index)
    info = {d.doc_id: d for d in again.documents()}
    assert (info["ice.html"].title, info["ice.html"].date) == ("冰雪经济", "2024-12-20")
    assert info["scan.png"].ocr_confidence is not None


def test_add_accepts_new_formats_and_reports_bad_files_in_one_line(tmp_path, built) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(built[1], corpus)
    KnowledgeBase.build(corpus, index, model="hash")
    kb = KnowledgeBase.open(corpus, index)
    good = tmp_path / "new" / "notes.htm"
    good.parent.mkdir()
    good.write_text(PAGE.replace("冰雪经济", "冰雪旅游"), encoding="utf-8")
    bad = tmp_path / "new" / "broken.docx"
    bad.write_bytes(b"not a zip")
    report = kb.add([good.parent])
    assert report.errors == ("broken.docx: corrupt or not a .docx file (an old .doc? save it as .docx)",)
    assert "notes.htm" in {d.doc_id for d in kb.documents()}
    assert bad.exists()  # the original is left where it was
