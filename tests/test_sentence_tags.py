"""Build-time sentence tags: kinds of spans, and offsets into the original (possibly Traditional) text."""

from __future__ import annotations

import pytest

from nekb.normalize import SearchNormalizer
from nekb.segment import Segmenter
from nekb.sentence_tags import (
    FIGURE,
    ORG,
    PERSON,
    PLACE,
    TIME,
    TITLE,
    SentenceTagger,
    pattern_spans,
    search_form_with_offsets,
)


@pytest.fixture(scope="module")
def tagger() -> SentenceTagger:
    return SentenceTagger(Segmenter(), SearchNormalizer())


def spans_of(text: str, tags) -> set[tuple[str, str]]:
    return {(text[s:e], kind) for s, e, kind in tags}


def test_dates_figures_and_titles_by_pattern():
    text = "1792年5月17日签订，共有24家经纪商、约3.5万人，占百分之四十，位于68号。电影《一路顺风》"
    found = spans_of(text, pattern_spans(text))
    assert ("1792年5月17日", TIME) in found
    assert ("24家", FIGURE) in found and ("约3.5万人", FIGURE) in found and ("百分之四十", FIGURE) in found
    assert ("《一路顺风》", TITLE) in found
    assert not any(kind == TIME and "68" in span for span, kind in found)  # 68号 is an address


def test_a_qualifier_before_a_number_is_part_of_the_figure_not_a_time(tagger):
    # jieba tags 近 as a time word; before a number it means "nearly" and the figure keeps it.
    text = "就诊人次较2015年下降近15%，近年来低于全国均值3个百分点。"
    found = spans_of(text, tagger.tag(text))
    assert ("近15%", FIGURE) in found and ("3个百分点", FIGURE) in found
    assert ("近年来", TIME) in found


def test_a_figure_keeps_its_unit_in_latin_letters_and_its_digits_whole():
    text = "身高182CM，全长10km，株高2.5 m，功率100MW；型号182X、A-35M、3G网络不是数量。"
    figures = {span for span, kind in spans_of(text, pattern_spans(text)) if kind == FIGURE}
    assert {"182CM", "10km", "2.5 m", "100MW"} <= figures
    # Never the first digits of a number that runs on into letters (the 18 of 182X).
    assert not figures - {"182CM", "10km", "2.5 m", "100MW"}


def test_words_are_not_figures():
    found = spans_of("这十分重要，一个城市，一些人。", pattern_spans("这十分重要，一个城市，一些人。"))
    assert not any(kind == FIGURE for _, kind in found)


def test_people_places_and_organisations(tagger):
    text = "黄华麒毕业于香港大学，让-皮埃尔·巴利冈是法国政治家，在美国纽约市工作。"
    found = spans_of(text, tagger.tag(text))
    assert ("让-皮埃尔·巴利冈", PERSON) in found
    assert ("香港大学", ORG) in found
    assert ("法国", PLACE) in found and ("美国纽约市", PLACE) in found  # adjacent places join


def test_offsets_refer_to_the_traditional_original(tagger):
    text = "林郁智於2016年以電影《一路順風》入圍第53屆金馬獎。"
    found = spans_of(text, tagger.tag(text))
    assert ("2016年", TIME) in found and ("《一路順風》", TITLE) in found and ("第53屆", FIGURE) in found


def test_offsets_survive_a_form_of_another_length():
    normalizer = SearchNormalizer()
    text = "他说…共计１５人"  # NFKC turns … into three dots and the digits to ASCII
    form, offsets = search_form_with_offsets(text, normalizer)
    assert len(form) != len(text) and len(offsets) == len(form) + 1
    at = form.index("15人")
    assert text[offsets[at] : offsets[at + 2] + 1] == "１５人"


def test_tagging_is_stored_per_sentence_at_build(tmp_path):
    from nekb import KnowledgeBase
    from nekb.embed import HashEmbedder
    from nekb.steps import IndexSteps

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("张三生于1950年。他毕业于北京大学。", encoding="utf-8")
    KnowledgeBase.build(tmp_path / "c", tmp_path / "i", model=HashEmbedder())
    doc = IndexSteps.load(tmp_path / "i", model=HashEmbedder()).snapshot.document("a.txt")
    assert len(doc.sentence_tags) == len(doc.sentences)
    first = doc.sentences[0][0]
    assert ("1950年", TIME) in spans_of(doc.text[first:], [(s, e, k) for s, e, k in doc.sentence_tags[0]])
