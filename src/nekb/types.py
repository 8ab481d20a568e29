"""Result and record types shared by every stage: frozen dataclasses, never dicts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class CleanDocument:
    """A document after reading and cleaning.

    ``text`` is what is displayed and what every offset refers to. ``page_starts[i]`` is the
    offset in ``text`` where page ``i + 1`` begins (PDF only; empty for text files).
    """

    text: str
    page_starts: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """Return the 1-based page holding ``offset``, or None for documents without pages."""
        return page_at(self.page_starts, offset)


def page_at(page_starts: tuple[int, ...] | list[int], offset: int) -> int | None:
    """Return the 1-based page whose range holds ``offset`` (None when there are no pages)."""
    if not page_starts:
        return None
    page = 1
    for i, start in enumerate(page_starts):
        if start <= offset:
            page = i + 1
        else:
            break
    return page


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of one indexed document (from ``sources.toml``, or the file name as title)."""

    doc_id: str
    title: str
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    language: str = ""
    kind: str = ""
    content_hash: str = ""
    chars: int = 0
    pages: int = 0
    chunks: int = 0
    facts: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class Chunk:
    """A sentence-aligned span of a document's cleaned text."""

    chunk_id: int
    doc_id: str
    start: int
    end: int
    page: int | None
    text: str


@dataclass(frozen=True)
class Hit:
    """One ranked passage returned by search."""

    doc_id: str
    title: str
    text: str
    score: float
    start: int
    end: int
    page: int | None = None
    chunk_id: int = -1

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class Fact:
    """One quantitative fact extracted from a sentence of a document."""

    fact_id: str
    entity: str
    indicator: str
    period: str
    value: float
    unit: str
    qualifier: str
    doc_id: str
    sentence: str
    start: int
    end: int
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON / CSV output."""
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    """A sentence quoted verbatim from a retrieved passage."""

    text: str
    doc_id: str
    start: int
    end: int
    page: int | None
    citations: tuple[int, ...]
    fact_ids: tuple[str, ...] = ()
    score: float = 0.0
    # Document offsets [start, end) of the words that answer a question asking for a figure, name,
    # place or time (answer_type.py); None when the question asks for none or the claim has none.
    focus: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """Claims (with ``[n]`` citations into ``passages``) answering a question."""

    question: str
    claims: tuple[Claim, ...]
    passages: tuple[Hit, ...]
    facts: tuple[Fact, ...] = ()
    reason: str = ""
    related: dict[str, tuple[RelatedFact, ...]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Claims in order, each followed by its ``[n]`` markers (n indexes passages from 1)."""
        if not self.claims:
            return self.reason
        parts = []
        for claim in self.claims:
            marks = "".join(f"[{i + 1}]" for i in claim.citations)
            parts.append(f"{claim.text}{marks}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return {
            "question": self.question,
            "text": self.text,
            "reason": self.reason,
            "claims": [c.to_dict() for c in self.claims],
            "passages": [h.to_dict() for h in self.passages],
            "facts": [f.to_dict() for f in self.facts],
            "related": {k: [r.to_dict() for r in v] for k, v in self.related.items()},
        }


@dataclass(frozen=True)
class RelatedFact:
    """A comparable figure from another document, marked as agreeing or not."""

    fact: Fact
    agrees: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return {"agrees": self.agrees, **self.fact.to_dict()}
