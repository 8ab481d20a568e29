"""Fact extraction: hard cases one by one, then the shipped corpus against eval/facts.jsonl."""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import pytest

from nekb.facts import RATIO_UNIT, extract_facts
from nekb.types import Fact

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EVAL_FACTS = ROOT / "eval" / "facts.jsonl"

try:
    from nekb.chunk import split_sentences
except ImportError:  # the chunker is someone else's module; a plain splitter is enough here
    _SENTENCE = re.compile(r"[^。！？；!?\n]+[。！？；!?]*")

    def split_sentences(text: str) -> list[tuple[int, int]]:
        return [m.span() for m in _SENTENCE.finditer(text) if m.group().strip()]


try:
    from nekb.ingest import read_document

    def read_text(path: Path) -> tuple[str, tuple[int, ...]]:
        document = read_document(path)
        return document.text, tuple(document.page_starts)

except ImportError:
    _PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")

    def read_text(path: Path) -> tuple[str, tuple[int, ...]]:
        if path.suffix == ".pdf":
            from pypdf import PdfReader

            pages = [page.extract_text() or "" for page in PdfReader(path).pages]
            starts, offset = [], 0
            for page in pages:
                starts.append(offset)
                offset += len(page) + 1
            return "\n".join(pages), tuple(starts)
        return _PINYIN.sub("", path.read_text(encoding="utf-8")), ()


def facts_of(text: str) -> list[Fact]:
    return extract_facts("doc", text, split_sentences(text))


def find(facts: list[Fact], value: float, unit: str | None = None) -> Fact:
    hits = [f for f in facts if f.value == pytest.approx(value) and (unit is None or f.unit == unit)]
    assert hits, f"no fact {value} {unit} in {[(f.value, f.unit) for f in facts]}"
    return hits[0]


def test_enumeration_with_fenbie_pairs_entities_in_order_and_total_goes_to_the_group():
    facts = facts_of("黑龙江、辽宁、吉林三省常住人口分别减少33万人、27万人、22.1万人,合计减少82.1万人。")
    assert [(f.entity, f.value, f.unit) for f in facts] == [
        ("黑龙江", 33, "万人"),
        ("辽宁", 27, "万人"),
        ("吉林", 22.1, "万人"),
        ("东北三省", 82.1, "万人"),
    ]
    assert all("减少" in f.indicator for f in facts)
    assert facts[-1].indicator == "合计减少"


def test_enumeration_shares_the_last_unit_and_the_period_before_it():
    facts = facts_of(
        "2003~2022年之间,中央先后给辽宁、吉林和黑龙江的转移支付总额分别达32553亿、28628亿、58847亿元。"
    )
    assert [(f.entity, f.value, f.unit, f.period) for f in facts] == [
        ("辽宁", 32553, "亿元", "2003-2022"),
        ("吉林", 28628, "亿元", "2003-2022"),
        ("黑龙江", 58847, "亿元", "2003-2022"),
    ]


def test_a_province_introducing_a_line_owns_its_figures():
    facts = facts_of("黑龙江:自然减少19.2万人,净流出13.8万人\n黑龙江:出生率3.35‰")
    assert [(f.entity, f.indicator, f.value, f.unit) for f in facts] == [
        ("黑龙江", "自然减少", 19.2, "万人"),
        ("黑龙江", "净流出", 13.8, "万人"),
        ("黑龙江", "出生率", 3.35, "‰"),
    ]


def test_a_sentence_without_entity_inherits_the_paragraphs_subject_but_not_across_paragraphs():
    facts = facts_of("吉林省2024年人口减少22.1万人。其中农村人口减少15万人。\n\n流失率达16%。")
    assert [f.entity for f in facts] == ["吉林", "吉林", ""]


def test_negative_growth_rates():
    facts = facts_of("2016年三省增速分别为-2.5%、6.9%、6.1%。平均气温-20℃以下。")
    assert find(facts, -2.5, "%").period == "2016"
    cold = find(facts, -20, "℃")
    assert cold.qualifier == "以下"


def test_range_gives_both_ends_with_their_units():
    facts = facts_of("对顶尖创新创业团队给予300万元至1000万元的资金扶持。沈阳、长春月薪约5000-6000元。")
    assert find(facts, 300, "万元") and find(facts, 1000, "万元")
    low = find(facts, 5000, "元")
    assert low.qualifier == "约" and low.entity == "沈阳、长春" and low.indicator == "月薪"
    assert find(facts, 6000, "元")


def test_ratio_is_one_fact_with_unit_bizhi():
    facts = facts_of("黑龙江养老保险抚养比已达1:1.3,远超全国1∶2.9的平均水平。")
    first, second = facts
    assert (first.entity, first.value, first.unit, first.qualifier) == ("黑龙江", 1.3, RATIO_UNIT, "达")
    assert "抚养比" in first.indicator
    assert (second.entity, second.value, second.unit) == ("全国", 2.9, RATIO_UNIT)


def test_clock_time_is_not_a_ratio():
    assert facts_of("2023-11-01 13:34") == []


def test_chinese_numerals_with_a_unit_are_values():
    facts = facts_of("黑龙江去年减少了三十三万人,出生率下降百分之十五。")
    assert find(facts, 33, "万人").entity == "黑龙江"
    assert find(facts, 15, "%")


@pytest.mark.parametrize(
    "text",
    [
        "这是一些问题,统一部署一个目标。",
        "党的十八大、十九大和二十大以来,七普数据显示五年规划第一次提出一带一路。",
        "第七次人口普查,十余年间,二十年来,两个五年计划,一两个产业亮点。",
    ],
)
def test_chinese_number_words_are_not_facts(text):
    assert facts_of(text) == []


def test_numbers_split_by_pdf_spaces():
    facts = facts_of("东北三省GDP  由 2003  年的不足  1.3  万亿元增至2015年的 5.8万亿元。")
    low, high = facts
    assert (low.entity, low.value, low.unit, low.qualifier, low.period) == (
        "东北三省",
        1.3,
        "万亿元",
        "不足",
        "2003",
    )
    assert (high.value, high.unit, high.period) == (5.8, "万亿元", "2015")
    assert low.indicator == high.indicator == "GDP"


def test_traditional_text_is_normalized_to_simplified():
    facts = facts_of("其中黑龍江流出393萬,吉林241萬。遼寧、吉林兩省60歲以上人口占比均已超過23%。")
    first = find(facts, 393)
    assert (first.entity, first.unit) == ("黑龙江", "万") and "流出" in first.indicator
    assert find(facts, 241).indicator == first.indicator
    share = find(facts, 23, "%")
    assert share.entity == "辽宁、吉林" and share.qualifier == "超过" and "人口占比" in share.indicator


def test_thousands_separators_and_full_width_digits():
    facts = facts_of("东北三省累计减少1,250万人,吉林出生率４．１７‰。")
    assert find(facts, 1250, "万人").entity == "东北三省"
    assert find(facts, 4.17, "‰").entity == "吉林"


@pytest.mark.parametrize(
    "text",
    [
        "2024年,国务院召开会议。",
        "据统计[15],会议于10月27日召开,9月份再次部署。",
        "1.1 流失规模的历史性突破",
        "1.2 人口结构的深度失衡",
        "一、人口流失的现状",
        "20年后东北新一轮全面振兴",
    ],
)
def test_years_citations_dates_and_section_numbers_are_not_facts(text):
    assert facts_of(text) == []


def test_a_comparison_base_year_is_not_the_period():
    facts = facts_of(
        "初婚年龄推迟至29.5岁(全国平均28.6岁),结婚登记率较2010年下降42%。全国人口比2022年末减少208万人。"
    )
    assert [(f.entity, f.indicator, f.period, f.value) for f in facts] == [
        ("", "初婚年龄", "", 29.5),
        ("全国", "初婚年龄", "", 28.6),
        ("", "结婚登记率下降", "", 42),
        ("全国", "人口减少", "", 208),
    ]


def test_a_bare_figure_takes_the_indicator_its_unit_had_in_the_previous_sentence():
    facts = facts_of("沈阳2023年GDP达8122亿元，增速5.6%；大连8752亿元，增速6.7%。")
    assert [(f.entity, f.indicator, f.value) for f in facts] == [
        ("沈阳", "GDP", 8122),
        ("沈阳", "增速", 5.6),
        ("大连", "GDP", 8752),
        ("大连", "增速", 6.7),
    ]


def test_age_brackets_are_part_of_the_indicator_not_facts():
    facts = facts_of("根据黑龙江省2024年统计公报,全省0-14岁人口占比仅为8.4%,65岁及以上人口占比高达19.4%。")
    assert [(f.entity, f.indicator, f.period, f.value, f.qualifier) for f in facts] == [
        ("黑龙江", "0-14岁人口占比", "2024", 8.4, "仅"),
        ("黑龙江", "65岁及以上人口占比", "2024", 19.4, "达"),
    ]


def test_change_from_to_keeps_indicator_and_each_period():
    facts = facts_of("东北地区经济总量占全国经济总量的比重也从2003年的8.5%下降到2021年底的4.9%。")
    assert [(f.entity, f.period, f.value) for f in facts] == [
        ("东北地区", "2003", 8.5),
        ("东北地区", "2021", 4.9),
    ]
    assert facts[0].indicator == facts[1].indicator and "比重" in facts[0].indicator


def test_yardstick_entities_are_not_subjects():
    facts = facts_of("东北教育资源占全国10%,人均受教育年限9.8年,比全国高0.7年。")
    assert {f.entity for f in facts} == {"东北"}
    facts = facts_of("东北的研发投入占GDP比重仅为1.28%,低于全国2.08%的平均水平。")
    assert [(f.entity, f.indicator) for f in facts] == [
        ("东北", "研发投入占GDP比重"),
        ("全国", "研发投入占GDP比重"),
    ]


def test_counted_noun_after_the_unit_names_the_indicator():
    fact = facts_of("如景德鎮聚焦手工制瓷技藝數字化轉型,培育出2000余家陶瓷文創企業。")[0]
    assert (fact.entity, fact.indicator, fact.value, fact.unit, fact.qualifier) == (
        "景德镇",
        "陶瓷文创企业",
        2000,
        "家",
        "多",
    )


def test_fact_ids_offsets_and_pages():
    text = "第一页没有数字。\n吉林:出生率4.17‰,出生人口不足10万"
    spans = split_sentences(text)
    facts = extract_facts("d.txt", text, spans, page_starts=(0, 9))
    assert [f.fact_id for f in facts] == [f"d.txt#{spans[1][0]}-0", f"d.txt#{spans[1][0]}-1"]
    assert all(f.sentence == text[f.start : f.end] and f.page == 2 for f in facts)
    assert facts[1].qualifier == "不足"


# --- the shipped corpus ----------------------------------------------------------------------


def corpus_facts() -> tuple[list[Fact], dict[str, str], float]:
    texts: dict[str, str] = {}
    facts: list[Fact] = []
    elapsed = 0.0
    for path in sorted(CORPUS.iterdir()):
        if path.suffix.lower() not in (".txt", ".md", ".pdf"):
            continue
        text, page_starts = read_text(path)
        spans = split_sentences(text)
        started = time.perf_counter()
        facts += extract_facts(path.name, text, spans, page_starts)
        elapsed += time.perf_counter() - started
        texts[path.name] = text
    return facts, texts, elapsed


def row_matches(fact: Fact, row: dict) -> bool:
    """The evaluation rule: entity contained, value equal, unit a prefix, period contained, keyword found."""
    units_fit = fact.unit.startswith(row["unit"]) or row["unit"].startswith(fact.unit)
    return (
        row["entity"] in fact.entity
        and fact.value == pytest.approx(row["value"])
        and bool(fact.unit) == bool(row["unit"])
        and units_fit
        and row["period"] in fact.period
        and (row["keyword"] in fact.indicator or row["keyword"] in fact.sentence)
    )


def test_corpus_facts_cover_the_evaluation_table_and_quote_sentences():
    facts, texts, elapsed = corpus_facts()
    rows = [json.loads(line) for line in EVAL_FACTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    missed = [row["id"] for row in rows if not any(row_matches(f, row) for f in facts)]
    assert not missed, f"evaluation facts not extracted: {missed}"
    assert all(f.sentence == texts[f.doc_id][f.start : f.end] for f in facts)
    assert len({f.fact_id for f in facts}) == len(facts)
    assert 150 <= len(facts) <= 400, len(facts)
    print(f"\n{len(facts)} facts in {elapsed:.2f} s; a sample:")
    for fact in random.Random(0).sample(facts, 10):
        print(
            f"  {fact.entity} | {fact.indicator} | {fact.period} | {fact.value:g}{fact.unit} {fact.qualifier}"
        )


def test_corpus_facts_are_plausible():
    facts, _, _ = corpus_facts()
    assert all(f.unit or "分别" in f.sentence for f in facts)
    assert all(len(f.indicator) <= 16 for f in facts)
    assert not [f for f in facts if f.unit == "年" and 1900 <= f.value <= 2100]  # years are periods
    assert sum(1 for f in facts if f.entity) >= 0.9 * len(facts)
    assert sum(1 for f in facts if f.indicator) >= 0.95 * len(facts)
