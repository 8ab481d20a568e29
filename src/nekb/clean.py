"""Text cleaning for the knowledge base: plain text, Markdown and extracted PDF pages.

Everything here is a pure function of its input. The cleaned *display* text keeps the
document's own script (Traditional stays Traditional); ``to_search_form`` and
``normalize_for_match`` produce derived forms used only for indexing and evaluation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from opencc import OpenCC

# --- character classes -------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK ideographs plus CJK/full-width punctuation: a space next to any of these is layout, not text.
_CJK_OR_PUNCT = _CJK + "\u3000-\u303f\uff00-\uffef\u2014\u2018-\u201d\u2026"
_TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_VOWELS = "aeiouüv" + _TONED_VOWELS
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)

# --- pinyin artefacts --------------------------------------------------------------------

# One pinyin syllable: optional initial, 1-4 vowels, optional nasal/r coda. Requiring a vowel
# run keeps things like "(vs)" or "(ok)" from looking like pinyin.
_SYLLABLE = f"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[{_VOWELS}]{{1,4}}(?:ng|n|r)?"
_PINYIN_NOTE = re.compile(rf"(?<=[{_CJK}])[(（]({_SYLLABLE})[)）]")
_HAS_TONE = re.compile(f"[{_TONED_VOWELS}]")


def _drop_if_pinyin(match: re.Match[str]) -> str:
    syllable = match.group(1)
    # A toneless single letter such as "(a)" is more likely a list marker than pinyin.
    if _HAS_TONE.search(syllable) or len(syllable) >= 2:
        return ""
    return match.group(0)


def strip_pinyin(text: str) -> str:
    """Remove scraped pinyin annotations such as ``地區(qū)`` -> ``地區``.

    Only a parenthesised (ASCII or full-width) single pinyin syllable directly after a CJK
    character is removed; ``(GDP)`` or ``（以下简称振兴东北办）`` stay.
    """
    return _PINYIN_NOTE.sub(_drop_if_pinyin, text)


# --- plain text and Markdown -------------------------------------------------------------

_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_IMAGE_ONLY_LINE = re.compile(r"^[ \t]*(?:!\[[^\]\n]*\]\([^)\n]*\)[ \t]*)+(?:\n|$)", re.MULTILINE)
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


def clean_plain(text: str) -> str:
    """Normalise a plain-text document without changing its wording.

    Unifies newlines, drops BOM/zero-width characters and lines holding only a Markdown
    image, strips trailing spaces, collapses two or more blank lines into one and removes
    pinyin artefacts. Runs in linear time, so tens of megabytes are fine.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_ZERO_WIDTH)
    # str.rstrip per line: a "[ \t]+$" regex backtracks quadratically on long space runs.
    text = "\n".join(line.rstrip(" \t\u3000") for line in text.split("\n"))
    text = _IMAGE_ONLY_LINE.sub("", text)
    text = _EXTRA_BLANK_LINES.sub("\n\n", text)
    return _join_broken_paragraphs(strip_pinyin(text)).strip("\n")


_HAN_CHAR = re.compile(f"[{_CJK}]")
# A paragraph this long that stops on a bare character was cut mid-sentence (a heading is shorter).
_BROKEN_LINE_MIN_CHARS = 40


def _join_broken_paragraphs(text: str) -> str:
    """Re-join a long line that ends mid-sentence with the CJK text after its (blank) line break."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while (
            len(line) >= _BROKEN_LINE_MIN_CHARS
            and _HAN_CHAR.fullmatch(line[-1])
            and (nxt := _next_text_line(lines, i)) is not None
            and _HAN_CHAR.match(lines[nxt])
        ):
            line += lines[nxt]
            i = nxt
        out.append(line)
        i += 1
    return "\n".join(out)


def _next_text_line(lines: list[str], i: int) -> int | None:
    """Index of the next line after ``i`` skipping at most one blank line."""
    for j in (i + 1, i + 2):
        if j < len(lines) and lines[j].strip():
            return j
        if j < len(lines) and j == i + 2:
            return None
    return None


_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*(.*?)[ \t#]*$", re.MULTILINE)
_MD_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE)
_MD_FENCE = re.compile(r"^[ \t]*(?:```|~~~).*$", re.MULTILINE)
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# Not after an ASCII word character (2*3*4), but fine right after a CJK character (和*强调*).
_MD_EMPHASIS = re.compile(r"(?<![*A-Za-z0-9])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\*)")
_MD_CODE = re.compile(r"`+([^`\n]*)`+")
_HTML_TAG = re.compile(r"</?[A-Za-z!][^>\n]*>")


def clean_markdown(text: str) -> str:
    """Reduce Markdown to its readable text, then apply :func:`clean_plain`.

    Images disappear, links keep their text, heading markers, emphasis, code ticks,
    horizontal rules and HTML tags are dropped.
    """
    text = text.replace("\r\n", "\n")
    text = _IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_RULE.sub("", text)  # before headings/emphasis: "***" is a rule, not emphasis
    text = _MD_FENCE.sub("", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EMPHASIS.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    return clean_plain(text)


# --- PDF pages ---------------------------------------------------------------------------
#
# pypdf's default extract_text() follows the content-stream order, which for the shipped
# two-column PDF is already "left column, then right column". extraction_mode="layout"
# instead places both columns side by side on each output line, interleaving unrelated
# half-sentences and padding CJK with runs of spaces, so the plain mode is what we clean.

_EDGE_LINES = 2  # how many lines at the top and bottom of a page may be header/footer
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
_SHORT_CJK_TITLE = re.compile(rf"^[{_CJK}]{{2,15}}$")
_SPACE_RUN = re.compile(r"[ \t\u3000\xa0]+")
_LATIN_END = re.compile(r"[A-Za-z][,.;:!?)]?$")
_LATIN_START = re.compile(r"^[A-Za-z]")
_CJK_CHAR = re.compile(f"[{_CJK_OR_PUNCT}]")
_ECHO_TOKEN = re.compile(r"(?<=[。！？”」.!?])\s+([A-Za-z]+)$")
_FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]")
_INLINE_HEADING = re.compile(
    r"(?<=[。！？])[ \u3000]*(?=（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)"
)


def _edge_lines(lines: list[str]) -> set[int]:
    """Indices of the non-blank lines at the top and bottom of a page."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    return set(content[:_EDGE_LINES] + content[-_EDGE_LINES:])


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
    for lines in pages:
        edges = _edge_lines(lines)
        kept = []
        for i, line in enumerate(lines):
            is_edge = i in edges
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

    def add(self, raw_line: str) -> int | None:
        """Append one physical line; return the offset where its text starts (None if blank)."""
        line = raw_line.strip(" \t\u3000\xa0")
        if not line:
            return None  # blank / lone-ideographic-space lines carry no reliable structure
        # An ideographic-space or multi-space indent marks a paragraph start; one ASCII space
        # is too common an extraction artefact to mean anything.
        indented = raw_line.startswith(("\u3000", "  ", "\t"))
        line = _collapse_spaces(line)
        separator = self._separator(line, indented)
        self._emit(separator)
        start = self.length
        self._emit(line)
        # Only a paragraph's first line can be a heading; any continuation makes it prose.
        starts_paragraph = separator == "\n" or not self.last_line
        self.after_heading = starts_paragraph and _is_heading(line, indented)
        self.last_line = line
        return start

    def text(self) -> str:
        """The joined text: paragraphs separated by single newlines."""
        return "".join(self.parts)


def clean_pdf_pages(pages: Sequence[str]) -> tuple[str, tuple[int, ...]]:
    """Turn per-page ``extract_text()`` output into clean prose plus page start offsets.

    Removes running headers/footers and page numbers, re-joins lines (and pages) broken by
    layout, re-attaches stray punctuation and drops layout spaces around CJK text. Paragraphs
    end where a line ends a sentence, at indented lines and after headings. ``page_starts[i]``
    is the offset in the returned text where page ``i + 1``'s content begins.
    """
    raw_pages = [page.replace("\r\n", "\n").translate(_ZERO_WIDTH).split("\n") for page in pages]
    content_pages, header_words = _strip_page_furniture(raw_pages)
    joiner = _ParagraphJoiner()
    page_starts = []
    for lines in content_pages:
        first: int | None = None
        for raw_line in lines:
            for line in _content_lines(raw_line, header_words):
                start = joiner.add(line)
                first = start if first is None else first
        page_starts.append(joiner.length if first is None else first)
    return joiner.text(), tuple(page_starts)


# --- search and match forms --------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")


class SearchNormalizer:
    """Owns an OpenCC Traditional->Simplified converter for building search/match forms."""

    def __init__(self, converter: OpenCC | None = None) -> None:
        self._converter = converter or OpenCC("t2s")

    def search_form(self, text: str) -> str:
        """NFKC-normalise, then convert Traditional to Simplified (length may change)."""
        return self._converter.convert(unicodedata.normalize("NFKC", text))

    def match_form(self, text: str) -> str:
        """Evaluation form: pinyin stripped, NFKC, Simplified, all whitespace removed."""
        return _WHITESPACE.sub("", self.search_form(strip_pinyin(text)))


def to_search_form(text: str, normalizer: SearchNormalizer | None = None) -> str:
    """Index form of ``text``: NFKC plus Traditional->Simplified.

    Offsets never refer to this form. Pass a shared ``normalizer`` when converting many texts.
    """
    return (normalizer or SearchNormalizer()).search_form(text)


def normalize_for_match(text: str, normalizer: SearchNormalizer | None = None) -> str:
    """Form used to judge whether a passage contains an answer: see ``SearchNormalizer.match_form``."""
    return (normalizer or SearchNormalizer()).match_form(text)
