"""Tests for nekb.read_tables: a statistics workbook and CSV files turned into text and fact rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from nekb.chunk import split_sentences
from nekb.facts import FactExtractor
from nekb.ingest import IngestError, read_document
from nekb.tables import document_facts
from nekb.types import DocumentInfo


def _statistics_workbook(path: Path) -> Path:
    """A sheet as statistical offices publish them: a title, two header rows with merged cells,
    units in brackets, a percentage column, a note; and a sheet with the years down the side."""
    book = Workbook()
    sheet = book.active
    sheet.title = "人口"
    sheet["A1"] = "2024年东北三省主要人口指标"
    sheet.merge_cells("A1:E1")
    sheet.append([])  # row 2 blank
    sheet["A3"], sheet["B3"], sheet["D3"], sheet["E3"] = "地区", "常住人口（万人）", "出生率（‰）", "城镇化率"
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:C3")
    sheet["B4"], sheet["C4"], sheet["D4"], sheet["E4"] = "2023年", "2024年", "2024年", "2024年"
    rows = [
        ("黑龙江", 3062, 3029, 3.34, 0.675),
        ("吉林", 2339, 2317, 4.0, 0.645),
        ("辽宁", 4182, 4155, 4.5, 0.731),
    ]
    for r, row in enumerate(rows, start=5):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c, value)
            if c == 5:
                cell.number_format = "0.0%"
    sheet["A8"] = "注：城镇化率为年末常住人口城镇化率。"
    years = book.create_sheet("黑龙江")
    years.append(["年份", "地区生产总值（亿元）", "增速（%）"])
    years.append([2023, 15883.9, 2.6])
    years.append([2024, 16476.9, 3.2])
    book.save(path)
    return path


EXPECTED = {  # location: (entity, indicator, period, value, unit)
    "人口!B5": ("黑龙江", "常住人口", "2023", 3062, "万人"),
    "人口!C5": ("黑龙江", "常住人口", "2024", 3029, "万人"),
    "人口!D5": ("黑龙江", "出生率", "2024", 3.34, "‰"),
    "人口!E5": ("黑龙江", "城镇化率", "2024", 67.5, "%"),
    "人口!B6": ("吉林", "常住人口", "2023", 2339, "万人"),
    "人口!C6": ("吉林", "常住人口", "2024", 2317, "万人"),
    "人口!D6": ("吉林", "出生率", "2024", 4.0, "‰"),
    "人口!E6": ("吉林", "城镇化率", "2024", 64.5, "%"),
    "人口!B7": ("辽宁", "常住人口", "2023", 4182, "万人"),
    "人口!C7": ("辽宁", "常住人口", "2024", 4155, "万人"),
    "人口!D7": ("辽宁", "出生率", "2024", 4.5, "‰"),
    "人口!E7": ("辽宁", "城镇化率", "2024", 73.1, "%"),
    "黑龙江!B2": ("黑龙江", "地区生产总值", "2023", 15883.9, "亿元"),
    "黑龙江!C2": ("黑龙江", "增速", "2023", 2.6, "%"),
    "黑龙江!B3": ("黑龙江", "地区生产总值", "2024", 16476.9, "亿元"),
    "黑龙江!C3": ("黑龙江", "增速", "2024", 3.2, "%"),
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return _statistics_workbook(tmp_path_factory.mktemp("xlsx") / "人口统计.xlsx")


def _facts(document, doc_id: str = "t.xlsx"):
    return document_facts(
        DocumentInfo(doc_id, title=doc_id), document, split_sentences(document.text), FactExtractor()
    )


def test_every_numeric_cell_is_one_fact_with_its_labels(workbook) -> None:
    facts = _facts(read_document(workbook))
    got = {f.location: (f.entity, f.indicator, f.period, f.value, f.unit) for f in facts}
    assert got == EXPECTED  # nothing missing, nothing extra (no facts from years or the note)


def test_facts_are_grounded_in_the_row_text(workbook) -> None:
    document = read_document(workbook)
    facts = _facts(document)
    assert len({f.fact_id for f in facts}) == len(facts)
    for fact in facts:
        assert document.text[fact.start : fact.end] == fact.sentence
        assert fact.fact_id.startswith(f"t.xlsx#{fact.start}-")
    for cell in document.cells:  # each value sits where its cell fact says
        assert document.text[cell.start : cell.end].rstrip("%") in {
            f"{cell.value:g}",
            f"{cell.value:.1f}",
        }


def test_tables_are_searchable_text(workbook) -> None:
    text = read_document(workbook).text
    lines = text.split("\n")
    assert "2024年东北三省主要人口指标" in lines
    assert (
        "黑龙江，常住人口（万人）2023年：3062，常住人口（万人）2024年：3029，出生率（‰）2024年：3.34，城镇化率2024年：67.5%"
        in lines
    )
    assert "注：城镇化率为年末常住人口城镇化率。" in lines
    assert "2024，地区生产总值（亿元）：16476.9，增速（%）：3.2" in lines


def test_csv_with_a_caption_and_years_across(tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text(
        '常住人口（万人）\n地区,2023年,2024年\n黑龙江,3062,"3,029"\n吉林,2339,2317\n', encoding="gbk"
    )
    document = read_document(path)
    facts = _facts(document, "population.csv")
    got = {f.location: (f.entity, f.indicator, f.period, f.value, f.unit) for f in facts}
    assert got == {
        "B3": ("黑龙江", "常住人口", "2023", 3062, "万人"),
        "C3": ("黑龙江", "常住人口", "2024", 3029, "万人"),
        "B4": ("吉林", "常住人口", "2023", 2339, "万人"),
        "C4": ("吉林", "常住人口", "2024", 2317, "万人"),
    }
    assert document.text.split("\n") == [
        "常住人口（万人）",
        "黑龙江，2023年：3062，2024年：3,029",
        "吉林，2023年：2339，2024年：2317",
    ]


def test_semicolon_csv_and_indicator_rows(tmp_path: Path) -> None:
    path = tmp_path / "indicators.csv"
    path.write_text("指标;单位;2023;2024\n出生率;‰;3.34;3.1\n人口自然增长率;‰;-5.75;-6.2\n", encoding="utf-8")
    facts = _facts(read_document(path), "indicators.csv")
    got = {f.location: (f.entity, f.indicator, f.period, f.value, f.unit) for f in facts}
    assert got["C2"] == ("", "出生率", "2023", 3.34, "‰")
    assert got["D3"] == ("", "人口自然增长率", "2024", -6.2, "‰")
    assert len(got) == 4


def test_corrupt_workbook_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(IngestError, match=r"^broken\.xlsx: corrupt or not an \.xlsx workbook"):
        read_document(path)


def test_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    Workbook().save(path)
    with pytest.raises(IngestError, match=r"^blank\.xlsx: empty workbook$"):
        read_document(path)
