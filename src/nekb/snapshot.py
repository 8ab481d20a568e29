"""One index version, loaded and immutable: documents, chunks, sentences, both indexes and facts.

Search, answers and facts read an index only through :class:`Snapshot`'s methods, so they never
index parallel arrays by hand and a query always sees one consistent version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np

from .errors import NotFoundError
from .index import DenseIndex, SparseIndex
from .pipeline import DocumentRecord
from .types import Chunk, DocumentInfo, Fact, Hit, page_at

Level = Literal["chunk", "sentence"]
LEVELS: tuple[Level, ...] = ("chunk", "sentence")


@dataclass(frozen=True, eq=False)
class Sentence:
    """One sentence of an indexed document, with what answers need to score it."""

    sentence_id: int  # global, across the whole snapshot
    doc_id: str
    index: int  # within its document
    start: int
    end: int
    text: str
    page: int | None
    tokens: tuple[str, ...]
    vector: np.ndarray


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A loaded index version. Build one with :meth:`from_records`; it never changes afterwards."""

    version: str
    manifest: Mapping
    records: Mapping[str, DocumentRecord]
    dense: Mapping[Level, DenseIndex]
    sparse: Mapping[Level, SparseIndex]
    _chunks: tuple[Chunk, ...] = field(default=(), repr=False)
    _first_chunk: Mapping[str, int] = field(default_factory=dict, repr=False)
    _first_sentence: Mapping[str, int] = field(default_factory=dict, repr=False)
    _chunk_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    _sentence_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    _sentence_chunks: tuple[tuple[int, ...], ...] = field(default=(), repr=False)
    _facts: tuple[Fact, ...] = field(default=(), repr=False)
    _facts_by_id: Mapping[str, Fact] = field(default_factory=dict, repr=False)
    _sentence_facts: Mapping[tuple[str, int], tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_records(
        cls,
        version: str,
        manifest: Mapping,
        records: Sequence[DocumentRecord],
        dense: Mapping[Level, DenseIndex],
        sparse: Mapping[Level, SparseIndex],
    ) -> Snapshot:
        """Assemble a snapshot from embedded document records and the indexes built over them."""
        chunks: list[Chunk] = []
        first_chunk: dict[str, int] = {}
        first_sentence: dict[str, int] = {}
        sentence_doc: list[int] = []
        sentence_chunks: list[tuple[int, ...]] = []
        for ordinal, record in enumerate(records):
            first_chunk[record.doc_id] = len(chunks)
            first_sentence[record.doc_id] = len(sentence_doc)
            sentence_doc.extend([ordinal] * len(record.sentences))
            sentence_chunks.extend(_chunks_of_each_sentence(record, len(chunks)))
            chunks.extend(record.chunks(first_id=len(chunks)))
        ordinals = {r.doc_id: n for n, r in enumerate(records)}
        facts = tuple(f for r in records for f in r.facts)
        grouped: dict[tuple[str, int], list[str]] = {}
        for fact in facts:
            grouped.setdefault((fact.doc_id, fact.start), []).append(fact.fact_id)
        return cls(
            version=version,
            manifest=MappingProxyType(dict(manifest)),
            records=MappingProxyType({r.doc_id: r for r in records}),
            dense=MappingProxyType(dict(dense)),
            sparse=MappingProxyType(dict(sparse)),
            _chunks=tuple(chunks),
            _first_chunk=MappingProxyType(first_chunk),
            _first_sentence=MappingProxyType(first_sentence),
            _chunk_doc=np.asarray([ordinals[c.doc_id] for c in chunks], dtype=np.int64),
            _sentence_doc=np.asarray(sentence_doc, dtype=np.int64),
            _sentence_chunks=tuple(sentence_chunks),
            _facts=facts,
            _facts_by_id=MappingProxyType({f.fact_id: f for f in facts}),
            _sentence_facts=MappingProxyType({k: tuple(v) for k, v in grouped.items()}),
        )

    # -- what the version is -------------------------------------------------------------------
    @property
    def model(self) -> str:
        """The embedding model the version was built with."""
        return self.manifest["model"]

    @property
    def dim(self) -> int:
        """Dimension of the version's vectors."""
        return int(self.manifest["dim"])

    def size(self, level: Level) -> int:
        """How many chunks or sentences the version holds."""
        return len(self._chunks) if level == "chunk" else len(self._sentence_doc)

    # -- documents, chunks, sentences ----------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Metadata of every document, in index order."""
        return [r.info for r in self.records.values()]

    def document(self, doc_id: str) -> DocumentRecord:
        """One document's record (NotFoundError naming the id when absent)."""
        try:
            return self.records[doc_id]
        except KeyError:
            raise NotFoundError(f"no document {doc_id!r} in the index") from None

    def chunk(self, chunk_id: int) -> Chunk:
        """One chunk by global id."""
        return self._chunks[chunk_id]

    def hit(self, chunk_id: int, score: float) -> Hit:
        """Chunk ``chunk_id`` as a search result with ``score``."""
        chunk = self._chunks[chunk_id]
        info = self.records[chunk.doc_id].info
        return Hit(
            doc_id=chunk.doc_id,
            title=info.title,
            text=chunk.text,
            score=round(float(score), 6),
            start=chunk.start,
            end=chunk.end,
            page=chunk.page,
            chunk_id=chunk.chunk_id,
            date=info.date,
        )

    def sentences_of(self, chunk_id: int) -> list[Sentence]:
        """The sentences of a chunk (a hit), in reading order."""
        chunk = self._chunks[chunk_id]
        record = self.records[chunk.doc_id]
        first, last = record.chunk_ranges[chunk_id - self._first_chunk[chunk.doc_id]]
        base = self._first_sentence[chunk.doc_id]
        out = []
        for s in range(first, last):
            start, end = record.sentences[s]
            out.append(
                Sentence(
                    sentence_id=base + s,
                    doc_id=chunk.doc_id,
                    index=s,
                    start=start,
                    end=end,
                    text=record.text[start:end],
                    page=page_at(record.page_starts, start),
                    tokens=record.sentence_tokens[s],
                    vector=record.sentence_vectors[s],
                )
            )
        return out

    def chunks_of_sentences(self, sentence_ids: Iterable[int]) -> list[int]:
        """Chunk ranking implied by a sentence ranking: each chunk at its best sentence's place."""
        seen: dict[int, None] = {}
        for sentence_id in sentence_ids:
            for chunk_id in self._sentence_chunks[sentence_id]:
                seen.setdefault(chunk_id, None)
        return list(seen)

    def vectors(self, level: Level, doc_ids: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(global ids, vectors)`` of the chunks or sentences of ``doc_ids``."""
        ids: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        for doc_id in doc_ids:
            record = self.document(doc_id)
            first = (self._first_chunk if level == "chunk" else self._first_sentence)[doc_id]
            matrix = record.chunk_vectors if level == "chunk" else record.sentence_vectors
            ids.append(np.arange(first, first + len(matrix)))
            rows.append(matrix)
        if not ids:
            return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
        return np.concatenate(ids), np.concatenate(rows)

    def _in_scope(self, level: Level, ids: np.ndarray, scope: frozenset[str]) -> np.ndarray:
        """Mask of the ``ids`` that belong to documents in ``scope``."""
        wanted = [n for n, doc_id in enumerate(self.records) if doc_id in scope]
        owners = (self._chunk_doc if level == "chunk" else self._sentence_doc)[ids]
        return np.isin(owners, wanted)

    # -- rankings ------------------------------------------------------------------------------
    def dense_search(
        self, level: Level, query_vector: np.ndarray, k: int, scope: frozenset[str] | None = None
    ) -> list[int]:
        """Ids of the ``k`` chunks or sentences closest to ``query_vector``; with ``scope``, only
        those of the documents in it (scored exactly)."""
        if scope is None:
            return self.dense[level].search(query_vector, k)[1].tolist()
        ids, vectors = self.vectors(level, [d for d in self.records if d in scope])
        order = np.argsort(-(vectors @ query_vector), kind="stable")[:k]
        return ids[order].tolist()

    def sparse_search(
        self, level: Level, tokens: Sequence[str], k: int, scope: frozenset[str] | None = None
    ) -> list[int]:
        """Ids of the ``k`` best BM25 matches for ``tokens`` (positive scores only), within ``scope``."""
        scores = self.sparse[level].scores(list(tokens))
        candidates = np.flatnonzero(scores > 0)
        if scope is not None:
            candidates = candidates[self._in_scope(level, candidates, scope)]
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
        return order.tolist()

    def sentence_share(self, tokens: Sequence[str]) -> np.ndarray:
        """Share of all sentences holding each token (0 for unknown tokens)."""
        index = self.sparse["sentence"]
        return index.document_frequency(list(tokens)) / max(index.size, 1)

    def sentence_idf(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 inverse document frequency of each token over the version's sentences."""
        return self.sparse["sentence"].idf(list(tokens))

    # -- facts ---------------------------------------------------------------------------------
    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact of the version, in document order."""
        return self._facts

    def fact(self, fact_id: str) -> Fact:
        """One fact by id (NotFoundError naming it when absent)."""
        try:
            return self._facts_by_id[fact_id]
        except KeyError:
            raise NotFoundError(f"no fact {fact_id!r} in the index") from None

    def facts_at(self, doc_id: str, start: int) -> tuple[str, ...]:
        """Ids of the facts extracted from the sentence of ``doc_id`` that starts at ``start``."""
        return self._sentence_facts.get((doc_id, start), ())


def _chunks_of_each_sentence(record: DocumentRecord, first_chunk: int) -> list[tuple[int, ...]]:
    """For each sentence of ``record``, the global ids of the chunks holding it (overlap gives two)."""
    holders: list[list[int]] = [[] for _ in record.sentences]
    for i, (first, last) in enumerate(record.chunk_ranges):
        for s in range(first, last):
            holders[s].append(first_chunk + i)
    return [tuple(h) for h in holders]
