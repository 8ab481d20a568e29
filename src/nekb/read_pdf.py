"""PDFs: the text layer via pypdf, OCR for pages without one, and the document's own title.

Pages whose text layer is empty (a scan, or scanned pages inside a PDF that has text elsewhere) are
rendered with pypdfium2 and recognized by :mod:`nekb.ocr`; their lines are then cleaned together
with the other pages by :func:`nekb.pdf_layout.clean_pdf_pages`, so page numbers stay right.
Lines set in a larger font than the page's body text are passed on as headings.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from .errors import IngestError, NoTextError, short_reason
from .ocr import CachedOcr, OcrPage, confidence
from .ocr_layout import page_lines, page_title
from .pdf_layout import clean_pdf_pages, heading_key
from .pdf_tags import MarkedText, article_mcids, page_ids
from .read_text import read_bytes
from .types import CleanDocument

if TYPE_CHECKING:
    from PIL import Image

_HEADING_SIZE_RATIO = 1.25  # a line set this much larger than the page's body text is a heading
_OCR_LONG_SIDE = 2000  # pixels: the size RapidOCR works at (it shrinks larger images anyway)
_MIN_ARTICLE_SHARE = 0.2  # a tagged article must hold this share of the text to stand for the page
_MIN_TEXT_CHARS = 3  # a page with fewer characters in its text layer is treated as a scan
_TITLE_PARTS = re.compile(r"\s+[-|–—·]\s+|_|\|")  # "标题 - 站名", "标题_站名", "标题|站名"
_JUNK_TITLE = re.compile(r"^(?:untitled|无标题|document\d*)$|\.(?:docx?|pdf|txt|html?|pptx?|xlsx?)$", re.I)


class _RecordCollector(logging.Handler):
    """Keeps pypdf's log messages so a failure can say what pypdf noticed first."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _quiet_pypdf() -> Iterator[_RecordCollector]:
    """Silence pypdf's logging and warnings for the duration, collecting its messages."""
    logger = logging.getLogger("pypdf")
    collector = _RecordCollector()
    old_propagate, old_level = logger.propagate, logger.level
    logger.addHandler(collector)
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate, logger.level = old_propagate, old_level


def _corrupt(path: Path, err: Exception, collector: _RecordCollector) -> IngestError:
    # pypdf's first logged complaint ("EOF marker not found") usually explains the failure
    # better than the exception it finally raises ("Stream has ended unexpectedly").
    detail = collector.messages[0] if collector.messages else str(err) or type(err).__name__
    return IngestError(path, f"corrupt PDF ({short_reason(detail)})")


def _open_pdf(path: Path, data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # owner-password-only PDFs open with an empty password
        except DependencyError as err:
            raise IngestError(path, f"encrypted PDF ({short_reason(str(err))})") from err
        if not opened:
            raise IngestError(path, "encrypted PDF (password required)")
    return reader


def _effective_size(size: float, cm: list[float], tm: list[float]) -> float:
    """The font size as drawn: the Tf size scaled by the text and current transformation matrices."""
    scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2])) * math.sqrt(abs(cm[0] * cm[3] - cm[1] * cm[2]))
    return round(size * scale, 1)


def _page_text(page) -> tuple[str, set[str], MarkedText]:
    """Plain-mode text of one page, the :func:`heading_key` of its lines set in a larger font, and
    its text runs by marked-content id (for tagged PDFs).

    Plain mode (not ``extraction_mode="layout"``): it follows the content stream, which reads
    a two-column page column by column; layout mode interleaves both columns line by line.
    """
    runs: list[tuple[str, float, float]] = []
    marked = MarkedText()

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        marked.text(text)
        if text.strip():
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            runs.append((text, _effective_size(size, cm, tm), round(y, 1)))

    text = page.extract_text(visitor_text=visit, visitor_operand_before=marked.operator) or ""
    return text, _large_lines(runs), marked


def _large_lines(runs: list[tuple[str, float, float]]) -> set[str]:
    """Lines (runs on one baseline, joined) whose font is clearly larger than the body text's."""
    sizes: Counter[float] = Counter()
    for text, size, _ in runs:
        sizes[size] += len(text.strip())
    if not sizes:
        return set()
    body = sizes.most_common(1)[0][0]
    lines: dict[float, list[str]] = {}
    for text, size, y in runs:
        if size >= _HEADING_SIZE_RATIO * body:
            lines.setdefault(y, []).append(text)
    keys = {heading_key("".join(parts)) for parts in lines.values()}
    return {key for key in keys if len(key) >= 2}


def _page_texts(reader: PdfReader) -> tuple[list[str], list[set[str]], list[MarkedText], list[int]]:
    """Text, heading keys and marked runs of every page, plus the 1-based numbers of pages that failed."""
    texts, headings, marks, failed = [], [], [], []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text, large, marked = _page_text(page)
        except (FileNotDecryptedError, DependencyError):
            raise
        except Exception:  # one damaged page should not cost the whole document
            text, large, marked = "", set(), MarkedText()
            failed.append(number)
        texts.append(text)
        headings.append(large)
        marks.append(marked)
    return texts, headings, marks, failed


def _article_only(reader: PdfReader, texts: list[str], marks: list[MarkedText]) -> list[str]:
    """Pages cut to the tagged article (a browser print of a web page) when the PDF tags one.

    Kept only when the article holds a fair share of the text: a stray /Art around a caption must
    not hide the document.
    """
    try:
        article = article_mcids(reader)
        ids = page_ids(reader)
    except Exception:  # a damaged structure tree: read the pages whole
        return texts
    if not article:
        return texts
    kept = [
        marked.kept(article.kept.get(pid, set()), article.links.get(pid, set()), article.blocks.get(pid))
        for marked, pid in zip(marks, ids, strict=True)
    ]
    chars = sum(len("".join(t.split())) for t in texts)
    if sum(len("".join(t.split())) for t in kept) < _MIN_ARTICLE_SHARE * chars:
        return texts
    return kept  # a page holding none of the article (a sidebar's overflow) keeps nothing


def _page_list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers))


def _pages_word(numbers: list[int]) -> str:
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {_page_list(numbers)}"


def _renderer(data: bytes, number: int) -> Callable[[], Image.Image]:
    """A function rendering page ``number`` (1-based) at the resolution OCR works at."""

    def render() -> Image.Image:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            page = document[number - 1]
            width, height = page.get_size()
            scale = _OCR_LONG_SIDE / max(width, height, 1.0)
            image = page.render(scale=scale, grayscale=True).to_pil()
            page.close()
            return image
        finally:
            document.close()

    return render


def _ocr_pages(path: Path, data: bytes, numbers: list[int], ocr: CachedOcr) -> dict[int, OcrPage]:
    """OCR the given pages of a PDF (cached by file content); IngestError naming the file on failure."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        found = ocr.pages(digest, {str(n): _renderer(data, n) for n in numbers})
    except IngestError:
        raise
    except Exception as err:  # a page pdfium cannot render, or the OCR runtime failing on it
        raise IngestError(path, f"OCR failed ({short_reason(str(err) or type(err).__name__)})") from err
    return {int(label): page for label, page in found.items()}


def pdf_title(reader: PdfReader, path: Path) -> str:
    """The title in the PDF's metadata, unless it is a placeholder or a file name."""
    try:
        title = (reader.metadata.title if reader.metadata else None) or ""
    except Exception:  # damaged metadata is not worth failing the document for
        return ""
    title = re.sub(r"^Microsoft (?:Word|PowerPoint|Excel) - ", "", str(title)).strip()
    return "" if _JUNK_TITLE.search(title) or title == path.stem else title


def _without_site_name(title: str, first_page_headings: set[str]) -> str:
    """``"高英_百科新知网"`` -> ``"高英"`` when the first page's heading says the title is ``高英``.

    A printed web page's PDF title is the page's ``<title>``, which sites suffix with their name.
    """
    for part in _TITLE_PARTS.split(title):
        if heading_key(part) in first_page_headings and part.strip() != title:
            return part.strip()
    return title


def read_pdf(path: Path, ocr: CachedOcr) -> CleanDocument:
    """Read a PDF: its text layer, and OCR for the pages that have none.

    Raises IngestError for empty, corrupt or password-protected files and NoTextError when not
    even OCR finds text. Pages OCR found nothing on, or whose text could not be extracted, are
    named in ``warnings``.
    """
    data = read_bytes(path)
    if not data.strip():
        raise IngestError(path, "empty file")
    with _quiet_pypdf() as collector:
        try:
            reader = _open_pdf(path, data)
            texts, headings, marks, failed = _page_texts(reader)
            title = _without_site_name(pdf_title(reader, path), headings[0] if headings else set())
            content = _article_only(reader, texts, marks)
        except IngestError:
            raise
        except FileNotDecryptedError as err:
            raise IngestError(path, "encrypted PDF (password required)") from err
        except DependencyError as err:
            raise IngestError(path, f"encrypted PDF ({short_reason(str(err))})") from err
        except Exception as err:  # PdfReadError and the odd ValueError/KeyError from bad files
            raise _corrupt(path, err, collector) from err
    if not texts:
        raise IngestError(path, "corrupt PDF (no pages)")
    textless = [
        n for n, t in enumerate(texts, start=1) if len(t.strip()) < _MIN_TEXT_CHARS and n not in failed
    ]
    scanned = _ocr_pages(path, data, textless, ocr) if textless else {}
    for number, page in scanned.items():
        content[number - 1] = "\n".join(page_lines(page))
    blank = [n for n in textless if not content[n - 1].strip()]
    if len(blank) + len(failed) == len(texts):
        if failed:
            raise IngestError(path, f"corrupt PDF (text extraction failed on {_pages_word(failed)})")
        raise NoTextError(path, f"OCR found no text on {len(blank)} page{'s' if len(blank) > 1 else ''}")
    text, page_starts = clean_pdf_pages(content, headings)
    notes = []
    if blank:
        notes.append(f"OCR found no text on {_pages_word(blank)}")
    if failed:
        notes.append(f"text extraction failed on {_pages_word(failed)}")
    read = [scanned[n] for n in textless if n not in blank]
    if not title and 1 in scanned:  # a scan: a title set large at the top of its first page
        title = page_title(scanned[1])
    return CleanDocument(
        text=text,
        page_starts=page_starts,
        warnings=tuple(notes),
        title=title,
        ocr_confidence=confidence(read) if read else None,
    )
