"""doc@1 of nekb against two common baselines on a question set with a ``doc`` field per question.

python benchmarks/bench_baselines.py [--set DIR ...] [--scratch DIR] [--out benchmarks/BASELINES.md]

- ``bm25``: plain jieba BM25 (``jieba.lcut_for_search`` tokens, bm25s) over 750-character chunks;
- ``ensemble``: a Langchain-Chatchat-like retriever: that BM25 and e5 (``passage:``/``query:``, FAISS
  inner product) over the same chunks, fused by weighted reciprocal rank fusion (weights 0.5/0.5, k=60),
  like Langchain's EnsembleRetriever;
- ``nekb``: ``kb.search`` (k=5) on nekb's own index of the same articles.

Chunks follow Chatchat's defaults: 750 characters with 150 of overlap, cut at sentence ends where
possible (its ChineseRecursiveTextSplitter). Texts go in as they are (no script conversion), as the
baselines would see them. Each set is a folder with ``corpus/`` and ``questions.jsonl``. e5 vectors are
cached in the scratch folder (the real model's, computed once).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import bm25s
import faiss
import jieba
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "scripts"))
from scratch_kb import CachedEmbedder, scratch_kb  # noqa: E402

CHUNK_CHARS = 750
OVERLAP_CHARS = 150
RRF_K = 60
DEPTH = 20  # how many chunks each retriever hands to fusion
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def chunk_text(text: str, size: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Greedy chunks of whole sentences up to ``size`` characters; each starts ~``overlap`` back."""
    pieces = [p for p in _SENTENCE_END.split(text) if p.strip()]
    split: list[str] = []
    for piece in pieces:  # a sentence longer than a chunk is cut hard
        split.extend(piece[i : i + size] for i in range(0, len(piece), size))
    chunks, current = [], ""
    for piece in split:
        if current and len(current) + len(piece) > size:
            chunks.append(current)
            current = current[-overlap:] if overlap else ""
        current += piece
    if current.strip():
        chunks.append(current)
    return chunks


class Baselines:
    """BM25 and e5 indexes over 750-character chunks of one corpus folder."""

    def __init__(self, corpus: Path, embedder: CachedEmbedder) -> None:
        self.tokenizer = jieba.Tokenizer()
        self.chunks: list[str] = []
        self.doc_of: list[str] = []
        for path in sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix in {".txt", ".md"}):
            for chunk in chunk_text(path.read_text(encoding="utf-8")):
                self.chunks.append(chunk)
                self.doc_of.append(path.name)
        self.bm25 = bm25s.BM25()
        self.bm25.index([self._tokens(c) for c in self.chunks], show_progress=False)
        self.embedder = embedder
        vectors = embedder.embed_passages(self.chunks)
        self.dense = faiss.IndexFlatIP(vectors.shape[1])
        self.dense.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self.tokenizer.lcut_for_search(text) if t.strip()] or ["\u2205"]

    def bm25_ranking(self, question: str) -> list[int]:
        """Chunk ids by BM25, best first."""
        ids = self.bm25.get_tokens_ids(self._tokens(question))
        scores = np.asarray(self.bm25.get_scores_from_ids(ids)) if ids else np.zeros(len(self.chunks))
        return [int(i) for i in np.argsort(-scores, kind="stable")[:DEPTH] if scores[i] > 0]

    def dense_ranking(self, vector: np.ndarray) -> list[int]:
        """Chunk ids by e5 cosine, best first."""
        faiss.omp_set_num_threads(1)
        return self.dense.search(vector.reshape(1, -1).astype(np.float32), DEPTH)[1][0].tolist()

    def ensemble_ranking(self, question: str, vector: np.ndarray) -> list[int]:
        """Weighted RRF of the two rankings, 0.5 each."""
        scores: dict[int, float] = {}
        for ranking in (self.bm25_ranking(question), self.dense_ranking(vector)):
            for rank, chunk in enumerate(ranking, start=1):
                scores[chunk] = scores.get(chunk, 0.0) + 0.5 / (RRF_K + rank)
        return sorted(scores, key=lambda c: -scores[c])


def doc_at(ranked_docs: list[list[str]], gold: list[str], k: int) -> float:
    """Share of questions whose gold document is among the first ``k`` distinct ranked documents."""
    hits = 0
    for docs, doc in zip(ranked_docs, gold, strict=True):
        hits += doc in list(dict.fromkeys(docs))[:k]
    return round(hits / max(len(gold), 1), 4)


def run_set(folder: Path, scratch: Path, embedder: CachedEmbedder) -> dict:
    """doc@1 and doc@5 of the three retrievers on one set."""
    rows = [json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8") if line.strip()]
    questions, gold = [r["q"] for r in rows], [r["doc"] for r in rows]
    started = time.perf_counter()
    base = Baselines(folder / "corpus", embedder)
    vectors = embedder.embed_queries_cached(questions)
    bm25 = [[base.doc_of[c] for c in base.bm25_ranking(q)] for q in questions]
    ensemble = [
        [base.doc_of[c] for c in base.ensemble_ranking(q, v)] for q, v in zip(questions, vectors, strict=True)
    ]
    kb = scratch_kb(folder / "corpus", scratch / f"idx-{folder.name}", embedder.cache_dir, embedder)
    nekb_vectors = embedder.embed_queries_cached([kb.parse(q).dense_text for q in questions])
    nekb = [
        [h.doc_id for h in kb.search(kb.parse(q), v, 5)] for q, v in zip(questions, nekb_vectors, strict=True)
    ]
    out = {"set": str(folder), "questions": len(rows), "chunks_750": len(base.chunks)}
    for name, ranked in (("bm25", bm25), ("ensemble", ensemble), ("nekb", nekb)):
        out[name] = {"doc@1": doc_at(ranked, gold, 1), "doc@5": doc_at(ranked, gold, 5)}
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def to_markdown(results: list[dict]) -> str:
    """The results as a Markdown table."""
    lines = [
        "# doc@1: nekb against plain BM25 and a Langchain-Chatchat-like ensemble",
        "",
        "Produced by `python benchmarks/bench_baselines.py`; see its docstring for the baselines.",
        "",
        "| set | questions | jieba BM25 doc@1 | ensemble doc@1 | nekb doc@1 "
        "| BM25 doc@5 | ensemble doc@5 | nekb doc@5 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {Path(r['set']).name} | {r['questions']} | {r['bm25']['doc@1']:.3f} | "
            f"{r['ensemble']['doc@1']:.3f} | {r['nekb']['doc@1']:.3f} | {r['bm25']['doc@5']:.3f} | "
            f"{r['ensemble']['doc@5']:.3f} | {r['nekb']['doc@5']:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", type=Path, action="append")
    parser.add_argument("--scratch", type=Path, default=ROOT.parent / "scratch-ranker")
    parser.add_argument("--out", type=Path, default=HERE / "BASELINES.md")
    args = parser.parse_args()
    sets = args.sets or [ROOT.parent / "shared/eval/cmrc2018-trial"]
    embedder = CachedEmbedder(args.scratch / "e5cache")
    results = [run_set(folder, args.scratch, embedder) for folder in sets]
    print(json.dumps(results, indent=1))
    args.out.write_text(to_markdown(results), encoding="utf-8")


if __name__ == "__main__":
    main()
