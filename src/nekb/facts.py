"""Quantitative facts from Chinese text: figures with the entity, indicator and period they are about.

A fact is a number with a unit in one sentence (``quantities.py``), plus

* the **entity**: the subject of the clause stating it, from jieba part-of-speech tags
  (mentions in ``entities.py``, the choice among them in ``subjects.py``): the first name or
  group noun phrase before the clause's verb, or the place a figure in brackets or right after
  低于/仅次于 belongs to; entities listed before 分别 pair with the
  figures in order and a total (合计…) goes to the list; 以X为例 names X. A clause naming none
  takes the subject of the clause before, then of the sentence before in its paragraph (该院, 其
  and 市内 refer to it too), then its section heading's, then the document's subject (its title,
  or the short name after 简称);
* the **period**: from the sentence, else the period in force in its paragraph, list or section
  (``periods.py``; relative words resolved with the document date);
* the **indicator**: the measured noun phrase (``indicators.py``).

Matching runs on a Simplified, half-width copy of each sentence of the same length as the
original, so offsets found there are offsets into the original text; entities and indicators
are Simplified even when the text is Traditional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import jieba
from opencc import OpenCC

from . import gazetteer as gz
from .entities import DocumentSubject, EntityTagger, Mention, Token, find_mentions, first_verb, source_spans
from .indicators import Previous, indicator_for
from .periods import PeriodMention, document_year, find_periods, is_data_period, period_before
from .quantities import RATIO_UNIT, Quantity, find_quantities, not_figure_spans, plain_form
from .subjects import (
    Context,
    clause_subject,
    enumerated,
    in_parens,
    keep_in_indicator,
    outside,
    positional_entity,
    resolve,
    subject_mention,
)
from .types import DocumentInfo, Fact, page_at

__all__ = ["RATIO_UNIT", "FactExtractor", "extract_facts"]

_CLAUSE_END = ",;:!?。"
_CLAUSE_END_RE = re.compile(r"[,;:!?。]|——")
_NATIONWIDE = ("全国", "全球", "世界", "国家", "中国", "我国")
_HEADING_CHARS = 40
# A line that is an item of a list: 黑龙江:…, - …, 1. …, (二)…
_LIST_ITEM_RE = re.compile(
    r"\s*(?:[^\s,;:!?。，；：]{1,12}[:：]|[-•·*]|\d+[.、)]|[(（]?[一二三四五六七八九十\d]+[)）、])"
)


@dataclass
class _State:
    """What one sentence passes on to the next (mutable while a document is read)."""

    subject: str = ""  # the document's subject
    topic: str = ""  # the subject sentences naming none inherit
    period: str = ""  # the period in force
    section_topic: str = ""
    section_period: str = ""
    list_topic: str | None = None  # set after a line ending in ':' that introduces a list
    list_period: str = ""
    indicators: dict[str, str] = field(default_factory=dict)  # unit -> indicator, for bare figures

    @property
    def context(self) -> Context:
        """What anaphors refer to now."""
        return Context(self.topic, self.subject)


class FactExtractor:
    """Extracts facts document by document; owns the OpenCC converter and the POS tagger.

    Build one per extraction run and reuse it: the tagger loads jieba's tag dictionary (about a
    quarter of a second), lazily on first use. ``tokenizer`` is a jieba Tokenizer to tag with (the
    segmenter's, so its user dictionary applies); without one the extractor makes its own.
    """

    def __init__(self, tokenizer: jieba.Tokenizer | None = None) -> None:
        self._converter = OpenCC("t2s")
        self._tokenizer = tokenizer
        self._tagger: EntityTagger | None = None

    @property
    def tagger(self) -> EntityTagger:
        """The part-of-speech tagger, built on first use."""
        if self._tagger is None:
            self._tagger = EntityTagger(self._tokenizer or jieba.Tokenizer())
        return self._tagger

    def extract(
        self,
        doc_id: str,
        text: str,
        sentence_spans: list[tuple[int, int]],
        page_starts: tuple[int, ...] = (),
        info: DocumentInfo | None = None,
    ) -> list[Fact]:
        """Return the quantitative facts stated in ``text``, sentence by sentence.

        ``sentence_spans`` are ``(start, end)`` offsets of the sentences of ``text``; each fact
        quotes its sentence verbatim (``sentence == text[start:end]``) and gets the page of
        ``start``. ``info`` gives the title (the fallback subject) and the date (for 今年, 去年).
        ``fact_id`` is ``"{doc_id}#{start}-{n}"`` for the n-th fact of the sentence at ``start``.
        """
        doc_year = document_year(info.date) if info else None
        subject = self._subject(info, doc_id, text)
        state = _State(subject=subject.name, topic=subject.name)
        facts: list[Fact] = []
        previous_end = 0
        previous_plain = ""
        for start, end in sentence_spans:
            sentence = text[start:end]
            plain = plain_form(self._converter, sentence)
            if "\n" in text[previous_end:start] or not previous_end:
                self._new_paragraph(state, subject, previous_plain, text, start)
            heading = _is_heading(text, start, end, plain)
            drafts = self._sentence_facts(plain, state, subject, doc_year, heading)
            previous_end, previous_plain = end, plain
            page = page_at(page_starts, start)
            for n, (entity, indicator, period, q) in enumerate(drafts):
                facts.append(
                    Fact(
                        fact_id=f"{doc_id}#{start}-{n}",
                        entity=entity,
                        indicator=indicator,
                        period=period,
                        value=q.value,
                        unit=q.unit,
                        qualifier=q.qualifier,
                        doc_id=doc_id,
                        sentence=sentence,
                        start=start,
                        end=end,
                        page=page,
                    )
                )
        return facts

    # --- document and paragraph context ------------------------------------------------------

    def _subject(self, info: DocumentInfo | None, doc_id: str, text: str) -> DocumentSubject:
        """The document's subject from its title (sources.toml, else a title line, else the file name)."""
        title = info.title if info and info.title else doc_id
        first_line, _, rest = text.lstrip().partition("\n")
        title_line = rest.startswith("\n") and 0 < len(first_line.strip()) <= _HEADING_CHARS
        if title == doc_id and title_line and not re.search("[。:：]", first_line):
            title = first_line.strip()  # an article whose first line, set apart, is its title
        if not re.search("[\u4e00-\u9fff]", title):
            return DocumentSubject()  # report.pdf says nothing about what the document is about
        title = plain_form(self._converter, title)
        return self.tagger.subject_of(title, plain_form(self._converter, text[:300]))

    @staticmethod
    def _new_paragraph(state: _State, subject: DocumentSubject, previous: str, text: str, start: int) -> None:
        line = text[start : text.find("\n", start) if "\n" in text[start:] else len(text)]
        if previous.rstrip().endswith(":"):
            state.list_topic, state.list_period = state.topic, state.period  # a list follows
        elif state.list_topic is not None and _LIST_ITEM_RE.match(line):
            pass  # another item of the list
        else:
            state.list_topic = None
        if state.list_topic is not None:
            state.topic, state.period = state.list_topic, state.list_period
        else:
            state.topic = state.section_topic or subject.name
            state.period = state.section_period
        state.indicators = {}

    # --- one sentence ------------------------------------------------------------------------

    def _sentence_facts(
        self, s: str, state: _State, subject: DocumentSubject, doc_year: int | None, heading: bool
    ) -> list[tuple[str, str, str, Quantity]]:
        periods = find_periods(s, doc_year, state.period)
        blocked = [(p.start, p.end) for p in periods] + not_figure_spans(s)
        if (
            len(subject.title) >= 4 and subject.title in subject.surfaces
        ):  # a name: 男子100米, T-92 40毫米快砲
            blocked += [m.span() for m in re.finditer(re.escape(subject.title), s)]
        quantities = find_quantities(s, blocked)
        if not quantities:
            self._follow_context(s, state, subject, periods, heading, last_period=None)
            return []
        tokens = self.tagger.tokens(s)
        quantities = _aligned(quantities, tokens, s)
        every_mention = find_mentions(tokens, s, subject)
        sources = source_spans(s)
        mentions = outside(every_mention, sources)
        # What 全省/该市/其 may stand for in this sentence: a source's place or the sentence's subject.
        verb = first_verb(tokens, 0, len(s))
        referents = [m for m in every_mention if m.start < verb or any(a <= m.start < b for a, b in sources)]
        listed = enumerated(s, quantities, mentions)
        quantities = [q for q in quantities if q.unit or q.start in listed]
        inside = {i for q in quantities for i in range(q.start, q.end)}  # 1:1.3 holds no clause end
        clause_starts = [0] + [m.end() for m in _CLAUSE_END_RE.finditer(s) if m.start() not in inside]
        spans = [(m.start, m.end, keep_in_indicator(s, m)) for m in mentions]
        drafts: list[tuple[str, str, str, Quantity]] = []
        previous: Previous = None
        carried = ""  # the subject of the clauses so far
        for q in quantities:
            clause = max(c for c in clause_starts if c <= q.start)
            for c in [c for c in clause_starts if c < clause]:
                subject_here = clause_subject(
                    s, tokens, mentions, c, _next_start(clause_starts, c), state.context, sources=referents
                )
                carried = subject_here or carried
            after_previous = previous and previous[0].end > clause
            after_previous = after_previous and (in_parens(s, q.start) or not in_parens(s, previous[0].start))
            left = previous[0].end if after_previous else clause
            indicator = indicator_for(s, clause, left, q, previous, quantities, spans)
            entity = listed.get(q.start) or positional_entity(s, q, clause, mentions, state.context)
            own = clause_subject(
                s, tokens, mentions, clause, q.lead, state.context, figure=q, sources=referents
            )
            entity = entity or own or carried or state.topic
            carried = own or carried
            indicator = indicator or state.indicators.get(q.unit, "")
            period = _period_after(s, periods, q) or period_before(periods, q.start, clause)
            drafts.append((entity, indicator, state.period if period is None else period, q))
            previous = (q, indicator)
        for _, indicator, _, q in reversed(drafts):
            if indicator:
                state.indicators.setdefault(q.unit, indicator)
        last_period = drafts[-1][2] if drafts else None
        self._follow_context(
            s, state, subject, periods, heading, last_period, tokens=tokens, mentions=mentions
        )
        return drafts

    def _follow_context(
        self,
        s: str,
        state: _State,
        subject: DocumentSubject,
        periods: list[PeriodMention],
        heading: bool,
        last_period: str | None,
        tokens: list[Token] | None = None,
        mentions: list[Mention] | None = None,
    ) -> None:
        """Update the subject and period in force after sentence ``s``."""
        stated = [p for p in periods if not p.is_base]
        if last_period is not None:
            state.period = last_period  # the period of the sentence's last figure
        elif stated:
            last = stated[-1]  # a year in a sentence without figures: data (截至…) or an event
            state.period = last.label if is_data_period(s, last) and not last.is_now else ""
        if mentions is None:
            head = s[: _first_clause_end(s)]
            tokens = self.tagger.tokens(head, hmm=False)  # only its subject matters: the fast way
            mentions = outside(find_mentions(tokens, head, subject), source_spans(head))
        topic = ""
        for c in [0] + [m.end() for m in _CLAUSE_END_RE.finditer(s)]:
            found = subject_mention(s, tokens or [], mentions, c, _clause_end(s, c))
            opening = isinstance(found, Mention) and found.start == len(s) - len(s.lstrip())
            if isinstance(found, str) or (not found.anaphor and (found.named or opening)) or found.generic:
                topic = found if isinstance(found, str) else resolve(found, state.context)
            if found:
                break
        if heading:
            state.section_topic = topic if topic and topic not in _NATIONWIDE else ""
            state.section_period = state.period if stated else ""
            state.topic = state.section_topic or subject.name
        elif topic and topic not in _NATIONWIDE:
            state.topic = topic


# --- helpers ---------------------------------------------------------------------------------


def extract_facts(
    doc_id: str,
    text: str,
    sentence_spans: list[tuple[int, int]],
    page_starts: tuple[int, ...] = (),
    info: DocumentInfo | None = None,
    extractor: FactExtractor | None = None,
) -> list[Fact]:
    """Facts of one document (see :meth:`FactExtractor.extract`); pass ``extractor`` when extracting many."""
    return (extractor or FactExtractor()).extract(doc_id, text, sentence_spans, page_starts, info)


def _is_heading(text: str, start: int, end: int, plain: str) -> bool:
    """A line of its own that is a section heading (1.2 …, 一、…) or short and unpunctuated."""
    before = text[max(0, start - 1) : start]
    after = text[end : end + 1]
    alone = (not before or before == "\n") and (not after or after == "\n")
    if not alone or len(plain.strip()) > _HEADING_CHARS:
        return False
    return bool(gz.HEADING_RE.match(plain)) or not plain.rstrip().endswith(("。", "!", "?", ";"))


def _first_clause_end(s: str) -> int:
    return min([s.find(ch) for ch in _CLAUSE_END if ch in s] + [len(s), 40])


def _clause_end(s: str, c: int) -> int:
    ends = [i for i in range(c, len(s)) if s[i] in _CLAUSE_END]
    return ends[0] if ends else len(s)


def _next_start(starts: list[int], c: int) -> int:
    later = [x for x in starts if x > c]
    return later[0] if later else 10**9


def _period_after(s: str, periods: list[PeriodMention], q: Quantity) -> str:
    """人口约33,700人（2008年）: a year in brackets right after a figure dates it."""
    for p in periods:
        bracketed = s[q.end : p.start].strip() == "(" and s[p.end : p.end + 1] == ")"
        if p.label and not p.is_base and q.end <= p.start <= q.end + 2 and bracketed:
            return p.label
    return ""


def _aligned(quantities: list[Quantity], tokens: list[Token], s: str) -> list[Quantity]:
    """Chinese numerals that are words of their own: 七台河 is a city, not 7 台."""
    starts = {t.start for t in tokens}
    ends = {t.end for t in tokens}
    kept = []
    for q in quantities:
        chinese = not s[q.start].isdigit() and s[q.start] not in "-−"
        unit_end = q.end - len(q.qualifier) if s.endswith(q.qualifier, 0, q.end) and q.qualifier else q.end
        if chinese and (q.start not in starts or (unit_end not in ends and q.end not in ends)):
            continue
        kept.append(q)
    return kept
