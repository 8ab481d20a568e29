"""Read .txt, .md and .pdf files into cleaned documents, with one-line reasons on failure."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from .clean import clean_markdown, clean_plain
from .errors import NekbError
from .pdf_layout import clean_pdf_pages
from .types import CleanDocument

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])  # not \t \n \r \f
_ODD_CHAR = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")
_MAX_CONTROL_SHARE = 0.05  # real text has almost no control characters; binary has many
_MAX_REASON_CHARS = 80


def printable(name: str) -> str:
    """A file name fit for a one-line message: control characters (a newline) shown escaped."""
    return "".join(
        ch.encode("unicode_escape").decode() if unicodedata.category(ch)[0] == "C" else ch for ch in name
    )


class IngestError(NekbError):
    """A document could not be read; ``str()`` is ``"<file name>: <reason>"`` on one line."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{printable(self.path.name)}: {reason}")


class NoTextError(IngestError):
    """A readable file with nothing to index (a scanned PDF): a warning, not a failure."""


# --- text files --------------------------------------------------------------------------


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes mean this is not a text file."""
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))  # counted in C: fast on big files
    return controls > _MAX_CONTROL_SHARE * len(data)


def _too_many_odd_chars(text: str) -> bool:
    """A decode that produced many control/replacement/private-use chars was a wrong guess."""
    odd = sum(1 for _ in _ODD_CHAR.finditer(text))
    return odd > _MAX_CONTROL_SHARE * len(text)


def _decode_text(data: bytes, name: str) -> str:
    """Try UTF-16 (with BOM), UTF-8 (with or without BOM), then GB18030, all strictly."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise IngestError(name, "invalid UTF-16 text") from err
    if _looks_binary(data):
        raise IngestError(name, "binary content, not text")
    for encoding in ("utf-8-sig", "gb18030"):  # GB18030 is a superset of GBK and GB2312
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError(name, "binary content, not text (not UTF-8, UTF-16 or GB18030)")


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a text file's bytes: UTF-8 (BOM optional), UTF-16 with BOM, or GB18030/GBK.

    Raises ``IngestError(name, ...)`` for empty or whitespace-only files and for content
    that looks binary.
    """
    if not data.strip():
        raise IngestError(name, "empty file")
    text = _decode_text(data, name).lstrip("\ufeff")
    if not text.strip():
        raise IngestError(name, "empty file")
    if _too_many_odd_chars(text):
        raise IngestError(name, "binary content, not text")
    return text


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise IngestError(path, f"cannot read file ({err.strerror or type(err).__name__})") from err


def _read_text_file(path: Path, suffix: str) -> CleanDocument:
    try:
        text = decode_bytes(_read_bytes(path), path.name)
    except IngestError as err:
        raise IngestError(path, err.reason) from None  # carry the full path, not just the name
    cleaned = clean_markdown(text) if suffix == ".md" else clean_plain(text)
    if not cleaned.strip():
        raise IngestError(path, "no text left after cleaning")
    return CleanDocument(text=cleaned)


# --- PDF ---------------------------------------------------------------------------------


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


def _short(message: str) -> str:
    """First line of a message, cut to a readable length."""
    line = (message.strip().splitlines() or [""])[0]
    return line if len(line) <= _MAX_REASON_CHARS else line[: _MAX_REASON_CHARS - 1] + "…"


def _corrupt(path: Path, err: Exception, collector: _RecordCollector) -> IngestError:
    # pypdf's first logged complaint ("EOF marker not found") usually explains the failure
    # better than the exception it finally raises ("Stream has ended unexpectedly").
    detail = collector.messages[0] if collector.messages else str(err) or type(err).__name__
    return IngestError(path, f"corrupt PDF ({_short(detail)})")


def _open_pdf(path: Path, data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # owner-password-only PDFs open with an empty password
        except DependencyError as err:
            raise IngestError(path, f"encrypted PDF ({_short(str(err))})") from err
        if not opened:
            raise IngestError(path, "encrypted PDF (password required)")
    return reader


def _page_texts(reader: PdfReader) -> tuple[list[str], list[int]]:
    """Plain-mode text of every page, plus the 1-based numbers of pages that failed.

    Plain mode (not ``extraction_mode="layout"``): it follows the content stream, which reads
    a two-column page column by column; layout mode interleaves both columns line by line.
    """
    texts, failed = [], []
    for number, page in enumerate(reader.pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except (FileNotDecryptedError, DependencyError):
            raise
        except Exception:  # one damaged page should not cost the whole document
            texts.append("")
            failed.append(number)
    return texts, failed


def _page_list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers))


def _read_pdf(path: Path) -> CleanDocument:
    data = _read_bytes(path)
    if not data.strip():
        raise IngestError(path, "empty file")
    with _quiet_pypdf() as collector:
        try:
            reader = _open_pdf(path, data)
            texts, failed = _page_texts(reader)
        except IngestError:
            raise
        except FileNotDecryptedError as err:
            raise IngestError(path, "encrypted PDF (password required)") from err
        except DependencyError as err:
            raise IngestError(path, f"encrypted PDF ({_short(str(err))})") from err
        except Exception as err:  # PdfReadError and the odd ValueError/KeyError from bad files
            raise _corrupt(path, err, collector) from err
    if not texts:
        raise IngestError(path, "corrupt PDF (no pages)")
    empty = [n for n, text in enumerate(texts, start=1) if not text.strip() and n not in failed]
    if len(empty) + len(failed) == len(texts):
        if failed:
            raise IngestError(path, f"corrupt PDF (text extraction failed on pages {_page_list(failed)})")
        raise NoTextError(path, "no text layer (scanned PDF?); OCR it first")
    text, page_starts = clean_pdf_pages(texts)
    notes = []
    if empty:
        notes.append(f"no text on pages {_page_list(empty)} (scanned images?)")
    if failed:
        notes.append(f"text extraction failed on pages {_page_list(failed)}")
    return CleanDocument(text=text, page_starts=page_starts, warnings=tuple(notes))


def read_document(path: Path) -> CleanDocument:
    """Read and clean one ``.txt``, ``.md`` or ``.pdf`` file (suffix matched case-insensitively).

    Raises ``IngestError`` with a one-line reason for unsupported formats, unreadable,
    empty or binary files, and corrupt, encrypted or image-only PDFs. Pages of a PDF that
    have no text are reported in ``CleanDocument.warnings``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(no suffix)"
        raise IngestError(path, f"unsupported format {shown} (supported: {', '.join(SUPPORTED_SUFFIXES)})")
    if suffix == ".pdf":
        return _read_pdf(path)
    return _read_text_file(path, suffix)
