"""A question read once for all its candidate sentences: its kind, search form, words and their weights.

The characters are compared in a fast per-character search form (:class:`CharFolder`). An English
question's words are its dictionary translations and its names: an English word nothing translated is
dropped, and so is a guess at a common word's sense that no candidate sentence holds
(:func:`without_unheld_guesses`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources

import numpy as np

from .answer_type import question_kind
from .english import english_names, has_han
from .query import ParsedQuery
from .snapshot import Snapshot

# Interrogative and function words: they say what is asked, never what the answer sentence contains.
_ASKING = re.compile(
    r"[为為爲]什么|什么|甚么|哪里|哪儿|哪些|哪个|哪一|哪|多少|多久|多大|多长|几|谁|何时|何地|何处|何人|何|怎么|怎样"
    r"|如何|是否|吗|呢|请问|是不是|有没有"
)
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u9fff]")


class CharFolder:
    """A fast, character-by-character search form (NFKC, lower case, Traditional→Simplified).

    OpenCC's phrase-aware conversion costs ~0.3 ms a sentence; comparing a question's characters with
    a sentence's needs only the per-character table, which ``str.translate`` applies in microseconds.
    """

    def __init__(self) -> None:
        table: dict[int, str] = {}
        path = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) == 1:
                table[ord(parts[0])] = parts[1]
        self.table = table

    def fold(self, text: str) -> str:
        """``text`` in a per-character search form (same idea as SearchNormalizer.search_form)."""
        return unicodedata.normalize("NFKC", text).lower().translate(self.table)


@dataclass(frozen=True)
class QuestionForm:
    """What the features need from a question."""

    kind: str  # answer_type.question_kind
    form: str  # folded question text (an English question: its translated words stand in for ``content``)
    content: str  # folded text, interrogatives and punctuation turned into spaces
    slot: tuple[str, str]  # up to two characters either side of the first interrogative
    words: tuple[str, ...]  # the question's own BM25 tokens
    corpus_idf: np.ndarray  # one weight per word
    guessed: frozenset[str] = frozenset()  # words that are dictionary guesses at an English word's sense
    named: frozenset[str] = frozenset()  # documents whose title the question names (ParsedQuery.named)

    @property
    def cross_lingual(self) -> bool:
        """A question with no Chinese character (English): its cosines run lower than any fitted on."""
        return not has_han(self.form)


def question_form(snap: Snapshot, parsed: ParsedQuery, folder: CharFolder) -> QuestionForm:
    """Analyze a parsed question once for all its candidate sentences."""
    form = folder.fold(parsed.dense_text)
    # A scoping 《title》 left the search words but is still what the question is about.
    words = tuple(dict.fromkeys((*parsed.title_words, *parsed.words)))
    english = not has_han(form)
    if english:
        words = _matchable(snap, words, parsed.dense_text)
    idf = snap.sentence_idf(list(words)) if words else np.zeros(0)
    # The query's own tokens join the text: an English question's Chinese translations then count.
    content = "".join(ch if _WORDLIKE.match(ch) else " " for ch in _ASKING.sub(" ", form))
    if english:
        content = " ".join(words)
    asking = _ASKING.search(form)
    slot = ("", "")
    if asking is not None:
        left = re.split(r"\W", form[: asking.start()])[-1]
        right = re.split(r"\W", form[asking.end() :])[0]
        slot = (left[-2:] if len(left) >= 2 else "", right[:2] if len(right) >= 2 else "")
    guessed = frozenset(parsed.guessed.intersection(words))
    idf = np.asarray(idf, dtype=np.float64)
    return QuestionForm(question_kind(form), form, content, slot, words, idf, guessed, named=parsed.named)


def _matchable(snap: Snapshot, words: tuple[str, ...], question: str) -> tuple[str, ...]:
    """An English question's words that could match the collection's sentences.

    An English word nothing translated (sourdough, a misspelling) is in no sentence and says nothing
    about relevance. A name that is in none (a capitalised word after the first, Mars) and a
    translation the collection never uses (koala → 考拉) say that the question is about something else:
    they stay and count against every candidate."""
    names = english_names(question)
    present = snap.sentence_share(list(words)) > 0 if words else np.zeros(0, dtype=bool)
    return tuple(w for w, here in zip(words, present, strict=True) if here or w in names or has_han(w))


def without_unheld_guesses(question: QuestionForm, candidate_tokens: Iterable[Sequence[str]]) -> QuestionForm:
    """``question`` without the dictionary guesses none of the candidate sentences (their tokens) holds.

    Such a guess is most likely the wrong sense (losing → 失去 where the text says 流失), not a sign
    that the passages are about something else: left in, it would count against every candidate.
    """
    held = {w for tokens in candidate_tokens for w in tokens if w in question.guessed}
    keep = [i for i, w in enumerate(question.words) if w not in question.guessed or w in held]
    words = tuple(question.words[i] for i in keep)
    content = " ".join(words) if question.cross_lingual else question.content
    return replace(
        question, words=words, corpus_idf=question.corpus_idf[keep], content=content, guessed=frozenset()
    )


def subject_free_text(question: str, title: str, folder: CharFolder, min_chars: int = 2) -> str | None:
    """``question`` without the longest run of characters it shares with ``title`` (the subject it
    asks about), or None when they share fewer than ``min_chars`` or nothing but punctuation remains.

    Compared in search form (Traditional and Simplified alike); the cut is made in ``question`` itself.
    """
    form, title_form = folder.fold(question), folder.fold(title)
    if len(form) != len(question):
        return None
    match = difflib.SequenceMatcher(None, form, title_form, autojunk=False).find_longest_match(
        0, len(form), 0, len(title_form)
    )
    if match.size < min_chars:
        return None
    rest = question[: match.a] + question[match.a + match.size :]
    return rest if _WORDLIKE.search(_ASKING.sub("", folder.fold(rest))) else None
