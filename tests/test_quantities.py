"""Numbers, units and qualifiers in a sentence, and the digits that are no figures."""

from __future__ import annotations

import pytest
from opencc import OpenCC

from nekb.quantities import RATIO_UNIT, find_quantities, not_figure_spans, plain_form


def quantities(text: str) -> list[tuple[float, str, str]]:
    return [(q.value, q.unit, q.qualifier) for q in find_quantities(text, not_figure_spans(text))]


def test_plain_form_keeps_the_length_and_simplifies():
    text = "黑龍江流出３９３萬，占比２３％"
    plain = plain_form(OpenCC("t2s"), text)
    assert len(plain) == len(text) and plain == "黑龙江流出393万,占比23%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("减少33万人", [(33, "万人", "")]),
        ("出生率3.35‰", [(3.35, "‰", "")]),
        ("约5000-6000元", [(5000, "元", "约"), (6000, "元", "")]),
        (
            "分别达32553亿、28628亿、58847亿元",
            [(32553, "亿元", "达"), (28628, "亿元", ""), (58847, "亿元", "")],
        ),
        ("超过10万人", [(10, "万人", "超过")]),
        ("2000余家企业", [(2000, "家", "多")]),
        ("不足1.3万亿元", [(1.3, "万亿元", "不足")]),
        ("平均气温-20℃以下", [(-20, "℃", "以下")]),
        ("三十三万人", [(33, "万人", "")]),
        ("百分之十五", [(15, "%", "")]),
        ("有两个校区", [(2, "个", "")]),
        ("连续五年低于", [(5, "年", "")]),
        ("推出上百种政策", [(100, "种", "约")]),
        ("以9秒69夺冠", [(9.69, "秒", "")]),
        ("身高2米11,另一人1米8", [(2.11, "米", ""), (1.8, "米", "")]),
        ("长3米12个,跳3米2次", [(3, "米", ""), (12, "个", ""), (3, "米", ""), (2, "次", "")]),
        ("33,257美元", [(33257, "美元", "")]),
        ("抚养比已达1:1.3", [(1.3, RATIO_UNIT, "达")]),
        ("性别比为100:92.2", [(92.2, "%", "")]),
        ("20年后", [(20, "年", "")]),
        ("1个400米、2个300米塑胶田径场", [(1, "个", ""), (2, "个", "")]),
        ("跑道长3.2km", [(3.2, "km", "")]),  # not the 3 before its decimal point
        ("身高182CM,株高2.5 m,装机100MW", [(182, "CM", ""), (2.5, "m", ""), (100, "MW", "")]),
        ("株高2.5 m以上", [(2.5, "m", "以上")]),
    ],
)
def test_figures(text, expected):
    assert quantities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "10月27日召开,9月份部署",
        "65岁及以上人口",
        "在18至24岁之间",
        "每10万人中",
        "排名前10名",
        "90后群体",
        "《新时代大庆人才振兴20条》",
        "“15分钟托育服务圈”",
        "10年间",
        "近十年",
        "二十年来",
        "1358年王室放弃",
        "508年她和叔叔",
        "天文15年（1546年）出生",
        "庆安4年4月20日",
        "民国98年起",
        "N64所推出",
        "13:34",
        "一座城市",
        "另两个是",
        "据统计[15]",
        "A-35M型",
        "3G网络",
    ],
)
def test_not_figures(text):
    """Nothing with a unit (a bare number never becomes a fact unless 分别 pairs it)."""
    assert [q for q in quantities(text) if q[1]] == []


def test_long_durations_are_figures_not_years():
    assert quantities("有2000多年历史") == [(2000, "年", "多")]
    assert quantities("距今1000年") == [(1000, "年", "")]
    assert quantities("监禁至少25年") == [(25, "年", "至少")]


def test_ages_that_are_values_stay():
    assert quantities("平均年龄为40岁。") == [(40, "岁", "")]
    assert quantities("初婚年龄推迟至29.5岁(全国平均28.6岁)") == [(29.5, "岁", ""), (28.6, "岁", "")]


def test_blocked_spans_are_skipped():
    text = "2024年减少33万人"
    assert [(q.value, q.unit) for q in find_quantities(text, [(0, 5)])] == [(33, "万人")]
