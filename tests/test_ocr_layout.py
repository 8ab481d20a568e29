"""Tests for nekb.ocr_layout: recognized boxes to lines in reading order, paragraph starts marked."""

from __future__ import annotations

from nekb.ocr import OcrBox, OcrPage
from nekb.ocr_layout import PARAGRAPH_INDENT, page_lines, page_title
from nekb.pdf_layout import clean_pdf_pages


def _box(x0: float, y0: float, x1: float, text: str, height: float = 30) -> OcrBox:
    return OcrBox(x0, y0, x1, y0 + height, text, 0.95)


def _page(*boxes: OcrBox) -> OcrPage:
    return OcrPage(width=1000, height=1400, boxes=boxes)


def test_boxes_are_read_top_to_bottom_and_left_to_right() -> None:
    page = _page(
        _box(100, 200, 900, "第二行文字到了右边距为止还没有结束"),
        _box(520, 100, 900, "右半边"),
        _box(100, 102, 500, "第一行的左半边"),
    )
    assert [line.lstrip("\u3000") for line in page_lines(page)] == [
        "第一行的左半边 右半边",
        "第二行文字到了右边距为止还没有结束",
    ]


def test_indented_centred_and_after_short_lines_start_paragraphs() -> None:
    page = _page(
        _box(420, 50, 580, "标题", height=40),  # centred
        _box(160, 150, 900, "首行缩进的段落开头，一直写到右边距"),
        _box(100, 200, 900, "接着写满一整行，也到达了右边距的位置"),
        _box(100, 250, 400, "段落结束。"),  # short: the paragraph ends here
        _box(100, 300, 900, "没有缩进但上一行很短，所以是新段落"),
    )
    lines = page_lines(page)
    starts = [line.startswith(PARAGRAPH_INDENT) for line in lines]
    assert starts == [True, True, False, False, True]


def test_lone_page_numbers_at_the_edges_are_dropped() -> None:
    page = _page(
        _box(480, 20, 520, "12"),
        _box(100, 100, 900, "正文第一行。"),
        _box(470, 1300, 530, "- 3 -"),
    )
    assert [line.lstrip("\u3000") for line in page_lines(page)] == ["正文第一行。"]


def test_empty_page_has_no_lines() -> None:
    assert page_lines(_page()) == []


def test_lines_join_into_sentences_like_pdf_pages() -> None:
    page = _page(
        _box(420, 50, 580, "东北振兴", height=40),
        _box(160, 150, 900, "2024年黑龙江省常住人口为3029万人，"),
        _box(100, 200, 500, "比上年末减少33万人。"),
    )
    text, starts = clean_pdf_pages(["\n".join(page_lines(page))])
    assert text == "东北振兴\n2024年黑龙江省常住人口为3029万人，比上年末减少33万人。"
    assert starts == (0,)


def test_a_dash_read_as_one_between_figures_is_a_dash() -> None:
    page = _page(_box(100, 100, 900, "叶长5一20厘米，生于1546年一1618年，一年一度。"))
    assert page_lines(page) == ["叶长5-20厘米，生于1546年-1618年，一年一度。"]


def test_a_large_first_line_is_the_page_title() -> None:
    body = [_box(100, 150 + 50 * i, 900, f"正文第{i}行。") for i in range(3)]
    assert page_title(_page(_box(420, 50, 580, "东北振兴", height=45), *body)) == "东北振兴"
    assert page_title(_page(_box(100, 50, 900, "不是标题的第一行"), *body)) == ""
    assert page_title(_page()) == ""
