"""A claim's focus rendered in bold for the terminal, Markdown and HTML."""

from __future__ import annotations

from nekb.focus import render_claim
from nekb.types import Claim
from nekb.ui.highlight import claim_markdown

CLAIM = Claim("黑龙江:出生率3.35‰。", "d", 10, 24, None, (1,), focus=(17, 22))


def test_focus_is_marked_in_place():
    assert render_claim(CLAIM, lambda s: f"[{s}]") == "黑龙江:出生率[3.35‰]。"


def test_the_page_shows_the_focus_in_bold_with_the_text_escaped():
    assert claim_markdown(CLAIM) == "黑龙江:出生率**3.35‰**。 **[1]**"
    claim = Claim("a*b_c", "d", 0, 5, None, (2,), focus=(0, 1))
    assert claim_markdown(claim) == r"**a**\*b\_c **[2]**"


def test_no_focus_or_a_stray_one_leaves_the_text_as_is():
    plain = Claim("文本。", "d", 0, 3, None, (1,))
    assert render_claim(plain, lambda s: f"[{s}]") == "文本。"
    stray = Claim("文本。", "d", 0, 3, None, (1,), focus=(5, 9))
    assert render_claim(stray, lambda s: f"[{s}]") == "文本。"
