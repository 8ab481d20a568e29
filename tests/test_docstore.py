"""The SQLite document store prototype reads back what a snapshot holds (issue 16, local store at scale)."""

from conftest import CORPUS

from nekb import KnowledgeBase
from nekb.docstore import DocStore
from nekb.persist import load_latest


def test_docstore_reads_what_the_snapshot_holds(tmp_path):
    index_dir = tmp_path / "index"
    KnowledgeBase.build(CORPUS, index_dir, model="hash")
    snapshot, _ = load_latest(index_dir)
    records = list(snapshot.records.values())
    DocStore.write(tmp_path / "docs.sqlite", records)
    store = DocStore.open(tmp_path / "docs.sqlite")

    assert store.chunk_count == snapshot.size("chunk")
    assert store.sentence_count == snapshot.size("sentence")
    ids = [snapshot.size("chunk") - 1, 0, 7]
    assert store.chunks(ids) == [snapshot.chunk(i) for i in ids]  # text, offsets and page alike
    sentences = list(range(0, store.sentence_count, 37))
    expected = [tuple(snapshot.chunks_of_sentences([i])) for i in sentences]
    assert store.chunks_of_sentences(sentences) == expected
    all_tokens = [list(t) for r in records for t in r.sentence_tokens]
    assert store.sentence_tokens(sentences) == [all_tokens[i] for i in sentences]
    for record in records:
        assert store.document_text(record.doc_id) == record.text
    assert store.document_text("missing.txt") is None
    assert tuple(store.facts()) == snapshot.facts
    fact = snapshot.facts[0]
    assert fact in store.facts(entity=fact.entity[:2], doc_id=fact.doc_id)
    assert all(f.doc_id == fact.doc_id for f in store.facts(doc_id=fact.doc_id))
