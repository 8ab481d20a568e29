"""nekb.ui.highlight: claims and passages marked in text, escaped for Streamlit."""

import re

from nekb.types import Claim, Hit
from nekb.ui import highlight


def test_highlight_marks_overlap_and_escapes():
    text = "甲<b>乙。丙$1丁。"
    html = highlight.highlight_html(text, 100, [highlight.Span(102, 108), highlight.Span(0, 50)])
    assert "<b>" not in html and "&lt;" in html
    assert "$" not in html and "&#36;" in html
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", html)
    assert marked == ["b&gt;乙。丙&#36;"]


def test_highlight_nested_spans_later_wins():
    html = highlight.highlight_html(
        "0123456789",
        0,
        [highlight.Span(2, 8, highlight.PASSAGE_STYLE), highlight.Span(4, 6, highlight.CLAIM_STYLE)],
    )
    pieces = re.findall(r'<mark class="nekb-(\w+)"[^>]*>(.*?)</mark>', html)
    assert pieces == [("passage", "23"), ("claim", "45"), ("passage", "67")]
    assert html.count("\n") == 0


def test_context_window_and_html():
    document = "前" * 1000 + "段落内容。" + "后" * 1000
    hit = Hit("d.txt", "题", "段落内容。", 0.5, 1000, 1005)
    claim = Claim("段落内容。", "d.txt", 1000, 1005, None, (1,))
    assert highlight.context_window(len(document), 1000, 1005, 600) == (400, 1605)
    assert highlight.context_window(50, 10, 20, 600) == (0, 50)
    html = highlight.context_html(document, hit, [claim])
    assert "nekb-claim" in html and html.count("前") == 600 and "…" in html


def test_claim_markdown_escapes_and_cites():
    claim = Claim("增长*50%*_快_", "d", 0, 5, None, (1, 3))
    assert highlight.claim_markdown(claim) == r"增长\*50%\*\_快\_ **[1][3]**"
