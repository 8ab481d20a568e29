"""Tests for nekb.read_pdf: the text layer, broken PDFs, OCR of pages without text, browser prints."""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

import pytest
from pypdf import PdfWriter

from nekb.errors import NoTextError
from nekb.ingest import IngestError, read_document

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DATA = Path(__file__).resolve().parent / "data"
PDF = CORPUS / "reform-revitalization-policy-evolution.pdf"
GDP_SENTENCE = "东北三省GDP由2003年的不足1.3万亿元增至2015年的5.8万亿元"


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


def test_pdf_without_any_text_even_after_ocr(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    path = _write_pdf(writer, tmp_path / "scan.pdf")
    with pytest.raises(NoTextError, match=r"^scan\.pdf: OCR found no text on 2 pages$"):
        read_document(path)


def test_pdf_with_some_blank_pages_warns(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PDF)
    writer.add_blank_page(width=595, height=842)
    path = _write_pdf(writer, tmp_path / "partial.pdf")
    doc = read_document(path)
    assert GDP_SENTENCE in doc.text
    assert len(doc.page_starts) == 9
    assert doc.warnings == ("OCR found no text on page 9",)
    assert doc.ocr_confidence is None  # OCR read nothing, so no text came from it


# --- a page printed by a browser ---------------------------------------------------------


@pytest.fixture(scope="module")
def printed():
    return read_document(DATA / "printed.pdf")  # Chromium's "print to PDF", header and footer on


def test_print_header_and_footer_are_removed(printed) -> None:
    text = printed.text
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}\s*[AP]M", text)  # the print date
    assert "file:" not in text and "fi" not in text and ".html" not in text  # the URL
    assert not re.search(r"\b[12]/2\b", text)  # the page counter
    assert text.count("长白山的四季") == 1  # the title in the header is gone, the heading stays
    assert text.endswith("魔界的冬天景色各不相同，值得游客细细品味。")


def test_print_title_does_not_run_into_the_first_paragraph(printed) -> None:
    lines = printed.text.split("\n")
    assert lines[:3] == [
        "长白山的四季",
        "2024-07-02来源：东北旅游网",
        "长白山位于吉林省东南部，是中朝两国的界山，主峰海拔2691米。",
    ]
    assert printed.title == "长白山的四季"  # the PDF's title "长白山的四季_东北旅游网" without the site


def test_print_keeps_the_tagged_article_only(printed) -> None:
    for furniture in ("首页", "关于我们", "热门文章", "哈尔滨冰雪大世界开园", "版权所有", "ICP", "标签"):
        assert furniture not in printed.text


def test_print_pages_keep_their_offsets(printed) -> None:
    assert len(printed.page_starts) == 2
    second = printed.text[printed.page_starts[1] :]
    assert re.match(r"^\S{2,4}的[春夏秋冬]天景色各不相同", second)  # a paragraph starting page 2


# --- scanned pages -----------------------------------------------------------------------


def _image_pdf(path: Path, *images) -> Path:
    images[0].save(path, "PDF", resolution=100, save_all=True, append_images=list(images[1:]))
    return path


def test_scanned_pdf_is_ocr_read(tmp_path: Path) -> None:
    from PIL import Image

    sample = Image.open(DATA / "ocr-sample.png")
    path = _image_pdf(tmp_path / "scan.pdf", sample)
    doc = read_document(path, ocr_cache=tmp_path / "cache")
    assert doc.text == "东北振兴\n2024年黑龙江省常住人口为3029万人，比上年末减少33万人。"
    assert doc.page_starts == (0,)
    assert 0.8 < doc.ocr_confidence <= 1
    assert doc.title == "东北振兴"  # not Pillow's file-name title: the large first line
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1


def test_mixed_pdf_ocrs_only_pages_without_text(tmp_path: Path) -> None:
    from PIL import Image

    scan = _image_pdf(tmp_path / "page.pdf", Image.open(DATA / "ocr-sample.png"))
    writer = PdfWriter(clone_from=DATA / "printed.pdf")
    writer.append(scan)
    path = _write_pdf(writer, tmp_path / "mixed.pdf")
    doc = read_document(path)
    assert len(doc.page_starts) == 3
    third = doc.text[doc.page_starts[2] :]
    assert third.endswith("2024年黑龙江省常住人口为3029万人，比上年末减少33万人。")
    assert doc.text.startswith("长白山的四季\n")
    assert doc.ocr_confidence is not None
