"""nekb.ui.factview: a claim's facts beside comparable figures, the fact table's filters and chart."""

import pandas as pd

from nekb.types import Answer, Claim, Fact, RelatedFact
from nekb.ui import factview


def fact(fact_id: str, doc_id: str, value: float, period: str = "2024", entity: str = "黑龙江") -> Fact:
    return Fact(fact_id, entity, "常住人口减少", period, value, "万人", "", doc_id, "句子。", 0, 3)


def test_fact_comparison_rows_mark_agreement():
    own = fact("f1", "a.txt", 33)
    related = {
        "f1": [RelatedFact(fact("f2", "b.txt", 33), True), RelatedFact(fact("f3", "c.pdf", 30), False)]
    }
    rows = factview.fact_comparison_rows([own], related, {"a.txt": "甲", "b.txt": "乙"})
    assert list(rows["对照"]) == ["本句", "✓ 一致", "✗ 不一致"]
    assert list(rows["来源"]) == ["《甲》", "↳ 《乙》", "↳ 《c.pdf》"]
    assert list(rows["数值"]) == ["33 万人", "33 万人", "30 万人"]


def test_claim_facts_reports_missing_ids():
    f1 = fact("f1", "a.txt", 1)
    claim = Claim("x", "a.txt", 0, 1, None, (1,), ("f1", "f9"))
    found, missing = factview.claim_facts(Answer("q", (claim,), (), (f1,)), claim)
    assert found == [f1] and missing == ["f9"]


def test_format_value():
    assert factview.format_value(33.0, "万人") == "33 万人"
    assert factview.format_value(3.35, "‰") == "3.35‰"
    assert factview.format_value(1200000.0, "") == "1,200,000"
    assert factview.format_value(0.125, "%") == "0.125%"


def facts_frame() -> pd.DataFrame:
    rows = [
        fact("f1", "a.txt", 33, "2024", "黑龙江"),
        fact("f2", "a.txt", 27, "2024", "吉林"),
        fact("f3", "b.txt", 25, "2023", "吉林"),
        fact("f4", "b.txt", 26, "2023", "吉林"),
        Fact("f5", "黑龙江", "出生率", "", 3.35, "‰", "", "b.txt", "黑龙江:出生率3.35‰", 0, 9),
    ]
    return factview.with_titles(pd.DataFrame([f.to_dict() for f in rows]), {"a.txt": "甲", "b.txt": "乙"})


def test_filter_facts():
    frame = facts_frame()
    assert list(factview.filter_facts(frame, entities=["吉林"])["fact_id"]) == ["f2", "f3", "f4"]
    assert list(factview.filter_facts(frame, periods=["2023"], doc_ids=["b.txt"])["fact_id"]) == ["f3", "f4"]
    assert list(factview.filter_facts(frame, text="出生")["fact_id"]) == ["f5"]
    assert len(factview.filter_facts(frame)) == 5
    assert factview.choices(frame, "entity") == ["吉林", "黑龙江"]


def test_chart_data_keeps_bars_apart_and_traceable():
    data = factview.chart_data(facts_frame(), "常住人口减少", "万人")
    assert len(data) == 4
    jilin_2023 = data[(data["entity"] == "吉林") & (data["period"] == "2023")]
    assert sorted(jilin_2023["series"]) == ["2023", "2023 (2)"]
    assert set(data["title"]) == {"甲", "乙"}
    spec = factview.fact_chart(data, "常住人口减少", "万人").to_dict()
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"sentence", "title"}
    assert spec["encoding"]["color"]["field"] == "period_label"
