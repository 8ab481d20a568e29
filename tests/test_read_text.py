"""Tests for nekb.read_text: decoding text files and cleaning them on the way in."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nekb.ingest import IngestError, decode_bytes, read_document

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
