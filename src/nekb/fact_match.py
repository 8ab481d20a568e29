"""How well a fact a sentence states matches what a figure question asks: indicator, entity and period.

A sentence can hold the question's words and a figure yet state the figure of something else
(吉林省2024年人口减少22.1万人 for 吉林省2024年净流出的人口有多少). The fact table already says what each
figure measures, of what and when (吉林 · 净流出 · 2024 · 10.8万人), so the ranker can read how much of
the question a fact's own description answers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from .english import has_han
from .periods import find_periods, first_year, last_year
from .types import Fact

# A named entity counts as named when the question holds this share of its characters in one run
# (吉林 in 吉林省, 吉林省 in 吉林), not when it merely shares a character or two of a longer name.
ENTITY_SHARE = 0.6
# What a fact loses for an entity the question does not name or a period it does not ask about: it
# may still be the answer (the entity left implicit), but less likely than one that agrees.
MISMATCH = 0.5
_BARE_YEAR = re.compile(r"(?<![\d.])((?:1\d|20)\d{2})(?![\d.])")


@dataclass(frozen=True)
class AskedFigure:
    """A figure question's text (search form, no spaces) and the years it asks about, if any; for an
    English question, its Chinese translations one by one (``pieces``, in search form as ``text`` is)."""

    text: str
    years: tuple[tuple[int, int], ...]
    pieces: tuple[str, ...] = ()


def asked_figure(form: str, words: str) -> AskedFigure:
    """From a question's search form, the year ranges its periods name (七普 → 2020; in English a bare
    year), and ``words`` (its text, or an English question's Chinese translations, space-separated)
    without spaces."""
    spans = []
    for mention in find_periods(form, None, ""):
        first, last = first_year(mention.label), last_year(mention.label)
        if not mention.is_base and first is not None and last is not None:
            spans.append((first, last))
    english = not has_han(form)
    if not spans and english:
        spans = [(int(y), int(y)) for y in _BARE_YEAR.findall(form)]
    return AskedFigure(words.replace(" ", ""), tuple(spans), tuple(words.split()) if english else ())


def fact_match(fact: Fact, asked: AskedFigure, fold: Callable[[str], str]) -> float:
    """How much of the fact's indicator the question holds (:func:`_bigram_share`), halved when the
    question names another entity than the fact's or a period the fact's does not overlap."""
    indicator = fold(fact.indicator).replace(" ", "")
    if asked.pieces:
        share = _bigram_share(indicator, asked.text, _covered(indicator, asked.pieces))
    else:
        share = _bigram_share(indicator, asked.text)
    if share == 0.0:
        return 0.0
    entity = fold(fact.entity).replace(" ", "")
    if entity and _longest_common(entity, asked.text) < ENTITY_SHARE * len(entity):
        share *= MISMATCH
    if asked.years and not _overlaps(fact.period, asked.years):
        share *= MISMATCH
    return share


def _bigram_share(part: str, text: str, covered: list[bool] | None = None) -> float:
    """Share of ``part``'s character bigrams (its character, when one long) found in ``text``, counted
    with one bigram more than it has: a short indicator matched whole (减少) is weaker evidence than a
    longer one (自然减少), which says more precisely what was measured.

    With ``covered`` (per character of ``part``, whether a word of the question holds it), a bigram is
    found when both its characters are covered instead: an English question's translations stand in
    English word order (natural population decrease: 自然 人口 减少), so 自然减少 is all there though
    its middle bigram 然减 is in no run of them.
    """
    grams = [part[i : i + 2] for i in range(len(part) - 1)] or ([part] if part else [])
    if not grams:
        return 0.0
    if covered is None:
        return sum(g in text for g in grams) / (len(grams) + 1)
    spans = [covered[i : i + 2] for i in range(len(part) - 1)] or [covered]
    return sum(all(span) for span in spans) / (len(grams) + 1)


def _covered(part: str, words: tuple[str, ...]) -> list[bool]:
    """For each character of ``part``, whether one of ``words`` occurs in ``part`` over it."""
    covered = [False] * len(part)
    for word in words:
        for match in re.finditer(re.escape(word), part) if word else ():
            covered[match.start() : match.end()] = [True] * len(word)
    return covered


def _longest_common(a: str, b: str) -> int:
    """Length of the longest run of characters ``a`` and ``b`` share."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def _overlaps(period: str, years: tuple[tuple[int, int], ...]) -> bool:
    first, last = first_year(period), last_year(period)
    if first is None or last is None:
        return False
    return any(first <= b and a <= last for a, b in years)
