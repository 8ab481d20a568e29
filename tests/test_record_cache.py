"""CachedRecords: each document read once while cached, the oldest dropped, unknown ids refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from nekb import record_cache
from nekb.pipeline import DocumentRecord
from nekb.record_cache import CachedRecords
from nekb.types import DocumentInfo


class Counting(CachedRecords):
    """Documents made on demand, counting the reads."""

    def __init__(self, doc_ids: list[str]) -> None:
        super().__init__(doc_ids)
        self.reads: list[str] = []

    def _load(self, doc_id: str) -> DocumentRecord:
        self.reads.append(doc_id)
        info = DocumentInfo(doc_id=doc_id, title=doc_id)
        return DocumentRecord(info, doc_id, (), (), (), (), ())


def test_reads_once_while_cached_and_drops_the_oldest(monkeypatch):
    monkeypatch.setattr(record_cache, "CACHED_DOCUMENTS", 2)
    records = Counting(["a", "b", "c"])
    assert records["a"] is records["a"] and records.reads == ["a"]
    records["b"], records["a"], records["c"]  # "b" is now the oldest
    assert records.reads == ["a", "b", "c"]
    records["a"], records["b"]
    assert records.reads == ["a", "b", "c", "b"]


def test_is_a_mapping_of_its_ids_only():
    records = Counting(["x.txt", "y.txt"])
    assert list(records) == ["x.txt", "y.txt"] and len(records) == 2
    assert "x.txt" in records and "z.txt" not in records
    assert records.get("z.txt") is None and not records.reads
    with pytest.raises(KeyError):
        records["z.txt"]


def test_threads_get_their_own_documents():
    records = Counting([f"{n}.txt" for n in range(10)])
    ids = [f"{n % 10}.txt" for n in range(400)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda d: records[d].text, ids)) == ids
