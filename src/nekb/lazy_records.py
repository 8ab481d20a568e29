"""Document records read from ``documents.jsonl`` one at a time, when a query first needs them.

Opening a version of 10⁵ chunks by parsing every document took seconds and most of its memory; a
query touches a handful of documents. The file stays open for the snapshot's lifetime, so a version
that a writer collects meanwhile still reads (Linux keeps an unlinked open file).
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from .errors import IndexDamagedError
from .pipeline import DocumentRecord
from .types import DocumentInfo, Fact

# Parsed documents kept per snapshot: enough for every passage of a few concurrent queries.
CACHED_DOCUMENTS = 64


def record_from_row(
    row: dict,
    info: DocumentInfo,
    facts: Sequence[Fact],
    sentence_vectors: np.ndarray,
    chunk_vectors: np.ndarray,
) -> DocumentRecord:
    """The embedded record of one ``documents.jsonl`` row."""
    record = DocumentRecord(
        info=info,
        text=row["text"],
        page_starts=tuple(row["page_starts"]),
        sentences=tuple(tuple(s) for s in row["sentences"]),
        chunk_ranges=tuple(tuple(c) for c in row["chunk_ranges"]),
        sentence_tokens=tuple(tuple(t) for t in row["sentence_tokens"]),
        facts=tuple(facts),
        warnings=tuple(row["warnings"]),
        sentence_tags=tuple(tuple(tuple(span) for span in spans) for spans in row["sentence_tags"]),
    )
    return record.with_vectors(sentence_vectors, chunk_vectors)


class LazyRecords(Mapping[str, DocumentRecord]):
    """A read-only mapping doc_id → :class:`DocumentRecord` over one version's ``documents.jsonl``.

    ``offsets[d]`` is where document d's line starts; ``first_sentence``/``first_chunk`` (one more
    entry than documents) place its rows in the memory-mapped ``vectors``. Safe to share between
    threads. A line that does not parse, or disagrees with the layout, raises IndexDamagedError.
    """

    def __init__(
        self,
        path: Path,
        infos: Mapping[str, DocumentInfo],
        offsets: np.ndarray,
        first_sentence: np.ndarray,
        first_chunk: np.ndarray,
        facts: Mapping[str, Sequence[Fact]],
        vectors: Mapping[str, np.ndarray],
    ) -> None:
        self._path = path
        self._handle = open(path, "rb", buffering=0)  # noqa: SIM115  (open as long as the snapshot lives)
        size = os.fstat(self._handle.fileno()).st_size
        self._doc_ids = tuple(infos)
        self._ordinal = {d: n for n, d in enumerate(self._doc_ids)}
        self._infos = infos
        self._ends = np.append(np.asarray(offsets[1:], dtype=np.int64), size)
        self._offsets = np.asarray(offsets, dtype=np.int64)
        self._first_sentence = first_sentence
        self._first_chunk = first_chunk
        self._facts = facts
        self._vectors = vectors
        self._cache: OrderedDict[str, DocumentRecord] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, doc_id: str) -> DocumentRecord:
        with self._lock:
            if doc_id in self._cache:
                self._cache.move_to_end(doc_id)
                return self._cache[doc_id]
        record = self._read(self._ordinal[doc_id])  # KeyError for an unknown id, as a Mapping should
        with self._lock:
            self._cache[doc_id] = record
            while len(self._cache) > CACHED_DOCUMENTS:
                self._cache.popitem(last=False)
        return record

    def __iter__(self) -> Iterator[str]:
        return iter(self._doc_ids)

    def __len__(self) -> int:
        return len(self._doc_ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._ordinal

    def _read(self, n: int) -> DocumentRecord:
        doc_id = self._doc_ids[n]
        start, end = int(self._offsets[n]), int(self._ends[n])
        sentences = slice(int(self._first_sentence[n]), int(self._first_sentence[n + 1]))
        chunks = slice(int(self._first_chunk[n]), int(self._first_chunk[n + 1]))
        try:
            row = json.loads(os.pread(self._handle.fileno(), end - start, start))
            if row["doc_id"] != doc_id:
                raise ValueError(f"line of {row['doc_id']!r} where {doc_id!r} belongs")
            record = record_from_row(
                row,
                self._infos[doc_id],
                self._facts.get(doc_id, ()),
                self._vectors["sentence"][sentences],
                self._vectors["chunk"][chunks],
            )
        except (OSError, ValueError, KeyError, TypeError) as err:
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise IndexDamagedError(
                f"{self._path}: damaged at document {doc_id!r} ({reason[:120]}); "
                "run `nekb build` to repair the index"
            ) from err
        counts = (len(record.sentences), len(record.chunk_ranges))
        if counts != (sentences.stop - sentences.start, chunks.stop - chunks.start):
            raise IndexDamagedError(
                f"{self._path}: damaged at document {doc_id!r} (its sentences and chunks disagree "
                "with layout.npy); run `nekb build` to repair the index"
            )
        return record
