"""A read-only mapping of a version's documents, each read when first asked for and kept a while.

Both stores open a version without reading its documents (``lazy_records.py`` from the index
directory, ``milvus_records.py`` from Milvus); a query touches a handful of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence

from .pipeline import DocumentRecord

# Parsed documents kept per snapshot: enough for every passage of a few concurrent queries.
CACHED_DOCUMENTS = 64


class CachedRecords(Mapping[str, DocumentRecord]):
    """doc_id → :class:`DocumentRecord`, read by :meth:`_load` on first use, the last
    CACHED_DOCUMENTS kept. Safe to share between threads."""

    def __init__(self, doc_ids: Sequence[str]) -> None:
        self._doc_ids = tuple(doc_ids)
        self._ordinal = {d: n for n, d in enumerate(self._doc_ids)}
        self._cache: OrderedDict[str, DocumentRecord] = OrderedDict()
        self._lock = threading.Lock()

    def _load(self, doc_id: str) -> DocumentRecord:
        """Read one document (a known id)."""
        raise NotImplementedError

    def __getitem__(self, doc_id: str) -> DocumentRecord:
        with self._lock:
            if doc_id in self._cache:
                self._cache.move_to_end(doc_id)
                return self._cache[doc_id]
        if doc_id not in self._ordinal:
            raise KeyError(doc_id)
        record = self._load(doc_id)
        with self._lock:
            self._cache[doc_id] = record
            while len(self._cache) > CACHED_DOCUMENTS:
                self._cache.popitem(last=False)
        return record

    def __iter__(self) -> Iterator[str]:
        return iter(self._doc_ids)

    def __len__(self) -> int:
        return len(self._doc_ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._ordinal
