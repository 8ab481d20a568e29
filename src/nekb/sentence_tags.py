"""Build-time tags of a sentence: the spans naming a person, place, organisation, time, figure or title.

Answer ranking asks whether a sentence holds the kind of thing a question asks for (谁 wants a person,
何时 a time, 多少 a figure), and the words that answer are shown in bold. Part-of-speech tagging is too
slow for query time, so every sentence is tagged once when it is indexed and its spans are stored.

Spans are ``(start, end, kind)`` with offsets into the sentence's own text (not its search form), so
they stay valid for the verbatim text a claim quotes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .gazetteer import LATIN_UNITS
from .normalize import SearchNormalizer
from .segment import Segmenter

PERSON, PLACE, ORG, TIME, FIGURE, TITLE, NAME = "per", "loc", "org", "time", "num", "title", "name"
KINDS = (PERSON, PLACE, ORG, TIME, FIGURE, TITLE, NAME)

Span = tuple[int, int, str]

_POS_KIND = {"nr": PERSON, "nrfg": PERSON, "nrt": PERSON, "ns": PLACE, "nt": ORG, "t": TIME, "nz": NAME}
# A date or era: 1792年5月17日, 5月17日, 19世纪, 80年代, 一九九二年 (号 only after a month: 68号 is
# an address).
_NUMERAL = r"[0-9零〇一二两三四五六七八九十百千]"
_TIME = re.compile(
    rf"(公元前?|西元前?)?{_NUMERAL}+\s*(年代|世纪|年|月|日)"
    rf"(\s*{_NUMERAL}+\s*(月|日|号))*(\s*[初末中底]|\s*[上下]半叶)?"
)
# Units and measure words of Chinese (general language, not any corpus's): what a figure counts.
UNITS = (
    "个百分点|百分点|平方公里|平方千米|平方米|立方米|公里|千米|厘米|毫米|公顷|公斤|千克|英里|英尺|英寸|海里|美元|欧元|英镑|日元|"
    "港元|人民币|分钟|小时|星期|个月|周年|年|岁|倍|元|角|米|克|吨|亩|度|天|周|秒|个|名|位|人|次|届|张|部|"
    "座|所|条|项|家|只|本|种|类|场|件|台|辆|架|艘|层|户|集|章|节|首|篇|款|枚|颗|株|头|匹|口|间|幅|册|卷|版|"
    "代|期|号|队|支|组|批|页|票|级|段|席|列|股|门|点|成|%|％|‰"
)
# The digits are taken whole (possessive): a number followed by letters is no figure, never its first
# digits (the 18 of 182X).
_FIGURE = re.compile(
    rf"(?<![A-Za-z0-9.])(第\s*)?(约|近|逾|超过|不到|将近)?(百分之{_NUMERAL}+(点{_NUMERAL}+)?"
    rf"|{_NUMERAL}++([.,]\d+)*+\s*(多|余)?\s*[万亿千百]*\s*({UNITS}|{LATIN_UNITS})?)(?![A-Za-z])"
)
_NUMERAL_START = re.compile(rf"\s*{_NUMERAL}")
_QUOTED = re.compile(r"《[^《》]{1,40}》|「[^「」]{1,30}」|“[^“”]{1,30}”|『[^『』]{1,30}』")
# Transliterated names joined by a middle dot (让-皮埃尔·巴利冈); parts stop at a function word.
_PART = r"[\u4e00-\u9fff](?:(?![是的在和与于为曾被将及])[\u4e00-\u9fff]){0,4}"
_DOTTED_NAME = re.compile(rf"{_PART}(?:-{_PART})?(?:[·・•‧]{_PART}(?:-{_PART})?)+")
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z0-9.&'-]*(?:\s+[A-Z][A-Za-z0-9.&'-]*)*")
# jieba flags a given name after a one-character surname often gets (明远/a, 华/n).
_GIVEN_NAME_FLAGS = {"a", "ag", "n", "ng", "nr", "nz", "an", "j", "b"}
_NOUN_FLAGS = {"n", "nz", "b", "j", "l", "an", "ng", "nrt"}
# Words that end an organisation's name (general Chinese, not any corpus's).
_ORG_SUFFIX = re.compile(
    r"(大学|学院|书院|中学|小学|学校|大学堂|公司|集团|银行|协会|学会|委员会|研究所|研究院|医院|政府|"
    r"报社|电视台|出版社|基金会|博物馆|图书馆|法院|俱乐部|球会|剧团|乐团|工厂|厂|系)$"
)


class SentenceTagger:
    """Tags sentences with jieba's part-of-speech tagger over the segmenter's own dictionary."""

    def __init__(self, segmenter: Segmenter, normalizer: SearchNormalizer) -> None:
        self.pos = segmenter.pos_tokenizer
        self.normalizer = normalizer

    def tag(self, text: str) -> list[Span]:
        """Spans of ``text`` naming a person, place, organisation, time, figure, quoted title or name."""
        form, offsets = search_form_with_offsets(text, self.normalizer)
        spans = [(start, end, kind) for start, end, kind in self._pos_spans(form)]
        spans += pattern_spans(form)
        return [(offsets[s], offsets[e - 1] + 1, kind) for s, e, kind in _resolve(spans, len(form))]

    def tag_all(self, texts: list[str]) -> list[list[Span]]:
        """:meth:`tag` over many sentences."""
        return [self.tag(t) for t in texts]

    def _pos_spans(self, form: str) -> Iterator[Span]:
        """Spans from part-of-speech tags, with three repairs of jieba's usual misses: a one-character
        surname and the given name after it (周/nr 明远/a), adjacent places (江苏省 无锡县) and a noun
        phrase ending in an organisation word (国立 交通 大学 土木系)."""
        words = [(pair.word, pair.flag) for pair in self.pos.cut(form)]
        starts = [0]
        for word, _ in words:
            starts.append(starts[-1] + len(word))
        spans: list[Span] = []
        for i, (word, flag) in enumerate(words):
            kind = _POS_KIND.get(flag)
            end = starts[i + 1]
            if kind == PERSON and len(word) == 1 and i + 1 < len(words):
                given, given_flag = words[i + 1]
                if 1 <= len(given) <= 2 and given_flag in _GIVEN_NAME_FLAGS:
                    end = starts[i + 2]
            # 近/过 before a number qualify a figure (近15%), they are not a time.
            qualifier = kind == TIME and len(word) == 1 and _NUMERAL_START.match(form, end) is not None
            if kind is not None and not qualifier and end - starts[i] >= (1 if kind == TIME else 2):
                spans.append((starts[i], end, kind))
            if _ORG_SUFFIX.search(word) and flag in _NOUN_FLAGS | {"nt"}:
                first = i
                while (
                    first > 0
                    and words[first - 1][1] in _NOUN_FLAGS | {"ns", "nt", "nz"}
                    and end - starts[first - 1] <= 14
                ):
                    first -= 1
                if end - starts[first] >= 3:
                    spans.append((starts[first], end, ORG))
        return _merge_adjacent(spans, kinds=(PLACE, ORG))


def pattern_spans(form: str) -> list[Span]:
    """Spans the patterns find: dates, figures with units, quoted titles and foreign names."""
    spans: list[Span] = []
    for match in _QUOTED.finditer(form):
        spans.append((match.start(), match.end(), TITLE))
    for match in _TIME.finditer(form):
        spans.append((match.start(), match.end(), TIME))
    spans += figure_spans(form)
    for match in _DOTTED_NAME.finditer(form):
        spans.append((match.start(), match.end(), PERSON))
    for match in _LATIN_NAME.finditer(form):
        if match.end() - match.start() >= 2:
            spans.append((match.start(), match.end(), NAME))
    return spans


def figure_spans(form: str) -> list[Span]:
    """The figures of ``form`` (search form): numbers with their units (15分钟, 近90%, 3个百分点)."""
    spans: list[Span] = []
    for match in _FIGURE.finditer(form):
        start, end = match.start(), len(match.group(0).rstrip()) + match.start()
        figure = form[start:end]
        # A bare Chinese numeral is a word (一些, 十分), and 一个/一种 are articles, not figures.
        if (
            any(ch.isdigit() for ch in figure)
            or "百分之" in figure
            or (
                figure[-1] not in "零〇一二两三四五六七八九十百千"
                and not (len(figure) == 2 and figure[0] == "一")
            )
        ):
            spans.append((start, end, FIGURE))
    return spans


def _merge_adjacent(spans: list[Span], kinds: tuple[str, ...]) -> list[Span]:
    """Join spans of one of ``kinds`` that touch and share the kind (江苏省 + 无锡县)."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span[2] in kinds and merged[-1][2] == span[2] and merged[-1][1] == span[0]:
            merged[-1] = (merged[-1][0], span[1], span[2])
        else:
            merged.append(span)
    return merged


# Which kind wins where two spans overlap: a date beats the figure inside it, a quoted title beats
# the names inside it, a dotted foreign name beats jieba's pieces of it.
_PRIORITY = {TITLE: 0, TIME: 1, PERSON: 2, ORG: 3, PLACE: 4, FIGURE: 5, NAME: 6}


def _resolve(spans: list[Span], length: int) -> list[Span]:
    """Non-overlapping spans: longer and higher-priority ones first, in text order."""
    taken = [False] * length
    kept: list[Span] = []
    for start, end, kind in sorted(spans, key=lambda s: (_PRIORITY[s[2]], -(s[1] - s[0]), s[0])):
        if end <= start or any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        kept.append((start, end, kind))
    return sorted(kept)


def search_form_with_offsets(text: str, normalizer: SearchNormalizer) -> tuple[str, list[int]]:
    """The search form of ``text`` and, for each position in it (and its end), the offset in ``text``.

    Usually the form has the same length (Traditional→Simplified maps character to character); when
    NFKC or a phrase conversion changes the length, each character is converted on its own instead.
    """
    form = normalizer.search_form(text)
    if len(form) == len(text):
        return form, list(range(len(text) + 1))
    parts, offsets = [], []
    for i, ch in enumerate(text):
        piece = normalizer.search_form(ch) if unicodedata.normalize("NFKC", ch) != "" else ch
        parts.append(piece)
        offsets.extend([i] * len(piece))
    offsets.append(len(text))
    return "".join(parts), offsets
