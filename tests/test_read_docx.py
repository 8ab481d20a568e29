"""Tests for nekb.read_docx: paragraphs, headings and tables of real .docx files in reading order."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from nekb.chunk import split_sentences
from nekb.facts import FactExtractor
from nekb.ingest import IngestError, read_document
from nekb.tables import document_facts
from nekb.types import DocumentInfo


def _report(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "2024年东北经济形势分析"
    document.sections[0].header.paragraphs[0].text = "内部资料"  # page furniture: not read
    document.add_paragraph("东北经济形势分析", style="Title")
    document.add_heading("一、总体情况", level=1)
    document.add_paragraph("2024年，黑龙江省地区生产总值增长3.2%。吉林省增长4.3%。")
    document.add_paragraph("表1 2024年各省地区生产总值")
    document.add_paragraph("单位：亿元")
    table = document.add_table(rows=4, cols=3)
    for r, row in enumerate(
        [
            ("省份", "地区生产总值", "增速（%）"),
            ("黑龙江", "16476.9", "3.2"),
            ("吉林", "14361.2", "4.3"),
            ("辽宁", "32612.7", "5.1"),
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("二、展望", level=1)
    paragraph = document.add_paragraph("预计2025年")
    paragraph.add_run("三省经济").bold = True
    paragraph.add_run("继续恢复。")
    document.save(path)
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return read_document(_report(tmp_path_factory.mktemp("docx") / "report.docx"))


def test_paragraphs_and_tables_in_reading_order(report) -> None:
    assert report.text.split("\n") == [
        "东北经济形势分析",
        "一、总体情况",
        "2024年，黑龙江省地区生产总值增长3.2%。吉林省增长4.3%。",
        "",
        "表1 2024年各省地区生产总值",
        "单位：亿元",
        "黑龙江，地区生产总值：16476.9，增速（%）：3.2",
        "吉林，地区生产总值：14361.2，增速（%）：4.3",
        "辽宁，地区生产总值：32612.7，增速（%）：5.1",
        "",
        "二、展望",
        "预计2025年三省经济继续恢复。",
    ]
    assert "内部资料" not in report.text
    assert report.title == "2024年东北经济形势分析"


def test_table_cells_become_facts_with_caption_period_and_unit(report) -> None:
    facts = document_facts(
        DocumentInfo("report.docx", title="report.docx"),
        report,
        split_sentences(report.text),
        FactExtractor(),
    )
    cells = {f.location: (f.entity, f.indicator, f.period, f.value, f.unit) for f in facts if f.location}
    assert cells == {
        "表1!B2": ("黑龙江", "地区生产总值", "2024", 16476.9, "亿元"),
        "表1!C2": ("黑龙江", "增速", "2024", 3.2, "%"),
        "表1!B3": ("吉林", "地区生产总值", "2024", 14361.2, "亿元"),
        "表1!C3": ("吉林", "增速", "2024", 4.3, "%"),
        "表1!B4": ("辽宁", "地区生产总值", "2024", 32612.7, "亿元"),
        "表1!C4": ("辽宁", "增速", "2024", 5.1, "%"),
    }
    prose = [f for f in facts if not f.location]
    assert {(f.entity, f.value, f.unit) for f in prose} >= {("黑龙江省", 3.2, "%"), ("吉林省", 4.3, "%")}
    assert all("：" not in f.sentence for f in prose)  # table rows are left to the cells
    assert len({f.fact_id for f in facts}) == len(facts)
    for fact in facts:
        assert report.text[fact.start : fact.end] == fact.sentence


def test_merged_cells_repeat_labels_but_not_figures(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 1).merge(table.cell(0, 2)).text = "常住人口（万人）"
    table.cell(0, 0).text = "地区"
    table.cell(1, 1).text, table.cell(1, 2).text = "2023年", "2024年"
    table.cell(2, 0).text = "吉林"
    table.cell(2, 1).merge(table.cell(2, 2)).text = "2339"  # one figure spanning two columns
    path = tmp_path / "merged.docx"
    document.save(path)
    doc = read_document(path)
    facts = document_facts(
        DocumentInfo("merged.docx", title="merged.docx"), doc, split_sentences(doc.text), FactExtractor()
    )
    assert [(f.entity, f.indicator, f.period, f.value, f.unit, f.location) for f in facts] == [
        ("吉林", "常住人口", "2023", 2339, "万人", "表1!B3")
    ]


def test_corrupt_docx_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "报告.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old binary .doc renamed")
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == "报告.docx: corrupt or not a .docx file (an old .doc? save it as .docx)"


def test_docx_without_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    with pytest.raises(IngestError, match=r"^blank\.docx: no text in the document$"):
        read_document(path)
