"""One index version's content: documents, chunks, vectors, both indexes and facts — saved without pickle."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .index import DenseIndex, SparseIndex, choose_index_type
from .pipeline import DocumentData
from .store import read_json, read_jsonl, write_json, write_jsonl
from .types import Chunk, DocumentInfo, Fact

FORMAT = 1


class ModelMismatchError(ValueError):
    """The index was built with a different embedding model than the one requested."""


@dataclass
class Snapshot:
    """A loaded index version, ready to search."""

    version: str
    manifest: dict
    documents: dict[str, DocumentData]
    chunks: list[Chunk]
    dense: DenseIndex
    sparse: SparseIndex
    facts: list[Fact]

    @property
    def model(self) -> str:
        """The embedding model the version was built with."""
        return self.manifest["model"]


def assemble(docs: list[DocumentData], model: str, dim: int, settings: dict) -> tuple[dict, np.ndarray]:
    """Manifest and stacked chunk vectors for documents in index order."""
    vectors = np.concatenate([d.vectors for d in docs]) if docs else np.zeros((0, dim), dtype=np.float32)
    manifest = {
        "format": FORMAT,
        "model": model,
        "dim": dim,
        "index_type": choose_index_type(len(vectors)),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": settings,
        "documents": [d.info.to_dict() for d in docs],
        "chunks": int(len(vectors)),
    }
    return manifest, vectors.astype(np.float32)


def save_snapshot(version: Path, docs: list[DocumentData], model: str, dim: int, settings: dict) -> None:
    """Write every file of a version; ``manifest.json`` goes last so its presence means complete."""
    manifest, vectors = assemble(docs, model, dim, settings)
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
                "warnings": list(d.warnings),
            }
            for d in docs
        ],
    )
    write_jsonl(version / "facts.jsonl", [f.to_dict() for d in docs for f in d.facts])
    np.save(version / "vectors.npy", vectors, allow_pickle=False)
    DenseIndex.build(vectors, manifest["index_type"]).save(version / "dense.faiss")
    (version / "bm25").mkdir()
    SparseIndex.build([t for d in docs for t in d.chunk_tokens]).save(version / "bm25")
    write_json(version / "manifest.json", manifest)


def load_snapshot(version: Path, expected_model: str | None = None) -> Snapshot:
    """Load a complete version; with ``expected_model``, refuse an index built by another model."""
    manifest = read_json(version / "manifest.json")
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{version}: index format {manifest.get('format')} is not {FORMAT}; rebuild it")
    if expected_model is not None and manifest["model"] != expected_model:
        raise ModelMismatchError(
            f"index {version.parent} was built with model {manifest['model']!r}, not {expected_model!r}: "
            f"rebuild it with `nekb build --full --model {expected_model}`"
        )
    vectors = np.load(version / "vectors.npy", allow_pickle=False)
    facts_by_doc: dict[str, list[Fact]] = {}
    for row in read_jsonl(version / "facts.jsonl"):
        facts_by_doc.setdefault(row["doc_id"], []).append(Fact(**row))
    documents: dict[str, DocumentData] = {}
    chunks: list[Chunk] = []
    infos = {i["doc_id"]: DocumentInfo(**i) for i in manifest["documents"]}
    for row in read_jsonl(version / "documents.jsonl"):
        doc = DocumentData(
            info=infos[row["doc_id"]],
            text=row["text"],
            page_starts=tuple(row["page_starts"]),
            sentences=[tuple(s) for s in row["sentences"]],
            chunk_ranges=[tuple(c) for c in row["chunk_ranges"]],
            chunk_tokens=row["chunk_tokens"],
            facts=facts_by_doc.get(row["doc_id"], []),
            warnings=tuple(row["warnings"]),
        )
        doc.vectors = vectors[len(chunks) : len(chunks) + len(doc.chunk_ranges)]
        chunks.extend(doc.chunks(first_id=len(chunks)))
        documents[doc.info.doc_id] = doc
    return Snapshot(
        version=version.name,
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        dense=DenseIndex.load(version / "dense.faiss", manifest["index_type"]),
        sparse=SparseIndex.load(version / "bm25"),
        facts=[f for d in documents.values() for f in d.facts],
    )
