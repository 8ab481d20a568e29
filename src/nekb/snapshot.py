"""One index version's content: documents, chunks, vectors, both indexes and facts — saved without pickle."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import IndexDamagedError, ModelMismatchError
from .fileio import json_lines, read_json, write_json, write_jsonl
from .index import DenseIndex, SparseIndex, choose_index_type
from .pipeline import DocumentData
from .types import Chunk, DocumentInfo, Fact

FORMAT = 1


@dataclass
class Snapshot:
    """A loaded index version, ready to search."""

    version: str
    manifest: dict
    documents: dict[str, DocumentData]
    chunks: list[Chunk]
    dense: DenseIndex
    sparse: SparseIndex
    sentence_dense: DenseIndex
    sentence_sparse: SparseIndex
    sentence_chunks: list[tuple[int, ...]]  # global sentence id -> ids of the chunks holding it
    facts: list[Fact]
    facts_by_id: dict[str, Fact]
    sentence_facts: dict[tuple[str, int], tuple[str, ...]]  # (doc_id, sentence start) -> fact ids
    first_chunk: dict[str, int]  # doc_id -> global id of its first chunk

    def facts_at(self, doc_id: str, start: int) -> tuple[str, ...]:
        """Ids of the facts extracted from the sentence of ``doc_id`` starting at ``start``."""
        return self.sentence_facts.get((doc_id, start), ())

    @property
    def model(self) -> str:
        """The embedding model the version was built with."""
        return self.manifest["model"]


def _stack(arrays: list[np.ndarray | None], dim: int) -> np.ndarray:
    parts = [np.asarray(a, dtype=np.float32) for a in arrays if a is not None and len(a)]
    return np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)


def save_snapshot(version: Path, docs: list[DocumentData], model: str, dim: int, settings: dict) -> None:
    """Write every file of a version; ``manifest.json`` goes last so its presence means complete."""
    vectors = _stack([d.vectors for d in docs], dim)
    sentence_vectors = _stack([d.sentence_vectors for d in docs], dim)
    manifest = {
        "format": FORMAT,
        "model": model,
        "dim": dim,
        "index_type": choose_index_type(len(sentence_vectors)),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": settings,
        "documents": [d.info.to_dict() for d in docs],
        "chunks": len(vectors),
        "sentences": len(sentence_vectors),
    }
    write_jsonl(
        version / "documents.jsonl",
        [
            {
                "doc_id": d.info.doc_id,
                "text": d.text,
                "page_starts": list(d.page_starts),
                "sentences": d.sentences,
                "chunk_ranges": d.chunk_ranges,
                "chunk_tokens": d.chunk_tokens,
                "sentence_tokens": d.sentence_tokens,
                "warnings": list(d.warnings),
            }
            for d in docs
        ],
    )
    write_jsonl(version / "facts.jsonl", [f.to_dict() for d in docs for f in d.facts])
    np.save(version / "vectors.npy", vectors, allow_pickle=False)
    np.save(version / "sentence_vectors.npy", sentence_vectors, allow_pickle=False)
    DenseIndex.build(vectors).save(version / "dense.faiss")
    DenseIndex.build(sentence_vectors).save(version / "sentences.faiss")
    for folder, tokens in (
        ("bm25", [t for d in docs for t in d.chunk_tokens]),
        ("bm25_sentences", [t for d in docs for t in d.sentence_tokens]),
    ):
        (version / folder).mkdir()
        SparseIndex.build(tokens).save(version / folder)
    write_json(version / "manifest.json", manifest)


def load_snapshot(version: Path, expected_model: str | None = None) -> Snapshot:
    """Load a complete version; with ``expected_model``, refuse an index built by another model."""
    manifest = read_json(version / "manifest.json")
    if manifest.get("format") != FORMAT:
        raise IndexDamagedError(
            f"{version}: index format {manifest.get('format')} is not {FORMAT}; rebuild it"
        )
    if expected_model is not None and manifest["model"] != expected_model:
        raise ModelMismatchError(
            f"index {version.parent} was built with model {manifest['model']!r}, not {expected_model!r}: "
            f"rebuild it with `nekb build --full --model {expected_model}`"
        )
    vectors = np.load(version / "vectors.npy", mmap_mode="r", allow_pickle=False)
    sentence_vectors = np.load(version / "sentence_vectors.npy", mmap_mode="r", allow_pickle=False)
    facts_by_doc: dict[str, list[Fact]] = {}
    for row in (row for _, row in json_lines(version / "facts.jsonl")):
        facts_by_doc.setdefault(row["doc_id"], []).append(Fact(**row))
    documents: dict[str, DocumentData] = {}
    chunks: list[Chunk] = []
    sentence_chunks: list[tuple[int, ...]] = []
    first_chunk: dict[str, int] = {}
    infos = {i["doc_id"]: DocumentInfo(**i) for i in manifest["documents"]}
    for row in (row for _, row in json_lines(version / "documents.jsonl")):
        doc = DocumentData(
            info=infos[row["doc_id"]],
            text=row["text"],
            page_starts=tuple(row["page_starts"]),
            sentences=[tuple(s) for s in row["sentences"]],
            chunk_ranges=[tuple(c) for c in row["chunk_ranges"]],
            chunk_tokens=row["chunk_tokens"],
            sentence_tokens=row["sentence_tokens"],
            facts=facts_by_doc.get(row["doc_id"], []),
            warnings=tuple(row["warnings"]),
        )
        doc.vectors = vectors[len(chunks) : len(chunks) + len(doc.chunk_ranges)]
        first_sentence = len(sentence_chunks)
        doc.sentence_vectors = sentence_vectors[first_sentence : first_sentence + len(doc.sentences)]
        sentence_chunks.extend(_chunks_of_sentences(doc, first_chunk=len(chunks)))
        first_chunk[doc.info.doc_id] = len(chunks)
        chunks.extend(doc.chunks(first_id=len(chunks)))
        documents[doc.info.doc_id] = doc
    facts = [f for d in documents.values() for f in d.facts]
    return Snapshot(
        version=version.name,
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        dense=DenseIndex.load(version / "dense.faiss", vectors),
        sparse=SparseIndex.load(version / "bm25"),
        sentence_dense=DenseIndex.load(version / "sentences.faiss", sentence_vectors),
        sentence_sparse=SparseIndex.load(version / "bm25_sentences"),
        sentence_chunks=sentence_chunks,
        facts=facts,
        facts_by_id={f.fact_id: f for f in facts},
        sentence_facts=_group_by_sentence(facts),
        first_chunk=first_chunk,
    )


def _chunks_of_sentences(doc: DocumentData, first_chunk: int) -> list[tuple[int, ...]]:
    """For each sentence of ``doc``, the global ids of the chunks that contain it (overlap gives two)."""
    holders: list[list[int]] = [[] for _ in doc.sentences]
    for i, (first, last) in enumerate(doc.chunk_ranges):
        for s in range(first, last):
            holders[s].append(first_chunk + i)
    return [tuple(h) for h in holders]


def _group_by_sentence(facts: list[Fact]) -> dict[tuple[str, int], tuple[str, ...]]:
    grouped: dict[tuple[str, int], list[str]] = {}
    for fact in facts:
        grouped.setdefault((fact.doc_id, fact.start), []).append(fact.fact_id)
    return {key: tuple(ids) for key, ids in grouped.items()}
