"""Indicators: the noun phrase saying what a figure measures (出生率, 常住人口减少, 占地面积).

Mostly the words just before the number in its clause, cleaned of what is not the measure: the
entity, periods, comparison bases (较2015年), durations (十年来), qualifiers (约, 超过) and
function words. When those say nothing (有, 为, 其中) the words after the number do: the counted
noun of 2000余家陶瓷文创企业, the category of 92.06%是白人 (白人占比). A figure following another
in the same clause without words of its own shares its measure (分别减少33万人、27万人).
"""

from __future__ import annotations

import re

from . import gazetteer as gz
from .quantities import Quantity

MAX_INDICATOR_CHARS = 12
_CLAUSE_END = ",;:!?。"
_PERIOD_TEXT_RE = re.compile(
    r"(?:(?:19|20)\d{2}\s*年?\s*(?:\d{1,2}\s*月)?\s*[-—–~至到]\s*)?(?:19|20)\d{2}\s*(?:年(?:\s*\d{1,2}\s*月)?|届)?"
    r"(?:之间|以来|间|底|末|初|来|度)?的?"
    r"|截至|截止|今年|去年|上年|当年|同期|目前|现在|如今|当前|近年来|春节期间|期间"
)
_AFTER_COPULA_RE = re.compile(r"(?:是|为|有|在)(?!\d+(?:\.\d+)?\s*(?:%|万|亿|元|人|个|年))(?=[^\s,;:!?。])")
_LIST_SEPARATORS = ("、", "和", "及")
_COPULA_END = "、,;:!?。()和及"
_SIZES_RE = re.compile(
    r"(?:[\d.]+\s*(?:米|公里|千米|厘米|毫米|平方米|吨|升)?\s*[、和及]?\s*(?:[\d.]+\s*个)?)+"
)
_SINGLE_NOUN_RE = re.compile(r"[\u4e00-\u9fff](?:[中里内,;:!?。、]|$)")
# Comparisons inside a phrase: the measure is what follows them (首次超过了人口净流出的规模).
_COMPARISON_RE = re.compile(r"(?:首次)?(?:超过了|超过|高于|低于|多于|少于|相当于|仅次于)")

# One-character dimensions and the measure they name.
_DIMENSIONS = {
    "长": "长度",
    "宽": "宽度",
    "高": "高度",
    "深": "深度",
    "厚": "厚度",
    "重": "重量",
    "阔": "宽度",
}

Previous = tuple[Quantity, str] | None  # the figure before in the clause, with its indicator


def indicator_for(
    s: str,
    clause: int,
    left: int,
    q: Quantity,
    previous: Previous,
    figures: list[Quantity],
    entity_spans: list[tuple[int, int, bool]],
) -> str:
    """A short phrase for what ``q`` measures, from ``s[left:q.lead]`` and the words after ``q``.

    ``entity_spans`` are ``(start, end, is_yardstick)`` of the mentions of the sentence: a subject
    is cut out of the phrase, a yardstick stays in it (占全国经济总量的比重).
    """
    same_clause = previous is not None and left == previous[0].end
    if same_clause:  # skip the noun that belongs to the figure before (100万元安家费及100万元购房补贴)
        copula = _AFTER_COPULA_RE.match(s, left)
        if copula:  # 92.06%是白人、0.18%是非裔美国人: the words after the figure before are its own
            separator = max(s.rfind(sep, left, q.lead) for sep in _LIST_SEPARATORS)
            left = separator + 1 if separator >= 0 else left
        else:
            noun = following_phrase(s, left)
            noun_end = s.find(noun, left) + len(noun)
            left = noun_end if noun and noun_end <= q.lead else left
    core, bare = _clean_core(_mask(s, left, q.lead, entity_spans))
    core = _DIMENSIONS.get(core, core)  # 长约30厘米: a length
    if previous and bare and gz.TRANSITION_RE.match(bare):
        return previous[1]  # 从92万减少到69万 / 低于全国2.08%: the same measure as the figure before
    weak = len(core) < 2 or core in gz.WEAK_CORES
    following = following_phrase(s, q.end)
    counter = q.unit[-1:] in gz.COUNTER_UNITS
    copula = _AFTER_COPULA_RE.match(s, q.end)
    # 1460万困难群众 / 23%的育龄家庭 / 100万元购房补贴 / 92.06%是白人: the words after say what is counted
    names_noun = weak and (
        q.unit in ("万", "亿") or q.unit.endswith(("人", "元")) or s.startswith("的", q.end) or copula
    )
    if copula and (weak or (q.unit == "%" and copula[0] != "为")):
        following = copula_phrase(s, copula.end())
        if following and q.unit == "%" and not following.endswith(("率", "比", "比例", "比重", "占比")):
            return shorten(following) + "占比"  # 92.06%是白人: the share of 白人
    if counter and not following and q.end < len(s) and s[q.end].isdigit():
        sized = _SIZES_RE.match(s, q.end)  # 1个400米、2个300米塑胶田径场: the noun after the sizes
        following = following_phrase(s, sized.end()) if sized else ""
    if counter and not following and _SINGLE_NOUN_RE.match(s, q.end):
        following = s[q.end] + "数"  # 分938个户: the number of 户
    if following and (counter or names_noun or core.endswith(gz.GIVING_VERBS)):
        return shorten(following)
    if weak and same_clause:
        return previous[1]  # 33万人、27万人
    if weak and clause > 0 and not any(clause - 1 > p.start >= _clause_before(s, clause) for p in figures):
        earlier, _ = _clean_core(_mask(s, _clause_before(s, clause), clause - 1, entity_spans))
        if earlier:
            return shorten(earlier)  # 使20-35岁育龄女性中,68%认为…
    if weak and previous:
        return previous[1]
    for verb in gz.GIVING_VERBS:
        if core.endswith(verb) and len(core) > len(verb) + 1:
            core = core[: -len(verb)]  # 对顶尖创新创业团队给予300万元: the recipients say more than the verb
            break
    if q.unit == "%" and "占" in core and not re.search("比|率|份额", core):
        core += "比例"  # 占总面积的36.3%: a share
    return shorten(core) if len(core) >= 2 else ""


def copula_phrase(s: str, i: int) -> str:
    """What a figure is said to be, up to the next separator (92.06%是白人, 6.2%在18至24岁之间)."""
    j = i
    while j < len(s) and j - i < MAX_INDICATOR_CHARS + 2 and s[j] not in _COPULA_END:
        j += 1
    return s[i:j].strip() if j - i >= 2 else ""


def _mask(s: str, start: int, end: int, entity_spans: list[tuple[int, int, bool]]) -> str:
    """``s[start:end]`` with subject mentions replaced by ``|`` (yardsticks kept)."""
    chars = list(s[start:end])
    for a, b, yardstick in entity_spans:
        if yardstick:
            continue
        for i in range(max(a, start), min(b, end)):
            chars[i - start] = "|"
    return "".join(chars)


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
    text = gz.DURATION_RE.sub("", _PERIOD_TEXT_RE.sub("|", text))
    text = gz.GROUP_WORD_RE.sub("|", gz.QUOTES_RE.sub("", text))
    text = re.sub(r"\|+", "|", text)
    segments = [_strip_fillers(seg) for seg in re.split(r"[|、,;:!?。]", _COMPARISON_RE.sub("|", text))]
    core = next((seg for seg in reversed(segments) if seg), "")
    return core, re.sub(r"[|、\s的了也并而又再均已却]", "", text)


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


def following_phrase(s: str, i: int) -> str:
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


def shorten(core: str) -> str:
    """Keep the end of a long phrase, preferring a cut after 的/中/之."""
    core = core.strip()
    if len(core) <= MAX_INDICATOR_CHARS:
        return core
    core = re.sub(r"在[^在的]{2,10}的", "", core)  # 风险投资机构在人口净流出地区的投资占比: drop the place
    if len(core) <= MAX_INDICATOR_CHARS:
        return core
    for i, ch in enumerate(core):
        if ch in "的中之" and 4 <= len(core) - i - 1 <= MAX_INDICATOR_CHARS:
            return core[i + 1 :]
    return core if len(core) <= MAX_INDICATOR_CHARS + 4 else core[-MAX_INDICATOR_CHARS:]
