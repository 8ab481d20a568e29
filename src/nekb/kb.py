"""The KnowledgeBase facade: build, open, search and read documents (the one class users need)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .build import BuildReport, Progress, build_index
from .clean import SearchNormalizer
from .embed import DEFAULT_MODEL, Embedder, load_embedder
from .search import rrf_fuse
from .segment import Segmenter
from .snapshot import ModelMismatchError, Snapshot, load_snapshot
from .store import current_version, require_version
from .types import DocumentInfo, Hit

# How many candidates each retriever contributes to fusion, and their weights (tuned on the dev set).
CANDIDATES = 50
DENSE_WEIGHT = 1.0
SPARSE_WEIGHT = 1.0


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
        embedder = model if model is not None and not isinstance(model, str) else load_embedder(snapshot.model)
        if embedder.dim != snapshot.manifest["dim"]:
            raise ModelMismatchError(f"model {embedder.name!r} has dim {embedder.dim}, index has "
                                     f"{snapshot.manifest['dim']}: rebuild with `nekb build --full`")
        kb = cls(Path(index_dir), Path(corpus_dir), embedder)
        kb._snapshot = snapshot
        return kb

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
            raise KeyError(f"no document {doc_id!r} in the index") from None

    # -- search -------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5) -> list[Hit]:
        """The ``k`` best passages for ``query``: dense and BM25 rankings fused with RRF."""
        query_vector = self.embedder.embed_queries([self.normalizer.search_form(query)])[0]
        return self._search_with_vector(query, query_vector, k)

    def _search_with_vector(self, query: str, query_vector: np.ndarray, k: int) -> list[Hit]:
        snap = self.snapshot
        if not query.strip() or not snap.chunks:
            return []
        _, dense_ids = snap.dense.search(query_vector, CANDIDATES)
        tokens = self.segmenter.tokens(self.normalizer.search_form(query))
        _, sparse_ids = snap.sparse.search(tokens, CANDIDATES)
        fused = rrf_fuse([dense_ids.tolist(), sparse_ids.tolist()], [DENSE_WEIGHT, SPARSE_WEIGHT])
        hits = []
        for chunk_id, score in fused[:k]:
            chunk = snap.chunks[chunk_id]
            doc = snap.documents[chunk.doc_id]
            hits.append(
                Hit(
                    doc_id=chunk.doc_id,
                    title=doc.info.title,
                    text=chunk.text,
                    score=round(float(score), 6),
                    start=chunk.start,
                    end=chunk.end,
                    page=chunk.page,
                    chunk_id=chunk.chunk_id,
                )
            )
        return hits
