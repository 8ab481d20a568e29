"""Cross-document comparison of facts: which figures from other sources speak to the same thing."""

from __future__ import annotations

import re

from .types import Fact, RelatedFact

# Units convertible to a common base, so 1099万人 and 10990000人 compare.
_UNIT_SCALE = {
    "人": ("人", 1.0),
    "万人": ("人", 1e4),
    "万": ("人", 1e4),
    "亿人": ("人", 1e8),
    "元": ("元", 1.0),
    "万元": ("元", 1e4),
    "亿元": ("元", 1e8),
    "万亿元": ("元", 1e12),
}
# Indicator words that name the same quantity in different sources (population loss is reported as
# 减少, 流失, 流出 or 净流出 and the corpus really disagrees on it).
_FAMILIES = (
    ("减少", "流失", "流出", "净流出", "外流", "减"),
    ("出生率",),
    ("死亡率",),
    ("自然减少", "自然增长"),
    ("老龄", "65岁", "60岁"),
    ("增速", "增长率", "增长速度"),
    ("转移支付",),
    ("生产总值", "gdp"),
    ("研发",),
)
AGREEMENT_TOLERANCE = 0.01


def base_value(fact: Fact) -> tuple[str, float]:
    """The fact's unit family and value in that family's base unit."""
    base, scale = _UNIT_SCALE.get(fact.unit, (fact.unit, 1.0))
    return base, fact.value * scale


def _family(indicator: str) -> set[int]:
    text = indicator.lower()
    return {i for i, words in enumerate(_FAMILIES) if any(w in text for w in words)}


# Sources name the same region differently (东北地区 strictly adds eastern Inner Mongolia, but
# reports use the names interchangeably for population figures).
_SAME_REGION = {"东北三省": "东北", "东北地区": "东北", "东三省": "东北", "东北3省": "东北"}


def _region(entity: str) -> str:
    return _SAME_REGION.get(entity, entity)


def _periods_comparable(a: str, b: str) -> bool:
    """Both unknown, or the same first and last year (2010-2020 and 2010~2020)."""
    if a == b:
        return True
    years_a = [int(y) for y in re.findall(r"\d{4}", a)]
    years_b = [int(y) for y in re.findall(r"\d{4}", b)]
    if not years_a or not years_b:
        return False
    return min(years_a) == min(years_b) and max(years_a) == max(years_b)


def comparable(a: Fact, b: Fact) -> bool:
    """Same entity (or region alias), unit family and period span, and an indicator of the same family."""
    if a.doc_id == b.doc_id or not a.entity or _region(a.entity) != _region(b.entity):
        return False
    if base_value(a)[0] != base_value(b)[0] or not _periods_comparable(a.period, b.period):
        return False
    if a.indicator == b.indicator:
        return True
    return bool(_family(a.indicator) & _family(b.indicator))


def agrees(a: Fact, b: Fact) -> bool:
    """Whether two comparable facts state the same value (within 1%)."""
    _, va = base_value(a)
    _, vb = base_value(b)
    return abs(va - vb) <= AGREEMENT_TOLERANCE * max(abs(va), abs(vb), 1e-12)


def related_facts(fact: Fact, facts: list[Fact]) -> list[RelatedFact]:
    """Facts from other documents comparable to ``fact``, each marked as agreeing or not."""
    return [RelatedFact(other, agrees(fact, other)) for other in facts if comparable(fact, other)]
