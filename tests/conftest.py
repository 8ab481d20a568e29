"""Shared fixtures: the shipped corpus indexed once per session with the real e5 model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nekb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EVAL = ROOT / "eval"


@pytest.fixture(scope="session")
def real_index(tmp_path_factory) -> Path:
    """An index of the shipped corpus built with the default e5 model (about 25 s, once per session)."""
    index_dir = tmp_path_factory.mktemp("real") / "index"
    KnowledgeBase.build(CORPUS, index_dir, model="e5")
    return index_dir


@pytest.fixture(scope="session")
def real_kb(real_index) -> KnowledgeBase:
    """The shipped corpus, opened read-only; tests must not modify it."""
    return KnowledgeBase.open(real_index, CORPUS)


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
