"""A Snapshot whose dense and BM25 rankings run in Milvus (the rows of one version)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .bm25_vectors import LevelStats, query_weights
from .milvus_schema import collection_name, visible
from .snapshot import Level, Snapshot

# Extra rows fetched beyond k so ties at the cut are broken by id, as the local store does.
TIE_MARGIN = 10


@dataclass(frozen=True)
class MilvusSearch:
    """Dense and BM25 searches of one version's chunks and sentences, run in Milvus."""

    client: object
    generation: int  # whose collections hold the version
    serial: int  # the version's number: which rows it sees
    term_ids: dict[str, int]
    stats: dict[Level, LevelStats]

    def search(
        self, level: Level, field_name: str, query, k: int, scope: frozenset[str] | None
    ) -> list[tuple[float, str, int]]:
        """``(score, doc_id, n)`` of the best ``k + TIE_MARGIN`` rows for one query vector."""
        expr = f"doc_id in {json.dumps(sorted(scope), ensure_ascii=False)}" if scope is not None else ""
        hits = self.client.search(
            collection_name(self.generation, f"{level}s"),
            data=[query],
            anns_field=field_name,
            filter=visible(self.serial, expr),
            limit=k + TIE_MARGIN,
            output_fields=["doc_id", "n"],
        )
        return [(float(h["distance"]), h["entity"]["doc_id"], int(h["entity"]["n"])) for h in hits[0]]


@dataclass(frozen=True, eq=False)
class MilvusSnapshot(Snapshot):
    """A Snapshot whose rankings run in Milvus; documents and sentences are held as read at open."""

    engine: MilvusSearch | None = field(default=None, repr=False)

    def _ranked(self, level: Level, found: list[tuple[float, str, int]], k: int) -> list[int]:
        firsts = self.layout.first_chunk if level == "chunk" else self.layout.first_sentence
        ordinal = self._ordinal
        ranked = sorted(
            (-score, int(firsts[ordinal[doc_id]]) + n) for score, doc_id, n in found if doc_id in ordinal
        )
        return [global_id for _, global_id in ranked[:k]]

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
        weights = query_weights(tokens, self.engine.term_ids, self.engine.stats[level])
        if k <= 0 or not weights or not self.size(level):
            return []
        found = self.engine.search(level, "sparse", weights, k, scope)
        return self._ranked(level, [hit for hit in found if hit[0] > 0], k)

    def sentence_share(self, tokens: Sequence[str]) -> np.ndarray:
        """Share of all sentences holding each token (0 for unknown tokens)."""
        stats = self.engine.stats["sentence"]
        return np.array([stats.doc_freq.get(t, 0) for t in tokens], dtype=np.float64) / max(stats.size, 1)

    def sentence_idf(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 inverse document frequency of each token over the version's sentences."""
        stats = self.engine.stats["sentence"]
        return np.array([stats.idf(t) for t in tokens], dtype=np.float64)
