"""The fitted ranker: the shipped weights load and score, and on an article it was never fitted on it
quotes the sentence that matches the question's predicate, not the definitional first sentence."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from conftest import assert_quoted_from_cited_passages

from nekb import KnowledgeBase
from nekb.errors import IndexDamagedError
from nekb.ranker import (
    GATE_FEATURES,
    GATE_MAXIMA,
    WORD_GATE_FEATURES,
    LinearModel,
    RankerModel,
    gate_row,
)
from nekb.sentence_features import FEATURES

# A made-up biography in the shape of a Wikipedia article: every sentence names its subject.
ARTICLE = (
    "周明远\n\n"
    "周明远（1921年－1998年），中国桥梁工程学家，中国科学院院士。"
    "周明远出生于江苏省无锡县。"
    "1944年，周明远毕业于国立交通大学土木系。"
    "1958年起，周明远主持设计南京长江大桥的钢梁，历时十年。"
    "1979年，周明远当选中国科学院学部委员。"
    "周明远于1998年在上海病逝，享年77岁。"
)


def build_kb(root, text: str) -> KnowledgeBase:
    (root / "corpus").mkdir()
    (root / "corpus" / "zhou.txt").write_text(text, encoding="utf-8")
    KnowledgeBase.build(root / "corpus", root / "index", model="e5")
    return KnowledgeBase.open(root / "corpus", root / "index")


@pytest.fixture(scope="module")
def article_kb(tmp_path_factory) -> KnowledgeBase:
    return build_kb(tmp_path_factory.mktemp("article"), ARTICLE)


@pytest.fixture(scope="module")
def traditional_kb(tmp_path_factory) -> KnowledgeBase:
    from opencc import OpenCC

    return build_kb(tmp_path_factory.mktemp("hant"), OpenCC("s2t").convert(ARTICLE))


def test_shipped_model_loads_and_scores():
    model = RankerModel.load()
    assert model.sentence.features == FEATURES and model.gate.features == GATE_FEATURES
    rows = np.random.default_rng(0).random((6, len(FEATURES)))
    probabilities = model.probabilities(rows)
    assert probabilities.shape == (6,) and np.isclose(probabilities.sum(), 1.0)
    assert 0.0 <= model.relevance(rows) <= 1.0
    assert 0.0 < model.claim_floor <= 1.0
    assert model.info["cross_validated"]["trial"]["questions"] > 0


def test_model_round_trips_through_json(tmp_path):
    model = replace(RankerModel.load(), preceding={"reason": 1})
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(model.to_dict()), encoding="utf-8")
    again = RankerModel.load(path)
    assert (again.following, again.max_sentences) == (model.following, model.max_sentences)
    assert again.preceding == {"reason": 1}
    rows = np.random.default_rng(1).random((4, len(FEATURES)))
    assert np.allclose(again.probabilities(rows), model.probabilities(rows), atol=1e-5)


def test_a_model_for_other_features_says_to_refit(tmp_path):
    data = RankerModel.load().to_dict()
    data["sentence"]["features"] = ["cosine"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexDamagedError, match="make fit"):
        RankerModel.load(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(IndexDamagedError, match="not a ranker model"):
        RankerModel.load(path)


def test_gate_row_is_the_column_maxima_the_best_sentence_score_and_its_row():
    model = RankerModel.load()
    rows = np.random.default_rng(2).random((5, len(FEATURES)))
    expected = [max(row[FEATURES.index(name)] for row in rows) for name in GATE_MAXIMA]
    scores = [float(model.sentence.score(row[None, :])[0]) for row in rows]
    best = max(range(len(rows)), key=lambda i: scores[i])
    expected += [scores[best], *rows[best]]
    assert len(expected) == len(GATE_FEATURES)
    assert np.allclose(gate_row(rows, model.sentence), expected)


def test_a_cross_lingual_question_is_not_judged_by_its_cosines():
    """English questions over Chinese text have low cosines throughout: the gate reads the words."""
    model = RankerModel.load()
    rows = np.random.default_rng(3).random((5, len(FEATURES)))
    lowered = rows.copy()
    for name in ("cosine", "rest_cosine"):
        lowered[:, FEATURES.index(name)] -= 0.3
    assert model.relevance(lowered, cross_lingual=True) == pytest.approx(
        model.relevance(rows, cross_lingual=True)
    )
    assert model.relevance(lowered) < model.relevance(rows)


def test_a_cross_lingual_question_is_not_judged_by_naming_no_document():
    """An English question never holds a Chinese title: that it names none says nothing about relevance."""
    model = RankerModel.load()
    rows = np.random.default_rng(4).random((5, len(FEATURES)))
    unnamed, named = rows.copy(), rows.copy()
    unnamed[:, FEATURES.index("named_document")] = 0.0
    named[:, FEATURES.index("named_document")] = 1.0
    assert model.relevance(unnamed, cross_lingual=True) == pytest.approx(
        model.relevance(named, cross_lingual=True)
    )
    assert model.relevance(unnamed) < model.relevance(named)
    # One that does name a document (by its title's pinyin) is judged by it, as a Chinese question is.
    assert model.relevance(unnamed, cross_lingual=True, names_document=True) < model.relevance(
        named, cross_lingual=True, names_document=True
    )


def test_the_word_gate_reads_no_cosine():
    model = RankerModel.load()
    assert model.word_gate.features == WORD_GATE_FEATURES
    assert set(GATE_FEATURES) - set(WORD_GATE_FEATURES) == {
        "cosine",
        "best_score",
        "best_cosine",
        "best_rest_cosine",
    }


def test_a_cross_lingual_question_is_judged_by_the_word_gate_at_its_own_threshold():
    """Against the definition: the word gate's logistic over its columns of the gate row, with whether the
    question names a document counted as average; the first gate and its threshold for the others."""
    model = RankerModel.load()
    rows = np.random.default_rng(5).random((6, len(FEATURES)))
    full = gate_row(rows, model.sentence)

    def probability(gate: LinearModel, row: np.ndarray) -> float:
        return float(1 / (1 + np.exp(-(((row - gate.mean) / gate.scale) @ gate.weights + gate.bias))))

    words = np.array([full[GATE_FEATURES.index(name)] for name in WORD_GATE_FEATURES])
    for name in ("named_document", "best_named_document"):
        words[WORD_GATE_FEATURES.index(name)] = model.word_gate.mean[WORD_GATE_FEATURES.index(name)]
    assert model.relevance(rows, cross_lingual=True) == pytest.approx(probability(model.word_gate, words))
    assert model.relevance(rows) == pytest.approx(probability(model.gate, full))
    assert (model.threshold(cross_lingual=True), model.threshold()) == (
        model.word_gate_threshold,
        model.gate_threshold,
    )
    assert model.word_gate_threshold != model.gate_threshold


def test_linear_model_scores_standardized_rows():
    model = LinearModel(("a", "b"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0]), 0.5)
    assert np.allclose(model.score(np.array([[3.0, 1.0]])), [(3 - 1) / 2 - 1 + 0.5])


@pytest.mark.parametrize(
    ("question", "expected", "focus"),
    [
        ("周明远毕业于哪所大学？", "毕业于国立交通大学", "国立交通大学"),
        ("周明远出生在哪里？", "出生于江苏省无锡县", "江苏省"),
        ("周明远哪一年当选学部委员？", "1979年", "1979年"),
    ],
)
def test_the_predicate_sentence_beats_the_definitional_one(article_kb, question, expected, focus):
    answer = article_kb.ask(question)
    assert answer.claims, answer.reason
    first = answer.claims[0]
    assert expected in first.text, [c.text for c in answer.claims]
    text = article_kb.document_text(first.doc_id)
    assert text[first.start : first.end] == first.text
    assert first.focus is not None and focus in text[first.focus[0] : first.focus[1]]
    assert first.start <= first.focus[0] < first.focus[1] <= first.end


@pytest.mark.parametrize(
    ("question", "expected", "focus"),
    [
        ("週明遠畢業於哪所大學？", "畢業於國立交通大學", "國立交通大學"),
        ("周明远毕业于哪所大学？", "畢業於國立交通大學", "國立交通大學"),
        ("週明遠在哪一年當選學部委員？", "1979年", "1979年"),
    ],
)
def test_traditional_articles_answer_either_script(traditional_kb, question, expected, focus):
    test_the_predicate_sentence_beats_the_definitional_one(traditional_kb, question, expected, focus)


def test_claims_carry_focus_in_json(article_kb):
    payload = article_kb.ask("周明远于哪一年病逝？").to_dict()
    focus = payload["claims"][0]["focus"]
    assert focus is not None and len(focus) == 2


def test_off_topic_questions_get_no_claims(article_kb):
    for question in ("比特币的价格是多少？", "How do I bake sourdough bread?"):
        answer = article_kb.ask(question)
        assert answer.claims == () and answer.reason


def test_a_question_naming_its_article_by_title_is_answered(tmp_path):
    """《title》 scopes the search to that article and leaves the search words; the ranker and the gate
    still read it (before, 《松江谣》是什么？ had no words left: every coverage feature was 0)."""
    from nekb.ranker import SentenceRanker
    from nekb.steps import IndexSteps

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "松江谣.txt").write_text(
        "松江谣\n\n《松江谣》是作家林子涵创作的长篇小说，1983年由北方文艺出版社出版。"
        "小说描写了松江两岸三代渔民的生活。1985年，小说获得全国优秀长篇小说奖。",
        encoding="utf-8",
    )
    (tmp_path / "corpus" / "其他.txt").write_text(
        "其他\n\n本文讲述城市公园的历史。公园建于1950年。", encoding="utf-8"
    )
    KnowledgeBase.build(tmp_path / "corpus", tmp_path / "index", model="e5")
    steps = IndexSteps.load(tmp_path / "index")
    parsed = steps.parse("《松江谣》是什么？")
    assert parsed.scope == frozenset({"松江谣.txt"})
    vector = steps.embed([parsed])[0]
    _, _, rows = SentenceRanker().features(steps.snapshot, parsed, vector, steps.search(parsed, vector, 8))
    assert rows[:, FEATURES.index("coverage")].max() == pytest.approx(1.0)
    answer = KnowledgeBase.open(tmp_path / "corpus", tmp_path / "index").ask("《松江谣》是什么？")
    assert answer.claims, answer.reason
    assert "长篇小说" in answer.claims[0].text and answer.claims[0].doc_id == "松江谣.txt"


def test_the_line_that_repeats_the_title_is_no_claim(tmp_path):
    from nekb.embed import HashEmbedder
    from nekb.ranker import SentenceRanker
    from nekb.steps import IndexSteps

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "0439-东关街_(扬州).txt").write_text(
        "东关街 (扬州)\n\n东关街是江苏省扬州市广陵区的一条街道。街道全长1122米，宽约5米。", encoding="utf-8"
    )
    KnowledgeBase.build(tmp_path / "corpus", tmp_path / "index", model=HashEmbedder())
    steps = IndexSteps.load(tmp_path / "index", model=HashEmbedder())
    parsed = steps.parse("东关街在哪里？")
    vector = steps.embed([parsed])[0]
    _, refs, _ = SentenceRanker().features(steps.snapshot, parsed, vector, steps.search(parsed, vector, 8))
    text = steps.snapshot.document("0439-东关街_(扬州).txt").text
    quoted = [text[r.start : r.end].strip() for r in refs]
    assert "东关街 (扬州)" not in quoted and "东关街是江苏省扬州市广陵区的一条街道。" in quoted


def test_the_question_is_embedded_again_without_its_subject(tmp_path):
    from nekb.embed import HashEmbedder
    from nekb.ranker import SentenceRanker
    from nekb.steps import IndexSteps

    (tmp_path / "corpus").mkdir()
    # Without sources.toml a .txt file's title is its name: here it names the subject.
    (tmp_path / "corpus" / "周明远.txt").write_text(ARTICLE, encoding="utf-8")
    KnowledgeBase.build(tmp_path / "corpus", tmp_path / "index", model=HashEmbedder())
    kb = IndexSteps.load(tmp_path / "index", model=HashEmbedder())
    asked: list[str] = []

    def embed(text: str) -> np.ndarray:
        asked.append(text)
        return kb.embed([kb.parse(text)])[0]

    for question in ("周明远毕业于哪所大学？", "比特币的价格是多少？"):
        parsed = kb.parse(question)
        vector = kb.embed([parsed])[0]
        ranked = SentenceRanker().rank(kb.snapshot, parsed, vector, kb.search(parsed, vector, 5), embed)
        assert ranked.candidates
    # The title 周明远 is cut from the question that names it; a question naming no subject is not
    # embedded again.
    assert asked == [kb.parse("毕业于哪所大学？").dense_text]  # the text as search reads it (NFKC)


# The reason and its consequence are two sentences: the answer to 为什么 needs both.
REASON_ARTICLE = (
    "松江大桥\n\n"
    "松江大桥是一座公路桥，1962年建成通车。"
    "大桥所在江段冬季封冻长达五个月，春季开江时冰排会猛烈撞击桥墩，冰厚可达1.2米。"
    "因此设计者为每座桥墩加装了重3吨的锰钢破冰棱。"
    "大桥全长1,120米，共有十八孔。"
    "2015年，大桥由市交通局列为重点保护建筑。"
)


@pytest.fixture(scope="module")
def reason_kb(tmp_path_factory) -> KnowledgeBase:
    return build_kb(tmp_path_factory.mktemp("reason"), REASON_ARTICLE)


def test_a_consequence_is_quoted_with_the_reason_before_it(reason_kb):
    answer = reason_kb.ask("松江大桥的桥墩为什么要加装破冰棱？")
    assert answer.claims, answer.reason
    first = answer.claims[0]
    assert "冰排会猛烈撞击桥墩" in first.text and "锰钢破冰棱" in first.text, first.text
    assert reason_kb.document_text(first.doc_id)[first.start : first.end] == first.text
    assert_quoted_from_cited_passages(first, answer)
    # The figures of both sentences are linked to their fact rows.
    values = {reason_kb.fact(i).value for i in first.fact_ids}
    assert {1.2, 3.0} <= values, [reason_kb.fact(i) for i in first.fact_ids]


def test_focus_is_sought_first_in_the_quote_s_most_probable_sentence(article_kb):
    """A quote of two sentences, each with a year: the bold year is the one of the sentence the ranker
    found most probable, whichever the question's words stand nearer to."""
    from nekb.answer import ANSWER_PASSAGES
    from nekb.quotes import join_adjacent
    from nekb.search import hybrid_search

    snap = article_kb._current()
    question = "周明远哪一年毕业于国立交通大学？"
    parsed = article_kb._resources.analyzer.parse(question, snap.titles, snap.sentence_share)
    vector = article_kb._embed_query(parsed)
    passages = hybrid_search(snap, parsed, vector, ANSWER_PASSAGES)
    ranker = article_kb._resources.ranker
    ranked = ranker.rank(snap, parsed, vector, passages)
    graduated = next(c for c in ranked.candidates if "毕业于" in c.text)
    designed = next(c for c in ranked.candidates if "主持设计" in c.text)
    assert designed.sentence == graduated.sentence + 1
    doc = snap.document(graduated.doc_id)

    def bold(chosen):
        [quote] = ranker.finish(snap, ranked, join_adjacent(snap, chosen, passages), chosen)
        return doc.text[quote.focus[0] : quote.focus[1]]

    assert bold([replace(graduated, score=0.9), replace(designed, score=0.1)]) == "1944年"
    assert bold([replace(designed, score=0.9), replace(graduated, score=0.1)]) == "1958年"


# The reason is one sentence longer than a chunk (250 characters), so it is a chunk of its own and the
# 因此 after it begins the next one.
LONG_REASON = (
    "大桥所在江段冬季封冻长达五个月，春季开江时上游漂下的冰排会成群结队地猛烈撞击桥墩，"
    "冰排厚度可达1.2米，单块面积往往超过一个篮球场，流速在开江后的头三天里最快，"
    "冰排相互挤压后会在桥墩前方堆叠成数米高的冰坝，冰坝既抬高了水位，又把撞击力集中到桥墩迎水面的同一高度上，"
    "历年的观测记录表明，未加防护的混凝土墩身在这一高度上每年都会被剥蚀掉几厘米，钢筋随之外露锈蚀，"
    "养护部门每到夏季枯水期都要搭设脚手架修补墩身，费用逐年上升，工期也常常因汛期提前而被迫中断，"
    "沿江其他几座同期修建的桥梁也曾出现过同样的损伤，其中一座甚至因墩身开裂而限制重型车辆通行长达两年之久。"
)
BORDER_ARTICLE = (
    "松江大桥\n\n松江大桥是一座公路桥，1962年建成通车。"
    + LONG_REASON
    + "因此设计者为每座桥墩加装了重3吨的锰钢破冰棱。大桥全长1,120米，共有十八孔。"
)


@pytest.fixture(scope="module")
def border_kb(tmp_path_factory) -> KnowledgeBase:
    return build_kb(tmp_path_factory.mktemp("border"), BORDER_ARTICLE)


def test_a_reason_in_a_passage_of_its_own_is_quoted_with_the_consequence_after_it(border_kb):
    assert 250 < len(LONG_REASON) <= 300
    answer = border_kb.ask("松江大桥的桥墩为什么要加装破冰棱？")
    assert answer.claims, answer.reason
    first = answer.claims[0]
    assert "冰排会成群结队地猛烈撞击桥墩" in first.text and "锰钢破冰棱" in first.text, first.text
    assert border_kb.document_text(first.doc_id)[first.start : first.end] == first.text
    assert len(first.citations) >= 2  # no one passage holds it: it runs over the border of two
    assert_quoted_from_cited_passages(first, answer)
