"""Tests for nekb.ocr and nekb.read_image: offline OCR of a real image, the per-content cache, bad images."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from nekb.errors import IngestError, NoTextError
from nekb.ingest import read_document
from nekb.normalize import normalize_for_match
from nekb.ocr import CachedOcr, OcrBox, OcrCache, OcrEngine, OcrPage, confidence, engine_id, flatten
from nekb.read_image import read_image

SAMPLE = Path(__file__).resolve().parent / "data" / "ocr-sample.png"
EXPECTED = "东北振兴\n2024年黑龙江省常住人口为3029万人，比上年末减少33万人。"


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return OcrEngine()  # one model load for the module


@pytest.fixture(scope="module")
def sample_page(engine) -> OcrPage:
    return engine.recognize(Image.open(SAMPLE))


class CountingEngine:
    """Stands in for the OCR engine where only the caching around it is tested."""

    def __init__(self, page: OcrPage) -> None:
        self.page = page
        self.calls = 0

    def recognize(self, image: Image.Image) -> OcrPage:
        self.calls += 1
        return self.page


def test_real_ocr_reads_the_sample(sample_page) -> None:
    text = "".join(b.text for b in sample_page.boxes)
    assert normalize_for_match(text) == normalize_for_match(EXPECTED.replace("\n", ""))
    assert all(0.8 < b.score <= 1.0 for b in sample_page.boxes)
    assert sample_page.width == 640 and sample_page.seconds > 0


def test_read_image_joins_lines_into_sentences(tmp_path, engine) -> None:
    doc = read_image(SAMPLE, CachedOcr(tmp_path / "cache", engine))
    assert normalize_for_match(doc.text) == normalize_for_match(EXPECTED)
    assert doc.text.split("\n")[0] == "东北振兴"  # the title stands alone
    assert doc.title == "东北振兴"  # set larger than the text below it
    assert doc.page_starts == (0,)
    assert 0.8 < doc.ocr_confidence <= 1.0
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1


def test_cache_is_keyed_by_content_and_reused(tmp_path, sample_page) -> None:
    counting = CountingEngine(sample_page)
    ocr = CachedOcr(tmp_path / "cache", counting)
    first = read_image(SAMPLE, ocr)
    copy = tmp_path / "renamed.png"
    shutil.copy(SAMPLE, copy)
    second = read_image(copy, CachedOcr(tmp_path / "cache", counting))  # a new reader, same content
    assert counting.calls == 1
    assert first.text == second.text
    stored = json.loads(next((tmp_path / "cache").glob("*.json")).read_text(encoding="utf-8"))
    assert stored["engine"] == engine_id() and "1" in stored["pages"]


def test_damaged_or_stale_cache_entries_are_redone(tmp_path, sample_page) -> None:
    counting = CountingEngine(sample_page)
    ocr = CachedOcr(tmp_path, counting)
    read_image(SAMPLE, ocr)
    entry = next(tmp_path.glob("*.json"))
    entry.write_text("{not json", encoding="utf-8")
    read_image(SAMPLE, ocr)
    entry.write_text(json.dumps({"format": 1, "engine": "other 0.1", "pages": {}}), encoding="utf-8")
    read_image(SAMPLE, ocr)
    assert counting.calls == 3


def test_prune_forgets_contents_not_kept(tmp_path) -> None:
    cache = OcrCache(tmp_path)
    page = OcrPage(10, 10, (OcrBox(0, 0, 5, 5, "字", 0.9),))
    cache.save("a" * 64, {"1": page})
    cache.save("b" * 64, {"1": page})
    cache.keep("a" * 64)
    cache.prune()
    assert [p.stem for p in tmp_path.glob("*.json")] == ["a" * 64]
    assert cache.load("a" * 64)["1"] == page


def test_confidence_is_weighted_by_characters() -> None:
    page = OcrPage(10, 10, (OcrBox(0, 0, 1, 1, "一二三", 1.0), OcrBox(0, 0, 1, 1, "四", 0.6)))
    assert confidence([page]) == 0.9
    assert confidence([OcrPage(10, 10, ())]) is None


def test_transparent_pixels_become_white() -> None:
    image = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert flatten(image).getpixel((1, 1)) == (255, 255, 255)


def test_blank_image_has_no_text(tmp_path, engine) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (400, 300), 255).save(path)
    with pytest.raises(NoTextError, match=r"^blank\.png: OCR found no text in the image$"):
        read_image(path, CachedOcr(None, engine))


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"\x89PNG\r\n\x1a\nnot really", "not a readable image")],
)
def test_bad_images_fail_in_one_line(tmp_path, content: bytes, reason: str) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_document(path)
    message = str(info.value)
    assert message.startswith(f"scan.png: {reason}")
    assert "\n" not in message


def test_each_tiff_frame_is_a_page(tmp_path, sample_page) -> None:
    path = tmp_path / "two.tif"
    sample = Image.open(SAMPLE).convert("L")
    sample.save(path, save_all=True, append_images=[Image.new("L", sample.size, 255)])
    counting = CountingEngine(sample_page)
    doc = read_image(path, CachedOcr(None, counting))
    assert counting.calls == 2
    assert len(doc.page_starts) == 2  # the same recognized lines twice, as the stand-in engine says
