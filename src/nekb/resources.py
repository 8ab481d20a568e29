"""The heavy, read-only tools a KnowledgeBase works with, loaded once and shared on purpose.

Loading e5 and jieba's dictionary takes about a second; a program that opens several knowledge bases
(the CLI's commands under test, a server with several indexes) passes one :class:`Resources` to each
instead of loading them again. Nothing is shared behind the caller's back: no module-level cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .embed import Embedder, load_embedder
from .normalize import SearchNormalizer
from .query import QueryAnalyzer
from .ranker import SentenceRanker
from .segment import Segmenter


class Resources:
    """Embedding models by name, one segmenter, one normalizer and one query analyzer, made lazily."""

    def __init__(
        self, segmenter: Segmenter | None = None, normalizer: SearchNormalizer | None = None
    ) -> None:
        self._lock = threading.RLock()  # re-entrant: the analyzer is made from the segmenter
        self._embedders: dict[str, Embedder] = {}
        self._segmenter = segmenter
        self._normalizer = normalizer
        self._analyzer: QueryAnalyzer | None = None
        self._ranker: SentenceRanker | None = None

    def embedder(self, model: str | Embedder) -> Embedder:
        """The embedder named ``model`` (``e5``, ``st:NAME``, ``hash``), loaded on first use; an
        :class:`Embedder` instance is kept and returned as is."""
        with self._lock:
            if not isinstance(model, str):
                self._embedders.setdefault(model.name, model)
                return model
            if model not in self._embedders:
                self._embedders[model] = load_embedder(model)
            return self._embedders[model]

    @property
    def segmenter(self) -> Segmenter:
        """The jieba segmenter with nekb's user dictionary."""
        return self._made("_segmenter", Segmenter)

    @property
    def normalizer(self) -> SearchNormalizer:
        """The NFKC + Traditional→Simplified normalizer."""
        return self._made("_normalizer", SearchNormalizer)

    @property
    def analyzer(self) -> QueryAnalyzer:
        """The question analyzer (synonyms, English words in Chinese, 《title》 scope) over the segmenter."""
        return self._made("_analyzer", lambda: QueryAnalyzer(self.segmenter, self.normalizer))

    @property
    def ranker(self) -> SentenceRanker:
        """The fitted sentence ranker and relevance gate (``data/ranker.json``)."""
        return self._made("_ranker", SentenceRanker)

    def _made(self, attribute: str, make: Callable[[], object]):
        """The value of ``attribute``, made by ``make`` the first time (one thread makes it)."""
        with self._lock:
            if getattr(self, attribute) is None:
                setattr(self, attribute, make())
            return getattr(self, attribute)
