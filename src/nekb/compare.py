"""Like with like: which figures from other documents speak to the same thing as a fact.

Two facts are comparable only when all of these hold; otherwise they are *not comparable*, never
"disagreeing" (a wrong "disagrees" is worse than none):

* they come from different documents;
* the same entity, after normalizing numerals and administrative suffixes
  (黑龙江省 = 黑龙江, 东北3省 = 东北三省, 东北地区 = 东北); the extractor writes entities and
  indicators in Simplified script, so Traditional sources compare too;
* the same indicator, after dropping words that do not change the measure (合计减少 = 减少,
  人口流出 = 流出; 自然减少 is not 减少, 流出 is not 净流出);
* the same period, known on both sides (2010-2020 = 2010~2020; ``""`` compares with nothing);
* units of one kind once magnitudes apply (1099万人 = 10990000人; 万 and 万人 both count people).

Comparable facts agree when their values, in the same base unit, are within 1%.
"""

from __future__ import annotations

import re

from .factscore import period_key, scaled
from .types import Fact, RelatedFact

AGREEMENT_TOLERANCE = 0.01
# Words around a measure that do not change what is measured.
_NEUTRAL_WORDS = ("合计", "累计", "共计", "总计", "人口", "常住", "全年", "共", "总")
_ADMIN_SUFFIX_RE = re.compile(
    r"(?<![〇一二两三四五六七八九十])(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|地区|省|市|县)$"
)
_CN_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
_FILLER_RE = re.compile(r"[\s的之、,，()（）“”\"']")


def entity_key(entity: str) -> str:
    """The form two entities are compared in (黑龙江省 -> 黑龙江, 东北3省 -> 东北三省)."""
    text = _FILLER_RE.sub("", entity).translate(_CN_DIGITS)
    stripped = _ADMIN_SUFFIX_RE.sub("", text)
    return stripped if len(stripped) >= 2 else text


def indicator_key(indicator: str) -> str:
    """The form two indicators are compared in: fillers and neutral words dropped."""
    text = _FILLER_RE.sub("", indicator).lower()
    for word in _NEUTRAL_WORDS:
        stripped = text.replace(word, "")
        if len(stripped) >= 2:
            text = stripped
    return text


def base_value(fact: Fact) -> tuple[str, float]:
    """The fact's base unit (magnitudes applied; a bare 万 counts as 人) and value in it."""
    value, base = scaled(fact.value, fact.unit)
    return (base or ("人" if fact.unit in ("万", "亿") else "")), value


def same_period(a: str, b: str) -> bool:
    """Both periods known and the same years and months (2010-2020 = 2010年—2020年)."""
    key = period_key(a)
    return bool(key) and key == period_key(b)


def comparable(a: Fact, b: Fact) -> bool:
    """Whether ``b`` states the same quantity as ``a`` (see the module docstring)."""
    if a.doc_id == b.doc_id or not a.entity or not b.entity:
        return False
    if entity_key(a.entity) != entity_key(b.entity):
        return False
    if not a.indicator or indicator_key(a.indicator) != indicator_key(b.indicator):
        return False
    if not same_period(a.period, b.period):
        return False
    return base_value(a)[0] == base_value(b)[0]


def agrees(a: Fact, b: Fact) -> bool:
    """Whether two comparable facts state the same value (within 1%)."""
    _, va = base_value(a)
    _, vb = base_value(b)
    return abs(va - vb) <= AGREEMENT_TOLERANCE * max(abs(va), abs(vb), 1e-12)


def related_facts(fact: Fact, facts: list[Fact]) -> list[RelatedFact]:
    """Facts from other documents comparable to ``fact``, each marked as agreeing or not."""
    return [RelatedFact(other, agrees(fact, other)) for other in facts if comparable(fact, other)]
