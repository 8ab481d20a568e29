"""The KnowledgeBase facade: build, open, search and read documents (the one class users need)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .build import BuildReport, Progress, build_index
from .clean import SearchNormalizer
from .embed import DEFAULT_MODEL, Embedder, load_embedder
from .query import ParsedQuery, QueryAnalyzer
from .search import rrf_fuse
from .segment import Segmenter
from .snapshot import ModelMismatchError, Snapshot, load_snapshot
from .store import current_version, require_version
from .types import Answer, DocumentInfo, Fact, Hit, RelatedFact

# How many chunks (and sentences) each of the four rankings contributes to fusion.
CANDIDATES = 50
SENTENCE_CANDIDATES = 150


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
        """Search with an analyzed query and its embedding (lets batches embed many queries at once).

        Four rankings are fused: chunks and sentences, each by embedding and by BM25; a sentence
        ranks the chunks that hold it, so a passage with one sharply matching sentence rises.
        """
        snap = self.snapshot
        if not parsed.dense_text.strip() or not snap.chunks:
            return []
        tokens = list(parsed.tokens)
        sentence_dense = self._dense_ranking(parsed, query_vector, sentences=True)
        _, sentence_sparse = snap.sentence_sparse.search(tokens, SENTENCE_CANDIDATES)
        rankings = [
            self._dense_ranking(parsed, query_vector, sentences=False),
            self._in_scope(snap.sparse.search(tokens, CANDIDATES)[1].tolist(), parsed),
            self._in_scope(self._chunks_of(sentence_dense), parsed),
            self._in_scope(self._chunks_of(sentence_sparse.tolist()), parsed),
        ]
        fused = rrf_fuse(rankings)
        return [self._hit(chunk_id, score) for chunk_id, score in fused[:k]]

    def _chunks_of(self, sentence_ids: list[int]) -> list[int]:
        """Chunk ranking implied by a sentence ranking (each chunk at its best sentence's place)."""
        seen: dict[int, None] = {}
        for sentence_id in sentence_ids:
            for chunk_id in self.snapshot.sentence_chunks[sentence_id]:
                seen.setdefault(chunk_id, None)
        return list(seen)[:CANDIDATES]

    def _in_scope(self, chunk_ids: list[int], parsed: ParsedQuery) -> list[int]:
        if parsed.scope is None:
            return chunk_ids
        return [i for i in chunk_ids if self.snapshot.chunks[i].doc_id in parsed.scope]

    def _dense_ranking(self, parsed: ParsedQuery, query_vector: np.ndarray, sentences: bool) -> list[int]:
        """Best chunk (or sentence) ids by cosine similarity, limited to the query's scope if any."""
        snap = self.snapshot
        index = snap.sentence_dense if sentences else snap.dense
        limit = SENTENCE_CANDIDATES if sentences else CANDIDATES
        if parsed.scope is None:
            return index.search(query_vector, limit)[1].tolist()
        # Scoped: score the documents' own vectors exactly instead of filtering a global top list.
        ids, scores = [], []
        first = 0
        for doc_id, doc in snap.documents.items():
            vectors = doc.sentence_vectors if sentences else doc.vectors
            if doc_id in parsed.scope:
                ids.extend(range(first, first + len(vectors)))
                scores.extend((vectors @ query_vector).tolist())
            first += len(vectors)
        order = np.argsort(-np.asarray(scores), kind="stable")[:limit]
        return [ids[i] for i in order]

    def _hit(self, chunk_id: int, score: float) -> Hit:
        chunk = self.snapshot.chunks[chunk_id]
        return Hit(
            doc_id=chunk.doc_id,
            title=self.snapshot.documents[chunk.doc_id].info.title,
            text=chunk.text,
            score=round(float(score), 6),
            start=chunk.start,
            end=chunk.end,
            page=chunk.page,
            chunk_id=chunk.chunk_id,
        )

    # -- answers and facts (being implemented) -------------------------------------------------
    def ask(self, question: str, k: int = 5) -> Answer:
        """An extractive answer: 1-4 claims quoted from the top ``k`` passages, cited and fact-linked."""
        raise NotImplementedError

    def ask_many(self, questions: Sequence[str], k: int = 5, progress: bool = True) -> list[Answer]:
        """Answers to many questions, embedding the questions in batches, with one progress bar."""
        raise NotImplementedError

    def facts(
        self,
        entity: str | None = None,
        indicator: str | None = None,
        period: str | None = None,
        doc_id: str | None = None,
    ) -> pd.DataFrame:
        """The fact table (columns of :class:`Fact`), filtered by substring on each given column."""
        raise NotImplementedError

    def fact(self, fact_id: str) -> Fact:
        """One fact by id."""
        raise NotImplementedError

    def related_facts(self, fact_id: str) -> list[RelatedFact]:
        """Comparable facts from other documents (same entity, comparable indicator and period)."""
        raise NotImplementedError

    # -- lifecycle (being implemented) --------------------------------------------------------
    def add(self, paths: Sequence[str | Path], progress: Progress | None = None) -> BuildReport:
        """Copy files (or folders' files) into the corpus under sanitized names and index them."""
        raise NotImplementedError

    def remove(self, doc_ids: Sequence[str]) -> BuildReport:
        """Delete documents from the corpus folder and the index."""
        raise NotImplementedError
