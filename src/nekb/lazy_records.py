"""Document records read from ``documents.jsonl`` one at a time, when a query first needs them.

Opening a version of 10⁵ chunks by parsing every document took seconds and most of its memory; a
query touches a handful of documents. The files stay open for the snapshot's lifetime, so a version
that a writer collects meanwhile still reads (Linux keeps an unlinked open file).

Since format 4 the texts are not in ``documents.jsonl`` but in ``texts.utf8`` (every document's text,
UTF-8, one after another), and ``chunk_places.npy`` says where each chunk's bytes are: a search hit
reads its chunk's few hundred bytes, however long its document (:class:`TextFile`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .errors import IndexDamagedError
from .pipeline import DocumentRecord
from .record_cache import CachedRecords
from .types import Chunk, DocumentInfo, Fact, page_at

# Columns of chunk_places.npy: character start and end in the document, byte start and end in
# texts.utf8, 1-based page (0: the document has no pages).
PLACE_COLUMNS = 5
# Lone surrogates (never produced by nekb's readers) still round-trip.
ENCODING, ERRORS = "utf-8", "surrogatepass"
REPAIR = "run `nekb build` to repair the index"


def utf8_offsets(text: str) -> np.ndarray:
    """Byte offset of each character of ``text`` in its UTF-8 encoding, plus the total at the end."""
    points = np.frombuffer(text.encode("utf-32-le", ERRORS), dtype=np.uint32)
    sizes = 1 + (points >= 0x80).astype(np.int64) + (points >= 0x800) + (points >= 0x10000)
    return np.concatenate([[0], np.cumsum(sizes)])


def chunk_places(record: DocumentRecord, first_byte: int) -> np.ndarray:
    """The rows of ``chunk_places.npy`` for ``record``, whose text starts at ``first_byte``."""
    spans = np.asarray(
        [record.chunk_span(i) for i in range(len(record.chunk_ranges))], dtype=np.int64
    ).reshape(-1, 2)
    places = np.zeros((len(spans), PLACE_COLUMNS), dtype=np.int64)
    places[:, :2] = spans
    places[:, 2:4] = utf8_offsets(record.text)[spans] + first_byte
    places[:, 4] = [page_at(record.page_starts, int(start)) or 0 for start in spans[:, 0]]
    return places


class TextFile:
    """``texts.utf8`` of one version: document n's text is bytes ``starts[n]:starts[n + 1]``; chunk c
    is row c of ``places`` (PLACE_COLUMNS). Reads with ``pread``: safe to share between threads."""

    def __init__(self, path: Path, starts: np.ndarray, places: np.ndarray) -> None:
        self._path = path
        self._handle = open(path, "rb", buffering=0)  # noqa: SIM115  (open as long as the snapshot lives)
        self._starts = starts
        self._places = places

    def _read(self, start: int, end: int) -> str:
        try:
            data = os.pread(self._handle.fileno(), end - start, start)
            if len(data) != end - start:
                raise ValueError("shorter than chunk_places.npy says")
            return data.decode(ENCODING, ERRORS)
        except (OSError, ValueError) as err:
            reason = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
            raise IndexDamagedError(f"{self._path}: damaged ({reason}); {REPAIR}") from err

    def document(self, n: int) -> str:
        """The text of document ``n`` (in index order)."""
        return self._read(int(self._starts[n]), int(self._starts[n + 1]))

    def chunk(self, chunk_id: int, doc_id: str) -> Chunk:
        """Chunk ``chunk_id`` (of document ``doc_id``), reading only its own bytes."""
        start, end, first, last, page = (int(v) for v in self._places[chunk_id])
        text = self._read(first, last)
        if len(text) != end - start:
            raise IndexDamagedError(
                f"{self._path}: damaged (chunk {chunk_id} is {len(text)} characters, chunk_places.npy "
                f"says {end - start}); {REPAIR}"
            )
        return Chunk(chunk_id, doc_id, start, end, page or None, text)


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


class LazyRecords(CachedRecords):
    """A read-only mapping doc_id → :class:`DocumentRecord` over one version's ``documents.jsonl``.

    ``offsets[d]`` is where document d's line starts; ``first_sentence``/``first_chunk`` (one more
    entry than documents) place its rows in the memory-mapped ``vectors``; ``texts`` holds the texts
    when the lines do not (format 4). Safe to share between threads. A line that does not parse, or
    disagrees with the layout, raises IndexDamagedError.
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
        texts: TextFile | None = None,
    ) -> None:
        self._path = path
        self.texts = texts  # format 4: texts and chunks read without documents.jsonl
        self._handle = open(path, "rb", buffering=0)  # noqa: SIM115  (open as long as the snapshot lives)
        size = os.fstat(self._handle.fileno()).st_size
        super().__init__(tuple(infos))
        self._infos = infos
        self._ends = np.append(np.asarray(offsets[1:], dtype=np.int64), size)
        self._offsets = np.asarray(offsets, dtype=np.int64)
        self._first_sentence = first_sentence
        self._first_chunk = first_chunk
        self._facts = facts
        self._vectors = vectors

    def _load(self, doc_id: str) -> DocumentRecord:
        n = self._ordinal[doc_id]
        start, end = int(self._offsets[n]), int(self._ends[n])
        sentences = slice(int(self._first_sentence[n]), int(self._first_sentence[n + 1]))
        chunks = slice(int(self._first_chunk[n]), int(self._first_chunk[n + 1]))
        try:
            row = json.loads(os.pread(self._handle.fileno(), end - start, start))
            if row["doc_id"] != doc_id:
                raise ValueError(f"line of {row['doc_id']!r} where {doc_id!r} belongs")
            if self.texts is not None:
                row["text"] = self.texts.document(n)
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
                f"{self._path}: damaged at document {doc_id!r} ({reason[:120]}); {REPAIR}"
            ) from err
        counts = (len(record.sentences), len(record.chunk_ranges))
        if counts != (sentences.stop - sentences.start, chunks.stop - chunks.start):
            raise IndexDamagedError(
                f"{self._path}: damaged at document {doc_id!r} (its sentences and chunks disagree "
                f"with layout.npy); {REPAIR}"
            )
        return record
