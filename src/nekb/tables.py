"""Tables as text and as facts: every numeric cell of a table becomes one fact row.

A table is a grid of cell texts (from a spreadsheet, a CSV file or a Word document) plus caption
lines. Its leading rows without figures are the column headers, its leading columns without figures
the row headers. For a numeric cell the period is a year in its column header, row header or caption;
the unit comes from the cell itself (``12.5%``), a bracket in a header (``常住人口（万人）``), a
``单位`` column or the caption (``单位：万人``); the indicator is the column header without period
and unit (else a row header naming a measure, else the caption), the entity the row header.

Each row is rendered as one line of text, ``entity，column header：value，…``, so the table is
searchable and every fact quotes the line holding its value.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from opencc import OpenCC

from .clean import ZERO_WIDTH
from .facts import FactExtractor
from .types import CellFact, CleanDocument, DocumentInfo, Fact, page_at

_YEAR = r"(?:1[89]|20)\d{2}"
_PERIOD = re.compile(
    rf"(?<!\d)(?P<a>{_YEAR})(?:\s*年)?(?:\s*[-—–~至到]\s*(?P<b>{_YEAR})(?:\s*年)?)?(?:末|底|初|度)?(?!\d)"
)
_PURE_PERIOD = re.compile(rf"^{_YEAR}(?:\s*年)?(?:\s*[-—–~至到]\s*{_YEAR}(?:\s*年)?)?(?:度|末|底|初)?$")
_NUMBER = re.compile(
    r"^(?P<sign>[-+−–]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>%|‰)?$"
)
_BRACKET_UNIT = re.compile(
    r"[(（\[［]\s*(?:单位\s*[:：]\s*)?(?P<unit>[^()（）\[\]［］]{1,8}?)\s*[)）\]］]\s*$"
)
_UNIT_NOTE = re.compile(r"(?:计量)?单位\s*[:：]\s*(?P<unit>[^\s,，;；)）]{1,8})")
_TABLE_LABEL = re.compile(
    r"^(?:表|Table)\s*[\d一二三四五六七八九十]+(?:[-.－]\d+)?[.:：、\s]*", re.IGNORECASE
)
_UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
_INDICATOR_HEADER = re.compile(
    r"^(?:指标|项目|指标名称|项目名称|统计指标|名称|类别|Indicator|Item)$", re.IGNORECASE
)
_SERIAL_HEADER = re.compile(r"^(?:序号|编号|No\.?|#)$", re.IGNORECASE)
# Characters units are written with: a bracket of only these is a unit (万人, 亿元, 元/人, %), a
# bracket with other words is a remark (不含港澳台).
_UNIT_CHARS = re.compile(
    r"^[%‰℃°/·²³A-Za-z万亿千百十个元角美欧镑币人户岁年月日天时分秒公毫厘米里克斤吨亩顷升度倍次件台辆套家所座项名位例张本册只头株平方立标准箱瓦焦]{1,7}$"
)
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")  # what is left of "人口（2024年）" once the year is out
_YEAR_STEP = 10  # largest gap between the years of a header row (2010 2015 2020)
_EMPTY_MARKS = {"", "-", "—", "--", "…", "...", "/", "－", "x", "X", "NA", "N/A", "n/a"}


@dataclass(frozen=True)
class Table:
    """A grid of cell texts with each cell's place in its file (``locations[r][c]``)."""

    rows: tuple[tuple[str, ...], ...]
    locations: tuple[tuple[str, ...], ...]
    caption: tuple[str, ...] = ()  # title and unit lines found above the table
    notes: tuple[str, ...] = ()  # remarks below it (注：…, 资料来源：…), kept as text


@dataclass(frozen=True)
class _Label:
    text: str  # the label without period and unit
    period: str
    unit: str


def parse_number(text: str) -> tuple[float, str] | None:
    """``"3,029"`` -> ``(3029.0, "")``, ``"12.5%"`` -> ``(12.5, "%")``; None for anything else."""
    m = _NUMBER.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return None
    value = float(m["num"].replace(",", ""))
    return (-value if m["sign"] in "-−–" and m["sign"] else value), m["unit"] or ""


def _is_year(text: str) -> bool:
    return bool(_PURE_PERIOD.match(unicodedata.normalize("NFKC", text).strip()))


def _is_number(text: str) -> bool:
    return parse_number(text) is not None


def _is_figure(text: str) -> bool:
    return parse_number(text) is not None and not _is_year(text)


def _label(text: str) -> _Label:
    """Split a header into its words, its period (``2024`` / ``2010-2020``) and its unit."""
    plain = unicodedata.normalize("NFKC", text).strip()
    unit = ""
    if m := _UNIT_NOTE.search(plain):
        unit, plain = m["unit"], plain[: m.start()] + plain[m.end() :]
    period = ""
    if m := _PERIOD.search(plain):
        period = f"{m['a']}-{m['b']}" if m["b"] else m["a"]
        plain = (plain[: m.start()] + plain[m.end() :]).strip()
    if (m := _BRACKET_UNIT.search(plain)) and _UNIT_CHARS.match(m["unit"].strip()):
        unit, plain = unit or m["unit"].strip(), plain[: m.start()]
    words = _EMPTY_BRACKETS.sub("", _TABLE_LABEL.sub("", plain)).strip(" \t:：,，、([")
    return _Label(re.sub(r"\s+", " ", words), period, unit)


def _join(parts: Sequence[str]) -> str:
    """Header parts of one column (merged cells repeat): distinct ones, joined."""
    out: list[str] = []
    for part in parts:
        if part and (not out or out[-1] != part):
            out.append(part)
    return "".join(out)


def _is_header_row(row: Sequence[str]) -> bool:
    """No figures: words, and years. Bare numbers count as years only when they run like a header's
    (2021 2022 2023, or 2010 2015 2020), since a row of values such as 1906 and 2010 is data."""
    if any(_is_figure(c) for c in row):
        return False
    bare = [int(c) for c in (unicodedata.normalize("NFKC", c).strip() for c in row) if c.isdigit()]
    steps = [b - a for a, b in itertools.pairwise(bare)]
    return all(0 < d <= _YEAR_STEP for d in steps) or all(-_YEAR_STEP <= d < 0 for d in steps)


def _header_rows(rows: Sequence[Sequence[str]]) -> int:
    """How many leading rows are column headers (at least one row is left for the body)."""
    count = 0
    while count < len(rows) - 1 and _is_header_row(rows[count]):
        count += 1
    return count


def _label_columns(body: Sequence[Sequence[str]], width: int) -> int:
    """How many leading columns hold no figures in the body: names, or years down the first column
    (further in, a column of values like 1998 or 2010 holds figures)."""
    count = 0
    while count < width - 1:
        cells = [row[count] for row in body if count < len(row)]
        is_figure = _is_figure if count == 0 else _is_number
        if any(is_figure(c) for c in cells):
            break
        count += 1
    return count


@dataclass(frozen=True)
class _Layout:
    header: int  # number of header rows
    labels: int  # number of row-header columns


def _layout(table: Table) -> _Layout | None:
    """Header rows and row-header columns, or None for a table without figures."""
    rows = table.rows
    header = _header_rows(rows)
    if not any(_is_number(c) for row in rows[header:] for c in row):
        return None
    width = max(len(r) for r in rows)
    return _Layout(header, _label_columns(rows[header:], width))


def _cell_fact(table: Table, layout: _Layout, r: int, c: int, cell_unit: str) -> tuple[str, str, str, str]:
    """(entity, indicator, period, unit) of the figure in row ``r``, column ``c``."""
    rows = table.rows
    column = _label(_join([rows[h][c] for h in range(layout.header) if c < len(rows[h])]))
    caption = _label(" ".join(table.caption))
    row_labels, unit_cell, row_indicator = [], "", ""
    for k in range(layout.labels):
        cell = rows[r][k] if k < len(rows[r]) else ""
        head = _join([rows[h][k] for h in range(layout.header) if k < len(rows[h])])
        if not cell or _SERIAL_HEADER.match(head):
            continue
        if _UNIT_HEADER.match(head):
            unit_cell = cell
            continue
        label = _label(cell)
        if _INDICATOR_HEADER.match(head) or (label.unit and not row_indicator):
            row_indicator = row_indicator or cell
            continue
        row_labels.append(label)
    row_period = next((x.period for x in row_labels if x.period), "")
    period = column.period or row_period or caption.period
    indicator_label = _label(row_indicator) if row_indicator else None
    unit = cell_unit or column.unit or (indicator_label.unit if indicator_label else "")
    unit = unit or next((x.unit for x in row_labels if x.unit), "") or unit_cell or caption.unit
    names = [x.text for x in row_labels if x.text]
    indicator = column.text or (indicator_label.text if indicator_label else "")
    entity = names[-1] if names else ""
    if not indicator and len(names) > 1:
        indicator = names[-1]  # 地区 | 指标 | 2023 | 2024 without a 指标 header: the inner label
        entity = names[-2]
    if not indicator:
        indicator = caption.text
    elif not entity:
        entity = caption.text
    return entity, indicator, period, unit


def _row_line(table: Table, layout: _Layout | None, r: int) -> list[tuple[str, tuple[int, int] | None]]:
    """The pieces of row ``r``'s line; a figure's piece carries its (row, column)."""
    row = table.rows[r]
    if layout is None:  # a table of words: cells in order, a key-value pair as "key：value"
        cells = _distinct(row)
        sep = "：" if len(cells) == 2 and len(table.rows[0]) == 2 else "，"
        return [(sep.join(cells), None)] if cells else []
    pieces: list[tuple[str, tuple[int, int] | None]] = []
    names = _distinct([row[k] for k in range(min(layout.labels, len(row)))])
    if names:
        pieces.append(("，".join(names), None))
    for c in range(layout.labels, len(row)):
        cell = row[c]
        if cell in _EMPTY_MARKS:
            continue
        head = _join([table.rows[h][c] for h in range(layout.header) if c < len(table.rows[h])])
        if pieces:
            pieces.append(("，", None))
        if head:
            pieces.append((f"{head}：", None))
        pieces.append((cell, (r, c) if _is_number(cell) else None))  # a body cell of 2000 is a figure
    return pieces


def _distinct(cells: Sequence[str]) -> list[str]:
    """Non-empty cells, a merged cell's repeats dropped."""
    out: list[str] = []
    for cell in cells:
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out


def render_table(table: Table, offset: int) -> tuple[str, list[CellFact]]:
    """The table as lines of text (caption, then one line per row) and a fact per numeric cell.

    ``offset`` is where the returned text will start in the document; each fact's ``start``/``end``
    point at its value there. The text ends without a newline.
    """
    layout = _layout(table)
    lines = [line for line in table.caption if line]
    first = layout.header if layout else 0
    facts: list[CellFact] = []
    position = offset + sum(len(line) + 1 for line in lines)
    for r in range(first, len(table.rows)):
        pieces = _row_line(table, layout, r)
        if not pieces:
            continue
        line_start = position
        for text, place in pieces:
            if place is not None and layout is not None:
                value, cell_unit = parse_number(text) or (0.0, "")
                entity, indicator, period, unit = _cell_fact(table, layout, *place, cell_unit)
                location = table.locations[place[0]][place[1]]
                facts.append(
                    CellFact(entity, indicator, period, value, unit, location, position, position + len(text))
                )
            position += len(text)
        lines.append("".join(t for t, _ in pieces))
        position = line_start + len(lines[-1]) + 1
    lines.extend(note for note in table.notes if note)
    return "\n".join(lines), facts


def document_facts(
    info: DocumentInfo,
    document: CleanDocument,
    sentences: list[tuple[int, int]],
    extractor: FactExtractor,
) -> list[Fact]:
    """The facts of a document: those stated in its prose, plus one per numeric table cell.

    Sentences holding table cells are left to the cells (the regexes would misread a row). A cell's
    fact quotes the sentence holding its value; ``fact_id`` is ``"{doc_id}#{start}-{n}"`` for the
    n-th cell of the sentence starting at ``start``, as for prose facts, so ids stay unique.
    """
    doc_id, text, page_starts = info.doc_id, document.text, tuple(document.page_starts)
    starts = [start for start, _ in sentences]

    def holder(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    in_tables = {holder(cell.start) for cell in document.cells}
    prose = [span for i, span in enumerate(sentences) if i not in in_tables]
    facts = extractor.extract(doc_id, text, prose, page_starts, info)
    converter = OpenCC("t2s")  # entities and indicators are Simplified, as extract_facts makes them
    counts: dict[int, int] = {}
    for cell in document.cells:
        i = holder(cell.start)
        if i < 0:
            continue
        start, end = sentences[i]
        n = counts[start] = counts.get(start, -1) + 1
        facts.append(
            Fact(
                fact_id=f"{doc_id}#{start}-{n}",
                entity=converter.convert(cell.entity),
                indicator=converter.convert(cell.indicator),
                period=cell.period,
                value=cell.value,
                unit=converter.convert(cell.unit),
                qualifier="",
                doc_id=doc_id,
                sentence=text[start:end],
                start=start,
                end=end,
                page=page_at(page_starts, start),
                location=cell.location,
            )
        )
    return sorted(facts, key=lambda f: f.start)  # stable: a sentence keeps its facts in order


def cell_text(value: str) -> str:
    """A cell's text on one line: inner line breaks become spaces, zero-width characters go."""
    return " ".join(value.translate(ZERO_WIDTH).split())


def compose(blocks: Sequence[str | Table], **fields: object) -> CleanDocument:
    """A document from paragraphs and tables in reading order; a table's facts point into the text.

    Paragraphs are separated by a newline, tables by a blank line from what surrounds them.
    """
    parts: list[str] = []
    cells: list[CellFact] = []
    length = 0
    after_table = False
    for block in blocks:
        is_table = isinstance(block, Table)
        separator = "" if not parts else "\n\n" if is_table or after_table else "\n"
        if isinstance(block, Table):
            text, facts = render_table(block, length + len(separator))
        else:
            text, facts = block.strip(), []
        if not text:
            continue
        cells.extend(facts)
        parts.append(separator + text)
        length += len(separator) + len(text)
        after_table = is_table
    return CleanDocument(text="".join(parts), cells=tuple(cells), **fields)
