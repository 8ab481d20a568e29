"""Quantitative fact extraction (work in progress)."""

from __future__ import annotations

from .types import Fact


def extract_facts(
    doc_id: str, text: str, sentence_spans: list[tuple[int, int]], page_starts: tuple[int, ...] = ()
) -> list[Fact]:
    """Return the quantitative facts of ``text`` (stub)."""
    return []
