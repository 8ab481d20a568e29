"""Web pages (.html, .htm): the article only, via trafilatura's main-content extraction.

Navigation, sidebars, related links, comments, footers and scripts are left out; the title and
publication date come from the page's own metadata (``<title>``, Open Graph, JSON-LD, htmldate),
for documents that ``sources.toml`` says nothing about. Nothing is fetched: links are not followed.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from .clean import clean_plain
from .errors import IngestError, short_reason
from .read_text import decode_bytes, read_bytes
from .types import CleanDocument

HTML_SUFFIXES = (".html", ".htm")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MIN_ARTICLE_CHARS = 60


def decode_html(data: bytes, name: str) -> str:
    """The page's text: the charset its ``<meta>`` declares, else UTF-8/UTF-16/GB18030 as for text."""
    if m := _CHARSET.search(data[:4096]):
        charset = m.group(1).decode("ascii").lower()
        charset = "gb18030" if charset in ("gb2312", "gbk") else charset  # GB18030 reads both
        try:
            return data.decode(charset).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall back to detection
    return decode_bytes(data, name)


def _config():
    """trafilatura's settings for Chinese pages: its 250-character minimum article size is meant for
    English; a short Chinese article falls below it and trafilatura then returns the whole page body
    joined on one line. No signal-based timeout either (it fails outside the main thread)."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(_MIN_ARTICLE_CHARS))
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _quiet() -> None:
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def read_html(path: Path) -> CleanDocument:
    """The main text of a saved web page with its title and date; IngestError if there is none."""
    import trafilatura

    data = read_bytes(path)
    if not data.strip():
        raise IngestError(path, "empty file")
    try:
        page = decode_html(data, path.name)
    except IngestError as err:
        raise IngestError(path, err.reason) from None
    _quiet()
    try:
        extracted = trafilatura.bare_extraction(
            page,
            include_comments=False,
            include_tables=True,
            include_images=False,
            with_metadata=True,
            deduplicate=False,
            config=_config(),
        )
    except Exception as err:  # lxml failing on badly broken markup
        raise IngestError(path, f"unreadable HTML ({short_reason(str(err) or type(err).__name__)})") from err
    text = clean_plain(getattr(extracted, "text", None) or "") if extracted is not None else ""
    if not text.strip():
        raise IngestError(path, "no article text found in the page")
    date = getattr(extracted, "date", None) or ""
    return CleanDocument(
        text=text,
        title=(getattr(extracted, "title", None) or "").strip(),
        date=date if _DATE.match(date) else "",
    )
