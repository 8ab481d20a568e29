from conftest import CORPUS

from nekb import KnowledgeBase
from nekb.docstore import DocStore
from nekb.snapshot import load_snapshot
from nekb.store import require_version


def test_docstore_reads_what_the_snapshot_holds(tmp_path):
    index_dir = tmp_path / "index"
    KnowledgeBase.build(CORPUS, index_dir, model="hash")
    snapshot = load_snapshot(require_version(index_dir))
    DocStore.write(tmp_path / "docs.sqlite", snapshot.documents.values())
    store = DocStore.open(tmp_path / "docs.sqlite")

    assert store.chunk_count == len(snapshot.chunks)
    assert store.sentence_count == len(snapshot.sentence_chunks)
    ids = [len(snapshot.chunks) - 1, 0, 7]
    assert store.chunks(ids) == [snapshot.chunks[i] for i in ids]  # text, offsets and page alike
    sentences = list(range(0, store.sentence_count, 37))
    assert store.chunks_of_sentences(sentences) == [snapshot.sentence_chunks[i] for i in sentences]
    all_tokens = [t for d in snapshot.documents.values() for t in d.sentence_tokens]
    assert store.sentence_tokens(sentences) == [all_tokens[i] for i in sentences]
    for doc_id, doc in snapshot.documents.items():
        assert store.document_text(doc_id) == doc.text
    assert store.document_text("missing.txt") is None
    assert store.facts() == snapshot.facts
    fact = snapshot.facts[0]
    assert fact in store.facts(entity=fact.entity[:2], doc_id=fact.doc_id)
    assert all(f.doc_id == fact.doc_id for f in store.facts(doc_id=fact.doc_id))
