"""Build or update an index version from the corpus folder: incremental by content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from .corpus import content_hash, corpus_files, doc_id_for, document_info, load_sources, outside_link
from .embed import Embedder, pool_chunk_vectors
from .errors import IndexDamagedError, InputError, printable
from .facts import FactExtractor
from .ingest import OCR_CACHE_DIR, DocumentReader, IngestError, NoTextError
from .normalize import SearchNormalizer
from .pipeline import CHUNK_CHARS, CHUNK_OVERLAP, DocumentRecord, process_document, timed, title_context
from .places import division_table
from .segment import Segmenter
from .snapshot import Snapshot
from .stores import LocalStore, Store

# progress(stage, done, total): how every long call of nekb reports progress (build, add, ask_many).
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
# Every module ingest.py and pipeline.py import, directly or not (tests/test_build.py checks), so an index
# built by older code is never carried over as unchanged.
PIPELINE_FILES = (
    "ingest.py",
    "corpus.py",
    "places.py",
    "fileio.py",
    "errors.py",
    "types.py",
    "read_text.py",
    "read_pdf.py",
    "read_docx.py",
    "read_html.py",
    "read_tables.py",
    "read_image.py",
    "ocr.py",
    "ocr_layout.py",
    "tables.py",
    "pdf_tags.py",
    "clean.py",
    "pdf_layout.py",
    "normalize.py",
    "chunk.py",
    "segment.py",
    "facts.py",
    "gazetteer.py",
    "quantities.py",
    "periods.py",
    "entities.py",
    "indicators.py",
    "subjects.py",
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
    digest.update(division_table())  # the place names segmentation knows
    return {
        "chunk_chars": CHUNK_CHARS,
        "chunk_overlap": CHUNK_OVERLAP,
        "chunk_vectors": CHUNK_VECTORS,
        "pipeline": digest.hexdigest()[:16],
    }


def _previous(store: Store, model: str, full: bool) -> Snapshot | None:
    """The newest intact version to carry unchanged documents over from (None: embed everything).

    A damaged live version is passed over for the newest older one that loads, so a plain build
    repairs the index; with none intact, or another model or pipeline, everything is rebuilt.
    """
    if full or store.live() is None:
        return None
    try:
        snapshot, _ = store.load_latest()
    except IndexDamagedError:
        return None
    if snapshot.model != model or snapshot.manifest.get("settings") != settings():
        return None  # another model or chunking: nothing can be carried over
    return snapshot


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    segmenter: Segmenter,
    normalizer: SearchNormalizer,
    *,
    full: bool = False,
    progress: Progress | None = None,
    store: Store | None = None,
) -> BuildReport:
    """Bring the index in line with ``corpus_dir``, embedding only new or changed documents.

    Files that cannot be read are reported in ``errors`` (one line each) and skipped; a document the
    index already had is kept as it was. The new version is published atomically. The caller holds
    the store's write lock. Versions go to ``store`` (default: the index directory itself).
    """
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    store = store or LocalStore(index_dir)
    timings: dict[str, float] = {}
    store.collect_garbage()  # leftovers of a crashed build
    previous = _previous(store, embedder.name, full)
    old = previous.records if previous else {}
    errors: list[str] = []
    try:
        sources: dict | None = load_sources(corpus_dir)
    except InputError as err:  # a broken sources.toml must not stop the build or lose metadata
        errors.append(f"{err}; the metadata the index had is kept")
        sources = None
    files = corpus_files(corpus_dir)
    docs: list[DocumentRecord] = []
    pending: list[DocumentRecord] = []
    outcome: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    warnings: list[str] = []
    reader = DocumentReader(ocr_cache=index_dir / OCR_CACHE_DIR)  # OCR runs once per file content
    extractor = FactExtractor(segmenter.tokenizer)  # one per build: its tagger loads on first use
    for n, path in enumerate(files, start=1):
        doc_id = doc_id_for(path, corpus_dir)
        if progress:
            progress("read", n, len(files))
        if refused := outside_link(path, corpus_dir):
            errors.append(f"{printable(doc_id)}: {refused}")
            continue
        with timed(timings, "read"):
            digest = content_hash(path)
            reader.ocr.cache.keep(digest)
        prior = old.get(doc_id)
        if sources is None and prior is not None:
            info = replace(prior.info, content_hash=digest)
        else:
            info = document_info(doc_id, sources or {}, content_hash=digest)
        if prior is not None and prior.info.content_hash == digest:
            record = prior.with_info(info, extractor)
            docs.append(record)
            if title_context(record.info) != title_context(prior.info):
                pending.append(record)  # its sentences are embedded after its title: embed them again
            outcome["unchanged"].append(doc_id)
            continue
        try:
            with timed(timings, "read"):
                cleaned = reader.read(path)
        except IngestError as err:
            (warnings if isinstance(err, NoTextError) else errors).append(str(err))
            if prior is not None:
                docs.append(prior)  # keep what the index had rather than lose the document
            continue
        data = process_document(info, cleaned, segmenter, normalizer, timings=timings, extractor=extractor)
        warnings.extend(f"{doc_id}: {w}" for w in data.warnings)
        docs.append(data)
        pending.append(data)
        outcome["updated" if prior is not None else "added"].append(doc_id)
    reader.ocr.cache.prune()  # forget the OCR of files no longer in the corpus
    present = {d.info.doc_id for d in docs}
    removed = tuple(sorted(set(old) - present))
    with timed(timings, "embed"):
        embedded = _embed(pending, embedder, normalizer, progress)
        docs = [embedded.get(d.doc_id, d) for d in docs]
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
        d.info != old[d.doc_id].info for d in docs if d.doc_id in old
    )
    live = store.live()
    repairs = previous is not None and live != previous.version
    if previous is not None and not (report.changed or metadata_changed or repairs):
        return report
    if not docs and previous is None:
        return report  # nothing readable: leave the index directory as it was
    with timed(timings, "index"):
        # Without a previous version to carry documents over from, the store rewrites everything.
        version = store.save(docs, embedder.name, embedder.dim, settings(), full=previous is None)
    return replace(report, version=version)


def _embed(
    docs: list[DocumentRecord], embedder: Embedder, normalizer: SearchNormalizer, progress: Progress | None
) -> dict[str, DocumentRecord]:
    """Embed every sentence of ``docs`` in one pass; chunk vectors are pooled from their sentences'.

    Sentence vectors are what answers are scored with and what finds a passage by its one matching
    sentence; embedding the chunks as well would run the model over every character twice.
    Returns the embedded records by doc id.
    """
    forms = [d.sentence_forms(normalizer) for d in docs]
    texts = [
        t for d, doc_forms in zip(docs, forms, strict=True) for t in d.embedding_texts(normalizer, doc_forms)
    ]
    vectors = embedder.embed_passages(texts, progress=lambda n: progress and progress("embed", n, len(texts)))
    vectors.setflags(write=False)  # records share these rows; nothing may change them
    embedded = {}
    offset = 0
    for d, doc_forms in zip(docs, forms, strict=True):
        sentence_vectors = vectors[offset : offset + len(doc_forms)]
        chunk_vectors = pool_chunk_vectors(sentence_vectors, [len(t) for t in doc_forms], d.chunk_ranges)
        chunk_vectors.setflags(write=False)
        embedded[d.doc_id] = d.with_vectors(sentence_vectors, chunk_vectors)
        offset += len(doc_forms)
    return embedded
