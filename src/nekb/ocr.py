"""Offline OCR: RapidOCR with the PP-OCR models shipped inside the rapidocr-onnxruntime wheel.

Nothing is downloaded: the detection, direction and recognition models live in the installed
package. Recognizing a page costs seconds on two cores, so results are cached per file content
(SHA-256 of the file's bytes) as JSON in the index directory: a full rebuild, or a rebuild after
a change to the cleaning code, reads the cache instead of running OCR again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .fileio import write_atomic

if TYPE_CHECKING:
    from PIL import Image

# Bump when what is stored per page changes; a cache entry of another version is OCR'd again.
CACHE_FORMAT = 1
# RapidOCR shrinks any image whose long side exceeds 2000 px, which blurs the small text of a tall
# screenshot; such images are read in overlapping strips instead. A strip owns the boxes whose centre
# lies in its middle part, so a line cut by a strip's edge is taken whole from its neighbour.
_MAX_SIDE = 2000
_STRIP_OVERLAP = 240  # px: more than the height of any text line
OCR_PACKAGE = "rapidocr-onnxruntime"
# How far a detected text box is grown before its line is cut out and read. RapidOCR's 1.6 cuts
# close to the glyphs, and a clipped top stroke changes the character (季 read as 李, 士 as 土); at 2.0
# those lines read right, with no more time per page (benchmarks/eval_formats.py, PNG and scan files).
DET_UNCLIP_RATIO = 2.0


@dataclass(frozen=True)
class OcrBox:
    """One recognized text line: its axis-aligned box in pixels, text and confidence (0-1)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float

    @property
    def height(self) -> float:
        """Box height in pixels (about one character's height)."""
        return self.y1 - self.y0


@dataclass(frozen=True)
class OcrPage:
    """The text lines recognized on one image or page, with the time recognition took."""

    width: int
    height: int
    boxes: tuple[OcrBox, ...]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for the JSON cache."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OcrPage:
        """Inverse of :meth:`to_dict`."""
        boxes = tuple(OcrBox(**b) for b in data["boxes"])
        return cls(width=data["width"], height=data["height"], boxes=boxes, seconds=data.get("seconds", 0.0))


def engine_id() -> str:
    """Which OCR produced a cache entry: the package, its version (models ship with it) and the
    setting nekb changes."""
    try:
        return f"{OCR_PACKAGE} {version(OCR_PACKAGE)} unclip {DET_UNCLIP_RATIO}"
    except PackageNotFoundError:
        return f"{OCR_PACKAGE} (not installed)"


class OcrEngine:
    """PP-OCR detection + recognition; the models load on the first page, once per engine."""

    def __init__(self) -> None:
        self._engine: Any = None

    def _load(self) -> Any:
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR  # imported here: loading costs ~0.5 s

            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            self._engine = RapidOCR(det_unclip_ratio=DET_UNCLIP_RATIO)
        return self._engine

    def recognize(self, image: Image.Image) -> OcrPage:
        """Recognize the text lines of ``image`` (any PIL mode; transparency becomes white)."""
        engine = self._load()
        rgb = flatten(image)
        start = time.perf_counter()
        boxes: list[OcrBox] = []
        for top, bottom, own_from, own_to in _strips(rgb.width, rgb.height):
            strip = rgb.crop((0, top, rgb.width, bottom)) if (top, bottom) != (0, rgb.height) else rgb
            # No direction classifier: it flips long upright lines and loses them (scans are upright).
            result, _ = engine(strip, use_cls=False)
            for points, text, score in result or []:
                xs = [float(p[0]) for p in points]
                ys = [float(p[1]) + top for p in points]
                if text.strip() and own_from <= (min(ys) + max(ys)) / 2 < own_to:
                    boxes.append(OcrBox(min(xs), min(ys), max(xs), max(ys), text.strip(), float(score)))
        seconds = time.perf_counter() - start
        return OcrPage(width=rgb.width, height=rgb.height, boxes=tuple(boxes), seconds=seconds)


def _strips(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """``(top, bottom, owned from, owned to)`` of the horizontal strips a tall image is read in."""
    size = min(_MAX_SIDE, max(width, 2 * _STRIP_OVERLAP + 1))
    if height <= max(_MAX_SIDE, size):
        return [(0, height, 0, height)]
    step = size - _STRIP_OVERLAP
    strips = []
    top = 0
    while True:
        bottom = min(height, top + size)
        own_from = 0 if top == 0 else top + _STRIP_OVERLAP // 2
        own_to = height if bottom == height else bottom - _STRIP_OVERLAP // 2
        strips.append((top, bottom, own_from, own_to))
        if bottom == height:
            return strips
        top += step


def flatten(image: Image.Image) -> Image.Image:
    """An RGB copy of ``image`` with transparent parts on white (a screenshot's alpha is not ink)."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def confidence(pages: list[OcrPage]) -> float | None:
    """Recognition confidence of a document: the character-weighted mean over its text lines."""
    weights = [(len(b.text), b.score) for page in pages for b in page.boxes]
    total = sum(n for n, _ in weights)
    return round(sum(n * s for n, s in weights) / total, 4) if total else None


class OcrCache:
    """OCR results keyed by file content: ``<folder>/<sha256>.json`` (no cache when folder is None)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.kept: set[str] = set()  # contents still in use (see keep / prune)

    def _path(self, digest: str) -> Path | None:
        return self.folder / f"{digest}.json" if self.folder is not None else None

    def load(self, digest: str) -> dict[str, OcrPage]:
        """Pages cached for this content (keyed by page label), or {} when absent, stale or damaged."""
        path = self._path(digest)
        if path is None:
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != CACHE_FORMAT or data.get("engine") != engine_id():
                return {}
            return {key: OcrPage.from_dict(page) for key, page in data["pages"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return {}  # unreadable or from an older layout: OCR again and overwrite it

    def save(self, digest: str, pages: dict[str, OcrPage]) -> None:
        """Store the pages of one file content atomically; a cache that cannot be written is skipped."""
        path = self._path(digest)
        if path is None:
            return
        data = {
            "format": CACHE_FORMAT,
            "engine": engine_id(),
            "pages": {key: page.to_dict() for key, page in pages.items()},
        }
        with contextlib.suppress(OSError):  # a read-only index folder costs speed, not correctness
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(data, ensure_ascii=False))

    def keep(self, digest: str) -> None:
        """Mark a file content as still in use, so :meth:`prune` leaves its entry."""
        self.kept.add(digest)

    def prune(self) -> None:
        """Delete entries of contents not marked with :meth:`keep` (files gone from the corpus)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*.json"):
            if path.stem not in self.kept:
                with contextlib.suppress(OSError):
                    path.unlink()


class CachedOcr:
    """An engine plus its cache: each page of a file content is recognized at most once."""

    def __init__(self, cache_dir: Path | None = None, engine: OcrEngine | None = None) -> None:
        self.engine = engine or OcrEngine()
        self.cache = OcrCache(cache_dir)

    def pages(self, digest: str, images: dict[str, Callable[[], Image.Image]]) -> dict[str, OcrPage]:
        """Recognized pages for the labels of ``images`` (a label is e.g. the page number).

        ``digest`` identifies the file content; an image is only rendered (its callable called)
        when the cache lacks that page.
        """
        cached = self.cache.load(digest)
        missing = [label for label in images if label not in cached]
        if not missing:
            return {label: cached[label] for label in images}
        for label in missing:
            cached[label] = self.engine.recognize(images[label]())
        self.cache.save(digest, cached)
        return {label: cached[label] for label in images}
