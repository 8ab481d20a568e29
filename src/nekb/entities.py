"""Entities from the text: names and group noun phrases found with jieba part-of-speech tags.

A mention is a run of words that names a place, person or organisation (jieba tags ns, nr, nt,
or an unknown word ending like one: 金华县, 南宁二中) or a group (a noun phrase ending in a head
such as 城市, 医院, 家庭, 毕业生: 县域医院, 老工业基地, 高校毕业生). Names joined by 、/和/及
form one list mention (辽宁、吉林两省) whose members can pair with the figures of a 分别 sentence.
Anaphors (该院, 其, 市内, 学校) are mentions too, marked so the caller resolves them to the
current subject.

The document's subject (its title, or the short name the text gives it after 简称) is found as
written wherever it occurs, whatever the tagger makes of it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import jieba
import jieba.posseg

from . import gazetteer as gz
from .segment import SharingPOSTokenizer

_MODIFIER = re.compile(r"^(?:n|nz|ng|nl|nr|nrt|ns|nt|vn|b|j|l|an|eng|a)$")  # 老|工业|基地
# After a name with its administrative level, these words begin a measure (地区生产总值), not a place.
_ADMINISTRATIVE_ENDS = ("省", "市", "县", "州", "旗", "自治区", "特别行政区")
_AREA_WORDS = frozenset({"地区", "区域", "地方"})
_REGION_RE = re.compile(r"[东西南北中]部(?:地区)?")  # regions by direction: 东部、中部、西部和东北地区
_CN_NUMERAL_CHAR = re.compile(r"[二两三四五六七八九]")
_NOT_NAME_ENDINGS = frozenset("约为达等及和与在是了的至到近超逾仅共均")
_VERB_TAGS = frozenset(("v", "vd", "vg", "vi", "vq"))
_NOUNISH = re.compile(r"^(?:n|nz|ng|nl|nr|nrt|ns|nt|vn|b|j|l|an|eng)$")
_JOINERS = ("、", "和", "及", "与", "以及")
_INTRODUCERS = frozenset(("如", "像", "比如", "例如", "譬如", "以", "对于", "其中"))
_GROUP_COUNT_RE = re.compile(r"[两二三四五六七八九十\d]+(?:个)?(?:省|市|县|区|地|国|省份|城市|地区)(?:区)?")
_REGION_COUNT_RE = re.compile(r"[两二三四五六七八九十\d]+(?:省|市|县|国)")
_GROUP_COUNT_TAIL_RE = re.compile(r"[两二三四五六七八九十\d]+(?:个)?(?:省|市|县|区|地|国|省份|城市|地区)$")
_ALIAS_RE = re.compile(
    r"(?:简称|简称为)[“\"「]?([\u4e00-\u9fffA-Za-z0-9]{2,10}?)[”\"」]?(?=[,，。;；)）、]|$)"
)
_EXAMPLE_RE = re.compile(r"以([^,;:!?。()以为]{2,16}?)为例")
_DATE_CHAR_RE = re.compile(r"(?<=\d)[年月日号]")
_TITLE_CLEAN_RE = re.compile(r"^\s*#*\s*|\s*[(（][^()（）]*[)）]\s*|\.(?:txt|md|pdf)$")


@dataclass(frozen=True)
class Token:
    """A word of a normalized sentence with its offsets and part-of-speech tag."""

    start: int
    end: int
    word: str
    flag: str


@dataclass(frozen=True)
class Mention:
    """An entity in a normalized sentence."""

    start: int
    end: int
    text: str  # the surface (Simplified), e.g. 辽宁、吉林两省
    members: tuple[str, ...] = ()  # the names of a list mention, in order
    anaphor: bool = False  # 该院, 其, 市内: stands for the current subject
    subject: bool = False  # the document's subject written out
    named: bool = True  # holds a name (not only a group noun phrase such as 县域医院)
    generic: bool = False  # 学校, 医院: an anaphor meaning the document's own subject


@dataclass(frozen=True)
class DocumentSubject:
    """What a document is about: the name used when a figure's sentence names nothing."""

    name: str = ""
    surfaces: tuple[str, ...] = field(default=())  # forms to find in the text, longest first
    title: str = ""  # the cleaned title: numbers inside it are part of a name (男子100米)


class EntityTagger:
    """Part-of-speech tagging and mention finding; owns one jieba POSTokenizer (slow to build)."""

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._pos = SharingPOSTokenizer(tokenizer)

    def tokens(self, s: str, hmm: bool = True) -> list[Token]:
        """jieba words of ``s`` with their tags and offsets (``hmm`` guesses unknown words: slower)."""
        out, i = [], 0
        # 6月10日泰森食品公司: a date's 日 must not start the next word (same length, so offsets hold).
        for pair in self._pos.cut(_DATE_CHAR_RE.sub(" ", s), HMM=hmm):
            word = pair.word
            out.append(Token(i, i + len(word), word, pair.flag))
            i += len(word)
        return out

    def subject_of(self, title: str, text_start: str) -> DocumentSubject:
        """The subject of a document from its title and first lines (see :func:`title_subject`)."""
        name = _TITLE_CLEAN_RE.sub("", re.sub(r"^\d+-", "", title).replace("_", " ")).strip()
        if not name:
            return DocumentSubject()
        cleaned = name
        if len(name) > 15 or re.search(r"[,，:：;；!?！？。、]", name) or _has_verb(self.tokens(name)):
            tokens = self._split_names(self.tokens(name))
            found = find_mentions(tokens, name, DocumentSubject(), attributive=True)
            names = [m.text for m in found if not m.anaphor and m.text not in gz.GROUP_HEADS]
            name = names[0] if names else ""  # a bare 地区 would match inside every 东北地区
        if not name:
            return DocumentSubject(title=cleaned)
        alias = _ALIAS_RE.search(text_start[:300])
        short = alias[1] if alias and len(alias[1]) < len(name) else ""
        surfaces = tuple(sorted({name, short} - {""}, key=len, reverse=True))
        return DocumentSubject(short or name, surfaces, cleaned)

    def _split_names(self, tokens: list[Token]) -> list[Token]:
        """东北振兴 -> 东北|振兴: a long word that starts with a place name gives the name."""
        out = []
        for t in tokens:
            head = next(
                (n for n in (3, 2) if len(t.word) > n + 1 and self._tag(t.word[:n]) in gz.NAME_TAGS), 0
            )
            if head:
                out += [Token(t.start, t.start + head, t.word[:head], self._tag(t.word[:head]))]
                out += [Token(t.start + head, t.end, t.word[head:], t.flag)]
            else:
                out.append(t)
        return out

    def _tag(self, word: str) -> str:
        return self._pos.word_tag_tab.get(word, "")


def _has_verb(tokens: list[Token]) -> bool:
    return any(t.flag in _VERB_TAGS for t in tokens)


def _is_name(t: Token) -> bool:
    if t.word[-1] in _NOT_NAME_ENDINGS:
        return False  # 长约30厘米: jieba's dictionary calls 长约 a place
    if (t.flag in gz.NAME_TAGS and len(t.word) >= 2) or _REGION_RE.fullmatch(t.word):
        return True
    return len(t.word) >= 3 and t.word.endswith(gz.NAME_SUFFIXES) and t.flag not in _VERB_TAGS


def _inside_word(t: Token, s: str) -> bool:
    """高|中部: a direction word glued to the character before it is part of another word."""
    before = s[t.start - 1 : t.start]
    return bool(_REGION_RE.fullmatch(t.word)) and "\u4e00" <= before <= "\u9fff" and before not in "和及与"


def _is_group(t: Token) -> bool:
    return t.word.endswith(gz.GROUP_HEADS) and (t.flag.startswith("n") or t.flag in ("j", "l", "s"))


def _is_anaphor(t: Token) -> bool:
    return t.word in gz.ANAPHORS or t.word in gz.GENERIC_SUBJECTS


def find_mentions(
    tokens: list[Token], s: str, subject: DocumentSubject, attributive: bool = False
) -> list[Mention]:
    """Entity mentions of a tagged sentence, in order (see the module docstring).

    A group before 的 qualifies a measure (家庭的平均大小) and is no mention, unless ``attributive``
    (titles: 人口净流出地区的现状).
    """
    spans: list[Mention] = []
    taken = [False] * len(s)
    boundaries = {t.start for t in tokens} | {t.end for t in tokens}
    for surface in subject.surfaces:
        for m in re.finditer(re.escape(surface), s):
            if m.end() not in boundaries and tokens:
                continue  # 东北 inside the word 东北地区: the longer name is meant
            if not any(taken[m.start() : m.end()]):
                spans.append(Mention(m.start(), m.end(), surface, (surface,), subject=True))
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if any(taken[t.start : t.end]):
            i += 1
            continue
        if _is_anaphor(t):
            spans.append(Mention(t.start, t.end, t.word, anaphor=True, generic=t.word in gz.GENERIC_SUBJECTS))
            i += 1
            continue
        if not (_is_name(t) or _is_group(t)) or t.word in gz.NOT_ENTITIES or _inside_word(t, s):
            i += 1
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.flag == "nr" and nxt is not None and nxt.flag == "m":
            i += 1  # 容纳3000人: a person's name right before a number is a mistagged word
            continue
        if nxt is not None and nxt.word in gz.NAME_MODIFIED_BY:
            i += 2  # 中国科学院院士, 西班牙裔: an affiliation or origin
            continue
        first = i
        # Nouns right before a group head belong to it (县域|医院, 风险投资|机构).
        while first > 0 and _is_group(t) and _MODIFIER.match(tokens[first - 1].flag) and i - first < 2:
            if any(taken[tokens[first - 1].start : tokens[first - 1].end]):
                break
            first -= 1
        if first > 0 and first < i and _CN_NUMERAL_CHAR.fullmatch(tokens[first - 1].word):
            first -= 1  # 二|孩家庭
        last = _extend(tokens, i, taken)
        i = last + 1
        named = any(_is_name(x) for x in tokens[first : last + 1])
        if not named and not attributive and s.startswith("的", tokens[last].end):
            continue  # 家庭的平均大小: a group qualifying the measure, not the subject
        spans.append(
            Mention(
                tokens[first].start, tokens[last].end, s[tokens[first].start : tokens[last].end], named=named
            )
        )
    spans.sort(key=lambda m: m.start)
    return _join_lists(_join_adjacent(spans, s), s)


def _join_adjacent(mentions: list[Mention], s: str) -> list[Mention]:
    """南宁二中|东盟校区: a name right after another is a part of it."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev and prev.end == m.start and not prev.anaphor and not m.anaphor:
            # 广西|南宁市第二中学 is still the document's subject; 南宁二中|东盟校区 is a part of it
            out[-1] = Mention(
                prev.start, m.end, s[prev.start : m.end], named=prev.named or m.named, subject=m.subject
            )
        else:
            out.append(m)
    return out


def _extend(tokens: list[Token], i: int, taken: list[bool]) -> int:
    """The last token of the mention starting at ``i``: following names and heads, and up to two
    nouns before one (华西|临床|医学院, 武广|高铁|沿线|县域 stops at 沿线: not a noun)."""
    last = i
    while last + 1 < len(tokens) and not any(taken[tokens[last + 1].start : tokens[last + 1].end]):
        nxt = tokens[last + 1]
        if _administrative(tokens[last]) and nxt.word in _AREA_WORDS:
            break  # 黑龙江省|地区生产总值: a province's 地区 starts the measure, not a bigger place
        if _is_name(nxt) or _is_group(nxt):
            last += 1
            continue
        ahead = tokens[last + 1 : last + 4]
        ahead = [t for t in ahead if not any(taken[t.start : t.end])]
        heads = [n for n, t in enumerate(ahead) if _is_name(t) or _is_group(t)]
        if heads and all(_NOUNISH.match(t.flag) and t.word not in gz.NOT_ENTITIES for t in ahead[: heads[0]]):
            last += heads[0] + 1
            continue
        break
    return last


def _administrative(t: Token) -> bool:
    """A place name that already ends in its administrative level (黑龙江省, 沈阳市, 金华县)."""
    return _is_name(t) and len(t.word) >= 3 and t.word.endswith(_ADMINISTRATIVE_ENDS)


def _join_lists(mentions: list[Mention], s: str) -> list[Mention]:
    """黑龙江、辽宁、吉林三省 / 辽宁、吉林和黑龙江: consecutive names joined by 、和及 form one list."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        gap = s[prev.end : m.start] if prev else ""
        if prev and not prev.anaphor and not m.anaphor and gap.strip() in _JOINERS:
            members = tuple(
                _GROUP_COUNT_TAIL_RE.sub("", x) or x
                for x in (prev.members or (prev.text,)) + (m.members or (m.text,))
            )
            out[-1] = Mention(prev.start, m.end, s[prev.start : m.end], members, subject=prev.subject)
        else:
            out.append(m)
    # A count of the listed places right after the list belongs to it (辽宁、吉林两省); so does
    # the count of a region's parts after its name (东北3省).
    for n, m in enumerate(out):
        if len(m.members) > 1:
            tail = _GROUP_COUNT_RE.match(s, m.end)
            if tail:
                out[n] = Mention(m.start, tail.end(), s[m.start : tail.end()], m.members)
        elif m.named and not m.anaphor:
            tail = _REGION_COUNT_RE.match(s, m.end)
            if tail:
                out[n] = Mention(m.start, tail.end(), s[m.start : tail.end()], named=True)
    return out


def example_subject(s: str, start: int, end: int) -> str:
    """以老工业基地为例 -> 老工业基地: the example a clause says it takes, else ""."""
    m = _EXAMPLE_RE.search(s, start, end)
    return m[1] if m else ""


def first_verb(tokens: list[Token], start: int, end: int) -> int:
    """Offset of the first verb in ``[start, end)`` (``end`` when there is none); 如/以 do not count."""
    for t in tokens:
        if t.start >= start and t.end <= end and t.flag in _VERB_TAGS and t.word not in _INTRODUCERS:
            return t.start
    return end


def source_spans(s: str) -> list[tuple[int, int]]:
    """根据美国人口调查局的数据 / 据统计: where the source of a statement is named."""
    spans = []
    for opener in gz.SOURCE_OPENERS:
        for m in re.finditer(opener, s):
            window = s[m.end() : m.end() + 40]
            closers = [window.find(c) + len(c) for c in gz.SOURCE_CLOSERS if c in window]
            stop = re.search(r"[,;:!?。]", window)
            limit = stop.start() if stop else len(window)
            inside = [c for c in closers if c <= limit + 1]
            if inside:
                spans.append((m.start(), m.end() + max(inside)))
    # 根据 holds 据: keep the outer span only
    return [a for a in spans if not any(b != a and b[0] <= a[0] and a[1] <= b[1] for b in spans)]
