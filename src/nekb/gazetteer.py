"""Vocabulary for fact extraction: places and organisations, units, qualifiers and filler words.

Everything here is Simplified Chinese: the extractor converts text with OpenCC before matching.
All tables are immutable (tuples, frozensets, mapping proxies) and the regexes are compiled once.
"""

from __future__ import annotations

import re
from types import MappingProxyType

# --- entities ------------------------------------------------------------------------------

# canonical name -> extra surface forms (the canonical name itself always matches).
_ENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    # regions and groups
    "东北三省": ("东三省", "东北3省"),
    "东北地区": (),
    "东北亚": (),
    "东北": (),
    "全国": (),
    "中国": ("我国",),
    "东部沿海地区": (),
    "东部地区": (),
    "中部地区": (),
    "西部地区": (),
    "中西部": (),
    "东部": (),
    "中部": (),
    "西部": (),
    "蒙东地区": (),
    "长三角": (),
    "珠三角": (),
    "京津冀": (),
    "粤港澳": (),
    "北上广": (),
    # provinces
    "黑龙江": (),
    "辽宁": (),
    "吉林": (),
    "内蒙古": (),
    "山东": (),
    "山西": (),
    "广东": (),
    "江苏": (),
    "浙江": (),
    "海南": (),
    "上海": (),
    "北京": (),
    "天津": (),
    "重庆": (),
    # cities and prefectures of the Northeast
    "沈阳": (),
    "大连": (),
    "长春": (),
    "哈尔滨": (),
    "大庆": (),
    "七台河": (),
    "鹤岗": (),
    "双鸭山": (),
    "黑河": (),
    "伊春": (),
    "鸡西": (),
    "抚顺": (),
    "阜新": (),
    "鞍山": (),
    "本溪": (),
    "丹东": (),
    "锦州": (),
    "营口": (),
    "辽阳": (),
    "盘锦": (),
    "铁岭": (),
    "朝阳": (),
    "葫芦岛": (),
    "四平": (),
    "辽源": (),
    "通化": (),
    "白山": (),
    "松原": (),
    "白城": (),
    "延边": (),
    "齐齐哈尔": (),
    "牡丹江": (),
    "佳木斯": (),
    "绥化": (),
    "大兴安岭": (),
    "呼伦贝尔": (),
    "兴安盟": (),
    "通辽": (),
    "赤峰": (),
    "锡林郭勒": ("锡林格勒",),
    # other cities and places
    "武汉": (),
    "深圳": (),
    "杭州": (),
    "成都": (),
    "苏州": (),
    "东莞": (),
    "赣州": (),
    "榆林": (),
    "景德镇": (),
    "寿光": (),
    "黑瞎子岛": (),
    "海参崴": (),
    # abroad
    "鲁尔区": (),
    "匹兹堡": (),
    "俄罗斯": ("俄方",),
    "德国": (),
    "日本": (),
    "美国": (),
    "韩国": (),
    # organisations
    "哈尔滨工业大学": ("哈工大",),
    "哈尔滨医科大学": (),
    "东北大学": (),
    "吉林大学": (),
    "中国一汽": (),
}

# Surface forms that must not count when glued to these neighbours (长白山 is not 白山,
# 中国式现代化 is not a statement about China, 其中部分 holds no 中部).
_NOT_BEFORE = MappingProxyType({"白山": "长", "中部": "其集", "东部": "区"})
_NOT_AFTER = MappingProxyType({"中国": "式特", "朝阳": "产", "四平": "八"})

# A province/city name may carry its administrative suffix: 黑龙江省, 七台河市, 内蒙古自治区.
_ADMIN_SUFFIX = "(?:省|市|自治区|地区)?"


def _surface_pattern(surface: str) -> str:
    before = _NOT_BEFORE.get(surface, "")
    after = _NOT_AFTER.get(surface, "")
    guard_before = f"(?<![{before}])" if before else ""
    guard_after = f"(?![{after}])" if after else ""
    suffix = "" if surface.endswith(("区", "省", "地区", "大学", "岛", "盟")) else _ADMIN_SUFFIX
    return f"{guard_before}{re.escape(surface)}{guard_after}{suffix}"


ENTITY_BY_SURFACE = MappingProxyType(
    {surface: name for name, aliases in _ENTITY_ALIASES.items() for surface in (name, *aliases)}
)
# Longest surface first so 东北三省 wins over 东北 and 哈尔滨工业大学 over 哈尔滨.
ENTITY_RE = re.compile(
    "|".join(
        f"(?P<e{i}>{_surface_pattern(s)})"
        for i, s in enumerate(sorted(ENTITY_BY_SURFACE, key=len, reverse=True))
    )
)
ENTITY_SURFACES = tuple(sorted(ENTITY_BY_SURFACE, key=len, reverse=True))

NORTHEAST_PROVINCES = frozenset({"黑龙江", "辽宁", "吉林"})
NORTHEAST_GROUP = "东北三省"

# --- units ---------------------------------------------------------------------------------

# Base units, each with the neighbours that turn it into another word (人口 is not 人).
_BASE_UNITS = (
    ("个百分点", ""),
    ("百分点", ""),
    ("平方公里", ""),
    ("平方米", ""),
    ("立方米", ""),
    ("公里", ""),
    ("公顷", ""),
    ("美元", ""),
    ("卢布", ""),
    ("人次", ""),
    ("个月", ""),
    ("周年", ""),
    ("小时", ""),
    ("元", "素旦首"),
    ("人", "口员才民均群士们力事类工格家性文选生大"),
    ("名", "义单额字称校"),
    ("家", "庭长乡族属"),
    ("项", "目"),
    ("个", "人体性别案"),
    ("岁", "月"),
    ("年", "代级轻龄纪度后来间前内"),
    ("倍", ""),
    ("亩", ""),
    ("吨", ""),
    ("户", "籍口"),
    ("座", "谈"),
    ("所", "有以在谓得属"),
    ("次", "要"),
    ("台", "阶湾"),
    ("辆", ""),
    ("套", ""),
    ("天", "然津"),
    ("位", "于置居"),
    ("例", "如"),
    ("%", ""),
    ("‰", ""),
    ("℃", ""),
)
BASE_UNIT_PATTERN = "|".join(
    re.escape(unit) + (f"(?![{bad}])" if bad else "") for unit, bad in _BASE_UNITS
)
MAGNITUDE_PATTERN = "万亿|亿|万"

# Counted things: the noun after the unit says what is counted (2000余家陶瓷文创企业).
COUNTER_UNITS = frozenset({"个", "家", "名", "项", "所", "座", "户", "位", "台", "辆", "套", "例"})
# Units a Chinese numeral may carry; counters and 年 after 十/二十 are usually not figures (十年来).
CHINESE_NUMERAL_BASES = frozenset({"", "人", "元", "美元", "%", "倍", "亩", "吨", "公里", "平方公里"})

# --- qualifiers ----------------------------------------------------------------------------

# Words right before a number, mapped to their normal form.
QUALIFIERS_BEFORE = MappingProxyType(
    {
        "超过": "超过",
        "超": "超过",
        "逾": "逾",
        "不足": "不足",
        "不到": "不足",
        "低于": "低于",
        "高于": "高于",
        "接近": "近",
        "将近": "近",
        "近": "近",
        "大约": "约",
        "约": "约",
        "只有": "仅",
        "仅": "仅",
        "达到": "达",
        "高达": "达",
        "多达": "达",
        "达": "达",
        "突破": "超过",
        "最高": "最高",
        "最长": "最长",
        "至少": "至少",
    }
)
QUALIFIERS_AFTER = frozenset({"以上", "以下", "左右", "上下", "以内"})

# --- indicator clean-up --------------------------------------------------------------------

# Words trimmed from the start / end of an indicator phrase, longest first where it matters.
FILLER_PREFIXES = tuple(
    "其中 同时 而且 但是 并且 根据 对于 以及 更是 面对 提供 认为 仅为 全省 全市 该省 该市 "
    "而 但 并 且 更 也 还 则 在 从 由 于 到 至 和 与 及 的 是 为 对 这 该 其 已 就 即 共 均 都 又 使 以".split()
)
FILLER_SUFFIXES = tuple(
    "分别为 分别是 分别达 分别 已经 仅次于 长期 同比 达到 突破 推迟 低于 高于 "
    "为 达 却 和 与 及 是 了 到 至 从 由 在 的 也 已 均 都 仍 则 将 有 共 就 还 又 再 中 更 占".split()
)
# Phrases a filler must not be cut from (从业 is not 从 + 业, 国有 is not 国 + 有).
PROTECTED_STARTS = tuple(
    "从业 就业 自然 年均 年龄 其他 对外 由于 在校 共同 均衡 以上 以下 以来 使用 至少 及时 为期 是否 都市 平均".split()
)
PROTECTED_ENDS = tuple("平均 国有 所有 拥有 没有 存在 所在 集中 发达 到达 人均 中共 其中".split())
# Context words that say nothing about what is measured (面对每年80多万的人口流失).
WEAK_CORES = frozenset("每年 每月 平均 包括 连续 目标 其中 共 合计 累计 提出 确定".split())
# Verbs after which the counted noun, not the verb, names the figure (给予100万元安家费).
GIVING_VERBS = tuple("给予 提供 投资 投入 引进 吸引 培育出 培育 拥有 设立 涉及".split())
# A left context made only of these just continues the previous figure (从92万减少到69万).
TRANSITION_RE = re.compile(
    r"^(?:(?:下降|骤降|降|减少|减|增长|增加|增|提高|提升|上升|升|回落|缩水|扩大)(?:到|至)|到|至"
    r"|远?(?:低于|高于|超过|超)|vs|对比|相比|平均)$"
)
# Words marking a total of an enumerated group (合计减少82.1万人).
TOTAL_WORDS = ("合计", "累计", "共计", "总计", "总和")
# Words after which the listed entities are parts of the subject (东北地区包括东北三省和内蒙古…).
LISTING_WORDS = ("包括", "包含")
