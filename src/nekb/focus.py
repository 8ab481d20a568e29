"""Render a claim with the words that answer (its ``focus``) marked: bold in a terminal or on the page."""

from __future__ import annotations

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
