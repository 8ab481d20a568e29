"""Retrieval and answer evaluation on question sets of the form {"id", "q", "any": [substrings]}."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .clean import SearchNormalizer


@dataclass(frozen=True)
class Question:
    """One evaluation question and the substrings any of which answers it."""

    qid: str
    text: str
    answers: tuple[str, ...]


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
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(Question(str(row.get("id", n)), row["q"], tuple(row["any"])))
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ValueError(f"{path}:{n}: not a question row ({err})") from err
    return questions


def answers_in(text: str, answers: Sequence[str], normalizer: SearchNormalizer) -> bool:
    """True when ``text`` contains one of ``answers`` after the evaluation normalization."""
    form = normalizer.match_form(text)
    return any(normalizer.match_form(a) in form for a in answers)


def first_answer_rank(texts: Sequence[str], answers: Sequence[str], normalizer: SearchNormalizer) -> int | None:
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
) -> EvalReport:
    """hit@1/3/5/10, MRR@k, answer@1 and answer@any (when ``ask`` is given), and latency p50/p95."""
    ranks: list[int | None] = []
    first_claim: list[bool] = []
    any_claim: list[bool] = []
    search_times: list[float] = []
    ask_times: list[float] = []
    misses = []
    for q in questions:
        started = time.perf_counter()
        hits = search(q.text, k)
        search_times.append(time.perf_counter() - started)
        rank = first_answer_rank([h.text for h in hits], q.answers, normalizer)
        ranks.append(rank)
        miss = {"id": q.qid, "q": q.text, "rank": rank}
        if ask is not None:
            started = time.perf_counter()
            answer = ask(q.text)
            ask_times.append(time.perf_counter() - started)
            claim_texts = [c.text for c in answer.claims]
            claim_rank = first_answer_rank(claim_texts, q.answers, normalizer)
            first_claim.append(claim_rank == 1)
            any_claim.append(claim_rank is not None)
            miss["claim_rank"] = claim_rank
        if rank != 1 or (ask is not None and miss["claim_rank"] != 1):
            misses.append(miss)
    n = max(len(questions), 1)
    metrics = {f"hit@{c}": round(sum(r is not None and r <= c for r in ranks) / n, 4) for c in (1, 3, 5, 10)}
    metrics[f"mrr@{k}"] = round(sum(1 / r for r in ranks if r is not None and r <= k) / n, 4)
    if ask is not None:
        metrics["answer@1"] = round(sum(first_claim) / n, 4)
        metrics["answer@any"] = round(sum(any_claim) / n, 4)
    metrics["search_p50_ms"] = percentile_ms(search_times, 50)
    metrics["search_p95_ms"] = percentile_ms(search_times, 95)
    if ask_times:
        metrics["ask_p50_ms"] = percentile_ms(ask_times, 50)
        metrics["ask_p95_ms"] = percentile_ms(ask_times, 95)
    metrics["questions"] = len(questions)
    return EvalReport(metrics, misses)
