"""Where index versions live: the local index directory (the default) or Milvus (``milvus:<uri>``).

A :class:`Store` saves embedded document records as a new version, publishes it atomically and
loads the live one as a :class:`~nekb.snapshot.Snapshot`; builds, search, answers and facts see
only that interface. Both stores keep the write lock and the OCR cache in the local index
directory.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, runtime_checkable

from . import persist, store
from .errors import InputError
from .pipeline import DocumentRecord
from .snapshot import Snapshot

MILVUS_PREFIX = "milvus:"


@runtime_checkable
class Store(Protocol):
    """Versioned, crash-safe storage of index versions."""

    index_dir: Path  # local working directory: write lock and OCR cache

    def live(self) -> str | None:
        """Name of the live version, None before the first build."""
        ...

    def require(self) -> str:
        """Name of the live version, or IndexMissingError saying what to run."""
        ...

    def load_latest(
        self, expected_model: str | None = None, skip: frozenset[str] = frozenset()
    ) -> tuple[Snapshot, dict[str, str]]:
        """The newest intact version and ``{damaged version: reason}`` passed over for it."""
        ...

    def save(
        self, records: list[DocumentRecord], model: str, dim: int, settings: dict, *, full: bool = True
    ) -> str:
        """Write ``records`` (every document) as a new version, make it live, drop old ones; return
        its name. ``full=False`` says the live version holds the same model and settings, so a store
        may write only the documents that differ from it."""
        ...

    def collect_garbage(self) -> None:
        """Drop what a crashed build left behind."""
        ...

    def write_lock(self, wait_seconds: float) -> AbstractContextManager[None]:
        """Hold the store's single-writer lock."""
        ...


class LocalStore:
    """Versions as directories under ``index_dir`` (:mod:`nekb.store`, :mod:`nekb.persist`)."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)

    def __repr__(self) -> str:
        return f"LocalStore({str(self.index_dir)!r})"

    def live(self) -> str | None:
        """Name of the live version directory."""
        version = store.current_version(self.index_dir)
        return version.name if version is not None else None

    def require(self) -> str:
        """Name of the live version directory, or IndexMissingError."""
        return store.require_version(self.index_dir).name

    def load_latest(
        self, expected_model: str | None = None, skip: frozenset[str] = frozenset()
    ) -> tuple[Snapshot, dict[str, str]]:
        """The newest intact version directory, loaded (see :func:`nekb.persist.load_latest`)."""
        return persist.load_latest(self.index_dir, expected_model, skip)

    def save(
        self, records: list[DocumentRecord], model: str, dim: int, settings: dict, *, full: bool = True
    ) -> str:
        """Write a version directory (always whole: ``full`` is ignored), then flip CURRENT to it."""
        version = store.new_version_dir(self.index_dir)
        persist.save_snapshot(version, records, model, dim, settings)
        store.publish(version)
        return version.name

    def collect_garbage(self) -> None:
        """Delete partial and superseded version directories."""
        store.collect_garbage(self.index_dir)

    def write_lock(self, wait_seconds: float) -> AbstractContextManager[None]:
        """The index directory's lock file."""
        return store.write_lock(self.index_dir, wait_seconds=wait_seconds)


def parse_store(spec: str | Store | None, index_dir: str | Path) -> Store:
    """The store ``spec`` names: None, ``""`` or ``"local"`` for the index directory itself,
    ``"milvus:<path>.db"`` for Milvus Lite in this process, ``"milvus:http://host:19530"`` for a
    Milvus server; a Store is returned as is."""
    if spec is None or isinstance(spec, Store):
        return spec if spec is not None else LocalStore(index_dir)
    if spec in ("", "local"):
        return LocalStore(index_dir)
    if spec.startswith(MILVUS_PREFIX) and spec[len(MILVUS_PREFIX) :].strip():
        from .milvus_store import MilvusStore  # pymilvus loads only when a Milvus store is used

        return MilvusStore(spec[len(MILVUS_PREFIX) :].strip(), index_dir)
    raise InputError(
        f"unknown store {spec!r}: use 'local', 'milvus:<dir>/kb.db' or 'milvus:http://host:19530'"
    )


def copy_latest(source: Store, target: Store) -> str:
    """Copy the live version of ``source`` into ``target`` as its new live version, without
    embedding anything again (how a local index moves to Milvus); return the new version's name."""
    snapshot, _ = source.load_latest()
    records = [snapshot.document(info.doc_id) for info in snapshot.documents()]
    return target.save(records, snapshot.model, snapshot.dim, dict(snapshot.manifest.get("settings", {})))


def copy_index(
    index_dir: str | Path, source: str | Store | None, target: str | Store, wait_seconds: float = 60.0
) -> str:
    """Copy the live version of the store ``source`` names into the one ``target`` names (both
    with ``index_dir`` as their local directory), holding the write lock; return the new version."""
    source_store, target_store = parse_store(source, index_dir), parse_store(target, index_dir)
    if repr(source_store) == repr(target_store):
        raise InputError(f"copy: {target!r} is the store being copied")
    with target_store.write_lock(wait_seconds):
        return copy_latest(source_store, target_store)
