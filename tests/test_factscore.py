"""The fact-gold scoring rule, and `nekb eval-facts` on gold rows."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nekb import KnowledgeBase
from nekb.cli import cli
from nekb.errors import InputError
from nekb.factscore import (
    GoldFact,
    field_verdicts,
    format_fact_score,
    is_gold_file,
    is_year_row,
    load_gold,
    period_key,
    scaled,
    score_facts,
    units_compatible,
    value_agrees,
)
from nekb.normalize import SearchNormalizer
from nekb.types import Fact

NORMALIZE = SearchNormalizer().match_form


FACT = {
    "fact_id": "d.txt#0-0",
    "entity": "黑龙江",
    "indicator": "常住人口减少",
    "period": "2024",
    "value": 33.0,
    "unit": "万人",
    "qualifier": "",
    "doc_id": "d.txt",
    "sentence": "黑龙江2024年常住人口减少33万人。",
    "start": 0,
    "end": 20,
}


def fact(fact_id: str = "d.txt#0-0", **changes) -> Fact:
    return Fact(**{**FACT, "fact_id": fact_id, **changes})


def gold(**changes) -> GoldFact:
    base = {
        "doc": "d.txt",
        "quote": "减少33万人",
        "value": 33.0,
        "unit": "万人",
        "entity": "黑龙江",
        "indicator": "",
        "keywords": ("减少",),
        "period": "2024",
    }
    return GoldFact(**{**base, **changes})


def test_magnitudes_units_and_periods():
    assert scaled(33, "万人") == (330000, "人") and scaled(3, "成") == (30, "%")
    assert scaled(1.2, "万亿元") == (1.2e12, "元")
    assert units_compatible("万", "万人") and units_compatible("", "%") and not units_compatible("元", "人")
    assert period_key("2010-2020") == period_key("2010年—2020年") == ((2010, 0), (2020, 0))
    assert period_key("2024-03") == period_key("2024年3月") == ((2024, 3),)
    assert period_key("") == ()


def test_value_agreement():
    assert value_agrees(fact(value=330000, unit="人"), gold())
    assert value_agrees(fact(value=30, unit="%"), gold(value=3, unit="成"))
    assert value_agrees(fact(value=5, unit="年"), gold(value=3, value_high=5, unit="年"))  # either end
    assert value_agrees(fact(unit="萬人"), gold(), NORMALIZE)
    assert not value_agrees(fact(value=33, unit="万元"), gold())
    assert not value_agrees(fact(value=34), gold())


def test_field_rules():
    assert field_verdicts(fact(entity="黑龙江省"), gold(), NORMALIZE) == (True, True, True)
    assert field_verdicts(fact(entity=""), gold(), NORMALIZE)[0] is False  # empty only where gold is
    assert field_verdicts(fact(entity=""), gold(entity=""), NORMALIZE)[0] is True
    assert field_verdicts(fact(entity="吉林"), gold(), NORMALIZE)[0] is False
    assert field_verdicts(fact(period=""), gold(), NORMALIZE)[1] is False
    assert field_verdicts(fact(period="2024"), gold(period=""), NORMALIZE)[1] is False
    assert field_verdicts(fact(indicator="出生率"), gold(), NORMALIZE)[2] is False
    assert field_verdicts(fact(entity="黑龍江"), gold(), NORMALIZE)[0] is True  # Traditional compares


def test_score_uses_each_row_once_prefers_the_best_and_counts_every_row_of_gold_documents():
    rows = [
        fact("d.txt#0-0", entity=""),  # found but entity wrong
        fact("d.txt#0-1"),  # found and right: the best candidate
        fact("d.txt#9-0", value=1876, unit="年", sentence="1876年建成。"),  # a year: always wrong
        fact("other.txt#0-0", doc_id="other.txt"),  # another document: not counted
    ]
    score = score_facts(rows, [gold(), gold(quote="没有这句")], NORMALIZE)
    assert (score.total.right, score.total.extracted, score.total.gold, score.total.found) == (1, 3, 2, 1)
    assert score.total.precision == pytest.approx(1 / 3) and score.total.recall == pytest.approx(0.5)
    assert score.total.f1 == pytest.approx(0.4)
    assert score.verdicts[0].fact.fact_id == "d.txt#0-1"
    assert [f.fact_id for f in score.year_rows] == ["d.txt#9-0"]
    assert score.field_accuracy == {"entity": 1.0, "period": 1.0, "indicator": 1.0}
    text = format_fact_score(score)
    assert "whole-row precision 0.333  recall 0.500  F1 0.400" in text and "not found" in text
    assert json.loads(json.dumps(score.to_dict(), ensure_ascii=False))["per_doc"]["d.txt"]["right"] == 1


def test_year_rows():
    assert is_year_row(fact(value=1876, unit="年")) and is_year_row(fact(value=2024, unit=""))
    assert not is_year_row(fact(value=20, unit="年"))


def test_load_gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    row = {
        **FACT,
        "doc": "d.txt",
        "quote": "减少33万人",
        "value": 33,
        "value_high": None,
        "keywords": ["减少"],
    }
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert is_gold_file(path)
    (loaded,) = load_gold(path)
    assert (loaded.value, loaded.keywords, loaded.line) == (33.0, ("减少",), 1)
    path.write_text(json.dumps({**row, "value": "多"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold\.jsonl:1: value '多' is not a number"):
        load_gold(path)
    path.write_text(json.dumps({"doc": "d.txt"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs quote, value"):
        load_gold(path)


def test_eval_facts_command_scores_gold_rows(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "d.txt").write_text(
        "吉林省2024年人口减少22.1万人。其中农村人口减少15万人。\n", encoding="utf-8"
    )
    KnowledgeBase.build(corpus, tmp_path / "index", model="hash")
    base = {"doc": "d.txt", "unit": "万人", "entity": "吉林", "period": ""}
    rows = [
        {**base, "quote": "人口减少22.1万人", "value": 22.1, "keywords": ["减少"], "period": "2024"},
        {**base, "quote": "农村人口减少15万人", "value": 15, "keywords": ["农村"]},
        {**base, "doc": "missing.txt", "quote": "x", "value": 1},
    ]
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval-facts", str(gold_path), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    assert "whole-row precision 0.500  recall 0.333  F1 0.400" in result.output
    assert "[period]" in result.output  # the second row: period 2024 inherited, gold says ""
    assert "not in the index (all their rows are misses): missing.txt" in result.output
    result = CliRunner().invoke(
        cli, ["eval-facts", str(gold_path), "--index", str(tmp_path / "index"), "--json"]
    )
    assert json.loads(result.output[result.output.index("{") :])["right"] == 1
