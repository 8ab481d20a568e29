"""Recognized text boxes to text lines in reading order, with paragraph starts marked.

OCR gives unordered boxes, each one line (or part of one). They are grouped into lines by vertical
overlap and read left to right. A line starts a paragraph when it is indented, centred, or follows
a line that stopped short of the right margin or a wider gap than usual; such lines get an
ideographic-space indent, which is how :func:`nekb.pdf_layout.clean_pdf_pages` recognises a
paragraph start, so OCR'd pages are joined into sentences exactly like PDF pages.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence

from .ocr import OcrBox, OcrPage

PARAGRAPH_INDENT = "\u3000\u3000"
_SAME_LINE_OVERLAP = 0.5  # share of the smaller box's height two boxes of one line overlap by
_INDENT_CHARS = 1.0  # a line starting this many character heights right of the margin is indented
_SHORT_LINE_CHARS = 2.5  # a line ending this many character heights before the margin ends a paragraph
_GAP_FACTOR = 1.6  # a gap this many times the usual line pitch separates paragraphs
_TITLE_SIZE_RATIO = 1.2  # a first line this much taller than the body text is the page's title
_TITLE_MAX_CHARS = 40
# A lone number (perhaps in dashes) as the first or last line of a scanned page is its page number;
# OCR often loses the dashes that would let clean_pdf_pages recognise it.
# The recognizer reads a dash between figures (5－20厘米, 1546年－1618年) as the character 一, which
# never stands between two numbers in Chinese text.
_DASH_AS_ONE = re.compile(r"(?<=\d)一(?=\d)|(?<=\d年)一(?=\d{1,4}年)")
_PAGE_NUMBER = re.compile(r"^[-—–－~\s]*\d{1,4}[-—–－~\s]*$")


def _group_lines(boxes: Sequence[OcrBox]) -> list[list[OcrBox]]:
    """Boxes grouped into lines (top to bottom), each line's boxes left to right."""
    lines: list[list[OcrBox]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        if lines:
            line = lines[-1]
            top, bottom = min(b.y0 for b in line), max(b.y1 for b in line)
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap >= _SAME_LINE_OVERLAP * min(bottom - top, box.height):
                line.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _line_text(line: list[OcrBox]) -> str:
    # A space between boxes; clean_pdf_pages drops it again next to CJK characters.
    return _DASH_AS_ONE.sub("-", " ".join(b.text for b in line))


def page_lines(page: OcrPage) -> list[str]:
    """The page's text lines in reading order; lines that start a paragraph carry an indent."""
    lines = _group_lines(page.boxes)
    for edge in (-1, 0):
        if lines and _PAGE_NUMBER.match(_line_text(lines[edge])):
            lines.pop(edge)
    if not lines:
        return []
    spans = [(min(b.x0 for b in line), max(b.x1 for b in line)) for line in lines]
    tops = [min(b.y0 for b in line) for line in lines]
    char = statistics.median(b.height for line in lines for b in line)
    left = statistics.median_low(x0 for x0, _ in spans)
    ends = sorted(x1 for _, x1 in spans)
    right = ends[int(0.9 * (len(ends) - 1))]  # not the max: one wide stray box would shorten every line
    pitches = [b - a for a, b in itertools.pairwise(tops)]
    pitch = statistics.median(pitches) if pitches else char
    out = []
    for i, line in enumerate(lines):
        x0, _ = spans[i]
        starts = x0 - left >= _INDENT_CHARS * char
        if i > 0:
            previous_short = right - spans[i - 1][1] >= _SHORT_LINE_CHARS * char
            wide_gap = tops[i] - tops[i - 1] >= _GAP_FACTOR * pitch
            starts = starts or previous_short or wide_gap
        text = _line_text(line)
        out.append(PARAGRAPH_INDENT + text if starts else text)
    return out


def page_title(page: OcrPage) -> str:
    """The page's first line when it is set clearly larger than the text below it (a title), else ""."""
    lines = _group_lines(page.boxes)
    if len(lines) < 2 or _PAGE_NUMBER.match(_line_text(lines[0])):
        lines = lines[1:]
    if len(lines) < 2:
        return ""
    first = max(b.height for b in lines[0])
    body = statistics.median(b.height for line in lines[1:] for b in line)
    text = _line_text(lines[0]).strip()
    return text if first >= _TITLE_SIZE_RATIO * body and len(text) <= _TITLE_MAX_CHARS else ""
