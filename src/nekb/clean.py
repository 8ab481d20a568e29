"""Text cleaning: scraped pinyin artefacts, plain text and Markdown, without changing the wording.

Everything here is a pure function of its input. The cleaned *display* text keeps the document's own
script (Traditional stays Traditional); search forms live in ``normalize.py``, PDF layout repair in
``pdf_layout.py``.
"""

from __future__ import annotations

import re

# --- character classes -------------------------------------------------------------------

CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK ideographs plus CJK/full-width punctuation: a space next to any of these is layout, not text.
CJK_OR_PUNCT_CLASS = CJK_CLASS + "\u3000-\u303f\uff00-\uffef\u2014\u2018-\u201d\u2026"
_TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_VOWELS = "aeiouüv" + _TONED_VOWELS
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)

# --- pinyin artefacts --------------------------------------------------------------------

# One pinyin syllable: optional initial, 1-4 vowels, optional nasal/r coda. Requiring a vowel
# run keeps things like "(vs)" or "(ok)" from looking like pinyin.
_SYLLABLE = f"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[{_VOWELS}]{{1,4}}(?:ng|n|r)?"
_PINYIN_NOTE = re.compile(rf"(?<=[{CJK_CLASS}])[(（]({_SYLLABLE})[)）]")
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
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(ZERO_WIDTH)
    # str.rstrip per line: a "[ \t]+$" regex backtracks quadratically on long space runs.
    text = "\n".join(line.rstrip(" \t\u3000") for line in text.split("\n"))
    text = _IMAGE_ONLY_LINE.sub("", text)
    text = _EXTRA_BLANK_LINES.sub("\n\n", text)
    return _join_broken_paragraphs(strip_pinyin(text)).strip("\n")


_HAN_CHAR = re.compile(f"[{CJK_CLASS}]")
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
