"""Tests for nekb.pdf_layout: running headers, page numbers and broken lines of extracted PDF pages."""

from __future__ import annotations

import re

from nekb.pdf_layout import clean_pdf_pages, heading_key
from nekb.types import page_at

# --- clean_pdf_pages ---------------------------------------------------------------------

HEADER = "改革 REFORM · 东北振兴的政策演进"


def test_clean_pdf_pages_repairs_layout() -> None:
    pages = [
        "东北振兴的政策演进\n　　第一段没有结束\n，\n这里继续。\n2003  年  10\n月，新的一段\n— 1 —",
        f"{HEADER}\n跨页之后结束。[1]\n东北三省  GDP  由\n2003  年的不足  1.3  万亿元。\n— 2 —",
        f"{HEADER}\n　　一、总体思路\n　　The quick  brown\nfox jumps.\n— 3 —",
        f"{HEADER}\n最后一段结束。 Reform\n— 4 —",
    ]
    text, starts = clean_pdf_pages(pages)
    assert text == (
        "东北振兴的政策演进\n第一段没有结束，这里继续。\n2003年10月，新的一段跨页之后结束。\n"
        "东北三省GDP由2003年的不足1.3万亿元。\n一、总体思路\nThe quick brown fox jumps.\n最后一段结束。"
    )
    assert text[starts[1] :].startswith("跨页之后结束")  # page 2 continues page 1's sentence
    assert text[starts[2] :].startswith("一、总体思路")
    assert text[starts[3] :].startswith("最后一段结束")
    assert starts[0] == 0
    assert page_at(starts, text.index("1.3万亿元")) == 2


def test_clean_pdf_pages_bare_page_numbers_and_body_numbers() -> None:
    bodies = ["甲", "乙", "丙"]
    pages = [
        f"{b}页开头。\n{b}页的正文，\n2003年\n12\n月继续。\n{b}页结尾。\n{n}" for n, b in enumerate(bodies, 1)
    ]
    text, starts = clean_pdf_pages(pages)
    assert text.count("2003年12月继续。") == 3  # the "12" body line is not a page number
    assert not re.search(r"^\d+$", text, re.MULTILINE)
    assert len(starts) == 3


def test_clean_pdf_pages_keeps_body_line_matching_header_elsewhere() -> None:
    pages = [f"{HEADER}\n{b}的正文。\n{HEADER}\n{b}更多正文。\n{b}结尾。" for b in ("甲", "乙", "丙")]
    text, _ = clean_pdf_pages(pages)
    assert text.count("东北振兴的政策演进") == 3  # only the copies at the top of each page go
    assert text.startswith("甲的正文。\n")


def test_clean_pdf_pages_empty_and_blank_pages() -> None:
    text, starts = clean_pdf_pages(["第一页。", "", "第三页。"])
    assert text == "第一页。\n第三页。"
    assert starts[0] == 0 and starts[1] <= starts[2]
    assert text[starts[2] :].lstrip("\n").startswith("第三页")
    assert clean_pdf_pages([]) == ("", ())


# --- browser print furniture and headings --------------------------------------------------


def test_browser_print_header_and_footer_go() -> None:
    pages = [
        "标题\n第一段正文写到这里，\n11/24/26, 7:05 PM 标题 - 某某网\nhttps://example.com/news/1.html 1/2",
        "继续写完。\n2026/11/24 下午7:05 标题\nhttps://example.com/news/1.html 2/2",
    ]
    text, starts = clean_pdf_pages(pages)
    assert text == "标题第一段正文写到这里，继续写完。"
    assert starts == (0, text.index("继续"))


def test_dated_first_line_of_an_ordinary_pdf_stays() -> None:
    text, _ = clean_pdf_pages(["2024.05.17 10:30 新华社电\n正文第一句。\n第二句。"])
    assert text.startswith("2024.05.17 10:30")  # no page footer "1/1": not a browser print


def test_known_headings_stand_alone() -> None:
    pages = ["长白山的四季\n长白山位于吉林省东南部，是中朝两国的界山。"]
    assert clean_pdf_pages(pages)[0].startswith("长白山的四季长白山位于")  # a short title, no hint
    text, _ = clean_pdf_pages(pages, headings=[{heading_key("长白山的 四季")}])
    assert text == "长白山的四季\n长白山位于吉林省东南部，是中朝两国的界山。"


def test_ligatures_are_spelled_out() -> None:
    assert clean_pdf_pages(["The ﬁrst ﬂoor."])[0] == "The first floor."
