"""Documents read one at a time from a saved version: the same records, a bounded cache, shared safely."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from conftest import hand_built_records

from nekb import lazy_records, record_cache
from nekb.persist import load_snapshot, save_snapshot

DOCS = {f"d{n}.txt": [f"第{n}篇 人口 变化", f"第{n}篇 经济 增长"] for n in range(12)}


@pytest.fixture
def saved(tmp_path):
    records = hand_built_records(DOCS)
    save_snapshot(tmp_path, records, "hand", 8, {})
    return records, load_snapshot(tmp_path)


def test_each_record_reads_back_equal_to_the_one_saved(saved):
    records, snap = saved
    assert isinstance(snap.records, lazy_records.LazyRecords)
    assert list(snap.records) == [r.doc_id for r in records] and len(snap.records) == len(records)
    for before in reversed(records):  # any order: each line is read at its own offset
        after = snap.records[before.doc_id]
        assert (after.info, after.text, after.sentences) == (before.info, before.text, before.sentences)
        assert after.chunk_ranges == before.chunk_ranges and after.sentence_tags == before.sentence_tags
        assert np.array_equal(after.chunk_vectors, before.chunk_vectors)
    assert "missing.txt" not in snap.records
    with pytest.raises(KeyError):
        snap.records["missing.txt"]


def test_the_cache_keeps_only_the_latest_documents(saved, monkeypatch):
    records, snap = saved
    monkeypatch.setattr(record_cache, "CACHED_DOCUMENTS", 3)
    for record in records:
        snap.records[record.doc_id]
    assert list(snap.records._cache) == [r.doc_id for r in records[-3:]]
    assert snap.records[records[-1].doc_id] is snap.records[records[-1].doc_id]  # served from the cache


def test_threads_reading_at_once_get_the_right_documents(saved):
    records, snap = saved
    ids = [r.doc_id for r in records] * 20
    with ThreadPoolExecutor(max_workers=8) as pool:
        texts = list(pool.map(lambda doc_id: snap.document(doc_id).text, ids))
    expected = {r.doc_id: r.text for r in records}
    assert texts == [expected[d] for d in ids]
