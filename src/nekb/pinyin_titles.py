"""Which documents an English question names by a title's pinyin: Jiang Jufeng for 蒋巨峰.

A Chinese name has no dictionary translation, and English writes it in pinyin. Titles of two to six
characters that CC-CEDICT gives readings for are kept by the readings of their first character; a run
of capitalised words in the question, joined without spaces, hyphens or a possessive, names a title
whose characters' readings spell it exactly, in order (a character with several readings may be read
either way). Made once per collection version, on its first English question; a name is checked
only against the titles whose first character can be read as its start.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from .title_names import QUALIFIER

_TITLE_CHARS = (2, 6)
_LONGEST_SYLLABLE = 6  # zhuang, chuang, shuang
_LONGEST_RUN = 4  # capitalised words in one name (Lady Wei Wan …)
_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


class PinyinTitles:
    """Titles by their first character's readings, for one mapping of doc ids to titles."""

    def __init__(
        self, titles: Mapping[str, str], key: Callable[[str], str], readings: Mapping[str, frozenset[str]]
    ) -> None:
        """``key`` folds a title to the characters compared (search form, punctuation dropped);
        ``readings`` gives each character's syllables."""
        self._readings = readings
        self._by_first: dict[str, list[tuple[str, str]]] = {}
        low, high = _TITLE_CHARS
        for doc_id, title in titles.items():
            name = key(QUALIFIER.sub("", title))
            if low <= len(name) <= high and all(c in readings for c in name):
                for syllable in readings[name[0]]:
                    self._by_first.setdefault(syllable, []).append((doc_id, name))

    def named(self, question: str) -> frozenset[str]:
        """Doc ids whose title a run of capitalised words of ``question`` spells in pinyin."""
        return frozenset(doc_id for doc_id, _, _ in self.spelled(question))

    def spelled(self, question: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """``(doc id, title as compared, the run's lower-cased words)`` for each title a run of
        capitalised words of ``question`` spells in pinyin."""
        found = []
        for words in name_runs(question):
            spelling = "".join(words)
            for n in range(1, min(_LONGEST_SYLLABLE, len(spelling)) + 1):
                for doc_id, name in self._by_first.get(spelling[:n], ()):
                    if self._spells(spelling, name):
                        found.append((doc_id, name, words))
        return found

    def _spells(self, spelling: str, name: str) -> bool:
        """Whether the readings of ``name``'s characters, in order, make ``spelling`` exactly."""
        if not name:
            return not spelling
        return any(
            spelling.startswith(r) and self._spells(spelling[len(r) :], name[1:])
            for r in self._readings[name[0]]
        )


def name_runs(question: str) -> list[tuple[str, ...]]:
    """Each run of one to four consecutive capitalised words, lower-cased, split at hyphens, without a
    possessive (Yang Li-yin → yang li yin; Han Sui's → han sui)."""
    words = [re.sub(r"['’]s$", "", w) for w in _NAME_WORD.findall(question)]
    runs = []
    for start in range(len(words)):
        run: list[str] = []
        for part in words[start : start + _LONGEST_RUN]:
            if not part[:1].isupper():
                break
            run += re.findall(r"[a-z]+", part.lower())
            runs.append(tuple(run))
    return runs
