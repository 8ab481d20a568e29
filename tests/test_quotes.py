import numpy as np
import pytest
from conftest import hand_built_snapshot

from nekb.answer import Candidate
from nekb.quotes import (
    as_quotes,
    citations_for,
    is_claimable,
    join_adjacent,
    opens_pointing_back,
    whole_sentences,
    with_antecedent,
    with_context,
)
from nekb.types import Hit

SENTENCES = [
    "甲 乙 丙。",
    "钙含量比菠菜高五成。",
    "因此它被称为笨蛋水果。",
    "它原产非洲。",
    "所以 当地 人 很 喜欢 它。",
]


# Sentences are split at semicolons for search; quoted, a clause is read in its whole sentence.
LIST = ["其职能有三个方面：", "一是教化乡民；", "二是管理户籍；", "三是维护治安。", "此外还有别的。"]
# A description running on for two sentences, then a heading.
PLANT = ["它的外形很特别。", "叶子呈心形，边缘有锯齿。", "历史", "它在明代传入中国。"]


@pytest.fixture(scope="module")
def snap():
    other = ["别的 文档。", "因此 另一句。"]
    return hand_built_snapshot({"doc": SENTENCES, "other": other, "list": LIST, "plant": PLANT})


def chosen(snap, doc_id: str, index: int, score: float, rank: int = 0) -> Candidate:
    doc = snap.document(doc_id)
    start, end = doc.sentences[index]
    return Candidate(
        doc_id, start, end, doc.text[start:end], None, np.ones(8) / 8**0.5, 0.9, 0.5, rank,
        score=score, sentence=index,
    )  # fmt: skip


def whole(snap, doc_id: str) -> Hit:
    doc = snap.document(doc_id)
    return Hit(doc_id, doc_id, doc.text, 1.0, 0, len(doc.text))


@pytest.mark.parametrize(
    "text",
    ["因此它被称为笨蛋水果。", "「所以他走了。」", "於是兩軍交戰。", "此战奠定了他的霸权。",
     "在此背景下，各方决定协商。", "這次事件震動朝野。", "该街道为单程道路。", "赛后，他正式退役。",
     "戰後兩國議和。", "随后的调查发现多种原因。"],
)  # fmt: skip
def test_openings_that_point_back_in_both_scripts(text):
    assert opens_pointing_back(text)


@pytest.mark.parametrize(
    "text",
    ["它原产非洲。", "他因此出名。", "此外，它还能入药。", "后来他去了北京。"],
)  # fmt: skip
def test_openings_that_do_not_point_back(text):
    # 因此 inside the sentence points nowhere; 此外 (besides) adds, it does not refer.
    assert not opens_pointing_back(text)


def test_adjacent_sentences_become_one_verbatim_quote_led_by_the_first_choice(snap):
    doc = snap.document("doc")
    picks = [chosen(snap, "doc", 3, 0.6), chosen(snap, "doc", 1, 0.3), chosen(snap, "doc", 2, 0.1)]
    quotes = join_adjacent(snap, picks, [whole(snap, "doc")])
    assert len(quotes) == 1
    quote = quotes[0]
    assert (quote.start, quote.end) == (doc.sentences[1][0], doc.sentences[3][1])
    assert quote.text == doc.text[quote.start : quote.end]
    assert (quote.sentence, quote.sentences, quote.score) == (1, 3, 0.6)


def test_sentences_apart_or_in_other_documents_stay_separate(snap):
    picks = [chosen(snap, "doc", 0, 0.5), chosen(snap, "doc", 3, 0.3), chosen(snap, "other", 0, 0.2)]
    passages = [whole(snap, "doc"), whole(snap, "other")]
    assert join_adjacent(snap, picks, passages) == picks


def test_sentences_one_apart_are_quoted_with_the_one_between_but_not_across_a_heading(snap):
    doc = snap.document("doc")
    picks = [chosen(snap, "doc", 3, 0.6), chosen(snap, "doc", 1, 0.3)]
    [quote] = join_adjacent(snap, picks, [whole(snap, "doc")])
    assert (quote.sentence, quote.sentences, quote.score) == (1, 3, 0.6)
    assert quote.text == doc.text[doc.sentences[1][0] : doc.sentences[3][1]]
    # 历史 between them is a heading: what follows it is another section, quoted apart.
    picks = [chosen(snap, "plant", 1, 0.6), chosen(snap, "plant", 3, 0.3)]
    assert join_adjacent(snap, picks, [whole(snap, "plant")]) == picks


def test_a_quote_never_grows_past_what_the_retrieved_passages_hold(snap):
    doc = snap.document("doc")
    # Two passages, each holding one of two adjacent sentences, and not the line break between them:
    # joined, the quote would hold text no passage retrieved.
    first = Hit("doc", "doc", "", 1.0, doc.sentences[0][0], doc.sentences[1][1])
    second = Hit("doc", "doc", "", 0.9, doc.sentences[2][0], doc.sentences[3][1])
    picks = [chosen(snap, "doc", 1, 0.5), chosen(snap, "doc", 2, 0.4)]
    assert join_adjacent(snap, picks, [first, second]) == picks
    assert with_antecedent(snap, picks[1], [first, second]) == picks[1]


def test_a_quote_runs_over_the_border_of_passages_that_meet_and_cites_both(snap):
    doc = snap.document("doc")
    # A sentence longer than a chunk is a chunk of its own, and the next chunk begins where it ends:
    # a reason at the end of one passage and its 因此 at the start of the next are one quote.
    first = Hit("doc", "doc", "", 1.0, doc.sentences[0][0], doc.sentences[1][1])
    second = Hit("doc", "doc", "", 0.9, doc.sentences[1][1], doc.sentences[3][1])
    [quote] = as_quotes(snap, [chosen(snap, "doc", 2, 0.5)], [second, first])
    assert (quote.sentence, quote.sentences) == (1, 2)
    assert quote.text == "钙含量比菠菜高五成。\n因此它被称为笨蛋水果。"
    assert citations_for("doc", quote.start, quote.end, [second, first]) == (1, 2)
    picks = [chosen(snap, "doc", 1, 0.5), chosen(snap, "doc", 2, 0.4)]
    assert len(join_adjacent(snap, picks, [first, second])) == 1


def test_a_consequence_is_quoted_with_its_reason(snap):
    doc = snap.document("doc")
    pick = chosen(snap, "doc", 2, 0.7)
    quote = with_antecedent(snap, pick, [whole(snap, "doc")])
    assert quote.text == "钙含量比菠菜高五成。\n因此它被称为笨蛋水果。"
    assert quote.text == doc.text[quote.start : quote.end]
    assert (quote.sentence, quote.sentences) == (1, 2)
    plain = chosen(snap, "doc", 3, 0.7)
    assert with_antecedent(snap, plain, [whole(snap, "doc")]) == plain


def test_as_quotes_keeps_the_lead_and_cites_every_quote(snap):
    passages = [whole(snap, "other"), whole(snap, "doc")]
    picks = [
        chosen(snap, "doc", 4, 0.5, rank=1),
        chosen(snap, "other", 0, 0.3),
        chosen(snap, "doc", 0, 0.2, 1),
    ]
    quotes = as_quotes(snap, picks, passages)
    assert [(q.doc_id, q.sentence, q.sentences) for q in quotes] == [
        ("doc", 3, 2),
        ("other", 0, 1),
        ("doc", 0, 1),
    ]
    assert all(citations_for(q.doc_id, q.start, q.end, passages) for q in quotes)


def test_citations_are_the_numbers_of_the_passages_holding_the_span():
    hits = [Hit("a", "", "", 1, 0, 100), Hit("b", "", "", 1, 0, 100), Hit("a", "", "", 1, 50, 200)]
    assert citations_for("a", 60, 90, hits) == (1, 3)
    assert citations_for("a", 120, 150, hits) == (3,)
    # No one passage holds 40-150; the first and third together do, and both are cited.
    assert citations_for("a", 40, 150, hits) == (1, 3)
    assert citations_for("a", 150, 250, hits) == ()


def test_passages_that_together_hold_a_span_are_found_as_a_brute_force_cover_would():
    rng = np.random.default_rng(5)
    for _ in range(300):
        hits = []
        for _ in range(int(rng.integers(1, 6))):
            start = int(rng.integers(0, 90))
            hits.append(Hit(str(rng.choice(["a", "b"])), "", "", 1, start, start + int(rng.integers(1, 30))))
        start = int(rng.integers(0, 100))
        end = start + int(rng.integers(1, 40))
        cited = citations_for("a", start, end, hits)
        covered = {p for n in cited for p in range(hits[n - 1].start, hits[n - 1].end)}
        coverable = {p for h in hits if h.doc_id == "a" for p in range(h.start, h.end)}
        assert bool(cited) == (set(range(start, end)) <= coverable)
        if cited:
            assert set(range(start, end)) <= covered
            assert all(hits[n - 1].doc_id == "a" for n in cited)
            assert all(hits[n - 1].start < end and start < hits[n - 1].end for n in cited)


def test_a_clause_is_quoted_in_its_whole_sentence(snap):
    doc = snap.document("list")
    quote = whole_sentences(snap, chosen(snap, "list", 2, 0.5), [whole(snap, "list")])
    assert quote.text == "一是教化乡民；\n二是管理户籍；\n三是维护治安。"
    assert quote.text == doc.text[quote.start : quote.end]
    assert (quote.sentence, quote.sentences) == (1, 3)
    ended = chosen(snap, "list", 3, 0.5)  # a whole sentence already ends here, but its start is a clause
    assert whole_sentences(snap, ended, [whole(snap, "list")]).sentence == 1
    plain = chosen(snap, "list", 4, 0.5)
    assert whole_sentences(snap, plain, [whole(snap, "list")]) == plain


def test_a_line_ending_at_a_colon_is_quoted_with_what_it_introduces(snap):
    quote = whole_sentences(snap, chosen(snap, "list", 0, 0.5), [whole(snap, "list")])
    assert quote.text.startswith("其职能有三个方面：") and quote.text.endswith("三是维护治安。")
    held = snap.document("list").sentences[0]  # a passage that holds the line alone keeps it alone
    only_line = Hit("list", "list", "", 1.0, held[0], held[1])
    assert whole_sentences(snap, chosen(snap, "list", 0, 0.5), [only_line]).sentences == 1


def test_quotes_that_grow_over_each_other_become_one(snap):
    picks = [chosen(snap, "list", 1, 0.5), chosen(snap, "list", 3, 0.4), chosen(snap, "doc", 3, 0.3)]
    quotes = as_quotes(snap, picks, [whole(snap, "list"), whole(snap, "doc")])
    placed = [(q.doc_id, q.sentence, q.sentences, q.score) for q in quotes]
    assert placed == [("list", 1, 3, 0.5), ("doc", 3, 1, 0.3)]


def test_the_first_quote_goes_on_through_following_sentences_but_not_into_a_heading(snap):
    doc = snap.document("plant")
    pick = chosen(snap, "plant", 0, 0.8)
    quote = with_context(snap, pick, [whole(snap, "plant")], after=2)
    assert quote.text == "它的外形很特别。\n叶子呈心形，边缘有锯齿。"  # the heading 历史 ends it
    assert quote.text == doc.text[quote.start : quote.end]
    assert (quote.sentence, quote.sentences) == (0, 2)
    assert with_context(snap, pick, [whole(snap, "plant")]) == pick
    alone = Hit("plant", "plant", "", 1.0, doc.sentences[0][0], doc.sentences[0][1])
    assert with_context(snap, pick, [alone], after=1) == pick  # no passage holds the next sentence too


def test_the_first_quote_takes_along_sentences_before_it_but_not_a_heading(snap):
    pick = chosen(snap, "doc", 3, 0.8)
    quote = with_context(snap, pick, [whole(snap, "doc")], before=2)
    assert (quote.sentence, quote.sentences, quote.score) == (1, 3, 0.8)
    assert quote.text.startswith("钙含量比菠菜高五成。")
    both = with_context(snap, pick, [whole(snap, "doc")], before=1, after=1)
    assert (both.sentence, both.sentences) == (2, 3)
    after_heading = chosen(snap, "plant", 3, 0.8)
    assert with_context(snap, after_heading, [whole(snap, "plant")], before=1) == after_heading
    doc = snap.document("doc")
    alone = Hit("doc", "doc", "", 1.0, doc.sentences[3][0], doc.sentences[3][1])
    assert with_context(snap, pick, [alone], before=1) == pick  # no passage holds both


def test_as_quotes_extends_only_the_first_quote_and_merges_what_it_reaches(snap):
    passages = [whole(snap, "plant"), whole(snap, "doc")]
    picks = [chosen(snap, "doc", 3, 0.8), chosen(snap, "plant", 0, 0.3)]
    quotes = as_quotes(snap, picks, passages, following=1)
    assert [(q.doc_id, q.sentence, q.sentences) for q in quotes] == [("doc", 3, 2), ("plant", 0, 1)]
    # Grown by three, the first quote reaches into the reason 所以 … took along: the two are one quote.
    picks = [chosen(snap, "doc", 0, 0.8), chosen(snap, "doc", 4, 0.3)]
    quotes = as_quotes(snap, picks, passages, following=3)
    assert [(q.doc_id, q.sentence, q.sentences, q.score) for q in quotes] == [("doc", 0, 5, 0.8)]
    picks = [chosen(snap, "doc", 3, 0.8), chosen(snap, "plant", 0, 0.3)]
    quotes = as_quotes(snap, picks, passages, preceding=1)
    assert [(q.doc_id, q.sentence, q.sentences) for q in quotes] == [("doc", 2, 2), ("plant", 0, 1)]


def test_headings_are_not_claims():
    assert not is_claimable("1.2 人口结构的深度失衡")
    assert not is_claimable("三、")
    assert not is_claimable("泡泡战士")  # a title line
    assert is_claimable("黑龙江:出生率3.35‰")
    assert is_claimable("溶于汽油。")  # short, but a whole sentence
    assert is_claimable("1972年毕业于北京大学。")


def test_a_first_quote_grown_up_to_another_quote_becomes_one_with_it(snap):
    # Grown by two sentences, the first quote ends where the next chosen sentence begins: cut in two
    # claims, the answer would read choppily, as adjacent choices would (join_adjacent).
    passages = [whole(snap, "doc")]
    picks = [chosen(snap, "doc", 0, 0.8), chosen(snap, "doc", 3, 0.3)]
    quotes = as_quotes(snap, picks, passages, following=2)
    assert [(q.doc_id, q.sentence, q.sentences, q.score) for q in quotes] == [("doc", 0, 4, 0.8)]
    doc = snap.document("doc")
    assert quotes[0].text == doc.text[doc.sentences[0][0] : doc.sentences[3][1]]


def test_a_first_quote_grown_to_one_sentence_short_of_another_takes_the_one_between(snap):
    # Grown by one sentence, the first quote (0-1) stops one short of the chosen sentence 3: as with
    # chosen sentences one apart (join_adjacent), the one between is quoted and the two are one.
    passages = [whole(snap, "doc")]
    picks = [chosen(snap, "doc", 0, 0.8), chosen(snap, "doc", 3, 0.3)]
    [quote] = as_quotes(snap, picks, passages, following=1)
    assert (quote.sentence, quote.sentences, quote.score) == (0, 4, 0.8)
    # Not across a heading: 历史 (plant 2) stands between the grown quote (0-1) and sentence 3.
    picks = [chosen(snap, "plant", 0, 0.8), chosen(snap, "plant", 3, 0.3)]
    quotes = as_quotes(snap, picks, [whole(snap, "plant")], following=1)
    assert [(q.sentence, q.sentences) for q in quotes] == [(0, 2), (3, 1)]
