"""Query analysis: document scope from a quoted title, synonym expansion, tokens for BM25."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from .clean import SearchNormalizer
from .segment import Segmenter

_TITLE_QUOTE = re.compile(r"《([^》]{2,})》")


@dataclass(frozen=True)
class ParsedQuery:
    """What search needs from a question: dense text, BM25 tokens, and an optional document scope."""

    dense_text: str
    tokens: tuple[str, ...]
    scope: frozenset[str] | None = None


def load_synonyms() -> dict[str, tuple[str, ...]]:
    """Synonym groups from the package's ``synonyms.txt``: each word maps to the other words of its group."""
    text = (resources.files("nekb") / "data" / "synonyms.txt").read_text(encoding="utf-8")
    groups: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        words = line.split()
        if not words or line.startswith("#"):
            continue
        for word in words:
            groups[word.lower()] = groups.get(word.lower(), ()) + tuple(w for w in words if w != word)
    return groups


class QueryAnalyzer:
    """Turns a question into a :class:`ParsedQuery`; owns nothing but read-only tables."""

    def __init__(self, segmenter: Segmenter, normalizer: SearchNormalizer) -> None:
        self.segmenter = segmenter
        self.normalizer = normalizer
        self.synonyms = load_synonyms()

    def parse(self, query: str, titles: dict[str, str]) -> ParsedQuery:
        """Analyze ``query``; ``titles`` maps doc ids to titles for 《title》 scoping."""
        form = self.normalizer.search_form(query)
        scope = self._scope(form, titles)
        if scope is not None:
            form_for_words = _TITLE_QUOTE.sub(" ", form)  # the title would match every chunk of the document
        else:
            form_for_words = form
        tokens = self.segmenter.tokens(form_for_words)
        return ParsedQuery(
            dense_text=form, tokens=tuple(tokens + self._expansions(form_for_words.lower(), tokens)), scope=scope
        )

    def _scope(self, form: str, titles: dict[str, str]) -> frozenset[str] | None:
        """Documents whose title a 《quoted title》 in the query names (None: no such quote or no match)."""
        quoted = [self._key(t) for t in _TITLE_QUOTE.findall(form)]
        if not quoted:
            return None
        matched = frozenset(
            doc_id
            for doc_id, title in titles.items()
            if any(q and (q in self._key(title) or self._key(title) in q) for q in quoted)
        )
        return matched or None

    def _key(self, title: str) -> str:
        return re.sub(r"\W", "", self.normalizer.search_form(title)).lower()

    def _expansions(self, form: str, tokens: list[str]) -> list[str]:
        """Tokens of the synonyms of every group word that occurs in the query text."""
        present = set(tokens)
        extra: list[str] = []
        for key, synonyms in self.synonyms.items():
            if key not in form:
                continue
            for synonym in synonyms:
                for word in self.segmenter.tokens(synonym):
                    if word not in present:
                        present.add(word)
                        extra.append(word)
        return extra
