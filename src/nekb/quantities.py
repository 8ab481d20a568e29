"""Numbers with their units and qualifiers in one sentence, and the numbers that are no figures.

Matching runs on a Simplified, half-width copy of a sentence that has the same length as the
original (``plain_form``), so every offset found there is an offset into the original text.

Choices worth knowing:

* Ratios (``1:1.3``, ``100：92.2``) give one quantity, the second number, with unit ``"比值"``
  (``"%"`` for a base of 100); they need a base of 1 or 100 or 比 shortly before, so clock times
  such as ``13:34`` are not ratios.
* A range (``300万元至1000万元``, ``3~5年``) gives a quantity per end, and numbers in a run
  (``32553亿、28628亿、58847亿元``) share the last unit.
* Not figures: anything inside a period the caller blocks (years), dates (``10月27日``, ``9月份``),
  age brackets (``65岁及以上``), per-capita bases (``每10万人中``), section and citation numbers,
  ranks (``第三``, ``前10名``), generations (``90后``), durations that only place a period
  (``10年间``, ``近十年``), numbers inside 《titles》 and short quoted names, and a size naming the
  thing counted just before it (``1个400米田径场`` counts one field, not 400 m).
* Chinese numerals count with two or more characters and a fitting unit (``三十三万人``), as
  ``百分之十五``, or as one character before a counter (``两个校区``, ``四份文件``); 一 is an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from types import MappingProxyType

import cn2an
from opencc import OpenCC

from . import gazetteer as gz

RATIO_UNIT = "比值"

# Length-preserving: full-width digits and punctuation to ASCII so one set of patterns fits all.
_HALF_WIDTH = MappingProxyType(
    str.maketrans("０１２３４５６７８９．％－～∶：，；（）！？", "0123456789.%-~::,;()!?")
)
_SPACE = r"[ \t\u3000]*"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_AFTER = "|".join(gz.QUALIFIERS_AFTER)
_UNIT_TAIL = (
    rf"{_SPACE}(?P<approx>[多余])?{_SPACE}(?P<mag>{gz.MAGNITUDE_PATTERN})?{_SPACE}(?P<approx2>[多余])?"
    rf"{_SPACE}(?P<base>{gz.BASE_UNIT_PATTERN})?(?P<after>{_AFTER})?"
)
# The number is taken whole (atomic): 3.2km is 3.2 km, never the 3 before its decimal point.
_ARABIC_RE = re.compile(
    rf"(?<![\d.A-Za-z])(?P<num>(?>{_NUMBER}))"
    rf"(?:{_SPACE}(?P<latin>{gz.LATIN_UNITS})(?![A-Za-z])(?P<latin_after>{_AFTER})?"
    rf"|(?![A-Za-z\d]){_UNIT_TAIL})"
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_CHINESE_RE = re.compile(
    rf"百分之(?P<pct>[{_CN_DIGITS}点]+)"
    rf"|(?<![{_CN_DIGITS}第])(?P<num>[{_CN_DIGITS}]{{2,}}(?:点[{_CN_DIGITS}]+)?)" + _UNIT_TAIL
)
_SINGLE_RE = re.compile(
    rf"(?<![{_CN_DIGITS}第前上数几])(?P<num>[二两三四五六七八九])(?P<base>{'|'.join(sorted(gz.SINGLE_NUMERAL_COUNTERS))})"
    r"(?=[\u4e00-\u9fff])(?![是为都也的和与在等中])"
)
_YEARS_RUNNING_RE = re.compile(r"连续(?P<num>[二两三四五六七八九十]{1,3})年(?![来间代])")
_ROUGHLY_RE = re.compile(rf"上(?P<num>[百千])(?P<mag>万|亿)?(?P<base>{gz.BASE_UNIT_PATTERN})")
_CN_NUMERAL_RE = re.compile(
    r"(?:[一二两三四五六七八九]?千)?(?:[零〇]?[一二两三四五六七八九]?百)?(?:[零〇]?[一二两三四五六七八九]?十)?"
    r"(?:[零〇]?[一二两三四五六七八九])?(?:点[零〇一二三四五六七八九]+)?"
)
_SECONDS_RE = re.compile(r"(?<![\d.])(?P<s>\d{1,2})秒(?P<f>\d{1,3})(?!\d)")
# A height said as metres and centimetres (2米11 is 2.11 m, 1米8 is 1.8 m), not followed by a unit of
# its own (3米12个, 3米2次 count something else).
_METRES_RE = re.compile(
    rf"(?<![\d.])(?P<m>[1-3])米(?P<c>\d{{1,2}})(?![\d.])"
    rf"(?!{_SPACE}(?:{gz.MAGNITUDE_PATTERN}|{gz.BASE_UNIT_PATTERN}))"
)
_RATIO_RE = re.compile(r"(?<![\d.:])(?P<a>\d+(?:\.\d+)?)\s*:\s*(?P<b>\d+(?:\.\d+)?)(?![\d:])")
_QUALIFIER_BEFORE_RE = re.compile(
    "(?P<q>" + "|".join(sorted(gz.QUALIFIERS_BEFORE, key=len, reverse=True)) + r")(?:为|是|了)?\s*$"
)
# 10年间 / 近十年 / 二十年来: a duration that places a period, not a figure.
_PERIOD_DURATION_RE = re.compile(
    r"(?:近|过去|最近|这|前)\s*[\d一二两三四五六七八九十]+\s*(?:多|余)?\s*年|[\d一二两三四五六七八九十]+\s*(?:多|余)?\s*年\s*(?:来|间|以来|之间|当中|内)"
)
_NAME_QUOTES_RE = re.compile(r"《[^《》]*》|“[^“”]{1,12}”|\"[^\"]{1,12}\"")


@dataclass(frozen=True)
class Quantity:
    """A number in a normalized sentence: offsets, value, unit and qualifier."""

    start: int  # first character of the number, sign included
    end: int  # after the unit and any trailing qualifier
    lead: int  # where a qualifier before the number starts (== start without one)
    value: float
    unit: str
    qualifier: str


def plain_form(converter: OpenCC, sentence: str) -> str:
    """Simplified, half-width form of ``sentence`` with exactly its length."""
    simplified = converter.convert(sentence)
    if len(simplified) != len(sentence):  # a phrase mapping changed length: go char by char
        chars = (converter.convert(ch) for ch in sentence)
        simplified = "".join(c if len(c) == 1 else ch for c, ch in zip(chars, sentence, strict=True))
    return simplified.translate(_HALF_WIDTH)


def not_figure_spans(s: str) -> list[tuple[int, int]]:
    """Spans of ``s`` whose digits are no figures: dates, age brackets, ranks, titles, durations…"""
    spans = [m.span() for m in gz.NOT_FIGURE_RE.finditer(s)]
    spans += [m.span() for m in gz.ERA_YEAR_RE.finditer(s)]
    spans += [
        m.span()
        for m in gz.YEAR_LIKE_RE.finditer(s)
        if not s[: m.start()].rstrip().endswith(gz.DURATION_BEFORE)
    ]
    spans += [m.span() for m in _NAME_QUOTES_RE.finditer(s)]
    spans += [m.span() for m in _PERIOD_DURATION_RE.finditer(s)]
    return spans


def find_quantities(s: str, blocked: list[tuple[int, int]]) -> list[Quantity]:
    """Every number in ``s`` with its unit and qualifier (unit "" when it has none), in order.

    Numbers overlapping ``blocked`` (years, and :func:`not_figure_spans`) are skipped.
    """
    found: list[Quantity] = []

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in blocked + [(q.start, q.end) for q in found])

    for m in _RATIO_RE.finditer(s):
        a, b = float(m["a"]), float(m["b"])
        near_bi = "比" in s[max(0, m.start() - 4) : m.start()]
        if a and (a in (1, 100) or near_bi) and free(m.start(), m.end()):
            value, unit = (b, "%") if a == 100 else (round(b / a, 6), RATIO_UNIT)
            found.append(_with_qualifier(s, m.start(), m.end(), value, unit, ""))
    for m in _SECONDS_RE.finditer(s):  # 9秒69: 9.69 seconds
        if free(m.start(), m.end()):
            found.append(_with_qualifier(s, m.start(), m.end(), float(f"{m['s']}.{m['f']}"), "秒", ""))
    for m in _METRES_RE.finditer(s):
        if free(m.start(), m.end()):
            found.append(_with_qualifier(s, m.start(), m.end(), float(f"{m['m']}.{m['c']}"), "米", ""))
    for m in _ARABIC_RE.finditer(s):
        start = m.start()
        if start and s[start - 1] in "-−" and (start < 2 or not re.match(r"[\d%‰.A-Za-z)\]]", s[start - 2])):
            start -= 1  # a minus sign, not a range dash
        if free(m.start(), m.end()) and not s[:start].rstrip().endswith("第"):
            value = float(m["num"].replace(",", "")) * (-1 if start < m.start() else 1)
            found.append(_from_match(s, m, start, value))
    for m in _CHINESE_RE.finditer(s):
        quantity = _chinese_quantity(s, m)
        if quantity and free(quantity.start, quantity.end):
            found.append(quantity)
    for m in _SINGLE_RE.finditer(s):
        value = _cn_value(m["num"])
        if value is not None and free(m.start(), m.end()):
            found.append(_with_qualifier(s, m.start(), m.end(), value, m["base"], ""))
    for m in _YEARS_RUNNING_RE.finditer(s):
        value = _cn_value(m["num"])
        if value is not None and free(m.start("num"), m.end()):
            found.append(Quantity(m.start("num"), m.end(), m.start("num"), value, "年", ""))
    for m in _ROUGHLY_RE.finditer(s):
        if free(m.start(), m.end()):
            value = 100.0 if m["num"] == "百" else 1000.0
            found.append(Quantity(m.start(), m.end(), m.start(), value, (m["mag"] or "") + m["base"], "约"))
    return _drop_sizes_of_counted_things(s, _share_units(s, sorted(found, key=lambda q: q.start)))


def _from_match(s: str, m: re.Match[str], start: int, value: float) -> Quantity:
    groups = m.groupdict()  # only the Arabic pattern has a unit in Latin letters
    unit = (m["mag"] or "") + (m["base"] or "") + (groups.get("latin") or "")
    after = m["after"] or groups.get("latin_after")
    approx = "多" if (m["approx"] or m["approx2"]) else ""
    end = m.end() if unit or after else m.end("num")
    return _with_qualifier(s, start, end, value, unit, after or approx)


def _chinese_quantity(s: str, m: re.Match[str]) -> Quantity | None:
    """三十三万人 / 百分之十五 / 连续五年; None for words such as 十八大, 十余年 or 三十二年."""
    if m["pct"]:
        value = _cn_value(m["pct"])
        return None if value is None else _with_qualifier(s, m.start(), m.end(), value, "%", "")
    base = m["base"] or ""
    duration = base == "年" and s[: m.start()].rstrip().endswith("连续")
    if not (m["mag"] or base) or (base not in gz.CHINESE_NUMERAL_BASES and not duration):
        return None  # no unit, or a counter (一个, 两项)
    if re.search(r"[一二两三四五六七八九]{2}", m["num"]):
        return None  # an approximation such as 八九十 or 一两
    value = _cn_value(m["num"])
    return None if value is None else _from_match(s, m, m.start(), value)


def _cn_value(numeral: str) -> float | None:
    if not _CN_NUMERAL_RE.fullmatch(numeral):
        return None  # cn2an raises odd errors on malformed input such as 十十
    try:
        return float(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError):
        return None


def _with_qualifier(s: str, start: int, end: int, value: float, unit: str, after: str) -> Quantity:
    """Attach a qualifier written just before the number (约, 超过, 仅为 …), else the one after it."""
    m = _QUALIFIER_BEFORE_RE.search(s, max(0, start - 5), start)
    if m and not (m["q"] == "上" and m.end() < start):
        return Quantity(start, end, m.start(), value, unit, gz.QUALIFIERS_BEFORE[m["q"]])
    return Quantity(start, end, start, value, unit, after)


def _share_units(s: str, quantities: list[Quantity]) -> list[Quantity]:
    """5000-6000元 and 32553亿、28628亿、58847亿元: earlier numbers take the last unit of their run."""
    out = list(quantities)
    for i in range(len(out) - 2, -1, -1):
        q, nxt = out[i], out[i + 1]
        joined = re.fullmatch(r"\s*(?:[-~—–至到]|[、和及/])\s*", s[q.end : nxt.start])
        if joined and nxt.unit and (not q.unit or (q.unit in ("万", "亿") and nxt.unit.startswith(q.unit))):
            out[i] = replace(q, unit=nxt.unit)
    return out


def _drop_sizes_of_counted_things(s: str, quantities: list[Quantity]) -> list[Quantity]:
    """1个400米塑胶田径场: the 400米 right after a count describes what is counted."""
    out: list[Quantity] = []
    for q in quantities:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.unit in gz.COUNTER_UNITS
            and not s[previous.end : q.start].strip()
        ):
            continue
        out.append(q)
    return out
