"""Shared fixtures: the shipped corpus indexed once per session with the real e5 model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nekb import KnowledgeBase
from nekb.resources import Resources

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EVAL = ROOT / "eval"


@pytest.fixture(scope="session")
def resources() -> Resources:
    """e5, jieba and OpenCC loaded once for the whole session (what the CLI tests pass as ``obj``)."""
    return Resources()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, resources) -> Path:
    """An index of the shipped corpus built with the default e5 model (about 20 s, once per session)."""
    index_dir = tmp_path_factory.mktemp("real") / "index"
    KnowledgeBase.build(CORPUS, index_dir, model="e5", resources=resources)
    return index_dir


@pytest.fixture(scope="session")
def real_kb(real_index, resources) -> KnowledgeBase:
    """The shipped corpus, opened read-only; tests must not modify it."""
    return KnowledgeBase.open(CORPUS, real_index, resources=resources)


@pytest.fixture(scope="session")
def run_cli(resources):
    """Run ``nekb ARGS`` through click's CliRunner with the session's loaded models."""
    from click.testing import CliRunner

    from nekb.cli import cli

    def run(*args, catch_exceptions: bool = False, **kwargs):
        runner = CliRunner()
        return runner.invoke(
            cli, [str(a) for a in args], obj=resources, catch_exceptions=catch_exceptions, **kwargs
        )

    return run


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the shipped corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def write_docs(folder: Path, docs: dict[str, str | bytes]) -> Path:
    """Create a small corpus folder from ``{file name: text or bytes}``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in docs.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


SMALL_DOCS = {
    "heilongjiang.txt": "黑龙江省2024年常住人口减少33万人。黑龙江:出生率3.35‰。"
    "七台河市人口从92万减少到69万。",
    "liaoning.md": "# 辽宁\n\n辽宁2016年地区生产总值增速为-2.5%。沈阳课外辅导支出占家庭收入的43%。",
    "traditional.txt": "東北地區(qū)人口淨流出持續。黑龍江流出393萬人口。",
}


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Three tiny documents (one Markdown, one in Traditional script with pinyin artefacts)."""
    return write_docs(tmp_path / "corpus", SMALL_DOCS)


def hand_built_records(documents: dict[str, list[str]], dim: int = 8, seed: int = 0) -> list:
    """Embedded document records made by hand: each sentence is a line of space-separated tokens,
    chunks are consecutive sentence pairs overlapping by one, vectors are random unit rows."""
    import numpy as np

    from nekb.pipeline import DocumentRecord
    from nekb.types import DocumentInfo

    rng = np.random.default_rng(seed)
    records = []
    for doc_id, sentences in documents.items():
        text, spans = "", []
        for sentence in sentences:
            spans.append((len(text), len(text) + len(sentence)))
            text += sentence + "\n"
        n = len(sentences)
        chunk_ranges = tuple((i, min(i + 2, n)) for i in range(max(n - 1, 1)))
        vectors = rng.normal(size=(n, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        chunk_vectors = rng.normal(size=(len(chunk_ranges), dim)).astype(np.float32)
        chunk_vectors /= np.linalg.norm(chunk_vectors, axis=1, keepdims=True)
        record = DocumentRecord(
            info=DocumentInfo(doc_id, title=doc_id, chunks=len(chunk_ranges)),
            text=text,
            page_starts=(),
            sentences=tuple(spans),
            chunk_ranges=chunk_ranges,
            sentence_tokens=tuple(tuple(s.split()) for s in sentences),
            facts=(),
        )
        records.append(record.with_vectors(vectors, chunk_vectors))
    return records


def hand_built_snapshot(documents: dict[str, list[str]], dim: int = 8, seed: int = 0):
    """A :class:`Snapshot` over :func:`hand_built_records` with exact dense and BM25 indexes."""
    import numpy as np

    from nekb.index import DenseIndex, SparseIndex
    from nekb.snapshot import Snapshot

    records = hand_built_records(documents, dim, seed)

    def stack(arrays):
        return np.concatenate(arrays) if arrays else np.zeros((0, dim), np.float32)

    vectors = {
        "chunk": stack([r.chunk_vectors for r in records]),
        "sentence": stack([r.sentence_vectors for r in records]),
    }
    tokens = {
        "chunk": [r.chunk_tokens(i) for r in records for i in range(len(r.chunk_ranges))],
        "sentence": [list(t) for r in records for t in r.sentence_tokens],
    }
    dense = {level: DenseIndex.build(v, "flat") for level, v in vectors.items()}
    sparse = {level: SparseIndex.build(t) for level, t in tokens.items()}
    manifest = {"model": "hand", "dim": dim}
    return Snapshot.from_records("v-hand", manifest, records, dense, sparse)


def assert_quoted_from_cited_passages(claim, answer) -> None:
    """The claim's citations name retrieved passages of its document that overlap it and together hold
    every character of it (one passage, or two that meet when a quote runs over their border)."""
    assert claim.citations, claim
    held = set()
    for n in claim.citations:
        hit = answer.passage(n)
        assert hit.doc_id == claim.doc_id and hit.start < claim.end and claim.start < hit.end
        held.update(range(hit.start, hit.end))
    assert set(range(claim.start, claim.end)) <= held, claim
