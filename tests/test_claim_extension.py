"""Extending a claim over the next sentence: which candidate follows which, and what the model reads."""

from __future__ import annotations

import numpy as np

from nekb.claim_extension import EXTENSION_FEATURES, extension_row, next_sentences
from nekb.sentence_features import FEATURES, QuestionForm, SentenceRef


def test_next_sentences_pairs_consecutive_sentences_of_one_document():
    refs = [
        SentenceRef("a", 3, 30, 40, 0),
        SentenceRef("a", 4, 40, 50, 0),
        SentenceRef("b", 5, 0, 10, 1),
        SentenceRef("a", 6, 60, 70, 1),
    ]
    assert next_sentences(refs) == {0: 1}


def test_extension_row_reads_how_sentences_end_and_begin():
    from types import SimpleNamespace

    text = "其职能有四个方面：因此它被称为笨蛋水果。"
    doc = SimpleNamespace(text=text)
    snap = SimpleNamespace(documents={"a": doc})
    refs = [SentenceRef("a", 0, 0, 9, 0), SentenceRef("a", 1, 9, len(text), 0)]
    rows = np.zeros((2, len(FEATURES)))
    rows[1, FEATURES.index("doc_coverage")] = 0.7
    question = QuestionForm("reason", "为什么", "", ("", ""), (), np.zeros(0))
    values = extension_row(snap, question, refs, rows, np.array([0.6, 0.3]), 0, 1)
    row = dict(zip(EXTENSION_FEATURES, values, strict=True))
    assert row["asks_reason"] == 1 and row["asks_other"] == 0
    assert row["ends_colon"] == 1 and row["ends_open"] == 1
    assert row["next_connective"] == 1 and row["next_doc_coverage"] == 0.7
    assert np.isclose(row["next_share"], 1 / 3)
