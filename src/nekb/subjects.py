"""Which mention a figure is about: the subject of its clause, or the name its position fixes.

Pure functions over a normalized sentence, its jieba tokens and its mentions (``entities.py``);
a :class:`Context` carries the current subject (for 该院, 其) and the document's (for 学校).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import gazetteer as gz
from .entities import Mention, Token, example_subject, first_verb
from .quantities import Quantity


@dataclass(frozen=True)
class Context:
    """What anaphors refer to: the current subject and the document's subject."""

    topic: str = ""
    subject: str = ""


def outside(mentions: list[Mention], spans: list[tuple[int, int]]) -> list[Mention]:
    """Mentions not inside a source phrase (根据美国人口调查局的数据: the bureau is no subject)."""
    return [m for m in mentions if not any(a <= m.start and m.end <= b for a, b in spans)]


def in_parens(s: str, i: int) -> bool:
    """Whether offset ``i`` of ``s`` lies inside (half-width) brackets."""
    return s.rfind("(", 0, i) > s.rfind(")", 0, i)


def _lead(s: str, m: Mention) -> str:
    return s[max(0, m.start - 3) : m.start]


def is_yardstick(s: str, m: Mention) -> bool:
    """占全国 / 比全国 / 低于全国: an entity measured against, not measured."""
    return _lead(s, m).endswith(gz.NEVER_SUBJECT_LEAD + gz.ADJACENT_SUBJECT_LEAD)


def keep_in_indicator(s: str, m: Mention) -> bool:
    """A yardstick after 占/比 (占全国经济总量的比重) stays in the indicator, and so does a group
    noun phrase that is no yardstick (低于全国2.08%: 全国 goes)."""
    if _lead(s, m).endswith(gz.NEVER_SUBJECT_LEAD):
        return True
    return not m.named and not m.anaphor and not _lead(s, m).endswith(gz.ADJACENT_SUBJECT_LEAD)


def resolve(m: Mention, context: Context, earlier: list[Mention] | None = None) -> str:
    """A mention's entity: itself, or for 全省/该市/其 the name before it in the sentence, else the topic.

    学校/医院 alone mean the document's own subject when it has one.
    """
    if m.subject and context.subject:
        return context.subject  # the document's subject as the document names it for short
    if not m.anaphor:
        return m.text
    if m.generic and context.subject:
        return context.subject
    names = [x for x in earlier or [] if x.named and not x.anaphor and x.end <= m.start]
    return names[-1].text if names else context.topic


def clause_subject(
    s: str,
    tokens: list[Token],
    mentions: list[Mention],
    start: int,
    end: int,
    context: Context,
    figure: Quantity | None = None,
    sources: list[Mention] | None = None,
) -> str:
    """The subject of ``s[start:end]`` (see :func:`_subject_mention`), anaphors resolved.

    ``sources`` are the sentence's mentions including those naming a source (根据黑龙江省…公报,
    全省…: 全省 is 黑龙江省).
    """
    found = subject_mention(s, tokens, mentions, start, end, figure)
    if isinstance(found, Mention):
        return resolve(found, context, sources)
    return found


def subject_mention(
    s: str, tokens: list[Token], mentions: list[Mention], start: int, end: int, figure: Quantity | None = None
) -> Mention | str:
    """以X为例's X, else the first mention before the clause's verb; "" for none.

    Yardsticks (占全国) and mentions in brackets are skipped, and so is a group after 其中 (其中
    中国科学院院士1人: a part of the subject, not another one) or right before the count of its
    members (教职工170多人: what is counted). In the clause of a ``figure``, a name after the verb
    serves when nothing comes before it.
    """
    example = example_subject(s, start, end)
    if example:
        return example
    verb = first_verb(tokens, start, end)
    subset = s[start:end].lstrip().startswith("其中")
    usable = [
        m
        for m in mentions
        if start <= m.start
        and m.end <= end
        and not is_yardstick(s, m)
        and not in_parens(s, m.start)
        and not (subset and not m.named)
        and not (figure and not m.named and not m.anaphor and _counts_group(s, m, figure))
    ]
    before_verb = [m for m in usable if m.start < verb]
    if before_verb:
        return before_verb[0]
    names = [m for m in usable if m.named and not m.anaphor] if figure else []
    return names[0] if names else ""


def _counts_group(s: str, m: Mention, q: Quantity) -> bool:
    """教职工170多人 / 高校毕业生超过10万人: the group is what the figure counts."""
    gap = s[m.end : q.lead].strip()
    return q.unit[-1:] in ("人", "名", "位", "个", "家", "所", "户") and len(gap) <= 2


def positional_entity(s: str, q: Quantity, clause: int, mentions: list[Mention], context: Context) -> str:
    """Entities a figure's own position fixes: totals, brackets, yardsticks stated with their figure."""
    before = [m for m in mentions if m.end <= q.lead]
    if any(w in s[clause : q.start] for w in gz.TOTAL_WORDS):
        groups = [m for m in before if len(m.members) > 1]
        if groups:
            return groups[-1].text  # 黑龙江、辽宁、吉林三省…合计减少82.1万人
    if in_parens(s, q.start):
        opening = s.rfind("(", 0, q.start)
        inside = [m for m in before if m.start > opening]
        if inside:
            return resolve(inside[-1], context)  # (辽宁53%、黑龙江51.1%)
        named = [m for m in before if not s[m.end : opening].strip()]
        if named:
            return resolve(named[-1], context)  # 广东(每年3600元)
    if before:
        m = before[-1]
        gap = s[m.end : q.lead].strip()
        if _lead(s, m).endswith(gz.ADJACENT_SUBJECT_LEAD) and gap in ("", "的", "平均", "的平均"):
            return resolve(m, context)  # 低于全国2.08% / 仅次于山东省的42.8万人
    return ""


def enumerated(s: str, quantities: list[Quantity], mentions: list[Mention]) -> dict[int, str]:
    """黑龙江、辽宁、吉林…分别减少33万人、27万人、22.1万人: pair listed entities with figures in order."""
    paired: dict[int, str] = {}
    for m in re.finditer("分别|依次", s):
        lists = [x for x in mentions if x.end <= m.start() and len(x.members) > 1]
        if lists:
            after = [q for q in quantities if q.start > m.start() and q.start not in paired]
            for name, q in zip(lists[-1].members, after, strict=False):
                paired[q.start] = name
    return paired
