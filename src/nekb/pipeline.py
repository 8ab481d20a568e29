"""Turn one cleaned document into what the indexes need: sentences, chunks, tokens and facts."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np

from .chunk import make_chunks, split_sentences
from .facts import extract_facts
from .normalize import SearchNormalizer
from .segment import Segmenter
from .sentence_tags import SentenceTagger
from .types import Chunk, CleanDocument, DocumentInfo, Fact, page_at

CHUNK_CHARS = 250
CHUNK_OVERLAP = 1


@dataclass
class DocumentData:
    """Everything the index stores about one document; ``vectors`` holds one row per chunk."""

    info: DocumentInfo
    text: str
    page_starts: tuple[int, ...]
    sentences: list[tuple[int, int]]
    chunk_ranges: list[tuple[int, int]]  # sentence index ranges, last exclusive
    chunk_tokens: list[list[str]]
    sentence_tokens: list[list[str]]
    facts: list[Fact]
    vectors: np.ndarray | None = None  # one row per chunk
    sentence_vectors: np.ndarray | None = None  # one row per sentence
    warnings: tuple[str, ...] = field(default=())
    sentence_tags: list[list[tuple[int, int, str]]] = field(default_factory=list)  # sentence_tags.py

    def chunk_span(self, i: int) -> tuple[int, int]:
        """Character offsets of chunk ``i``."""
        first, last = self.chunk_ranges[i]
        return self.sentences[first][0], self.sentences[last - 1][1]

    def chunks(self, first_id: int = 0) -> list[Chunk]:
        """The document's chunks, numbered from ``first_id``."""
        out = []
        for i in range(len(self.chunk_ranges)):
            start, end = self.chunk_span(i)
            page = page_at(self.page_starts, start)
            out.append(Chunk(first_id + i, self.info.doc_id, start, end, page, self.text[start:end]))
        return out

    def sentence_texts(self, normalizer: SearchNormalizer) -> list[str]:
        """The search form of each sentence: what gets embedded and tokenized."""
        return [normalizer.search_form(self.text[s:e]) for s, e in self.sentences]


@contextmanager
def timed(timings: dict[str, float] | None, stage: str):
    """Add the wall time of the block to ``timings[stage]`` (when a dict is given)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def process_document(
    info: DocumentInfo,
    document: CleanDocument,
    segmenter: Segmenter,
    normalizer: SearchNormalizer,
    chunk_chars: int = CHUNK_CHARS,
    overlap: int = CHUNK_OVERLAP,
    timings: dict[str, float] | None = None,
) -> DocumentData:
    """Split, chunk, tokenize and extract facts from one cleaned document (no embedding yet)."""
    text = document.text
    with timed(timings, "chunk"):
        sentences = split_sentences(text)
        chunk_ranges = make_chunks(sentences, max_chars=chunk_chars, overlap=overlap)
    with timed(timings, "facts"):
        facts = extract_facts(info.doc_id, text, sentences, tuple(document.page_starts))
    data = DocumentData(
        info=replace(
            info, chars=len(text), pages=len(document.page_starts), chunks=len(chunk_ranges), facts=len(facts)
        ),
        text=text,
        page_starts=tuple(document.page_starts),
        sentences=sentences,
        chunk_ranges=chunk_ranges,
        chunk_tokens=[],
        sentence_tokens=[],
        facts=facts,
        warnings=tuple(document.warnings),
    )
    with timed(timings, "segment"):
        data.sentence_tokens = [segmenter.tokens(t) for t in data.sentence_texts(normalizer)]
        # Sentences end at punctuation, where jieba cuts anyway: a chunk's tokens are its sentences'.
        tokens = data.sentence_tokens
        data.chunk_tokens = [[t for s in range(a, b) for t in tokens[s]] for a, b in chunk_ranges]
    with timed(timings, "tag"):
        data.sentence_tags = SentenceTagger(segmenter, normalizer).tag_all([text[s:e] for s, e in sentences])
    return data
