"""Index versions in Milvus: Milvus Lite in-process (``milvus:index/kb.db``) or a Milvus server
(``milvus:http://host:19530``), through the same pymilvus calls.

A generation of five collections, ``nekb_g<generation>_<kind>``, holds the rows of its versions:

    documents   text and chunk ranges (in parts), row counts, metadata, page starts, warnings
    chunks      sentence range, dense vector, BM25 sparse vector (bm25_vectors.py)
    sentences   offsets, jieba tokens, tags, dense vector, BM25 sparse vector
    facts       the fact table as scalar fields (filterable in Milvus)
    terms       the BM25 vocabulary: term id and document frequency per level

each row marked with the versions that hold it (milvus_schema.py), and the collection ``nekb_meta``
holds one row, ``current``: the live version's number, generation and manifest. Writes go by
document and switch ``current`` last (milvus_write.py), so a crash in the middle leaves the
previous version answering; the next write deletes the partial rows.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from . import milvus_rows, milvus_write, store
from .errors import IndexDamagedError, IndexMissingError, InputError, ModelMismatchError, short_reason
from .milvus_records import MilvusRecords, entries_of, layout_of
from .milvus_schema import KINDS, META, collection_name, visible
from .milvus_snapshot import FactTable, MilvusSearch, MilvusSnapshot, TermTable
from .milvus_write import FORMAT, quiet, read_rows
from .pipeline import DocumentRecord
from .snapshot import LEVELS, Snapshot
from .types import Fact

LITE_LOGGER = "milvus_lite.server_manager"
# What opening a version reads of each document row (not its text).
LAYOUT_FIELDS = ["doc_id", "part", "since", "layout", "info", "pages", "warnings"]


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
                with quiet(LITE_LOGGER):  # its traceback would repeat the one-line error below
                    self._client = MilvusClient(self.uri)
            except Exception as err:  # pymilvus raises several types for an unreachable store
                reason = short_reason(str(err) or type(err).__name__, 160)
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
        """Delete what a crashed write left (rows and collections of versions never published) and
        what no reader can see any more. The version before the live one stays, so that readers
        still holding it (other servers, until they refresh) keep answering."""
        manifest = self._manifest()
        milvus_write.cleanup(self.client, manifest)
        self._loaded &= set(self.client.list_collections())

    def _repair(self) -> str:
        return f"run `nekb build --full --store milvus:{self.uri}` to rebuild it"

    # -- writing ---------------------------------------------------------------------------------
    def save(
        self, records: list[DocumentRecord], model: str, dim: int, settings: dict, *, full: bool = True
    ) -> str:
        """Write ``records`` (every document of the new version) and make them the live version.

        With ``full`` every document is written into new collections; otherwise only new and
        changed documents are written and removed ones retired, in the live collections.
        """
        live = self._manifest()
        milvus_write.cleanup(self.client, live)  # a crashed write's rows must not leak into this one
        manifest = milvus_write.write(self.client, records, model, dim, settings, full=full, live=live)
        self._loaded &= set(self.client.list_collections())
        return manifest["version"]

    # -- reading ---------------------------------------------------------------------------------
    def load_latest(
        self, expected_model: str | None = None, skip: frozenset[str] = frozenset()
    ) -> tuple[Snapshot, dict[str, str]]:
        """The live version, opened: its documents' layout read, the rest read from Milvus as queries
        need it; searches run in Milvus."""
        manifest = self._manifest()
        if manifest is None:
            self.require()
        if manifest.get("format") != FORMAT:
            raise IndexDamagedError(
                f"Milvus store {self.uri} has format {manifest.get('format')}, not {FORMAT}; {self._repair()}"
            )
        if expected_model is not None and manifest["model"] != expected_model:
            raise ModelMismatchError.of(f"Milvus store {self.uri}", manifest["model"], expected_model)
        version = manifest["version"]
        generation, serial = int(manifest["generation"]), int(manifest["serial"])
        try:
            entries = entries_of(self._rows(generation, serial, "documents", LAYOUT_FIELDS))
        except Exception as err:  # a collection dropped or unreadable: pymilvus raises several types
            reason = short_reason(str(err) or type(err).__name__, 160)
            raise IndexDamagedError(
                f"Milvus store {self.uri} version {version}: {reason}; {self._repair()}"
            ) from err
        for kind in KINDS:
            self._load(collection_name(generation, kind))
        where = f"Milvus store {self.uri} version {version}"
        records = MilvusRecords(self.client, generation, int(manifest["dim"]), entries, where)
        search = MilvusSearch(
            self.client,
            generation,
            serial,
            TermTable(self.client, generation, serial),
            sizes={level: int(manifest[f"{level}s"]) for level in LEVELS},
            avg_length={level: float(manifest["avg_length"][level]) for level in LEVELS},
        )
        order = {e.doc_id: n for n, e in enumerate(entries)}

        def read_facts() -> list[Fact]:
            rows = self._rows(generation, serial, "facts", ["n", *milvus_rows.FACT_FIELDS])
            rows.sort(key=lambda r: (order.get(r["doc_id"], len(order)), r["n"]))
            return [milvus_rows.fact(row) for row in rows]

        snapshot = MilvusSnapshot.assemble(
            version, manifest, records, layout_of(entries), {e.doc_id: e.info for e in entries}, (), {}, {}
        )
        return replace(snapshot, engine=search, fact_table=FactTable(read_facts)), {}

    def _rows(self, generation: int, serial: int, kind: str, fields: list[str]) -> list[dict]:
        """Every row of version ``serial`` in one collection."""
        name = collection_name(generation, kind)
        self._load(name)
        return read_rows(self.client, name, visible(serial), fields)
