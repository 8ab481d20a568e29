"""Whether a claim should quote the next sentence too: when the answer runs on into it, or is in it.

Why- and how-questions, and lists introduced by a colon, are often answered by two sentences (因此它
有时也被称为笨蛋水果 closes the reason the sentence before gives), and when the ranker hesitates
between a sentence and the next, quoting both answers where either alone might not. A small logistic
model, fitted with the sentence ranker (``scripts/fit_ranker.py``) on the ranker's own first picks,
reads the question's kind, how the first sentence ends, how the next one begins, how well each matches
the question and how the ranker scored them; the claim is extended when the model finds the longer
quote more likely than not to be needed. The extended claim is still verbatim and inside one passage.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .sentence_features import FEATURES, QuestionForm, SentenceRef
from .snapshot import Snapshot

EXTENSION_FEATURES = (
    "asks_reason",
    "asks_manner",
    "asks_other",
    "ends_colon",
    "ends_semicolon",
    "ends_open",
    "next_connective",
    "this_doc_coverage",
    "next_doc_coverage",
    "this_bigram_weighted",
    "next_bigram_weighted",
    "next_cosine_gap",
    "this_fit",
    "this_length",
    "next_length",
    "this_probability",
    "next_share",
)
# Words that open a sentence continuing the one before: consequence, contrast, addition, reference.
_CONTINUES = re.compile(
    r"^(因此|因而|所以|于是|於是|故|从而|從而|但|但是|然而|而|并|並|且|此外|另外|同时|同時|其|他|她|它|牠|该|該"
    r"|这|這|此|后来|後來|然后|然後|之后|之後|随后|隨後|最终|最終|结果|結果|甚至|尤其|包括|例如|如)"
)
_COLON_END = re.compile(r"[：:]\s*$")
_SEMICOLON_END = re.compile(r"[；;]\s*$")
_CLOSED_END = re.compile(r"[。！？!?][”’」』）)]*\s*$")


def next_sentences(refs: list[SentenceRef]) -> dict[int, int]:
    """For each candidate, the candidate that is the next sentence of the same document (if any)."""
    position = {(r.doc_id, r.index): i for i, r in enumerate(refs)}
    return {
        i: position[(r.doc_id, r.index + 1)]
        for i, r in enumerate(refs)
        if (r.doc_id, r.index + 1) in position
    }


def extension_row(
    snap: Snapshot,
    question: QuestionForm,
    refs: list[SentenceRef],
    rows: np.ndarray,
    probabilities: np.ndarray,
    i: int,
    j: int,
) -> np.ndarray:
    """The :data:`EXTENSION_FEATURES` of extending candidate ``i`` with ``j``, its next sentence."""
    this, following = refs[i], refs[j]
    doc = snap.documents[this.doc_id]
    text = doc.text[this.start : this.end]
    after = doc.text[following.start : following.end]
    column = {name: FEATURES.index(name) for name in FEATURES}
    fits = [column[name] for name in FEATURES if name.startswith("fit_")]
    values = {
        "asks_reason": float(question.kind == "reason"),
        "asks_manner": float(question.kind == "manner"),
        "asks_other": float(question.kind == "other"),
        "ends_colon": float(bool(_COLON_END.search(text))),
        "ends_semicolon": float(bool(_SEMICOLON_END.search(text))),
        "ends_open": float(not _CLOSED_END.search(text)),
        "next_connective": float(bool(_CONTINUES.match(after.strip()))),
        "this_doc_coverage": rows[i, column["doc_coverage"]],
        "next_doc_coverage": rows[j, column["doc_coverage"]],
        "this_bigram_weighted": rows[i, column["bigram_weighted"]],
        "next_bigram_weighted": rows[j, column["bigram_weighted"]],
        "next_cosine_gap": rows[j, column["cosine"]] - rows[i, column["cosine"]],
        "this_fit": rows[i, fits].max(),
        "this_length": math.log(1 + len(text)),
        "next_length": math.log(1 + len(after)),
        "this_probability": probabilities[i],
        "next_share": probabilities[j] / max(probabilities[i] + probabilities[j], 1e-12),
    }
    return np.array([values[name] for name in EXTENSION_FEATURES], dtype=np.float64)
