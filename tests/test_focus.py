"""A claim's focus rendered in bold for the terminal, Markdown and HTML."""

from __future__ import annotations

from nekb.focus import html_claim, markdown_claim, render_claim
from nekb.types import Claim

CLAIM = Claim("黑龙江:出生率3.35‰。", "d", 10, 24, None, (0,), focus=(17, 22))


def test_focus_is_marked_in_place():
    assert render_claim(CLAIM, lambda s: f"[{s}]") == "黑龙江:出生率[3.35‰]。"


def test_markdown_and_html_escape_the_text():
    assert markdown_claim(CLAIM) == "黑龙江:出生率**3\\.35‰**。"
    claim = Claim("a<b>&c", "d", 0, 6, None, (0,), focus=(0, 1))
    assert html_claim(claim) == "<b>a</b>&lt;b&gt;&amp;c"


def test_no_focus_or_a_stray_one_leaves_the_text_as_is():
    plain = Claim("文本。", "d", 0, 3, None, (0,))
    assert render_claim(plain, lambda s: f"[{s}]") == "文本。"
    stray = Claim("文本。", "d", 0, 3, None, (0,), focus=(5, 9))
    assert render_claim(stray, lambda s: f"[{s}]") == "文本。"
