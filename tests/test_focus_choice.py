"""The span of a claim shown in bold: the asked kind, the asked unit, 分别 lists, and the question's words."""

from __future__ import annotations

import pytest

from nekb.answer_type import ASKS_FIGURE, ASKS_ORG, ASKS_PERSON, ASKS_PLACE, ASKS_TIME, question_kind
from nekb.focus_choice import (
    ASKED_MONEY,
    ASKED_ORDINAL,
    ASKED_RATE,
    asked_units,
    asked_years,
    cue_score,
    cue_weights,
    focus_span,
    gives_unit,
    is_label,
    other_years,
)
from nekb.normalize import SearchNormalizer
from nekb.segment import Segmenter
from nekb.sentence_tags import SentenceTagger


@pytest.fixture(scope="module")
def tagger() -> SentenceTagger:
    return SentenceTagger(Segmenter(), SearchNormalizer())


def cues(question: str, words: list[str]) -> list[tuple[str, float]]:
    """The question's words as cues, every word equally rare."""
    weights = cue_weights(question, question_kind(question), words, [1.0] * len(words))
    return list(zip(words, weights, strict=True))


def bold(tagger: SentenceTagger, text: str, question: str, words: list[str]) -> str | None:
    span = focus_span(tagger.tag(text), question_kind(question), text, question, cues(question, words))
    return None if span is None else text[span[0] : span[1]]


def test_the_asked_kind_nearest_the_question_words():
    text = "1972年他在上海工作，1985年起担任系主任。"
    tags = [(0, 5, "time"), (8, 10, "loc"), (13, 18, "time")]
    assert focus_span(
        tags, ASKS_TIME, text, "他什么时候担任系主任", cues("他什么时候担任系主任", ["担任", "系主任"])
    ) == (
        13,
        18,
    )
    assert focus_span(tags, ASKS_PLACE, text, "他在哪里工作", cues("他在哪里工作", ["工作"])) == (8, 10)


def test_never_what_the_question_names():
    text = "黄华麒毕业于香港大学。"
    tags = [(0, 3, "per"), (6, 10, "org")]
    assert focus_span(tags, ASKS_PERSON, text, "黄华麒是谁", []) is None
    assert focus_span(tags, ASKS_ORG, text, "黄华麒毕业于哪所大学", []) == (6, 10)


def test_the_unit_a_question_counts_in():
    assert asked_units("东北三省拿到了多少项") == ("项",)
    assert asked_units("分几批界定的城市一共有多少座") == ("批", "座")
    assert asked_units("65岁以上老年人占多大比例") == (ASKED_RATE,)
    assert asked_units("发放了多少专项贷款") == (ASKED_MONEY,)
    assert asked_units("流失的人口有多少") == ()
    assert "米" in asked_units("主跑道有多长") and "平方公里" in asked_units("占地面积多大")
    assert asked_units("有效期是多长时间") == ()
    assert asked_units("在大奖赛上获得第几名") == (ASKED_ORDINAL,)
    assert gives_unit("58项", ("项",)) and not gives_unit("58个", ("项",))
    assert gives_unit("17.42%", (ASKED_RATE,)) and gives_unit("3个百分点", (ASKED_RATE,))
    assert gives_unit("202亿元", (ASKED_MONEY,)) and gives_unit("32553亿", (ASKED_MONEY,))
    assert not gives_unit("354万", (ASKED_MONEY,))
    assert gives_unit("182CM", asked_units("他的身高是多少")) and gives_unit("10 km", asked_units("全长多长"))
    assert not gives_unit("100MW", asked_units("全长多长"))


@pytest.mark.parametrize(
    ("text", "figure", "label"),
    [
        ("第七次人口普查", "第七次", True),
        ("在2010-2020年间", "2010", True),
        ("2019届毕业生", "2019届", True),
        ("3. 公共服务", "3", True),
        ("抚养比1:2.9", "1", True),
        ("抚养比1:2.9", "2.9", True),
        ("人口35,000", "35,000", False),
        ("合计占58项", "58项", False),
        ("人口2010", "2010", False),
    ],
)
def test_labels_that_look_like_figures(text, figure, label):
    start = text.index(figure)
    assert is_label(text, start, start + len(figure)) is label


def test_question_words_near_what_asks_weigh_more():
    question = "一五时期的重点项目里，东北三省拿到了多少项"
    weights = dict(cues(question, ["重点", "三省", "拿到", "外流"]))
    assert weights["拿到"] > weights["三省"] > weights["重点"]
    assert weights["外流"] == 0.5  # not in the question's text (an added synonym)
    gap = question.index("多少") - (question.index("重点") + 2)
    assert weights["重点"] == pytest.approx(0.5 / (1 + gap / 8))  # another clause: half, and far


def test_a_question_word_pulls_less_the_farther_it_stands():
    form = "人口增长3%并在此后的多年里达到8%"
    near, far = form.index("3%"), form.index("8%")
    assert cue_score(form, near, near + 2, [("增长", 1.0)]) > cue_score(form, far, far + 2, [("增长", 1.0)])
    assert cue_score(form, far, far + 2, [("增长", 1.0), ("减少", 5.0)]) > 0


def test_a_figure_in_the_asked_unit_before_a_nearer_one(tagger):
    text = "东北三省拿到了58个大项目中的12项。"
    assert bold(tagger, text, "东北三省拿到了多少项", ["东北", "三省", "拿到"]) == "12项"
    assert bold(tagger, text, "东北三省拿到了多少", ["东北", "三省", "拿到"]) == "58个"


def test_an_ordinal_answers_a_question_after_a_place(tagger):
    text = "他在7支车队参加的比赛中获得第3名。"
    assert bold(tagger, text, "他在比赛中获得第几名", ["比赛", "获得"]) == "第3名"


def test_a_length_for_how_long(tagger):
    text = "东关街位于356号以东，全长1122米。"
    assert bold(tagger, text, "东关街有多长", ["东关街"]) == "1122米"


def test_labels_come_last(tagger):
    text = "2019届哈工大毕业生中近90%去了外地。"
    assert bold(tagger, text, "哈工大毕业生有多少去了南方", ["哈工大", "毕业生"]) == "近90%"
    text = "第七次人口普查数据显示，在2010-2020年间，东北地区净流出354万。"
    assert bold(tagger, text, "七普数据中东北地区净流出多少人", ["七普", "东北", "地区", "净流出"]) == "354万"


def test_the_figure_whose_clause_holds_the_question_words(tagger):
    text = "2010-2020年，全国农村人口平均减少21.6%，而黑龙江农村人口减少35.5%，吉林减少29.8%。"
    words = ["黑龙江", "农村", "人口", "减少", "幅度"]
    assert bold(tagger, text, "黑龙江农村人口减少的幅度有多大", words) == "35.5%"


def test_figures_listed_respectively(tagger):
    text = "东部、中部、西部和东北地区的地区生产总值年均增长速度分别为12.01%、9.99%、9.74%和8.58%。"
    words = ["东北", "地区", "生产总值", "年均", "增长"]
    assert bold(tagger, text, "东北地区生产总值年均增长多少", words) == "8.58%"
    assert bold(tagger, text, "中部年均增长多少", ["中部", "年均", "增长"]) == "9.99%"


def test_a_list_given_again_for_another_year(tagger):
    text = "2015年辽宁、吉林、黑龙江三省增速分别为3.0%、6.5%、5.7%，2016年三省增速分别为-2.5%、6.9%、6.1%。"
    words = ["2016", "年", "辽宁", "增速"]
    assert bold(tagger, text, "2016年辽宁的增速是多少", words) == "2.5%"
    assert bold(tagger, text, "2015年吉林的增速是多少", ["2015", "年", "吉林", "增速"]) == "6.5%"
    assert bold(tagger, text, "2016年吉林的增速是多少", ["2016", "年", "吉林", "增速"]) == "6.9%"


def test_a_clause_about_other_years_comes_after(tagger):
    text = "2015年辽宁增速为3.0%，2016年增速为2.5%。"
    assert bold(tagger, text, "2016年辽宁的增速是多少", ["2016", "年", "辽宁", "增速"]) == "2.5%"
    at = text.index("3.0%")
    assert other_years(text, at, at + 4, asked_years("2016年辽宁的增速")) is True
    assert other_years(text, at, at + 4, asked_years("2015年辽宁的增速")) is False
    assert other_years(text, at, at + 4, asked_years("辽宁的增速")) is False  # the question names no year


def test_a_total_rather_than_one_item_of_a_list(tagger):
    text = "黑龙江、辽宁、吉林三省常住人口分别减少33万人、27万人、22.1万人，合计减少82.1万人。"
    words = ["东北三省", "常住", "人口", "常住人口", "合计", "减少"]
    assert bold(tagger, text, "东北三省常住人口合计减少了多少", words) == "82.1万人"
    assert bold(tagger, text, "辽宁常住人口减少了多少", ["辽宁", "常住人口", "减少"]) == "27万人"


def test_only_figure_questions_weigh_units(tagger):
    text = "1972年他在上海工作，1985年起担任系主任。"
    assert bold(tagger, text, "他什么时候担任系主任", ["担任", "系主任"]) == "1985年"
    assert question_kind("东北三省拿到了多少项") == ASKS_FIGURE
