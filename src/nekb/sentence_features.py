"""Features of each sentence of the retrieved passages against a question: what the fitted ranker reads.

Every feature is cheap at query time: sentence vectors, tokens and tags were computed when the index was
built. Word weights come from two places — the whole collection (a rare word matters) and the sentence's
own document (a word every sentence of the article shares, such as its subject, tells them apart not
at all) — so the sentence that matches the question's predicate beats the article's definitional first
sentence, which merely names the subject.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

import numpy as np

from .answer_type import anchor_spans, answer_spans
from .english import has_han
from .fact_match import asked_figure, fact_match
from .pipeline import DocumentRecord
from .question_form import CharFolder, QuestionForm, without_unheld_guesses
from .snapshot import Snapshot
from .types import Hit

FEATURES = (
    "cosine",
    "cosine_rank",
    "rest_cosine",
    "rest_cosine_rank",
    "coverage",
    "doc_coverage",
    "rest_coverage",
    "bigram_coverage",
    "bigram_weighted",
    "char_weighted",
    "longest_match",
    "ordered_match",
    "slot_both",
    "slot_one",
    "neighbour_coverage",
    "fit_person",
    "fit_place",
    "fit_time",
    "fit_figure",
    "fit_name",
    "type_missing",
    "answer_near",
    "figure_fact",
    "fact_match",
    "lead_sentence",
    "lead_subject",
    "position",
    "passage_rank",
    "top_document",
    "document_share",
    "named_document",
    "length",
    "doc_coverage_rank",
    "bigram_rank",
)
# Which fit_* feature a question kind's matching spans light up.
_FIT_OF_KIND = {
    "person": "fit_person",
    "place": "fit_place",
    "time": "fit_time",
    "figure": "fit_figure",
    "name": "fit_name",
    "org": "fit_name",
}


@dataclass(frozen=True)
class SentenceRef:
    """One candidate sentence: where it is and which passage brought it."""

    doc_id: str
    index: int  # sentence number within the document
    start: int
    end: int
    passage_rank: int


def candidate_sentences(snap: Snapshot, passages: list[Hit]) -> list[SentenceRef]:
    """Every sentence of the passages once, in passage order (a sentence of two passages keeps the first)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, hit in enumerate(passages):
        for sentence in snap.sentences_of(hit.chunk_id):
            if (hit.doc_id, sentence.index) not in seen:
                seen.add((hit.doc_id, sentence.index))
                out.append(SentenceRef(hit.doc_id, sentence.index, sentence.start, sentence.end, rank))
    return out


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1) if " " not in text[i : i + 2]}


class DocumentWeights:
    """Per-document word weights for one question: IDF over the document's own sentences."""

    def __init__(self, doc: DocumentRecord, words: tuple[str, ...], folder: CharFolder) -> None:
        wanted = set(words)
        counts = dict.fromkeys(words, 0)
        for tokens in doc.sentence_tokens:
            for word in wanted.intersection(tokens):
                counts[word] += 1
        n = max(len(doc.sentence_tokens), 1)
        self.idf = np.array([math.log(1 + (n - counts[w] + 0.5) / (counts[w] + 0.5)) for w in words])
        self.title = folder.fold(doc.info.title)
        self.in_title = np.array([w in self.title for w in words], dtype=bool)
        self.lead = _first_claimable(doc)


def _first_claimable(doc: DocumentRecord, min_chars: int = 8) -> int:
    """Index of the document's first sentence long enough to be a claim (after a title line)."""
    for i, (start, end) in enumerate(doc.sentences):
        if end - start >= min_chars:
            return i
    return 0


def _coverage(present: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted share of the question's words present, per row of ``present`` (rows x words)."""
    total = weights.sum(axis=-1)
    covered = (present * weights).sum(axis=-1)
    return np.divide(covered, total, out=np.zeros_like(covered, dtype=np.float64), where=total > 0)


def _slot_fit(slot: tuple[str, str], form: str, widest: int = 40) -> tuple[float, float]:
    """Whether the words either side of the question's interrogative frame a gap in the sentence.

    A question is often its answer sentence with the answer swapped for 谁/哪里/多少: 渠成是哪里人 for
    渠成是江苏南京人. (both sides found in order with something between, one side found)
    """
    left, right = slot
    at_left = [m.end() for m in re.finditer(re.escape(left), form)] if left else []
    at_right = [m.start() for m in re.finditer(re.escape(right), form)] if right else []
    both = any(0 < r - end <= widest for end in at_left for r in at_right)
    one = bool(at_left or at_right) and not both
    if both or not (left and right):
        # With one side only (X是什么), that side followed (or preceded) by text is the frame.
        both = both or any(e < len(form) - 1 for e in at_left) or any(s > 0 for s in at_right)
        one = one and not both
    return float(both), float(one)


def script_aligned(cosines: np.ndarray, han: np.ndarray) -> np.ndarray:
    """An English question's ``cosines`` with the candidates not in Chinese (``han`` false: an English
    abstract of a Chinese paper) lowered by how much higher they run on average than those with the
    Chinese ones. A multilingual model scores a same-language pair higher whatever it says, so only
    the order within each script tells which sentence answers."""
    if han.all() or not han.any():
        return cosines
    shift = float(cosines[~han].mean() - cosines[han].mean())
    return np.where(han, cosines, cosines - max(shift, 0.0))


def _inverse_rank(values: np.ndarray) -> np.ndarray:
    """1 / rank of each value, largest first (ties share the better rank)."""
    ordered = np.sort(-values)
    return 1.0 / (np.searchsorted(ordered, -values, side="left") + 1.0)


def _present(doc: DocumentRecord, index: int, words: tuple[str, ...]) -> np.ndarray:
    if not 0 <= index < len(doc.sentence_tokens):
        return np.zeros(len(words), dtype=bool)
    have = set(doc.sentence_tokens[index])
    return np.array([w in have for w in words], dtype=bool)


def feature_matrix(
    snap: Snapshot,
    question: QuestionForm,
    query_vector: np.ndarray,
    refs: list[SentenceRef],
    folder: CharFolder,
    rest_vector: np.ndarray | None = None,
) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate sentence (float64).

    ``rest_vector`` embeds the question without its subject (:func:`subject_free_text`); None when
    the question names no subject, and then the question's own vector stands in.
    """
    n = len(refs)
    if not n:
        return np.zeros((0, len(FEATURES)))
    col = {name: np.zeros(n) for name in FEATURES}
    docs = {ref.doc_id: snap.document(ref.doc_id) for ref in refs}
    if question.guessed:
        question = without_unheld_guesses(question, (docs[r.doc_id].sentence_tokens[r.index] for r in refs))
    weights = {doc_id: DocumentWeights(doc, question.words, folder) for doc_id, doc in docs.items()}
    texts = [docs[r.doc_id].text[r.start : r.end] for r in refs]
    forms = [folder.fold(t) for t in texts]

    han = np.array([has_han(t) for t in texts]) if question.cross_lingual else None

    def cosines(vector: np.ndarray) -> np.ndarray:
        values = np.array([float(docs[r.doc_id].sentence_vectors[r.index] @ vector) for r in refs])
        return values if han is None else script_aligned(values, han)

    col["cosine"] = cosines(query_vector)
    col["cosine_rank"] = _inverse_rank(col["cosine"])
    col["rest_cosine"] = col["cosine"] if rest_vector is None else cosines(rest_vector)
    col["rest_cosine_rank"] = _inverse_rank(col["rest_cosine"])

    # Word coverage: by collection IDF, by collection x document IDF, and of the words not in the title.
    if question.words:
        here = np.array([_present(docs[r.doc_id], r.index, question.words) for r in refs])
        before = np.array([_present(docs[r.doc_id], r.index - 1, question.words) for r in refs])
        after = np.array([_present(docs[r.doc_id], r.index + 1, question.words) for r in refs])
        joint = np.array([question.corpus_idf * weights[r.doc_id].idf for r in refs])
        rest = np.array([~weights[r.doc_id].in_title for r in refs])
        col["coverage"] = _coverage(here, question.corpus_idf)
        col["doc_coverage"] = _coverage(here, joint)
        col["rest_coverage"] = _coverage(here & rest, question.corpus_idf * rest)
        col["neighbour_coverage"] = np.maximum(_coverage(before, joint), _coverage(after, joint))

    # Character bigrams survive segmentation differences; a bigram most candidates share weighs little.
    sentence_bigrams = [_bigrams(f) for f in forms]
    question_bigrams = _bigrams(question.content)
    rarity = {b: math.log(1 + n / (1 + sum(b in s for s in sentence_bigrams))) for b in question_bigrams}
    question_chars = set(question.content) - {" "}
    char_rarity = {c: math.log(1 + n / (1 + sum(c in f for f in forms))) for c in question_chars}
    content = question.content.replace(" ", "")
    for i, ref in enumerate(refs):
        title = weights[ref.doc_id].title
        asked = question_bigrams - _bigrams(title)
        if asked:
            shared = asked & sentence_bigrams[i]
            col["bigram_coverage"][i] = len(shared) / len(asked)
            # fsum: a sum over a set in hash order would differ in its last bit from run to run, and
            # bigram_rank breaks ties on it (a question ranked its sentences differently per process).
            col["bigram_weighted"][i] = math.fsum(rarity[b] for b in shared) / math.fsum(
                rarity[b] for b in asked
            )
        chars = question_chars - set(title)
        if chars:
            total = math.fsum(char_rarity[c] for c in chars)
            col["char_weighted"][i] = math.fsum(char_rarity[c] for c in chars if c in forms[i]) / total
        matcher = difflib.SequenceMatcher(None, content, forms[i], autojunk=False)
        col["longest_match"][i] = (
            min(matcher.find_longest_match(0, len(content), 0, len(forms[i])).size, 12) / 12
        )
        blocks = sum(b.size for b in matcher.get_matching_blocks() if b.size >= 2)
        col["ordered_match"][i] = blocks / max(len(content), 1)
        col["slot_both"][i], col["slot_one"][i] = _slot_fit(question.slot, forms[i])

    # Answer type: does the sentence hold the kind of thing asked for, beside the question's words?
    fit_name = _FIT_OF_KIND.get(question.kind)
    if fit_name is not None:
        for i, ref in enumerate(refs):
            spans = sentence_answer_spans(docs[ref.doc_id], ref.index, question, folder)
            if not spans:
                col["type_missing"][i] = 1.0
                continue
            col[fit_name][i] = 1.0
            anchors = anchor_spans(forms[i], question.words) if len(forms[i]) == len(texts[i]) else []
            if anchors:
                gap = min(max(a - e, s - b, 0) for s, e, _ in spans for a, b in anchors)
                col["answer_near"][i] = 1.0 / (1.0 + gap / 5.0)

    top_doc = refs[0].doc_id
    n_passages = max(r.passage_rank for r in refs) + 1
    passages_of: dict[str, set[int]] = {}
    for ref in refs:
        passages_of.setdefault(ref.doc_id, set()).add(ref.passage_rank)
    figure = question.kind == "figure"
    words = question.content if question.cross_lingual else question.form
    asked = asked_figure(question.form, words) if figure else None
    for i, ref in enumerate(refs):
        doc = docs[ref.doc_id]
        fact_ids = snap.facts_at(ref.doc_id, ref.start)
        col["figure_fact"][i] = float(figure and bool(fact_ids))
        if asked is not None and fact_ids:
            col["fact_match"][i] = max(fact_match(snap.fact(f), asked, folder.fold) for f in fact_ids)
        col["lead_sentence"][i] = float(ref.index == weights[ref.doc_id].lead)
        # 什么是X / X是谁: every word of the question names the subject, which the lead sentence defines.
        about_subject = bool(question.words) and bool(weights[ref.doc_id].in_title.all())
        col["lead_subject"][i] = col["lead_sentence"][i] * float(about_subject)
        col["position"][i] = ref.index / max(len(doc.sentences), 1)
        col["passage_rank"][i] = 1.0 / (1 + ref.passage_rank)
        col["top_document"][i] = float(ref.doc_id == top_doc)
        col["document_share"][i] = len(passages_of[ref.doc_id]) / n_passages
        col["named_document"][i] = float(ref.doc_id in question.named)
        col["length"][i] = math.log(1 + len(texts[i]))
    col["doc_coverage_rank"] = _inverse_rank(col["doc_coverage"])
    col["bigram_rank"] = _inverse_rank(col["bigram_weighted"])
    return np.column_stack([col[name] for name in FEATURES])


def sentence_answer_spans(
    doc: DocumentRecord, index: int, question: QuestionForm, folder: CharFolder
) -> list[tuple[int, int, str]]:
    """The build-time tag spans of sentence ``index`` that could answer ``question`` (sentence offsets)."""
    tags = [tuple(t) for t in doc.sentence_tags[index]] if index < len(doc.sentence_tags) else []
    start, end = doc.sentences[index]
    return answer_spans(tags, question.kind, doc.text[start:end], question.form, folder.fold)
