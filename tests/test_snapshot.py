"""Snapshot's array layout against a brute-force reading of its records."""

import itertools
from dataclasses import replace

import numpy as np
from conftest import hand_built_records

from nekb.snapshot import Layout, Snapshot

DOCS = {
    "a.txt": ["一 二", "三 四", "五 六", "七 八"],  # chunks overlap by a sentence
    "b.txt": ["九"],  # one sentence, one chunk
    "c.txt": ["十 十一", "十二"],
}


def brute_force_holders(records) -> dict[int, list[int]]:
    """Global sentence id -> global ids of the chunks holding it, by walking every chunk."""
    holders: dict[int, list[int]] = {}
    chunk_id = sentence_base = 0
    for record in records:
        for first, last in record.chunk_ranges:
            for s in range(first, last):
                holders.setdefault(sentence_base + s, []).append(chunk_id)
            chunk_id += 1
        sentence_base += len(record.sentences)
    return holders


def test_chunks_of_sentences_match_brute_force():
    records = hand_built_records(DOCS)
    snap = Snapshot.from_records("v", {"model": "hand", "dim": 8}, records, {}, {})
    holders = brute_force_holders(records)
    assert snap.size("sentence") == len(holders) == 7
    for sentence_id, chunk_ids in holders.items():
        assert snap.chunks_of_sentences([sentence_id]) == chunk_ids
    for order in itertools.permutations(range(7), 3):
        expected = list(dict.fromkeys(c for s in order for c in holders[s]))
        assert snap.chunks_of_sentences(order) == expected


def test_chunk_text_page_and_owner_come_from_the_layout():
    records = hand_built_records(DOCS)
    snap = Snapshot.from_records("v", {"model": "hand", "dim": 8}, records, {}, {})
    expected = [c for r in records for c in r.chunks()]  # numbered within each document
    for chunk_id, chunk in enumerate(expected):
        assert snap.chunk(chunk_id) == replace(chunk, chunk_id=chunk_id)
    layout = Layout.of_records(records)
    assert layout.owners("chunk").tolist() == [0, 0, 0, 1, 2]
    assert np.array_equal(layout.first_sentence, [0, 4, 5, 7])
