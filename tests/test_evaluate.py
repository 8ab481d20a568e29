"""Evaluation: metrics on a toy search function, the fact matcher, and `nekb eval` / `nekb eval-facts`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nekb.errors import InputError
from nekb.evaluate import (
    Question,
    evaluate,
    evaluate_facts,
    fact_matches,
    facts_from_table,
    format_fact_report,
    format_report,
    load_expected_facts,
    load_questions,
    units_match,
)
from nekb.normalize import SearchNormalizer
from nekb.types import Answer, Claim, Fact, Hit

EVAL = Path(__file__).resolve().parent.parent / "eval"


@pytest.fixture(scope="module")
def normalizer() -> SearchNormalizer:
    return SearchNormalizer()


# -- retrieval and answer metrics on a toy search function ----------------------------------------


def _hit(text: str) -> Hit:
    return Hit("doc", "标题", text, 0.0, 0, len(text))


# The answer of q1 is at rank 1, q2 at rank 3, q3 at rank 7 (in Traditional script), q4 nowhere.
RANKINGS = {
    "问一": ["甲答案", "乙", "丙"],
    "问二": ["乙", "丙", "含有 乙答案 的段落", "丁"],
    "问三": ["x1", "x2", "x3", "x4", "x5", "x6", "東北地區", "x8"],
    "问四": ["无关", "无关"],
}
QUESTIONS = [
    Question("q1", "问一", ("甲答案",)),
    Question("q2", "问二", ("乙答案", "不存在")),
    Question("q3", "问三", ("东北地区",)),
    Question("q4", "问四", ("找不到",)),
]


def toy_search(query: str, k: int) -> list[Hit]:
    return [_hit(t) for t in RANKINGS[query][:k]]


def toy_ask(query: str) -> Answer:
    # q1: first claim answers; q2: second claim answers; q3 and q4: no claim answers.
    claims = {
        "问一": ["甲答案。"],
        "问二": ["无关。", "乙答案。"],
        "问三": ["无关。"],
        "问四": [],
    }[query]
    return Answer(query, tuple(Claim(c, "doc", 0, len(c), None, (0,)) for c in claims), ())


def test_metrics_match_hand_computed_values(normalizer):
    report = evaluate(QUESTIONS, toy_search, toy_ask, normalizer, k=10)
    m = report.metrics
    assert (m["passage@1"], m["passage@3"], m["passage@5"], m["passage@10"]) == (0.25, 0.5, 0.5, 0.75)
    assert m["mrr@10"] == round((1 + 1 / 3 + 1 / 7) / 4, 4)
    assert m["answer@1"] == 0.25
    assert m["answer@any"] == 0.5
    assert m["questions"] == 4
    assert {"search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms"} <= set(m)
    assert [miss["id"] for miss in report.misses] == ["q2", "q3", "q4"]
    by_id = {miss["id"]: miss for miss in report.misses}
    assert (by_id["q2"]["rank"], by_id["q2"]["claim_rank"]) == (3, 2)
    assert (by_id["q4"]["rank"], by_id["q4"]["claim_rank"]) == (None, None)
    assert by_id["q4"]["expected"] == ["找不到"] and by_id["q4"]["top"] == "无关"


def test_mrr_and_hits_respect_k(normalizer):
    report = evaluate(QUESTIONS, toy_search, None, normalizer, k=5)
    m = report.metrics
    assert m["passage@10"] == 0.5  # only 5 passages were retrieved, so q3's rank 7 is never seen
    assert m["mrr@5"] == round((1 + 1 / 3) / 4, 4)
    assert "answer@1" not in m and "ask_p50_ms" not in m


def test_warmup_runs_the_first_question_untimed_once(normalizer):
    calls: list[str] = []

    def counting_search(query: str, k: int) -> list[Hit]:
        calls.append(query)
        return toy_search(query, k)

    evaluate(QUESTIONS, counting_search, None, normalizer, warmup=True)
    assert calls == ["问一", "问一", "问二", "问三", "问四"]
    calls.clear()
    evaluate(QUESTIONS, counting_search, None, normalizer, warmup=False)
    assert calls == ["问一", "问二", "问三", "问四"]


def test_format_report_lists_metrics_and_misses(normalizer):
    text = format_report(evaluate(QUESTIONS, toy_search, toy_ask, normalizer, k=10))
    assert "passage@1 0.250" in text and "passage@10 0.750" in text and "MRR@10 0.369" in text
    assert "answer@1 0.250  answer@any 0.500" in text
    assert "search p50" in text and "ask p50" in text
    assert "misses (3)" in text
    assert "q2     3 / 2" in text
    assert "q4     - / -" in text


def test_questions_nothing_answers_are_scored_by_whether_they_are_declined(normalizer):
    unanswerable = [Question("u1", "问四", ()), Question("u2", "问三", ())]  # 问三 gets a claim, 问四 none
    report = evaluate([*QUESTIONS, *unanswerable], toy_search, toy_ask, normalizer, k=10)
    m = report.metrics
    assert (m["answer@1"], m["answer@any"], m["questions"]) == (0.25, 0.5, 4)  # as without them
    assert (m["declined"], m["unanswerable"]) == (0.5, 2)
    assert [miss["id"] for miss in report.misses][-1] == "u2"
    text = format_report(report)
    assert "no answer  2 questions, declined 0.500" in text
    assert "(nothing answers it: no claim)" in text and "claimed:  无关。" in text
    assert (
        "declined" not in evaluate(unanswerable, toy_search, None, normalizer).metrics
    )  # no ask, no verdict


def test_format_report_without_misses(normalizer):
    text = format_report(evaluate(QUESTIONS[:1], toy_search, toy_ask, normalizer))
    assert "no misses" in text and "passage@1 1.000" in text


def test_load_questions_names_the_bad_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "q": "问", "any": ["答"]}\n\n{"id": "b", "q": "问"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"q\.jsonl:3: not a question row"):
        load_questions(path)
    for line, message in (('{"q": "问", ', "not valid JSON"), ('["问"]', "not a question row")):
        path.write_text(line + "\n", encoding="utf-8")
        with pytest.raises(ValueError, match=rf"q\.jsonl:1: {message}"):
            load_questions(path)


def test_shipped_question_set_loads():
    questions = load_questions(EVAL / "questions.jsonl")
    assert len(questions) >= 20 and all(q.answers for q in questions)


# -- the fact matcher ----------------------------------------------------------------------------


def fact(**changes) -> Fact:
    base = {
        "fact_id": "d:1",
        "entity": "黑龙江省",
        "indicator": "常住人口减少",
        "period": "2024年",
        "value": 33.0,
        "unit": "万人",
        "qualifier": "",
        "doc_id": "d",
        "sentence": "黑龙江省2024年常住人口减少33万人。",
        "start": 0,
        "end": 19,
    }
    return Fact(**{**base, **changes})


EXPECTED = {"id": "f01", "entity": "黑龙江", "period": "2024", "value": 33, "unit": "万人", "keyword": "减少"}


def test_fact_matches_the_documented_rule(normalizer):
    assert fact_matches(fact(), EXPECTED, normalizer)


@pytest.mark.parametrize(
    ("changes", "matches"),
    [
        ({"entity": "黑龙江"}, True),  # equal entity
        ({"entity": "黑龙"}, False),  # the row's entity must contain the expected one, not vice versa
        ({"entity": "吉林"}, False),
        ({"entity": "黑龍江省"}, True),  # Traditional script is compared in Simplified form
        ({"value": 33.0000000001}, True),  # within 1e-9
        ({"value": 33.01}, False),
        ({"value": 330.0}, False),
        ({"unit": "万"}, True),  # 万 is a prefix of 万人
        ({"unit": "万人次"}, True),  # and 万人 of 万人次
        ({"unit": "人"}, False),
        ({"unit": "%"}, False),
        ({"unit": ""}, False),  # an empty unit is not a prefix match for a real one
        ({"period": "2023年"}, False),
        ({"period": "2024年末"}, True),  # the expected period is contained in the row's
        ({"period": ""}, False),
        ({"indicator": "常住人口"}, True),  # the keyword is in the sentence
        ({"indicator": "常住人口", "sentence": "常住人口为33万人。"}, False),  # the keyword is nowhere
        ({"indicator": "人口減少", "sentence": ""}, True),  # in the indicator, in Traditional script
    ],
)
def test_fact_matcher_edge_cases(normalizer, changes, matches):
    assert fact_matches(fact(**changes), EXPECTED, normalizer) is matches


def test_optional_fields_of_the_expected_fact(normalizer):
    loose = {"entity": "黑龙江", "value": 33}
    assert fact_matches(fact(period="", unit="万人"), {**loose, "unit": "万人"}, normalizer)
    assert fact_matches(fact(period=""), {**loose, "unit": "万人", "period": "", "keyword": ""}, normalizer)
    assert fact_matches(fact(unit=""), {**loose, "unit": ""}, normalizer)
    assert units_match("万", "万人") and units_match("万人", "万") and not units_match("", "万")


def test_evaluate_facts_recall_found_and_missing(normalizer):
    rows = [
        fact(),
        fact(fact_id="d:2", entity="七台河市", indicator="人口", period="2020", value=69.0, unit="万"),
        fact(fact_id="d:3", entity="黑龙江", value=33.0),  # a second row matching f01
    ]
    expected = [
        EXPECTED,
        {"id": "f12", "entity": "七台河", "period": "", "value": 69, "unit": "万", "keyword": "人口"},
        {"id": "f29", "entity": "景德镇", "period": "", "value": 2000, "unit": "家", "keyword": "陶瓷"},
    ]
    report = evaluate_facts(rows, expected, normalizer)
    assert report.recall == round(2 / 3, 4)
    assert [f["id"] for f in report.found] == ["f01", "f12"]
    assert report.found[0]["fact_ids"] == ["d:1", "d:3"]
    assert [f["id"] for f in report.missing] == ["f29"]
    text = format_fact_report(report)
    assert "fact recall 0.667 (2/3)" in text and "f29    景德镇 2000家 (陶瓷)" in text
    assert evaluate_facts([], [], normalizer).recall == 1.0


def test_facts_from_table_turns_missing_pages_into_none():
    rows = [fact(), fact(fact_id="d:2", page=4)]
    table = pd.DataFrame([f.to_dict() for f in rows])
    assert facts_from_table(table) == rows


def test_load_expected_facts(tmp_path):
    assert [f["id"] for f in load_expected_facts(EVAL / "facts.jsonl")][:2] == ["f01", "f05"]
    path = tmp_path / "facts.jsonl"
    path.write_text('{"id": "a", "entity": "黑龙江", "value": "多"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"facts\.jsonl:1: value '多' is not a number"):
        load_expected_facts(path)
    path.write_text('{"id": "a", "value": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"facts\.jsonl:1: a fact row needs entity and value"):
        load_expected_facts(path)
    path.write_text('{"id": "a"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"facts\.jsonl:1: not valid JSON"):
        load_expected_facts(path)


# -- the commands over the real index ------------------------------------------------------------


def test_load_questions_keeps_a_unicode_line_separator_inside_a_question(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "a", "q": "甲\u2028乙", "any": ["丙"]}) + "\n", encoding="utf-8")
    assert [q.text for q in load_questions(path)] == ["甲\u2028乙"]


def test_cli_eval_scores_a_small_question_file(run_cli, real_index: Path, tmp_path):
    path = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "q": "2024年东北三省常住人口合计减少了多少？", "any": ["合计减少82.1万人"]},
        {"id": "b", "q": "黑龙江的人口出生率是多少？", "any": ["这句话不在任何文档里"]},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = run_cli("eval", path, "--index", real_index, "--json", "-k", 5)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    metrics = payload["metrics"]
    assert metrics["questions"] == 2 and "mrr@5" in metrics
    assert metrics["passage@1"] == 0.5 and metrics["answer@1"] == 0.5 and metrics["answer@any"] == 0.5
    assert [m["id"] for m in payload["misses"]] == ["b"]
    text = run_cli("eval", path, "--index", real_index, "-k", 5).stdout
    assert "passage@1 0.500" in text and "answer@1 0.500" in text and "b " in text


def test_cli_eval_facts_reports_what_is_missing(run_cli, real_index: Path, tmp_path):
    path = tmp_path / "facts.jsonl"
    rows = [
        {"id": "hlj", "entity": "黑龙江", "value": 3.35, "unit": "‰", "keyword": "出生率"},
        {"id": "fake", "entity": "黑龙江", "value": 123456.0, "unit": "万人"},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = run_cli("eval-facts", path, "--index", real_index, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["recall"] == 0.5
    assert [f["id"] for f in payload["found"]] == ["hlj"] and payload["found"][0]["fact_ids"]
    assert [f["id"] for f in payload["missing"]] == ["fake"]
    assert run_cli("eval-facts", path, "--index", real_index).stdout.startswith("fact recall 0.500 (1/2)")


def test_cli_eval_bad_file_is_one_line(run_cli, real_index: Path, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text("{oops\n", encoding="utf-8")
    result = run_cli("eval", path, "--index", real_index)
    assert result.exit_code == 1
    assert "q.jsonl:1: not valid JSON" in result.output and "Traceback" not in result.output


# -- documents and focus ---------------------------------------------------------------------------


def test_doc_and_focus_metrics(normalizer):
    text = "黄华麒毕业于香港大学。"

    def ask(query: str) -> Answer:
        focus = {"问一在哪里": (6, 10), "问二是谁": (0, 3)}.get(query)  # 香港大学 / 黄华麒
        claims = (Claim(text, "a.txt", 0, len(text), None, (0,), focus=focus),) if query != "问三" else ()
        return Answer(query, claims, ())

    def search(query: str, k: int) -> list[Hit]:
        order = ["sub/a.txt", "b.txt"] if query == "问一在哪里" else ["b.txt", "b.txt", "sub/a.txt"]
        return [Hit(d, "", text, 0.0, 0, len(text)) for d in order]

    questions = [
        Question("1", "问一在哪里", ("香港大学",), doc="a.txt"),
        Question("2", "问二是谁", ("香港大學",), doc="a.txt"),
        Question("3", "问三", ("香港大学",)),
        Question("4", "问四为什么", ("香港大学",)),
    ]
    m = evaluate(questions, search, ask, normalizer, k=10).metrics
    assert (m["doc@1"], m["doc@5"]) == (0.5, 1.0)  # over the two questions that name a document
    assert (m["answer@1"], m["focus@1"]) == (0.75, 0.25)
    assert m["focus|answer@1"] == round(1 / 3, 4)
    # The why-question's claim has no focus and asks for none: it leaves focus|asks alone.
    assert m["focus|asks"] == 0.5


def test_answer_spans_map_back_to_the_original_text(normalizer):
    from nekb.evaluate import answer_spans_in

    text = "黑龍江：出生率 3.35‰，全國最低。"
    spans = answer_spans_in(text, ["黑龙江:出生率3.35‰", "全国"], normalizer)
    assert [text[a:b] for a, b in spans] == ["黑龍江：出生率 3.35‰", "全國"]


def test_question_rows_may_name_their_document(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "q": "问", "any": ["答"], "doc": "x.txt"}\n{"q": "问二", "any": ["答"]}\n')
    first, second = load_questions(path)
    assert first.doc == "x.txt" and second.doc is None
