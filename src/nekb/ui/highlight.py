"""Highlighting for the page: claims and passages marked inside a document's text, as safe HTML/Markdown."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..focus import render_claim
from ..types import Claim, Hit

# Highlight styles: the claim sentence stands out more than the passage around it.
CLAIM_STYLE = "claim"


PASSAGE_STYLE = "passage"


_MARK_CSS = {
    CLAIM_STYLE: "background-color:#ffe58f;color:inherit;padding:0 1px;border-radius:2px",
    PASSAGE_STYLE: "background-color:#d6ecff;color:inherit;padding:0;border-radius:2px",
}


_BOX_CSS = (
    "white-space:normal;line-height:1.8;font-size:0.95rem;padding:0.6rem 0.8rem;"
    "border-left:3px solid #c9d6e3;background:rgba(128,128,128,0.06);border-radius:4px"
)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")


def escape_markdown(text: str) -> str:
    """Escape the characters Streamlit's Markdown (and its ``$`` math) would interpret."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def claim_markdown(claim: Claim) -> str:
    """A claim as Markdown: the quoted sentence, the words that answer (its focus) in bold, then its
    ``[n]`` citation markers."""
    text = render_claim(claim, lambda words: f"**{words}**", escape_markdown)
    marks = "".join(f"[{n}]" for n in claim.citations)
    return f"{text} **{marks}**" if marks else text


@dataclass(frozen=True)
class Span:
    """An absolute ``[start, end)`` range of a document's cleaned text to highlight with ``style``."""

    start: int
    end: int
    style: str = CLAIM_STYLE


def _escape_html(text: str) -> str:
    """HTML-escape, keep line breaks, and neutralise ``$`` so no math rendering kicks in."""
    return html.escape(text).replace("$", "&#36;").replace("\n", "<br>")


def highlight_html(text: str, base: int, spans: Iterable[Span], before: str = "", after: str = "") -> str:
    """``text`` (which starts at absolute offset ``base``) as HTML with ``spans`` marked.

    Spans are clipped to the text; where spans overlap, the later one in ``spans`` wins, so pass
    wide spans (a passage) before narrow ones (a claim inside it). ``before``/``after`` are plain
    text put around it (e.g. an ellipsis). The result is one ``<div>`` without blank lines, safe to
    pass to ``st.markdown(..., unsafe_allow_html=True)``.
    """
    end_of_text = base + len(text)
    clipped = [
        Span(max(s.start, base), min(s.end, end_of_text), s.style)
        for s in spans
        if s.end > base and s.start < end_of_text and s.end > s.start
    ]
    cuts = sorted({base, end_of_text, *(s.start for s in clipped), *(s.end for s in clipped)})
    parts = [_escape_html(before)]
    for lo, hi in itertools.pairwise(cuts):
        piece = _escape_html(text[lo - base : hi - base])
        style = next((s.style for s in reversed(clipped) if s.start <= lo and hi <= s.end), None)
        if style is None:
            parts.append(piece)
        else:
            parts.append(f'<mark class="nekb-{style}" style="{_MARK_CSS.get(style, "")}">{piece}</mark>')
    parts.append(_escape_html(after))
    return f'<div class="nekb-text" style="{_BOX_CSS}">{"".join(parts)}</div>'


CONTEXT_CHARS = 600  # characters of document shown on each side of a passage in the document view


def context_window(text_length: int, start: int, end: int, radius: int = CONTEXT_CHARS) -> tuple[int, int]:
    """The ``[lo, hi)`` range of a document to show around ``[start, end)``: ``radius`` chars each side."""
    lo = max(0, start - radius)
    hi = min(text_length, end + radius)
    return lo, max(lo, hi)


def context_html(document: str, hit: Hit, claims: Sequence[Claim], radius: int = CONTEXT_CHARS) -> str:
    """The document around a passage, with the passage and the claims quoted from it highlighted."""
    lo, hi = context_window(len(document), hit.start, hit.end, radius)
    spans = [Span(hit.start, hit.end, PASSAGE_STYLE), *claim_spans(claims, hit.doc_id)]
    before = "…" if lo > 0 else ""
    after = "…" if hi < len(document) else ""
    return highlight_html(document[lo:hi], lo, spans, before, after)


def passage_html(hit: Hit, claims: Sequence[Claim]) -> str:
    """A retrieved passage with the sentences quoted from it (the claims' offsets) highlighted."""
    return highlight_html(hit.text, hit.start, claim_spans(claims, hit.doc_id))


def claim_spans(claims: Iterable[Claim], doc_id: str) -> list[Span]:
    """Highlight spans of the claims that come from document ``doc_id``."""
    return [Span(c.start, c.end, CLAIM_STYLE) for c in claims if c.doc_id == doc_id]
