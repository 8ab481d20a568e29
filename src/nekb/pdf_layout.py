"""PDF layout repair: running headers and footers, page numbers, lines and pages broken by layout."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from .clean import CJK_CLASS, CJK_OR_PUNCT_CLASS, ZERO_WIDTH

# --- PDF pages ---------------------------------------------------------------------------
#
# pypdf's default extract_text() follows the content-stream order, which for the shipped
# two-column PDF is already "left column, then right column". extraction_mode="layout"
# instead places both columns side by side on each output line, interleaving unrelated
# half-sentences and padding CJK with runs of spaces, so the plain mode is what we clean.

_EDGE_LINES = 2  # how many lines at the top and bottom of a page may be header/footer
_PRINT_EDGE_LINES = 3  # a browser's print header and footer: searched a little further in
# What a browser prints in the page margins: "11/24/26, 7:05 PM  标题" or "2026/11/24 下午7:05  标题"
# at the top, "https://… 1/2" (or "file:///…", or just "1/2") at the bottom.
_PRINT_HEADER = re.compile(
    r"^\d{1,4}[/.]\d{1,2}[/.]\d{1,4},?\s*(?:[上下]午\s*)?\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*[AaPp]\.?\s?[Mm]\.?)?(?:\s.*)?$"
)
_PRINT_FOOTER = re.compile(
    r"^(?:(?:https?|file|about|data|blob|ftp|chrome(?:-extension)?|edge):\S*\s+)?\d{1,4}\s*(?:/|of)\s*\d{1,4}$",
    re.IGNORECASE,
)
# pypdf keeps typographic ligatures ("ﬁle:///"); spell them out so text and patterns match.
_LIGATURES = {
    0xFB00: "ff",
    0xFB01: "fi",
    0xFB02: "fl",
    0xFB03: "ffi",
    0xFB04: "ffl",
    0xFB05: "st",
    0xFB06: "st",
}
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?|page\s+\d+(?:\s+of\s+\d+)?)$",
    re.IGNORECASE,
)
# A closing quote ends a sentence only after end punctuation: “政策调整型”\n改革。 continues.
# A period ends one only after a letter: "6.\n9%" is a number split across lines.
_SENTENCE_END = re.compile(r"(?:[。！？；：!?:…]|[。！？!?…][”」』’\"]|[A-Za-z)]\.)$")
_CLOSING_PUNCT = "，。、；：！？）」』”’》〉】,.;:!?)%"
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十\d]+[章节部分]|\d+(?:\.\d+)+\s|\d+、)"
)
_SHORT_CJK_TITLE = re.compile(rf"^[{CJK_CLASS}]{{2,15}}$")
_SPACE_RUN = re.compile(r"[ \t\u3000\xa0]+")
_LATIN_END = re.compile(r"[A-Za-z][,.;:!?)]?$")
_LATIN_START = re.compile(r"^[A-Za-z]")
_CJK_CHAR = re.compile(f"[{CJK_OR_PUNCT_CLASS}]")
_ECHO_TOKEN = re.compile(r"(?<=[。！？”」.!?])\s+([A-Za-z]+)$")
_FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]")
_INLINE_HEADING = re.compile(
    r"(?<=[。！？])[ \u3000]*(?=（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)"
)


def _edge_lines(lines: list[str]) -> set[int]:
    """Indices of the non-blank lines at the top and bottom of a page."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    return set(content[:_EDGE_LINES] + content[-_EDGE_LINES:])


def _print_furniture(pages: list[list[str]]) -> list[set[int]]:
    """Per page, the indices of a browser's print header (date, time, title) and footer (URL, i/n).

    Only when the document is such a print: a footer on at least half of its pages. A dated line
    at the top of an ordinary PDF ("2024-05-17 10:30 来源：…") is content and stays.
    """
    headers, footers = [], []
    for lines in pages:
        content = [i for i, line in enumerate(lines) if line.strip()]
        edges = content[:_PRINT_EDGE_LINES] + content[-_PRINT_EDGE_LINES:]
        headers.append({i for i in edges if _PRINT_HEADER.match(lines[i].strip())})
        footers.append({i for i in edges if _PRINT_FOOTER.match(lines[i].strip())})
    if sum(1 for found in footers if found) < max(1, math.ceil(len(pages) / 2)):
        return [set() for _ in pages]
    return [h | f for h, f in zip(headers, footers, strict=True)]


def _furniture_key(line: str) -> str:
    """Compare header/footer candidates with whitespace removed and digits masked."""
    return re.sub(r"\d+", "#", _SPACE_RUN.sub("", line))


def _running_furniture(pages: list[list[str]]) -> set[str]:
    """Keys of lines repeated at page edges on at least half of the pages (min 2)."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_furniture_key(lines[i]) for i in _edge_lines(lines)})
    threshold = max(2, math.ceil(len(pages) / 2))
    return {key for key, n in counts.items() if n >= threshold and key}


def _strip_page_furniture(pages: list[list[str]]) -> tuple[list[list[str]], set[str]]:
    """Drop running headers/footers and page numbers; also return the header words seen."""
    repeated = _running_furniture(pages)
    header_words: set[str] = set()
    kept_pages = []
    for lines, printed in zip(pages, _print_furniture(pages), strict=True):
        edges = _edge_lines(lines)
        kept = []
        for i, line in enumerate(lines):
            is_edge = i in edges
            if i in printed:
                continue
            if is_edge and _furniture_key(line) in repeated:
                header_words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", line))
            # Decorated page numbers go wherever they sit at an edge; bare numbers only as a
            # repeated "#" footer above, since a lone "21" can be a number wrapped mid-sentence.
            elif not (is_edge and _PAGE_NUMBER.match(line.strip())):
                kept.append(line)
        kept_pages.append(kept)
    return kept_pages, header_words


def _drop_header_echo(line: str, header_words: set[str]) -> str:
    """Remove a trailing Latin token echoing the running header (e.g. ``。 Reform``)."""
    match = _ECHO_TOKEN.search(line)
    if match and match.group(1).lower() in header_words:
        return line[: match.start()]
    return line


def _content_lines(line: str, header_words: set[str]) -> list[str]:
    """Tidy one extracted line; split it where a section heading follows a sentence end.

    Footnote reference marks like ``[3]`` are dropped: the notes themselves are not part of
    the extracted text, and bracketed numbers would be confused with answer citations.
    """
    line = _FOOTNOTE_MARK.sub("", _drop_header_echo(line, header_words))
    return _INLINE_HEADING.sub("\n", line).split("\n")


def _collapse_space(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    before, after = text[start - 1 : start], text[end : end + 1]
    if not before or not after or _CJK_CHAR.match(before) or _CJK_CHAR.match(after):
        return ""
    return " "


def _collapse_spaces(line: str) -> str:
    """Remove layout spaces next to CJK text; keep one space between Latin words/numbers."""
    return _SPACE_RUN.sub(_collapse_space, line)


def _is_heading(line: str, indented: bool) -> bool:
    """Whether a paragraph's first line looks like a section heading that must stand alone."""
    if _SENTENCE_END.search(line) or line[-1].isdigit():
        return False  # ending in a digit means it wrapped mid-number ("（二）21" / "世纪…")
    if _HEADING_START.match(line) and len(line) <= 40:
        return True
    return indented and bool(_SHORT_CJK_TITLE.match(line))


class _ParagraphJoiner:
    """Accumulates physical lines into paragraphs, repairing layout line breaks."""

    def __init__(self) -> None:
        self.parts: list[str] = []  # output pieces: lines, separators, paragraph newlines
        self.length = 0  # total length of ``parts``
        self.last_line = ""  # last line added ("" at the start of the text)
        self.after_heading = False  # the current paragraph is a lone heading

    def _emit(self, piece: str) -> None:
        self.parts.append(piece)
        self.length += len(piece)

    def _separator(self, line: str, indented: bool) -> str:
        """What goes between the previous line and ``line``: "", " " or a paragraph break."""
        prev = self.last_line
        if not prev:
            return ""
        if line[0] in _CLOSING_PUNCT:
            return ""  # punctuation that wrapped onto its own line belongs to the previous one
        if indented or self.after_heading or _SENTENCE_END.search(prev):
            return "\n"
        if _LATIN_END.search(prev) and _LATIN_START.match(line):
            return " "
        if prev[-1].isdigit() and line[0].isdigit():
            return " "  # never fuse two numbers into one
        return ""

    def add(self, raw_line: str, heading: bool = False) -> int | None:
        """Append one physical line; return the offset where its text starts (None if blank).

        ``heading`` says the line is known to be a heading (set in a larger font): it stands alone.
        """
        line = raw_line.strip(" \t\u3000\xa0")
        if not line:
            return None  # blank / lone-ideographic-space lines carry no reliable structure
        # An ideographic-space or multi-space indent marks a paragraph start; one ASCII space
        # is too common an extraction artefact to mean anything.
        indented = heading or raw_line.startswith(("\u3000", "  ", "\t"))
        line = _collapse_spaces(line)
        separator = self._separator(line, indented)
        self._emit(separator)
        start = self.length
        self._emit(line)
        # Only a paragraph's first line can be a heading; any continuation makes it prose.
        starts_paragraph = separator == "\n" or not self.last_line
        self.after_heading = heading or (starts_paragraph and _is_heading(line, indented))
        self.last_line = line
        return start

    def text(self) -> str:
        """The joined text: paragraphs separated by single newlines."""
        return "".join(self.parts)


def heading_key(line: str) -> str:
    """How a heading line is matched against extracted lines: whitespace removed."""
    return _SPACE_RUN.sub("", line.translate(_LIGATURES))


def clean_pdf_pages(pages: Sequence[str], headings: Sequence[set[str]] = ()) -> tuple[str, tuple[int, ...]]:
    """Turn per-page ``extract_text()`` output into clean prose plus page start offsets.

    Removes running headers/footers, page numbers and a browser's print header/footer, re-joins
    lines (and pages) broken by layout, re-attaches stray punctuation and drops layout spaces
    around CJK text. Paragraphs end where a line ends a sentence, at indented lines and after
    headings; ``headings[i]`` may give the :func:`heading_key` of lines of page ``i + 1`` known to
    be headings (set in a larger font), which then stand alone. ``page_starts[i]`` is the offset in
    the returned text where page ``i + 1``'s content begins.
    """
    raw_pages = [
        page.replace("\r\n", "\n").translate(ZERO_WIDTH).translate(_LIGATURES).split("\n") for page in pages
    ]
    content_pages, header_words = _strip_page_furniture(raw_pages)
    joiner = _ParagraphJoiner()
    page_starts = []
    for number, lines in enumerate(content_pages):
        page_headings = headings[number] if number < len(headings) else set()
        first: int | None = None
        for raw_line in lines:
            for line in _content_lines(raw_line, header_words):
                start = joiner.add(line, heading=heading_key(line) in page_headings)
                first = start if first is None else first
        page_starts.append(joiner.length if first is None else first)
    return joiner.text(), tuple(page_starts)
