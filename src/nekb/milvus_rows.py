"""Rows of the Milvus collections (milvus_schema.py), from document records and back.

Every row is written live for versions ``since`` onwards (``until`` = LIVE_UNTIL) under the key
``<since>#<doc_id>#<n>``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from .bm25_vectors import LevelStats, document_weights
from .milvus_schema import LIVE_UNTIL
from .pipeline import DocumentRecord
from .types import Fact

# A Milvus server counts VARCHAR max_length in bytes (at most 65,535); 16,000 characters of up to
# four bytes each fit. Milvus Lite counts characters.
TEXT_PART_CHARS = 16_000
# Chunk ranges per document row: a server's JSON field holds 65,536 bytes, 2,000 pairs of sentence
# numbers up to a million about 32 KB.
RANGES_PER_PART = 2_000
DUMMY = [0.0, 0.0]  # the 2-d vector of collections without one of their own


FACT_FIELDS = [
    "fact_id", "entity", "indicator", "period", "value", "unit", "qualifier", "doc_id", "sentence", "start",
    "end", "page", "location",
]  # fmt: skip


def matrix(rows: list[dict], dim: int) -> np.ndarray:
    matrix = np.asarray([r["dense"] for r in rows], dtype=np.float32).reshape(len(rows), dim)
    matrix.setflags(write=False)  # records share these rows; nothing may change them
    return matrix


def fact(row: dict) -> Fact:
    values = {f: row[f] for f in FACT_FIELDS}
    values["page"] = values["page"] if values["page"] >= 0 else None  # -1 stands for no page
    return Fact(**values)


def row_key(since: int, doc_id: str, n: int) -> str:
    """Primary key of row ``n`` of one document's rows written for version ``since``: a reader that
    knows a document's ``since`` and counts fetches its rows by key, without scanning."""
    return f"{since}#{doc_id}#{n}"


def _row(since: int, doc_id: str, n: int) -> dict:
    return {"key": row_key(since, doc_id, n), "since": since, "until": LIVE_UNTIL}


def _slices(items: Sequence, size: int) -> list:
    return [items[i : i + size] for i in range(0, len(items), size)]


def document_rows(records: Sequence[DocumentRecord], since: int) -> Iterator[dict]:
    """A document's rows: its text in parts, and its layout (chunk ranges, in parts too; part 0 also
    the counts of its rows), which is all a reader loads to open a version."""
    for r in records:
        texts = _slices(r.text, TEXT_PART_CHARS) or [""]
        ranges = _slices([n for pair in r.chunk_ranges for n in pair], 2 * RANGES_PER_PART) or [[]]
        parts = max(len(texts), len(ranges))
        counts = {"parts": parts, "sentences": len(r.sentences), "facts": len(r.facts)}
        for part in range(parts):
            yield {
                **_row(since, r.doc_id, part),
                "doc_id": r.doc_id,
                "part": part,
                "text": texts[part] if part < len(texts) else "",
                "layout": {
                    "ranges": ranges[part] if part < len(ranges) else [],
                    **(counts if part == 0 else {}),
                },
                "info": r.info.to_dict() if part == 0 else {},
                "pages": list(r.page_starts) if part == 0 else [],
                "warnings": list(r.warnings) if part == 0 else [],
                "dummy": DUMMY,
            }


def chunk_rows(
    records: Sequence[DocumentRecord], term_ids: dict, stats: LevelStats, since: int
) -> Iterator[dict]:
    for r in records:
        for n, (first, last) in enumerate(r.chunk_ranges):
            yield {
                **_row(since, r.doc_id, n),
                "doc_id": r.doc_id,
                "n": n,
                "first": first,
                "last": last,
                "dense": np.asarray(r.chunk_vectors[n], dtype=np.float32).tolist(),
                "sparse": document_weights(r.chunk_tokens(n), term_ids, stats),
            }


def sentence_rows(
    records: Sequence[DocumentRecord], term_ids: dict, stats: LevelStats, since: int
) -> Iterator[dict]:
    for r in records:
        tags = r.sentence_tags or tuple(() for _ in r.sentences)
        for n, ((start, end), tokens) in enumerate(zip(r.sentences, r.sentence_tokens, strict=True)):
            yield {
                **_row(since, r.doc_id, n),
                "doc_id": r.doc_id,
                "n": n,
                "start": start,
                "end": end,
                "tokens": list(tokens),
                "tags": [list(span) for span in tags[n]],
                "dense": np.asarray(r.sentence_vectors[n], dtype=np.float32).tolist(),
                "sparse": document_weights(tokens, term_ids, stats),
            }


def fact_rows(records: Sequence[DocumentRecord], since: int) -> Iterator[dict]:
    for r in records:
        for n, fact in enumerate(r.facts):
            row = fact.to_dict()
            row["page"] = -1 if row["page"] is None else row["page"]
            yield {**_row(since, r.doc_id, n), **row, "value": float(row["value"]), "n": n, "dummy": DUMMY}


def term_rows(terms: dict[str, tuple[int, int, int]], since: int) -> Iterator[dict]:
    """Rows of ``{term: (term id, chunk df, sentence df)}``."""
    for term, (tid, df_chunk, df_sentence) in terms.items():
        yield {
            "key": f"{since}#{term}",
            "since": since,
            "until": LIVE_UNTIL,
            "term": term,
            "tid": tid,
            "df_chunk": df_chunk,
            "df_sentence": df_sentence,
            "dummy": DUMMY,
        }
