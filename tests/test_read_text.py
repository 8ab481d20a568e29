"""Tests for nekb.read_text: decoding text files and cleaning them on the way in."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nekb.ingest import IngestError, decode_bytes, read_document
from nekb.read_text import decode_text

SAMPLE = "东北地区人口流失\n黑龙江、辽宁、吉林三省常住人口合计减少82.1万人。\n"


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


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"^gone\.txt: cannot read file"):
        read_document(tmp_path / "gone.txt")


def test_utf16_without_a_byte_order_mark_is_read_and_noted(tmp_path: Path) -> None:
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(SAMPLE.encode(encoding))
        doc = read_document(path)
        assert doc.text == SAMPLE.strip() and doc.warnings == ("UTF-16 text without a byte-order mark",)


def test_a_stray_nul_byte_is_removed_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(SAMPLE.encode() + b"\x00" + "第三行。".encode())
    doc = read_document(path)
    assert doc.text == SAMPLE + "第三行。" and doc.warnings == ("1 NUL byte(s) removed",)


def test_a_stray_latin1_byte_in_utf8_is_salvaged_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(SAMPLE.encode() + b"Caf" + b"\xe9" + " 咖啡馆。".encode())
    doc = read_document(path)
    assert doc.text.endswith("Café 咖啡馆。") and SAMPLE.strip() in doc.text
    assert doc.warnings == ("1 byte(s) not UTF-8 read as Windows-1252",)


def test_gbk_with_a_few_chinese_characters_is_still_gbk(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("Population of 沈阳 is 9 million, 大连 7 million.".encode("gbk"))
    assert read_document(path).text == "Population of 沈阳 is 9 million, 大连 7 million."


def test_many_nul_bytes_are_still_binary() -> None:
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(b"abc\x00\x00\x01def\x00" * 50 + b"x", "blob.txt")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_chinese_only_utf16_without_a_byte_order_mark(encoding: str) -> None:
    text = "东北振兴政策的演进。黑龙江人口减少，辽宁经济增长。" * 5
    assert decode_text(text.encode(encoding), "x.txt") == (text, ("UTF-16 text without a byte-order mark",))
