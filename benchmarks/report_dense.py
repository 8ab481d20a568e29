"""The "Dense index at scale" section of RESULTS.md, from bench_dense.py's results."""

from __future__ import annotations

from pathlib import Path

from machine import format_machine
from report import _table
from sections import write_section

SECTION = "## Dense index at scale"
GOALS = {"recall@10": 0.95, "p50_ms": 60, "rss_gb": 8, "open_s": 2}


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes < 1e9 else f"{n_bytes / 1e9:.2f} GB"


def _curve(curve: dict[str, float]) -> str:
    return " / ".join(f"{v:.3f}" for v in curve.values())


def _profile(p: dict[str, list[float]]) -> str:
    return f"{p['top1'][2]:.3f} / {p['top10'][2]:.3f} / {p['top50'][2]:.3f}"


def _spread(values: list[float]) -> str:
    return f"{values[0]:.3f}–{values[-1]:.3f} (median {values[2]:.3f})"


def method_text(results: dict) -> str:
    """How the real and synthetic vectors were made, in prose."""
    c, s = results["counts"], results["settings"]
    return (
        "Produced by `benchmarks/bench_dense.py` (the numbers are as measured in that run, "
        f"{results['total_s'] / 60:.0f} minutes). nekb's `DenseIndex` searches exactly up to "
        f"{s['FLAT_MAX_VECTORS']:,} vectors (over the memory-mapped `.npy`); above that it keeps an IVF "
        "index of 4-bit product-quantization codes (one 4-bit code per 2 dimensions: 96 bytes per 384-d "
        "vector, scanned with SIMD) with about "
        f"{s['LISTS_PER_SQRT']}·√n lists (a power of two, at most "
        f"{s['MAX_LISTS']:,}), probes {s['PROBE_SHARE']:.3g} of the lists and re-ranks its top "
        f"{s['RERANK_PER_RESULT']} candidates per result asked for (at least {s['RERANK_MIN']}) exactly "
        "from the float vectors, reading those rows from the `.npy` file with `pread` (mapped pages would "
        "count in the process's RSS). Searches run on one "
        "thread, one query at a time, asking for what nekb's hybrid search asks: 50 chunks and 150 "
        "sentences.\n\n"
        f"**Real vectors.** Every sentence of the shared corpora ({c['documents']} documents: the 5 shipped "
        f"and the 256 CMRC trial articles), split as a build splits them, embedded with e5: "
        f"{c['sentences']:,} sentence vectors, {c['chunks']:,} chunk vectors pooled from them, and the "
        f"{c['queries']:,} shared questions as query vectors. That is all the real text there is; at this "
        "size nekb searches exactly, so the IVF index was also built on them by force.\n\n"
        "**Synthetic vectors** (`benchmarks/synthetic_vectors.py`), fitted on those real ones: a document "
        "centre is drawn from a Gaussian with the real documents' centre mean and covariance; a sentence is "
        "its centre plus a residual with the real within-document covariance, an AR(1) dependence along "
        f"the document (real lag-1 autocorrelation {c['autocorrelation']}) and norms drawn from the real "
        "residual norms; sentence counts per document and sentence lengths are drawn from the real ones, "
        "chunks are made by nekb's `make_chunks` and pooled by `pool_chunk_vectors`. A query is regressed "
        "on its gold article: q = c + pull·(s − c) + offset, with s the article's sentence closest to it "
        f"(pull = {c['query_pull']} by least squares) and the offsets' mean and covariance fitted; a "
        "synthetic query takes a random sentence of a random document. Every document is a new topic "
        "drawn from the fitted distribution, so nothing is a near-copy of a real sentence."
    )


def validation_rows(results: dict) -> list[list[object]]:
    """Real set vs synthetic replica, per level."""
    rows = []
    for name, by_level in results["validation"].items():
        for level, v in by_level.items():
            rows.append(
                [
                    name,
                    f"{v['vectors']:,} {level}",
                    _profile(v["query_neighbours"]),
                    _spread(v["nearest_other"]),
                    _curve(v["ivf_probe_curve"]),
                ]
            )
    return rows


def real_rows(results: dict) -> list[list[object]]:
    """DenseIndex on the real vectors."""
    rows = []
    for level, v in results["real"].items():
        k = 50 if level == "chunks" else 150
        rows.append(
            [
                f"{v['vectors']:,} {level}",
                v["chosen"] + (" (exact: recall 1)" if v["chosen"] == "flat" else ""),
                v["lists"],
                f"{v['ivf_recall@10']:.3f} / {v[f'ivf_recall@{k}']:.3f}",
                _curve(v["ivf_probe_curve"]),
            ]
        )
    return rows


def scale_rows(results: dict) -> list[list[object]]:
    """Build, open, RSS, latency and recall per size and index."""
    rows = []
    for size, e in results["scale"].items():
        build, search = e["build"], e["search"]
        for level in ("chunks", "sentences"):
            b, s = build[level], search[level]
            k = 50 if level == "chunks" else 150
            rows.append(
                [
                    f"{int(size):,}",
                    f"{e[level]:,} {level}",
                    f"{b['kind']} ({b['lists']:,} lists, {b['probes']} probed)" if b["lists"] else b["kind"],
                    f"{b['build_s']:.1f}",
                    _mb(b["bytes"]),
                    f"{s['first_latency_ms']['p50']} / {s['first_latency_ms']['p95']}",
                    f"{s['second_latency_ms']['p50']} / {s['second_latency_ms']['p95']}",
                    f"{s['recall@10']:.3f} / {s[f'recall@{k}']:.3f}",
                ]
            )
    return rows


def totals_rows(results: dict) -> list[list[object]]:
    """Per size: whole build, open, both searches, peak RSS."""
    rows = []
    for size, e in results["scale"].items():
        build, search = e["build"], e["search"]
        rows.append(
            [
                f"{int(size):,} / {e['sentences']:,}",
                f"{sum(build[lv]['build_s'] for lv in ('chunks', 'sentences')):.0f}",
                f"{build['rss_mb']['peak'] / 1024:.2f} GB",
                f"{search['open_s']:.3f}",
                f"{search['both_first_latency_ms']['p50']} / {search['both_first_latency_ms']['p95']}; "
                f"{search['both_second_latency_ms']['p50']} / {search['both_second_latency_ms']['p95']}",
                f"{search['rss_mb']['peak'] / 1024:.2f} GB (anon {search['rss_mb']['anon'] / 1024:.2f}, "
                f"file-backed {search['rss_mb']['file'] / 1024:.2f})",
                f"{100 * build['others_cpu_share']:.0f}% / {100 * search['others_cpu_share']:.0f}%",
            ]
        )
    return rows


def goal_rows(results: dict) -> list[list[object]]:
    """Issue 16's targets for the dense index, at each size measured."""
    rows = []
    for size, e in results["scale"].items():
        search = e["search"]
        recall = min(search[level]["recall@10"] for level in ("chunks", "sentences"))
        p50 = search["both_first_latency_ms"]["p50"]
        rss = search["rss_mb"]["peak"] / 1024
        label = f"{int(size):,} chunks"
        rows += [
            [
                f"{label}: recall@10, worse of the two indexes",
                "≥ 0.95",
                f"{recall:.3f}",
                _met(recall >= 0.95),
            ],
            [f"{label}: dense part of a query p50 (1st round)", "well under 60 ms", f"{p50} ms", "-"],
            [f"{label}: search process peak RSS", "≤ 8 GB", f"{rss:.2f} GB", _met(rss <= 8)],
            [f"{label}: open both dense indexes", "≤ 2 s (whole index)", f"{search['open_s']:.3f} s", "-"],
        ]
    return rows


def _met(ok: bool) -> str:
    return "yes" if ok else "no"


def format_section(results: dict) -> str:
    """The whole section, ending with a newline."""
    return "\n".join(
        [
            SECTION,
            "",
            method_text(results),
            "",
            _table(["measure", "goal", "measured", "met"], goal_rows(results)),
            "",
            "**Does the synthetic set resemble the real one?** A synthetic replica with the real documents' "
            "sentence counts and as many queries, against the real set. Query neighbours: median cosine of a "
            "query to its 1st / 10th / 50th nearest vector. Nearest other: 5th–95th percentile of a vector's "
            "cosine to its nearest other vector. Probe curve: recall@10 of the IVF index (built by force) "
            "probing 1/32, 1/16, 1/8, 1/4 of its lists.",
            "",
            _table(
                ["set", "vectors", "query neighbours", "nearest other", "probe curve"],
                validation_rows(results),
            ),
            "",
            "**Real vectors, DenseIndex.** recall against exact search of the 1,024 real queries; the IVF "
            "columns are for the index forced to IVF (nekb itself searches these exactly).",
            "",
            _table(
                ["real set", "nekb picks", "IVF lists", "IVF recall@10 / @k", "IVF probe curve"],
                real_rows(results),
            ),
            "",
            "**Synthetic sets at scale.** Each index built in a fresh process from the memory-mapped vectors "
            "(as a build of that corpus would), then opened in another fresh process and searched with "
            f"{QUERIES_TEXT} synthetic queries, one at a time, twice (1st round: first reads of the rows "
            "re-ranked; 2nd round: the same queries again); recall@10 and "
            "recall at what nekb asks for (50 chunks, 150 sentences) against exact search.",
            "",
            _table(
                [
                    "chunks",
                    "indexed",
                    "index",
                    "build s",
                    "on disk",
                    "1st round p50 / p95 ms",
                    "2nd round p50 / p95 ms",
                    "recall@10 / @k",
                ],
                scale_rows(results),
            ),
            "",
            _table(
                [
                    "chunks / sentences",
                    "build s (both)",
                    "build peak RSS",
                    "open s (both)",
                    "dense part of a query (both searches) p50 / p95 ms: 1st round; 2nd",
                    "search process peak RSS",
                    "other processes' CPU share: build / search",
                ],
                totals_rows(results),
            ),
            "",
            "File-backed RSS: pages of memory-mapped files the process touched (the flat indexes and the "
            "scoped search map their vectors; re-ranking reads rows with `pread`, so they stay out of it). "
            "The machine is shared: the last column is the share of both cores other processes used "
            "meanwhile, which slows build and search alike. This VM also reclaims idle file cache "
            "(DAMON), so the first round may read the re-ranked rows from disk.",
            "",
            "Machine: "
            + "; ".join(line.removeprefix("- ") for line in format_machine(results["machine"]).splitlines()),
            "",
        ]
    )


QUERIES_TEXT = "1,000"


def write_results(path: Path, results: dict) -> None:
    """Replace (or append) this section in RESULTS.md, leaving the rest of the file as it is."""
    write_section(path, SECTION, format_section(results))
