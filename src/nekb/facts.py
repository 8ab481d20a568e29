"""Quantitative facts from Chinese text, with regexes and a gazetteer (no model).

A fact is a number with a unit in one sentence, plus the entity, indicator and period it is
about. Matching runs on a Simplified, half-width copy of each sentence that has the same length
as the original, so every offset found there is an offset into the original text.

Choices worth knowing:

* Ratios (``1:1.3``, ``1∶1.3``) give one fact with unit ``"比值"`` and value ``b / a``; they need
  ``a == 1`` or 比 just before, so clock times such as ``13:34`` are not ratios.
* A range (``300万元至1000万元``, ``5000-6000元``) gives a fact per end, and numbers in a run
  (``32553亿、28628亿、58847亿元``) share the last unit. A number without unit counts only after 分别.
* Years are periods, never facts (a year after 较/比 is a comparison base, not the period); durations
  (``10年间``), age brackets (``65岁及以上``), per-capita bases (``每10万人中``), dates, citations and
  section numbers are not facts. Chinese numerals count with two or more characters and a fitting
  unit (``三十三万人``) or as ``百分之十五``, so 一个/十八大/五年规划 stay words.
* The entity is the nearest gazetteer entity before the number that is its subject (not the 全国
  of 占全国); entities listed before 分别 pair with the figures in order, a total (合计/累计) goes to
  the list (the three provinces: 东北三省), and a sentence naming none inherits the paragraph's subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from types import MappingProxyType

import cn2an
from opencc import OpenCC

from . import gazetteer as gz
from .types import Fact, page_at

RATIO_UNIT = "比值"
MAX_INDICATOR_CHARS = 12

# Length-preserving: full-width digits and punctuation to ASCII so one set of patterns fits all.
_HALF_WIDTH = MappingProxyType(
    str.maketrans("０１２３４５６７８９．％－～∶：，；（）！？", "0123456789.%-~::,;()!?")
)
_SPACE = r"[ \t\u3000]*"
_YEAR = r"(?:19|20)\d{2}"
_PERIOD_RE = re.compile(
    rf"(?<![\d.])(?P<y1>{_YEAR}){_SPACE}年?{_SPACE}[-—–~至到]{_SPACE}(?P<y2>{_YEAR})(?!\d)(?:{_SPACE}年)?"
    rf"|(?<![\d.])(?P<y>{_YEAR}){_SPACE}(?:年(?!代)|届)"
)
_PERIOD_TAIL = r"(?:之间|以来|间|底|末|初|来|度)?的?"  # 2010-2020年间的 / 2021年底的
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_UNIT_TAIL = (
    rf"{_SPACE}(?P<approx>[多余])?{_SPACE}(?P<mag>{gz.MAGNITUDE_PATTERN})?{_SPACE}(?P<approx2>[多余])?"
    rf"{_SPACE}(?P<base>{gz.BASE_UNIT_PATTERN})?(?P<after>{'|'.join(gz.QUALIFIERS_AFTER)})?"
)
_ARABIC_RE = re.compile(rf"(?<![\d.])(?P<num>{_NUMBER})(?![A-Za-z\d])" + _UNIT_TAIL)
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_CHINESE_RE = re.compile(
    rf"百分之(?P<pct>[{_CN_DIGITS}点]+)"
    rf"|(?<![{_CN_DIGITS}第])(?P<num>[{_CN_DIGITS}]{{2,}}(?:点[{_CN_DIGITS}]+)?)" + _UNIT_TAIL
)
_CN_NUMERAL_RE = re.compile(
    r"(?:[一二两三四五六七八九]?千)?(?:[零〇]?[一二两三四五六七八九]?百)?(?:[零〇]?[一二两三四五六七八九]?十)?"
    r"(?:[零〇]?[一二两三四五六七八九])?(?:点[零〇一二三四五六七八九]+)?"
)
_RATIO_RE = re.compile(r"(?<![\d.:])(?P<a>\d+(?:\.\d+)?)\s*:\s*(?P<b>\d+(?:\.\d+)?)(?![\d:])")
_QUALIFIER_BEFORE_RE = re.compile(
    "(?P<q>" + "|".join(sorted(gz.QUALIFIERS_BEFORE, key=len, reverse=True)) + r")(?:为|是|了)?\s*$"
)
_CLAUSE_END = ",;:!?。"


@dataclass(frozen=True)
class _Quantity:
    start: int  # first character of the number, sign included
    end: int  # after the unit and any trailing qualifier
    lead: int  # where a qualifier before the number starts (== start without one)
    value: float
    unit: str
    qualifier: str


@dataclass(frozen=True)
class _Context:
    """What a sentence passes on to the next one in its paragraph."""

    entity: str = ""  # the subject, for sentences naming no entity
    indicators: tuple[tuple[str, str], ...] = ()  # (unit, indicator) of its first figures


_Previous = tuple[_Quantity, str] | None  # the figure before in the sentence, with its indicator


@dataclass(frozen=True)
class _Period:
    start: int
    label: str
    is_base: bool  # 较2010年: a base of comparison, not the period


def extract_facts(
    doc_id: str, text: str, sentence_spans: list[tuple[int, int]], page_starts: tuple[int, ...] = ()
) -> list[Fact]:
    """Return the quantitative facts stated in ``text``, sentence by sentence.

    ``sentence_spans`` are ``(start, end)`` offsets of the sentences of ``text``; each fact quotes
    its sentence verbatim (``sentence == text[start:end]``) and gets the page of ``start``. Entities,
    indicators and units are Simplified Chinese even when the text is Traditional. ``fact_id`` is
    ``"{doc_id}#{start}-{n}"`` for the n-th fact of the sentence starting at ``start``.
    """
    converter = OpenCC("t2s")
    facts: list[Fact] = []
    carried = _Context()
    previous_end = 0
    for start, end in sentence_spans:
        sentence = text[start:end]
        plain = _normalize(converter, sentence)
        if "\n\n" in text[previous_end:start] or gz.HEADING_RE.match(plain):
            carried = _Context()  # a new paragraph or section: earlier context no longer applies
        previous_end = end
        drafts, carried = _sentence_facts(plain, carried)
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


def _normalize(converter: OpenCC, sentence: str) -> str:
    """Simplified, half-width form of ``sentence`` with exactly its length."""
    simplified = converter.convert(sentence)
    if len(simplified) != len(sentence):  # a phrase mapping changed length: go char by char
        chars = (converter.convert(ch) for ch in sentence)
        simplified = "".join(c if len(c) == 1 else ch for c, ch in zip(chars, sentence, strict=True))
    return simplified.translate(_HALF_WIDTH)


def _sentence_facts(s: str, carried: _Context) -> tuple[list[tuple[str, str, str, _Quantity]], _Context]:
    """(entity, indicator, period, quantity) for each figure of a normalized sentence, and the
    entity later sentences inherit."""
    periods = _find_periods(s)
    mentions = gz.find_mentions(s)
    blocked = [(m.start, m.end) for m in mentions] + [m.span() for m in _PERIOD_RE.finditer(s)]
    blocked += [m.span() for m in gz.NOT_FIGURE_RE.finditer(s)]
    quantities = _share_units(s, _find_quantities(s, blocked))
    listed = _enumerated_entities(s, quantities, mentions)
    quantities = [q for q in quantities if q.unit or q.start in listed]
    inside = {i for q in quantities for i in range(q.start, q.end)}  # 1:1.3 holds no clause end
    clause_starts = [0] + [i + 1 for i, ch in enumerate(s) if ch in _CLAUSE_END and i not in inside]
    drafts: list[tuple[str, str, str, _Quantity]] = []
    previous: _Previous = None
    for q in quantities:
        clause = max(c for c in clause_starts if c <= q.start)
        # Words between two figures of a clause describe the second, unless the first sat in brackets.
        after_previous = previous and previous[0].end > clause
        after_previous = after_previous and (_in_parens(s, q.start) or not _in_parens(s, previous[0].start))
        left = previous[0].end if after_previous else clause
        indicator = _indicator(s, clause, left, q, previous, quantities)
        entity = listed.get(q.start) or _entity_for(s, q, clause, mentions) or carried.entity
        # 沈阳GDP达8122亿元;大连8752亿元: a bare figure measures what the same unit measured before
        indicator = indicator or dict(carried.indicators).get(q.unit, "")
        drafts.append((entity, indicator, _period_for(q, periods), q))
        previous = (q, indicator)
    subjects = [m for m in mentions if not m.lead.endswith(gz.NEVER_SUBJECT_LEAD + gz.ADJACENT_SUBJECT_LEAD)]
    subjects = [m for m in subjects if not _in_parens(s, m.start) and m.group not in gz.ORGANIZATIONS]
    indicators = tuple({d[3].unit: d[1] for d in reversed(drafts) if d[1]}.items())
    return drafts, _Context(subjects[0].group if subjects else carried.entity, indicators)


# --- periods and entities --------------------------------------------------------------------


def _find_periods(s: str) -> list[_Period]:
    periods = []
    for m in _PERIOD_RE.finditer(s):
        label = f"{m['y1']}-{m['y2']}" if m["y1"] else m["y"]
        is_base = s[max(0, m.start() - 2) : m.start()].endswith(("较", "比", "与", "同"))
        periods.append(_Period(m.start(), label, is_base))
    return periods


def _period_for(q: _Quantity, periods: list[_Period]) -> str:
    """The nearest year or range before the number in its sentence (bases of comparison skipped)."""
    before = [p for p in periods if p.start < q.start and not p.is_base]
    return before[-1].label if before else ""


def _is_subject(s: str, m: gz.Mention, q: _Quantity) -> bool:
    """False for a yardstick: 占全国10% / 比全国高0.7年 / 低于全国均值3个百分点 / 为广东的2.8%."""
    if len(m.members) > 1:
        return True
    if m.lead.endswith(gz.NEVER_SUBJECT_LEAD) or (
        q.unit in gz.DIFFERENCE_UNITS and m.lead.endswith(("于", "与"))
    ):
        return False
    if m.lead.endswith(gz.ADJACENT_SUBJECT_LEAD):  # 低于全国2.08% / 仅次于山东省的42.8万人
        return len(s[m.end : q.lead].strip()) <= 1
    return True


def _in_parens(s: str, i: int) -> bool:
    return s.rfind("(", 0, i) > s.rfind(")", 0, i)


def _entity_for(s: str, q: _Quantity, clause: int, mentions: list[gz.Mention]) -> str:
    """The nearest subject entity before the number; a total (合计…) goes to the enumerated group."""
    before = [m for m in mentions if m.end <= q.start]
    if any(w in s[clause : q.start] for w in gz.TOTAL_WORDS):
        groups = [m for m in before if len(m.members) > 1]
        if groups:
            return groups[-1].group
    listing = max(s.rfind(w, 0, clause) for w in gz.LISTING_WORDS)
    if listing > 0 and any(m.end <= listing for m in before):  # 东北地区包括…: the parts are not subjects
        before = [m for m in before if m.end <= listing or m.start >= clause]
    q_in_parens = _in_parens(s, q.start)
    for i in range(len(before) - 1, -1, -1):
        m = before[i]
        if q_in_parens and s[m.end : q.start].lstrip().startswith("("):
            return m.group  # 广东(每年3600元): the figure in brackets belongs to the name before them
        if _is_subject(s, m, q) and (q_in_parens or not _in_parens(s, m.start)):
            if m.group in gz.NATIONWIDE:  # 长三角高校占比达全国27%: the region, not the nation
                earlier = [x for x in before[:i] if x.start >= clause and _is_subject(s, x, q)]
                m = earlier[-1] if earlier else m
            return m.group
    return ""


def _enumerated_entities(s: str, quantities: list[_Quantity], mentions: list[gz.Mention]) -> dict[int, str]:
    """黑龙江、辽宁、吉林…分别减少33万人、27万人、22.1万人: pair listed entities with figures in order."""
    paired: dict[int, str] = {}
    for m in re.finditer("分别", s):
        lists = [x for x in mentions if x.end <= m.start() and len(x.members) > 1]
        if lists:
            after = [q for q in quantities if q.start > m.start() and q.start not in paired]
            for name, q in zip(lists[-1].members, after, strict=False):
                paired[q.start] = name
    return paired


# --- numbers and units -----------------------------------------------------------------------


def _find_quantities(s: str, blocked: list[tuple[int, int]]) -> list[_Quantity]:
    """Every number in ``s`` with its unit and qualifier (unit "" when it has none), in order."""
    found: list[_Quantity] = []

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in blocked + [(q.start, q.end) for q in found])

    for m in _RATIO_RE.finditer(s):
        a, b = float(m["a"]), float(m["b"])
        if a and (a == 1 or s[: m.start()].rstrip().endswith("比")) and free(m.start(), m.end()):
            found.append(_with_qualifier(s, m.start(), m.end(), round(b / a, 6), RATIO_UNIT, ""))
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
    return sorted(found, key=lambda q: q.start)


def _from_match(s: str, m: re.Match[str], start: int, value: float) -> _Quantity:
    unit = (m["mag"] or "") + (m["base"] or "")
    approx = "多" if (m["approx"] or m["approx2"]) else ""
    end = m.end() if unit or m["after"] else m.end("num")
    return _with_qualifier(s, start, end, value, unit, m["after"] or approx)


def _chinese_quantity(s: str, m: re.Match[str]) -> _Quantity | None:
    """三十三万人 / 百分之十五; None for words such as 一个, 十八大 or 十余年."""
    if m["pct"]:
        value = _cn_value(m["pct"])
        return None if value is None else _with_qualifier(s, m.start(), m.end(), value, "%", "")
    if not (m["mag"] or m["base"]) or (m["base"] or "") not in gz.CHINESE_NUMERAL_BASES:
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


def _with_qualifier(s: str, start: int, end: int, value: float, unit: str, after: str) -> _Quantity:
    """Attach a qualifier written just before the number (约, 超过, 仅为 …), else the one after it."""
    m = _QUALIFIER_BEFORE_RE.search(s, max(0, start - 5), start)
    if m:
        return _Quantity(start, end, m.start(), value, unit, gz.QUALIFIERS_BEFORE[m["q"]])
    return _Quantity(start, end, start, value, unit, after)


def _share_units(s: str, quantities: list[_Quantity]) -> list[_Quantity]:
    """5000-6000元 and 32553亿、28628亿、58847亿元: earlier numbers take the last unit of their run."""
    out = list(quantities)
    for i in range(len(out) - 2, -1, -1):
        q, nxt = out[i], out[i + 1]
        joined = re.fullmatch(r"\s*(?:[-~—–至到]|[、和及/])\s*", s[q.end : nxt.start])
        if joined and nxt.unit and (not q.unit or (q.unit in ("万", "亿") and nxt.unit.startswith(q.unit))):
            out[i] = replace(q, unit=nxt.unit)
    return out


# --- indicators ------------------------------------------------------------------------------


def _indicator(
    s: str, clause: int, left: int, q: _Quantity, previous: _Previous, figures: list[_Quantity]
) -> str:
    """A short phrase for what the number measures, mostly from the words just before it."""
    same_clause = previous is not None and left == previous[0].end
    if same_clause:  # skip the noun that belongs to the figure before (100万元安家费及100万元购房补贴)
        noun = _following_phrase(s, left)
        noun_end = s.find(noun, left) + len(noun)
        left = noun_end if noun and noun_end <= q.lead else left
    core, bare = _clean_core(s[left : q.lead])
    if previous and bare and gz.TRANSITION_RE.match(bare):
        return previous[1]  # 从92万减少到69万 / 低于全国2.08%: the same measure as the figure before
    weak = len(core) < 2 or core in gz.WEAK_CORES
    following = _following_phrase(s, q.end)
    counter = q.unit[-1:] in gz.COUNTER_UNITS
    # 1460万困难群众 / 23%的育龄家庭 / 100万元购房补贴: the words after say what is counted
    names_noun = weak and (
        q.unit in ("万", "亿") or q.unit.endswith(("人", "元")) or s.startswith("的", q.end)
    )
    if following and (counter or names_noun or core.endswith(gz.GIVING_VERBS)):
        return _shorten(following)
    if weak and same_clause:
        return previous[1]  # 33万人、27万人
    if weak and clause > 0 and not any(clause - 1 > p.start >= _clause_before(s, clause) for p in figures):
        earlier, _ = _clean_core(s[_clause_before(s, clause) : clause - 1])
        if earlier:
            return _shorten(earlier)  # 使20-35岁育龄女性中,68%认为…
    if weak and previous:
        return previous[1]
    if core.endswith("给予") and len(core) > 3:
        core = core[:-2]  # 对顶尖创新创业团队给予300万元: the recipients say more than the verb
    return _shorten(core)


def _clause_before(s: str, clause: int) -> int:
    return max((i + 1 for i in range(clause - 1) if s[i] in _CLAUSE_END), default=0)


def _clean_core(raw: str) -> tuple[str, str]:
    """The indicator phrase in ``raw``, and ``raw`` stripped to its bare words (to spot transitions)."""
    text = re.sub(r"\([^()]*\)", "", raw)
    cut = max(text.rfind("("), text.rfind(")"))
    if cut < 0:
        return _phrase(text)
    # The context starts or ends inside brackets: use the words after the last bracket, or if
    # they say nothing, those before it (…最高的地区(辽宁53%: 最高的地区).
    core, bare = _phrase(text[cut + 1 :])
    return (core, bare) if core else (_clean_core(text[:cut])[0], bare)


def _phrase(text: str) -> tuple[str, str]:
    text = gz.NOISE_RE.sub("", text)
    text = gz.DURATION_RE.sub("", _PERIOD_RE.sub("|", text))
    text = re.sub(r"\|" + _PERIOD_TAIL, "|", text)
    text = gz.GROUP_WORD_RE.sub("|", gz.QUOTES_RE.sub("", gz.ENTITY_RE.sub(_entity_marker, text)))
    segments = [_strip_fillers(seg) for seg in re.split(r"[|、]", text)]
    core = next((seg for seg in reversed(segments) if seg), "")
    return core, re.sub(r"[|、\s的了也并而又再均已却]", "", text)


def _entity_marker(m: re.Match[str]) -> str:
    """Cut the phrase at a subject entity; keep a yardstick (经济总量占全国经济总量的比重)."""
    lead = m.string[m.start() - 1] if m.start() else ""
    return m[0] if lead and lead in gz.NEVER_SUBJECT_LEAD else "|"


def _strip_fillers(text: str) -> str:
    text = text.strip(" \t,;:!?。-~")
    changed = True
    while changed and text:
        changed = False
        if not text.startswith(gz.PROTECTED_STARTS):
            for word in gz.FILLER_PREFIXES:
                if text.startswith(word):
                    text, changed = text[len(word) :], True
                    break
        if not text.endswith(gz.PROTECTED_ENDS):
            for word in gz.FILLER_SUFFIXES:
                if text.endswith(word):
                    text, changed = text[: -len(word)], True
                    break
    return text.strip()


def _following_phrase(s: str, i: int) -> str:
    """The noun phrase right after a figure (2000余家陶瓷文创企业 -> 陶瓷文创企业)."""
    if s.startswith("的", i):
        i += 1
    if s.startswith(gz.FOLLOW_STOPS, i):
        return ""
    j = i
    while j < len(s) and j - i < MAX_INDICATOR_CHARS + 4 and s[j] not in gz.FOLLOW_END:
        if j > i and s.startswith(gz.FOLLOW_STOPS, j):
            break
        j += 1
    return s[i:j] if j - i >= 2 else ""


def _shorten(core: str) -> str:
    """Keep the end of a long phrase, preferring a cut after 的/中/之."""
    if len(core) <= MAX_INDICATOR_CHARS:
        return core
    core = re.sub(r"在[^在的]{2,10}的", "", core)  # 风险投资机构在人口净流出地区的投资占比: drop the place
    if len(core) <= MAX_INDICATOR_CHARS:
        return core
    for i, ch in enumerate(core):
        if ch in "的中之" and 4 <= len(core) - i - 1 <= MAX_INDICATOR_CHARS:
            return core[i + 1 :]
    return core if len(core) <= MAX_INDICATOR_CHARS + 4 else core[-MAX_INDICATOR_CHARS:]
