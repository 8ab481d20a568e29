"""The KnowledgeBase facade: build, open, search, answer, facts and documents (the one class users need).

Every query reads the loaded index version once (``self._snapshot``, swapped whole by ``refresh``), so
one KnowledgeBase can be shared by threads while another process publishes a new version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .answer import ANSWER_PASSAGES, EMPTY_INDEX, compose_answer
from .build import BuildReport, Progress, build_index
from .compare import related_facts
from .embed import DEFAULT_MODEL, Embedder
from .errors import InputError, ModelMismatchError
from .library import copy_into_corpus, delete_from_corpus, save_uploads
from .query import ParsedQuery
from .resources import Resources
from .search import hybrid_search
from .snapshot import Snapshot
from .stores import Store, parse_store
from .types import Answer, DocumentInfo, Fact, Hit, RelatedFact

FACT_COLUMNS = [f.name for f in fields(Fact)]
# How long an add, remove or build waits for another writer of the same index before giving up.
LOCK_WAIT_SECONDS = 60.0
# Questions longer than this are refused: real questions are short, and a pasted document would
# take a minute to segment and embed.
MAX_QUESTION_CHARS = 2000


class KnowledgeBase:
    """Search, answers and facts over an index directory built from a corpus folder.

    Make one with :meth:`open` (or :meth:`build` first); the constructor is for those two.
    """

    def __init__(
        self,
        corpus_dir: str | Path,
        index_dir: str | Path,
        *,
        embedder: Embedder,
        resources: Resources | None = None,
        snapshot: Snapshot | None = None,
        store: str | Store | None = None,
    ) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.index_dir = Path(index_dir)
        self.store = parse_store(store, self.index_dir)
        self._embedder = embedder
        self._resources = resources or Resources()
        self._snapshot = snapshot
        self._damaged: frozenset[str] = frozenset()  # versions found damaged, not tried again
        self.index_warnings: tuple[str, ...] = ()  # damaged versions passed over at the last load

    # -- construction and lifecycle --------------------------------------------------------------
    @classmethod
    def build(
        cls,
        corpus_dir: str | Path = "corpus",
        index_dir: str | Path = "index",
        *,
        model: str | Embedder = DEFAULT_MODEL,
        full: bool = False,
        progress: Progress | None = None,
        resources: Resources | None = None,
        store: str | Store | None = None,
    ) -> BuildReport:
        """Index ``corpus_dir`` into ``index_dir`` (only what changed unless ``full``); open it with
        :meth:`open` afterwards. Files that cannot be read are named in ``report.errors``.

        ``store`` is where versions go: the index directory (default, or ``"local"``), or Milvus
        (``"milvus:index/kb.db"`` for Milvus Lite in-process, ``"milvus:http://host:19530"``)."""
        resources = resources or Resources()
        kb = cls(corpus_dir, index_dir, embedder=resources.embedder(model), resources=resources, store=store)
        return kb.update(full=full, progress=progress)

    @classmethod
    def open(
        cls,
        corpus_dir: str | Path = "corpus",
        index_dir: str | Path = "index",
        *,
        model: str | Embedder | None = None,
        create: bool = False,
        resources: Resources | None = None,
        store: str | Store | None = None,
    ) -> KnowledgeBase:
        """Open the index of ``corpus_dir`` in ``index_dir``.

        ``model`` defaults to the one the index was built with; another one raises
        :class:`ModelMismatchError`. Without an index this raises :class:`IndexMissingError`, unless
        ``create`` is set: then the knowledge base starts empty (with ``model``, default e5) and the
        first :meth:`update` or :meth:`add` builds it. ``store`` as for :meth:`build`.
        """
        resources = resources or Resources()
        store = parse_store(store, Path(index_dir))
        version = store.live() if create else store.require()
        if version is None:
            embedder = resources.embedder(model or DEFAULT_MODEL)
            return cls(corpus_dir, index_dir, embedder=embedder, resources=resources, store=store)
        expected = model if isinstance(model, str) or model is None else model.name
        snapshot, damaged = store.load_latest(expected_model=expected)
        embedder = resources.embedder(model if model is not None else snapshot.model)
        if embedder.dim != snapshot.dim:
            raise ModelMismatchError(
                f"model {embedder.name!r} has dim {embedder.dim}, index has {snapshot.dim}: "
                "rebuild with `nekb build --full`"
            )
        kb = cls(
            corpus_dir, index_dir, embedder=embedder, resources=resources, snapshot=snapshot, store=store
        )
        kb._note_damage(damaged)
        return kb

    def update(self, *, full: bool = False, progress: Progress | None = None) -> BuildReport:
        """Re-index the corpus folder (only what changed unless ``full``) and load the new version.

        A damaged index is repaired: documents are carried over from the newest intact version.
        """
        with self.store.write_lock(LOCK_WAIT_SECONDS):
            return self._update_locked(full, progress)

    def _update_locked(self, full: bool, progress: Progress | None) -> BuildReport:
        report = build_index(
            self.corpus_dir,
            self.index_dir,
            self._embedder,
            self._resources.segmenter,
            self._resources.normalizer,
            full=full,
            progress=progress,
            store=self.store,
        )
        self._damaged = frozenset()  # a new version was written, or the live one loads
        self.refresh()
        return report

    def add(self, paths: Sequence[str | Path], *, progress: Progress | None = None) -> BuildReport:
        """Copy files (or folders' files) into the corpus under safe names and index them.

        Exact duplicates (by content), unsupported and unreadable files are refused with a one-line
        error each; the others are indexed. The originals are never touched. Names are chosen and
        files copied under the index's write lock, so concurrent adds never collide; if indexing
        fails, the copies are taken back out.
        """
        with self.store.write_lock(LOCK_WAIT_SECONDS):
            copied, errors = copy_into_corpus(paths, self.corpus_dir)
            try:
                report = self._update_locked(False, progress)
            except BaseException:
                delete_from_corpus(copied, self.corpus_dir)
                raise
            indexed = {d.doc_id for d in self.documents()}
            # A copy that could not be indexed would fail every later build: take it back out (the
            # original stays where it was, so nothing is lost).
            unindexed = [c for c in copied if c not in indexed]
            _, cleanup_errors = delete_from_corpus(unindexed, self.corpus_dir)
        return replace(report, errors=tuple(errors) + report.errors + tuple(cleanup_errors))

    def add_files(
        self, files: Sequence[tuple[str, bytes]], *, progress: Progress | None = None
    ) -> BuildReport:
        """Add uploaded ``(file name, content)`` pairs, as :meth:`add` does for paths."""
        with save_uploads(files) as paths:
            return self.add(paths, progress=progress)

    def remove(self, doc_ids: Sequence[str], *, progress: Progress | None = None) -> BuildReport:
        """Delete documents (by id) from the corpus folder and the index."""
        with self.store.write_lock(LOCK_WAIT_SECONDS):
            _, errors = delete_from_corpus(doc_ids, self.corpus_dir)
            report = self._update_locked(False, progress)
        return replace(report, errors=tuple(errors) + report.errors)

    def refresh(self) -> bool:
        """Load a newer index version if one was published; return True when it did.

        A damaged version is passed over for the newest intact one (named in ``index_warnings``).
        """
        version = self.store.live()
        loaded = self._snapshot.version if self._snapshot is not None else None
        if version is None or version in (loaded, *self._damaged):
            return False
        snapshot, damaged = self.store.load_latest(self._embedder.name, skip=self._damaged)
        self._note_damage(damaged)
        if snapshot.version == loaded:
            return False
        self._snapshot = snapshot
        return True

    def _note_damage(self, damaged: dict[str, str]) -> None:
        """Remember versions that failed to load (not retried) and say which, until a build repairs."""
        self._damaged = self._damaged | damaged.keys()
        self.index_warnings = tuple(damaged.values())

    def _current(self) -> Snapshot | None:
        """The loaded version, read once per call so a concurrent refresh cannot mix two."""
        snapshot = self._snapshot
        if snapshot is None and self.store.live() is not None:
            self.refresh()
            snapshot = self._snapshot
        return snapshot

    @property
    def version(self) -> str:
        """Name of the loaded index version ("" before the first build)."""
        snapshot = self._current()
        return snapshot.version if snapshot else ""

    @property
    def model(self) -> str:
        """The embedding model of the index."""
        return self._embedder.name

    # -- documents ---------------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Metadata of every indexed document, in index order."""
        snapshot = self._current()
        return snapshot.documents() if snapshot else []

    def document_text(self, doc_id: str) -> str:
        """The cleaned text of a document: what every ``start``/``end`` offset refers to."""
        return self._require().document(doc_id).text

    def _require(self) -> Snapshot:
        snapshot = self._current()
        if snapshot is None:
            self.store.require()  # raises IndexMissingError saying what to run
        return snapshot

    # -- search and answers ------------------------------------------------------------------------
    def _parse(self, snapshot: Snapshot, text: str) -> ParsedQuery:
        if len(text) > MAX_QUESTION_CHARS:
            raise InputError(
                f"question of {len(text):,} characters: the limit is {MAX_QUESTION_CHARS:,}; "
                "ask about one thing at a time"
            )
        return self._resources.analyzer.parse(text, snapshot.titles, snapshot.sentence_share)

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        """The ``k`` best passages for ``query``: dense and BM25 rankings fused with RRF.

        A 《title》 in the query that names an indexed document limits the search to it.
        """
        snapshot = self._current()
        if snapshot is None:
            return []
        parsed = self._parse(snapshot, query)
        return hybrid_search(snapshot, parsed, self._embed_query(parsed), k)

    def ask(self, question: str, *, k: int = ANSWER_PASSAGES) -> Answer:
        """An extractive answer: 1-4 claims quoted from the top ``k`` passages, cited and fact-linked.

        When nothing retrieved is about the question the answer has no claims and says why.
        """
        return self.ask_many([question], k=k)[0]

    def ask_many(
        self, questions: Sequence[str], *, k: int = ANSWER_PASSAGES, progress: Progress | None = None
    ) -> list[Answer]:
        """Answers to many questions (embedded in batches), in order; ``progress("answer", n, total)``."""
        snapshot = self._current()
        if snapshot is None:
            return [Answer(q, (), (), reason=EMPTY_INDEX) for q in questions]
        parsed = [self._parse(snapshot, q) for q in questions]
        ranker = self._resources.ranker
        vectors = self._embedder.embed_queries([p.dense_text for p in parsed]) if parsed else []
        answers = []
        for n, (question, query, vector) in enumerate(zip(questions, parsed, vectors, strict=True), 1):
            passages = hybrid_search(snapshot, query, vector, k)
            answers.append(
                compose_answer(snapshot, ranker, question, query, vector, passages, self._embed_text)
            )
            if progress:
                progress("answer", n, len(parsed))
        return answers

    def _embed_query(self, parsed: ParsedQuery) -> np.ndarray:
        return self._embed_text(parsed.dense_text)

    def _embed_text(self, text: str) -> np.ndarray:
        return self._embedder.embed_queries([text])[0]

    # -- facts -------------------------------------------------------------------------------------
    def facts(
        self,
        *,
        entity: str | None = None,
        indicator: str | None = None,
        period: str | None = None,
        doc_id: str | None = None,
    ) -> pd.DataFrame:
        """The fact table (columns of :class:`Fact`), filtered.

        ``doc_id`` selects one document exactly. ``entity``, ``indicator`` and ``period`` keep rows
        whose column contains the given text, compared in Simplified script (``黑龍江`` finds
        ``黑龙江``).
        """
        snapshot = self._current()
        rows = [f.to_dict() for f in snapshot.facts] if snapshot else []
        table = pd.DataFrame(rows, columns=FACT_COLUMNS)
        if doc_id is not None:
            table = table[table["doc_id"] == doc_id]
        search_form = self._resources.normalizer.search_form
        for column, wanted in (("entity", entity), ("indicator", indicator), ("period", period)):
            if wanted:
                table = table[table[column].astype(str).str.contains(search_form(wanted), regex=False)]
        return table.reset_index(drop=True)

    def fact(self, fact_id: str) -> Fact:
        """One fact by id (NotFoundError naming it when absent)."""
        return self._require().fact(fact_id)

    def related_facts(self, fact_id: str) -> list[RelatedFact]:
        """Comparable facts from other documents (same entity, indicator and period)."""
        snapshot = self._require()
        return related_facts(snapshot.fact(fact_id), snapshot.facts)
