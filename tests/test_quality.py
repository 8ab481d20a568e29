"""The shipped corpus meets the dev targets on eval/ (a retrieval, answer or fact regression fails CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nekb import KnowledgeBase
from nekb.evaluate import (
    EvalReport,
    evaluate,
    evaluate_facts,
    facts_from_table,
    format_fact_report,
    format_report,
    load_expected_facts,
    load_questions,
)
from nekb.normalize import SearchNormalizer

EVAL = Path(__file__).resolve().parent.parent / "eval"

# The project's dev targets; lower one only with a reason in the commit message.
# focus|asks: the bold words overlap the answer, of first claims that hold it and ask for a figure, name,
# place or time (issue 12's 0.6).
TARGETS = {"passage@1": 0.90, "passage@5": 1.0, "answer@1": 0.85, "answer@any": 0.95, "focus|asks": 0.6}
FACT_RECALL_TARGET = 1.0


@pytest.fixture(scope="module")
def question_report(real_kb: KnowledgeBase) -> EvalReport:
    """One evaluation run over the dev questions, shared by the per-metric tests."""
    questions = load_questions(EVAL / "questions.jsonl")
    return evaluate(questions, real_kb.search, real_kb.ask, SearchNormalizer(), k=10)


@pytest.mark.parametrize(("metric", "target"), TARGETS.items())
def test_dev_questions_meet_target(question_report: EvalReport, metric: str, target: float):
    value = question_report.metrics[metric]
    assert value >= target, f"{metric} {value} < {target}\n{format_report(question_report)}"


def test_dev_facts_are_all_extracted(real_kb: KnowledgeBase):
    expected = load_expected_facts(EVAL / "facts.jsonl")
    report = evaluate_facts(facts_from_table(real_kb.facts()), expected, SearchNormalizer())
    assert report.recall >= FACT_RECALL_TARGET, format_fact_report(report)
