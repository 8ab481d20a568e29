"""Word documents (.docx via python-docx): paragraphs and tables in reading order, title from metadata.

Headings and paragraphs become lines of text; a table becomes one line per row (see
:mod:`nekb.tables`), its numeric cells facts located as ``表<n>!<column><row>``. Short lines just
above a table (``表1 2024年常住人口``, ``单位：万人``) are its caption. Page headers and footers,
footnotes and text boxes are not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .clean import ZERO_WIDTH, strip_pinyin
from .errors import IngestError, short_reason
from .read_tables import column_letter
from .read_text import read_bytes
from .tables import Table, cell_text, compose, parse_number
from .types import CleanDocument

_CAPTION_MAX_CHARS = 60
_SENTENCE_END = re.compile(r"[。！？!?；;：:]$")
_CAPTION_LINES = 2  # at most this many short lines above a table caption it


def _paragraph_text(paragraph) -> str:
    """A paragraph's text on its lines: soft line breaks kept, zero-width characters and pinyin out."""
    lines = (line.strip(" \t\u3000\xa0") for line in paragraph.text.translate(ZERO_WIDTH).splitlines())
    return strip_pinyin("\n".join(line for line in lines if line))


def _grid(table) -> tuple[list[list[str]], list[list[bool]]]:
    """Cell texts of a Word table, and which cells repeat a merged figure (to be left out)."""
    texts: list[list[str]] = []
    repeats: list[list[bool]] = []
    above: list = []
    for row in table.rows:
        cells = list(row.cells)
        texts.append([cell_text(c.text) for c in cells])
        flags = []
        for c, cell in enumerate(cells):
            merged = (c > 0 and cells[c - 1]._tc is cell._tc) or (c < len(above) and above[c] is cell._tc)
            flags.append(merged)
        repeats.append(flags)
        above = [cell._tc for cell in cells]
    return texts, repeats


def _table(table, number: int, caption: list[str]) -> Table:
    texts, repeats = _grid(table)
    width = max((len(r) for r in texts), default=0)
    rows, locations = [], []
    for r, (row, flags) in enumerate(zip(texts, repeats, strict=True)):
        # A merged label repeats over its span (each column keeps its group header); a merged figure
        # is one figure, so its repeats are blanked.
        cells = [
            "" if flag and parse_number(text) is not None else text
            for text, flag in zip(row, flags, strict=True)
        ]
        rows.append(tuple(cells + [""] * (width - len(cells))))
        locations.append(tuple(f"表{number}!{column_letter(c + 1)}{r + 1}" for c in range(width)))
    return Table(rows=tuple(rows), locations=tuple(locations), caption=tuple(caption))


def _is_caption(line: str) -> bool:
    return len(line) <= _CAPTION_MAX_CHARS and "\n" not in line and not _SENTENCE_END.search(line)


def _title(document) -> str:
    """The title in the document properties, else the first paragraph in the Title style."""
    title = (document.core_properties.title or "").strip()
    if title:
        return title
    for paragraph in document.paragraphs[:20]:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.lower() == "title" or style == "标题":
            return paragraph.text.strip()
    return ""


def read_docx(path: Path) -> CleanDocument:
    """Read a .docx file: paragraphs and tables in order; IngestError if it is not a readable .docx."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable

    data = read_bytes(path)
    if not data:
        raise IngestError(path, "empty file")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile) as err:
        raise IngestError(path, "corrupt or not a .docx file (an old .doc? save it as .docx)") from err
    except (KeyError, ValueError, OSError) as err:
        raise IngestError(
            path, f"corrupt .docx file ({short_reason(str(err) or type(err).__name__)})"
        ) from err
    blocks: list[str | Table] = []
    tables = 0
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            tables += 1
            caption: list[str] = []
            while (
                blocks
                and isinstance(blocks[-1], str)
                and _is_caption(blocks[-1])
                and len(caption) < _CAPTION_LINES
            ):
                caption.insert(0, blocks.pop())
            blocks.append(_table(item, tables, caption))
        elif text := _paragraph_text(item):
            blocks.append(text)
    result = compose(blocks, title=_title(document))
    if not result.text:
        raise IngestError(path, "no text in the document")
    return result
