"""Text files: decoding (UTF-8 or UTF-16 with or without BOM, GB18030/GBK, a few bad bytes salvaged)
and cleaning."""

from __future__ import annotations

import re
from pathlib import Path

from .clean import clean_markdown, clean_plain
from .errors import IngestError
from .types import CleanDocument

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])  # not \t \n \r \f
_ODD_CHAR = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")
_MAX_CONTROL_SHARE = 0.05  # real text has almost no control characters; binary has many
# A text file may carry a few bytes of another encoding (a pasted é) or stray NULs: salvage up to
# this many, or this share of its bytes, and say so; more means the guess of encoding is wrong.
_FEW_BAD_BYTES = 8
_MAX_BAD_SHARE = 0.001
# What UTF-16 text mostly consists of: ASCII, CJK and CJK / full-width punctuation.
_COMMON_CHAR = re.compile("[\t\n\r\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2010-\u2027]")
_MIN_COMMON_SHARE = 0.9


def _looks_binary(data: bytes) -> bool:
    """Many control bytes mean this is not a text file."""
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))  # counted in C: fast on big files
    return controls > _MAX_CONTROL_SHARE * len(data)


def _too_many_odd_chars(text: str) -> bool:
    """A decode that produced many control/replacement/private-use chars was a wrong guess."""
    odd = sum(1 for _ in _ODD_CHAR.finditer(text))
    return odd > _MAX_CONTROL_SHARE * len(text)


def _few(count: int, data: bytes) -> bool:
    """Whether ``count`` bad bytes are a few slips in a text, not a sign of another encoding."""
    return count <= max(_FEW_BAD_BYTES, _MAX_BAD_SHARE * len(data))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text that lost its byte-order mark, or None: both byte orders are tried strictly and
    kept only when nearly every character is a common one (CJK, ASCII, punctuation)."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        common = sum(1 for _ in _COMMON_CHAR.finditer(text))
        if common >= _MIN_COMMON_SHARE * len(text):
            return text
    return None


def _utf8_salvaged(data: bytes) -> tuple[str, int, int]:
    """UTF-8 with each byte that is not UTF-8 read as Windows-1252 (a stray ``é`` from another
    program); returns the text, how many bytes were read so, and how many non-ASCII characters
    were valid UTF-8 (many of those mean the file really is UTF-8)."""
    text = data.decode("utf-8", errors="surrogateescape")
    bad = [ch for ch in text if "\udc80" <= ch <= "\udcff"]
    valid = sum(1 for ch in text if ch > "\x7f") - len(bad)
    if not bad:
        return text, 0, valid
    table = {ord(ch): bytes([ord(ch) - 0xDC00]).decode("cp1252", errors="replace") for ch in set(bad)}
    return text.translate(table), len(bad), valid


def _decode_text(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """Decode strictly where possible (UTF-16 with BOM, UTF-8, GB18030), salvaging text with a few
    bad bytes; returns the text and one note per salvage."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError as err:
            raise IngestError(name, "invalid UTF-16 text") from err
    notes: list[str] = []
    if (0 in data or _looks_binary(data)) and (text := _utf16_without_bom(data)) is not None:
        return text, ("UTF-16 text without a byte-order mark",)
    if 0 in data:
        if not _few(data.count(0), data):
            raise IngestError(name, "binary content, not text")
        notes.append(f"{data.count(0)} NUL byte(s) removed")
        data = data.replace(b"\x00", b"")
    if _looks_binary(data):
        raise IngestError(name, "binary content, not text")
    text, bad, valid = _utf8_salvaged(data)
    salvaged = (*notes, f"{bad} byte(s) not UTF-8 read as Windows-1252")
    if bad == 0:
        return text.removeprefix("\ufeff"), tuple(notes)
    if _few(bad, data) and valid >= 4 * bad:  # UTF-8 Chinese with a stray byte of another encoding
        return text.removeprefix("\ufeff"), salvaged
    try:
        return data.decode("gb18030"), tuple(notes)  # GB18030 is a superset of GBK and GB2312
    except UnicodeDecodeError:
        pass
    if _few(bad, data):
        return text.removeprefix("\ufeff"), salvaged
    raise IngestError(name, "binary content, not text (not UTF-8, UTF-16 or GB18030)")


def decode_text(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """Decode a text file's bytes: UTF-8 (BOM optional), UTF-16 (BOM optional), or GB18030/GBK; a few
    stray NUL or non-UTF-8 bytes are salvaged. Returns the text and one note per salvage.

    Raises ``IngestError(name, ...)`` for empty or whitespace-only files and for content
    that looks binary.
    """
    if not data.strip():
        raise IngestError(name, "empty file")
    text, notes = _decode_text(data, name)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise IngestError(name, "empty file")
    if _too_many_odd_chars(text):
        raise IngestError(name, "binary content, not text")
    return text, notes


def decode_bytes(data: bytes, name: str) -> str:
    """The text of :func:`decode_text`, without its notes."""
    return decode_text(data, name)[0]


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or IngestError naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise IngestError(path, f"cannot read file ({err.strerror or type(err).__name__})") from err


def read_text_file(path: Path) -> CleanDocument:
    """Read a ``.txt`` or ``.md`` file (Markdown markup removed) into a cleaned document; a salvaged
    encoding is a warning of the document."""
    try:
        text, notes = decode_text(read_bytes(path), path.name)
    except IngestError as err:
        raise IngestError(path, err.reason) from None  # carry the full path, not just the name
    cleaned = clean_markdown(text) if path.suffix.lower() == ".md" else clean_plain(text)
    if not cleaned.strip():
        raise IngestError(path, "no text left after cleaning")
    return CleanDocument(text=cleaned, warnings=notes)
