"""Indicators: the measured noun phrase, without entity, period, qualifiers or fillers."""

from __future__ import annotations

import pytest

from nekb.indicators import copula_phrase, following_phrase, indicator_for, shorten
from nekb.quantities import find_quantities, not_figure_spans


def indicators(s: str, entities: list[tuple[int, int, bool]] = ()) -> list[str]:
    """Indicators of each figure of a one-clause text (the figure before passed on, as facts.py does)."""
    figures = find_quantities(s, not_figure_spans(s))
    out, previous = [], None
    for q in figures:
        left = previous[0].end if previous else 0
        indicator = indicator_for(s, 0, left, q, previous, figures, list(entities))
        out.append(indicator)
        previous = (q, indicator)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("出生率3.35‰", ["出生率"]),
        ("第三产业占比长期低于40%", ["第三产业占比"]),
        ("人口流动量增幅达35%", ["人口流动量增幅"]),
        ("培育出2000余家陶瓷文创企业", ["陶瓷文创企业"]),
        ("有4间高水平实验室", ["高水平实验室"]),
        ("分938个户", ["户数"]),
        ("92.06%是白人、0.18%是非裔美国人", ["白人占比", "非裔美国人占比"]),
        ("占总面积的36.3%", ["占总面积比例"]),
        ("长约30厘米", ["长度"]),
        ("分别减少33万人、27万人", ["减少", "减少"]),
        ("人口从92万减少到69万", ["人口", "人口"]),
        ("首次超过了人口净流出的规模37.3万人", ["人口净流出的规模"]),
    ],
)
def test_indicator(text, expected):
    assert indicators(text) == expected


def test_a_subject_is_cut_out_and_a_yardstick_after_zhan_stays():
    s = "东北地区经济总量占全国经济总量的比重8.5%"
    assert indicators(s, [(0, 4, False), (9, 11, True)]) == ["经济总量占全国经济总量的比重"]


def test_phrases_and_shortening():
    assert following_phrase("家陶瓷文创企业。", 1) == "陶瓷文创企业"
    assert following_phrase("人的学生", 1) == "学生"
    assert copula_phrase("在18至24岁之间、", 1) == "18至24岁之间"
    assert shorten("风险投资机构在人口净流出地区的投资占比") == "风险投资机构投资占比"
    assert len(shorten("非常非常长的一个完全不知道在说什么的指标名称")) <= 16
