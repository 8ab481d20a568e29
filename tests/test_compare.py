"""Like with like: facts compare only when entity, indicator and a known period all match."""

from nekb.compare import agrees, comparable, entity_key, indicator_key, related_facts
from nekb.types import Fact


def fact(doc, entity, indicator, period, value, unit):
    return Fact(f"{doc}#{value}", entity, indicator, period, value, unit, "", doc, "", 0, 1)


def test_same_entity_indicator_and_period_compare_and_agree_or_differ():
    a = fact("x", "东北三省", "合计减少", "2010-2020", 1099, "万人")
    b = fact("y", "东北3省", "减少", "2010~2020", 1099, "万人")
    c = fact("z", "东北三省", "人口减少", "2010年—2020年", 1000, "万人")
    assert comparable(a, b) and agrees(a, b)
    assert comparable(a, c) and not agrees(a, c)
    assert [(r.fact.doc_id, r.agrees) for r in related_facts(a, [a, b, c])] == [("y", True), ("z", False)]


def test_another_indicator_or_decade_is_not_comparable_never_disagreeing():
    """The issue's case: 吉林 净流出 10.8万人 (2024) against 流出 241万 (2010-2020)."""
    net = fact("x", "吉林", "净流出", "2024", 10.8, "万人")
    outflow = fact("y", "吉林", "人口流出", "2010-2020", 241, "万")
    assert not comparable(net, outflow)
    assert not comparable(net, fact("y", "吉林", "净流出", "2010-2020", 241, "万人"))
    assert not comparable(net, fact("y", "吉林", "流出", "2024", 10.8, "万人"))
    assert not comparable(
        fact("x", "吉林", "自然减少", "2024", 11.3, "万人"), fact("y", "吉林", "减少", "2024", 22.1, "万人")
    )
    assert related_facts(net, [outflow]) == []


def test_an_unknown_period_on_either_side_is_not_comparable():
    a = fact("x", "黑龙江", "出生率", "", 3.35, "‰")
    assert not comparable(a, fact("y", "黑龙江", "出生率", "", 3.35, "‰"))
    assert not comparable(a, fact("y", "黑龙江", "出生率", "2024", 3.35, "‰"))
    assert not comparable(fact("y", "黑龙江", "出生率", "2024", 3.35, "‰"), a)


def test_different_entity_period_unit_or_same_document_do_not_compare():
    a = fact("x", "黑龙江", "出生率", "2024", 3.35, "‰")
    assert not comparable(a, fact("y", "吉林", "出生率", "2024", 4.17, "‰"))
    assert not comparable(a, fact("y", "黑龙江", "出生率", "2023", 3.35, "‰"))
    assert not comparable(a, fact("y", "黑龙江", "出生率", "2024", 3.35, "%"))
    assert not comparable(a, fact("x", "黑龙江", "出生率", "2024", 3.35, "‰"))
    assert comparable(a, fact("y", "黑龙江省", "出生率", "2024", 3.35, "‰"))


def test_units_convert_before_comparing():
    a = fact("x", "东北", "减少", "2010-2020", 1099, "万人")
    b = fact("y", "东北地区", "人口减少", "2010-2020", 10_990_000, "人")
    assert comparable(a, b) and agrees(a, b)
    assert comparable(a, fact("y", "东北", "减少", "2010-2020", 1099, "万"))
    assert not comparable(a, fact("y", "东北", "减少", "2010-2020", 1099, "万元"))


def test_keys():
    assert entity_key("黑龙江省") == "黑龙江" and entity_key("东北3省") == "东北三省"
    assert entity_key("东北地区") == "东北" and entity_key("北京市") == "北京"
    assert indicator_key("合计减少") == indicator_key("常住人口减少") == "减少"
    assert indicator_key("自然减少") != indicator_key("减少")
    assert indicator_key("净流出") != indicator_key("人口流出")
