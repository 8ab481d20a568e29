"""Period expressions: explicit, relative, census years, durations, bases of comparison."""

from __future__ import annotations

import pytest

from nekb.periods import document_year, find_periods, is_data_period, period_before


def labels(text: str, doc_year: int | None = None, context: str = "") -> list[str]:
    return [p.label for p in find_periods(text, doc_year, context) if not p.is_base]


@pytest.mark.parametrize(
    ("text", "doc_year", "context", "expected"),
    [
        ("2024年", None, "", ["2024"]),
        ("2010-2020年间", None, "", ["2010-2020"]),
        ("2003~2022年之间", None, "", ["2003-2022"]),
        ("从2014年到2024年", None, "", ["2014-2024"]),
        ("2010年—2020年", None, "", ["2010-2020"]),
        ("2024年3月", None, "", ["2024-03"]),
        ("截至2023年底", None, "", ["2023"]),
        ("1988-89年球季", None, "", ["1988-1989"]),
        ("2010/11年", None, "", ["2010-2011"]),
        ("1358年", None, "", ["1358"]),
        ("今年", 2023, "", ["2023"]),
        ("去年", 2025, "", ["2024"]),
        ("今年", None, "", [""]),
        ("当年", None, "2019", ["2019"]),
        ("同期", None, "2010-2020", ["2010-2020"]),
        ("第七次全国人口普查", None, "", ["2020"]),
        ("六普", None, "", ["2010"]),
        ("七普数据显示,10年间", None, "", ["2020", "2010-2020"]),
        ("二十年来", 2023, "", ["2003-2023"]),
        ("过去四年", None, "2024", ["2020-2024"]),
        ("十多年间", 2018, "", [""]),
        ("十年来", None, "", [""]),
        ("目前", 2023, "2015", [""]),
    ],
)
def test_labels(text, doc_year, context, expected):
    assert labels(text, doc_year, context) == expected


def test_now_words_say_now():
    (mention,) = find_periods("目前有在校生2100人", None, "2013")
    assert mention.is_now and mention.label == ""


def test_a_year_after_a_comparison_word_is_a_base():
    mentions = find_periods("2022年县域医院就诊人次较2015年下降近15%", None, "")
    assert [(p.label, p.is_base) for p in mentions] == [("2022", False), ("2015", True)]
    assert [p.is_base for p in find_periods("比上年增长4.1%", 2024, "")] == [True]


def test_period_before_a_figure():
    s = "2022年县域医院就诊人次较2015年下降近15%,从2003年的8.5%下降到2021年底的4.9%"
    mentions = find_periods(s, None, "")
    assert period_before(mentions, s.index("15%"), 0) == "2015-2022"
    assert period_before(mentions, s.index("8.5%"), s.index("从")) == "2003"
    assert period_before(mentions, s.index("4.9%"), s.index("从")) == "2021"
    assert period_before(find_periods("增长15%", None, ""), 2, 0) is None


def test_data_years_and_event_years():
    s = "截至2015年,该院有教师836人"
    assert is_data_period(s, find_periods(s, None, "")[0])
    s = "瓦士本市是1879年建城的"
    assert not is_data_period(s, find_periods(s, None, "")[0])
    s = "从人口减少的构成来看,2024年东北三省的人口减少呈现出双重特征"
    assert is_data_period(s, find_periods(s, None, "")[0])


def test_document_year():
    assert document_year("2023-11-01") == 2023
    assert document_year("2025") == 2025
    assert document_year("") is None
