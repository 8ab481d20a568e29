"""What a question asks for (a person, place, organisation, time, figure or name) and where a claim says it.

Questions are read in Simplified or Traditional script or English. The spans of a sentence that could
answer such a question — the figure with its unit, the person, the place — are its build-time tags
(:mod:`nekb.sentence_tags`) of the right kind that are not already in the question; :mod:`nekb.focus_choice`
picks the one shown in bold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .sentence_tags import FIGURE, NAME, ORG, PERSON, PLACE, TIME, TITLE, Span, figure_spans

# Question kinds that have a focus; the rest (why, how, what is …) are answered by a whole sentence.
ASKS_PERSON, ASKS_PLACE, ASKS_ORG, ASKS_TIME, ASKS_FIGURE, ASKS_NAME = (
    "person",
    "place",
    "org",
    "time",
    "figure",
    "name",
)
ASKS_REASON, ASKS_MANNER, ASKS_OTHER = "reason", "manner", "other"
QUESTION_KINDS = (
    ASKS_PERSON,
    ASKS_PLACE,
    ASKS_ORG,
    ASKS_TIME,
    ASKS_FIGURE,
    ASKS_NAME,
    ASKS_REASON,
    ASKS_MANNER,
    ASKS_OTHER,
)

# Tag kinds that can answer each question kind, best first.
WANTED_TAGS: dict[str, tuple[str, ...]] = {
    ASKS_PERSON: (PERSON, NAME),
    ASKS_PLACE: (PLACE, ORG),
    ASKS_ORG: (ORG, NAME, TITLE),
    ASKS_TIME: (TIME,),
    ASKS_FIGURE: (FIGURE,),
    ASKS_NAME: (TITLE, NAME, PERSON, ORG),
}

_WHICH = r"(?:哪|那)(?:一|几|些)?(?:[个個家间間所座支部位条條首张張本])?"
_WHAT = r"(?:什么|什麼|甚么|甚麼|何)"
# 人 beginning a word that names no person: 人口, 人才, 人数, 人均, 人力, 人工, 人民币, 人类, 人格, 人员….
_NOT_PEOPLE = r"(?!口|才|数|數|均|力|工|民[币幣]|类|類|文|格|权|權|员|員)"
# English asks for a figure by naming what was measured as the head of "what is/was the …": What was
# Liaoning's birth rate in 2024? What is the population of Lyon? (Chinese says 多少 instead.) The noun
# must end the phrase (of, in, … or the end follows), so What is the growth strategy … is no figure.
_MEASURES = (
    "rate|number|population|amount|total|size|share|percentage|proportion|ratio|value|gdp|output|income"
    "|revenue|growth|increase|decrease|decline|drop|fall|rise|outflow|inflow|price|cost|length|height|area"
    "|distance|temperature|age|speed|weight|budget|salary|wage|count|depth|width|capacity|density|volume"
    "|sales|investment"
)
_ENGLISH_MEASURE_ASKED = (
    rf"\bwhat (?:is|was|are|were) (?:the )?(?:[\w-]+'s? )?(?:[\w-]+ ){{0,3}}?(?:{_MEASURES})"
    r"(?= (?:of|in|for|from|during|at|between|by|per|among|to|on|over)\b|[?,.]|$)"
)
# Order matters: the first kind whose pattern matches wins (哪一年 is a time before 哪 is anything else).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        ASKS_REASON,
        re.compile(
            r"[为為爲](?:什么|什麼|甚么|甚麼|何)|何故|原因|理由|由来|由來|得名|怎么来|怎麼來|意思|含义|含義|起源"
            r"|\bwhy\b"
        ),
    ),
    (
        ASKS_TIME,
        re.compile(
            rf"{_WHAT}(?:时候|時候|时间|時間|时期|時期|年代|朝代)|何时|何時|何年|哪[一]?年|几月|幾月|几号|幾號"
            rf"|哪[一]?天|几点|幾點|哪个(?:朝代|时期|世纪)|哪個(?:朝代|時期|世紀)|年份|日期"
            r"|\bwhen\b|what (?:year|date|time)|which (?:year|date|century)"
        ),
    ),
    (
        ASKS_PERSON,
        re.compile(
            rf"谁|誰|何人|哪位|(?:{_WHAT}|{_WHICH})人{_NOT_PEOPLE}"
            r"|\bwho\b|\bwhom\b|\bwhose\b"
        ),
    ),
    (
        ASKS_PLACE,
        re.compile(
            rf"哪里|哪裡|哪裏|哪儿|哪兒|何处|何處|何地|{_WHAT}地方|在哪|位于何|位於何|哪国|哪國"
            rf"|{_WHICH}(?:国家|國家|城市|省|地区|地區|州|县|縣|市|国|國|岛|島|村|镇|鎮|区|區|洲|地方|河|山)"
            r"|\bwhere\b|which (?:city|country|province|region|place|town|state)"
        ),
    ),
    (
        ASKS_ORG,
        re.compile(
            rf"(?:{_WHICH}|{_WHAT})(?:公司|组织|組織|机构|機構|大学|大學|学校|學校|学院|學院|球队|球隊|俱乐部"
            r"|俱樂部|团体|團體|银行|銀行|政党|政黨|企业|企業|报纸|報紙|电视台|電視台|单位|單位|部门|部門|乐队|樂隊)"
            r"|哪家|哪所|which (?:company|organi[sz]ation|university|school|team|party|bank)"
        ),
    ),
    (
        ASKS_FIGURE,
        re.compile(
            r"多少|(?<![哪那])几[个個名次位人种種座条條项項部届屆家只本年岁歲倍成张張所场場件台辆輛类類层層集章首"
            r"款天周週小分秒米公里万萬亿億千百十]|(?<![哪那])幾[個名次位人種座條項部屆家只本年歲倍成張所場件台輛類層集章首"
            r"款天週小分秒米公里萬億千百十]|第几|第幾|多大|多高|多长|多長|多重|多远|多遠|多久|多深|多宽|多寬"
            r"|多快|多少钱|多少錢|how (?:much|many|long|old|far|big|large|tall|high)"
            r"|what (?:share|percentage|proportion|number)"
            rf"|{_ENGLISH_MEASURE_ASKED}"
        ),
    ),
    (
        ASKS_NAME,
        re.compile(
            rf"叫{_WHAT}|{_WHAT}名|名字|名称|名稱|称号|稱號|称为|稱為|稱爲|别名|別名|艺名|藝名|原名|简称|簡稱|绰号|綽號"
            rf"|{_WHICH}(?:部|首|本|张|張|场|場)?(?:电影|電影|作品|歌|专辑|專輯|书|書|小说|小說|比赛|比賽|奖|獎)"
            r"|what is (?:it|he|she) called|what (?:is|was) the name|which (?:film|book|song|album|award)"
        ),
    ),
    (ASKS_MANNER, re.compile(r"如何|怎样|怎樣|怎么|怎麼|怎麽|\bhow\b")),
)


_WHAT_KIND = re.compile(r"什么样|什麼樣|甚么样|甚麼樣")


def question_kind(question: str) -> str:
    """The kind of answer ``question`` asks for: one of :data:`QUESTION_KINDS`."""
    text = question.lower()
    for kind, pattern in _PATTERNS:
        # 什么样的地区被称为…… asks what such a place is like, not what it is called.
        if pattern.search(text) and not (kind == ASKS_NAME and _WHAT_KIND.search(text)):
            return kind
    return ASKS_OTHER


def wanted_tags(kind: str) -> tuple[str, ...]:
    """The tag kinds that can answer a question of ``kind`` (empty when the whole sentence answers)."""
    return WANTED_TAGS.get(kind, ())


def answer_spans(
    tags: Sequence[Span], kind: str, text: str, question_form: str, fold: Callable[[str], str] = str.lower
) -> list[Span]:
    """The tagged spans of a sentence that could answer a question of ``kind``.

    ``text`` is the sentence (tags index it), ``question_form`` the question in the search form that
    ``fold`` gives a span. A span the question already contains (the subject it asks about) cannot be
    the answer.
    """
    wanted = wanted_tags(kind)
    grain = _time_grain(question_form) if kind == ASKS_TIME else None
    if kind == ASKS_FIGURE:
        tags = [*tags, *_quoted_figures(tags, text, fold)]
    return [
        (start, end, tag)
        for start, end, tag in tags
        if tag in wanted
        and not _in_question(fold(text[start:end]), question_form)
        and (grain is None or grain.search(text[start:end]))
        and not (grain is _HAS_YEAR and _years_named(text[start:end], question_form))
    ]


def _quoted_figures(tags: Sequence[Span], text: str, fold: Callable[[str], str]) -> list[Span]:
    """Figures inside quoted terms, which the tags give as one title (“15分钟托育服务圈”); a 《book》's
    title is a name, and the number in 《2046》 no figure."""
    found = []
    for start, end, tag in tags:
        form = fold(text[start:end])
        if tag == TITLE and not text.startswith("《", start) and len(form) == end - start:
            found += [(start + s, start + e, k) for s, e, k in figure_spans(form)]
    return found


# A question after a day (哪天, what date) or a year (哪一年) is not answered by a time without one (今年9月).
_DAY_QUESTION = re.compile(r"哪[一]?天|几号|幾號|几日|幾日|日期|何日|what date|which day|what day")
_YEAR_QUESTION = re.compile(r"哪[一]?年|何年|几几年|幾幾年|年份|what year|which year")
_HAS_DAY = re.compile(r"[日号號]|\d{1,4}[./-]\d{1,2}[./-]\d{1,2}")
_HAS_YEAR = re.compile(r"\S年|\d{3,4}|世[纪紀]")
_YEAR_DIGITS = re.compile(r"(?<!\d)\d{3,4}(?!\d)")


def _time_grain(question_form: str) -> re.Pattern[str] | None:
    """What a time span must hold to answer a question of kind time (None: any time answers)."""
    if _DAY_QUESTION.search(question_form):
        return _HAS_DAY
    return _HAS_YEAR if _YEAR_QUESTION.search(question_form) else None


def _years_named(span_text: str, question_form: str) -> bool:
    """Whether every year of a time span is one the question names: 2016年2月 does not answer
    按照2016年的文件……哪一年."""
    years = set(_YEAR_DIGITS.findall(span_text))
    return bool(years) and years <= set(_YEAR_DIGITS.findall(question_form))


def _in_question(span_text: str, question_form: str) -> bool:
    core = re.sub(r"[《》「」“”『』\s]", "", span_text)
    return bool(core) and core in question_form


def asking_at(question_form: str, kind: str) -> tuple[int, int] | None:
    """Where in the question the words that make it a question of ``kind`` stand (None: none do)."""
    pattern = dict(_PATTERNS).get(kind)
    found = pattern.search(question_form.lower()) if pattern is not None else None
    return found.span() if found else None


def anchor_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the question's ``words`` (search form) occur in the sentence ``text`` (search form)."""
    spans = []
    for word in words:
        if len(word) < 2 and not word.isdigit():
            continue
        start = text.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return spans
