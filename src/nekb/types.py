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
    title: str = ""  # the document's own title (HTML <title>, PDF or Word metadata), if any
    date: str = ""  # the document's own publication date (YYYY-MM-DD), if any
    cells: tuple[CellFact, ...] = ()  # numeric table cells; their rows are part of ``text``
    ocr_confidence: float | None = None  # mean recognition confidence when any text came from OCR

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
class CellFact:
    """A numeric table cell read as a fact, before it belongs to a document.

    ``start``/``end`` delimit the cell's value in the document text (inside its row's line);
    ``location`` says where the cell sits in the source file, e.g. ``"Sheet1!C4"`` or ``"表1!B3"``.
    """

    entity: str
    indicator: str
    period: str
    value: float
    unit: str
    location: str
    start: int
    end: int


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of one indexed document: ``sources.toml`` first, then the file's own title and date,
    then the file name as title."""

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
    ocr_confidence: float | None = None  # mean OCR confidence (0-1) when text came from OCR
    document_title: str = ""  # the file's own title; shown when sources.toml gives none
    document_date: str = ""  # the file's own date; shown when sources.toml gives none

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
    """One ranked passage returned by search: a chunk of a document's cleaned text."""

    doc_id: str
    title: str
    text: str
    score: float
    start: int
    end: int
    page: int | None = None
    chunk_id: int = -1
    date: str = ""

    def label(self, number: int) -> str:
        """How a cited passage is named everywhere: ``[n] title · date · p. 3 · doc_id``."""
        parts = [f"[{number}] {self.title or self.doc_id}"]
        if self.date:
            parts.append(self.date)
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.title and self.title != self.doc_id:
            parts.append(self.doc_id)
        return " · ".join(parts)

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
    location: str = ""  # a table cell's place in its file ("Sheet1!C4"); "" for facts from prose

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON / CSV output."""
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    """A sentence quoted verbatim from a retrieved passage.

    ``citations`` are 1-based passage numbers: claim ``[2]`` quotes ``answer.passages[1]``, and the
    same numbers appear in ``Answer.text``, in JSON and on the page. A claim that runs over the border
    of two passages cites both (each holds part of it, together all).
    """

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
        """Plain-dict form for JSON output (lists where the claim holds tuples)."""
        return {**asdict(self), "citations": list(self.citations), "fact_ids": list(self.fact_ids)}


@dataclass(frozen=True)
class Answer:
    """Claims (with ``[n]`` citations into ``passages``) answering a question.

    ``reason`` says why there are no claims (empty when there are). ``related`` maps a linked fact's
    id to comparable figures from other documents.
    """

    question: str
    claims: tuple[Claim, ...]
    passages: tuple[Hit, ...]
    facts: tuple[Fact, ...] = ()
    reason: str = ""
    related: dict[str, tuple[RelatedFact, ...]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Claims in order, each followed by its ``[n]`` markers; the reason when there is no claim."""
        if not self.claims:
            return self.reason
        return "\n".join(claim.text + "".join(f"[{n}]" for n in claim.citations) for claim in self.claims)

    def passage(self, number: int) -> Hit:
        """The passage a citation ``[number]`` refers to (1-based)."""
        return self.passages[number - 1]

    def to_dict(self) -> dict[str, Any]:
        """The one JSON form of an answer (``nekb ask --json``, ``nekb batch``): passages carry their
        citation number ``n``, claims cite those numbers."""
        return {
            "question": self.question,
            "answer": self.text,
            "reason": self.reason,
            "claims": [c.to_dict() for c in self.claims],
            "passages": [{"n": n, **h.to_dict()} for n, h in enumerate(self.passages, start=1)],
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
