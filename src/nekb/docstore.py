"""Prototype: documents, sentences, chunks and facts in one SQLite file, read on demand.

Opening today's ``documents.jsonl`` parses every document's text and tokens into memory; this store
opens in milliseconds and a query reads only the rows it ranks. Ids are global and dense, as in a
snapshot: chunk ``i`` and sentence ``j`` are row ``i`` / ``j`` of the vector files.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from .pipeline import DocumentRecord
from .types import Chunk, Fact, page_at

SCHEMA = """
CREATE TABLE documents (
    number INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL, info TEXT NOT NULL,
    text TEXT NOT NULL, page_starts TEXT NOT NULL, warnings TEXT NOT NULL);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, document INTEGER NOT NULL, first_sentence INTEGER NOT NULL,
    last_sentence INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, page INTEGER,
    text TEXT NOT NULL);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY, document INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    first_chunk INTEGER NOT NULL, last_chunk INTEGER NOT NULL, tokens TEXT NOT NULL);
CREATE TABLE facts (
    fact_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, entity TEXT NOT NULL, indicator TEXT NOT NULL,
    period TEXT NOT NULL, row TEXT NOT NULL);
CREATE INDEX facts_by_entity ON facts (entity);
CREATE INDEX facts_by_doc ON facts (doc_id, entity);
"""


class DocStore:
    """Read-only access to a store written by :meth:`write`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        count = "SELECT COUNT(*) FROM {}"
        self.chunk_count = connection.execute(count.format("chunks")).fetchone()[0]
        self.sentence_count = connection.execute(count.format("sentences")).fetchone()[0]

    @staticmethod
    def write(path: Path, documents: Iterable[DocumentRecord]) -> None:
        """Write every document, its chunks, sentences (with tokens) and facts to a new file at ``path``."""
        connection = sqlite3.connect(path)
        try:
            connection.executescript(SCHEMA)
            chunk_id = sentence_id = 0
            for number, doc in enumerate(documents):
                _insert_document(connection, number, doc, chunk_id, sentence_id)
                chunk_id += len(doc.chunk_ranges)
                sentence_id += len(doc.sentences)
            connection.commit()
        finally:
            connection.close()

    @classmethod
    def open(cls, path: Path) -> DocStore:
        """Open read-only; nothing is read until asked for."""
        return cls(sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False))

    def chunks(self, ids: Sequence[int]) -> list[Chunk]:
        """The chunks with these global ids, in the order given."""
        rows = self._rows(
            "SELECT c.id, d.doc_id, c.start, c.end, c.page, c.text "
            "FROM chunks c JOIN documents d ON d.number = c.document WHERE c.id IN ({})",
            ids,
        )
        by_id = {row[0]: Chunk(*row) for row in rows}
        return [by_id[i] for i in ids]

    def chunks_of_sentences(self, ids: Sequence[int]) -> list[tuple[int, ...]]:
        """For each sentence id, the ids of the chunks holding it (overlap gives two)."""
        rows = self._rows("SELECT id, first_chunk, last_chunk FROM sentences WHERE id IN ({})", ids)
        spans = {row[0]: tuple(range(row[1], row[2] + 1)) for row in rows}
        return [spans[i] for i in ids]

    def sentence_tokens(self, ids: Sequence[int]) -> list[list[str]]:
        """The BM25 tokens of each sentence."""
        rows = dict(self._rows("SELECT id, tokens FROM sentences WHERE id IN ({})", ids))
        return [json.loads(rows[i]) for i in ids]

    def document_text(self, doc_id: str) -> str | None:
        """The cleaned text of a document, or None."""
        row = self.connection.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def facts(self, entity: str | None = None, doc_id: str | None = None) -> list[Fact]:
        """Facts whose entity contains ``entity`` (when given) of document ``doc_id`` (when given)."""
        query, params = "SELECT row FROM facts WHERE 1", []
        if entity:
            query, params = query + " AND instr(entity, ?) > 0", [*params, entity]
        if doc_id:
            query, params = query + " AND doc_id = ?", [*params, doc_id]
        return [
            Fact(**json.loads(row[0])) for row in self.connection.execute(query + " ORDER BY rowid", params)
        ]

    def _rows(self, template: str, ids: Sequence[int]) -> list[tuple]:
        marks = ",".join("?" * len(ids))
        return self.connection.execute(template.format(marks), [int(i) for i in ids]).fetchall()


def _insert_document(
    connection: sqlite3.Connection, number: int, doc: DocumentRecord, first_chunk: int, first_sentence: int
) -> None:
    info = doc.info.to_dict()
    connection.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
        (
            number,
            doc.info.doc_id,
            json.dumps(info),
            doc.text,
            json.dumps(doc.page_starts),
            json.dumps(doc.warnings),
        ),
    )
    holders: list[list[int]] = [[] for _ in doc.sentences]
    chunk_rows = []
    for i, (first, last) in enumerate(doc.chunk_ranges):
        start, end = doc.chunk_span(i)
        page = page_at(doc.page_starts, start)
        row = (first_chunk + i, number, first_sentence + first, first_sentence + last - 1, start, end, page)
        chunk_rows.append((*row, doc.text[start:end]))  # overlap stores a sentence twice: ~20% more text
        for s in range(first, last):
            holders[s].append(first_chunk + i)
    connection.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", chunk_rows)
    connection.executemany(
        "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (first_sentence + s, number, start, end, min(h or [-1]), max(h or [-2]), json.dumps(tokens))
            for s, ((start, end), h, tokens) in enumerate(
                zip(doc.sentences, holders, doc.sentence_tokens, strict=True)
            )
        ],
    )
    connection.executemany(
        "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?)",
        [(f.fact_id, f.doc_id, f.entity, f.indicator, f.period, json.dumps(f.to_dict())) for f in doc.facts],
    )
