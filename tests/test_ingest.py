"""Tests for nekb.ingest: dispatch by suffix, the supported formats, one-line reasons for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from nekb.ingest import SUPPORTED_SUFFIXES, DocumentReader, IngestError, read_document

DATA = Path(__file__).resolve().parent / "data"


def test_every_promised_format_is_supported() -> None:
    for suffix in (".txt", ".md", ".pdf", ".docx", ".html", ".htm", ".csv", ".xlsx", ".png", ".jpg", ".jpeg"):
        assert suffix in SUPPORTED_SUFFIXES
    assert {".tif", ".tiff"} <= set(SUPPORTED_SUFFIXES)


def test_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert (
        str(info.value)
        == f"slides.pptx: unsupported format .pptx (supported: {', '.join(SUPPORTED_SUFFIXES)})"
    )


def test_suffix_is_matched_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "PAGE.HTM"
    path.write_text("<html><body><article><p>东北地区的冬季漫长而寒冷。</p></article></body></html>", "utf-8")
    assert "东北地区的冬季漫长而寒冷。" in read_document(path).text


@pytest.mark.parametrize(
    "name", ["report.docx", "page.html", "table.xlsx", "table.csv", "scan.pdf", "photo.jpg"]
)
def test_empty_files_of_every_format_fail_in_one_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == f"{name}: empty file"


def test_one_reader_keeps_its_ocr_engine_across_files(tmp_path: Path) -> None:
    reader = DocumentReader(ocr_cache=tmp_path / "cache")
    first = reader.read(DATA / "ocr-sample.png")
    engine = reader.ocr.engine._engine
    assert engine is not None
    copy = tmp_path / "copy.png"
    copy.write_bytes((DATA / "ocr-sample.png").read_bytes())
    assert reader.read(copy).text == first.text  # from the cache: same content
    assert reader.ocr.engine._engine is engine
