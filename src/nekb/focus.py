"""Render a claim with the words that answer (its ``focus``) marked: bold in a terminal, Markdown or HTML."""

from __future__ import annotations

import html
from collections.abc import Callable

from .types import Claim


def render_claim(claim: Claim, mark: Callable[[str], str], escape: Callable[[str], str] = str) -> str:
    """``claim.text`` with its focus wrapped by ``mark`` and every other part passed through ``escape``.

    A focus outside the claim (it never should be) is ignored rather than misplaced.
    """
    if claim.focus is None:
        return escape(claim.text)
    start, end = claim.focus[0] - claim.start, claim.focus[1] - claim.start
    if not 0 <= start < end <= len(claim.text):
        return escape(claim.text)
    text = claim.text
    return escape(text[:start]) + mark(escape(text[start:end])) + escape(text[end:])


def markdown_claim(claim: Claim) -> str:
    """The claim as Markdown with its focus in ``**bold**`` (Markdown's own characters escaped)."""
    return render_claim(claim, lambda s: f"**{s}**", _escape_markdown)


def html_claim(claim: Claim) -> str:
    """The claim as HTML-escaped text with its focus in ``<b>``."""
    return render_claim(claim, lambda s: f"<b>{s}</b>", html.escape)


def _escape_markdown(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~" else ch for ch in text)
