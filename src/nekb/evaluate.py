"""Evaluation: retrieval and answers on question sets ``{"id", "q", "any": [substrings], "doc"?}``, and
fact extraction on fact sets ``{"id", "entity", "period", "value", "unit", "keyword"}``."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .answer_type import question_kind, wanted_tags
from .errors import InputError
from .fileio import json_lines
from .normalize import SearchNormalizer
from .types import Fact


@dataclass(frozen=True)
class Question:
    """One evaluation question and the substrings any of which answers it."""

    qid: str
    text: str
    answers: tuple[str, ...]
    doc: str | None = None  # the document (file name or doc id) that answers it, when known


@dataclass(frozen=True)
class EvalReport:
    """Metrics over a question set, and the questions retrieval or answering missed."""

    metrics: dict[str, float]
    misses: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output."""
        return {"metrics": self.metrics, "misses": self.misses}


def load_questions(path: Path) -> list[Question]:
    """Read a questions JSONL file; a malformed line raises ValueError naming file and line."""
    questions = []
    for n, row in json_lines(path):
        try:
            doc = row.get("doc")
            questions.append(
                Question(str(row.get("id", n)), row["q"], tuple(row["any"]), str(doc) if doc else None)
            )
        except (AttributeError, KeyError, TypeError) as err:
            raise InputError(f"{path}:{n}: not a question row ({err})") from err
    return questions


def answers_in(text: str, answers: Sequence[str], normalizer: SearchNormalizer) -> bool:
    """True when ``text`` contains one of ``answers`` after the evaluation normalization."""
    form = normalizer.match_form(text)
    return any(normalizer.match_form(a) in form for a in answers)


def answer_spans_in(text: str, answers: Sequence[str], normalizer: SearchNormalizer) -> list[tuple[int, int]]:
    """Offsets ``[start, end)`` in ``text`` of every occurrence of an answer, compared in match form.

    Each character is put in match form on its own, so positions map back to ``text`` exactly.
    """
    forms: dict[str, str] = {}
    pieces, owner = [], []
    for i, ch in enumerate(text):
        piece = forms.setdefault(ch, normalizer.match_form(ch))
        pieces.append(piece)
        owner.extend([i] * len(piece))
    form = "".join(pieces)
    spans = []
    for answer in answers:
        needle = normalizer.match_form(answer)
        at = form.find(needle) if needle else -1
        while at >= 0:
            spans.append((owner[at], owner[at + len(needle) - 1] + 1))
            at = form.find(needle, at + 1)
    return spans


def focus_hits_answer(claim, answers: Sequence[str], normalizer: SearchNormalizer) -> bool:
    """Whether a claim's ``focus`` (document offsets) overlaps an answer occurrence in the claim."""
    if claim.focus is None:
        return False
    start, end = claim.focus[0] - claim.start, claim.focus[1] - claim.start
    return any(a < end and start < b for a, b in answer_spans_in(claim.text, answers, normalizer))


def first_answer_rank(
    texts: Sequence[str], answers: Sequence[str], normalizer: SearchNormalizer
) -> int | None:
    """1-based rank of the first text holding an answer, or None."""
    for rank, text in enumerate(texts, start=1):
        if answers_in(text, answers, normalizer):
            return rank
    return None


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of durations, in milliseconds."""
    return round(float(np.percentile(np.asarray(seconds) * 1000, q)), 2) if seconds else 0.0


def evaluate(
    questions: Sequence[Question],
    search: Callable[[str, int], list],
    ask: Callable[[str], object] | None,
    normalizer: SearchNormalizer,
    k: int = 10,
    warmup: bool = True,
) -> EvalReport:
    """Retrieval, answer and focus metrics, and latency p50/p95.

    - ``passage@1/3/5/10``: an answer is in one of the first 1/3/5/10 passages; ``mrr@k``;
    - ``doc@1``, ``doc@5`` (questions with a ``doc`` only): the first passage (one of the first
      five documents) comes from the question's document;
    - with ``ask``: ``answer@1`` the first claim holds an answer, ``answer@any`` some claim does,
      ``focus@1`` the first claim's focus overlaps an answer, ``focus|answer@1`` the same share
      among the questions whose first claim holds an answer, and ``focus|asks`` among those of them
      that ask for a figure, name, place, person, organisation or time (the others get no focus);
    - questions with no answer (``"any": []``, nothing in the collection answers them) count in
      none of these: with ``ask``, ``declined`` is the share of them answered with no claim, and
      each one that got claims is a miss.

    With ``warmup`` the first question is run once untimed first, so one-off costs (lazy loading,
    first-call allocation) do not land in the latency percentiles.
    """
    if warmup and questions:
        search(questions[0].text, k=k)
        if ask is not None:
            ask(questions[0].text)
    unanswerable = [q for q in questions if not q.answers]
    questions = [q for q in questions if q.answers]
    ranks: list[int | None] = []
    doc_ranks: list[int | None] = []  # questions with a ``doc`` only
    first_claim: list[bool] = []
    any_claim: list[bool] = []
    focus_hits: list[bool] = []
    asks_focus: list[bool] = []  # the question asks for something a focus can mark
    search_times: list[float] = []
    ask_times: list[float] = []
    misses = []
    for q in questions:
        started = time.perf_counter()
        hits = search(q.text, k=k)
        search_times.append(time.perf_counter() - started)
        rank = first_answer_rank([h.text for h in hits], q.answers, normalizer)
        ranks.append(rank)
        if q.doc is not None:
            doc_ranks.append(document_rank([h.doc_id for h in hits], q.doc))
        miss = {"id": q.qid, "q": q.text, "rank": rank, "expected": list(q.answers), "top": _snippet(hits)}
        if ask is not None:
            started = time.perf_counter()
            answer = ask(q.text)
            ask_times.append(time.perf_counter() - started)
            claim_texts = [c.text for c in answer.claims]
            claim_rank = first_answer_rank(claim_texts, q.answers, normalizer)
            first_claim.append(claim_rank == 1)
            any_claim.append(claim_rank is not None)
            focus_hits.append(
                bool(answer.claims) and focus_hits_answer(answer.claims[0], q.answers, normalizer)
            )
            asks_focus.append(bool(wanted_tags(question_kind(q.text))))
            miss["claim_rank"] = claim_rank
            miss["first_claim"] = claim_texts[0] if claim_texts else ""
        if rank != 1 or (ask is not None and miss["claim_rank"] != 1):
            misses.append(miss)
    n = max(len(questions), 1)
    metrics = {
        f"passage@{c}": round(sum(r is not None and r <= c for r in ranks) / n, 4) for c in (1, 3, 5, 10)
    }
    metrics[f"mrr@{k}"] = round(sum(1 / r for r in ranks if r is not None and r <= k) / n, 4)
    if doc_ranks:
        for c in (1, 5):
            metrics[f"doc@{c}"] = round(sum(r is not None and r <= c for r in doc_ranks) / len(doc_ranks), 4)
    if ask is not None:
        metrics["answer@1"] = round(sum(first_claim) / n, 4)
        metrics["answer@any"] = round(sum(any_claim) / n, 4)
        metrics["focus@1"] = round(sum(focus_hits) / n, 4)
        metrics["focus|answer@1"] = round(sum(focus_hits) / max(sum(first_claim), 1), 4)
        rows = zip(focus_hits, first_claim, asks_focus, strict=True)
        asked = [hit for hit, first, asks in rows if first and asks]
        metrics["focus|asks"] = round(sum(asked) / max(len(asked), 1), 4)
    metrics["search_p50_ms"] = percentile_ms(search_times, 50)
    metrics["search_p95_ms"] = percentile_ms(search_times, 95)
    if ask_times:
        metrics["ask_p50_ms"] = percentile_ms(ask_times, 50)
        metrics["ask_p95_ms"] = percentile_ms(ask_times, 95)
    metrics["questions"] = len(questions)
    if ask is not None and unanswerable:
        answered = _answered(unanswerable, ask)
        metrics["declined"] = round(1 - len(answered) / len(unanswerable), 4)
        metrics["unanswerable"] = len(unanswerable)
        misses += answered
    return EvalReport(metrics, misses)


def _answered(unanswerable: Sequence[Question], ask: Callable[[str], object]) -> list[dict]:
    """A miss for each question nothing answers that still got claims."""
    misses = []
    for q in unanswerable:
        claims = ask(q.text).claims
        if claims:
            misses.append(
                {"id": q.qid, "q": q.text, "rank": None, "expected": [], "first_claim": claims[0].text}
            )
    return misses


def document_rank(doc_ids: Sequence[str], doc: str) -> int | None:
    """1-based rank of ``doc`` among the distinct documents of ranked passages (by id or file name)."""
    distinct = list(dict.fromkeys(doc_ids))
    for rank, doc_id in enumerate(distinct, start=1):
        if doc_id == doc or doc_id.endswith("/" + doc):
            return rank
    return None


def _snippet(hits: Sequence, chars: int = 60) -> str:
    """The start of the top hit's text, to show what was found instead of the answer."""
    if not hits:
        return ""
    text = " ".join(hits[0].text.split())
    return text if len(text) <= chars else text[:chars] + "…"


def _rank(rank: int | None) -> str:
    return "-" if rank is None else str(rank)


def format_report(report: EvalReport) -> str:
    """A human-readable summary: metrics, latency, and one line per missed question.

    A question is a miss when its answer is not in the first passage (``rank`` != 1) or, when
    answers were evaluated, not in the first claim (``claim`` != 1); ``-`` means not found at all.
    """
    m = report.metrics
    k = next((key.split("@")[1] for key in m if key.startswith("mrr@")), "10")
    keys = ("doc@1", "doc@5", "passage@1", "passage@3", "passage@5", "passage@10")
    hits = "  ".join(f"{key} {m[key]:.3f}" for key in keys if key in m)
    lines = [f"{m.get('questions', 0)} questions", f"retrieval  {hits}  MRR@{k} {m.get(f'mrr@{k}', 0):.3f}"]
    if "answer@1" in m:
        lines.append(
            f"answers    answer@1 {m['answer@1']:.3f}  answer@any {m['answer@any']:.3f}  "
            f"focus@1 {m['focus@1']:.3f} (of answer@1: {m['focus|answer@1']:.3f}; "
            f"of those asking a figure, name, place or time: {m['focus|asks']:.3f})"
        )
    if "declined" in m:
        lines.append(f"no answer  {m['unanswerable']} questions, declined {m['declined']:.3f}")
    latency = f"latency    search p50 {m['search_p50_ms']:.1f} ms, p95 {m['search_p95_ms']:.1f} ms"
    if "ask_p50_ms" in m:
        latency += f"; ask p50 {m['ask_p50_ms']:.1f} ms, p95 {m['ask_p95_ms']:.1f} ms"
    lines.append(latency)
    if not report.misses:
        lines.append("no misses")
        return "\n".join(lines)
    with_claims = any("claim_rank" in miss for miss in report.misses)
    lines.append(
        f"misses ({len(report.misses)}): rank of the first passage"
        + (" / claim" if with_claims else "")
        + " holding an answer"
    )
    for miss in report.misses:
        ranks = _rank(miss["rank"]) + (f" / {_rank(miss.get('claim_rank'))}" if with_claims else "")
        lines.append(f"  {miss['id']:<6} {ranks:<8} {miss['q']}")
        expected = " | ".join(miss.get("expected", [])) or "(nothing answers it: no claim)"
        lines.append(f"         expected: {expected}")
        if not miss.get("expected") and miss.get("first_claim"):
            lines.append(f"         claimed:  {miss['first_claim'][:60]}")
        if miss.get("top"):
            lines.append(f"         top hit:  {miss['top']}")
    return "\n".join(lines)


# -- facts ------------------------------------------------------------------------------------

# Numbers in the fact table are parsed floats; anything closer than this is the same value.
VALUE_TOLERANCE = 1e-9
FACT_KEYS = ("entity", "value")


@dataclass(frozen=True)
class FactEvalReport:
    """Recall of expected facts in a fact table: which were found (with a matching fact id) and which not."""

    recall: float
    found: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output."""
        return {"recall": self.recall, "found": self.found, "missing": self.missing}


def load_expected_facts(path: Path) -> list[dict]:
    """Read a facts JSONL file; a line without ``entity`` and a numeric ``value`` raises ValueError."""
    expected = []
    for n, row in json_lines(path):
        if not isinstance(row, dict) or not all(key in row for key in FACT_KEYS):
            raise InputError(f"{path}:{n}: a fact row needs {' and '.join(FACT_KEYS)}")
        if isinstance(row["value"], bool) or not isinstance(row["value"], int | float):
            raise InputError(f"{path}:{n}: value {row['value']!r} is not a number")
        expected.append({"id": str(row.get("id", n)), **row})
    return expected


def units_match(row_unit: str, expected_unit: str) -> bool:
    """Equal units, or one a prefix of the other (``万`` / ``万人``); an empty unit only matches empty."""
    if row_unit == expected_unit:
        return True
    return bool(row_unit and expected_unit) and (
        row_unit.startswith(expected_unit) or expected_unit.startswith(row_unit)
    )


def fact_matches(row: Fact, expected: dict, normalizer: SearchNormalizer) -> bool:
    """Whether the extracted ``row`` is the ``expected`` fact.

    Entity equal to or containing ``entity``; value equal within 1e-9; units equal or one a prefix
    of the other; ``period`` (when given) contained in the row's period; ``keyword`` (when given)
    in the indicator or the sentence. Text is compared in search form (Traditional→Simplified).
    """
    form = normalizer.search_form
    if not math.isclose(
        float(row.value), float(expected["value"]), rel_tol=VALUE_TOLERANCE, abs_tol=VALUE_TOLERANCE
    ):
        return False
    if form(expected["entity"]) not in form(row.entity):
        return False
    if not units_match(form(row.unit), form(expected.get("unit", "") or "")):
        return False
    period = form(str(expected.get("period", "") or ""))
    if period and period not in form(row.period):
        return False
    keyword = form(expected.get("keyword", "") or "")
    return not keyword or keyword in form(row.indicator) or keyword in form(row.sentence)


def evaluate_facts(
    facts: Sequence[Fact], expected: Sequence[dict], normalizer: SearchNormalizer
) -> FactEvalReport:
    """Recall of ``expected`` facts in ``facts``; each found one lists the ids of the rows matching it."""
    found, missing = [], []
    for wanted in expected:
        ids = [f.fact_id for f in facts if fact_matches(f, wanted, normalizer)]
        (found if ids else missing).append({**wanted, **({"fact_ids": ids} if ids else {})})
    recall = round(len(found) / len(expected), 4) if expected else 1.0
    return FactEvalReport(recall, found, missing)


def facts_from_table(table: pd.DataFrame) -> list[Fact]:
    """The :class:`Fact` rows of a fact table (``kb.facts()``); a missing page becomes None."""
    names = list(Fact.__dataclass_fields__)
    facts = []
    for record in table.to_dict("records"):
        values = {name: record.get(name) for name in names}
        page = values.get("page")
        values["page"] = None if page is None or (isinstance(page, float) and math.isnan(page)) else int(page)
        facts.append(Fact(**values))
    return facts


def _describe_fact(fact: dict) -> str:
    period = f" {fact['period']}" if fact.get("period") else ""
    keyword = f" ({fact['keyword']})" if fact.get("keyword") else ""
    value = fact["value"]
    value = int(value) if isinstance(value, float) and value.is_integer() else value
    return f"{fact['entity']}{period} {value}{fact.get('unit', '')}{keyword}"


def format_fact_report(report: FactEvalReport) -> str:
    """A human-readable summary: recall, then each missing fact (and what matched each found one)."""
    total = len(report.found) + len(report.missing)
    lines = [f"fact recall {report.recall:.3f} ({len(report.found)}/{total})"]
    if report.missing:
        lines.append(f"missing ({len(report.missing)}):")
        lines.extend(f"  {f['id']:<6} {_describe_fact(f)}" for f in report.missing)
    else:
        lines.append("no missing facts")
    return "\n".join(lines)
