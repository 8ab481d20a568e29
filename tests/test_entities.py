"""Entity mentions from jieba part-of-speech tags, and the document's subject."""

from __future__ import annotations

import jieba
import pytest

from nekb.entities import DocumentSubject, EntityTagger, example_subject, find_mentions, source_spans


@pytest.fixture(scope="module")
def tagger() -> EntityTagger:
    return EntityTagger(jieba.Tokenizer())


def mentions(tagger: EntityTagger, text: str) -> list[tuple]:
    return [
        (m.text, m.members, m.anaphor) for m in find_mentions(tagger.tokens(text), text, DocumentSubject())
    ]


def test_tokens_carry_offsets_and_tags(tagger):
    tokens = tagger.tokens("香港人口约750万")
    assert "".join(t.word for t in tokens) == "香港人口约750万"
    assert all("香港人口约750万"[t.start : t.end] == t.word for t in tokens)
    assert tokens[0].flag == "ns"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("金华县面积为2049平方公里", "金华县"),  # a place by its tag
        ("华西临床医学院始于1914年", "华西临床医学院"),  # a name spread over several words
        ("县域医院就诊人次下降", "县域医院"),  # a group by its head noun
        ("老工业基地装备制造业占比", "老工业基地"),
    ],
)
def test_names_and_groups(tagger, text, expected):
    assert mentions(tagger, text)[0][0] == expected


def test_lists_keep_their_members_and_count(tagger):
    ((text, members, _),) = mentions(tagger, "辽宁、吉林两省人口占比")
    assert (text, members) == ("辽宁、吉林两省", ("辽宁", "吉林"))
    ((text, members, _),) = mentions(tagger, "黑龙江、辽宁、吉林三省常住人口")
    assert members == ("黑龙江", "辽宁", "吉林")


def test_anaphors_affiliations_and_ordinary_words(tagger):
    assert mentions(tagger, "该院有教师836人")[0] == ("该院", (), True)
    assert mentions(tagger, "中国科学院院士1人") == []  # an affiliation, not a subject
    assert mentions(tagger, "西班牙裔的人占0.66%") == []
    assert mentions(tagger, "长约30厘米,容纳3000多人") == []  # jieba calls 长约 a place and 容纳 a person
    assert mentions(tagger, "家庭的平均大小为2.97人") == []  # a group qualifying a measure


def test_the_document_subject_is_found_as_written(tagger):
    subject = tagger.subject_of("瓦士本市 (威斯康辛州)", "瓦士本市（）是美国威斯康辛州贝菲县内的一座城市。")
    assert subject.name == "瓦士本市" and subject.title == "瓦士本市"
    found = find_mentions(tagger.tokens("瓦士本市有2280名居民"), "瓦士本市有2280名居民", subject)
    assert found[0].text == "瓦士本市" and found[0].subject


def test_subject_short_name_and_titles_that_are_sentences(tagger):
    subject = tagger.subject_of(
        "南宁市第二中学", "广西壮族自治区南宁市第二中学，简称南宁二中。学校创建于1906年。"
    )
    assert subject.name == "南宁二中" and set(subject.surfaces) == {"南宁市第二中学", "南宁二中"}
    assert tagger.subject_of("0094-瓦士本市_(威斯康辛州).txt", "").name == "瓦士本市"
    assert tagger.subject_of("东北三省人口流失：现状、原因、影响与应对", "").name == "东北三省"


def test_examples_and_sources():
    s = "以老工业基地为例,装备制造业占比超过60%"
    assert example_subject(s, 0, len(s)) == "老工业基地"
    s = "根据美国人口调查局的数据瓦士本市的总面积为16.0平方公里"
    ((start, end),) = source_spans(s)
    assert s[start:end] == "根据美国人口调查局的数据"


def test_a_second_tagger_on_the_same_tokenizer_keeps_the_user_dictionary():
    tokenizer = jieba.Tokenizer()
    tokenizer.add_word("瓦士本", 100, "ns")
    assert EntityTagger(tokenizer).tokens("瓦士本人口")[0].flag == "ns"
    assert EntityTagger(tokenizer).tokens("瓦士本人口")[0].flag == "ns"  # jieba's own would lose it


def test_the_document_subject_is_not_found_inside_a_longer_name():
    tokenizer = jieba.Tokenizer()
    tokenizer.add_word("东北地区", 1000, "ns")
    tagger, subject = EntityTagger(tokenizer), DocumentSubject("东北", ("东北",), "")
    text = "东北地区人口流失达到821万,东北3省人口共流出821万"
    assert [m.text for m in find_mentions(tagger.tokens(text), text, subject)] == ["东北地区", "东北3省"]
