"""The KnowledgeBase facade: build, open, search and read documents (the one class users need)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from .answer import select_claims, to_claim
from .build import BuildReport, Progress, build_index
from .compare import related_facts
from .embed import DEFAULT_MODEL, Embedder, load_embedder
from .errors import ModelMismatchError, NotFoundError
from .library import copy_into_corpus, delete_from_corpus
from .normalize import SearchNormalizer
from .query import ParsedQuery, QueryAnalyzer
from .ranker import SentenceRanker
from .search import hybrid_search
from .segment import Segmenter
from .snapshot import Snapshot, load_snapshot
from .store import current_version, require_version
from .types import Answer, DocumentInfo, Fact, Hit, RelatedFact

FACT_COLUMNS = [f.name for f in fields(Fact)]


class KnowledgeBase:
    """Search, answers and facts over an index directory built from a corpus folder."""

    def __init__(
        self,
        index_dir: Path,
        corpus_dir: Path,
        embedder: Embedder,
        segmenter: Segmenter | None = None,
        normalizer: SearchNormalizer | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.corpus_dir = Path(corpus_dir)
        self.embedder = embedder
        self.segmenter = segmenter or Segmenter()
        self.normalizer = normalizer or SearchNormalizer()
        self.analyzer = QueryAnalyzer(self.segmenter, self.normalizer)
        self.ranker = SentenceRanker()  # the fitted sentence ranker and relevance gate (data/ranker.json)
        self.last_build: BuildReport | None = None  # set by build()
        self._snapshot: Snapshot | None = None

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        corpus_dir: str | Path = "corpus",
        index_dir: str | Path = "index",
        model: str | Embedder = DEFAULT_MODEL,
        full: bool = False,
        progress: Progress | None = None,
    ) -> KnowledgeBase:
        """Build (or incrementally update) the index of ``corpus_dir`` and open it.

        The build's :class:`BuildReport` is kept in ``kb.last_build``.
        """
        embedder = load_embedder(model) if isinstance(model, str) else model
        kb = cls(Path(index_dir), Path(corpus_dir), embedder)
        kb.last_build = kb.update(full=full, progress=progress)
        return kb

    @classmethod
    def open(
        cls,
        index_dir: str | Path = "index",
        corpus_dir: str | Path = "corpus",
        model: str | Embedder | None = None,
    ) -> KnowledgeBase:
        """Open a built index. ``model`` defaults to the one the index was built with; another fails."""
        version = require_version(Path(index_dir))
        expected = model if isinstance(model, str) or model is None else model.name
        snapshot = load_snapshot(version, expected_model=expected)
        embedder = (
            model if model is not None and not isinstance(model, str) else load_embedder(snapshot.model)
        )
        if embedder.dim != snapshot.manifest["dim"]:
            raise ModelMismatchError(
                f"model {embedder.name!r} has dim {embedder.dim}, index has "
                f"{snapshot.manifest['dim']}: rebuild with `nekb build --full`"
            )
        kb = cls(Path(index_dir), Path(corpus_dir), embedder)
        kb._snapshot = snapshot
        return kb

    @classmethod
    def open_or_create(
        cls, index_dir: str | Path = "index", corpus_dir: str | Path = "corpus", model: str = DEFAULT_MODEL
    ) -> KnowledgeBase:
        """Open the index, or prepare an empty one (built on the first ``add``/``update``) with ``model``."""
        if current_version(Path(index_dir)) is not None:
            return cls.open(index_dir, corpus_dir)
        return cls(Path(index_dir), Path(corpus_dir), load_embedder(model))

    def update(self, full: bool = False, progress: Progress | None = None) -> BuildReport:
        """Re-index the corpus folder (only what changed unless ``full``) and load the new version."""
        report = build_index(
            self.corpus_dir, self.index_dir, self.embedder, self.segmenter, self.normalizer, full, progress
        )
        self.refresh()
        return report

    def refresh(self) -> bool:
        """Load a newer index version if one was published; return True when it did."""
        version = current_version(self.index_dir)
        if version is None or (self._snapshot is not None and self._snapshot.version == version.name):
            return False
        self._snapshot = load_snapshot(version, expected_model=self.embedder.name)
        return True

    @property
    def snapshot(self) -> Snapshot:
        """The loaded index version (raises IndexMissingError when there is none)."""
        if self._snapshot is None:
            self._snapshot = load_snapshot(require_version(self.index_dir), expected_model=self.embedder.name)
        return self._snapshot

    @property
    def version(self) -> str:
        """Name of the loaded index version."""
        return self.snapshot.version

    @property
    def model(self) -> str:
        """The embedding model of the index."""
        return self.snapshot.model

    # -- reading ------------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Metadata of every indexed document, in index order."""
        return [d.info for d in self.snapshot.documents.values()]

    def document_text(self, doc_id: str) -> str:
        """The cleaned text of a document: what every ``start``/``end`` offset refers to."""
        try:
            return self.snapshot.documents[doc_id].text
        except KeyError:
            raise NotFoundError(f"no document {doc_id!r} in the index") from None

    # -- search -------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5) -> list[Hit]:
        """The ``k`` best passages for ``query``: dense and BM25 rankings fused with RRF.

        A 《title》 in the query that names an indexed document limits the search to it.
        """
        parsed = self.parse_query(query)
        query_vector = self.embedder.embed_queries([parsed.dense_text])[0]
        return self.search_parsed(parsed, query_vector, k)

    def parse_query(self, query: str) -> ParsedQuery:
        """Analyze a question: dense text, BM25 tokens (with synonyms) and document scope."""
        titles = {doc_id: d.info.title for doc_id, d in self.snapshot.documents.items()}
        return self.analyzer.parse(query, titles)

    def search_parsed(self, parsed: ParsedQuery, query_vector: np.ndarray, k: int) -> list[Hit]:
        """Search with an analyzed query and its embedding (lets batches embed many queries at once)."""
        return hybrid_search(self.snapshot, parsed, query_vector, k)

    # -- answers and facts -------------------------------------------------------------------
    def ask(self, question: str, k: int = 5) -> Answer:
        """An extractive answer: 1-4 claims quoted from the top ``k`` passages, cited and fact-linked.

        When nothing retrieved is about the question the answer has no claims and says why.
        """
        parsed = self.parse_query(question)
        query_vector = self.embedder.embed_queries([parsed.dense_text])[0]
        return self._answer(question, parsed, query_vector, k)

    def ask_many(self, questions: Sequence[str], k: int = 5, progress: bool = True) -> list[Answer]:
        """Answers to many questions, embedding the questions in batches, with one progress bar."""
        parsed = [self.parse_query(q) for q in questions]
        vectors = self.embedder.embed_queries([p.dense_text for p in parsed])
        rows = zip(questions, parsed, vectors, strict=True)
        bar = tqdm(rows, total=len(parsed), desc="answering", disable=not progress, file=sys.stderr)
        return [self._answer(q, p, v, k) for q, p, v in bar]

    def _answer(self, question: str, parsed: ParsedQuery, query_vector: np.ndarray, k: int) -> Answer:
        passages = self.search_parsed(parsed, query_vector, k)
        if not passages:
            return Answer(question, (), (), reason="No relevant passage found: the index returned nothing.")
        snap = self.snapshot
        ranked = self.ranker.rank(snap, parsed, query_vector, passages)
        model = self.ranker.model
        chosen = select_claims(ranked.candidates, ranked.relevant, model.claim_floor, model.duplicate_cosine)
        chosen = self.ranker.finish(snap, ranked, chosen)
        if not chosen:
            return Answer(
                question,
                (),
                tuple(passages),
                reason="No relevant passage found: no sentence in the sources is close to the question.",
            )
        claims = tuple(to_claim(c, passages, snap.facts_at(c.doc_id, c.start)) for c in chosen)
        fact_ids = list(dict.fromkeys(fid for c in claims for fid in c.fact_ids))
        facts = tuple(snap.facts_by_id[fid] for fid in fact_ids)
        related = {f.fact_id: tuple(related_facts(f, snap.facts)) for f in facts}
        return Answer(
            question, claims, tuple(passages), facts, related={k: v for k, v in related.items() if v}
        )

    def facts(
        self,
        entity: str | None = None,
        indicator: str | None = None,
        period: str | None = None,
        doc_id: str | None = None,
    ) -> pd.DataFrame:
        """The fact table (columns of :class:`Fact`), filtered by substring on each given column.

        Filters are compared in Simplified script, so ``黑龍江`` finds ``黑龙江``.
        """
        table = pd.DataFrame([f.to_dict() for f in self.snapshot.facts], columns=FACT_COLUMNS)
        for column, wanted in (
            ("entity", entity),
            ("indicator", indicator),
            ("period", period),
            ("doc_id", doc_id),
        ):
            if wanted:
                needle = wanted if column == "doc_id" else self.normalizer.search_form(wanted)
                table = table[table[column].astype(str).str.contains(needle, regex=False)]
        return table.reset_index(drop=True)

    def fact(self, fact_id: str) -> Fact:
        """One fact by id (KeyError naming it when absent)."""
        try:
            return self.snapshot.facts_by_id[fact_id]
        except KeyError:
            raise NotFoundError(f"no fact {fact_id!r} in the index") from None

    def related_facts(self, fact_id: str) -> list[RelatedFact]:
        """Comparable facts from other documents (same entity, comparable indicator and period)."""
        return related_facts(self.fact(fact_id), self.snapshot.facts)

    # -- lifecycle ---------------------------------------------------------------------------
    def add(self, paths: Sequence[str | Path], progress: Progress | None = None) -> BuildReport:
        """Copy files (or folders' files) into the corpus under sanitized names and index them.

        Exact duplicates (by content) and unsupported files are refused with a one-line error each.
        """
        copied, errors = copy_into_corpus(paths, self.corpus_dir)
        report = self.update(progress=progress)
        indexed = {d.doc_id for d in self.documents()}
        # A copy that could not be indexed would fail every later build: take it back out (the
        # original stays where it was, so nothing is lost).
        _, cleanup_errors = delete_from_corpus([c for c in copied if c not in indexed], self.corpus_dir)
        return replace(report, errors=tuple(errors) + report.errors + tuple(cleanup_errors))

    def remove(self, doc_ids: Sequence[str]) -> BuildReport:
        """Delete documents from the corpus folder and the index."""
        _, errors = delete_from_corpus(doc_ids, self.corpus_dir)
        report = self.update()
        return replace(report, errors=tuple(errors) + report.errors)
