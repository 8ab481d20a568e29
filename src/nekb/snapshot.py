"""One index version, loaded and immutable: documents, chunks, sentences, both indexes and facts.

Search, answers and facts read an index only through :class:`Snapshot`'s methods, so they never
index parallel arrays by hand and a query always sees one consistent version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Literal

import numpy as np

from .errors import NotFoundError
from .index import DenseIndex, SparseIndex
from .lazy_records import LazyRecords
from .pipeline import DocumentRecord, title_name
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


@dataclass(frozen=True)
class Layout:
    """Where each document's chunks and sentences sit in the version's global numbering.

    Arrays, not objects, so a version of a million chunks opens without reading its documents:
    ``chunk_sentences[c]`` is chunk c's global sentence range ``[first, last)``; a document's chunks
    and sentences are consecutive, starting at ``first_chunk[d]`` / ``first_sentence[d]``.
    """

    doc_ids: tuple[str, ...]
    first_chunk: np.ndarray  # per document, plus the total at the end
    first_sentence: np.ndarray  # per document, plus the total at the end
    chunk_sentences: np.ndarray  # (chunks, 2)

    @classmethod
    def of_records(cls, records: Sequence[DocumentRecord]) -> Layout:
        """The layout of ``records`` in this order."""
        return cls.of_documents(
            [r.doc_id for r in records],
            [len(r.sentences) for r in records],
            [r.chunk_ranges for r in records],
        )

    @classmethod
    def of_documents(
        cls,
        doc_ids: Sequence[str],
        sentence_counts: Sequence[int],
        chunk_ranges: Sequence[Sequence[tuple[int, int]]],
    ) -> Layout:
        """The layout of documents given by their sentence counts and chunk ranges, in this order."""
        first_sentence = np.concatenate([[0], np.cumsum(sentence_counts, dtype=np.int64)])
        ranges = [
            np.asarray(doc_ranges, dtype=np.int64).reshape(-1, 2) + first_sentence[n]
            for n, doc_ranges in enumerate(chunk_ranges)
        ]
        return cls(
            doc_ids=tuple(doc_ids),
            first_chunk=np.concatenate([[0], np.cumsum([len(r) for r in chunk_ranges], dtype=np.int64)]),
            first_sentence=first_sentence,
            chunk_sentences=np.concatenate(ranges) if ranges else np.zeros((0, 2), np.int64),
        )

    def owners(self, level: Level) -> np.ndarray:
        """The ordinal of the document of each chunk or sentence."""
        firsts = self.first_chunk if level == "chunk" else self.first_sentence
        return np.repeat(np.arange(len(self.doc_ids)), np.diff(firsts))


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A loaded index version. Build one with :meth:`from_records` (or persist's loader, whose
    ``records`` read each document only when asked for); it never changes afterwards."""

    version: str
    manifest: Mapping
    records: Mapping[str, DocumentRecord]
    dense: Mapping[Level, DenseIndex]
    sparse: Mapping[Level, SparseIndex]
    layout: Layout
    infos: Mapping[str, DocumentInfo]
    _facts: tuple[Fact, ...] = field(default=(), repr=False)
    _ordinal: Mapping[str, int] = field(default_factory=dict, repr=False)
    _owners: Mapping[Level, np.ndarray] = field(default_factory=dict, repr=False)
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
        return cls.assemble(
            version,
            manifest,
            MappingProxyType({r.doc_id: r for r in records}),
            Layout.of_records(records),
            {r.doc_id: r.info for r in records},
            tuple(f for r in records for f in r.facts),
            dense,
            sparse,
        )

    @classmethod
    def assemble(
        cls,
        version: str,
        manifest: Mapping,
        records: Mapping[str, DocumentRecord],
        layout: Layout,
        infos: Mapping[str, DocumentInfo],
        facts: tuple[Fact, ...],
        dense: Mapping[Level, DenseIndex],
        sparse: Mapping[Level, SparseIndex],
    ) -> Snapshot:
        """A snapshot over ``records`` (any mapping, e.g. one that reads documents on demand) laid
        out as ``layout``; ``infos`` in index order."""
        grouped: dict[tuple[str, int], list[str]] = {}
        for fact in facts:
            grouped.setdefault((fact.doc_id, fact.start), []).append(fact.fact_id)
        return cls(
            version=version,
            manifest=MappingProxyType(dict(manifest)),
            records=records,
            dense=MappingProxyType(dict(dense)),
            sparse=MappingProxyType(dict(sparse)),
            layout=layout,
            infos=MappingProxyType({d: infos[d] for d in layout.doc_ids}),
            _facts=facts,
            _ordinal=MappingProxyType({d: n for n, d in enumerate(layout.doc_ids)}),
            _owners=MappingProxyType({level: layout.owners(level) for level in LEVELS}),
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
        return len(self._owners[level])

    # -- documents, chunks, sentences ----------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Metadata of every document, in index order."""
        return list(self.infos.values())

    @cached_property
    def titles(self) -> Mapping[str, str]:
        """Every document's title as readers name it (pipeline.title_name), by doc id (read by every
        question, so made once)."""
        return MappingProxyType({info.doc_id: title_name(info) for info in self.infos.values()})

    def document(self, doc_id: str) -> DocumentRecord:
        """One document's record (NotFoundError naming the id when absent)."""
        try:
            return self.records[doc_id]
        except KeyError:
            raise NotFoundError(f"no document {doc_id!r} in the index") from None

    def _chunk_place(self, chunk_id: int) -> tuple[DocumentRecord, int]:
        """The record holding chunk ``chunk_id`` and the chunk's index within it."""
        if not 0 <= chunk_id < self.size("chunk"):
            raise NotFoundError(f"no chunk {chunk_id} in the index")
        ordinal = int(self._owners["chunk"][chunk_id])
        record = self.records[self.layout.doc_ids[ordinal]]
        return record, chunk_id - int(self.layout.first_chunk[ordinal])

    def chunk(self, chunk_id: int) -> Chunk:
        """One chunk by global id (of a saved version: read alone, without parsing its document)."""
        texts = self.records.texts if isinstance(self.records, LazyRecords) else None
        if texts is not None and 0 <= chunk_id < self.size("chunk"):
            return texts.chunk(chunk_id, self.layout.doc_ids[int(self._owners["chunk"][chunk_id])])
        record, local = self._chunk_place(chunk_id)
        start, end = record.chunk_span(local)
        page = page_at(record.page_starts, start)
        return Chunk(chunk_id, record.doc_id, start, end, page, record.text[start:end])

    def hit(self, chunk_id: int, score: float) -> Hit:
        """Chunk ``chunk_id`` as a search result with ``score``."""
        chunk = self.chunk(chunk_id)
        info = self.infos[chunk.doc_id]
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
        record, local = self._chunk_place(chunk_id)
        first, last = record.chunk_ranges[local]
        base = int(self.layout.first_sentence[self._ordinal[record.doc_id]])
        out = []
        for s in range(first, last):
            start, end = record.sentences[s]
            out.append(
                Sentence(
                    sentence_id=base + s,
                    doc_id=record.doc_id,
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
        firsts, lasts = self.layout.chunk_sentences[:, 0], self.layout.chunk_sentences[:, 1]
        seen: dict[int, None] = {}
        for sentence_id in sentence_ids:
            # Chunks are in sentence order and overlap by a sentence at most: the holders of a
            # sentence are the last chunk starting at or before it and those just before it.
            holder = int(np.searchsorted(firsts, sentence_id, side="right")) - 1
            holders = []
            while holder >= 0 and lasts[holder] > sentence_id:
                holders.append(holder)
                holder -= 1
            for chunk_id in reversed(holders):
                seen.setdefault(chunk_id, None)
        return list(seen)

    def vectors(self, level: Level, doc_ids: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(global ids, vectors)`` of the chunks or sentences of ``doc_ids``."""
        ids: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        for doc_id in doc_ids:
            record = self.document(doc_id)
            firsts = self.layout.first_chunk if level == "chunk" else self.layout.first_sentence
            first = int(firsts[self._ordinal[doc_id]])
            matrix = record.chunk_vectors if level == "chunk" else record.sentence_vectors
            ids.append(np.arange(first, first + len(matrix)))
            rows.append(matrix)
        if not ids:
            return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
        return np.concatenate(ids), np.concatenate(rows)

    def _in_scope(self, level: Level, ids: np.ndarray, scope: frozenset[str]) -> np.ndarray:
        """Mask of the ``ids`` that belong to documents in ``scope``."""
        wanted = [self._ordinal[d] for d in scope if d in self._ordinal]
        return np.isin(self._owners[level][ids], wanted)

    # -- rankings ------------------------------------------------------------------------------
    def dense_search(
        self, level: Level, query_vector: np.ndarray, k: int, scope: frozenset[str] | None = None
    ) -> list[int]:
        """Ids of the ``k`` chunks or sentences closest to ``query_vector``; with ``scope``, only
        those of the documents in it (scored exactly)."""
        if scope is None:
            return self.dense[level].search(query_vector, k)[1].tolist()
        ids, vectors = self.vectors(level, [d for d in self.layout.doc_ids if d in scope])
        order = np.argsort(-(vectors @ query_vector), kind="stable")[:k]
        return ids[order].tolist()

    def sparse_search(
        self, level: Level, tokens: Sequence[str], k: int, scope: frozenset[str] | None = None
    ) -> list[int]:
        """Ids of the ``k`` best BM25 matches for ``tokens`` (positive scores only), within ``scope``."""
        if scope is None:
            return self.sparse[level].search(list(tokens), k)[1].tolist()
        scores = self.sparse[level].scores(list(tokens))
        candidates = np.flatnonzero(scores > 0)
        candidates = candidates[self._in_scope(level, candidates, scope)]
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
        return order.tolist()

    def fused_chunks(
        self,
        query_vector: np.ndarray,
        tokens: Sequence[str],
        limit: int,
        rrf_k: int,
        scope: frozenset[str] | None,
    ) -> list[tuple[int, float]] | None:
        """``(chunk id, RRF score)`` of the chunk rankings by embedding and BM25 fused in the store's
        engine, best first, or None where the store fuses nothing (the search fuses them itself)."""
        return None

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
