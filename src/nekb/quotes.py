"""Chosen sentences become quotes: adjacent ones (or one apart) join, one that opens pointing back
(因此, 此战, 赛后) takes the sentence before along, a clause cut at a semicolon is quoted as its whole
sentence, a line ending at a colon with what it introduces, and the first quote takes along the
sentences before and after it as far as the fitted model says for the kind of question.

The ranker picks sentences one by one, but an answer is often two sentences long (the reason, then
因此 …; a description running over several sentences). Quoting sentences that stand next to each other
in the document as separate claims cuts such an answer apart and reads choppily, so they are quoted as
one continuous passage; so are two one sentence apart, with the sentence between them. A sentence
that begins with a consequence connective says *that* something follows, not *why*; one that begins
with 此战, 该街道 or 赛后 leans on what the sentence before named: either is quoted with the sentence
before it. Sentences are split at ；for search, so a
list item (一是……；二是……。) is a unit of its own there; quoted, it is read in its whole sentence. A
line that ends at a colon (主要表现在：) says only that something follows: it is quoted with it. A
quote never grows past what the retrieved passages hold, so it stays cited and verbatim at its offsets:
within one passage, or over the border of two that overlap or meet (a sentence longer than a chunk is
a chunk of its own, and its 因此 begins the next).
Answers to why- and what-is questions often run on past the sentence that matched the question (the
description of a flower, the reasons for a war), or begin before it (the events, then 此战奠定了…);
how far the first quote reaches either way is fitted per kind of question in
``scripts/fit_ranker.py`` against the cost of every sentence it adds.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .types import Hit, page_at

if TYPE_CHECKING:
    from .answer import Candidate
    from .pipeline import DocumentRecord
    from .snapshot import Snapshot

MAX_QUOTES = 4  # claims per answer, however many sentences each quotes
MIN_CLAIM_CHARS = 8
# A short sentence that ends like one (溶于汽油。) can still answer; a line without an end cannot.
MIN_SENTENCE_CHARS = 4
_SENTENCE_END = re.compile(r"[。！？!?；;]['\"”’」』）)]*$")
_HEADING = re.compile(
    r"^([0-9]+(\.[0-9]+)*|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*\S{0,30}$"
)

_CLOSING_MARKS = r"[”’」』）)\]\"]*$"  # after a sentence's last mark
# A clause that ends at a semicolon: the sentence it belongs to goes on.
_CLAUSE_END = re.compile(r"[；;]" + _CLOSING_MARKS)
# It, or a line that ends at a colon (具体表现为：, introducing what follows), goes on into the next sentence.
_GOES_ON = re.compile(r"[；;：:]" + _CLOSING_MARKS)
# Openings that point back to the sentence before, in both scripts: a consequence (因此, 所以 …), a
# demonstrative (此战, 这次事件, 在此背景下, 该街道; not 此外, "besides") or a time after it (赛后, 随后 …).
_POINTS_BACK = re.compile(
    r"^[\s「『“\"]*(?:因此|因而|所以|于是|於是|从而|從而|由此|故而|故此|是以|因為這樣|因为这样"
    r"|在?(?:此(?!外)|[这這该該])|[赛賽战戰事其随隨之][后後])"
)


def is_claimable(text: str) -> bool:
    """Whether a sentence can stand as a claim (not a bare heading, number or fragment)."""
    stripped = text.strip()
    if _SENTENCE_END.search(stripped):
        return len(stripped) >= MIN_SENTENCE_CHARS
    return len(stripped) >= MIN_CLAIM_CHARS and not _HEADING.match(stripped)


def opens_pointing_back(text: str) -> bool:
    """Whether ``text`` begins with words that refer to the sentence before it (因此, 此战, 赛后 …)."""
    return bool(_POINTS_BACK.match(text))


def citations_for(doc_id: str, start: int, end: int, passages: list[Hit]) -> tuple[int, ...]:
    """1-based numbers of the passages that quote the span ``[start, end)`` of ``doc_id``: those that
    hold it whole, else those that overlap it when together they hold all of it (a quote running over
    a passage border), else none."""
    whole = tuple(
        n
        for n, hit in enumerate(passages, start=1)
        if hit.doc_id == doc_id and hit.start <= start and end <= hit.end
    )
    if whole:
        return whole
    parts = [
        (hit.start, hit.end, n)
        for n, hit in enumerate(passages, start=1)
        if hit.doc_id == doc_id and hit.start < end and start < hit.end
    ]
    reach = start
    for part_start, part_end, _ in sorted(parts):
        if part_start > reach:
            break
        reach = max(reach, part_end)
    return tuple(n for _, _, n in parts) if reach >= end else ()


def _held(doc_id: str, start: int, end: int, passages: list[Hit]) -> bool:
    return bool(citations_for(doc_id, start, end, passages))


def _over(snap: Snapshot, candidate: Candidate, first: int, last: int) -> Candidate:
    """``candidate`` quoting sentences ``first`` to ``last`` (inclusive) of its document."""
    doc = snap.document(candidate.doc_id)
    start, end = doc.sentences[first][0], doc.sentences[last][1]
    return replace(
        candidate,
        start=start,
        end=end,
        text=doc.text[start:end],
        page=page_at(doc.page_starts, start),
        sentence=first,
        sentences=last - first + 1,
    )


def _spanning(snap: Snapshot, first: Candidate, last: Candidate, members: list[Candidate]) -> Candidate:
    """One candidate quoting from ``first``'s first sentence to ``last``'s last (the best member's
    signals)."""
    best = max(members, key=lambda c: c.score)
    quote = _over(snap, best, first.sentence, last.sentence + last.sentences - 1)
    return replace(quote, passage_rank=min(c.passage_rank for c in members))


def _gap(first: Candidate, then: Candidate) -> int | None:
    """How many sentences stand between quote ``first`` and quote ``then`` after it (0: they meet);
    None when they are in different documents or either has no sentence number."""
    if first.doc_id != then.doc_id or first.sentence < 0 or then.sentence < 0:
        return None
    return then.sentence - (first.sentence + first.sentences)


def _claimable_sentence(doc: DocumentRecord, index: int) -> bool:
    """Whether sentence ``index`` of ``doc`` could stand as a claim (not a heading)."""
    start, end = doc.sentences[index]
    return is_claimable(doc.text[start:end])


def _bridges(snap: Snapshot, last: Candidate, candidate: Candidate) -> bool:
    """Whether ``candidate`` follows the quote ``last`` in its document directly or one sentence on,
    the sentence between being one a claim could hold (not a heading)."""
    gap = _gap(last, candidate)
    if gap == 1:
        return _claimable_sentence(snap.document(candidate.doc_id), candidate.sentence - 1)
    return gap == 0


def join_adjacent(snap: Snapshot, chosen: list[Candidate], passages: list[Hit]) -> list[Candidate]:
    """``chosen`` with every run of sentences of one document that follow each other, directly or one
    sentence apart (the sentence between is quoted too), held whole by the retrieved passages
    (:func:`citations_for`), quoted as one candidate. The quote holding the first choice leads; the
    rest keep their order."""
    if len(chosen) < 2:
        return list(chosen)
    ordered = sorted(chosen, key=lambda c: (c.doc_id, c.sentence))
    runs: list[list[Candidate]] = [[ordered[0]]]
    for candidate in ordered[1:]:
        run = runs[-1]
        if _bridges(snap, run[-1], candidate) and _held(
            candidate.doc_id, run[0].start, candidate.end, passages
        ):
            run.append(candidate)
        else:
            runs.append([candidate])
    quote_of = {}
    for run in runs:
        quote = run[0] if len(run) == 1 else _spanning(snap, run[0], run[-1], run)
        quote_of.update({id(c): quote for c in run})
    out: list[Candidate] = []
    for candidate in chosen:
        quote = quote_of[id(candidate)]
        if all(q is not quote for q in out):
            out.append(quote)
    return out


def with_antecedent(snap: Snapshot, candidate: Candidate, passages: list[Hit]) -> Candidate:
    """``candidate`` quoted from the sentence before it when it opens pointing back to it (因此, 此战,
    赛后 …) and the retrieved passages hold both; otherwise unchanged."""
    if candidate.sentence <= 0 or not opens_pointing_back(candidate.text):
        return candidate
    doc = snap.document(candidate.doc_id)
    start = doc.sentences[candidate.sentence - 1][0]
    if not _held(candidate.doc_id, start, candidate.end, passages):
        return candidate
    return _over(snap, candidate, candidate.sentence - 1, candidate.sentence + candidate.sentences - 1)


def whole_sentences(snap: Snapshot, candidate: Candidate, passages: list[Hit]) -> Candidate:
    """``candidate`` grown to whole sentences: forward while it ends at a semicolon or a colon, back
    while the sentence before it ends at a semicolon, as far as the retrieved passages hold."""
    if candidate.sentence < 0:
        return candidate
    doc = snap.document(candidate.doc_id)
    first, last = candidate.sentence, candidate.sentence + candidate.sentences - 1

    def ends(index: int, pattern: re.Pattern[str]) -> bool:
        start, end = doc.sentences[index]
        return bool(pattern.search(doc.text[start:end]))

    while last + 1 < len(doc.sentences) and ends(last, _GOES_ON):
        if not _held(candidate.doc_id, doc.sentences[first][0], doc.sentences[last + 1][1], passages):
            break
        last += 1
    while first > 0 and ends(first - 1, _CLAUSE_END):
        if not _held(candidate.doc_id, doc.sentences[first - 1][0], doc.sentences[last][1], passages):
            break
        first -= 1
    if (first, last) == (candidate.sentence, candidate.sentence + candidate.sentences - 1):
        return candidate
    return _over(snap, candidate, first, last)


def with_context(
    snap: Snapshot, candidate: Candidate, passages: list[Hit], before: int = 0, after: int = 0
) -> Candidate:
    """``candidate`` quoted from up to ``before`` sentences before it on through up to ``after``
    sentences after it, each side as far as every sentence can stand as a claim (no heading) and
    the retrieved passages hold them all."""
    if candidate.sentence < 0 or before + after <= 0:
        return candidate
    doc = snap.document(candidate.doc_id)
    first, last = candidate.sentence, candidate.sentence + candidate.sentences - 1

    def joins(index: int, start: int, end: int) -> bool:
        return _held(candidate.doc_id, start, end, passages) and _claimable_sentence(doc, index)

    for index in range(last + 1, min(last + 1 + after, len(doc.sentences))):
        if not joins(index, doc.sentences[first][0], doc.sentences[index][1]):
            break
        last = index
    for index in range(first - 1, max(first - 1 - before, -1), -1):
        if not joins(index, doc.sentences[index][0], doc.sentences[last][1]):
            break
        first = index
    unchanged = (first, last) == (candidate.sentence, candidate.sentence + candidate.sentences - 1)
    return candidate if unchanged else _over(snap, candidate, first, last)


def _touch(snap: Snapshot, a: Candidate, b: Candidate) -> bool:
    """Whether two quotes of one document overlap or follow each other directly or one sentence apart
    (as :func:`join_adjacent` joins chosen sentences: :func:`_bridges`)."""
    if a.doc_id != b.doc_id:
        return False
    return (a.start < b.end and b.start < a.end) or _bridges(snap, a, b) or _bridges(snap, b, a)


def _merge_touching(snap: Snapshot, quotes: list[Candidate], passages: list[Hit]) -> list[Candidate]:
    """``quotes`` with any two that overlap, meet or stand one sentence apart (one grew over or up to
    the other) made one, in the place of the earlier, as chosen sentences are (:func:`join_adjacent`);
    a union the retrieved passages do not hold keeps the earlier quote alone."""
    merged: list[Candidate] = []
    for quote in quotes:
        at = next((i for i, m in enumerate(merged) if _touch(snap, m, quote)), None)
        if at is None:
            merged.append(quote)
            continue
        other = merged[at]
        first, last = (other, quote) if other.start <= quote.start else (quote, other)
        end_quote = last if last.end >= first.end else first
        if _held(quote.doc_id, first.start, end_quote.end, passages):
            merged[at] = _spanning(snap, first, end_quote, [other, quote])
    return merged


def as_quotes(
    snap: Snapshot,
    chosen: list[Candidate],
    passages: list[Hit],
    max_quotes: int = MAX_QUOTES,
    following: int = 0,
    preceding: int = 0,
) -> list[Candidate]:
    """The chosen sentences as the quotes an answer shows (:func:`join_adjacent`, then
    :func:`with_antecedent` and :func:`whole_sentences`; the first quote takes along ``preceding``
    sentences before it and ``following`` after it): the first choice's quote first, then up to
    ``max_quotes - 1`` of the others (the most probable), in reading order; quotes that grew over or
    up to each other are one."""
    quotes = [
        whole_sentences(snap, with_antecedent(snap, q, passages), passages)
        for q in join_adjacent(snap, chosen, passages)
    ]
    if quotes and (following or preceding):  # whole sentences around the first quote's whole sentences
        grown = with_context(snap, quotes[0], passages, before=preceding, after=following)
        quotes[0] = whole_sentences(snap, grown, passages)
    quotes = _merge_touching(snap, quotes, passages)
    rest = sorted(quotes[1:], key=lambda c: -c.score)[: max(max_quotes - 1, 0)]
    return quotes[:1] + sorted(rest, key=lambda c: (c.passage_rank, c.doc_id, c.start))
