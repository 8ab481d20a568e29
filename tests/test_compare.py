from nekb.compare import agrees, comparable, related_facts
from nekb.types import Fact


def fact(doc, entity, indicator, period, value, unit):
    return Fact(f"{doc}#{value}", entity, indicator, period, value, unit, "", doc, "", 0, 1)


def test_same_region_and_span_with_related_indicators_compare():
    a = fact("x", "东北三省", "合计减少", "2010-2020", 1099, "万人")
    b = fact("y", "东北地区", "平衡流入人口后净流出", "2010-2020", 354, "万")
    c = fact("z", "东北地区", "人口流失", "2010-2020", 1099, "万")
    assert comparable(a, b) and not agrees(a, b)
    assert comparable(a, c) and agrees(a, c)
    assert [(r.fact.doc_id, r.agrees) for r in related_facts(a, [a, b, c])] == [("y", False), ("z", True)]


def test_different_entity_period_unit_or_same_document_do_not_compare():
    a = fact("x", "黑龙江", "出生率", "2024", 3.35, "‰")
    assert not comparable(a, fact("y", "吉林", "出生率", "2024", 4.17, "‰"))
    assert not comparable(a, fact("y", "黑龙江", "出生率", "2023", 3.35, "‰"))
    assert not comparable(a, fact("y", "黑龙江", "出生率", "2024", 3.35, "%"))
    assert not comparable(a, fact("x", "黑龙江", "出生率", "2024", 3.35, "‰"))
    assert comparable(a, fact("y", "黑龙江", "人口出生率", "2024", 3.35, "‰"))


def test_units_convert_before_comparing():
    assert agrees(
        fact("x", "东北", "减少", "", 1099, "万人"), fact("y", "东北", "减少", "", 10_990_000, "人")
    )
