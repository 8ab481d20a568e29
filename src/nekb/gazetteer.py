"""Vocabulary for fact extraction: places and organisations, units, qualifiers and context words.

Everything here is Simplified Chinese: the extractor converts text with OpenCC before matching.
All tables are immutable (tuples, frozensets, mapping proxies) and the regexes are compiled once.
Long word lists are written as space-separated strings to keep them readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _pairs(text: str) -> MappingProxyType[str, str]:
    """``"a:b c"`` -> read-only ``{"a": "b", "c": ""}``."""
    return MappingProxyType(dict(word.partition(":")[::2] for word in text.split()))


# --- entities ------------------------------------------------------------------------------

_ENTITIES = _words(
    # regions and groups
    "东北三省 东北地区 东北亚 东北 全国 中国 东部沿海地区 东部地区 中部地区 西部地区 中西部 东部 中部 西部 "
    "蒙东地区 长三角 珠三角 京津冀 粤港澳 北上广 "
    # provinces and municipalities
    "黑龙江 辽宁 吉林 内蒙古 山东 山西 广东 江苏 浙江 海南 上海 北京 天津 重庆 "
    # cities and prefectures of the Northeast
    "沈阳 大连 长春 哈尔滨 大庆 七台河 鹤岗 双鸭山 黑河 伊春 鸡西 抚顺 阜新 鞍山 本溪 丹东 锦州 营口 "
    "辽阳 盘锦 铁岭 朝阳 葫芦岛 四平 辽源 通化 白山 松原 白城 延边 齐齐哈尔 牡丹江 佳木斯 绥化 大兴安岭 "
    "呼伦贝尔 兴安盟 通辽 赤峰 锡林郭勒 "
    # other cities and places, abroad
    "武汉 深圳 杭州 成都 苏州 东莞 赣州 榆林 景德镇 寿光 黑瞎子岛 海参崴 "
    "鲁尔区 匹兹堡 俄罗斯 德国 日本 美国 韩国 "
    # organisations
    "哈尔滨工业大学 哈尔滨医科大学 东北大学 吉林大学 中国一汽"
)
# Organisations answer for their own figures but are no subject for the sentences after them.
ORGANIZATIONS = frozenset(name for name in _ENTITIES if name.endswith(("大学", "一汽")))
_ALIASES = _pairs(
    "东三省:东北三省 东北3省:东北三省 我国:中国 锡林格勒:锡林郭勒 俄方:俄罗斯 哈工大:哈尔滨工业大学"
)
ENTITY_BY_SURFACE = MappingProxyType({**{name: name for name in _ENTITIES}, **_ALIASES})
NORTHEAST_PROVINCES = frozenset({"黑龙江", "辽宁", "吉林"})
NORTHEAST_GROUP = "东北三省"
NATIONWIDE = ("全国", "中国")

# Neighbours that make a surface form another word: 长白山 is not 白山, 中国式现代化 is not about
# China, 其中部分 holds no 中部.
_NOT_BEFORE = MappingProxyType({"白山": "长", "中部": "其集", "东部": "区"})
_NOT_AFTER = MappingProxyType({"中国": "式特", "朝阳": "产", "四平": "八"})


def _surface_pattern(surface: str) -> str:
    before, after = _NOT_BEFORE.get(surface), _NOT_AFTER.get(surface)
    guard_before = f"(?<![{before}])" if before else ""
    guard_after = f"(?![{after}])" if after else ""
    # A province or city may carry its administrative suffix: 黑龙江省, 七台河市, 内蒙古自治区.
    suffix = "" if surface.endswith(("区", "省", "大学", "岛", "盟", "汽")) else "(?:省|市|自治区|地区)?"
    return f"{guard_before}{re.escape(surface)}{guard_after}{suffix}"


# Longest surface first so 东北三省 wins over 东北 and 哈尔滨工业大学 over 哈尔滨; the leading
# character class lets the regex skip most positions without trying every alternative.
ENTITY_SURFACES = tuple(sorted(ENTITY_BY_SURFACE, key=len, reverse=True))
ENTITY_RE = re.compile(
    f"(?=[{''.join(sorted({s[0] for s in ENTITY_SURFACES}))}])(?:"
    + "|".join(f"(?P<e{i}>{_surface_pattern(s)})" for i, s in enumerate(ENTITY_SURFACES))
    + ")"
)


@dataclass(frozen=True)
class Mention:
    """A gazetteer entity found in a (normalized) sentence."""

    start: int
    end: int
    group: str  # the enumeration it belongs to (黑龙江、辽宁、吉林 -> 东北三省), else its own name
    members: tuple[str, ...]
    lead: str  # the characters just before it, to spot yardsticks such as 占全国


def find_mentions(s: str) -> list[Mention]:
    """Gazetteer entities in ``s``, in order; runs such as 黑龙江、辽宁和吉林 form one group."""
    runs: list[list[tuple[int, int, str]]] = []
    for m in ENTITY_RE.finditer(s):
        item = (m.start(), m.end(), ENTITY_BY_SURFACE[ENTITY_SURFACES[int(m.lastgroup[1:])]])
        if runs and re.fullmatch(r"\s*[、和及]\s*", s[runs[-1][-1][1] : m.start()]):
            runs[-1].append(item)
        else:
            runs.append([item])
    mentions = []
    for run in runs:
        members = tuple(dict.fromkeys(name for _, _, name in run))
        group = NORTHEAST_GROUP if set(members) == NORTHEAST_PROVINCES else "、".join(members)
        mentions += [
            Mention(start, end, group, members, s[max(0, start - 3) : start]) for start, end, _ in run
        ]
    return mentions


# 占全国 / 比全国: an entity after these is the yardstick, never the subject of the figure.
NEVER_SUBJECT_LEAD = ("占", "比", "较")
# 低于全国2.08% / 仅次于山东省的42.8万人: a yardstick unless the figure follows it directly.
ADJACENT_SUBJECT_LEAD = _words("低于 高于 次于 大于 小于 多于 少于 为 是 超")
# Words marking a total of an enumerated group (合计减少82.1万人).
TOTAL_WORDS = _words("合计 累计 共计 总计 总和")
# Words after which the listed entities are parts of the subject (东北地区包括东北三省和内蒙古…).
LISTING_WORDS = _words("包括 包含")

# --- units ---------------------------------------------------------------------------------

# Base units, each with the following characters that turn it into another word (人口 is not 人).
_BASE_UNITS = _pairs(
    "个百分点 百分点 平方公里 平方米 立方米 公里 公顷 美元 卢布 人次 个月 周年 小时 "
    "元:素旦首 人:口员才民均群士们力事类工格家性文选生大 名:义单额字称校 家:庭长乡族属 项:目 "
    "个:人体性别案 岁:月 年:代级轻龄纪度后来间前内 倍 亩 吨 户:籍口 座:谈 所:有以在谓得属 次:要 "
    "台:阶湾 辆 套 天:然津 位:于置居 例:如 % ‰ ℃"
)
BASE_UNIT_PATTERN = "|".join(
    re.escape(unit) + (f"(?![{bad}])" if bad else "") for unit, bad in _BASE_UNITS.items()
)
MAGNITUDE_PATTERN = "万亿|亿|万"
DIFFERENCE_UNITS = ("个百分点", "百分点")
# Counted things: the noun after the unit says what is counted (2000余家陶瓷文创企业).
COUNTER_UNITS = frozenset(_words("个 家 名 项 所 座 户 位 台 辆 套 例"))
# Units a Chinese numeral may carry; counters and 年 after 十/二十 are usually not figures (十年来).
CHINESE_NUMERAL_BASES = frozenset(("", *_words("人 元 美元 % 倍 亩 吨 公里 平方公里")))

# --- qualifiers ----------------------------------------------------------------------------

# Words right before a number, mapped to their normal form.
QUALIFIERS_BEFORE = _pairs(
    "超过:超过 超:超过 突破:超过 逾:逾 不足:不足 不到:不足 低于:低于 高于:高于 接近:近 将近:近 近:近 "
    "大约:约 约:约 只有:仅 仅:仅 达到:达 高达:达 多达:达 达:达 最高:最高 最长:最长 至少:至少"
)
QUALIFIERS_AFTER = frozenset(_words("以上 以下 左右 上下 以内"))

# --- indicator phrases ---------------------------------------------------------------------

# Words trimmed from the start / end of an indicator phrase (longer ones first).
FILLER_PREFIXES = _words(
    "其中 同时 而且 但是 并且 根据 对于 以及 更是 面对 提供 认为 仅为 实现 全省 全市 该省 该市 "
    "而 但 并 且 更 也 还 则 在 从 由 于 到 至 和 与 及 的 是 为 对 这 该 其 已 就 即 共 均 都 又 使 以"
)
FILLER_SUFFIXES = _words(
    "分别为 分别是 分别达 分别 已经 仅次于 长期 同比 达到 突破 推迟 低于 高于 保持 "
    "为 达 却 和 与 及 是 了 到 至 从 由 在 的 也 已 均 都 仍 则 将 有 共 就 还 又 再 中 更 占"
)
# Phrases a filler must not be cut from (从业 is not 从 + 业, 国有 is not 国 + 有).
PROTECTED_STARTS = _words(
    "从业 就业 自然 年均 年龄 其他 对外 由于 在校 共同 均衡 以上 以下 以来 使用 至少 及时 为期 是否 都市 平均"
)
PROTECTED_ENDS = _words("平均 国有 所有 拥有 没有 存在 所在 集中 发达 到达 人均 中共 其中")
# Context words that say nothing about what is measured (面对每年80多万的人口流失).
WEAK_CORES = frozenset(_words("每年 每月 平均 包括 连续 目标 其中 共 提出 确定"))
# Verbs after which the counted noun, not the verb, names the figure (给予100万元安家费).
GIVING_VERBS = _words("给予 提供 投资 投入 引进 吸引 培育出 培育 拥有 设立 涉及")
# Where the noun phrase after a figure ends (2000余家陶瓷文创企业。).
FOLLOW_STOPS = _words("的 在 为 是 和 与 及 共 等 并 中 因 提供 因此 认为 受益 高达 达到 超过 不足 vs")
# A left context made only of these just continues the previous figure (从92万减少到69万).
TRANSITION_RE = re.compile(
    r"^(?:(?:下降|骤降|降|减少|减|增长|增加|增|提高|提升|上升|升|回落|缩水|扩大)(?:到|至)|到|至"
    r"|远?(?:低于|高于|超过|超)|vs|对比|相比|平均)$"
)
# Words standing for an entity or a list inside an indicator phrase (三省常住人口 -> 常住人口).
GROUP_WORD_RE = re.compile(r"[三两]省|全省|该省|各省|全市|该市|等地|等|分别")
# Where the noun phrase after a figure ends at the latest.
FOLLOW_END = '、,;:!?。()“”"[] \t0123456789'
QUOTES_RE = re.compile(r"[“”\"‘’「」《》]")
# Words around an indicator that are not part of it: comparison and per-capita bases, durations.
NOISE_RE = re.compile(
    r"(?:较|比|与|低于|高于)\s*(?:(?:19|20)\d{2}\s*年[末底]?|上年[末底]?|去年|同期|全国平均水平|全国均值|全国平均)"
    r"|(?:平均)?每\s*\d+(?:\.\d+)?\s*万?人中?有?"
)
DURATION_RE = re.compile(
    r"(?:连续|近|过去|最近)?[一二两三四五六七八九十\d]+年(?:来|间|以来)|(?:连续|近|过去|最近)[一二两三四五六七八九十\d]+年"
)

# --- text that holds digits but no figure --------------------------------------------------

# Age brackets (65岁及以上人口), per-capita bases (每10万人中), section and citation numbers.
NOT_FIGURE_RE = re.compile(
    r"\d+(?:\s*[-~—至到]\s*\d+)?\s*岁(?:及以上|以上|以下)?"
    r"(?=\s*(?:人口|的|群体|育龄|女性|男性|人群|中年|青年|老年|劳动|儿童|父母))"
    r"|每\s*\d+(?:\.\d+)?\s*万?人(?=中)|^\s*\d+(?:\.\d+)+\s|^\s*\d+[.、](?!\d)|\[\d+\]"
)
# Section headings start a new context: 一、 / (二) / 1.2 .
HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+(?:\.\d+)+\s)")
