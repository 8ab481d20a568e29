"""Fact extraction of the shipped corpus: loading the part-of-speech tagger, then extracting.

``python benchmarks/bench_facts.py`` prints the RESULTS.md section on its own; ``make bench`` runs it
as one section of the full report. Each figure is the fastest of ``REPEATS`` runs, so other work on
the shared cores inflates it as little as possible.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nekb.chunk import split_sentences
from nekb.corpus import corpus_files, doc_id_for, document_info, load_sources
from nekb.facts import FactExtractor
from nekb.ingest import read_document
from nekb.segment import Segmenter

REPEATS = 5
# The facts stage before issue 13 (regexes and a gazetteer), from the make bench run of 2026-11-23.
GAZETTEER_FACTS_S = 0.09


def run(corpus_dir: Path) -> dict:
    """Time a fresh extractor over every document of ``corpus_dir`` (as one build uses one)."""
    sources = load_sources(corpus_dir)
    docs = []
    for path in corpus_files(corpus_dir):
        document = read_document(path)
        info = document_info(doc_id_for(path, corpus_dir), sources)
        docs.append((info, document, split_sentences(document.text)))
    loads, extracts, facts = [], [], 0
    for _ in range(REPEATS):
        extractor = FactExtractor(Segmenter().tokenizer)  # a fresh segmenter: the tagger takes its dictionary
        started = time.perf_counter()
        extractor.tagger  # noqa: B018 -- the load on first use, timed on its own
        loads.append(time.perf_counter() - started)
        started = time.perf_counter()
        facts = sum(
            len(extractor.extract(i.doc_id, d.text, spans, tuple(d.page_starts), i)) for i, d, spans in docs
        )
        extracts.append(time.perf_counter() - started)
    return {
        "documents": len(docs),
        "characters": sum(len(d.text) for _, d, _ in docs),
        "facts": facts,
        "tagger_load_s": round(min(loads), 3),
        "extract_s": round(min(extracts), 3),
        "repeats": REPEATS,
    }


def format_section(result: dict, build_s: float | None = None) -> str:
    """The RESULTS.md section; ``build_s`` (a full e5 build of the same corpus) gives the share."""
    stage = result["tagger_load_s"] + result["extract_s"]
    lines = [
        f"{result['documents']} documents, {result['characters']:,} characters, {result['facts']} facts; "
        f"the fastest of {result['repeats']} runs, each with a fresh extractor as one build uses:",
        "",
        "| part | seconds |",
        "|---|---|",
        f"| loading the part-of-speech tagger (once per build) | {result['tagger_load_s']:.2f} |",
        f"| extracting (numbers, entities, periods, indicators) | {result['extract_s']:.2f} |",
        f"| **facts stage** | **{stage:.2f}** |",
        "",
        f"The regex-and-gazetteer extractor it replaces took {GAZETTEER_FACTS_S:.2f} s.",
    ]
    if build_s:
        extra = stage - GAZETTEER_FACTS_S
        lines[-1] += (
            f" Against the full build of {build_s:.2f} s this adds {extra:.2f} s: the build is "
            f"{100 * extra / build_s:.1f}% slower (goal: at most 10%)."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    build = float(sys.argv[1]) if len(sys.argv) > 1 else None
    print(format_section(run(corpus), build))
