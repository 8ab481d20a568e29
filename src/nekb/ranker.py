"""The fitted sentence ranker: which sentence of the retrieved passages answers, and whether any does.

Two small linear models read :mod:`nekb.sentence_features`; their weights are fitted on data by
``scripts/fit_ranker.py`` (``make fit``) and shipped in ``data/ranker.json``:

- a conditional logit over a question's candidate sentences (softmax within the question), whose
  probabilities become the claims' scores;
- a logistic relevance gate on the best candidates' features and the best sentence's score: below its
  threshold nothing retrieved is about the question and the answer is empty;
- a second gate, fitted the same way without the cosine features, for cross-lingual questions.

Prediction is plain numpy.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .answer import DUPLICATE_COSINE, MAX_SENTENCES, Candidate
from .errors import IndexDamagedError
from .focus_choice import cue_weights, focus_span
from .query import ParsedQuery
from .question_form import CharFolder, QuestionForm, question_form, subject_free_text
from .quotes import is_claimable
from .sentence_features import FEATURES, SentenceRef, candidate_sentences, feature_matrix
from .sentence_tags import Span
from .snapshot import Snapshot
from .types import Hit, page_at

# Question-level features of the relevance gate: maxima over the candidates of these sentence features,
GATE_MAXIMA = (
    "cosine",
    "coverage",
    "doc_coverage",
    "rest_coverage",
    "bigram_coverage",
    "bigram_weighted",
    "longest_match",
    "named_document",
)
# the sentence model's score of the best candidate (how well the best sentence answers), and that
# candidate's own features (a best sentence that matches on cosine alone is less likely on topic).
GATE_FEATURES = (*GATE_MAXIMA, "best_score", *(f"best_{name}" for name in FEATURES))
# An English question's cosines with Chinese sentences run lower than any Chinese question's, on topic or
# not: it is judged by a gate fitted on the same questions without them (and without the best sentence's
# score, which weighs them), instead of by the first gate with its cosines guessed.
_COSINES = ("cosine", "best_score", "best_cosine", "best_rest_cosine")
WORD_GATE_FEATURES = tuple(name for name in GATE_FEATURES if name not in _COSINES)
# A Chinese title is never named in English: that an English question names none counts as average.
_NAMING = ("named_document", "best_named_document")
MODEL_FILE = "ranker.json"


@dataclass(frozen=True)
class LinearModel:
    """``((x - mean) / scale) @ weights + bias`` over named features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float = 0.0

    def score(self, rows: np.ndarray) -> np.ndarray:
        """One score per row of ``rows`` (columns in ``features`` order)."""
        return ((np.asarray(rows, dtype=np.float64) - self.mean) / self.scale) @ self.weights + self.bias

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "features": list(self.features),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": round(float(self.bias), 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """Inverse of :meth:`to_dict`."""
        return cls(
            tuple(data["features"]),
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            np.asarray(data["weights"], dtype=np.float64),
            float(data.get("bias", 0.0)),
        )


@dataclass(frozen=True)
class RankerModel:
    """The fitted sentence model, relevance gates and claim floor, as shipped in ``data/ranker.json``."""

    sentence: LinearModel
    gate: LinearModel
    gate_threshold: float  # minimum gate probability for any claim
    word_gate: LinearModel  # the gate of a cross-lingual question (WORD_GATE_FEATURES)
    word_gate_threshold: float
    claim_floor: float  # a further claim needs this share of the first claim's probability
    duplicate_cosine: float = DUPLICATE_COSINE  # a sentence this close to a claim says the same thing
    max_sentences: int = MAX_SENTENCES  # at most this many sentences quoted in an answer
    # Per question kind (answer_type.QUESTION_KINDS), how many sentences after it the first quote takes
    # along: answers to why- and what-is questions run on past the sentence that matched.
    following: dict[str, int] = field(default_factory=dict)
    # and how many sentences before it: the events before 此战奠定了…, the cause before 由此得名.
    preceding: dict[str, int] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)  # what it was fitted on and how it measured

    @classmethod
    def load(cls, path: Path | None = None) -> RankerModel:
        """Read the model (default: the one shipped with the package); a wrong file names itself."""
        source = path or resources.files("nekb") / "data" / MODEL_FILE
        try:
            data = json.loads(Path(str(source)).read_text(encoding="utf-8"))
            model = cls(
                LinearModel.from_dict(data["sentence"]),
                LinearModel.from_dict(data["gate"]),
                float(data["gate_threshold"]),
                LinearModel.from_dict(data["word_gate"]),
                float(data["word_gate_threshold"]),
                float(data["claim_floor"]),
                float(data.get("duplicate_cosine", DUPLICATE_COSINE)),
                int(data.get("max_sentences", MAX_SENTENCES)),
                {str(kind): int(n) for kind, n in data.get("following", {}).items()},
                {str(kind): int(n) for kind, n in data.get("preceding", {}).items()},
                data.get("info", {}),
            )
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise IndexDamagedError(f"{source}: not a ranker model ({err})") from err
        fitted_for = (model.sentence.features, model.gate.features, model.word_gate.features)
        if fitted_for != (FEATURES, GATE_FEATURES, WORD_GATE_FEATURES):
            raise IndexDamagedError(f"{source}: fitted for other features; run `make fit`")
        return model

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``make fit`` writes)."""
        return {
            "sentence": self.sentence.to_dict(),
            "gate": self.gate.to_dict(),
            "gate_threshold": round(self.gate_threshold, 6),
            "word_gate": self.word_gate.to_dict(),
            "word_gate_threshold": round(self.word_gate_threshold, 6),
            "claim_floor": round(self.claim_floor, 6),
            "duplicate_cosine": self.duplicate_cosine,
            "max_sentences": self.max_sentences,
            "following": self.following,
            "preceding": self.preceding,
            "info": self.info,
        }

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Softmax of the sentence scores: the chance each candidate is the one that answers."""
        if not len(rows):
            return np.zeros(0)
        scores = self.sentence.score(rows)
        exp = np.exp(scores - scores.max())
        return exp / exp.sum()

    def relevance(self, rows: np.ndarray, cross_lingual: bool = False, names_document: bool = False) -> float:
        """Probability that some candidate is about the question (0 without candidates), under the gate
        for the question (:meth:`threshold` is that gate's).

        A cross-lingual question's cosines are lower than any the gates were fitted on (Chinese questions
        only): the word gate judges it, on the matched words. Whether it names a document counts as
        average, unless it does (``names_document``: by a title's pinyin, Jiang Jufeng for 蒋巨峰).
        """
        if not len(rows):
            return 0.0
        row = gate_row(rows, self.sentence)
        gate = self.word_gate if cross_lingual else self.gate
        row = row[[GATE_FEATURES.index(name) for name in gate.features]]
        if cross_lingual and not names_document:
            for name in _NAMING:
                row[gate.features.index(name)] = gate.mean[gate.features.index(name)]
        logit = float(gate.score(row[None, :])[0])
        return float(1 / (1 + np.exp(-logit)))

    def threshold(self, cross_lingual: bool = False) -> float:
        """The least :meth:`relevance` at which a question gets claims."""
        return self.word_gate_threshold if cross_lingual else self.gate_threshold


def gate_row(rows: np.ndarray, sentence: LinearModel) -> np.ndarray:
    """The gate's features for a question: column maxima of its candidates' feature rows, the best
    candidate's score under the ``sentence`` model and that candidate's feature row."""
    columns = [FEATURES.index(name) for name in GATE_MAXIMA]
    rows = np.asarray(rows, dtype=np.float64)
    scores = sentence.score(rows)
    best = int(scores.argmax())
    return np.concatenate([rows[:, columns].max(axis=0), [scores[best]], rows[best]])


@dataclass(frozen=True)
class RankedSentences:
    """Claimable candidate sentences with probabilities as scores, best first, and the gate's verdict."""

    candidates: list[Candidate]
    relevant: bool
    relevance: float
    question: QuestionForm | None = None
    refs: list[SentenceRef] = field(default_factory=list)  # in feature-row order
    rows: np.ndarray | None = None


class SentenceRanker:
    """Ranks the sentences of retrieved passages with a :class:`RankerModel`; owns its char folder."""

    def __init__(self, model: RankerModel | None = None, folder: CharFolder | None = None) -> None:
        if model is not None:
            self.model = model
        self.folder = folder or CharFolder()

    @cached_property
    def model(self) -> RankerModel:
        """The shipped model, read on first use (so computing features for fitting needs none)."""
        return RankerModel.load()

    def subject_free(self, snap: Snapshot, parsed: ParsedQuery, passages: list[Hit]) -> str | None:
        """The question's text without the subject it shares with the top passage's document title
        (what a second embedding reads), or None when it names none."""
        if not passages:
            return None
        title = snap.document(passages[0].doc_id).info.title
        return subject_free_text(parsed.dense_text, title, self.folder)

    def features(
        self,
        snap: Snapshot,
        parsed: ParsedQuery,
        query_vector: np.ndarray,
        passages: list[Hit],
        rest_vector: np.ndarray | None = None,
    ) -> tuple[QuestionForm, list[SentenceRef], np.ndarray]:
        """The question's analysis, its claimable candidate sentences and their feature rows
        (``rest_vector``: the embedding of :meth:`subject_free`'s text, if any)."""
        question = question_form(snap, parsed, self.folder)
        refs = [r for r in candidate_sentences(snap, passages) if self.claimable(snap, r)]
        rows = feature_matrix(snap, question, query_vector, refs, self.folder, rest_vector)
        return question, refs, rows

    def claimable(self, snap: Snapshot, ref: SentenceRef) -> bool:
        """Whether a candidate can stand as a claim: a sentence (quotes.is_claimable), not the line
        that repeats its document's title (东关街 (扬州) answers nothing about 东关街)."""
        doc = snap.document(ref.doc_id)
        text = doc.text[ref.start : ref.end]
        return is_claimable(text) and self._bare(text) != self._bare(snap.titles[ref.doc_id])

    def _bare(self, text: str) -> str:
        return re.sub(r"[\W_]+", "", self.folder.fold(text)).lower()

    def rank(
        self,
        snap: Snapshot,
        parsed: ParsedQuery,
        query_vector: np.ndarray,
        passages: list[Hit],
        embed: Callable[[str], np.ndarray] | None = None,
    ) -> RankedSentences:
        """Score every claimable sentence of ``passages``; decide whether any is about the question.

        ``embed`` (a query embedding of the index's model) embeds the question without its subject
        when it names one; without it the question's own vector stands in.
        """
        rest = self.subject_free(snap, parsed, passages) if embed is not None else None
        rest_vector = embed(rest) if rest is not None else None
        return self.rank_rows(snap, *self.features(snap, parsed, query_vector, passages, rest_vector))

    def rank_rows(
        self, snap: Snapshot, question: QuestionForm, refs: list[SentenceRef], rows: np.ndarray
    ) -> RankedSentences:
        """:meth:`rank` from features already computed by :meth:`features`."""
        if not refs:
            return RankedSentences([], False, 0.0, question, refs, rows)
        probabilities = self.model.probabilities(rows)
        relevance = self.model.relevance(rows, question.cross_lingual, bool(question.named))
        cosine, coverage = FEATURES.index("cosine"), FEATURES.index("coverage")
        fits = [FEATURES.index(name) for name in FEATURES if name.startswith("fit_")]
        candidates = []
        for ref, row, probability in zip(refs, rows, probabilities, strict=True):
            doc = snap.document(ref.doc_id)
            candidates.append(
                Candidate(
                    doc_id=ref.doc_id,
                    start=ref.start,
                    end=ref.end,
                    text=doc.text[ref.start : ref.end],
                    page=page_at(doc.page_starts, ref.start),
                    vector=doc.sentence_vectors[ref.index],
                    cosine=float(row[cosine]),
                    lexical=float(row[coverage]),
                    passage_rank=ref.passage_rank,
                    fit=float(row[fits].max()),
                    score=float(probability),
                    sentence=ref.index,
                )
            )
        candidates.sort(key=lambda c: -c.score)
        relevant = relevance >= self.model.threshold(question.cross_lingual)
        return RankedSentences(candidates, relevant, relevance, question, refs, rows)

    def finish(
        self,
        snap: Snapshot,
        ranked: RankedSentences,
        quotes: list[Candidate],
        chosen: Sequence[Candidate],
    ) -> list[Candidate]:
        """The quotes, each with its focus (the words that answer, when the question asks for a figure,
        name, place or time), sought first in the most probable sentence the ranker ``chosen`` for
        it, then in the whole quote (sentences joined to it or taken along for context)."""
        if not quotes:
            return []
        question = ranked.question
        weights = cue_weights(question.form, question.kind, question.words, question.corpus_idf)
        cues = list(zip(question.words, weights, strict=True))  # the question's, the same for every claim
        scores = {(c.doc_id, c.sentence): c.score for c in chosen}
        return [replace(q, focus=self.focus(snap, question, q, cues, scores)) for q in quotes]

    def focus(
        self,
        snap: Snapshot,
        question: QuestionForm,
        candidate: Candidate,
        cues: list[tuple[str, float]],
        scores: dict[tuple[str, int], float],
    ) -> tuple[int, int] | None:
        """Document offsets of the words of ``candidate`` that answer ``question`` (None if it asks none);
        ``cues`` are the question's words with their weights (focus_choice.cue_weights). The quote's
        sentence with the best of ``scores`` (by document id and sentence number) is searched first."""
        doc = snap.document(candidate.doc_id)
        first = bisect.bisect_left(doc.sentences, (candidate.start,))
        tags: list[Span] = []  # the tags of every sentence the claim quotes, in claim offsets
        best, best_tags = -1.0, []
        for index in range(first, min(len(doc.sentences), len(doc.sentence_tags))):
            start, end = doc.sentences[index]
            if end > candidate.end:
                break
            shifted = [
                (s + start - candidate.start, e + start - candidate.start, k)
                for s, e, k in doc.sentence_tags[index]
            ]
            tags += shifted
            score = scores.get((candidate.doc_id, index), -1.0)
            if score > best:
                best, best_tags = score, shifted
        span = None
        if best_tags and len(best_tags) < len(tags):
            span = focus_span(best_tags, question.kind, candidate.text, question.form, cues, self.folder.fold)
        if span is None:
            span = focus_span(tags, question.kind, candidate.text, question.form, cues, self.folder.fold)
        return None if span is None else (candidate.start + span[0], candidate.start + span[1])
