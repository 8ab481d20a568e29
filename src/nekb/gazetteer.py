"""Vocabulary for fact extraction: units, qualifiers, entity heads and the words around figures.

General Chinese only: no list of places or organisations. Entities come from the text itself
(jieba part-of-speech tags, see ``entities.py``); what is here are closed word classes (units,
counters, qualifiers, pronouns) and common head nouns that make a noun phrase a place, an
organisation or a group of people (…市, …医院, …家庭).

Everything is Simplified Chinese: the extractor converts text with OpenCC before matching.
All tables are immutable (tuples, frozensets, mapping proxies) and the regexes are compiled once.
"""

from __future__ import annotations

import re
from types import MappingProxyType


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _pairs(text: str) -> MappingProxyType[str, str]:
    """``"a:b c"`` -> read-only ``{"a": "b", "c": ""}``."""
    return MappingProxyType(dict(word.partition(":")[::2] for word in text.split()))


# --- units ---------------------------------------------------------------------------------

# Base units, each with the following characters that turn it into another word (人口 is not 人).
_BASE_UNITS = _pairs(
    "个百分点 百分点 平方公里 平方千米 平方米 立方米 千米 公里 厘米 毫米 公顷 公斤 千克 "
    "美元 港元 欧元 日元 英镑 平方呎 平方英尺 英亩 呎 "
    "卢布 人次 个月 周年 小时 分钟 英里 英尺 摄氏度 "
    "元:素旦首老宵 人:口员才民均群士们力事类工格家性文选生大 名:义单额字称校胜 家:庭长乡族属 项:目 "
    "个:人体性别案 岁:月 年:代级轻龄纪度来间前内制 倍 亩 吨:位 户:籍口 座:谈 所:有以在谓得属 次:要 "
    "台:阶湾 辆 套 天:然津气空 位:于置居 例:如 间:接断隔 份:额子 种:子类植 条:件例约款 部:分门署长 "
    "本:科地土市身 场:所景合地 支:持出付柱 处:理于在长 件:事 张 枚 颗 艘 架:构 棵 株 篇 座 栋 幢 层:次面级 "
    "米 克 秒:杀 周:边期末岁刊 % ‰ ℃"
)
BASE_UNIT_PATTERN = "|".join(
    re.escape(unit) + (f"(?![{bad}])" if bad else "")
    for unit, bad in sorted(_BASE_UNITS.items(), key=lambda kv: len(kv[0]), reverse=True)
)
# Unit symbols in Latin letters (182CM, 10 km, 4.7 GHz, 100MW), any case but m, which is metres only
# in lower case (A-35M is a model); a regex alternation.
LATIN_UNITS = r"(?i:km2|m2|kwh|km|cm|mm|nm|kg|mg|kw|mw|gw|ghz|mhz|khz|hz|ml|gb|mb|tb)|m"
MAGNITUDE_PATTERN = "万亿|亿|万|千"
DIFFERENCE_UNITS = ("个百分点", "百分点")
# Counted things: the noun after the unit says what is counted (2000余家陶瓷文创企业).
COUNTER_UNITS = frozenset(
    _words("个 家 名 项 所 座 户 位 台 辆 套 例 间 份 种 条 部 本 场 支 处 件 张 枚 颗 艘 架 棵 株 篇 栋 幢")
)
# Units a Chinese numeral of two or more characters may carry (三十三万人, 百分之十五).
CHINESE_NUMERAL_BASES = frozenset(("", *_words("人 元 美元 % 倍 亩 吨 公里 平方公里 米 岁 人次 户 名")))
# A one-character Chinese numeral counts only before a counter (两个校区, 三个一级学科, 四份文件);
# 一 is an article (一座城市) and never counts.
SINGLE_NUMERAL_COUNTERS = COUNTER_UNITS | {"倍", "成", "亩"}

# --- qualifiers ----------------------------------------------------------------------------

# Words right before a number, mapped to their normal form.
QUALIFIERS_BEFORE = _pairs(
    "超过:超过 超:超过 突破:超过 逾:逾 不足:不足 不到:不足 低于:低于 高于:高于 接近:近 将近:近 近:近 "
    "大约:约 约:约 只有:仅 仅:仅 达到:达 高达:达 多达:达 达:达 最高:最高 最长:最长 至少:至少 上:约"
)
QUALIFIERS_AFTER = frozenset(_words("以上 以下 左右 上下 以内"))

# --- entities ------------------------------------------------------------------------------

# jieba part-of-speech tags of names: places and organisations. Person names (nr, nrt) are left
# out: jieba's dictionary and its HMM give them to many ordinary words (容纳, 贡献率, 远高于).
NAME_TAGS = frozenset(_words("ns nt"))
# Endings that make an unknown word a place or an organisation (金华县, 华西临床医学院, 南宁二中).
NAME_SUFFIXES = _words(
    "自治区 自治州 特别行政区 省 市 县 区 州 镇 乡 村 旗 盟 岛 "
    "大学 学院 中学 小学 二中 一中 医院 研究院 研究所 公司 集团 银行 协会 委员会 政府 局 厅 "
    "校区 分校 基地 园区 新区 开发区"
)
# Head nouns of a noun phrase naming a place, an institution or a group (县域医院, 老工业基地, 高校毕业生).
GROUP_HEADS = _words(
    "地区 区域 城市 城市群 都市圈 省份 县域 县城 农村 乡村 城镇 地方 国家 全国 全球 世界 基地 "
    "家庭 住户 群体 人群 人士 居民 市民 村民 民众 学生 毕业生 人才 农民 工人 职工 教师 员工 "
    "老人 老年人 儿童 妇女 女性 男性 青年 企业 机构 医院 学校 高校 中学 大学 学院 公司 政府 校区 部门 "
    "行业 中心 园区 一二线城市 三四线城市"
)
# Words that refer back to the current subject (该院拥有…, 其人口为…, 市内的938个户中…).
ANAPHORS = _words(
    "该院 该校 该市 该县 该省 该区 该国 该镇 该村 该公司 该机构 该地 该厂 本市 本县 本省 本区 本校 本院 "
    "全市 全省 全县 全区 全校 全院 市内 县内 省内 区内 校内 院内 境内 其 它"
)
# Generic nouns that, as a subject, mean the institution the document is about (学校还有1座天文台).
GENERIC_SUBJECTS = frozenset(_words("学校 医院 公司 大学 中学 城市 该城"))
# After a name these make it an affiliation or origin, not the subject (中国科学院院士, 西班牙裔).
NAME_MODIFIED_BY = frozenset(
    _words("裔 籍 语 式 族 风格 院士 学者 教授 专家 代表 委员 会员 成员 校友 员工 职工 学生 人")
)
# Words never a subject: pronouns of quantity, generic nouns that are measures rather than things.
NOT_ENTITIES = frozenset(_words("其中 这 这些 那些 部分 某些 各地 各省 地方 国家"))
# Before these an entity is the yardstick, never the subject (占全国 / 比全国 / 较全国).
NEVER_SUBJECT_LEAD = ("占", "比", "较", "相比", "对比", "与", "同")
# After these an entity owns the figure only when the figure follows it directly (低于全国2.08%).
ADJACENT_SUBJECT_LEAD = _words("低于 高于 次于 大于 小于 多于 少于 远超 超过 超 不及 相当于 为 是")
# Words marking a total of an enumerated group (合计减少82.1万人).
TOTAL_WORDS = _words("合计 累计 共计 总计 总和 共")
# Words after which the listed entities are parts of the subject (东北地区包括东北三省和内蒙古…).
LISTING_WORDS = _words("包括 包含")
# The source of a statement (根据…数据, 据…统计): its organisations are not subjects.
SOURCE_OPENERS = ("根据", "依据", "按照", "据")
SOURCE_CLOSERS = _words("数据显示 数据 显示 统计 公报 普查 调查 资料 报告 表明 指出 发现")

# --- indicator phrases ---------------------------------------------------------------------

# Words trimmed from the start / end of an indicator phrase (longer ones first).
FILLER_PREFIXES = _words(
    "其中 同时 而且 但是 并且 根据 对于 以及 更是 面对 提供 认为 仅为 实现 全省 全市 该省 该市 目前 现有 "
    "而 但 并 且 更 也 还 则 在 从 由 于 到 至 和 与 及 的 是 为 对 这 该 其 "
    "已 就 即 共 均 都 又 使 以 有 现 约 "
    "长期 仍"
)
FILLER_SUFFIXES = _words(
    "分别为 分别是 分别达 分别 已经 仅次于 长期 同比 达到 突破 推迟 低于 高于 保持 超过 不足 接近 将近 "
    "为 达 却 和 与 及 是 了 到 至 从 由 在 的 也 已 均 都 仍 则 将 有 共 就 "
    "还 又 再 中 更 占 约 近 仅 逾 超 "
    "上 多 余 计"
)
# Phrases a filler must not be cut from (从业 is not 从 + 业, 国有 is not 国 + 有).
PROTECTED_STARTS = _words(
    "从业 就业 自然 年均 年龄 其他 其它 对外 由于 在校 共同 均衡 以上 以下 以来 使用 至少 及时 为期 是否 "
    "都市 平均 有效 现代 有机 上市"
)
PROTECTED_ENDS = _words("平均 国有 所有 拥有 没有 存在 所在 集中 发达 到达 人均 中共 其中 户均 家中")
# Context words that say nothing about what is measured (面对每年80多万的人口流失).
WEAK_CORES = frozenset(_words("每年 每月 包括 连续 目标 其中 共 提出 确定 拥有 有 设有 还有 达 为 是 占"))
# Verbs after which the counted noun, not the verb, names the figure (给予100万元安家费).
GIVING_VERBS = _words(
    "给予 提供 引进 吸引 培育出 培育 拥有 设立 涉及 有 设 设有 还有 开设 建有 招收 包括 出台 推出"
)
# Where the noun phrase after a figure ends (2000余家陶瓷文创企业。).
FOLLOW_STOPS = _words(
    "的 在 为 是 和 与 及 共 等 并 中 因 提供 因此 认为 受益 高达 达到 超过 不足 vs 以上 以下 左右 之间"
)
# A left context made only of these just continues the previous figure (从92万减少到69万).
TRANSITION_RE = re.compile(
    r"^(?:(?:下降|骤降|降|减少|减|增长|增加|增|提高|提升|上升|升|回落|缩水|扩大)(?:到|至)|到|至"
    r"|远?(?:低于|高于|超过|超)|vs|对比|相比|平均|(?:比|较)[^,;]{0,8}(?:高|低|多|少|快|慢)(?:了|出)?)$"
)
# Words standing for an entity or a list inside an indicator phrase (三省常住人口 -> 常住人口).
GROUP_WORD_RE = re.compile(r"[二两三四五六七八九]省|全省|该省|各省|全市|该市|等地|等|分别")
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

# Age brackets (65岁及以上人口, 在18至24岁之间), per-capita bases (每10万人中), section and citation
# numbers, dates (10月27日, 9月份), ranks (前10名), generations (90后) and plan numbers (十四五).
NOT_FIGURE_RE = re.compile(
    r"\d+(?:\.\d+)?(?:\s*[-~—至到]\s*\d+(?:\.\d+)?)?\s*(?:周)?岁(?:及以上|以上|以下|之间|以内|及以下|的|(?=[\u4e00-\u9fff])(?!左右))"
    r"|每\s*\d+(?:\.\d+)?\s*万?人(?=中)|^\s*\d+(?:\.\d+)+\s|^\s*\d+[.、](?!\d)|\[\d+(?:[-,]\d+)*\]"
    r"|(?<![\d.])\d{1,2}\s*月(?:份)?(?:\s*\d{1,2}\s*[日号])?|(?<![\d.])\d{1,2}\s*[日号]"
    r"|[前首]\s*\d+\s*(?:名|位|强)|(?<![\d.])\d0后"
    # years before 1500 and era years (1358年, 民国98年, 光绪三十二年, 公元前221年)
    r"|(?:公元前?|民国|光绪|宣统|同治|咸丰|道光|嘉庆|乾隆|雍正|康熙|崇祯|万历|嘉靖|永乐|洪武"
    r"|贞观|开元|天宝|明治|大正|昭和|平成|令和)\s*[\d一二三四五六七八九十〇零元]+\s*年"
    # events and ranks named by a distance (男子100米, 女子400米自由泳)
    r"|(?<=[男女]子)\s*\d+\s*(?:米|公里)"
)
# A year of three or four digits (508年, 1358年); a duration of that length says so (2000多年, 有1000年历史).
YEAR_LIKE_RE = re.compile(r"(?<![\d.])\d{3,4}\s*年(?!\s*(?:[多余代]|以上|左右|的?历史|之久|来|间|以来))")
DURATION_BEFORE = ("距今", "长达", "历时", "历经", "持续", "有", "约", "近", "超过", "达", "逾")
# An era year next to the common-era year (天文15年（1546年）, 472年（北魏延兴2年）).
ERA_YEAR_RE = re.compile(
    r"\d{1,2}\s*年(?=\s*[（(]\s*\d{3,4}\s*年?|\s*\d{1,2}\s*月)|(?<=年)[（(][^（）()\d,，。]{0,6}\d{1,2}\s*年(?=\s*[）)])"
)
# Section headings start a new context: 一、 / (二) / 1.2 / 3.1 黑龙江:… .
HEADING_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+(?:\.\d+)+\s|\d+[.、]\s*(?!\d)|第[一二三四五六七八九十\d]+[章节部分])"
)
