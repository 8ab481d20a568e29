"""Spreadsheets (.xlsx via openpyxl) and CSV files: each table rendered as text, each figure a fact.

A sheet may hold several tables separated by blank rows. Rows with a single filled cell above a
table are its caption (``2024年主要人口指标``, ``单位：万人``), below it its notes (``资料来源：…``).
Cells merged over a header are repeated across the merge so each column knows its group header;
merged figures are not (a merged value is one figure, not several).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from .errors import IngestError, short_reason
from .read_text import decode_bytes, read_bytes
from .tables import Table, cell_text, compose, parse_number
from .types import CleanDocument

_DEFAULT_SHEET = re.compile(r"^(?:Sheet|工作表|Feuil|Tabelle)\s*\d*$", re.IGNORECASE)
_MAX_CELLS = 2_000_000  # a sheet larger than this is refused rather than held in memory


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA (spreadsheet column names)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _filled(row: Sequence[str]) -> list[str]:
    """The row's non-empty cells, a merged cell's repeats counted once (a merged title is one cell)."""
    return list(dict.fromkeys(c for c in row if c))


def split_tables(
    grid: Sequence[Sequence[str]], locations: Sequence[Sequence[str]], name: str = ""
) -> list[str | Table]:
    """Tables (and stray lines) of one sheet, in order; ``name`` captions a first table that has none."""
    blocks: list[str | Table] = []
    pending: list[str] = []  # single-cell lines waiting to caption the next table
    rows: list[int] = []

    def flush() -> None:
        nonlocal pending, name
        if not rows:
            return
        body = list(rows)
        notes = []
        while body and len(_filled(grid[body[-1]])) == 1 and len(body) > 1:
            notes.insert(0, _filled(grid[body.pop()])[0])
        while body and len(_filled(grid[body[0]])) == 1:
            pending.append(_filled(grid[body.pop(0)])[0])
        if body:
            if not pending and name:
                pending, name = [name], ""
            blocks.append(
                Table(
                    rows=tuple(tuple(grid[r]) for r in body),
                    locations=tuple(tuple(locations[r]) for r in body),
                    caption=tuple(pending),
                    notes=tuple(notes),
                )
            )
            pending = []
        else:
            blocks.extend(notes)
        rows.clear()

    for r, row in enumerate(grid):
        if _filled(row):
            rows.append(r)
        else:
            flush()
    flush()
    blocks.extend(pending)  # caption lines with no table after them are still text
    return blocks


# --- CSV ---------------------------------------------------------------------------------


def read_csv(path: Path) -> CleanDocument:
    """A CSV file (any delimiter csv.Sniffer recognises; UTF-8, UTF-16 or GB18030) as tables."""
    try:
        text = decode_bytes(read_bytes(path), path.name)
    except IngestError as err:
        raise IngestError(path, err.reason) from None
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        raw = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as err:
        raise IngestError(path, f"not a readable CSV file ({short_reason(str(err))})") from err
    width = max((len(r) for r in raw), default=0)
    grid = [[cell_text(c) for c in row] + [""] * (width - len(row)) for row in raw]
    locations = [[f"{column_letter(c + 1)}{r + 1}" for c in range(width)] for r in range(len(grid))]
    document = compose(split_tables(grid, locations))
    if not document.text:
        raise IngestError(path, "empty file")
    return document


# --- XLSX --------------------------------------------------------------------------------


def _number_text(value: float, number_format: str) -> str:
    """A number as a reader sees it: percentages as ``12.5%``, no float noise (0.30000000000000004)."""
    percent = "%" in number_format
    if percent:
        value *= 100
    text = str(int(value)) if float(value).is_integer() else f"{value:.10f}".rstrip("0").rstrip(".")
    return text + ("%" if percent else "")


def _cell_value(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        return _number_text(value, cell.number_format or "")
    if isinstance(value, dt.datetime | dt.date):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return cell_text(str(value))


def _sheet_grid(sheet) -> tuple[list[list[str]], list[list[str]]]:
    """A sheet's display values and cell names; merged label cells repeated over their range."""
    rows, cols = sheet.max_row or 0, sheet.max_column or 0
    if rows * cols > _MAX_CELLS:
        raise ValueError(f"sheet {sheet.title} has too many cells ({rows}×{cols})")
    grid = [[_cell_value(sheet.cell(r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        if value and parse_number(value) is None:
            for r in range(merged.min_row, min(merged.max_row, rows) + 1):
                for c in range(merged.min_col, min(merged.max_col, cols) + 1):
                    grid[r - 1][c - 1] = value
    locations = [
        [f"{sheet.title}!{column_letter(c)}{r}" for c in range(1, cols + 1)] for r in range(1, rows + 1)
    ]
    return grid, locations


def read_xlsx(path: Path) -> CleanDocument:
    """Every sheet of an .xlsx workbook as tables (cached formula results, not formulas)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    data = read_bytes(path)
    if not data:
        raise IngestError(path, "empty file")
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as err:
        raise IngestError(path, "corrupt or not an .xlsx workbook (encrypted?)") from err
    blocks: list[str | Table] = []
    try:
        for sheet in workbook.worksheets:
            grid, locations = _sheet_grid(sheet)
            name = "" if _DEFAULT_SHEET.match(sheet.title) else sheet.title
            blocks.extend(split_tables(grid, locations, name=name))
    except ValueError as err:
        raise IngestError(path, short_reason(str(err))) from err
    finally:
        workbook.close()
    document = compose(blocks)
    if not document.text:
        raise IngestError(path, "empty workbook")
    return document
