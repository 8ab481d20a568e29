"""Extractive answers: pick the most probable sentences of the retrieved passages (as many as the fitted
budget allows), quote them as 1-4 cited claims (no generation; adjacent ones as one quote, quotes.py),
link their numbers to fact rows, and assemble the :class:`Answer`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .compare import related_facts
from .query import ParsedQuery
from .quotes import as_quotes, citations_for, is_claimable
from .snapshot import Snapshot
from .types import Answer, Claim, Hit

if TYPE_CHECKING:
    from .ranker import RankedSentences, SentenceRanker

# Answers quote from this many retrieved passages: the ranker is fitted on that many (scripts/fit_ranker.py);
# 8 rather than 5 lets it compare more sentences of the right article (cross-validated trial answer@1
# 0.892 -> 0.902); 10 gained nothing more.
ANSWER_PASSAGES = 8
# At most this many sentences are chosen (the fitted model's max_sentences overrides it); adjacent
# ones are then quoted together (quotes.py), in at most quotes.MAX_QUOTES claims.
MAX_SENTENCES = 4
# Sentences closer than this to an already chosen claim say the same thing (not quoted twice); the
# fitted model (ranker.RankerModel.duplicate_cosine) overrides it.
DUPLICATE_COSINE = 0.93


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage with its relevance signals (scored by ranker.SentenceRanker)."""

    doc_id: str
    start: int
    end: int
    text: str
    page: int | None
    vector: np.ndarray
    cosine: float
    lexical: float  # share of the query's IDF weight the sentence matches, 0..1
    passage_rank: int  # 0 for the top passage
    fit: float = 0.0  # 1 when it holds the kind of thing the question asks for (a person, a figure …)
    score: float = 0.0  # probability that it is the sentence that answers (the fitted ranker's)
    focus: tuple[int, int] | None = None  # document offsets of the words that answer
    sentence: int = -1  # the document's number of the (first) sentence quoted; -1 when unknown
    sentences: int = 1  # how many consecutive sentences it quotes (quotes.py joins them)


def select_claims(
    candidates: list[Candidate],
    relevant: bool,
    relative_floor: float,
    duplicate_cosine: float = DUPLICATE_COSINE,
    max_sentences: int = MAX_SENTENCES,
) -> list[Candidate]:
    """The most probable sentence first, then the next most probable ones that say something new.

    Nothing when the relevance gate said nothing is about the question (``relevant`` false); a further
    claim needs ``relative_floor`` of the best one's score, and one ``duplicate_cosine`` close to a
    chosen claim says the same thing. All come fitted from ranker.RankerModel.
    """
    pool = sorted([c for c in candidates if is_claimable(c.text)], key=lambda c: -c.score)
    if not pool or not relevant:
        return []
    floor = pool[0].score * relative_floor
    chosen = [pool[0]]
    for candidate in pool[1:]:
        if len(chosen) >= max_sentences or candidate.score < floor:
            break
        novel = max(float(candidate.vector @ s.vector) for s in chosen) < duplicate_cosine
        if novel and not _same_text(candidate, chosen):
            chosen.append(candidate)
    # The most relevant claim leads; the others follow in reading order so context reads naturally.
    return [chosen[0], *sorted(chosen[1:], key=lambda c: (c.passage_rank, c.doc_id, c.start))]


def _same_text(candidate: Candidate, chosen: list[Candidate]) -> bool:
    key = re.sub(r"\W", "", candidate.text)
    return any(
        key == re.sub(r"\W", "", c.text) or (c.doc_id, c.start) == (candidate.doc_id, candidate.start)
        for c in chosen
    )


def to_claim(candidate: Candidate, passages: list[Hit], fact_ids: tuple[str, ...]) -> Claim:
    """The chosen sentence as a :class:`Claim` citing the passages it is quoted from
    (:func:`quotes.citations_for`)."""
    return Claim(
        text=candidate.text,
        doc_id=candidate.doc_id,
        start=candidate.start,
        end=candidate.end,
        page=candidate.page,
        citations=citations_for(candidate.doc_id, candidate.start, candidate.end, passages),
        fact_ids=fact_ids,
        score=round(candidate.score, 4),
        focus=candidate.focus,
    )


def choose_quotes(
    snap: Snapshot, ranker: SentenceRanker, ranked: RankedSentences, passages: list[Hit]
) -> list[Candidate]:
    """The claims of an answer from ranked sentences: :func:`select_claims` under the ranker's fitted
    floor, duplicate cosine and sentence budget, quoted (adjacent ones together; the first taking along
    as many sentences before and after it as the model's ``preceding`` and ``following`` say for the
    question's kind), each with its focus."""
    model = ranker.model
    chosen = select_claims(
        ranked.candidates, ranked.relevant, model.claim_floor, model.duplicate_cosine, model.max_sentences
    )
    kind = ranked.question.kind if ranked.question else ""
    quotes = as_quotes(
        snap, chosen, passages, following=model.following.get(kind, 0), preceding=model.preceding.get(kind, 0)
    )
    return ranker.finish(snap, ranked, quotes, chosen)


def quoted_facts(snap: Snapshot, quote: Candidate) -> tuple[str, ...]:
    """Ids of the facts stated by every sentence ``quote`` holds (a quote may join several)."""
    if quote.sentence < 0:
        return snap.facts_at(quote.doc_id, quote.start)
    sentences = snap.document(quote.doc_id).sentences[quote.sentence : quote.sentence + quote.sentences]
    return tuple(dict.fromkeys(f for start, _ in sentences for f in snap.facts_at(quote.doc_id, start)))


EMPTY_INDEX = "No relevant passage found: the knowledge base holds no documents yet."
NOTHING_RETRIEVED = "No relevant passage found: the index returned nothing for this question."
NOTHING_CLOSE = "No relevant passage found: no sentence in the sources is about the question."


def compose_answer(
    snap: Snapshot,
    ranker: SentenceRanker,
    question: str,
    parsed: ParsedQuery,
    query_vector: np.ndarray,
    passages: list[Hit],
    embed: Callable[[str], np.ndarray] | None = None,
) -> Answer:
    """The answer to ``question`` from its retrieved ``passages``: the fitted ranker scores their
    sentences, the best ones become cited claims (with their focus), linked to the facts their numbers
    state and to comparable figures from other documents; no claims, with a reason, when the
    ranker's relevance gate finds nothing about the question. ``embed`` (the index model's query
    embedding) lets the ranker embed the question without its subject too."""
    if not passages:
        return Answer(question, (), (), reason=NOTHING_RETRIEVED)
    ranked = ranker.rank(snap, parsed, query_vector, passages, embed)
    chosen = choose_quotes(snap, ranker, ranked, passages)
    if not chosen:
        return Answer(question, (), tuple(passages), reason=NOTHING_CLOSE)
    claims = tuple(to_claim(c, passages, quoted_facts(snap, c)) for c in chosen)
    facts = tuple(snap.fact(i) for i in dict.fromkeys(i for c in claims for i in c.fact_ids))
    related = {f.fact_id: tuple(related_facts(f, snap.facts)) for f in facts}
    return Answer(question, claims, tuple(passages), facts, related={k: v for k, v in related.items() if v})
