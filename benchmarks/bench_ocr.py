"""OCR time per page: scanned PDF pages and a screenshot, recognized by the bundled PP-OCR models.

python benchmarks/bench_ocr.py      # prints the section and replaces "## OCR" in RESULTS.md

Pages are typeset from the shipped corpus's first article with a CJK font (format_fixtures.py):
a two-page scanned A5 PDF (150 dpi, tilted, noisy, JPEG) read through ``read_document`` as a
build reads it, and a PNG screenshot 1000 px wide. Each is read twice: cold (OCR runs; the models
load on the first page) and warm from the OCR cache, which is what a rebuild costs.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import format_fixtures as ff  # noqa: E402
from quiet import CpuMark, wait_for_quiet  # noqa: E402

from nekb.ingest import DocumentReader  # noqa: E402

ROOT = HERE.parent
SOURCE = ROOT / "corpus" / "northeast-population-loss-2024.txt"
SECTION_TITLE = "## OCR"


def _article(max_chars: int = 1100) -> tuple[str, list[str]]:
    lines = [line.strip() for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    paragraphs, total = [], 0
    for line in lines[1:]:
        if total > max_chars:
            break
        paragraphs.append(line)
        total += len(line)
    return lines[0], paragraphs


def _timed_read(reader: DocumentReader, path: Path) -> tuple[float, object]:
    started = time.perf_counter()
    document = reader.read(path)
    return time.perf_counter() - started, document


def run(workdir: Path) -> dict:
    """Cold and cached reading times of a scanned PDF and a screenshot."""
    title, paragraphs = _article()
    scan = workdir / "scan.pdf"
    pages = ff.make_scanned_pdf(title, paragraphs, scan, seed=1)
    shot = workdir / "shot.png"
    ff.make_png(title, paragraphs[:3], shot)
    reader = DocumentReader(ocr_cache=workdir / "ocr-cache")
    started = time.perf_counter()
    reader.ocr.engine._load()
    load_s = time.perf_counter() - started
    results: dict = {"model_load_s": round(load_s, 2), "files": []}
    for path, page_count in ((scan, pages), (shot, 1)):
        cold_s, document = _timed_read(reader, path)
        warm_s, _ = _timed_read(DocumentReader(ocr_cache=workdir / "ocr-cache"), path)
        chars = len(re.sub(r"\s", "", document.text))
        results["files"].append(
            {
                "file": path.name,
                "pages": page_count,
                "chars": chars,
                "cold_s": round(cold_s, 2),
                "cold_per_page_s": round(cold_s / page_count, 2),
                "chars_per_s": round(chars / cold_s, 1),
                "cached_s": round(warm_s, 3),
                "confidence": document.ocr_confidence,
            }
        )
    return results


def format_section(results: dict) -> str:
    """The OCR section of RESULTS.md (without its title)."""
    rows = [
        f"| {f['file']} | {f['pages']} | {f['chars']} | {f['cold_s']} | **{f['cold_per_page_s']}** | "
        f"{f['chars_per_s']} | {f['cached_s']} | {f['confidence']} |"
        for f in results["files"]
    ]
    return "\n".join(
        [
            "RapidOCR (rapidocr-onnxruntime, PP-OCRv4 detection + recognition models shipped in its wheel) "
            f"on 2 cores; the models load in {results['model_load_s']} s before the first page (not included "
            "below). `cold` reads the file with OCR; `cached` reads it again from the OCR cache in the index "
            "folder, which is what every later build costs. Measured by `python benchmarks/bench_ocr.py`"
            + (
                f"; other processes used {100 * results['others_cpu']:.0f}% of the cores meanwhile."
                if "others_cpu" in results
                else "."
            ),
            "",
            "| file | pages | characters | cold s | cold s / page | characters / s | cached s | confidence |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )


def replace_section(report: str, body: str) -> str:
    """``report`` with its OCR section replaced by ``body`` (appended when it has none)."""
    section = f"{SECTION_TITLE}\n\n{body}\n"
    pattern = re.compile(rf"^{re.escape(SECTION_TITLE)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(report):
        return pattern.sub(lambda _: section + "\n", report, count=1).rstrip("\n") + "\n"
    return report.rstrip("\n") + "\n\n" + section


def main() -> None:
    """Run on a quiet machine, print the section and put it into RESULTS.md."""
    with tempfile.TemporaryDirectory(prefix="nekb-ocr-") as tmp:
        wait_for_quiet(0.1, 300)
        mark = CpuMark.now()
        results = run(Path(tmp))
        results["others_cpu"] = round(mark.others_share(), 2)
    body = format_section(results)
    print(body)
    path = HERE / "RESULTS.md"
    path.write_text(replace_section(path.read_text(encoding="utf-8"), body), encoding="utf-8")


if __name__ == "__main__":
    main()
