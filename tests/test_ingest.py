"""Tests for nekb.ingest: decoding, format dispatch and the failure modes of PDFs."""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

import pytest
from pypdf import PdfWriter

from nekb.ingest import SUPPORTED_SUFFIXES, IngestError, decode_bytes, read_document

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PDF = CORPUS / "reform-revitalization-policy-evolution.pdf"
GDP_SENTENCE = "东北三省GDP由2003年的不足1.3万亿元增至2015年的5.8万亿元"
SAMPLE = "东北地区人口流失\n黑龙江、辽宁、吉林三省常住人口合计减少82.1万人。\n"


@pytest.fixture(scope="module")
def shipped_pdf():
    return read_document(PDF)


# --- the shipped PDF ---------------------------------------------------------------------


def test_shipped_pdf_pages(shipped_pdf) -> None:
    starts = shipped_pdf.page_starts
    assert len(starts) == 8
    assert starts[0] == 0
    assert list(starts) == sorted(set(starts))  # strictly increasing
    assert starts[-1] < len(shipped_pdf.text)
    assert shipped_pdf.warnings == ()


def test_shipped_pdf_furniture_removed(shipped_pdf) -> None:
    text = shipped_pdf.text
    assert "改革 REFORM" not in text and "REFORM" not in text
    assert not re.search(r"^\s*[—-]\s*\d+\s*[—-]\s*$", text, re.MULTILINE)
    assert "Reform" not in text
    assert not text.endswith("Reform")
    assert "\n，" not in text and "\n。" not in text  # punctuation re-attached
    assert not re.search(r"[\u4e00-\u9fff0-9][ \u3000]+[\u4e00-\u9fff]", text)  # layout spaces gone


def test_shipped_pdf_sentences_whole(shipped_pdf) -> None:
    text = shipped_pdf.text
    assert GDP_SENTENCE in text
    assert "国家经贸委设立了老工业基地调整改造基金" in text
    assert "2003年10月，中共中央、国务院印发" in text
    assert "2016年三省增速分别为-2.5%、6.9%、6.1%" in text
    assert "城市群———更大区域" in text  # sentence continuing across the page 7/8 break
    assert shipped_pdf.page_at(text.index(GDP_SENTENCE)) == 3


def test_shipped_pdf_page_starts_point_at_page_content(shipped_pdf) -> None:
    text, starts = shipped_pdf.text, shipped_pdf.page_starts
    assert text[starts[1] :].startswith("全国其他地区的老工业基地")  # page 2 continues page 1
    assert text[starts[3] :].startswith("，吉林的轨道客车")  # stray comma at the top of page 4
    assert text[starts[7] :].startswith("—更大区域")


# --- text files --------------------------------------------------------------------------


def test_gbk_and_utf8_bom_decode_alike(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.txt"
    bom = tmp_path / "bom.txt"
    gbk.write_bytes(SAMPLE.encode("gbk"))
    bom.write_bytes(SAMPLE.encode("utf-8-sig"))
    assert read_document(gbk).text == read_document(bom).text == SAMPLE.strip()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_decode_bytes_encodings(encoding: str) -> None:
    assert decode_bytes(SAMPLE.encode(encoding), "x.txt") == SAMPLE


def test_crlf_and_suffix_case(tmp_path: Path) -> None:
    path = tmp_path / "UPPER.TXT"
    path.write_bytes("地區(qū)發展\r\n第二行\r\n".encode())
    doc = read_document(path)
    assert doc.text == "地區發展\n第二行"
    assert doc.page_starts == ()
    assert doc.page_at(3) is None


def test_markdown_file(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# 标题\n\n**作者**\n\n![](a.jpg)\n\n正文[链接](http://x)。\n", encoding="utf-8")
    assert read_document(path).text == "标题\n\n作者\n\n正文链接。"


def test_binary_txt_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(random.Random(1).randbytes(4096))
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value).startswith("blob.txt: ")
    assert "binary" in info.value.reason
    assert info.value.path == path


def test_control_characters_without_nul_are_binary() -> None:
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(b"\x01\x02\x03\x04abc" * 10, "ctl.txt")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n", "\ufeff \n".encode()])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=r"^empty\.txt: empty file$"):
        read_document(path)


def test_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == "report.docx: unsupported format .docx (supported: .txt, .md, .pdf)"
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".pdf")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"^gone\.txt: cannot read file"):
        read_document(tmp_path / "gone.txt")


# --- broken PDFs -------------------------------------------------------------------------


def _write_pdf(writer: PdfWriter, path: Path) -> Path:
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_random_bytes_pdf_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(random.Random(2).randbytes(5000))
    with pytest.raises(IngestError, match=r"^bad\.pdf: corrupt PDF \(.+\)$"):
        read_document(path)


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(PDF.read_bytes()[: PDF.stat().st_size // 2])
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(info.value) == "cut.pdf: corrupt PDF (EOF marker not found)"


def test_pypdf_logging_is_silenced_and_restored(tmp_path: Path, caplog) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(PDF.read_bytes()[:1000])
    logger = logging.getLogger("pypdf")
    before = (logger.level, logger.propagate, list(logger.handlers))
    with caplog.at_level(logging.DEBUG), pytest.raises(IngestError):
        read_document(path)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


def test_encrypted_pdf(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PDF)
    writer.encrypt("pw")
    path = _write_pdf(writer, tmp_path / "locked.pdf")
    with pytest.raises(IngestError, match=r"^locked\.pdf: encrypted PDF"):
        read_document(path)


def test_owner_password_only_pdf_opens(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PDF)
    writer.encrypt(user_password="", owner_password="owner")
    path = _write_pdf(writer, tmp_path / "owner.pdf")
    assert GDP_SENTENCE in read_document(path).text


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    path = _write_pdf(writer, tmp_path / "scan.pdf")
    with pytest.raises(IngestError, match=r"^scan\.pdf: no text layer .*OCR"):
        read_document(path)


def test_pdf_with_some_blank_pages_warns(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PDF)
    writer.add_blank_page(width=595, height=842)
    path = _write_pdf(writer, tmp_path / "partial.pdf")
    doc = read_document(path)
    assert GDP_SENTENCE in doc.text
    assert len(doc.page_starts) == 9
    assert doc.warnings == ("no text on pages 9 (scanned images?)",)
