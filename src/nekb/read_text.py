"""Text files: decoding (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK) and cleaning."""

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


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or IngestError naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise IngestError(path, f"cannot read file ({err.strerror or type(err).__name__})") from err


def read_text_file(path: Path) -> CleanDocument:
    """Read a ``.txt`` or ``.md`` file (Markdown markup removed) into a cleaned document."""
    try:
        text = decode_bytes(read_bytes(path), path.name)
    except IngestError as err:
        raise IngestError(path, err.reason) from None  # carry the full path, not just the name
    cleaned = clean_markdown(text) if path.suffix.lower() == ".md" else clean_plain(text)
    if not cleaned.strip():
        raise IngestError(path, "no text left after cleaning")
    return CleanDocument(text=cleaned)
