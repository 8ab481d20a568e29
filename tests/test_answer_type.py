"""Question kinds in both scripts and English, and the span of a sentence that answers."""

from __future__ import annotations

import pytest

from nekb.answer_type import (
    ASKS_FIGURE,
    ASKS_NAME,
    ASKS_ORG,
    ASKS_OTHER,
    ASKS_PERSON,
    ASKS_PLACE,
    ASKS_REASON,
    ASKS_TIME,
    answer_spans,
    question_kind,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("国家图书馆首位副馆长是谁？", ASKS_PERSON),
        ("國家圖書館首位副館長是誰？", ASKS_PERSON),
        ("Who founded the library?", ASKS_PERSON),
        ("东关街在哪里？", ASKS_PLACE),
        ("東關街在哪裡？", ASKS_PLACE),
        ("阿夸弗雷斯卡是哪个国家的运动员？", ASKS_PLACE),
        ("Where is Harbin?", ASKS_PLACE),
        ("黄华麒是哪所大学毕业的？", ASKS_ORG),
        ("莫斯科公国在哪一年控制了此城镇？", ASKS_TIME),
        ("《神聖十月》是何時開始播放的？", ASKS_TIME),
        ("When was the bridge built?", ASKS_TIME),
        ("伊丽莎白港机场有几条跑道？", ASKS_FIGURE),
        ("黑龍江的人口出生率是多少？", ASKS_FIGURE),
        ("How many people live in Harbin?", ASKS_FIGURE),
        # English names what was measured at the head of "what is/was the …" instead of saying 多少.
        ("What was Liaoning's birth rate in 2024?", ASKS_FIGURE),
        ("What is the population of Lyon, France?", ASKS_FIGURE),
        ("What was the net outflow from Liaoning in 2024?", ASKS_FIGURE),
        ("What is the old-age dependency ratio of Heilongjiang's pension insurance?", ASKS_FIGURE),
        ("What is the growth strategy of Jilin?", ASKS_OTHER),
        ("What is the main reason for the outflow?", ASKS_OTHER),
        ("What is the name of the river?", ASKS_NAME),
        ("林郁智的艺名是什么？", ASKS_NAME),
        ("为什么称猴面包树为笨蛋水果？", ASKS_REASON),
        ("爲什麼稱猴麪包樹爲笨蛋水果？", ASKS_REASON),
        ("乌石渔港的名称怎么来的？", ASKS_REASON),
        ("游戏的模式有哪些？", ASKS_OTHER),
        # 哪几 asks which ones, not how many; 什么样 what something is like, not what it is called.
        ("达曼的卫星城有哪几座？", ASKS_OTHER),
        ("夏尔精通哪几门语言？", ASKS_OTHER),
        ("什么样的地区被称为人口净流出区域？", ASKS_OTHER),
        # 人才, 人口, 人均 are not people.
        ("长春是用哪些人才政策吸引毕业生的？", ASKS_OTHER),
        ("哪些人才可以申请补贴？", ASKS_OTHER),
        ("哪些人参加了会议？", ASKS_PERSON),
        ("什么人可以申请？", ASKS_PERSON),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_what_the_question_names_never_answers_it():
    text = "黄华麒毕业于香港大学。"
    tags = [(0, 3, "per"), (6, 10, "org")]
    assert answer_spans(tags, ASKS_PERSON, text, "黄华麒是谁") == []
    assert answer_spans(tags, ASKS_ORG, text, "黄华麒毕业于哪所大学") == [(6, 10, "org")]


def test_a_figure_question_finds_figures_inside_a_quoted_term():
    text = "构建覆盖城乡的“15分钟托育服务圈”。"
    tags = [(7, 18, "title")]
    spans = answer_spans(tags, ASKS_FIGURE, text, "构建多少分钟的服务圈")
    assert [text[s:e] for s, e, _ in spans] == ["15分钟"]
    assert answer_spans(tags, ASKS_REASON, text, "为什么构建服务圈") == []
    assert answer_spans([(2, 8, "title")], ASKS_FIGURE, "电影《2046》上映。", "票房多少") == []


def test_a_question_after_a_day_or_a_year_needs_a_time_that_has_one():
    text = "今年9月，座谈会召开；2023年9月7日会议闭幕，十月公布。"
    tags = [(0, 4, "time"), (11, 20, "time"), (25, 27, "time")]

    def times(question: str) -> list[str]:
        return [text[s:e] for s, e, _ in answer_spans(tags, ASKS_TIME, text, question)]

    assert times("座谈会的召开日期是哪天") == ["2023年9月7日"]
    assert times("座谈会是哪一年召开的") == ["今年9月", "2023年9月7日"]
    assert times("what year was it held") == ["今年9月", "2023年9月7日"]
    assert times("座谈会什么时候召开") == ["今年9月", "2023年9月7日", "十月"]
    # A year the question names is not the year it asks for.
    assert times("2023年的座谈会之后哪一年再开") == ["今年9月"]
    assert times("2022年的座谈会之后哪一年再开") == ["今年9月", "2023年9月7日"]
    assert times("20230年的座谈会之后哪一年再开") == ["今年9月", "2023年9月7日"]  # a number, not 2023


def test_questions_without_a_kind_have_no_answer_spans():
    assert answer_spans([(0, 5, "time")], ASKS_REASON, "1972年。", "为什么") == []
