"""Search and match forms: NFKC and Traditional→Simplified for indexing, plus pinyin and whitespace
removal for judging whether a text holds an answer. Offsets never refer to these forms."""

from __future__ import annotations

import re
import unicodedata

from opencc import OpenCC

from .clean import strip_pinyin

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
