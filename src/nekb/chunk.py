"""Sentence splitting and sentence-aware chunking over offsets of a cleaned text."""

from __future__ import annotations

import bisect
import re

# A sentence ends at one of these (plus any closing quotes/brackets that follow), at a line end, or
# at an English full stop followed by a space and a capital (an English abstract is many sentences).
_SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)\]]*|\n+|\.[”’\"')\]]*(?=\s+[A-Z“‘\"(\[])")
# What a full stop after them ends is an abbreviation, not a sentence.
_ABBREVIATIONS = frozenset(
    (
        *("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "no", "nos", "vol", "vols", "vs", "etc", "al"),
        *("inc", "ltd", "co", "corp", "fig", "figs", "eq", "pp", "ed", "eds"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    )
)
_CLOSERS = "”’」』）)]"
# Spans whose inner marks end no sentence: a title (《…》 is a name, not two sentences) and a short
# quotation (“唵！自在……。”: cut at its ！, neither half reads as a sentence). Long quotations (speeches
# running over several sentences) are still split.
_UNBROKEN = re.compile(r"《[^《》\n]{1,80}》|〈[^〈〉\n]{1,80}〉|[“「『][^“”「」『』\n]{1,50}[”」』]")
# A short aside in brackets within a sentence (牛车水（；）是…, （学名：…；毛利语：…）) ends none: its marks
# belong to the sentence around it. An aside that opens a sentence can be one of its own.
_ASIDE = re.compile(r"[（(][^（）()\n]{1,60}[）)]")


def split_sentences(text: str, max_chars: int = 300) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences of ``text``, whitespace trimmed.

    Sentences end at 。！？；!?; (keeping trailing closing quotes), a line end or an English full
    stop before a capital, but not inside a 《title》, a short quotation or a short aside in brackets
    within a sentence. A sentence longer than ``max_chars`` is cut at the last comma before the
    limit, else at a space, else hard at the limit.
    """
    unbroken = [m.span() for m in _UNBROKEN.finditer(text)]
    asides = [m.span() for m in _ASIDE.finditer(text)]
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        quoted = _span_around(unbroken, match.start())
        if quoted and match.end() < quoted[1]:
            continue  # inside a title or short quotation, before its closing mark
        aside = _span_around(asides, match.start())
        if aside and text[pos : aside[0]].strip():
            continue  # inside brackets the sentence opened before them
        if match.group(0)[0] == "." and not _ends_english_sentence(text, match.start()):
            continue
        end = match.end() if match.group(0)[0] != "\n" else match.start()
        _add_trimmed(text, pos, end, spans, max_chars)
        pos = match.end()
    _add_trimmed(text, pos, len(text), spans, max_chars)
    return spans


def _span_around(spans: list[tuple[int, int]], position: int) -> tuple[int, int] | None:
    """The span of ``spans`` (sorted, disjoint) that holds ``position``, if any."""
    at = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return spans[at] if at >= 0 and position < spans[at][1] else None


def _ends_english_sentence(text: str, stop: int) -> bool:
    """Whether the full stop at ``stop`` ends a sentence: not after an initial (J.), an abbreviation
    (Dr.), a list number (1.) or nothing."""
    word = re.search(r"[^\s.]*$", text[max(0, stop - 20) : stop]).group(0)
    if not word or (len(word) == 1 and word.isalpha()):
        return False
    if word.isdigit() and len(word) <= 2:
        return False
    return word.lower() not in _ABBREVIATIONS


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]], max_chars: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_chars:
        cut = _soft_cut(text, start, start + max_chars)
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


def _soft_cut(text: str, start: int, limit: int) -> int:
    """Cut after the last comma-like mark in the second half of the window, else after its last space
    (never inside an English word), else at ``limit``."""
    half = start + (limit - start) // 2
    for i in range(limit - 1, half, -1):
        if text[i] in "，,、：:":
            return i + 1
    for i in range(limit - 1, half, -1):
        if text[i].isspace():
            return i + 1
    return limit


def make_chunks(
    sentences: list[tuple[int, int]], max_chars: int = 250, overlap: int = 1
) -> list[tuple[int, int]]:
    """Group consecutive sentences into chunks of about ``max_chars`` characters.

    Returns ``(first, last)`` sentence index ranges (``last`` exclusive). Consecutive chunks share
    ``overlap`` sentences, so a fact stated at a chunk border is whole in at least one chunk.
    """
    chunks: list[tuple[int, int]] = []
    n = len(sentences)
    first = 0
    while first < n:
        last = first + 1
        while last < n and sentences[last][1] - sentences[first][0] <= max_chars:
            last += 1
        chunks.append((first, last))
        if last >= n:
            break
        first = max(last - overlap, first + 1)
    return chunks
