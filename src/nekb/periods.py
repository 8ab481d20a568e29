"""Periods: the years (or months) a figure refers to, read from its sentence or its context.

A period is written ``"2024"``, ``"2010-2020"`` or ``"2024-03"``. In a sentence it is an explicit
year, range or month (``2010~2020年间``, ``2024年3月``, ``截至2023年底``), or a relative expression
resolved from the context or the document date: 今年/去年/前年/明年 (the document's year), 当年
and 同期 (the period in force), 七普 or 第七次人口普查 (2020, the census year), ``N年来``,
``N年间``, ``过去N年`` (the N years up to the period in force or the document's year). 目前, 现在
and the like say "now", which no year fixes: they clear the period.

A year after 较/比/与/同/相比 is a base of comparison, not the period; a figure that changes
from a base year to a stated year covers both (``2022年…较2015年下降15%`` -> ``2015-2022``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_YEAR = r"(?:1\d|20)\d{2}"
_S = r"[ \t\u3000]*"
_CN = "一二两三四五六七八九十"
_CENSUS_YEARS = {"一": 1953, "二": 1964, "三": 1982, "四": 1990, "五": 2000, "六": 2010, "七": 2020}
_PERIOD_RE = re.compile(
    # 2010-2020年(间) / 从2014年到2024年 / 2003~2022年之间
    rf"(?<![\d.])(?P<y1>{_YEAR}){_S}年?{_S}(?:\d{{1,2}}{_S}月)?{_S}[-—–~至到]{_S}(?P<y2>{_YEAR})(?!\d)(?:{_S}年)?"
    # 1988-89 / 2010/11年: a season across two years
    rf"|(?<![\d.])(?P<s1>{_YEAR}){_S}[-/]{_S}(?P<s2>\d{{2}})(?![\d.%])(?:{_S}年)?"
    # 2024年3月 / 2024年
    rf"|(?<![\d.])(?P<y>{_YEAR}){_S}(?:年(?!代)(?:{_S}(?P<m>1[0-2]|0?[1-9]){_S}月(?!份?\d))?|届|年度)"
    # relative words
    r"|(?P<rel>今年|本年|当年|去年|上年|前年|明年|同期|当期|目前|现在|如今|当前|现阶段|现有|近年来|近年)"
    rf"|(?P<census>(?:第(?P<nth>[{_CN}])次(?:全国)?人口普查|(?P<short>[{_CN}])普(?![通遍及惠])))"
    # 10年间 / 二十年来 / 过去四年 / 近十年
    rf"|(?P<dur>(?:过去|近|最近){_S}(?P<n1>\d+|[{_CN}]+){_S}(?P<a1>多|余)?年(?!代|级|龄)"
    rf"|(?P<n2>\d+|[{_CN}]+){_S}(?P<a2>多|余)?年(?:来|间|以来|之间))"
)
_BASE_BEFORE = ("较", "比", "与", "同", "相比", "相较", "对比", "比较")
_NOW_WORDS = frozenset(("目前", "现在", "如今", "当前", "现阶段", "现有", "近年来", "近年"))
# Words saying the year is the state of data, not the date of an event (截至2015年, 2024年统计公报).
# Words of a sentence about measured quantities: its year is the period of what follows.
_MEASURE_WORDS = re.compile(
    r"人口|减少|增长|下降|增加|流失|流出|流入|规模|总量|占比|比重|增速|比例|总额|收入|产值|生产总值"
)
_DATA_WORDS = re.compile(r"截至|截止|年底|年末|全年|普查|统计|数据|公报|调查|监测|同比|比上年|年均")


@dataclass(frozen=True)
class PeriodMention:
    """A period expression in a normalized sentence."""

    start: int
    end: int
    label: str  # "2024", "2010-2020", "2024-03"; "" when nothing fixes it (or it says "now")
    is_base: bool  # 较2015年: the base of a comparison
    is_now: bool  # 目前 / 现在: clears the period


def document_year(date: str) -> int | None:
    """The year of a document date such as ``2023-11-01`` or ``2025`` (None when there is none)."""
    m = re.match(rf"\s*({_YEAR})", date or "")
    return int(m[1]) if m else None


def find_periods(s: str, doc_year: int | None, context: str) -> list[PeriodMention]:
    """Period expressions of the normalized sentence ``s``, in order, each resolved.

    ``context`` is the period in force before the sentence (for 当年, 同期, ``N年来``).
    """
    mentions: list[PeriodMention] = []
    for m in _PERIOD_RE.finditer(s):
        in_force = next((p.label for p in reversed(mentions) if p.label and not p.is_base), context)
        label, is_now = _resolve(m, doc_year, in_force)
        lead = s[max(0, m.start() - 2) : m.start()]
        is_base = bool(
            m["y"] or m["y1"] or m["s1"] or m["rel"] in ("上年", "去年", "同期")
        ) and lead.endswith(_BASE_BEFORE)
        mentions.append(PeriodMention(m.start(), m.end(), label, is_base, is_now))
    return mentions


def _resolve(m: re.Match[str], doc_year: int | None, in_force: str) -> tuple[str, bool]:
    """(label, is_now) of one matched expression."""
    if m["y1"]:
        return _span(int(m["y1"]), int(m["y2"])), False
    if m["s1"]:
        first = int(m["s1"])
        return _span(first, first // 100 * 100 + int(m["s2"])), False
    if m["y"]:
        return (f"{m['y']}-{int(m['m']):02d}" if m["m"] else m["y"]), False
    if m["census"]:
        return str(_CENSUS_YEARS[m["nth"] or m["short"]]), False
    if m["dur"]:
        if m["a1"] or m["a2"]:
            return "", False  # 十多年间: no year fixes an approximate span
        years = _count(m["n1"] or m["n2"])
        end = last_year(in_force) or doc_year
        return (_span(end - years, end) if years and end else ""), False
    word = m["rel"]
    if word in _NOW_WORDS:
        return "", True
    if word in ("当年", "同期", "当期"):
        return in_force, False
    offsets = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
    return (str(doc_year + offsets[word]) if doc_year else ""), False


def _span(first: int, last: int) -> str:
    return f"{first}-{last}" if first != last else str(first)


def _count(text: str) -> int:
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return digits.get(tens, 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text, 0)


def last_year(period: str) -> int | None:
    """The last year of a period label (``2010-2020`` -> 2020)."""
    years = re.findall(r"\d{4}", period)
    return int(years[-1]) if years else None


def first_year(period: str) -> int | None:
    """The first year of a period label (``2010-2020`` -> 2010)."""
    years = re.findall(r"\d{4}", period)
    return int(years[0]) if years else None


def period_before(mentions: list[PeriodMention], position: int, clause_start: int) -> str | None:
    """The period of a figure at ``position``: the nearest period before it in its sentence.

    A change from a base year in the figure's clause to a stated year covers both
    (``2022年…较2015年下降15%`` -> ``2015-2022``). None when the sentence states none before the
    figure (the caller then uses the context); ``""`` after 目前 and the like.
    """
    before = [p for p in mentions if p.start < position]
    stated = [p for p in before if not p.is_base]
    if not stated:
        return None
    current = stated[-1]
    if current.is_now:
        return ""
    base = next(
        (p for p in reversed(before) if p.is_base and p.start >= max(clause_start, current.start)), None
    )
    base_year, current_year = first_year(base.label) if base else None, first_year(current.label)
    if base_year and current_year and base_year < current_year and "-" not in current.label:
        return f"{base_year}-{current_year}"
    return current.label


def is_data_period(s: str, mention: PeriodMention) -> bool:
    """Whether a year states when data hold (截至2015年, 2024年统计公报, 2024年人口减少呈现…)
    rather than when something happened (1879年建城)."""
    window = s[max(0, mention.start - 4) : mention.end + 6]
    if _DATA_WORDS.search(window):
        return True
    dated = s[max(0, mention.start - 2) : mention.start].endswith(("在", "于", "自", "到"))
    return not dated and bool(_MEASURE_WORDS.search(s))  # 辽宁在2011年就出现了…: an event
