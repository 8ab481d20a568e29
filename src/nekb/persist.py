"""Save and load one index version directory: JSON, JSON lines, .npy and FAISS/bm25s files, no pickle.

Layout of a version (``manifest.json`` is written last, so its presence means the version is complete)::

    manifest.json        model, dim, settings, document metadata, counts
    documents.jsonl      per document: text, page starts, sentence spans, chunk ranges, sentence tokens
    facts.jsonl          the fact table
    vectors.npy          one row per chunk;   dense.faiss      their index;   bm25/            BM25
    sentence_vectors.npy one row per sentence; sentences.faiss their index;   bm25_sentences/  BM25
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .errors import IndexDamagedError, ModelMismatchError
from .fileio import json_lines, read_json, write_json, write_jsonl
from .index import DenseIndex, SparseIndex, choose_index_type
from .pipeline import DocumentRecord
from .snapshot import LEVELS, Snapshot
from .types import DocumentInfo, Fact

FORMAT = 2
_FILES = {
    "chunk": ("vectors.npy", "dense.faiss", "bm25"),
    "sentence": ("sentence_vectors.npy", "sentences.faiss", "bm25_sentences"),
}


def _stack(arrays: list[np.ndarray | None], dim: int) -> np.ndarray:
    parts = [np.asarray(a, dtype=np.float32) for a in arrays if a is not None and len(a)]
    return np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)


def save_snapshot(version: Path, records: list[DocumentRecord], model: str, dim: int, settings: dict) -> None:
    """Write every file of a version for embedded ``records``; the manifest goes last."""
    vectors = {
        "chunk": _stack([r.chunk_vectors for r in records], dim),
        "sentence": _stack([r.sentence_vectors for r in records], dim),
    }
    tokens = {
        "chunk": [r.chunk_tokens(i) for r in records for i in range(len(r.chunk_ranges))],
        "sentence": [list(t) for r in records for t in r.sentence_tokens],
    }
    manifest = {
        "format": FORMAT,
        "model": model,
        "dim": dim,
        "index_type": choose_index_type(len(vectors["sentence"])),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": settings,
        "documents": [r.info.to_dict() for r in records],
        "chunks": len(vectors["chunk"]),
        "sentences": len(vectors["sentence"]),
    }
    write_jsonl(
        version / "documents.jsonl",
        (
            {
                "doc_id": r.doc_id,
                "text": r.text,
                "page_starts": list(r.page_starts),
                "sentences": r.sentences,
                "chunk_ranges": r.chunk_ranges,
                "sentence_tokens": r.sentence_tokens,
                "warnings": list(r.warnings),
            }
            for r in records
        ),
    )
    write_jsonl(version / "facts.jsonl", (f.to_dict() for r in records for f in r.facts))
    for level in LEVELS:
        vector_file, dense_file, sparse_dir = _FILES[level]
        np.save(version / vector_file, vectors[level], allow_pickle=False)
        DenseIndex.build(vectors[level], manifest["index_type"]).save(version / dense_file)
        (version / sparse_dir).mkdir()
        SparseIndex.build(tokens[level]).save(version / sparse_dir)
    write_json(version / "manifest.json", manifest)


def load_snapshot(version: Path, expected_model: str | None = None) -> Snapshot:
    """Load a complete version; with ``expected_model``, refuse one built by another model."""
    manifest = read_json(version / "manifest.json")
    if manifest.get("format") != FORMAT:
        raise IndexDamagedError(
            f"{version}: index format {manifest.get('format')} is not {FORMAT}; rebuild it with `nekb build`"
        )
    if expected_model is not None and manifest["model"] != expected_model:
        raise ModelMismatchError(
            f"index {version.parent} was built with model {manifest['model']!r}, not {expected_model!r}: "
            f"rebuild it with `nekb build --full --model {expected_model}`"
        )
    vectors = {level: np.load(version / _FILES[level][0], allow_pickle=False) for level in LEVELS}
    for array in vectors.values():
        array.setflags(write=False)  # records share these rows; nothing may change them
    facts_by_doc: dict[str, list[Fact]] = {}
    for _, row in json_lines(version / "facts.jsonl"):
        facts_by_doc.setdefault(row["doc_id"], []).append(Fact(**row))
    infos = {i["doc_id"]: DocumentInfo(**i) for i in manifest["documents"]}
    records: list[DocumentRecord] = []
    offsets = dict.fromkeys(LEVELS, 0)
    for _, row in json_lines(version / "documents.jsonl"):
        sentences = tuple(tuple(s) for s in row["sentences"])
        chunk_ranges = tuple(tuple(c) for c in row["chunk_ranges"])
        counts = {"sentence": len(sentences), "chunk": len(chunk_ranges)}
        views = {}
        for level in LEVELS:
            views[level] = vectors[level][offsets[level] : offsets[level] + counts[level]]
            offsets[level] += counts[level]
        record = DocumentRecord(
            info=infos[row["doc_id"]],
            text=row["text"],
            page_starts=tuple(row["page_starts"]),
            sentences=sentences,
            chunk_ranges=chunk_ranges,
            sentence_tokens=tuple(tuple(t) for t in row["sentence_tokens"]),
            facts=tuple(facts_by_doc.get(row["doc_id"], ())),
            warnings=tuple(row["warnings"]),
        )
        records.append(record.with_vectors(views["sentence"], views["chunk"]))
    dense = {level: DenseIndex.load(version / _FILES[level][1], manifest["index_type"]) for level in LEVELS}
    sparse = {level: SparseIndex.load(version / _FILES[level][2]) for level in LEVELS}
    return Snapshot.from_records(version.name, manifest, records, dense, sparse)
