"""Which mention a figure is about."""

from __future__ import annotations

import jieba
import pytest

from nekb.entities import DocumentSubject, EntityTagger, find_mentions
from nekb.quantities import find_quantities, not_figure_spans
from nekb.subjects import Context, clause_subject, enumerated, is_yardstick, positional_entity, resolve


@pytest.fixture(scope="module")
def tagger() -> EntityTagger:
    return EntityTagger(jieba.Tokenizer())


def parse(tagger, s):
    tokens = tagger.tokens(s)
    return tokens, find_mentions(tokens, s, DocumentSubject()), find_quantities(s, not_figure_spans(s))


def test_the_subject_comes_before_the_verb(tagger):
    s = "2024年吸引高校毕业生等青年群体超过10万人"
    tokens, mentions, (q,) = parse(tagger, s)
    assert clause_subject(s, tokens, mentions, 0, q.lead, Context("长春市"), figure=q) == ""
    s = "黑龙江农村人口减少35.5%"
    tokens, mentions, (q,) = parse(tagger, s)
    assert clause_subject(s, tokens, mentions, 0, q.lead, Context(), figure=q) == "黑龙江农村"


def test_anaphors_resolve_to_the_topic_or_the_document(tagger):
    s = "该院有教师836人"
    tokens, mentions, (q,) = parse(tagger, s)
    assert (
        clause_subject(s, tokens, mentions, 0, q.lead, Context("华西临床医学院"), figure=q)
        == "华西临床医学院"
    )
    s = "学校还有1座天文台"
    tokens, mentions, _ = parse(tagger, s)
    assert resolve(mentions[0], Context("凤岭校区", "南宁二中")) == "南宁二中"


def test_positions_that_fix_the_entity(tagger):
    s = "东北的研发投入占GDP比重仅为1.28%,低于全国2.08%的平均水平"
    _, mentions, (first, second) = parse(tagger, s)
    assert positional_entity(s, second, s.index("低于"), mentions, Context()) == "全国"
    assert positional_entity(s, first, 0, mentions, Context()) == ""
    assert is_yardstick(s, next(m for m in mentions if m.text == "全国"))
    s = "东北是全国独生子女率最高的地区(辽宁53%、黑龙江51.1%)"
    _, mentions, figures = parse(tagger, s)
    assert [positional_entity(s, q, 0, mentions, Context()) for q in figures] == ["辽宁", "黑龙江"]


def test_enumerations_pair_in_order(tagger):
    s = "辽宁、吉林总人口性别比分别为99.7、99.69"
    _, mentions, figures = parse(tagger, s)
    assert sorted(enumerated(s, figures, mentions).values()) == ["吉林", "辽宁"]
