"""A Milvus version's documents, read when a query first needs them (fetched by primary key).

Opening a version reads only the documents' layout rows (chunk ranges and row counts, no text and
no vectors): Milvus Lite took 555 s and 8.7 GB to open 10⁵ chunks when opening read every row. A
document's rows carry keys made from its ``since`` and their number (``milvus_rows.row_key``), so
its text, chunks, sentences and facts come back by key lookups, which need no scan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath

from . import milvus_rows
from .errors import IndexDamagedError
from .milvus_schema import collection_name
from .pipeline import DocumentRecord
from .record_cache import CachedRecords
from .snapshot import Layout
from .types import DocumentInfo

KEYS_PER_QUERY = 1_000


@dataclass(frozen=True)
class DocumentEntry:
    """What opening a version reads of one document: where its rows are and how many."""

    doc_id: str
    since: int
    parts: int
    sentences: int
    facts: int
    chunk_ranges: tuple[tuple[int, int], ...]
    info: DocumentInfo
    page_starts: tuple[int, ...]
    warnings: tuple[str, ...]


def entries_of(rows: list[dict]) -> list[DocumentEntry]:
    """Document entries from the layout rows of one version, in corpus order (sorted paths, as a
    build walks the corpus and the local store keeps them)."""
    by_doc: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: (PurePosixPath(r["doc_id"]), r["part"])):
        by_doc.setdefault(row["doc_id"], []).append(row)
    entries = []
    for doc_id, parts in by_doc.items():
        head = parts[0]
        flat = [n for part in parts for n in part["layout"]["ranges"]]
        entries.append(
            DocumentEntry(
                doc_id=doc_id,
                since=int(head["since"]),
                parts=int(head["layout"]["parts"]),
                sentences=int(head["layout"]["sentences"]),
                facts=int(head["layout"]["facts"]),
                chunk_ranges=tuple(zip(flat[0::2], flat[1::2], strict=True)),
                info=DocumentInfo(**head["info"]),
                page_starts=tuple(head["pages"]),
                warnings=tuple(head["warnings"]),
            )
        )
    return entries


def layout_of(entries: list[DocumentEntry]) -> Layout:
    """The version's global numbering of chunks and sentences."""
    return Layout.of_documents(
        [e.doc_id for e in entries], [e.sentences for e in entries], [e.chunk_ranges for e in entries]
    )


class MilvusRecords(CachedRecords):
    """doc_id → :class:`DocumentRecord` over one version's rows in Milvus, each document fetched by
    key on first use (and kept a while)."""

    def __init__(self, client, generation: int, dim: int, entries: list[DocumentEntry], where: str) -> None:
        self._client = client
        self._generation = generation
        self._dim = dim
        self._entries = {e.doc_id: e for e in entries}
        self._where = where  # names the store in errors
        super().__init__(list(self._entries))

    def _fetch(self, entry: DocumentEntry, kind: str, count: int, fields: list[str]) -> list[dict]:
        """Rows ``0 … count-1`` of one document in one collection, in order, by primary key."""
        name = collection_name(self._generation, kind)
        keys = [milvus_rows.row_key(entry.since, entry.doc_id, n) for n in range(count)]
        rows: dict[str, dict] = {}
        for i in range(0, len(keys), KEYS_PER_QUERY):
            batch = json.dumps(keys[i : i + KEYS_PER_QUERY], ensure_ascii=False)
            for row in self._client.query(name, filter=f"key in {batch}", output_fields=["key", *fields]):
                rows[row["key"]] = row
        if len(rows) != count:
            raise IndexDamagedError(
                f"{self._where}: {kind} of {entry.doc_id!r} missing ({len(rows)} of {count} rows); "
                "run `nekb build --full` with this store to rebuild it"
            )
        return [rows[k] for k in keys]

    def _load(self, doc_id: str) -> DocumentRecord:
        entry = self._entries[doc_id]
        parts = self._fetch(entry, "documents", entry.parts, ["text"])
        chunks = self._fetch(entry, "chunks", len(entry.chunk_ranges), ["dense"])
        sentences = self._fetch(
            entry, "sentences", entry.sentences, ["start", "end", "tokens", "tags", "dense"]
        )
        facts = self._fetch(entry, "facts", entry.facts, milvus_rows.FACT_FIELDS)
        record = DocumentRecord(
            info=entry.info,
            text="".join(p["text"] for p in parts),
            page_starts=entry.page_starts,
            sentences=tuple((s["start"], s["end"]) for s in sentences),
            chunk_ranges=entry.chunk_ranges,
            sentence_tokens=tuple(tuple(s["tokens"]) for s in sentences),
            facts=tuple(milvus_rows.fact(f) for f in facts),
            warnings=entry.warnings,
            sentence_tags=tuple(tuple(tuple(span) for span in s["tags"]) for s in sentences),
        )
        return record.with_vectors(
            milvus_rows.matrix(sentences, self._dim), milvus_rows.matrix(chunks, self._dim)
        )
