"""Warm latency of kb.search and kb.ask on the dev questions, against one raw e5 query embedding."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from timing import percentiles_ms, ratio, timed

from nekb import KnowledgeBase
from nekb.embed import Embedder

ROUNDS = 5  # passes over the dev questions: 22 questions x 5 = 110 samples per measurement


def _time(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(index_dir: Path, corpus_dir: Path, embedder: Embedder, raw_model, questions: Sequence[str]) -> dict:
    """p50/p95 of raw ``E5().query``, ``kb.search(q, 5)`` and ``kb.ask(q)``, and their ratios.

    The three are interleaved question by question, so drift in machine load hits them alike;
    one untimed pass first warms every cache.
    """
    kb = KnowledgeBase.open(corpus_dir, index_dir, model=embedder)
    for q in questions:  # warm-up
        raw_model.query(q)
        kb.search(q, k=5)
        kb.ask(q)
    raw, search, ask = [], [], []
    for _ in range(ROUNDS):
        for q in questions:
            raw.append(_time(lambda q=q: raw_model.query(q)))
            search.append(_time(lambda q=q: kb.search(q, k=5)))
            ask.append(_time(lambda q=q: kb.ask(q)))
    _, many_seconds = timed(kb.ask_many, list(questions))
    raw_ms, search_ms, ask_ms = percentiles_ms(raw), percentiles_ms(search), percentiles_ms(ask)
    return {
        "questions": len(questions),
        "samples": len(raw),
        "raw_query_ms": raw_ms,
        "search_ms": search_ms,
        "ask_ms": ask_ms,
        "search_over_raw": {p: ratio(search_ms[p], raw_ms[p]) for p in ("p50", "p95")},
        "ask_over_raw": {p: ratio(ask_ms[p], raw_ms[p]) for p in ("p50", "p95")},
        "ask_many_ms_per_question": round(many_seconds * 1000 / max(len(questions), 1), 2),
    }
