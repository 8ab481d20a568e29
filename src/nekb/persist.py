"""Save and load one index version directory: JSON, JSON lines, .npy and FAISS/bm25s files, no pickle.

Layout of a version (``manifest.json`` is written last, so its presence means the version is complete)::

    manifest.json        model, dim, settings, document metadata, counts
    documents.jsonl      per document: page starts, sentence spans, chunk ranges, sentence tokens, tags
    texts.utf8           every document's text, UTF-8, one after another
    layout.npy           per document: where its line starts in documents.jsonl, its sentence and
                         chunk counts, its text's length in bytes (so opening reads no document:
                         each is read when first needed)
    chunk_ranges.npy     per chunk: its sentence range within its document
    chunk_places.npy     per chunk: its characters in its document, its bytes in texts.utf8, its page
                         (a search hit reads its chunk alone)
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
from types import MappingProxyType
from typing import TypeVar

import numpy as np

from .errors import IndexDamagedError, InputError, ModelMismatchError
from .fileio import json_lines, read_json, write_atomic, write_jsonl
from .index import DenseIndex, SparseIndex, choose_index_type
from .lazy_records import (
    ENCODING,
    ERRORS,
    PLACE_COLUMNS,
    REPAIR,
    LazyRecords,
    TextFile,
    chunk_places,
    record_from_row,
)
from .pipeline import DocumentRecord, token_lists
from .snapshot import LEVELS, Layout, Snapshot
from .store import candidate_versions, require_version
from .types import DocumentInfo, Fact

FORMAT = 4
# Format 2 has no layout.npy: its documents are read when opened. Format 3 keeps the texts in
# documents.jsonl (no texts.utf8, no chunk_places.npy): a hit parses its whole document.
READABLE_FORMATS = (2, 3, 4)
LAYOUT_COLUMNS = {3: 3, 4: 4}
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
    tokens = token_lists(records)
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
    offsets = write_jsonl(
        version / "documents.jsonl",
        (
            {
                "doc_id": r.doc_id,
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
    text_bytes = _write_texts(version, records)
    layout = [
        (at, len(r.sentences), len(r.chunk_ranges), size)
        for at, r, size in zip(offsets, records, text_bytes, strict=True)
    ]
    np.save(version / "layout.npy", np.asarray(layout, dtype=np.int64).reshape(-1, 4), allow_pickle=False)
    if records:
        chunk_sentences = np.concatenate(
            [np.asarray(r.chunk_ranges, dtype=np.int64).reshape(-1, 2) for r in records]
        )
    else:
        chunk_sentences = np.zeros((0, 2), np.int64)
    np.save(version / "chunk_ranges.npy", chunk_sentences, allow_pickle=False)
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


def _write_texts(version: Path, records: list[DocumentRecord]) -> list[int]:
    """Write ``texts.utf8`` and ``chunk_places.npy``; the byte length of each document's text."""
    sizes: list[int] = []
    places: list[np.ndarray] = []
    written = 0
    with open(version / "texts.utf8", "wb") as handle:
        for record in records:
            places.append(chunk_places(record, written))
            sizes.append(handle.write(record.text.encode(ENCODING, ERRORS)))
            written += sizes[-1]
    table = np.concatenate(places) if places else np.zeros((0, PLACE_COLUMNS), dtype=np.int64)
    np.save(version / "chunk_places.npy", table, allow_pickle=False)
    return sizes


T = TypeVar("T")
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
        if manifest.get("format") not in READABLE_FORMATS:
            raise IndexDamagedError(
                f"{version}: index format {manifest.get('format')} is not {FORMAT}; {REPAIR}"
            )
        if expected_model is not None and manifest["model"] != expected_model:
            raise ModelMismatchError.of(f"index {version.parent}", manifest["model"], expected_model)
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
    facts: list[Fact] = []
    with _reading(version / "facts.jsonl"):
        facts.extend(Fact(**row) for _, row in json_lines(version / "facts.jsonl"))
    facts_by_doc: dict[str, list[Fact]] = {}
    for fact in facts:
        facts_by_doc.setdefault(fact.doc_id, []).append(fact)
    if manifest["format"] == 2:
        with _reading(version / "documents.jsonl"):
            records = _records(version / "documents.jsonl", infos, facts_by_doc, vectors)
        _check_count(version / "documents.jsonl", len(records), len(infos), "documents")
        for level in LEVELS:
            found = sum(len(r.chunk_ranges if level == "chunk" else r.sentences) for r in records)
            _check_count(version / "documents.jsonl", found, counts[level], f"{level}s")
        layout, by_id = Layout.of_records(records), MappingProxyType({r.doc_id: r for r in records})
    else:
        layout, by_id = _lazy_documents(version, manifest["format"], infos, facts_by_doc, vectors, counts)
    dense, sparse = {}, {}
    for level in LEVELS:
        _, dense_file, sparse_dir = _FILES[level]
        dense[level] = _read(version / dense_file, lambda p, v=vectors[level]: DenseIndex.load(p, v))
        sparse[level] = _read(version / sparse_dir, SparseIndex.load)
        _check_count(version / dense_file, dense[level].size, counts[level], "vectors")
        _check_count(version / sparse_dir, sparse[level].size, counts[level], "entries")
    return Snapshot.assemble(version.name, manifest, by_id, layout, infos, tuple(facts), dense, sparse)


def _lazy_documents(
    version: Path,
    manifest_format: int,
    infos: dict[str, DocumentInfo],
    facts: dict[str, list[Fact]],
    vectors: dict[str, np.ndarray],
    counts: dict[str, int],
) -> tuple[Layout, LazyRecords]:
    """The layout of a format-3 or -4 version and its documents, each read when first asked for."""
    path = version / "layout.npy"
    table = _read(path, lambda p: np.load(p, allow_pickle=False))
    columns = LAYOUT_COLUMNS[int(manifest_format)]
    with _reading(path):
        if table.ndim != 2 or table.shape[1] != columns or table.dtype.kind != "i":
            raise ValueError(f"shape {table.shape}, not (documents, {columns})")
    _check_count(path, len(table), len(infos), "documents")
    _check_count(path, int(table[:, 1].sum()), counts["sentence"], "sentences")
    _check_count(path, int(table[:, 2].sum()), counts["chunk"], "chunks")
    documents = version / "documents.jsonl"
    offsets = table[:, 0]
    if len(offsets) and (
        offsets[0] != 0 or np.any(np.diff(offsets) <= 0) or offsets[-1] >= documents.stat().st_size
    ):
        raise IndexDamagedError(f"{documents}: damaged (lines are not where layout.npy says); {REPAIR}")
    ranges_path = version / "chunk_ranges.npy"
    ranges = _read(ranges_path, lambda p: np.load(p, allow_pickle=False))
    with _reading(ranges_path):
        if ranges.ndim != 2 or ranges.shape[1] != 2:
            raise ValueError(f"shape {ranges.shape}, not (chunks, 2)")
    _check_count(ranges_path, len(ranges), counts["chunk"], "chunks")
    first_sentence = np.concatenate([[0], np.cumsum(table[:, 1])])
    first_chunk = np.concatenate([[0], np.cumsum(table[:, 2])])
    layout = Layout(
        doc_ids=tuple(infos),
        first_chunk=first_chunk,
        first_sentence=first_sentence,
        chunk_sentences=ranges + np.repeat(first_sentence[:-1], table[:, 2])[:, None],
    )
    texts = _text_file(version, table, counts) if columns == 4 else None
    with _reading(documents):
        records = LazyRecords(documents, infos, offsets, first_sentence, first_chunk, facts, vectors, texts)
    return layout, records


def _text_file(version: Path, table: np.ndarray, counts: dict[str, int]) -> TextFile:
    """``texts.utf8`` of a format-4 version, checked against layout.npy and chunk_places.npy."""
    path, places_path = version / "texts.utf8", version / "chunk_places.npy"
    starts = np.concatenate([[0], np.cumsum(table[:, 3])])
    if np.any(table[:, 3] < 0) or starts[-1] != path.stat().st_size:
        raise IndexDamagedError(f"{path}: damaged (not the size layout.npy says); {REPAIR}")
    places = _read(places_path, lambda p: np.load(p, allow_pickle=False))
    with _reading(places_path):
        if places.ndim != 2 or places.shape[1] != PLACE_COLUMNS or places.dtype.kind != "i":
            raise ValueError(f"shape {places.shape}, not (chunks, {PLACE_COLUMNS})")
    _check_count(places_path, len(places), counts["chunk"], "chunks")
    if len(places) and (places[:, 2].min() < 0 or places[:, 3].max() > starts[-1]):
        raise IndexDamagedError(f"{places_path}: damaged (bytes outside texts.utf8); {REPAIR}")
    with _reading(path):
        return TextFile(path, starts, places)


def _records(
    path: Path, infos: dict[str, DocumentInfo], facts: dict[str, list[Fact]], vectors: dict[str, np.ndarray]
) -> list[DocumentRecord]:
    """The document records of a format-2 ``documents.jsonl``, each with its rows of the vectors."""
    records: list[DocumentRecord] = []
    offsets = dict.fromkeys(LEVELS, 0)
    for _, row in json_lines(path):
        sizes = {"sentence": len(row["sentences"]), "chunk": len(row["chunk_ranges"])}
        views = {}
        for level in LEVELS:
            views[level] = vectors[level][offsets[level] : offsets[level] + sizes[level]]
            offsets[level] += sizes[level]
        doc_id = row["doc_id"]
        record = record_from_row(row, infos[doc_id], facts.get(doc_id, ()), views["sentence"], views["chunk"])
        records.append(record)
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
