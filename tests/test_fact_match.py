"""fact_match: how much of a figure question a fact's indicator, entity and period answer."""

from nekb.fact_match import asked_figure, fact_match
from nekb.types import Fact


def fact(entity: str, indicator: str, period: str) -> Fact:
    return Fact("d#0-0", entity, indicator, period, 1.0, "万人", "", "d", "", 0, 1)


def fold(text: str) -> str:
    return text


def test_the_fact_of_the_asked_indicator_beats_one_of_a_word_the_question_shares() -> None:
    asked = asked_figure("吉林省2024年净流出的人口有多少？", "吉林省2024年净流出的人口有多少？")
    net_outflow = fact_match(fact("吉林", "净流出", "2024"), asked, fold)
    decrease = fact_match(fact("吉林省", "人口减少", "2024"), asked, fold)
    assert net_outflow == 2 / 3  # both bigrams of 净流出, counted with one more
    assert decrease == 1 / 4  # 人口 only
    assert fact_match(fact("吉林", "出生率", "2024"), asked, fold) == 0.0


def test_another_entity_or_period_halves_the_match() -> None:
    asked = asked_figure("吉林省2024年净流出的人口有多少？", "吉林省2024年净流出的人口有多少？")
    assert fact_match(fact("辽宁", "净流出", "2024"), asked, fold) == 1 / 3
    assert fact_match(fact("吉林", "净流出", "2023"), asked, fold) == 1 / 3
    # Three provinces together are not 吉林省, although they name 吉林.
    assert fact_match(fact("黑龙江、辽宁、吉林三省", "净流出", "2024"), asked, fold) == 1 / 3
    # An entity the fact leaves empty is not counted against it.
    assert fact_match(fact("", "净流出", "2024"), asked, fold) == 2 / 3


def test_census_and_ranges_are_periods_a_fact_can_overlap() -> None:
    asked = asked_figure("按七普数据，黑龙江十年间流出了多少人？", "按七普数据，黑龙江十年间流出了多少人？")
    assert asked.years == ((2020, 2020), (2010, 2020))  # 七普, and 十年间 up to it
    assert fact_match(fact("黑龙江", "流出", "2010-2020"), asked, fold) == 1 / 2
    assert fact_match(fact("黑龙江", "流出", "2024"), asked, fold) == 1 / 4
    undated = asked_figure("黑龙江流出了多少人？", "黑龙江流出了多少人？")
    assert undated.years == ()
    assert fact_match(fact("黑龙江", "流出", "2024"), undated, fold) == 1 / 2


def test_an_english_question_matches_by_its_translations_and_bare_years() -> None:
    asked = asked_figure("how large was liaoning's natural decrease in 2024?", "辽宁 自然 减少")
    assert asked.text == "辽宁自然减少" and asked.years == ((2024, 2024),)
    assert fact_match(fact("辽宁", "自然减少", "2024"), asked, fold) == 3 / 4
    assert fact_match(fact("辽宁", "自然减少", "2010"), asked, fold) == 3 / 8


def test_an_english_question_s_translations_match_in_any_order() -> None:
    """English word order puts 人口 between 自然 and 减少: each translation covers its characters of the
    indicator, and a bigram counts when both its characters are covered, not when it runs on in the
    joined translations (人口减少 is no run of the indicator 自然减少, nor 然减 of the question)."""
    asked = asked_figure("natural population decrease in 2024", "自然 人口 减少")
    assert asked.pieces == ("自然", "人口", "减少")
    assert fact_match(fact("", "自然减少", "2024"), asked, fold) == 3 / 4  # as 自然减少 asked in Chinese
    assert fact_match(fact("", "常住人口减少", "2024"), asked, fold) == 3 / 6  # 人口, 口减, 减少
    assert fact_match(fact("", "出生率", "2024"), asked, fold) == 0.0
    # A Chinese question is read as its text runs: bigrams of the indicator found in it.
    chinese = asked_figure("自然人口减少", "自然人口减少")
    assert chinese.pieces == ()
    assert fact_match(fact("", "自然减少", "2024"), chinese, fold) == 2 / 4
