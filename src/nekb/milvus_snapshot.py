"""A Snapshot whose rankings run in Milvus, over the rows of one version read as queries need them.

Opening reads the documents' layout only (milvus_records.py). Chunk rankings by embedding and by
BM25 are fused in Milvus (``hybrid_search`` with its RRF ranker); BM25 statistics of the query's
terms, documents and the fact table are read on first use.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .bm25_vectors import LevelStats, query_weights
from .errors import NotFoundError
from .milvus_schema import collection_name, visible
from .snapshot import Level, Snapshot
from .types import Fact

# Extra rows fetched beyond k so ties at the cut are broken by id, as the local store does.
TIE_MARGIN = 10
TERMS_PER_QUERY = 500  # values per ``term in [...]`` filter
CACHED_TERMS = 200_000  # looked-up terms kept per snapshot (the cache starts over beyond)


class TermTable:
    """Term ids and document frequencies (chunk, sentence) of one version, read per query token
    from the ``terms`` collection and kept. Safe to share between threads."""

    def __init__(self, client, generation: int, serial: int) -> None:
        self._client = client
        self._name = collection_name(generation, "terms")
        self._serial = serial
        self._known: dict[str, tuple[int, int, int] | None] = {}
        self._lock = threading.Lock()

    def lookup(self, tokens: Sequence[str]) -> dict[str, tuple[int, int, int]]:
        """``{token: (term id, chunk df, sentence df)}`` of the ``tokens`` the version holds."""
        with self._lock:
            missing = sorted({t for t in tokens if t not in self._known})
        found: dict[str, tuple[int, int, int] | None] = dict.fromkeys(missing)
        for i in range(0, len(missing), TERMS_PER_QUERY):
            terms = json.dumps(missing[i : i + TERMS_PER_QUERY], ensure_ascii=False)
            rows = self._client.query(
                self._name,
                filter=visible(self._serial, f"term in {terms}"),
                output_fields=["term", "tid", "df_chunk", "df_sentence"],
            )
            for row in rows:
                found[row["term"]] = (int(row["tid"]), int(row["df_chunk"]), int(row["df_sentence"]))
        with self._lock:
            if len(self._known) + len(found) > CACHED_TERMS:
                self._known.clear()
            self._known.update(found)
            known = {t: self._known.get(t, found.get(t)) for t in tokens}
        return {t: v for t, v in known.items() if v is not None}


@dataclass(frozen=True)
class MilvusSearch:
    """Dense, BM25 and fused searches of one version's chunks and sentences, run in Milvus."""

    client: object
    generation: int  # whose collections hold the version
    serial: int  # the version's number: which rows it sees
    terms: TermTable
    sizes: Mapping[Level, int]
    avg_length: Mapping[Level, float]

    def statistics(self, level: Level, tokens: Sequence[str]) -> tuple[dict[str, int], LevelStats]:
        """Term ids of the ``tokens`` and BM25 statistics of ``level`` restricted to them."""
        found = self.terms.lookup(tokens)
        column = 1 if level == "chunk" else 2
        doc_freq = {t: v[column] for t, v in found.items() if v[column]}
        stats = LevelStats(size=self.sizes[level], avg_length=self.avg_length[level], doc_freq=doc_freq)
        return {t: v[0] for t, v in found.items()}, stats

    def _filter(self, scope: frozenset[str] | None) -> str:
        expr = f"doc_id in {json.dumps(sorted(scope), ensure_ascii=False)}" if scope is not None else ""
        return visible(self.serial, expr)

    def search(
        self, level: Level, field_name: str, query, k: int, scope: frozenset[str] | None
    ) -> list[tuple[float, str, int]]:
        """``(score, doc_id, n)`` of the best ``k + TIE_MARGIN`` rows for one query vector."""
        hits = self.client.search(
            collection_name(self.generation, f"{level}s"),
            data=[query],
            anns_field=field_name,
            filter=self._filter(scope),
            limit=k + TIE_MARGIN,
            output_fields=["doc_id", "n"],
        )
        return _found(hits)

    def fused(
        self,
        dense: list[float],
        sparse: dict[int, float],
        limit: int,
        rrf_k: int,
        scope: frozenset[str] | None,
    ) -> list[tuple[float, str, int]]:
        """``(score, doc_id, n)`` of chunks ranked by RRF of the ``limit`` best by embedding and by
        BM25, fused in Milvus."""
        from pymilvus import AnnSearchRequest, RRFRanker

        expr = self._filter(scope)
        requests = [AnnSearchRequest(data=[dense], anns_field="dense", param={}, limit=limit, expr=expr)]
        if sparse:
            requests.append(
                AnnSearchRequest(data=[sparse], anns_field="sparse", param={}, limit=limit, expr=expr)
            )
        hits = self.client.hybrid_search(
            collection_name(self.generation, "chunks"),
            requests,
            RRFRanker(rrf_k),
            limit=limit * len(requests),
            output_fields=["doc_id", "n"],
        )
        return _found(hits)


def _found(hits: list) -> list[tuple[float, str, int]]:
    """``(score, doc_id, n)`` of the hits of a one-query Milvus search."""
    return [(float(h["distance"]), h["entity"]["doc_id"], int(h["entity"]["n"])) for h in hits[0]]


class FactTable:
    """A version's facts, read from Milvus on first use (every ask compares its facts with them)."""

    def __init__(self, read: Callable[[], list[Fact]]) -> None:
        self._read = read
        self._facts: tuple[Fact, ...] | None = None
        self._by_id: Mapping[str, Fact] = MappingProxyType({})
        self._lock = threading.Lock()

    def facts(self) -> tuple[Fact, ...]:
        """Every fact, in document order."""
        with self._lock:
            if self._facts is None:
                facts = tuple(self._read())
                self._by_id = MappingProxyType({f.fact_id: f for f in facts})
                self._facts = facts
            return self._facts

    def by_id(self) -> Mapping[str, Fact]:
        """Facts by id."""
        self.facts()
        return self._by_id


@dataclass(frozen=True, eq=False)
class MilvusSnapshot(Snapshot):
    """A Snapshot whose rankings run in Milvus; documents and facts are read when first needed."""

    engine: MilvusSearch | None = field(default=None, repr=False)
    fact_table: FactTable | None = field(default=None, repr=False)

    def _ranked(self, level: Level, found: list[tuple[float, str, int]], k: int) -> list[int]:
        return [global_id for _, global_id in self._scored(level, found)[:k]]

    def _scored(self, level: Level, found: list[tuple[float, str, int]]) -> list[tuple[float, int]]:
        """``(-score, global id)`` of Milvus hits, best first, ties by id."""
        firsts = self.layout.first_chunk if level == "chunk" else self.layout.first_sentence
        ordinal = self._ordinal
        return sorted(
            (-score, int(firsts[ordinal[doc_id]]) + n) for score, doc_id, n in found if doc_id in ordinal
        )

    def _query_weights(self, level: Level, tokens: Sequence[str]) -> dict[int, float]:
        term_ids, stats = self.engine.statistics(level, tokens)
        return query_weights(tokens, term_ids, stats)

    def dense_search(
        self, level: Level, query_vector: np.ndarray, k: int, scope: frozenset[str] | None = None
    ) -> list[int]:
        """Ids of the ``k`` chunks or sentences closest to ``query_vector`` (searched in Milvus)."""
        if k <= 0 or not self.size(level):
            return []
        vector = np.asarray(query_vector, dtype=np.float32).tolist()
        return self._ranked(level, self.engine.search(level, "dense", vector, k, scope), k)

    def sparse_search(
        self, level: Level, tokens: Sequence[str], k: int, scope: frozenset[str] | None = None
    ) -> list[int]:
        """Ids of the ``k`` best BM25 matches for ``tokens`` (sparse inner product in Milvus)."""
        weights = self._query_weights(level, tokens)
        if k <= 0 or not weights or not self.size(level):
            return []
        found = self.engine.search(level, "sparse", weights, k, scope)
        return self._ranked(level, [hit for hit in found if hit[0] > 0], k)

    def fused_chunks(
        self,
        query_vector: np.ndarray,
        tokens: Sequence[str],
        limit: int,
        rrf_k: int,
        scope: frozenset[str] | None,
    ) -> list[tuple[int, float]] | None:
        """Chunks by RRF of their dense and BM25 rankings (``limit`` each), fused in Milvus."""
        if limit <= 0 or not self.size("chunk"):
            return []
        vector = np.asarray(query_vector, dtype=np.float32).tolist()
        found = self.engine.fused(vector, self._query_weights("chunk", tokens), limit, rrf_k, scope)
        return [(chunk_id, -score) for score, chunk_id in self._scored("chunk", found)]

    def sentence_share(self, tokens: Sequence[str]) -> np.ndarray:
        """Share of all sentences holding each token (0 for unknown tokens)."""
        _, stats = self.engine.statistics("sentence", tokens)
        return np.array([stats.doc_freq.get(t, 0) for t in tokens], dtype=np.float64) / max(stats.size, 1)

    def sentence_idf(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 inverse document frequency of each token over the version's sentences."""
        _, stats = self.engine.statistics("sentence", tokens)
        return np.array([stats.idf(t) for t in tokens], dtype=np.float64)

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact of the version, in document order (read from Milvus on first use)."""
        return self.fact_table.facts()

    def fact(self, fact_id: str) -> Fact:
        """One fact by id (NotFoundError naming it when absent)."""
        try:
            return self.fact_table.by_id()[fact_id]
        except KeyError:
            raise NotFoundError(f"no fact {fact_id!r} in the index") from None

    def facts_at(self, doc_id: str, start: int) -> tuple[str, ...]:
        """Ids of the facts extracted from the sentence of ``doc_id`` that starts at ``start``."""
        return tuple(f.fact_id for f in self.document(doc_id).facts if f.start == start)
