"""Build or update an index version from the corpus folder: incremental by content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from .corpus import content_hash, corpus_files, doc_id_for, document_info, load_sources
from .embed import Embedder, pool_chunk_vectors
from .ingest import IngestError, NoTextError, read_document
from .normalize import SearchNormalizer
from .pipeline import CHUNK_CHARS, CHUNK_OVERLAP, DocumentData, process_document, timed
from .segment import Segmenter
from .snapshot import Snapshot, load_snapshot, save_snapshot
from .store import collect_garbage, current_version, new_version_dir, publish, write_lock
from .types import DocumentInfo

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did: per-document outcome, one-line errors, and wall time per stage."""

    version: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    documents: int = 0
    chunks: int = 0

    @property
    def ok(self) -> bool:
        """True when every file was indexed."""
        return not self.errors

    @property
    def changed(self) -> bool:
        """True when the build wrote a new version."""
        return bool(self.added or self.updated or self.removed)


# How chunk vectors are made; indexes built another way (e5 over each chunk) are rebuilt in full.
CHUNK_VECTORS = "length-weighted mean of sentence vectors"

# Modules and data whose change alters what a document turns into; their hash is part of the settings.
PIPELINE_FILES = (
    "ingest.py",
    "clean.py",
    "chunk.py",
    "segment.py",
    "facts.py",
    "gazetteer.py",
    "pipeline.py",
    "sentence_tags.py",
    "data/userdict.txt",
    "data/stopwords.txt",
)


def settings() -> dict:
    """Build settings recorded in the manifest; a change forces a full rebuild."""
    digest = hashlib.sha256()
    package = resources.files("nekb")
    for name in PIPELINE_FILES:
        path = package.joinpath(*name.split("/"))
        if path.is_file():
            digest.update(path.read_bytes())
    return {
        "chunk_chars": CHUNK_CHARS,
        "chunk_overlap": CHUNK_OVERLAP,
        "chunk_vectors": CHUNK_VECTORS,
        "pipeline": digest.hexdigest()[:16],
    }


def _previous(index_dir: Path, model: str, full: bool) -> Snapshot | None:
    version = current_version(index_dir)
    if version is None or full:
        return None
    snapshot = load_snapshot(version)
    if snapshot.model != model or snapshot.manifest.get("settings") != settings():
        return None  # another model or chunking: nothing can be carried over
    return snapshot


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    segmenter: Segmenter,
    normalizer: SearchNormalizer,
    full: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Bring the index in line with ``corpus_dir``, embedding only new or changed documents.

    Files that cannot be read are reported in ``errors`` (one line each) and skipped; a document the
    index already had is kept as it was. The new version is published atomically.
    """
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    timings: dict[str, float] = {}
    with write_lock(index_dir):
        collect_garbage(index_dir)  # leftovers of a crashed build
        previous = _previous(index_dir, embedder.name, full)
        old = previous.documents if previous else {}
        sources = load_sources(corpus_dir)
        files = corpus_files(corpus_dir)
        docs: list[DocumentData] = []
        pending: list[DocumentData] = []
        outcome: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
        errors: list[str] = []
        warnings: list[str] = []
        for n, path in enumerate(files, start=1):
            doc_id = doc_id_for(path, corpus_dir)
            if progress:
                progress("read", n, len(files))
            with timed(timings, "read"):
                digest = content_hash(path)
            info = document_info(doc_id, sources, content_hash=digest)
            prior = old.get(doc_id)
            if prior is not None and prior.info.content_hash == digest:
                docs.append(_with_metadata(prior, info))
                outcome["unchanged"].append(doc_id)
                continue
            try:
                with timed(timings, "read"):
                    cleaned = read_document(path)
            except IngestError as err:
                (warnings if isinstance(err, NoTextError) else errors).append(str(err))
                if prior is not None:
                    docs.append(prior)  # keep what the index had rather than lose the document
                continue
            data = process_document(info, cleaned, segmenter, normalizer, timings=timings)
            warnings.extend(f"{doc_id}: {w}" for w in data.warnings)
            docs.append(data)
            pending.append(data)
            outcome["updated" if prior is not None else "added"].append(doc_id)
        present = {d.info.doc_id for d in docs}
        removed = tuple(sorted(set(old) - present))
        with timed(timings, "embed"):
            _embed(pending, embedder, normalizer, progress)
        report = BuildReport(
            version=previous.version if previous else "",
            added=tuple(outcome["added"]),
            updated=tuple(outcome["updated"]),
            removed=removed,
            unchanged=tuple(outcome["unchanged"]),
            errors=tuple(errors),
            warnings=tuple(warnings),
            documents=len(docs),
            chunks=sum(len(d.chunk_ranges) for d in docs),
            timings=timings,
        )
        metadata_changed = previous is not None and any(
            d.info != previous.documents[d.info.doc_id].info for d in docs if d.info.doc_id in old
        )
        if previous is not None and not report.changed and not metadata_changed:
            return report
        if not docs and previous is None:
            return report  # nothing readable: leave the index directory as it was
        with timed(timings, "index"):
            version = new_version_dir(index_dir)
            save_snapshot(version, docs, embedder.name, embedder.dim, settings())
            publish(version)
        return replace(report, version=version.name)


def _with_metadata(prior: DocumentData, info: DocumentInfo) -> DocumentData:
    """An unchanged document keeps its data but takes the current sources.toml metadata."""
    info = replace(info, **_counts(prior))
    return prior if prior.info == info else replace(prior, info=info)


def _counts(doc: DocumentData) -> dict:
    info = doc.info
    return {"chars": info.chars, "pages": info.pages, "chunks": info.chunks, "facts": info.facts}


def _embed(
    docs: list[DocumentData], embedder: Embedder, normalizer: SearchNormalizer, progress: Progress | None
) -> None:
    """Embed every sentence of ``docs`` in one pass; chunk vectors are pooled from their sentences'.

    Sentence vectors are what answers are scored with and what finds a passage by its one matching
    sentence; embedding the chunks as well would run the model over every character twice.
    """
    forms = [d.sentence_texts(normalizer) for d in docs]
    texts = [t for doc_forms in forms for t in doc_forms]
    vectors = embedder.embed_passages(texts, progress=lambda n: progress and progress("embed", n, len(texts)))
    offset = 0
    for d, doc_forms in zip(docs, forms, strict=True):
        d.sentence_vectors = vectors[offset : offset + len(doc_forms)]
        d.vectors = pool_chunk_vectors(d.sentence_vectors, [len(t) for t in doc_forms], d.chunk_ranges)
        offset += len(doc_forms)
