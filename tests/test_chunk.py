import itertools

import pytest

from nekb.chunk import make_chunks, split_sentences


def sentence_texts(text: str, **kwargs) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, **kwargs)]


def test_sentences_end_at_terminators_and_keep_closing_quotes():
    text = "他说：“东北要振兴。”随后离开！第二句？\n标题行\n  最后一句"
    assert sentence_texts(text) == [
        "他说：“东北要振兴。”",
        "随后离开！",
        "第二句？",
        "标题行",
        "最后一句",
    ]


def test_sentences_cover_text_without_whitespace_edges():
    text = "甲。 乙；丙!\n\n丁?"
    for s, e in split_sentences(text):
        assert text[s:e] == text[s:e].strip()
    assert "".join(text[s:e] for s, e in split_sentences(text)) == "甲。乙；丙!丁?"


def test_long_sentence_is_cut_at_a_comma_before_the_limit():
    text = "，".join(["东北振兴" * 5] * 10) + "。"
    spans = split_sentences(text, max_chars=60)
    assert all(e - s <= 60 for s, e in spans)
    assert text[spans[0][0] : spans[0][1]].endswith("，")
    assert "".join(text[s:e] for s, e in spans) == text


def test_english_full_stops_end_sentences_but_not_abbreviations_or_initials():
    text = (
        "内容提要。Abstract: The region is important. Dr. Smith met J. Brown in the U.S. Army in 2020. "
        "See 1. Next."
    )
    assert sentence_texts(text) == [
        "内容提要。",
        "Abstract: The region is important.",
        "Dr. Smith met J. Brown in the U.S. Army in 2020.",
        "See 1. Next.",
    ]


def test_a_long_english_sentence_is_never_cut_inside_a_word():
    text = " ".join(["revitalization of the northeast region"] * 12) + "."
    spans = split_sentences(text, max_chars=100)
    assert all(e - s <= 100 for s, e in spans)
    words = set(text.rstrip(".").split())
    for s, e in spans:
        assert set(text[s:e].rstrip(".").split()) <= words


def test_chunks_respect_size_and_overlap_one_sentence():
    sentences = [(i * 50, i * 50 + 49) for i in range(10)]
    chunks = make_chunks(sentences, max_chars=120, overlap=1)
    for first, last in chunks:
        assert last - first == 1 or sentences[last - 1][1] - sentences[first][0] <= 120
    for (_, prev_last), (first, _) in itertools.pairwise(chunks):
        assert first == prev_last - 1
    assert chunks[-1][1] == len(sentences)


def test_a_sentence_longer_than_the_chunk_is_its_own_chunk():
    sentences = [(0, 10), (10, 500), (500, 510)]
    assert make_chunks(sentences, max_chars=100, overlap=1) == [(0, 1), (1, 2), (2, 3)]


def test_empty_text_has_no_chunks():
    assert split_sentences("  \n ") == []
    assert make_chunks([], 100, 1) == []


@pytest.mark.parametrize(
    "sentences",
    [
        # a 《title》 and a short quotation
        ["《卡拉OK.LIVE！‧台北‧我》是第六张专辑。", "书中写道：“唵！自在居住在一切中。”", "此后无事。"],
        # a short aside in brackets within a sentence; one that opens a sentence stands alone
        ["牛车水（；）是唐人街。", "卡希卡提亚（学名：甲；毛利语：乙）是树。", "（注：存疑。）", "完。"],
    ],
)
def test_titles_quotations_and_asides_are_not_cut_inside(sentences):
    assert sentence_texts("".join(sentences)) == sentences


def test_a_long_quotation_is_still_split_into_its_sentences():
    speech = "我们要振兴东北的工业基础，" * 3
    text = f"他说：“{speech}这是第一点。{speech}这是第二点。”"
    pieces = [text[s:e] for s, e in split_sentences(text)]
    assert len(pieces) == 2 and pieces[0].endswith("第一点。") and pieces[1].endswith("第二点。”")


def test_an_unclosed_title_mark_does_not_swallow_the_text():
    text = "见《东北。下一句。再一句。"
    assert len(split_sentences(text)) == 3
