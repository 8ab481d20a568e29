"""Query analysis: document scope from a quoted title, synonym expansion, tokens for BM25."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TypeVar

import numpy as np

from .english import EnglishDictionary, asking_words, english_names, english_words, has_han
from .normalize import SearchNormalizer
from .pinyin_titles import PinyinTitles
from .segment import Segmenter
from .title_names import TitleNames

_TITLE_QUOTE = re.compile(r"《([^》]{2,})》")
# Title lookups kept (one per collection version questions are asked of: a few knowledge bases at once).
_TITLE_LOOKUPS = 4
_Lookup = TypeVar("_Lookup")


@dataclass(frozen=True)
class ParsedQuery:
    """What search needs from a question: dense text, BM25 tokens, and an optional document scope."""

    dense_text: str
    tokens: tuple[str, ...]  # the query's own words, then synonym expansions
    scope: frozenset[str] | None = None
    own_tokens: int = -1  # how many of ``tokens`` come from the query itself (-1: all)
    title_words: tuple[str, ...] = ()  # the words of a 《title》 that scoped the search (not in tokens)
    guessed: frozenset[str] = frozenset()  # tokens of dictionary senses guessed for common English words
    named: frozenset[str] = frozenset()  # documents whose title the question names (锦地罗又称什么?)

    @property
    def words(self) -> tuple[str, ...]:
        """The query's own tokens, without expansions."""
        return self.tokens if self.own_tokens < 0 else self.tokens[: self.own_tokens]


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


def _for_version(
    cache: list[tuple[Mapping[str, str], _Lookup]],
    titles: Mapping[str, str],
    make: Callable[[], _Lookup],
    lock: threading.Lock,
) -> _Lookup:
    """The lookup ``cache`` holds for ``titles`` (one collection version's), made by ``make`` on its
    first question. The versions questions were last asked of come first; an old version's goes."""
    with lock:
        entry = next((e for e in cache if e[0] is titles), None) or (titles, make())
        cache[:] = [entry, *(e for e in cache if e is not entry)][:_TITLE_LOOKUPS]
    return entry[1]


def _least_share(tokens: list[str], share: Callable[[Sequence[str]], np.ndarray]) -> float:
    return float(np.min(share(tokens))) if tokens else 0.0


class QueryAnalyzer:
    """Turns a question into a :class:`ParsedQuery`; owns nothing but read-only tables."""

    def __init__(
        self,
        segmenter: Segmenter,
        normalizer: SearchNormalizer,
        load_dictionary: Callable[[], EnglishDictionary] = EnglishDictionary.load,
    ) -> None:
        self.segmenter = segmenter
        self.normalizer = normalizer
        self.synonyms = load_synonyms()
        self._load_dictionary = load_dictionary
        self._dictionary: EnglishDictionary | None = None  # read on the first English question
        self._title_names: list[tuple[Mapping[str, str], TitleNames]] = []  # see _named
        self._pinyin_titles: list[tuple[Mapping[str, str], PinyinTitles]] = []  # see _spelled_titles
        self._lock = threading.Lock()

    def parse(
        self,
        query: str,
        titles: Mapping[str, str],
        share: Callable[[Sequence[str]], np.ndarray] | None = None,
    ) -> ParsedQuery:
        """Analyze ``query``; ``titles`` maps doc ids to titles as readers name them (pipeline.title_name),
        for 《title》 scoping and the documents a question names; ``share`` gives the share of the
        collection's sentences holding each word (an English question's words are then translated with
        the dictionary, into the collection's own word where it has one)."""
        form = self.normalizer.search_form(query)
        scope = self._scope(form, titles)
        # Drop a matched title from the words: it would match every chunk of its document.
        form_for_words = _TITLE_QUOTE.sub(" ", form) if scope is not None else form
        english: set[str] = set()
        translated: list[str] = []
        guessed: set[str] = set()
        lookups = self._lookup(form_for_words, share)
        english_question = share is not None and not has_han(form_for_words)
        spelled = self._spelled_titles(form_for_words, titles) if english_question else []
        # A name that spells a title in pinyin is that title, not its words' dictionary senses
        # (Chenggong Ying is 成公英, not 成功 and an English word).
        in_names = {word for _, _, words in spelled for word in words}
        for _, name, words in spelled:
            english.update(words)
            translated.append(name)
        for source, chinese, guess in lookups:
            if in_names.intersection(source):
                continue
            english.update(source)
            translated.append(chinese)
            if guess:
                guessed.update(self.segmenter.tokens(chinese))
        if english_question:
            english.update(asking_words(english_words(form_for_words)))
        # Translations stand in for the English words they translate, so coverage counts meanings.
        tokens = [t for t in self.segmenter.tokens(form_for_words) if t not in english]
        tokens += [t for t in self.segmenter.tokens(" ".join(translated)) if t not in tokens]
        expansions = self._expansions(form_for_words.lower() + " " + " ".join(translated), tokens)
        title_words = self.segmenter.tokens(" ".join(_TITLE_QUOTE.findall(form))) if scope else []
        return ParsedQuery(
            dense_text=form,
            tokens=tuple(tokens + expansions),
            scope=scope,
            own_tokens=len(tokens),
            title_words=tuple(title_words),
            guessed=frozenset(guessed),
            named=self._named(form, titles) | {doc_id for doc_id, _, _ in spelled},
        )

    def _scope(self, form: str, titles: Mapping[str, str]) -> frozenset[str] | None:
        """Documents whose title a 《quoted title》 in the query names (None: no such quote or no match)."""
        quoted = _TITLE_QUOTE.findall(form)
        return (self._title_lookup(titles).quoted(quoted) or None) if quoted else None

    def _named(self, form: str, titles: Mapping[str, str]) -> frozenset[str]:
        """Documents whose title the query holds (title_names.TitleNames)."""
        return self._title_lookup(titles).named(form)

    def _spelled_titles(
        self, question: str, titles: Mapping[str, str]
    ) -> list[tuple[str, str, tuple[str, ...]]]:
        """The titles an English question names in pinyin (pinyin_titles.PinyinTitles.spelled);
        none before an English question has loaded the dictionary."""
        dictionary = self._dictionary
        if dictionary is None:
            return []
        spelling = _for_version(
            self._pinyin_titles,
            titles,
            lambda: PinyinTitles(titles, self._key, dictionary.readings),
            self._lock,
        )
        return spelling.spelled(question)

    def _title_lookup(self, titles: Mapping[str, str]) -> TitleNames:
        """The title lookup of ``titles`` (one collection version's), made on its first question."""
        return _for_version(
            self._title_names, titles, lambda: TitleNames(titles, self._key, self._words), self._lock
        )

    def _words(self, text: str) -> str:
        return " ".join(re.findall(r"[^\W_]+", self.normalizer.search_form(text).lower()))

    def _key(self, title: str) -> str:
        return re.sub(r"\W", "", self.normalizer.search_form(title)).lower()

    def _lookup(
        self, question: str, share: Callable[[Sequence[str]], np.ndarray] | None
    ) -> list[tuple[tuple[str, ...], str, bool]]:
        """``(English words, Chinese word, guess)`` for the English words of ``question``, translated
        with the dictionary; none without ``share`` or when the question is Chinese (its English words
        are names)."""
        words = english_words(question)
        if share is None or not words or has_han(question):
            return []
        with self._lock:
            if self._dictionary is None:
                self._dictionary = self._load_dictionary()

        def held(chinese: list[str]) -> np.ndarray:
            # A headword is as common as the rarest search token it splits into (白葡萄酒 → 葡萄酒 …).
            shares = [_least_share(self.segmenter.tokens(w), share) for w in chinese]
            return np.array(shares, dtype=np.float64)

        names = english_names(question)
        # A name's translation is no guess (Jilin → 吉林), nor is a word no sense of which the
        # collection holds (koala → 考拉): both count against passages that lack them.
        return [
            (source, chinese, is_held and not names.intersection(source))
            for source, chinese, is_held in self._dictionary.translate(words, held)
        ]

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
