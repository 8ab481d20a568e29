"""Extractive answers: pick 1-4 sentences of the retrieved passages as cited claims (no generation),
link their numbers to fact rows, and assemble the :class:`Answer`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from .compare import related_facts
from .query import ParsedQuery
from .snapshot import Snapshot
from .types import Answer, Claim, Hit

MAX_CLAIMS = 4
# A candidate sentence must reach this share of the best sentence's score to be quoted beside it.
RELATIVE_FLOOR = 0.75
# Below this cosine similarity, with no query word in common, nothing retrieved is about the question.
MIN_COSINE = 0.875
MIN_LEXICAL = 0.45
# Sentences closer than this to an already chosen claim say the same thing (MMR duplicate cut).
DUPLICATE_COSINE = 0.93
MMR_LAMBDA = 0.8
MIN_CLAIM_CHARS = 8
SENTENCE_RRF_K = 5
SIGNAL_WEIGHTS = (1.0, 1.0, 0.5, 1.0)  # cosine, word coverage, passage rank, fit
# A place named in more than this share of the sentences is what the corpus is about (东北 in a corpus
# on the Northeast), not something the question narrows to: naming it earns a sentence no fit.
COMMON_PLACE_SHARE = 0.25
# Questions asking for a figure: a sentence that states one (has extracted facts) fits them better.
QUANTITY_QUESTION = re.compile(
    r"多少|几[个年岁倍成]|多大|多高|多快|比例|比重|占比|[率额量]|增速|规模"
    r"|how (much|many)|what (share|percentage)|rate"
)
_HEADING = re.compile(
    r"^([0-9]+(\.[0-9]+)*|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*\S{0,30}$"
)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage with its relevance signals."""

    doc_id: str
    start: int
    end: int
    text: str
    page: int | None
    vector: np.ndarray
    cosine: float
    lexical: float  # share of the query's BM25 weight the sentence matches, 0..1
    passage_rank: int  # 0 for the top passage
    fit: float = 0.0  # names the question's places, and states a figure when one is asked for
    score: float = 0.0  # fused relevance, set by score_candidates


def _ranks(values: list[float]) -> np.ndarray:
    """1-based ranks, best (largest) first; ties share the better rank."""
    arr = -np.asarray(values, dtype=np.float64)
    return np.searchsorted(np.sort(arr), arr, side="left") + 1.0


def score_candidates(candidates: list[Candidate]) -> list[Candidate]:
    """Fuse four rankings of the sentences (embedding, word coverage, passage rank, fit) with RRF.

    Rank fusion needs no calibration between cosine similarities and coverage shares.
    """
    if not candidates:
        return []
    signals = (
        [c.cosine for c in candidates],
        [c.lexical for c in candidates],
        [-c.passage_rank for c in candidates],
        [c.fit for c in candidates],
    )
    pairs = zip(SIGNAL_WEIGHTS, signals, strict=True)
    fused = sum(weight / (SENTENCE_RRF_K + _ranks(values)) for weight, values in pairs)
    return [replace(c, score=float(f)) for c, f in zip(candidates, fused, strict=True)]


def is_claimable(text: str) -> bool:
    """Whether a sentence can stand as a claim (not a bare heading, number or fragment)."""
    stripped = text.strip()
    if len(stripped) < MIN_CLAIM_CHARS:
        return False
    return not _HEADING.match(stripped)


def is_relevant(closest: Candidate, best_lexical: float) -> bool:
    """Whether any sentence is about the question at all (else the answer is empty)."""
    return closest.cosine >= MIN_COSINE or best_lexical >= MIN_LEXICAL


def select_claims(candidates: list[Candidate], max_claims: int = MAX_CLAIMS) -> list[Candidate]:
    """Maximal-marginal-relevance pick: best first, then relevant sentences that add something new."""
    pool = sorted(score_candidates([c for c in candidates if is_claimable(c.text)]), key=lambda c: -c.score)
    if not pool or not is_relevant(max(pool, key=lambda c: c.cosine), max(c.lexical for c in pool)):
        return []
    floor = pool[0].score * RELATIVE_FLOOR
    chosen = [pool[0]]
    rest = [c for c in pool[1:] if c.score >= floor and is_relevant(c, c.lexical)]
    while rest and len(chosen) < max_claims:

        def marginal(c: Candidate) -> float:
            overlap = max(float(c.vector @ s.vector) for s in chosen)
            return MMR_LAMBDA * c.score - (1 - MMR_LAMBDA) * overlap

        best = max(rest, key=marginal)
        rest.remove(best)
        novel = max(float(best.vector @ s.vector) for s in chosen) < DUPLICATE_COSINE
        if novel and not _same_text(best, chosen):
            chosen.append(best)
    # The most relevant claim leads; the others follow in reading order so context reads naturally.
    return [chosen[0], *sorted(chosen[1:], key=lambda c: (c.passage_rank, c.doc_id, c.start))]


def _same_text(candidate: Candidate, chosen: list[Candidate]) -> bool:
    key = re.sub(r"\W", "", candidate.text)
    return any(
        key == re.sub(r"\W", "", c.text) or (c.doc_id, c.start) == (candidate.doc_id, candidate.start)
        for c in chosen
    )


def citations_for(doc_id: str, start: int, end: int, passages: list[Hit]) -> tuple[int, ...]:
    """1-based numbers of the passages that contain the span ``[start, end)`` of ``doc_id``."""
    return tuple(
        n
        for n, hit in enumerate(passages, start=1)
        if hit.doc_id == doc_id and hit.start <= start and end <= hit.end
    )


def to_claim(candidate: Candidate, passages: list[Hit], fact_ids: tuple[str, ...]) -> Claim:
    """The chosen sentence as a :class:`Claim` citing every passage that holds it."""
    return Claim(
        text=candidate.text,
        doc_id=candidate.doc_id,
        start=candidate.start,
        end=candidate.end,
        page=candidate.page,
        citations=citations_for(candidate.doc_id, candidate.start, candidate.end, passages),
        fact_ids=fact_ids,
        score=round(candidate.score, 4),
    )


def informative_places(snap: Snapshot, asked: list[str]) -> list[str]:
    """The places in ``asked`` that at most COMMON_PLACE_SHARE of the indexed sentences name."""
    if not asked:
        return asked
    shares = snap.sentence_share(asked)
    return [place for place, share in zip(asked, shares, strict=True) if share <= COMMON_PLACE_SHARE]


def sentence_candidates(
    snap: Snapshot, parsed: ParsedQuery, query_vector: np.ndarray, passages: list[Hit], places: frozenset[str]
) -> list[Candidate]:
    """Every sentence of the retrieved passages with its signals against the question."""
    words = list(dict.fromkeys(parsed.tokens))
    idf = dict(zip(words, snap.sentence_idf(words).tolist(), strict=True))
    own_weight = sum(idf[w] for w in dict.fromkeys(parsed.words)) or 1.0
    asked_places = informative_places(snap, [w for w in dict.fromkeys(parsed.words) if w in places])
    wants_figure = bool(QUANTITY_QUESTION.search(parsed.dense_text.lower()))
    seen: set[int] = set()
    out = []
    for rank, hit in enumerate(passages):
        for sentence in snap.sentences_of(hit.chunk_id):
            if sentence.sentence_id in seen:
                continue
            seen.add(sentence.sentence_id)
            sentence_words = set(sentence.tokens)
            fit = sum(p in sentence_words for p in asked_places) / max(len(asked_places), 1)
            if wants_figure and snap.facts_at(sentence.doc_id, sentence.start):
                fit += 1.0
            out.append(
                Candidate(
                    doc_id=sentence.doc_id,
                    start=sentence.start,
                    end=sentence.end,
                    text=sentence.text,
                    page=sentence.page,
                    vector=sentence.vector,
                    cosine=float(sentence.vector @ query_vector),
                    lexical=min(1.0, sum(idf[w] for w in sentence_words & idf.keys()) / own_weight),
                    passage_rank=rank,
                    fit=fit,
                )
            )
    return out


EMPTY_INDEX = "No relevant passage found: the knowledge base holds no documents yet."
NOTHING_RETRIEVED = "No relevant passage found: the index returned nothing for this question."
NOTHING_CLOSE = "No relevant passage found: no sentence in the sources is close to the question."


def compose_answer(
    snap: Snapshot,
    question: str,
    parsed: ParsedQuery,
    query_vector: np.ndarray,
    passages: list[Hit],
    places: frozenset[str],
) -> Answer:
    """The answer to ``question`` from its retrieved ``passages``: cited claims, the facts their
    numbers link to, and comparable figures from other documents; no claims, with a reason, when
    nothing retrieved is about the question."""
    if not passages:
        return Answer(question, (), (), reason=NOTHING_RETRIEVED)
    chosen = select_claims(sentence_candidates(snap, parsed, query_vector, passages, places))
    if not chosen:
        return Answer(question, (), tuple(passages), reason=NOTHING_CLOSE)
    claims = tuple(to_claim(c, passages, snap.facts_at(c.doc_id, c.start)) for c in chosen)
    facts = tuple(snap.fact(i) for i in dict.fromkeys(i for c in claims for i in c.fact_ids))
    related = {f.fact_id: tuple(related_facts(f, snap.facts)) for f in facts}
    return Answer(question, claims, tuple(passages), facts, related={k: v for k, v in related.items() if v})
