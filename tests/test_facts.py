"""Fact extraction end to end: the hard cases one by one, then the shipped corpus.

Changed from the gazetteer extractor (whose behaviour was wrong by the fact-gold guide):
entities are written as the text writes them (黑龙江、辽宁、吉林三省, 吉林省, not a canonical
东北三省 / 吉林); counted things with a one-character numeral are figures (两个五年计划: 2 个);
``20年后`` is a duration (20 年); a bare figure after another names its own entity.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from nekb.chunk import split_sentences
from nekb.facts import RATIO_UNIT, FactExtractor, extract_facts
from nekb.ingest import read_document
from nekb.segment import Segmenter
from nekb.types import DocumentInfo, Fact

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EVAL_FACTS = ROOT / "eval" / "facts.jsonl"


@pytest.fixture(scope="module")
def extractor() -> FactExtractor:
    return FactExtractor(Segmenter().tokenizer)


@pytest.fixture
def facts_of(extractor):
    def run(text: str, title: str = "", date: str = "") -> list[Fact]:
        info = DocumentInfo("doc.txt", title or "doc.txt", date=date)
        return extractor.extract("doc.txt", text, split_sentences(text), (), info)

    return run


def find(facts: list[Fact], value: float, unit: str | None = None) -> Fact:
    hits = [f for f in facts if f.value == pytest.approx(value) and (unit is None or f.unit == unit)]
    assert hits, f"no fact {value} {unit} in {[(f.value, f.unit) for f in facts]}"
    return hits[0]


def rows(facts: list[Fact], *fields: str) -> list[tuple]:
    return [tuple(getattr(f, name) for name in fields) for f in facts]


# --- enumerations ----------------------------------------------------------------------------


def test_enumeration_with_fenbie_pairs_entities_in_order_and_total_goes_to_the_list(facts_of):
    facts = facts_of("黑龙江、辽宁、吉林三省常住人口分别减少33万人、27万人、22.1万人,合计减少82.1万人。")
    assert rows(facts, "entity", "value", "unit") == [
        ("黑龙江", 33, "万人"),
        ("辽宁", 27, "万人"),
        ("吉林", 22.1, "万人"),
        ("黑龙江、辽宁、吉林三省", 82.1, "万人"),
    ]
    assert all("减少" in f.indicator for f in facts)
    assert facts[-1].indicator == "合计减少"


def test_enumeration_shares_the_last_unit_and_the_period_before_it(facts_of):
    facts = facts_of(
        "2003~2022年之间,中央先后给辽宁、吉林和黑龙江的转移支付总额分别达32553亿、28628亿、58847亿元。"
    )
    assert rows(facts, "entity", "value", "unit", "period") == [
        ("辽宁", 32553, "亿元", "2003-2022"),
        ("吉林", 28628, "亿元", "2003-2022"),
        ("黑龙江", 58847, "亿元", "2003-2022"),
    ]
    assert all("转移支付" in f.indicator for f in facts)


def test_traditional_enumeration(facts_of):
    facts = facts_of("2015年遼寧、吉林、黑龍江三省地區生產總值增速分別為3.0%、6.5%、5.7%。")
    assert rows(facts, "entity", "value", "period") == [
        ("辽宁", 3.0, "2015"),
        ("吉林", 6.5, "2015"),
        ("黑龙江", 5.7, "2015"),
    ]


# --- entities --------------------------------------------------------------------------------


def test_a_place_introducing_a_line_owns_its_figures(facts_of):
    facts = facts_of("人口构成如下:\n黑龙江:自然减少19.2万人,净流出13.8万人\n吉林:出生率4.17‰")
    assert rows(facts, "entity", "indicator", "value", "unit") == [
        ("黑龙江", "自然减少", 19.2, "万人"),
        ("黑龙江", "净流出", 13.8, "万人"),
        ("吉林", "出生率", 4.17, "‰"),
    ]


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("金华县面积为2049平方公里。", "金华县"),
        ("香港2019年的人口约为750万人。", "香港"),
        ("如景德镇聚焦手工制瓷技艺数字化转型,培育出2000余家陶瓷文创企业。", "景德镇"),
        ("以老工业基地为例,装备制造业占比超过60%。", "老工业基地"),
        ("2022年县域医院就诊人次较2015年下降近15%。", "县域医院"),
    ],
)
def test_entity_is_the_subject_of_the_clause_found_by_part_of_speech(facts_of, text, entity):
    """No gazetteer: 金华县 and 香港 are names by their tags, 县域医院 a group by its head noun."""
    assert facts_of(text)[0].entity == entity


def test_a_clause_without_subject_inherits_it_and_anaphors_resolve(facts_of):
    facts = facts_of(
        "华西临床医学院始于1914年。从1993年开始,华西临床医学院与华西医院实行两块牌子。"
        "截至2015年,该院具有高级职称的教师有836人,其中中国科学院院士1人、长江学者6人。"
    )
    assert {f.entity for f in facts} == {"华西临床医学院"}
    assert [f.indicator for f in facts] == ["具有高级职称的教师", "中国科学院院士", "长江学者"]
    assert {f.period for f in facts} == {"2015"}


def test_the_document_subject_is_the_fallback_and_its_short_name_wins(facts_of):
    text = "南宁市第二中学\n\n广西南宁市第二中学,简称南宁二中。学校还有1座天文台。现有教学班22个。"
    facts = facts_of(text)
    assert rows(facts, "entity", "indicator", "value", "unit") == [
        ("南宁二中", "天文台", 1, "座"),
        ("南宁二中", "教学班", 22, "个"),
    ]


def test_a_sentence_without_entity_inherits_the_paragraphs_subject_but_not_across_paragraphs(facts_of):
    facts = facts_of("吉林省2024年人口减少22.1万人。其中农村人口减少15万人。\n\n流失率达16%。")
    assert [f.entity for f in facts] == ["吉林省", "吉林省", ""]


def test_yardstick_entities_are_not_subjects(facts_of):
    facts = facts_of("东北教育资源占全国10%,人均受教育年限9.8年,比全国高0.7年。")
    assert {f.entity for f in facts} == {"东北"}
    facts = facts_of("东北的研发投入占GDP比重仅为1.28%,低于全国2.08%的平均水平。")
    assert rows(facts, "entity", "indicator") == [
        ("东北", "研发投入占GDP比重"),
        ("全国", "研发投入占GDP比重"),
    ]


def test_figures_in_brackets_belong_to_the_name_before_them(facts_of):
    facts = facts_of("东北是全国独生子女率最高的地区(辽宁53%、黑龙江51.1%)。")
    assert rows(facts, "entity", "value") == [("辽宁", 53), ("黑龙江", 51.1)]


# --- periods ---------------------------------------------------------------------------------


def test_periods_are_inherited_within_a_paragraph_and_from_a_list_introduction(facts_of):
    text = (
        "2024年东北三省人口流失82.1万人。黑龙江人口减少33万人。\n"
        "从人口减少的构成来看,2024年东北三省的人口减少呈现出双重特征。具体而言:\n"
        "吉林:自然减少11.3万人\n"
        "辽宁:自然减少22.1万人\n"
        "另一段落里的农村人口减少15万人。"
    )
    assert [f.period for f in facts_of(text)] == ["2024", "2024", "2024", "2024", ""]


def test_the_year_of_an_event_is_not_the_period_of_later_figures(facts_of):
    text = (
        "瓦士本市是1879年建城的。1971年该厂关闭。总面积为16.0平方公里。"
        "根据2000年的人口普查,瓦士本市有2280名居民,分938个户。"
    )
    facts = facts_of(text, title="瓦士本市 (威斯康辛州)")
    assert rows(facts, "entity", "period", "value") == [
        ("瓦士本市", "", 16.0),
        ("瓦士本市", "2000", 2280),
        ("瓦士本市", "2000", 938),
    ]


def test_a_heading_sets_the_section_subject(facts_of):
    text = (
        "3.1 黑龙江:资源型衰退的典型代表\n作为农业大省,人口减少33万人。\n"
        "3.2 吉林:老工业基地\n人口减少22.1万人。"
    )
    assert [f.entity for f in facts_of(text)] == ["黑龙江", "吉林"]


@pytest.mark.parametrize(
    ("text", "date", "period"),
    [
        ("今年是东北振兴战略实施20周年。", "2023-11-01", "2023"),
        ("去年东北地区人口减少80万人。", "2025", "2024"),
        ("今年是东北振兴战略实施20周年。", "", ""),
        ("第七次人口普查数据显示,10年间,东北3省人口共流出821万。", "", "2010-2020"),
        ("七普数据显示,辽宁65岁以上人口占比为17.42%。", "", "2020"),
        ("二十年来,先后出台四份总体纲领性文件。", "2023-11-01", "2003-2023"),
        ("2010-2020年常住人口减少16.7%,同期一般公共预算收入由25.3亿元降至18.9亿元。", "", "2010-2020"),
        ("截至2023年底,全市常住人口为910万人。", "", "2023"),
        ("人口约33,700人（2008年）。", "", "2008"),
        ("2024年3月,全市新增就业2.1万人。", "", "2024-03"),
        ("2022年县域医院就诊人次较2015年下降近15%。", "", "2015-2022"),
        ("东盟校区于2013年招收首届高中生202人,目前有在校生近2100人。", "", ""),
    ],
)
def test_relative_and_inherited_periods(facts_of, text, date, period):
    assert facts_of(text, date=date)[-1].period == period


def test_change_from_one_year_to_another_keeps_each_period(facts_of):
    facts = facts_of("东北地区经济总量占全国经济总量的比重也从2003年的8.5%下降到2021年底的4.9%。")
    assert rows(facts, "entity", "period", "value") == [("东北地区", "2003", 8.5), ("东北地区", "2021", 4.9)]
    assert facts[0].indicator == facts[1].indicator and "比重" in facts[0].indicator


# --- what is not a fact ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024年,国务院召开会议。",
        "据统计[15],会议于10月27日召开,9月份再次部署。",
        "1.1 流失规模的历史性突破",
        "一、人口流失的现状",
        "它于1876年建成,1358年王室放弃了宫殿。",
        "中華民國空軍決定從民國98年起全面升級。南宁二中于清光绪三十二年建校。",
        "这是一些问题,统一部署一个目标。",
        "党的十八大、十九大和二十大以来,七普数据显示五年规划第一次提出一带一路。",
        "第七次人口普查,十余年间,二十年来,一两个产业亮点。",
        "东北三省和七台河市落实十四五规划,位居全国第三,90后群体增多。",
        "他在男子100米决赛中获胜,排名前10名。",
        "508年她和叔叔联手,在天文15年（1546年）出生,472年（北魏延兴2年）上表。",
        "庆安4年4月20日死去,于1988-89及2010/11年球季夺冠。",
        "2023-11-01 13:34",
    ],
)
def test_years_dates_ordinals_and_names_are_not_facts(facts_of, text):
    assert facts_of(text) == []


def test_a_traditional_year_is_a_period_not_a_fact(facts_of):
    facts = facts_of("該校於1876年創立,1906年學生人數達到1200人。")
    assert rows(facts, "period", "value", "unit") == [("1906", 1200, "人")]


def test_age_brackets_are_part_of_the_indicator_not_facts(facts_of):
    facts = facts_of("根据黑龙江省2024年统计公报,全省0-14岁人口占比仅为8.4%,65岁及以上人口占比高达19.4%。")
    assert rows(facts, "entity", "indicator", "period", "value", "qualifier") == [
        ("黑龙江省", "0-14岁人口占比", "2024", 8.4, "仅"),
        ("黑龙江省", "65岁及以上人口占比", "2024", 19.4, "达"),
    ]


def test_a_size_naming_what_is_counted_is_not_a_figure(facts_of):
    facts = facts_of("学校还有1座天文台、1个400米、2个300米塑胶田径场。")
    assert rows(facts, "value", "unit") == [(1, "座"), (1, "个"), (2, "个")]


# --- numbers, units, indicators ----------------------------------------------------------------


def test_qualifiers_stay_out_of_the_indicator(facts_of):
    facts = facts_of("以老工业基地为例,装备制造业占比超过60%,但智能制造渗透率不足30%。")
    assert rows(facts, "indicator", "qualifier") == [("装备制造业占比", "超过"), ("智能制造渗透率", "不足")]


def test_shares_listed_after_their_figures(facts_of):
    facts = facts_of("其中92.06%是白人、0.18%是非裔美国人。人口结构为26.6%在18岁以下、6.2%在18至24岁之间。")
    assert [f.indicator for f in facts] == ["白人占比", "非裔美国人占比", "18岁以下占比", "18至24岁之间占比"]


def test_counted_nouns_and_one_character_numerals(facts_of):
    facts = facts_of("现学校在南宁市内有两个校区。先后出台四份总体纲领性文件,推出上百种优惠支持政策。")
    assert rows(facts, "value", "unit", "indicator") == [
        (2, "个", "校区"),
        (4, "份", "总体纲领性文件"),
        (100, "种", "优惠支持政策"),
    ]


def test_negative_growth_rates(facts_of):
    facts = facts_of("2016年三省增速分别为-2.5%、6.9%、6.1%。平均气温-20℃以下。")
    assert find(facts, -2.5, "%").period == "2016"
    assert find(facts, -20, "℃").qualifier == "以下"


def test_range_gives_both_ends_with_their_units(facts_of):
    facts = facts_of("对顶尖创新创业团队给予300万元至1000万元的资金扶持。沈阳、长春月薪约5000-6000元。")
    assert find(facts, 300, "万元") and find(facts, 1000, "万元")
    low = find(facts, 5000, "元")
    assert low.qualifier == "约" and low.entity == "沈阳、长春" and low.indicator == "月薪"
    assert find(facts, 6000, "元")


def test_ratios(facts_of):
    facts = facts_of("黑龙江养老保险抚养比已达1:1.3,远超全国1∶2.9的平均水平。女子对男子的性别比为100:92.2。")
    first, second, third = facts
    assert (first.entity, first.value, first.unit, first.qualifier) == ("黑龙江", 1.3, RATIO_UNIT, "达")
    assert "抚养比" in first.indicator and "抚养比" in second.indicator
    assert (second.entity, second.value, second.unit) == ("全国", 2.9, RATIO_UNIT)
    assert (third.value, third.unit, third.indicator) == (92.2, "%", "女子对男子的性别比")


def test_chinese_numerals_with_a_unit_are_values(facts_of):
    facts = facts_of("黑龙江去年减少了三十三万人,出生率下降百分之十五。")
    assert find(facts, 33, "万人").entity == "黑龙江"
    assert find(facts, 15, "%")


def test_numbers_split_by_pdf_spaces(facts_of):
    facts = facts_of("东北三省GDP  由 2003  年的不足  1.3  万亿元增至2015年的 5.8万亿元。")
    low, high = facts
    assert rows([low], "entity", "value", "unit", "qualifier", "period") == [
        ("东北三省", 1.3, "万亿元", "不足", "2003")
    ]
    assert (high.value, high.unit, high.period) == (5.8, "万亿元", "2015")
    assert low.indicator == high.indicator == "GDP"


def test_traditional_text_is_normalized_to_simplified(facts_of):
    facts = facts_of("其中黑龍江流出393萬,吉林241萬。遼寧、吉林兩省60歲以上人口占比均已超過23%。")
    first = find(facts, 393)
    assert (first.entity, first.unit) == ("黑龙江", "万") and "流出" in first.indicator
    assert find(facts, 241).indicator == first.indicator
    share = find(facts, 23, "%")
    assert share.entity == "辽宁、吉林两省" and share.qualifier == "超过" and "人口占比" in share.indicator


def test_thousands_separators_and_full_width_digits(facts_of):
    facts = facts_of("东北三省累计减少1,250万人,吉林出生率４．１７‰。")
    assert find(facts, 1250, "万人").entity == "东北三省"
    assert find(facts, 4.17, "‰").entity == "吉林"


def test_a_bare_figure_takes_the_indicator_its_unit_had_before(facts_of):
    facts = facts_of("沈阳2023年GDP达8122亿元，增速5.6%；大连8752亿元，增速6.7%。")
    assert rows(facts, "entity", "indicator", "value") == [
        ("沈阳", "GDP", 8122),
        ("沈阳", "增速", 5.6),
        ("大连", "GDP", 8752),
        ("大连", "增速", 6.7),
    ]


def test_fact_ids_offsets_and_pages(extractor):
    text = "第一页没有数字。\n吉林:出生率4.17‰,出生人口不足10万"
    spans = split_sentences(text)
    facts = extract_facts("d.txt", text, spans, page_starts=(0, 9), extractor=extractor)
    assert [f.fact_id for f in facts] == [f"d.txt#{spans[1][0]}-0", f"d.txt#{spans[1][0]}-1"]
    assert all(f.sentence == text[f.start : f.end] and f.page == 2 for f in facts)
    assert facts[1].qualifier == "不足"


# --- the shipped corpus ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_facts(extractor) -> tuple[list[Fact], dict[str, str], float]:
    texts: dict[str, str] = {}
    facts: list[Fact] = []
    elapsed = 0.0
    for path in sorted(CORPUS.iterdir()):
        if path.suffix.lower() not in (".txt", ".md", ".pdf"):
            continue
        document = read_document(path)
        spans = split_sentences(document.text)
        started = time.perf_counter()
        facts += extractor.extract(path.name, document.text, spans, tuple(document.page_starts))
        elapsed += time.perf_counter() - started
        texts[path.name] = document.text
    return facts, texts, elapsed


def row_matches(fact: Fact, row: dict) -> bool:
    """The old rule: entity contained, value equal, unit a prefix, period contained, keyword found."""
    units_fit = fact.unit.startswith(row["unit"]) or row["unit"].startswith(fact.unit)
    return (
        row["entity"] in fact.entity
        and fact.value == pytest.approx(row["value"])
        and bool(fact.unit) == bool(row["unit"])
        and units_fit
        and row["period"] in fact.period
        and (row["keyword"] in fact.indicator or row["keyword"] in fact.sentence)
    )


def test_corpus_facts_cover_the_evaluation_table_and_quote_sentences(corpus_facts):
    facts, texts, elapsed = corpus_facts
    expected = [
        json.loads(line) for line in EVAL_FACTS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    missed = [row["id"] for row in expected if not any(row_matches(f, row) for f in facts)]
    assert not missed, f"evaluation facts not extracted: {missed}"
    assert all(f.sentence == texts[f.doc_id][f.start : f.end] for f in facts)
    assert len({f.fact_id for f in facts}) == len(facts)
    assert 150 <= len(facts) <= 400, len(facts)
    print(f"\n{len(facts)} facts in {elapsed:.2f} s; a sample:")
    for fact in random.Random(0).sample(facts, 10):
        print(
            f"  {fact.entity} | {fact.indicator} | {fact.period} | {fact.value:g}{fact.unit} {fact.qualifier}"
        )


def test_corpus_facts_are_plausible(corpus_facts):
    facts, _, _ = corpus_facts
    assert all(f.unit or "分别" in f.sentence for f in facts)
    assert all(len(f.indicator) <= 16 for f in facts)
    assert not [f for f in facts if f.unit in ("年", "") and 1000 <= f.value <= 2100]  # years are periods
    assert sum(1 for f in facts if f.entity) >= 0.9 * len(facts)
    assert sum(1 for f in facts if f.indicator) >= 0.95 * len(facts)
