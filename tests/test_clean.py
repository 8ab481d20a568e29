"""Tests for nekb.clean: pinyin artefacts and plain/Markdown cleanup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nekb.clean import clean_markdown, clean_plain, strip_pinyin

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PINYIN_NOTE = re.compile(r"[\u4e00-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")


# --- strip_pinyin ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("地區(qū)", "地區"),
        ("發(fā)展", "發展"),
        ("循環(huán)", "循環"),
        ("東北地區(qū)及中小城市出現(xiàn)持續(xù)人口", "東北地區及中小城市出現持續人口"),
        ("創(chuàng)新", "創新"),  # six-letter syllable
        ("地區（qū）", "地區"),  # full-width parentheses
        ("城鎮(zhen)", "城鎮"),  # toneless pinyin
    ],
)
def test_strip_pinyin_removes_annotations(raw: str, expected: str) -> None:
    assert strip_pinyin(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "地区生产总值(GDP)",
        "国务院振兴东北地区等老工业基地领导小组办公室（以下简称振兴东北办）",
        "倍(29.71万vs9.89万)",
        "对比(vs)",
        "方案(a)",
        "plain (qū) after latin",
    ],
)
def test_strip_pinyin_keeps_genuine_parentheses(kept: str) -> None:
    assert strip_pinyin(kept) == kept


def test_strip_pinyin_inside_genuine_parentheses() -> None:
    raw = "通過產業(yè)升級(如承接東部制造業(yè)轉移)、差異化城市定位(發(fā)展特色文旅或農業(yè))"
    assert strip_pinyin(raw) == "通過產業升級(如承接東部制造業轉移)、差異化城市定位(發展特色文旅或農業)"


def test_corpus_traditional_file_has_no_pinyin_left() -> None:
    raw = (CORPUS / "net-outflow-regions-zh-hant.txt").read_text(encoding="utf-8")
    assert PINYIN_NOTE.search(raw)  # the sample really has artefacts
    cleaned = clean_plain(raw)
    assert not PINYIN_NOTE.search(cleaned)
    assert "東北地區及中小城市出現持續人口凈流出現象" in cleaned
    assert "(通常以年度為單位)" in cleaned
    assert "地區" in cleaned and "地区" not in cleaned  # display text stays Traditional


# --- clean_plain / clean_markdown --------------------------------------------------------


def test_clean_plain_normalises_whitespace_and_invisible_chars() -> None:
    raw = "\ufeff第一行  \r\n第二\u200b行\t\r\n\r\n\r\n\r\n\r\n第三行\n![]()\n第四行\n"
    assert clean_plain(raw) == "第一行\n第二行\n\n第三行\n第四行"


def test_clean_plain_keeps_inline_text_and_traditional_script() -> None:
    raw = "關鍵詞：人口 高質量發展\n見圖 ![]() 說明"  # an inline image is not an image-only line
    assert clean_plain(raw) == raw


def test_clean_plain_is_fast_on_long_space_runs() -> None:
    raw = "甲" + " " * 200_000 + "乙\n" + "地區(qū)。\n" * 50_000
    cleaned = clean_plain(raw)
    assert cleaned.startswith("甲" + " " * 200_000 + "乙")
    assert "(qū)" not in cleaned


def test_clean_markdown() -> None:
    raw = (
        "# 标题一\n"
        "**祝嫣然**\n\n"
        "![](https://img.example.com/a.jpg)\n\n"
        "正文有[链接文字](https://example.com)和*强调*、__粗体__、`代码`。\n"
        "![图片说明](b.png)\n"
        "---\n"
        "## 小节 ##\n"
        "<div>包在标签里</div><br/>\n"
        "* 列表项\n"
    )
    assert clean_markdown(raw) == (
        "标题一\n祝嫣然\n\n正文有链接文字和强调、粗体、代码。\n\n小节\n包在标签里\n* 列表项"
    )


def test_clean_markdown_on_corpus_article() -> None:
    raw = (CORPUS / "yicai-2023-11-01-new-round-revitalization.md").read_text(encoding="utf-8")
    cleaned = clean_markdown(raw)
    assert cleaned.startswith("20年后东北新一轮全面振兴")
    for markup in ("**", "![", "](", "# "):
        assert markup not in cleaned
    assert "\n\n\n" not in cleaned
