"""Which documents a question names by title: a lookup made once per collection version.

A question names a document when it holds the document's title without its qualifier (杨昊 for
杨昊 (足球运动员)), compared in search form with punctuation dropped, at least two characters long; a
Latin title must stand as whole words (Art is not named by "start"). Titles are kept in a dict by that
key and looked up by the question key's substrings of the lengths titles have, so a question costs
the same whatever the number of documents. A 《quoted title》 scopes the search to the documents whose
whole title holds it or is held by it, read against keys made once per version as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

# A title's qualifier (杨昊 (足球运动员), 卡塞雷斯_(西班牙)): a question names the document without it.
QUALIFIER = re.compile(r"[\s_]*[（(][^（）()]*[）)]\s*$")


class TitleNames:
    """The documents each question names, for one mapping of doc ids to titles."""

    def __init__(
        self, titles: Mapping[str, str], key: Callable[[str], str], words: Callable[[str], str]
    ) -> None:
        """``key`` folds a text to what titles are compared by; ``words`` to its words, space-joined."""
        self._key, self._words = key, words
        self._by_key: dict[str, list[str]] = {}
        self._latin: list[tuple[re.Pattern[str], str]] = []
        self._full_keys = {doc_id: key(title) for doc_id, title in titles.items()}  # for quoted()
        for doc_id, title in titles.items():
            bare = QUALIFIER.sub("", title)
            name = key(bare)
            if len(name) < 2:
                continue
            if name.isascii():
                pattern = rf"(?<![a-z0-9]){re.escape(words(bare))}(?![a-z0-9])"
                self._latin.append((re.compile(pattern), doc_id))
            else:
                self._by_key.setdefault(name, []).append(doc_id)
        self._lengths = sorted({len(name) for name in self._by_key})

    def named(self, question: str) -> frozenset[str]:
        """Doc ids of the documents whose title ``question`` holds."""
        key = self._key(question)
        found = {
            doc_id
            for length in self._lengths
            for start in range(len(key) - length + 1)
            for doc_id in self._by_key.get(key[start : start + length], ())
        }
        if self._latin:
            words = self._words(question)
            found.update(doc_id for pattern, doc_id in self._latin if pattern.search(words))
        return frozenset(found)

    def quoted(self, quotes: Sequence[str]) -> frozenset[str]:
        """Doc ids of the documents whose whole title holds one of ``quotes`` (the question's
        《quoted titles》) or is held by it."""
        wanted = [q for q in map(self._key, quotes) if q]
        return frozenset(
            doc_id
            for doc_id, title in self._full_keys.items()
            if any(q in title or title in q for q in wanted)
        )
