"""Read any supported file into a cleaned document, with one-line reasons on failure.

The format is chosen by suffix (case-insensitively); each format has its own module:

=====================  ==================  ================================================
suffixes               module              what is read
=====================  ==================  ================================================
.txt .md               ``read_text``       UTF-8/UTF-16/GB18030 text, Markdown markup removed
.pdf                   ``read_pdf``        the text layer; OCR for pages without one
.docx                  ``read_docx``       paragraphs and tables in reading order
.html .htm             ``read_html``       the article only (trafilatura), title and date
.csv .xlsx             ``read_tables``     tables as text, each numeric cell a fact
.png .jpg .jpeg .tif   ``read_image``      OCR (RapidOCR, models shipped in its wheel)
=====================  ==================  ================================================
"""

from __future__ import annotations

from pathlib import Path

from .errors import IngestError, NoTextError
from .ocr import CachedOcr
from .read_docx import read_docx
from .read_html import HTML_SUFFIXES, read_html
from .read_image import IMAGE_SUFFIXES, read_image
from .read_pdf import read_pdf
from .read_tables import read_csv, read_xlsx
from .read_text import decode_bytes, read_text_file
from .types import CleanDocument

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DocumentReader",
    "IngestError",
    "NoTextError",
    "decode_bytes",
    "read_document",
]

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", *HTML_SUFFIXES, ".csv", ".xlsx", *IMAGE_SUFFIXES)
OCR_CACHE_DIR = "ocr-cache"  # inside the index directory


class DocumentReader:
    """Reads documents of every supported format; owns the OCR engine (loaded on first use).

    With ``ocr_cache``, OCR results are kept there per file content, so a file is recognized
    once however often the index is rebuilt.
    """

    def __init__(self, ocr_cache: Path | None = None) -> None:
        self.ocr = CachedOcr(ocr_cache)

    def read(self, path: Path) -> CleanDocument:
        """Read and clean one file.

        Raises ``IngestError`` with a one-line reason for unsupported formats and for unreadable,
        empty, corrupt, encrypted or binary files; ``NoTextError`` (a kind of IngestError) when a
        readable file holds no text, such as a blank scan. Parts that could not be read (PDF pages
        without text even after OCR) are named in ``CleanDocument.warnings``.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".txt", ".md"):
            return read_text_file(path)
        if suffix == ".pdf":
            return read_pdf(path, self.ocr)
        if suffix == ".docx":
            return read_docx(path)
        if suffix in HTML_SUFFIXES:
            return read_html(path)
        if suffix == ".csv":
            return read_csv(path)
        if suffix == ".xlsx":
            return read_xlsx(path)
        if suffix in IMAGE_SUFFIXES:
            return read_image(path, self.ocr)
        shown = suffix or "(no suffix)"
        raise IngestError(path, f"unsupported format {shown} (supported: {', '.join(SUPPORTED_SUFFIXES)})")


def read_document(path: Path, ocr_cache: Path | None = None) -> CleanDocument:
    """Read one file with a fresh :class:`DocumentReader` (see :meth:`DocumentReader.read`)."""
    return DocumentReader(ocr_cache).read(path)
