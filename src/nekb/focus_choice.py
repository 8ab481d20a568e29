"""Which span of a claim answers its question (the claim's *focus*, shown in bold).

Among the spans :func:`answer_type.answer_spans` allows, the preferred tag kind wins. For a figure,
one in the unit the question counts in comes first (多少项 wants 58项, not 58个; 多长 a length; 占比 a
percentage; 贷款 an amount of money; 第几 an ordinal), labels that merely look like figures last
(第七次, the 2010 of 2010-2020年, 2019届, a list's "3."), and of figures listed after 分别
(respectively) the one in the place of the item the question names (东部、中部、西部和东北地区……
分别为12.01%、9.99%、9.74%和8.58% gives 东北地区 8.58%), and one whose clause gives other years than the
question's after the rest (2015年……增速 for 2016年的增速). Then the span whose own clause holds most
of the question's words, weighted by their rarity and by how close they stand to it, wins: an answer
sits beside what it is about (而黑龙江农村人口减少35.5% for 黑龙江农村人口减少的幅度, not the national
21.6% before it). A question word counts more the closer it stands to what asks (转移支付累计有多少:
累计 before 中央).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .answer_type import ASKS_FIGURE, anchor_spans, answer_spans, asking_at, wanted_tags
from .sentence_tags import FIGURE, UNITS, Span

_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?\n]")
_COUNTED = re.compile(rf"(?:多少|几|幾)\s*[万亿千百]*\s*({UNITS})")
_RATE_WORDS = re.compile(
    r"比例|比重|占比|百分比|比率|份额|幅度|增速|增幅|降幅|率|percentage|proportion|\bshare\b|\brate\b"
)
_MONEY_WORDS = re.compile(
    r"钱|资金|贷款|投资|收入|支出|预算|经费|金额|补贴|工资|薪|价格|费用|成本|利润|产值|生产总值|gdp"
    r"|营收|总额|资产|债务|支付|money|cost|spend|invest|income|revenue|budget|price"
)
_RATE = re.compile(r"[%％‰]|百分之|百分点|\d\s*成$")
_MONEY = re.compile(r"[元圆]$|亿$")
_YEAR_LIKE = re.compile(r"(1[0-9]|20|21)\d\d")
_RANGE_NEXT = re.compile(r"\s*[-—–~～至到]\s*\d")
_LIST_MARK_NEXT = re.compile(r"[.．、)）]\s")
_RATIO_SIDE = re.compile(r"\d\s*[:：]\s*\d")
_BARE = re.compile(r"\d+(?:[.,]\d+)*")
_RESPECTIVELY = re.compile(r"分别|各自")
_ITEM_BREAK = re.compile(r"以及|[、和与及跟]")
_ORDINAL_ASK = re.compile(r"第[几幾]")
_YEAR = re.compile(rf"(?<!\d)(1[5-9]\d\d|20\d\d)(?=\s*年|{_RANGE_NEXT.pattern})")
# What a question measures, and the units that measure it (general Chinese, first match wins).
_DIMENSIONS = (
    (re.compile(r"面积|占地"), ("平方公里", "平方千米", "平方米", "公顷", "亩", "km2", "m2")),
    (
        re.compile(r"多长(?!时间)|长度|全长|多高|高度|身高|海拔|多远|距离|多深|深度|多宽|宽度"),
        ("公里", "千米", "米", "英里", "英尺", "英寸", "海里", "km", "cm", "mm", "m"),
    ),
    (re.compile(r"多重|重量|体重"), ("公斤", "千克", "克", "吨", "斤", "kg", "mg")),
)
ASKED_RATE, ASKED_MONEY, ASKED_ORDINAL = "rate", "money", "ordinal"
_NEAR = 8.0  # characters over which a word's pull halves, in the sentence and in the question
_OTHER_CLAUSE = 0.5  # weight of a question word outside the clause that asks (or not in its text)


def asked_units(question_form: str) -> tuple[str, ...]:
    """What a figure question counts in: ``ordinal`` (第几), its measure words (项, 座, 倍, 人…), the
    units of what it measures (多长: 米, 公里…; 面积: 平方公里…), else ``rate`` or ``money``."""
    if _ORDINAL_ASK.search(question_form):
        return (ASKED_ORDINAL,)
    counted = tuple(m.group(1) for m in _COUNTED.finditer(question_form))
    if counted:
        return counted
    for asks, units in _DIMENSIONS:
        if asks.search(question_form):
            return units
    if _RATE_WORDS.search(question_form):
        return (ASKED_RATE,)
    return (ASKED_MONEY,) if _MONEY_WORDS.search(question_form) else ()


def gives_unit(figure: str, units: Sequence[str]) -> bool:
    """Whether the figure text is in one of the units the question asks for."""
    figure = figure.rstrip().lower()  # 182CM is in cm
    for unit in units:
        if unit == ASKED_RATE and _RATE.search(figure):
            return True
        if unit == ASKED_MONEY and _MONEY.search(figure):
            return True
        if unit == ASKED_ORDINAL and figure.startswith("第"):
            return True
        if unit not in (ASKED_RATE, ASKED_MONEY, ASKED_ORDINAL) and figure.endswith(unit):
            return True
    return False


def is_label(text: str, start: int, end: int) -> bool:
    """Whether the figure ``text[start:end]`` names rather than counts: an ordinal (第七次), a bare year
    (the 2010 of 2010-2020年, 2019届), a list number ("3. "), one side of a ratio (1:2.9)."""
    figure = text[start:end].strip()
    if figure.startswith("第"):
        return True
    digits = figure.rstrip("届级年")
    if _YEAR_LIKE.fullmatch(digits) and (digits != figure or _RANGE_NEXT.match(text, end)):
        return True
    if not _BARE.fullmatch(figure):
        return False
    if _RATIO_SIDE.search(text, max(start - 2, 0), min(end + 2, len(text))):
        return True
    return bool(_LIST_MARK_NEXT.match(text, end)) and (start == 0 or text[start - 1] in "\n \u3000")


def clause_around(form: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause of ``form`` around ``start:end`` (between commas, full stops, lines)."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(form, 0, start)]
    after = _CLAUSE_BREAK.search(form, end)
    return (before[-1] if before else 0), (after.start() if after else len(form))


def cue_weights(question_form: str, kind: str, words: Sequence[str], idf: Sequence[float]) -> list[float]:
    """Each question word's weight as a cue: its rarity, less the farther it stands from what asks
    and halved outside the question's asking clause (or when the question's text lacks it)."""
    asking = asking_at(question_form, kind)
    if asking is None:
        return [float(w) * _OTHER_CLAUSE for w in idf]
    lo, hi = clause_around(question_form, *asking)
    weights = []
    for word, weight in zip(words, idf, strict=True):
        where = question_form.find(word)
        if where < 0:
            weights.append(float(weight) * _OTHER_CLAUSE)
            continue
        gap = max(asking[0] - (where + len(word)), where - asking[1], 0)
        inside = 1.0 if lo <= where < hi else _OTHER_CLAUSE
        weights.append(float(weight) * inside / (1.0 + gap / _NEAR))
    return weights


def cue_score(form: str, start: int, end: int, cues: Sequence[tuple[str, float]]) -> float:
    """How strongly the question's words (with weights) in the span's clause point at the span."""
    lo, hi = clause_around(form, start, end)
    score = 0.0
    for word, weight in cues:
        if len(word) < 2 and not word.isdigit():
            continue
        pull, at = 0.0, form.find(word, lo, hi)
        while at >= 0:
            if at >= end or at + len(word) <= start:
                gap = max(start - (at + len(word)), at - end, 0)
                pull = max(pull, 1.0 / (1.0 + gap / _NEAR))
            at = form.find(word, at + 1, hi)
        score += weight * pull
    return score


def respective_misfits(form: str, figures: Sequence[Span], cues: Sequence[tuple[str, float]]) -> set[Span]:
    """Figures listed after 分别 in a clause that lists as many items before it (or after an earlier
    list of as many), but not in the place of the item the question's words name: all of them when it
    names none (合计减少了多少 is not answered by one province's figure), none when no one item is named
    more than the rest."""
    misfits: set[Span] = set()
    earlier: list[str] = []  # the items of the last list: 2016年三省增速分别为…… lists them again
    for said in _RESPECTIVELY.finditer(form):
        lo, hi = clause_around(form, said.start(), said.end())
        listed = sorted(f for f in figures if said.end() <= f[0] and f[1] <= hi)
        items = _ITEM_BREAK.split(form[lo : said.start()])
        if len(listed) < 2:
            continue
        if len(items) >= len(listed):
            items = items[-len(listed) :]
            # The first item may carry the clause's opening words, the last the predicate all share.
            width = max((len(i) for i in items[1:-1]), default=2) + 2
            items[0], items[-1] = items[0][-width:], items[-1][:width]
            earlier = items
        elif len(earlier) == len(listed):
            items = earlier
        else:
            continue
        named = [sum(w for word, w in cues if word in item) for item in items]
        best = max(named)
        if best == 0:  # the question names none of them: a total or another figure answers it
            misfits |= set(listed)
        elif named.count(best) == 1:
            misfits |= {f for f, n in zip(listed, named, strict=True) if n != best}
    return misfits


def asked_years(question_form: str) -> frozenset[str]:
    """The years a question names (2016 of 2016年辽宁的增速)."""
    return frozenset(_YEAR.findall(question_form))


def other_years(form: str, start: int, end: int, asked: frozenset[str]) -> bool:
    """Whether the clause around ``start:end`` dates itself, and only to years other than the question's
    ``asked`` years (:func:`asked_years`; a 2015 figure for a question about 2016)."""
    lo, hi = clause_around(form, start, end)
    said = set(_YEAR.findall(form, lo, hi))
    return bool(asked) and bool(said) and not asked & said


def focus_span(
    tags: Sequence[Span],
    kind: str,
    text: str,
    question_form: str,
    cues: Sequence[tuple[str, float]],
    fold: Callable[[str], str] = str.lower,
) -> tuple[int, int] | None:
    """The one span of a sentence that answers the question, in sentence offsets (None if none fits).

    ``cues`` are the question's words in search form with their weights (:func:`cue_weights`).
    """
    candidates = answer_spans(tags, kind, text, question_form, fold)
    if not candidates:
        return None
    wanted = wanted_tags(kind)
    form = fold(text)
    if len(form) != len(text):  # offsets would not line up: no cues, no clauses
        form, cues = text, ()
    units = asked_units(question_form) if kind == ASKS_FIGURE else ()
    years = asked_years(question_form)
    misfits = respective_misfits(form, [s for s in candidates if s[2] == FIGURE], cues)

    def tier(span: Span) -> int:
        if span[2] != FIGURE:
            return 1
        gives = gives_unit(form[span[0] : span[1]], units)
        if gives and ASKED_ORDINAL in units:  # 第几名: the ordinal is the answer, not a label
            return 0
        if is_label(text, span[0], span[1]):
            return 3
        dated_otherwise = other_years(form, span[0], span[1], years)
        return (0 if gives else 1) + (span in misfits or dated_otherwise)

    anchors = anchor_spans(form, [word for word, _ in cues])

    def distance(span: Span) -> int:
        if not anchors:
            return span[0]
        return min(max(a - span[1], span[0] - b, 0) for a, b in anchors)

    best = min(
        candidates,
        key=lambda s: (wanted.index(s[2]), tier(s), -cue_score(form, s[0], s[1], cues), distance(s), s[0]),
    )
    return best[0], best[1]
