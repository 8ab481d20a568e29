"""The steps of ``KnowledgeBase.ask`` one at a time, for code that studies or fits them.

``scripts/fit_ranker.py`` needs each question's parse, embedding, passages and candidate sentences
separately; :class:`IndexSteps` gives them over one loaded index version without reaching into the
facade's private state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embed import Embedder
from .normalize import SearchNormalizer
from .persist import load_latest
from .query import ParsedQuery
from .resources import Resources
from .search import hybrid_search
from .snapshot import Snapshot
from .types import Hit


@dataclass(frozen=True)
class IndexSteps:
    """One loaded index version with the tools ``kb.ask`` runs over it."""

    snapshot: Snapshot
    embedder: Embedder
    resources: Resources

    @classmethod
    def load(cls, index_dir: str | Path, resources: Resources | None = None, model=None) -> IndexSteps:
        """The newest intact version of ``index_dir`` and its model (or ``model``, an Embedder)."""
        resources = resources or Resources()
        snapshot, _ = load_latest(Path(index_dir))
        return cls(snapshot, resources.embedder(model or snapshot.model), resources)

    @property
    def normalizer(self) -> SearchNormalizer:
        """The normalizer answers are judged with."""
        return self.resources.normalizer

    def parse(self, question: str) -> ParsedQuery:
        """The question as search reads it (dense text, BM25 tokens, 《title》 scope)."""
        return self.resources.analyzer.parse(question, self.snapshot.titles, self.snapshot.sentence_share)

    def embed(self, parsed: list[ParsedQuery]) -> np.ndarray:
        """Query vectors of parsed questions, one row each."""
        return self.embedder.embed_queries([p.dense_text for p in parsed])

    def search(self, parsed: ParsedQuery, vector: np.ndarray, k: int) -> list[Hit]:
        """The ``k`` passages ``kb.ask`` would quote from."""
        return hybrid_search(self.snapshot, parsed, vector, k)
