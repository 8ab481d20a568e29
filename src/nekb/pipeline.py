"""Turn one cleaned document into what the indexes need: sentences, chunks, tokens and facts."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .chunk import make_chunks, split_sentences
from .corpus import with_own_metadata
from .facts import FactExtractor
from .normalize import SearchNormalizer
from .segment import Segmenter
from .sentence_tags import SentenceTagger
from .tables import document_facts
from .types import Chunk, CleanDocument, DocumentInfo, Fact, page_at

CHUNK_CHARS = 250
CHUNK_OVERLAP = 1
# DocumentInfo fields that come from the file itself, not from sources.toml.
OWN_FIELDS = ("chars", "pages", "chunks", "facts", "ocr_confidence", "document_title", "document_date")
# A title this short names what the document is about (a person, a place, a work), which its sentences
# mostly leave implicit (他, 该, or nothing at all): each sentence is embedded after it, so a sentence
# is found by the subject it is about. A longer title is a headline whose words the text states
# itself; put before every sentence it would pull them all toward the collection's shared topic.
TITLE_CONTEXT_CHARS = 16
_FILE_NUMBER = re.compile(r"^\d+[-_. ]+")  # 0001-… in a file name: an order, not a subject


def title_name(info: DocumentInfo) -> str:
    """A document's title as a reader names it: a title that is only the file name counts without
    its extension and leading number."""
    title = info.title.strip()
    if title == Path(info.doc_id).name:
        title = _FILE_NUMBER.sub("", Path(title).stem).strip()
    return title


def title_context(info: DocumentInfo) -> str:
    """The title a document's sentences are embedded after ("" when it is a headline, not a name)."""
    title = title_name(info)
    return title if len(title) <= TITLE_CONTEXT_CHARS else ""


@dataclass(frozen=True, eq=False)
class DocumentRecord:
    """Everything the index holds about one document; immutable once made.

    ``sentences`` are ``(start, end)`` offsets into ``text``; ``chunk_ranges`` are ``(first, last)``
    sentence index ranges (last exclusive). The vectors (one row per sentence, one per chunk) are
    absent until the document is embedded: :meth:`with_vectors` returns the embedded record.
    """

    info: DocumentInfo
    text: str
    page_starts: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]
    chunk_ranges: tuple[tuple[int, int], ...]
    sentence_tokens: tuple[tuple[str, ...], ...]
    facts: tuple[Fact, ...]
    warnings: tuple[str, ...] = ()
    # Per sentence, (start, end, kind) spans of persons, places, times, figures… (sentence_tags.py),
    # in offsets within the sentence: what the ranker's answer-type features and focus read.
    sentence_tags: tuple[tuple[tuple[int, int, str], ...], ...] = ()
    sentence_vectors: np.ndarray | None = None
    chunk_vectors: np.ndarray | None = None

    @property
    def doc_id(self) -> str:
        """The document's id (its path inside the corpus folder)."""
        return self.info.doc_id

    def chunk_span(self, i: int) -> tuple[int, int]:
        """Character offsets of chunk ``i``."""
        first, last = self.chunk_ranges[i]
        return self.sentences[first][0], self.sentences[last - 1][1]

    def chunk_tokens(self, i: int) -> list[str]:
        """BM25 tokens of chunk ``i``: its sentences' tokens (sentences end where jieba cuts anyway)."""
        first, last = self.chunk_ranges[i]
        return [t for s in range(first, last) for t in self.sentence_tokens[s]]

    def chunks(self, first_id: int = 0) -> list[Chunk]:
        """The document's chunks, numbered from ``first_id``."""
        out = []
        for i in range(len(self.chunk_ranges)):
            start, end = self.chunk_span(i)
            page = page_at(self.page_starts, start)
            out.append(Chunk(first_id + i, self.doc_id, start, end, page, self.text[start:end]))
        return out

    def sentence_forms(self, normalizer: SearchNormalizer) -> list[str]:
        """The search form of each sentence (what was tokenized; :meth:`embedding_texts` embeds it)."""
        return [normalizer.search_form(self.text[s:e]) for s, e in self.sentences]

    def embedding_texts(self, normalizer: SearchNormalizer, forms: list[str] | None = None) -> list[str]:
        """What gets embedded: each sentence's search form (``forms``, when the caller has them from
        :meth:`sentence_forms`) after the :func:`title_context`, if any."""
        context = title_context(self.info)
        prefix = f"{normalizer.search_form(context)}：" if context else ""
        return [prefix + form for form in (self.sentence_forms(normalizer) if forms is None else forms)]

    def with_vectors(self, sentence_vectors: np.ndarray, chunk_vectors: np.ndarray) -> DocumentRecord:
        """This record with its embeddings (one row per sentence, one per chunk)."""
        return replace(self, sentence_vectors=sentence_vectors, chunk_vectors=chunk_vectors)

    def with_info(self, info: DocumentInfo, extractor: FactExtractor) -> DocumentRecord:
        """This record under new sources.toml metadata; what the file itself gave (counts, its own
        title and date, OCR confidence) stays the document's.

        The facts stated in prose are extracted again when the title or date changed (they fix
        今年 and the document's subject); facts from table cells stay.
        """
        own = {k: getattr(self.info, k) for k in OWN_FIELDS}
        info = with_own_metadata(replace(info, **own))
        if info == self.info:
            return self
        if (info.title, info.date) == (self.info.title, self.info.date):
            return replace(self, info=info)
        cells = tuple(f for f in self.facts if f.location)
        taken = {f.start for f in cells}
        prose = [span for span in self.sentences if span[0] not in taken]
        facts = (*extractor.extract(self.doc_id, self.text, prose, self.page_starts, info), *cells)
        return replace(self, info=replace(info, facts=len(facts)), facts=tuple(facts))


def token_lists(records: Sequence[DocumentRecord]) -> dict[str, list[list[str]]]:
    """BM25 token lists of every chunk and every sentence of ``records``, in index order."""
    return {
        "chunk": [r.chunk_tokens(i) for r in records for i in range(len(r.chunk_ranges))],
        "sentence": [list(t) for r in records for t in r.sentence_tokens],
    }


@contextmanager
def timed(timings: dict[str, float] | None, stage: str) -> Iterator[None]:
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
    extractor: FactExtractor | None = None,
) -> DocumentRecord:
    """Split, chunk, tokenize and extract facts from one cleaned document (no embedding yet).

    Pass one ``extractor`` for a whole build: it loads a tagger the first time it is used.
    """
    text = document.text
    with timed(timings, "chunk"):
        sentences = split_sentences(text)
        chunk_ranges = make_chunks(sentences, max_chars=chunk_chars, overlap=overlap)
    with timed(timings, "facts"):
        extractor = extractor or FactExtractor(segmenter.tokenizer)
        facts = document_facts(info, document, sentences, extractor)  # prose by rules, tables by cell
    with timed(timings, "segment"):
        forms = [normalizer.search_form(text[s:e]) for s, e in sentences]
        tokens = tuple(tuple(segmenter.tokens(form)) for form in forms)
    with timed(timings, "tag"):
        tagged = SentenceTagger(segmenter, normalizer).tag_all([text[s:e] for s, e in sentences])
        tags = tuple(tuple(tuple(span) for span in spans) for spans in tagged)
    own = {
        "chars": len(text),
        "pages": len(document.page_starts),
        "chunks": len(chunk_ranges),
        "facts": len(facts),
        "ocr_confidence": document.ocr_confidence,
        "document_title": document.title,
        "document_date": document.date,
    }
    return DocumentRecord(
        info=with_own_metadata(replace(info, **own)),
        text=text,
        page_starts=tuple(document.page_starts),
        sentences=tuple(sentences),
        chunk_ranges=tuple(chunk_ranges),
        sentence_tokens=tokens,
        facts=tuple(facts),
        sentence_tags=tags,
        warnings=tuple(document.warnings),
    )
