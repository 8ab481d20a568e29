"""jieba word segmentation through an owned Tokenizer loaded with the package's user dictionary and
China's place names (places.py)."""

from __future__ import annotations

import logging
import re
from functools import cached_property
from importlib import resources
from pathlib import Path

import cn2an
import jieba
from jieba.posseg import POSTokenizer

from .places import add_place_names, division_names, division_table

_DATA = resources.files("nekb") / "data"
# A BM25 token must carry a letter, digit or CJK character; punctuation and spaces never do.
_WORDLIKE = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
# Chinese numerals counting something (十年, 三倍, 第七次) are indexed as digits so 十年间 meets 10年间.
_COUNTED_NUMERAL = re.compile(r"[零一二两三四五六七八九十百千]+(?=[年岁倍个名家项次])")
# After these a lone 一 picks one out, it counts nothing: 哪一年 (which year), 这一年, 每一次, 同一个.
_DETERMINER = frozenset("哪那这這每同某该該此")


def arabic_numerals(text: str) -> str:
    """Rewrite Chinese numerals that precede a counter (年, 岁, 倍, 次 …) as Arabic digits."""

    def convert(match: re.Match[str]) -> str:
        if match.group(0) == "一" and match.start() and text[match.start() - 1] in _DETERMINER:
            return match.group(0)
        try:
            return str(cn2an.cn2an(match.group(0), "smart"))
        except ValueError:
            return match.group(0)

    return _COUNTED_NUMERAL.sub(convert, text)


def _read_words(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


class SharingPOSTokenizer(POSTokenizer):
    """A POSTokenizer that leaves the Tokenizer it tags with as it found it.

    jieba's takes the user dictionary's tags out of the Tokenizer on first use, so a second tagger
    on the same Tokenizer (the next build in the same process) would lose them.
    """

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        super().__init__(tokenizer)
        self._user_tags_taken = 0

    def makesure_userdict_loaded(self) -> None:
        """Copy the user dictionary's tags when there are new ones; never empty the Tokenizer's."""
        tags = self.tokenizer.user_word_tag_tab
        if len(tags) != self._user_tags_taken:
            self.word_tag_tab.update(tags)
            self._user_tags_taken = len(tags)


class Segmenter:
    """Segments Simplified text into BM25 tokens; owns its jieba.Tokenizer (no global state)."""

    def __init__(self, user_dict: Path | None = None) -> None:
        # jieba logs its dictionary load at DEBUG to stderr; keep CLI and app output clean.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        dict_path = user_dict or Path(str(_DATA / "userdict.txt"))
        self.tokenizer.load_userdict(str(dict_path))
        add_place_names(self.tokenizer, division_names(division_table()))
        self.stopwords = frozenset(_read_words("stopwords.txt"))

    @cached_property
    def pos_tokenizer(self) -> SharingPOSTokenizer:
        """jieba's part-of-speech tagger over this segmenter's dictionary (built on first use, ~0.4 s)."""
        return SharingPOSTokenizer(self.tokenizer)

    def words(self, text: str) -> list[str]:
        """Return jieba's words of ``text`` in order (precise mode, no filtering)."""
        return list(self.tokenizer.cut(text))

    def tokens(self, text: str) -> list[str]:
        """Return BM25 tokens: search-mode words, lower-cased, without punctuation and stopwords."""
        out = []
        for word in self.tokenizer.cut_for_search(arabic_numerals(text)):
            word = word.strip().lower()
            if word and _WORDLIKE.search(word) and word not in self.stopwords:
                out.append(word)
        return out
