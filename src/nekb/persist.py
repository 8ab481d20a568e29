"""Save and load one index version directory: JSON, JSON lines, .npy and FAISS/bm25s files, no pickle.

Layout of a version (``manifest.json`` is written last, so its presence means the version is complete)::

    manifest.json        model, dim, settings, document metadata, counts
    documents.jsonl      per document: text, page starts, sentence spans, chunk ranges, sentence tokens
    facts.jsonl          the fact table
    vectors.npy          one row per chunk;   dense.faiss      their index;   bm25/            BM25
    sentence_vectors.npy one row per sentence; sentences.faiss their index;   bm25_sentences/  BM25
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np

from .errors import IndexDamagedError, InputError, ModelMismatchError
from .fileio import json_lines, read_json, write_atomic, write_jsonl
from .index import DenseIndex, SparseIndex, choose_index_type
from .pipeline import DocumentRecord
from .snapshot import LEVELS, Snapshot
from .store import candidate_versions, require_version
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
        "index_type": {level: choose_index_type(len(vectors[level])) for level in LEVELS},
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
                "sentence_tags": r.sentence_tags,
                "warnings": list(r.warnings),
            }
            for r in records
        ),
    )
    write_jsonl(version / "facts.jsonl", (f.to_dict() for r in records for f in r.facts))
    for level in LEVELS:
        vector_file, dense_file, sparse_dir = _FILES[level]
        np.save(version / vector_file, vectors[level], allow_pickle=False)
        # Indexed from the file just written (memory-mapped), so a large build never holds two copies.
        written = np.load(version / vector_file, mmap_mode="r", allow_pickle=False)
        DenseIndex.build(written).save(version / dense_file)
        (version / sparse_dir).mkdir()
        SparseIndex.build(tokens[level]).save(version / sparse_dir)
    manifest["files"] = {
        p.relative_to(version).as_posix(): p.stat().st_size for p in sorted(version.rglob("*")) if p.is_file()
    }
    write_atomic(version / "manifest.json", json.dumps(manifest, ensure_ascii=False))


T = TypeVar("T")
REPAIR = "run `nekb build` to repair the index"
# How often a reader starts over when the versions it reads are collected by a writer meanwhile.
COLLECTED_RETRIES = 20


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn any failure to read or parse ``path`` into one IndexDamagedError line naming it."""
    try:
        yield
    except (IndexDamagedError, ModelMismatchError):
        raise
    except (OSError, ValueError, KeyError, TypeError, IndexError, RuntimeError, InputError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        if "allow_pickle" in reason:  # numpy's advice to unpickle is not for users
            reason = "not a valid .npy array"
        raise IndexDamagedError(f"{path}: damaged ({reason[:120]}); {REPAIR}") from err


def _read(path: Path, load: Callable[[Path], T]) -> T:
    with _reading(path):
        return load(path)


def _check_files(version: Path, manifest: dict) -> None:
    """Every file the manifest lists exists with the size it was written with."""
    for name, size in manifest.get("files", {}).items():
        path = version / name
        if not path.is_file():
            raise IndexDamagedError(f"{path}: missing; {REPAIR}")
        if path.stat().st_size != size:
            raise IndexDamagedError(f"{path}: damaged (size {path.stat().st_size}, written {size}); {REPAIR}")


def _check_count(path: Path, found: int, expected: int, what: str) -> None:
    if found != expected:
        raise IndexDamagedError(f"{path}: damaged ({found} {what}, the manifest says {expected}); {REPAIR}")


def load_snapshot(version: Path, expected_model: str | None = None) -> Snapshot:
    """Load a complete version; with ``expected_model``, refuse one built by another model.

    Each file is checked against the manifest (present, same size, same counts); a damaged one
    raises :class:`IndexDamagedError` naming it.
    """
    manifest = _read(version / "manifest.json", read_json)
    with _reading(version / "manifest.json"):
        if manifest.get("format") != FORMAT:
            raise IndexDamagedError(
                f"{version}: index format {manifest.get('format')} is not {FORMAT}; {REPAIR}"
            )
        if expected_model is not None and manifest["model"] != expected_model:
            raise ModelMismatchError(
                f"index {version.parent} was built with model {manifest['model']!r}, not "
                f"{expected_model!r}: rebuild it with `nekb build --full --model {expected_model}`"
            )
        _check_files(version, manifest)
        infos = {i["doc_id"]: DocumentInfo(**i) for i in manifest["documents"]}
        counts = {"chunk": int(manifest["chunks"]), "sentence": int(manifest["sentences"])}
    vectors = {}
    for level in LEVELS:
        path = version / _FILES[level][0]
        # Memory-mapped: opening reads no vectors; search reads the rows it needs.
        vectors[level] = _read(path, lambda p: np.load(p, mmap_mode="r", allow_pickle=False))
        _check_count(path, len(vectors[level]), counts[level], "vectors")
        vectors[level].setflags(write=False)  # records share these rows; nothing may change them
    facts_by_doc: dict[str, list[Fact]] = {}
    with _reading(version / "facts.jsonl"):
        for _, row in json_lines(version / "facts.jsonl"):
            facts_by_doc.setdefault(row["doc_id"], []).append(Fact(**row))
    with _reading(version / "documents.jsonl"):
        records = _records(version / "documents.jsonl", infos, facts_by_doc, vectors)
    _check_count(version / "documents.jsonl", len(records), len(infos), "documents")
    for level in LEVELS:
        found = sum(len(r.chunk_ranges if level == "chunk" else r.sentences) for r in records)
        _check_count(version / "documents.jsonl", found, counts[level], f"{level}s")
    dense, sparse = {}, {}
    for level in LEVELS:
        _, dense_file, sparse_dir = _FILES[level]
        dense[level] = _read(version / dense_file, lambda p, v=vectors[level]: DenseIndex.load(p, v))
        sparse[level] = _read(version / sparse_dir, SparseIndex.load)
        _check_count(version / dense_file, dense[level].size, counts[level], "vectors")
        _check_count(version / sparse_dir, sparse[level].size, counts[level], "entries")
    return Snapshot.from_records(version.name, manifest, records, dense, sparse)


def _records(
    path: Path, infos: dict[str, DocumentInfo], facts: dict[str, list[Fact]], vectors: dict[str, np.ndarray]
) -> list[DocumentRecord]:
    """The document records of ``documents.jsonl``, each with its rows of the vector arrays."""
    records: list[DocumentRecord] = []
    offsets = dict.fromkeys(LEVELS, 0)
    for _, row in json_lines(path):
        sentences = tuple(tuple(s) for s in row["sentences"])
        chunk_ranges = tuple(tuple(c) for c in row["chunk_ranges"])
        sizes = {"sentence": len(sentences), "chunk": len(chunk_ranges)}
        views = {}
        for level in LEVELS:
            views[level] = vectors[level][offsets[level] : offsets[level] + sizes[level]]
            offsets[level] += sizes[level]
        record = DocumentRecord(
            info=infos[row["doc_id"]],
            text=row["text"],
            page_starts=tuple(row["page_starts"]),
            sentences=sentences,
            chunk_ranges=chunk_ranges,
            sentence_tokens=tuple(tuple(t) for t in row["sentence_tokens"]),
            facts=tuple(facts.get(row["doc_id"], ())),
            warnings=tuple(row["warnings"]),
            sentence_tags=tuple(tuple(tuple(span) for span in spans) for spans in row["sentence_tags"]),
        )
        records.append(record.with_vectors(views["sentence"], views["chunk"]))
    return records


def load_latest(
    index_dir: Path, expected_model: str | None = None, skip: frozenset[str] = frozenset()
) -> tuple[Snapshot, dict[str, str]]:
    """The newest intact version of ``index_dir``: the live one, or, when it is damaged, the newest
    older one that loads. Returns ``(snapshot, {damaged version name: one-line reason})``; raises the
    live version's IndexDamagedError when none loads. Versions named in ``skip`` are known damaged.

    A version that a writer deletes while it is being read (old versions are collected after each
    build) is not damaged: the search starts again from the version that is live now.
    """
    for _ in range(COLLECTED_RETRIES):
        damaged: dict[str, str] = {}
        first_error: IndexDamagedError | None = None
        for version in candidate_versions(index_dir):
            if version.name in skip:
                continue
            try:
                return load_snapshot(version, expected_model), damaged
            except IndexDamagedError as err:
                if not (version / "manifest.json").is_file():
                    break  # collected under us, not damaged: look again
                damaged[version.name] = str(err)
                first_error = first_error or err
        else:
            if first_error is None:
                require_version(index_dir)  # nothing at all: IndexMissingError saying what to run
                raise IndexDamagedError(f"{index_dir}: no intact index version; {REPAIR}")
            raise first_error
    raise IndexDamagedError(f"{index_dir}: versions keep disappearing while being read; try again")
