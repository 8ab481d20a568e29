"""Index versions in Milvus: Milvus Lite in-process (``milvus:index/kb.db``) or a Milvus server
(``milvus:http://host:19530``), through the same pymilvus calls.

Each version is five collections, ``nekb_<version>_<kind>``:

    documents   text (in parts of TEXT_PART_CHARS), metadata, page starts, warnings
    chunks      sentence range, dense vector, BM25 sparse vector (bm25_vectors.py)
    sentences   offsets, jieba tokens, tags, dense vector, BM25 sparse vector
    facts       the fact table as scalar fields (filterable in Milvus)
    terms       the BM25 vocabulary: term id and document frequency per level

and the collection ``nekb_meta`` holds one row, ``current``: the live version and its manifest. A
build writes every collection of its version first and upserts ``current`` last, so a crash in the
middle leaves the previous version answering; the next build drops the partial collections.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from . import milvus_rows, store
from .bm25_vectors import LevelStats, assign_term_ids
from .errors import IndexDamagedError, IndexMissingError, InputError, ModelMismatchError
from .index import FLAT_MAX_VECTORS
from .milvus_schema import KINDS, META, collection_name, create_collection, create_meta
from .milvus_snapshot import MilvusSearch, MilvusSnapshot
from .pipeline import DocumentRecord
from .snapshot import LEVELS, Snapshot
from .types import DocumentInfo

FORMAT = 1
INSERT_BATCH = 500
READ_BATCH = 2_000
LITE_LOGGER = "milvus_lite.server_manager"
ITERATOR_LOGGER = "pymilvus.client.iterator.query_iterator"
REPAIR = "run `nekb build --store milvus:<uri>` to rebuild it"


class MilvusStore:
    """Index versions in a Milvus database; the write lock and OCR cache stay in ``index_dir``."""

    def __init__(self, uri: str, index_dir: str | Path) -> None:
        self.uri = uri
        self.index_dir = Path(index_dir)
        self._client = None
        self._loaded: set[str] = set()  # collections this store has loaded

    def __repr__(self) -> str:
        return f"MilvusStore({self.uri!r})"

    @property
    def client(self):
        """The pymilvus client, connected on first use (a local path starts Milvus Lite)."""
        if self._client is None:
            from pymilvus import MilvusClient

            lite = not self.uri.startswith(("http://", "https://", "tcp://", "unix:"))
            if lite:
                Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
            try:
                with _quiet(LITE_LOGGER):  # its traceback would repeat the one-line error below
                    self._client = MilvusClient(self.uri)
            except Exception as err:  # pymilvus raises several types for an unreachable store
                reason = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
                hint = " (a Milvus Lite .db opens in one process at a time)" if lite else ""
                raise InputError(f"cannot open Milvus store {self.uri}: {reason}{hint}") from err
        return self._client

    # -- versions --------------------------------------------------------------------------------
    def _manifest(self) -> dict | None:
        if not self.client.has_collection(META):
            return None
        self._load(META)
        rows = self.client.query(META, filter='key == "current"', output_fields=["value"])
        return dict(rows[0]["value"]) if rows else None

    def _load(self, name: str) -> None:
        """Load a collection into memory for queries: collections come back released when a
        client opens a database, so each is loaded once per store before it is read."""
        if name not in self._loaded:
            self.client.load_collection(name)
            self._loaded.add(name)

    def live(self) -> str | None:
        """Name of the live version (None before the first build)."""
        manifest = self._manifest()
        return manifest["version"] if manifest else None

    def require(self) -> str:
        """Name of the live version, or IndexMissingError saying what to run."""
        version = self.live()
        if version is None:
            raise IndexMissingError(
                f"no index in Milvus store {self.uri}: run `nekb build --store milvus:{self.uri}`"
            )
        return version

    def write_lock(self, wait_seconds: float) -> AbstractContextManager[None]:
        """The local index directory's lock file (one writer per machine; see README)."""
        return store.write_lock(self.index_dir, wait_seconds=wait_seconds)

    def collect_garbage(self) -> None:
        """Drop the collections of every version but the live one and the one before it (partial
        versions of crashed builds, superseded ones). The one before stays so that readers still
        holding it (other servers, until they refresh) keep answering."""
        manifest = self._manifest() or {}
        kept = {f"nekb_{v}_" for v in (manifest.get("version"), manifest.get("previous")) if v}
        for name in self.client.list_collections():
            if name.startswith("nekb_v") and not any(name.startswith(prefix) for prefix in kept):
                self.client.drop_collection(name)
                self._loaded.discard(name)

    # -- writing ---------------------------------------------------------------------------------
    def save(self, records: list[DocumentRecord], model: str, dim: int, settings: dict) -> str:
        """Write ``records`` as new collections, then switch ``current`` to them and drop the old."""
        previous = self.live()
        version = f"v{time.strftime('%Y%m%d_%H%M%S')}_{time.time_ns() % 10**9:09d}"
        tokens = {
            "chunk": [r.chunk_tokens(i) for r in records for i in range(len(r.chunk_ranges))],
            "sentence": [list(t) for r in records for t in r.sentence_tokens],
        }
        stats = {level: LevelStats.of(tokens[level]) for level in LEVELS}
        term_ids = assign_term_ids(stats.values())
        counts = {level: len(tokens[level]) for level in LEVELS}
        for kind in KINDS:
            dense_kind = "flat" if counts.get(kind[:-1], 0) <= FLAT_MAX_VECTORS else "hnsw"
            create_collection(self.client, collection_name(version, kind), kind, dim, dense_kind)
        rows = {
            "documents": milvus_rows.document_rows(records),
            "chunks": milvus_rows.chunk_rows(records, term_ids, stats["chunk"]),
            "sentences": milvus_rows.sentence_rows(records, term_ids, stats["sentence"]),
            "facts": milvus_rows.fact_rows(records),
            "terms": milvus_rows.term_rows(term_ids, stats),
        }
        for kind, kind_rows in rows.items():
            self._insert(collection_name(version, kind), kind_rows)
        manifest = {
            "format": FORMAT,
            "version": version,
            "previous": previous,
            "model": model,
            "dim": dim,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "settings": settings,
            "documents": len(records),
            "chunks": counts["chunk"],
            "sentences": counts["sentence"],
            "avg_length": {level: stats[level].avg_length for level in LEVELS},
        }
        create_meta(self.client)
        self.client.upsert(META, [{"key": "current", "value": manifest, "dummy": milvus_rows.DUMMY}])
        self.client.flush(META)
        self.collect_garbage()
        return version

    def _insert(self, name: str, rows: Iterator[dict]) -> None:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) == INSERT_BATCH:
                self.client.insert(name, batch)
                batch = []
        if batch:
            self.client.insert(name, batch)
        self.client.flush(name)

    # -- reading ---------------------------------------------------------------------------------
    def load_latest(
        self, expected_model: str | None = None, skip: frozenset[str] = frozenset()
    ) -> tuple[Snapshot, dict[str, str]]:
        """The live version, loaded: documents, vectors and facts from Milvus, searches in Milvus."""
        manifest = self._manifest()
        if manifest is None:
            self.require()
        if manifest.get("format") != FORMAT:
            raise IndexDamagedError(f"Milvus store {self.uri}: format {manifest.get('format')}; {REPAIR}")
        if expected_model is not None and manifest["model"] != expected_model:
            raise ModelMismatchError(
                f"Milvus store {self.uri} was built with model {manifest['model']!r}, not "
                f"{expected_model!r}: rebuild it with `nekb build --full --model {expected_model}`"
            )
        version = manifest["version"]
        try:
            records, doc_freq = self._read_version(version, int(manifest["dim"]))
        except IndexDamagedError:
            raise
        except Exception as err:  # a collection dropped or unreadable: pymilvus raises several types
            reason = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
            raise IndexDamagedError(f"Milvus store {self.uri} version {version}: {reason}; {REPAIR}") from err
        stats = {
            level: LevelStats(
                size=int(manifest[f"{level}s"]),
                avg_length=float(manifest["avg_length"][level]),
                doc_freq=doc_freq[level],
            )
            for level in LEVELS
        }
        snapshot = Snapshot.from_records(version, manifest, records, {}, {})
        search = MilvusSearch(self.client, version, doc_freq["ids"], stats)
        return MilvusSnapshot(
            **{f: getattr(snapshot, f) for f in snapshot.__dataclass_fields__}, engine=search
        ), {}

    def _rows(self, version: str, kind: str, fields: list[str]) -> list[dict]:
        """Every row of one collection (paged by pymilvus' query iterator)."""
        self._load(collection_name(version, kind))
        with _quiet(ITERATOR_LOGGER):
            iterator = self.client.query_iterator(
                collection_name(version, kind), batch_size=READ_BATCH, filter="", output_fields=fields
            )
            out: list[dict] = []
            while batch := iterator.next():
                out.extend(batch)
            iterator.close()
        return out

    def _read_version(self, version: str, dim: int) -> tuple[list[DocumentRecord], dict]:
        docs = self._rows(
            version, "documents", ["doc_id", "ordinal", "part", "text", "info", "pages", "warnings"]
        )
        chunks = self._rows(version, "chunks", ["doc_id", "n", "first", "last", "dense"])
        sentences = self._rows(
            version, "sentences", ["doc_id", "n", "start", "end", "tokens", "tags", "dense"]
        )
        facts = self._rows(version, "facts", ["n", *milvus_rows.FACT_FIELDS])
        terms = self._rows(version, "terms", ["term", "tid", "df_chunk", "df_sentence"])
        by_doc: dict[str, dict] = {}
        for row in sorted(docs, key=lambda r: (r["ordinal"], r["part"])):
            entry = by_doc.setdefault(row["doc_id"], {"parts": [], "row": row})
            entry["parts"].append(row["text"])
        grouped = {"chunks": milvus_rows.group(chunks), "sentences": milvus_rows.group(sentences)}
        fact_rows = milvus_rows.group(facts)
        records = []
        for doc_id, entry in by_doc.items():
            row = entry["row"]
            doc_chunks = grouped["chunks"].get(doc_id, [])
            doc_sentences = grouped["sentences"].get(doc_id, [])
            record = DocumentRecord(
                info=DocumentInfo(**row["info"]),
                text="".join(entry["parts"]),
                page_starts=tuple(row["pages"]),
                sentences=tuple((s["start"], s["end"]) for s in doc_sentences),
                chunk_ranges=tuple((c["first"], c["last"]) for c in doc_chunks),
                sentence_tokens=tuple(tuple(s["tokens"]) for s in doc_sentences),
                facts=tuple(milvus_rows.fact(f) for f in fact_rows.get(doc_id, [])),
                warnings=tuple(row["warnings"]),
                sentence_tags=tuple(tuple(tuple(span) for span in s["tags"]) for s in doc_sentences),
            )
            records.append(
                record.with_vectors(
                    milvus_rows.matrix(doc_sentences, dim), milvus_rows.matrix(doc_chunks, dim)
                )
            )
        doc_freq = {
            "ids": {t["term"]: int(t["tid"]) for t in terms},
            "chunk": {t["term"]: int(t["df_chunk"]) for t in terms if t["df_chunk"]},
            "sentence": {t["term"]: int(t["df_sentence"]) for t in terms if t["df_sentence"]},
        }
        return records, doc_freq


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence one library logger for a block: pymilvus warns on every collection read that Milvus
    Lite gives its query iterator no session timestamp, and Milvus Lite logs a traceback for a .db
    locked by another process, which nekb reports in one line."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
